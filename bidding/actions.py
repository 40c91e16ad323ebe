"""Bidding's dashboard items (`market.dashboard`): what awaits each side's action on a task, from
the announcement to payment. Each function below is one kind, a handler of
`market.signals.action_items` connected in `bidding.init_app`: it answers nothing for a user of
another kind of organization, and otherwise reads its rows in one grouped query (two or three for
the panel), whatever the number of tasks.

Only rows the user may know of are read: an applicant's items come from its own tasks (and never
from a bid before opening — the seal, docs/rules.md §5), an agency's from its own bids,
invitations and contracts, an expert's from its own seat, a regulator's from the tasks its
jurisdiction covers. The steps after publicity (objections, complaints, contracts, delivery,
payment) are read from their rows as their services leave them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, not_
from sqlalchemy.orm import aliased
from sqlmodel import Session, func, select

from bidding.models import (
    AnnouncementObjection,
    Award,
    Bid,
    Complaint,
    Contract,
    Deliverable,
    ExplanationRequest,
    Invitation,
    Objection,
    Opening,
    PanelMark,
    PanelMember,
    TaskQuestion,
    ValidityDecision,
)
from bidding.questions.services import questions_close_at
from market import lifecycle
from market.dashboard import Item
from market.models import Method, Organization, OrgKind, Task, User
from market.permissions import task_jurisdiction_clause
from market.validation import N_
from market.workdays import WorkCalendar

APPLICANTS = (OrgKind.enterprise, OrgKind.department)
#: An agency's standing bids are listed from this many working days before their deadline.
CLOSING_SOON_WD = 3

TASK_PAGE = "tasks.task_detail"


def _task_item(kind: str, label: str, task: Task, due_at=None, anchor=None, **params) -> Item:
    return Item(
        kind,
        label,
        TASK_PAGE,
        args={"number": task.number},
        due_at=due_at,
        task_number=task.number,
        task_title=task.title,
        params=params,
        anchor=anchor,
    )


def _open(now: datetime):
    return lifecycle.status_clause(lifecycle.OPEN, now)


# --- the applicant ---------------------------------------------------------------------------


def questions_to_answer(
    user: User,
    *,
    session: Session,
    org: Organization,
    now: datetime,
    calendar: WorkCalendar,
    **_ignored,
) -> list[Item]:
    """Questions awaiting the applicant's public answer, due by the end of the question period
    (the last working day before the deadline is left to read the answers)."""
    if org.kind not in APPLICANTS:
        return []
    rows = session.exec(
        select(Task, func.count(TaskQuestion.id))
        .join(TaskQuestion, TaskQuestion.task_id == Task.id)
        .where(Task.applicant_org_id == org.id, TaskQuestion.answered_at.is_(None), _open(now))
        .group_by(Task.id)
    ).all()
    return [
        _task_item(
            "answer_questions",
            N_("Answer the questions asked (%(count)d)"),
            task,
            questions_close_at(calendar, task.deadline_at),
            "questions",
            count=count,
        )
        for task, count in rows
    ]


def announcement_objections_to_reply(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    """Objections to the announcement awaiting the applicant's public reply, before the deadline."""
    if org.kind not in APPLICANTS:
        return []
    rows = session.exec(
        select(Task, func.count(AnnouncementObjection.id))
        .join(AnnouncementObjection, AnnouncementObjection.task_id == Task.id)
        .where(
            Task.applicant_org_id == org.id,
            AnnouncementObjection.replied_at.is_(None),
            _open(now),
        )
        .group_by(Task.id)
    ).all()
    return [
        _task_item(
            "reply_announcement_objections",
            N_("Reply to the objections to the announcement (%(count)d)"),
            task,
            task.deadline_at,
            "objections",
            count=count,
        )
        for task, count in rows
    ]


def explanations_to_decide(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    """Explanations of abnormally low prices the applicant must accept or reject."""
    if org.kind not in APPLICANTS:
        return []
    rows = session.exec(
        select(Task, func.count(ExplanationRequest.id))
        .join(ExplanationRequest, ExplanationRequest.task_id == Task.id)
        .where(
            Task.applicant_org_id == org.id,
            ExplanationRequest.explained_at.is_not(None),
            ExplanationRequest.decision.is_(None),
            lifecycle.status_clause(lifecycle.OPENED, now),
        )
        .group_by(Task.id)
    ).all()
    return [
        _task_item(
            "decide_explanations",
            N_("Decide on the explanations of abnormally low prices (%(count)d)"),
            task,
            None,
            "bids",
            count=count,
        )
        for task, count in rows
    ]


def invitations_to_renew(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    """A direct selection whose invited agency declined while the task is open, or whose
    invitation lapsed so the task failed: the applicant may invite another agency."""
    if org.kind not in APPLICANTS:
        return []
    earlier = aliased(Invitation)
    latest = (
        select(func.max(earlier.id))
        .where(earlier.task_id == Task.id)
        .correlate(Task)
        .scalar_subquery()
    )
    rows = session.exec(
        select(Task, Invitation)
        .join(Invitation, Invitation.id == latest)
        .where(
            Task.applicant_org_id == org.id,
            Task.method == Method.direct,
            Invitation.accepted_at.is_(None),
            (
                (Invitation.declined_at.is_not(None) & _open(now))
                | lifecycle.status_clause(lifecycle.FAILED, now)
            ),
        )
    ).all()
    return [
        _task_item(
            "invite_another_agency",
            N_("Invite another agency: the invitation was declined")
            if invitation.declined_at is not None
            else N_("Invite another agency: the invitation lapsed and the task failed"),
            task,
            task.deadline_at if task.failed_at is None else None,
            "invitation",
        )
        for task, invitation in rows
    ]


def panels_marking(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    """A `scoring` task whose panel has not finished marking: the applicant follows it (who sits
    on the panel stays hidden until marking is over, docs/rules.md §5)."""
    if org.kind not in APPLICANTS:
        return []
    rows = session.exec(
        select(Task)
        .join(Opening, Opening.task_id == Task.id)
        .where(
            Task.applicant_org_id == org.id,
            Task.method == Method.scoring,
            func.coalesce(Task.weight_quality, 0) > 0,  # bidding.panel.needs_panel
            Opening.validity_final_at.is_not(None),
            lifecycle.status_clause(lifecycle.OPENED, now),
        )
    ).all()
    return [
        _task_item(
            "panel_marking",
            N_("Follow the expert panel's marking: not complete yet"),
            task,
            None,
            "timeline",
        )
        for task in rows
    ]


def award_objections_to_answer(
    user: User, *, session: Session, org: Organization, **_ignored
) -> list[Item]:
    """Bidders' objections (异议, 质疑) to the award candidate awaiting the applicant's answer."""
    if org.kind not in APPLICANTS:
        return []
    rows = session.exec(
        select(Task, func.count(Objection.id), func.min(Objection.answer_due_at))
        .join(Objection, Objection.task_id == Task.id)
        .where(
            Task.applicant_org_id == org.id,
            Objection.answered_at.is_(None),
            Objection.withdrawn_at.is_(None),
            Task.cancelled_at.is_(None),
        )
        .group_by(Task.id)
    ).all()
    return [
        _task_item(
            "answer_award_objections",
            N_("Answer the objections to the award candidate (%(count)d)"),
            task,
            due,
            "objections-to-award",
            count=count,
        )
        for task, count, due in rows
    ]


def _current_contract():
    """Join conditions: the contract of the task's current award (a revoked award's unsigned
    contract is no one's to sign), not terminated."""
    return and_(
        Contract.task_id == Task.id,
        Contract.terminated_at.is_(None),
        exists().where(Award.id == Contract.award_id, Award.revoked_at.is_(None)),
    )


def _contracts(session: Session, *where):
    return session.exec(
        select(Task, Contract)
        .select_from(Task)
        .join(Contract, _current_contract())
        .where(Task.cancelled_at.is_(None), *where)
        .order_by(Contract.id)
    ).all()


def contracts_to_sign(user: User, *, session: Session, org: Organization, **_ignored) -> list[Item]:
    """A contract not yet confirmed by the user's side, before `sign_by`: the applicant's and the
    awarded agency's each."""
    if org.kind in APPLICANTS:
        side = and_(Contract.applicant_org_id == org.id, Contract.applicant_signed_at.is_(None))
    elif org.kind == OrgKind.agency:
        side = and_(Contract.agency_id == org.id, Contract.agency_signed_at.is_(None))
    else:
        return []
    rows = _contracts(session, side, Contract.signed_at.is_(None), Contract.abandoned_at.is_(None))
    return [
        _task_item("sign_contract", N_("Sign the contract"), task, contract.sign_by, "contract")
        for task, contract in rows
    ]


def deliveries_to_decide(
    user: User, *, session: Session, org: Organization, **_ignored
) -> list[Item]:
    """Work delivered and awaiting the applicant's acceptance or request for revision."""
    if org.kind not in APPLICANTS:
        return []
    rows = session.exec(
        select(Task, Deliverable)
        .select_from(Task)
        .join(Contract, _current_contract())
        .join(Deliverable, Deliverable.contract_id == Contract.id)
        .where(
            Contract.applicant_org_id == org.id,
            Deliverable.decided_at.is_(None),
            Task.cancelled_at.is_(None),
        )
        .order_by(Deliverable.id)
    ).all()
    return [
        _task_item(
            "decide_delivery",
            N_("Accept the delivered work or ask for a revision (round %(round)d)"),
            task,
            deliverable.decide_by,
            "delivery",
            round=deliverable.round,
        )
        for task, deliverable in rows
    ]


def payments_due(user: User, *, session: Session, org: Organization, **_ignored) -> list[Item]:
    """A `budget` contract accepted and not yet paid: the department pays by `payment_due_at`."""
    if org.kind not in APPLICANTS:
        return []
    rows = _contracts(
        session,
        Contract.applicant_org_id == org.id,
        Contract.payment_due_at.is_not(None),
        Contract.paid_at.is_(None),
    )
    return [
        _task_item(
            "pay_contract", N_("Pay the contract"), task, contract.payment_due_at, "contract"
        )
        for task, contract in rows
    ]


# --- the agency ------------------------------------------------------------------------------


def invitations_to_answer(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    """An invitation to a direct selection the agency has not answered, before the task's
    deadline (`bidding.invitations.services.state` pending)."""
    if org.kind != OrgKind.agency:
        return []
    rows = session.exec(
        select(Task)
        .join(Invitation, Invitation.task_id == Task.id)
        .where(
            Invitation.agency_id == org.id,
            Invitation.accepted_at.is_(None),
            Invitation.declined_at.is_(None),
            Invitation.lapsed_at.is_(None),
            _open(now),
        )
    ).all()
    return [
        _task_item(
            "answer_invitation",
            N_("Accept or decline the invitation"),
            task,
            task.deadline_at,
            "invitation",
        )
        for task in rows
    ]


def explanations_to_write(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    """An abnormally low price of the agency's to explain in writing by its due time."""
    if org.kind != OrgKind.agency:
        return []
    rows = session.exec(
        select(Task, ExplanationRequest)
        .join(ExplanationRequest, ExplanationRequest.task_id == Task.id)
        .join(Bid, Bid.id == ExplanationRequest.bid_id)
        .where(
            Bid.agency_id == org.id,
            ExplanationRequest.explained_at.is_(None),
            ExplanationRequest.decision.is_(None),
            lifecycle.status_clause(lifecycle.OPENED, now),
        )
    ).all()
    return [
        _task_item(
            "explain_price",
            N_("Explain your abnormally low price in writing"),
            task,
            request.due_at,
            "bids",
        )
        for task, request in rows
    ]


def bids_closing_soon(
    user: User,
    *,
    session: Session,
    org: Organization,
    now: datetime,
    calendar: WorkCalendar,
    **_ignored,
) -> list[Item]:
    """The agency's own standing bids on tasks whose deadline is at most `CLOSING_SOON_WD`
    working days away: the last moment to change or withdraw them."""
    if org.kind != OrgKind.agency:
        return []
    rows = session.exec(
        select(Task)
        .join(Bid, Bid.task_id == Task.id)
        .where(Bid.agency_id == org.id, Bid.withdrawn_at.is_(None), _open(now))
    ).all()
    return [
        _task_item(
            "bid_closing",
            N_("Check your bid: change or withdraw it before the deadline"),
            task,
            task.deadline_at,
            "my-bid",
        )
        for task in rows
        if calendar.working_days_between(now, task.deadline_at) <= CLOSING_SOON_WD
    ]


def objection_periods(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    """A task in publicity on which the agency bid and is not the candidate: it may object to
    the result until the candidate's objection period ends (unless it already did)."""
    if org.kind != OrgKind.agency:
        return []
    rows = session.exec(
        select(Task, Award)
        .join(Award, Award.task_id == Task.id)
        .join(Bid, and_(Bid.task_id == Task.id, Bid.agency_id == org.id))
        .where(
            Award.revoked_at.is_(None),
            Award.final_at.is_(None),
            Award.bid_id != Bid.id,
            Award.objections_until > now,
            Bid.withdrawn_at.is_(None),
            lifecycle.status_clause(lifecycle.PUBLICITY, now),
            # Once it objected, the objection's answer is what it waits for.
            not_(exists().where(Objection.award_id == Award.id, Objection.agency_id == org.id)),
        )
    ).all()
    return [
        _task_item(
            "objection_period",
            N_("Object to the result if it is wrong, before the period ends"),
            task,
            award.objections_until,
            "objections-to-award",
        )
        for task, award in rows
    ]


def deliveries_to_make(
    user: User, *, session: Session, org: Organization, **_ignored
) -> list[Item]:
    """A signed contract of the agency's whose work awaits delivery (first, or again after a
    revision was asked), on time before `due_at`."""
    if org.kind != OrgKind.agency:
        return []
    waiting = exists().where(
        Deliverable.contract_id == Contract.id, Deliverable.decided_at.is_(None)
    )
    rows = _contracts(
        session,
        Contract.agency_id == org.id,
        Contract.signed_at.is_not(None),
        Contract.accepted_at.is_(None),
        not_(waiting),
    )
    return [
        _task_item("deliver_work", N_("Deliver the work"), task, contract.due_at, "delivery")
        for task, contract in rows
    ]


# --- the expert ------------------------------------------------------------------------------


def marks_to_give(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    """A panel seat of the expert's on a task still being marked: declare (or recuse), then
    mark every valid bid. Three grouped reads."""
    if org.kind != OrgKind.expert:
        return []
    seats = session.exec(
        select(Task, PanelMember)
        .join(PanelMember, PanelMember.task_id == Task.id)
        .where(
            PanelMember.expert_org_id == org.id,
            PanelMember.recused_at.is_(None),
            lifecycle.status_clause(lifecycle.OPENED, now),
        )
    ).all()
    if not seats:
        return []
    ids = [task.id for task, _ in seats]
    valid = dict(
        session.exec(
            select(ValidityDecision.task_id, func.count(ValidityDecision.id))
            .where(ValidityDecision.task_id.in_(ids), ValidityDecision.valid.is_(True))
            .group_by(ValidityDecision.task_id)
        ).all()
    )
    marked = dict(
        session.exec(
            select(PanelMark.task_id, func.count(PanelMark.id))
            .where(PanelMark.task_id.in_(ids), PanelMark.expert_org_id == org.id)
            .group_by(PanelMark.task_id)
        ).all()
    )
    items = []
    for task, seat in seats:
        left = valid.get(task.id, 0) - marked.get(task.id, 0)
        if seat.declared_at is None:
            kind, label = "declare_conflicts", N_("Declare no conflict of interest, or recuse")
        elif left > 0:
            kind, label = "mark_proposals", N_("Mark the proposals (%(count)d left)")
        else:
            continue
        items.append(
            Item(
                kind,
                label,
                "bidding.expert_panels",
                task_number=task.number,
                task_title=task.title,
                params={"count": left},
                anchor=f"panel-{task.number}-h",
            )
        )
    return items


# --- the regulator ---------------------------------------------------------------------------


def complaints_to_decide(
    user: User, *, session: Session, org: Organization, **_ignored
) -> list[Item]:
    """Complaints (投诉) awaiting the decision of a regulator whose jurisdiction covers the task."""
    if org.kind != OrgKind.regulator:
        return []
    rows = session.exec(
        select(Task, Complaint)
        .join(Complaint, Complaint.task_id == Task.id)
        .where(
            Complaint.decided_at.is_(None),
            Complaint.withdrawn_at.is_(None),
            task_jurisdiction_clause(session, user),
        )
        .order_by(Complaint.id)
    ).all()
    return [
        _task_item(
            "decide_complaint", N_("Decide the complaint"), task, complaint.decide_by, "complaints"
        )
        for task, complaint in rows
    ]


#: Every kind bidding adds to the dashboard, connected by `bidding.init_app`.
KINDS = (
    questions_to_answer,
    announcement_objections_to_reply,
    explanations_to_decide,
    invitations_to_renew,
    panels_marking,
    award_objections_to_answer,
    contracts_to_sign,
    deliveries_to_decide,
    payments_due,
    invitations_to_answer,
    explanations_to_write,
    bids_closing_soon,
    objection_periods,
    deliveries_to_make,
    marks_to_give,
    complaints_to_decide,
)
