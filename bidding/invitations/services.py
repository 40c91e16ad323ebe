"""The invitation of a `direct` selection (docs/rules.md §5): the applicant invites one listed
agency; the agency accepts with a price and a duration, or declines with a reason, before the
task's deadline; unanswered by then, the invitation lapses.

**Acceptance takes the ordinary path to the result.** Under the task's row lock (the clock read
after it), eligibility is checked as for a bid, the accepted offer becomes the agency's bid with a
signed receipt (`bidding.sealed.write_version`), the task is opened at once
(`lifecycle` event ``open_on_acceptance``) with that single receipt standing and valid, and
`bidding.progress.advance` ranks it (`bidding.selection`, method ``direct``), names the award
candidate and starts the publicity period, as for every other method.

**After a decline** the task stays open until its deadline: the applicant may invite another
agency (not one invited before), whose invitation moves the deadline to `invitation_wd` working
days from then, or let it be. **At the deadline** an unanswered invitation lapses (derived from
the timestamps at once, recorded by the sweep `lapse_due_invitations`), and the task is opened
like any other with no bid and fails. The applicant then invites another agency, which re-posts
the task naming it (`market.tasks.repost`) and publishes it at once, or re-posts it itself. Every
invitation stays on its task, for the applicant and the regulators to read.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, select

from bidding import eligibility, progress, sealed
from bidding.locking import lock_task
from bidding.models import Invitation, Opening, ValidityDecision
from bidding.policy import BiddingPolicy
from market import audit, clock, holidays, lifecycle, signals, tasks
from market.accounts import require_kind
from market.jobs import each_due
from market.models import Organization, OrgKind, Task, User
from market.models.tasks import Method
from market.tasks import TaskPolicy, require_owner
from market.validation import MAX_ID, N_, Checker, Forbidden, yuan_text

log = logging.getLogger(__name__)

PENDING, ACCEPTED, DECLINED, LAPSED = "pending", "accepted", "declined", "lapsed"
MAX_REASON_CHARS = 2000
MAX_PRICE_FEN = sealed.MAX_PRICE_FEN


def invitations_of(session: Session, task: Task) -> list[Invitation]:
    """The task's invitations, oldest first; the last is the current one."""
    return list(
        session.exec(
            select(Invitation).where(Invitation.task_id == task.id).order_by(Invitation.id)
        )
    )


def current(session: Session, task: Task) -> Invitation | None:
    return session.exec(
        select(Invitation).where(Invitation.task_id == task.id).order_by(Invitation.id.desc())
    ).first()


def answer_by(invitation: Invitation, task: Task, latest: bool) -> datetime:
    """When the answer is due: the task's deadline (an amendment may have moved it) for the
    current invitation, the deadline it was made with for an earlier one."""
    return task.deadline_at if latest and task.deadline_at is not None else invitation.due_at


def state(invitation: Invitation, task: Task, now: datetime, latest: bool = True) -> str:
    """pending, accepted, declined or lapsed — from the timestamps: a pending invitation lapses
    at the deadline, or when its task is cancelled or failed, before the sweep records it."""
    if invitation.accepted_at is not None:
        return ACCEPTED
    if invitation.declined_at is not None:
        return DECLINED
    if (
        invitation.lapsed_at is not None
        or task.cancelled_at is not None
        # opened at the deadline without an acceptance, so failed: a clock read a moment earlier
        # under a lock the opening held first still finds it lapsed
        or task.failed_at is not None
        or now >= answer_by(invitation, task, latest)
    ):
        return LAPSED
    return PENDING


def _record_invitation(
    session: Session, task: Task, agency: Organization, due_at: datetime, by: int | None
) -> Invitation:
    now = clock.now()
    row = Invitation(
        task_id=task.id,
        agency_id=agency.id,
        invited_at=now,
        invited_by_user_id=by,
        due_at=due_at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "invitation.made",
        "task",
        task.number,
        {"agency": agency.uscc, "due_at": due_at.isoformat()},
        actor_user_id=by,
        actor_org_id=task.applicant_org_id,
    )
    return row


def on_task_published(task: Task, *, session: Session, **_ignored) -> None:
    """`market.signals.task_published` handler: a direct task's invitation is made with it."""
    if task.method != Method.direct or task.invited_agency_id is None:
        return
    agency = session.get(Organization, task.invited_agency_id)
    refusal = eligibility.invitation_refusal(agency, clock.now())
    if refusal is not None:  # the publication is refused with it (docs/rules.md §6)
        raise Forbidden(refusal)
    _record_invitation(session, task, agency, task.deadline_at, task.created_by_user_id)


def _answerable(
    session: Session, actor: User, number: str
) -> tuple[Task, Organization, Invitation, datetime]:
    """Lock the task, then read the clock; the actor's agency and its invitation, still pending."""
    task = lock_task(session, number)
    now = clock.now()
    agency = require_kind(session, actor, OrgKind.agency)
    invitation = current(session, task) if task.method == Method.direct else None
    if invitation is None or invitation.agency_id != agency.id:
        raise Forbidden(N_("Your agency is not invited to this task."))
    found = state(invitation, task, now)
    if found in (ACCEPTED, DECLINED):
        raise Forbidden(N_("The invitation has already been answered."))
    if task.cancelled_at is not None:
        raise Forbidden(N_("The task was cancelled: the invitation can no longer be answered."))
    if found == LAPSED:
        raise Forbidden(
            N_("The invitation lapsed at the task's deadline: it can no longer be answered.")
        )
    if not lifecycle.allowed(task, "open_on_acceptance", now):
        raise Forbidden(N_("The task is suspended: the invitation cannot be answered now."))
    return task, agency, invitation, now


def accept(
    session: Session,
    actor: User,
    number: str,
    price_fen: object,
    duration_days: object,
    policy: BiddingPolicy,
) -> Invitation:
    """The invited agency accepts at `price_fen` (1 fen up to the price cap) for `duration_days`
    (at most the task's service period); its agency must be eligible as for a bid. The agency
    becomes the award candidate and the result enters publicity."""
    task, agency, invitation, now = _answerable(session, actor, number)
    problems = eligibility.problems(session, task, agency, now)
    if problems:
        raise Forbidden(problems[0].message)
    c = Checker()
    price = c.money("price_fen", price_fen, minimum=1, maximum=MAX_PRICE_FEN)
    if price is not None and c.ok("price_fen") and price > task.price_cap_fen:
        c.add(
            "price_fen",
            N_("The price is above the task's price cap of ¥%(yuan)s."),
            yuan=yuan_text(task.price_cap_fen),
        )
    days = c.integer("duration_days", duration_days, minimum=1, maximum=task.service_days)
    c.raise_if_any()
    ack = sealed.write_version(session, task, agency, None, now, price, days, "", [])
    bid = sealed.standing_bids(session, task)[0]
    sealed.publish_history(session, task)
    lifecycle.transition(
        session,
        task,
        "open_on_acceptance",
        at=now,
        actor_user_id=actor.id,
        actor_org_id=agency.id,
        data={
            "receipts": [
                {"receipt": ack.receipt, "agency": agency.uscc, "agency_name": agency.name}
            ]
        },
    )
    session.add(Opening(task_id=task.id, opened_at=now, standing_receipts=[ack.receipt]))
    session.add(
        ValidityDecision(
            task_id=task.id, bid_id=bid.id, valid=True, ground="eligible", decided_at=now
        )
    )
    invitation.accepted_at, invitation.answered_by_user_id = now, actor.id
    invitation.price_fen, invitation.duration_days, invitation.bid_id = price, days, bid.id
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        "invitation.accepted",
        "task",
        task.number,
        {"agency": agency.uscc, "price_fen": price, "duration_days": days, "receipt": ack.receipt},
        actor_user_id=actor.id,
        actor_org_id=agency.id,
    )
    progress.advance(session, task, policy)
    return invitation


def decline(session: Session, actor: User, number: str, reason: object) -> Invitation:
    """The invited agency declines, with its reason (read by the applicant and regulators)."""
    task, agency, invitation, now = _answerable(session, actor, number)
    c = Checker()
    clean = c.text("reason", reason, max_length=MAX_REASON_CHARS, multiline=True)
    c.raise_if_any()
    invitation.declined_at, invitation.decline_reason = now, clean
    invitation.answered_by_user_id = actor.id
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        "invitation.declined",
        "task",
        task.number,
        {"agency": agency.uscc, "reason": clean},
        actor_user_id=actor.id,
        actor_org_id=agency.id,
    )
    return invitation


def invite_refusal(session: Session, task: Task, now: datetime) -> str | None:
    """Why the applicant may not invite another agency to `task` now (a msgid), or None."""
    if task.method != Method.direct:
        return N_("Only a direct selection invites an agency.")
    latest = current(session, task)
    if latest is not None and latest.accepted_at is not None:
        return N_("The invited agency accepted: it is the award candidate.")
    if lifecycle.allowed(task, "repost", now):
        return None
    if not lifecycle.allowed(task, "amend", now):
        return N_("Another agency can be invited while the task is open, or once it failed.")
    if latest is not None and state(latest, task, now) == PENDING:
        return N_("The invited agency has not answered yet.")
    return None


def invite(
    session: Session,
    actor: User,
    number: str,
    agency_id: object,
    policy: BiddingPolicy,
    task_policy: TaskPolicy,
) -> Invitation:
    """The applicant invites another listed, eligible agency, never one invited to the task before.

    After a decline, while the task is open, the new agency has `policy.invitation_wd` working
    days to answer: the task's deadline moves with it. Once the task failed (its invitation
    lapsed or was declined, and the deadline passed), the task is posted again
    (`market.tasks.repost`, under `task_policy`) naming the new agency, and published: the new task
    holds the new invitation, the failed one keeps its history."""
    task = lock_task(session, number)
    now = clock.now()
    require_owner(session, actor, task)
    refusal = invite_refusal(session, task, now)
    if refusal is not None:
        raise Forbidden(refusal)
    c = Checker()
    wanted = c.integer("agency_id", agency_id, minimum=1, maximum=MAX_ID)
    agency = session.get(Organization, wanted) if wanted is not None and c.ok("agency_id") else None
    if c.ok("agency_id") and (
        agency is None or agency.kind != OrgKind.agency or agency.listed_at is None
    ):
        c.add("agency_id", N_("No listed agency with this id."))
    elif agency is not None:
        if any(i.agency_id == agency.id for i in invitations_of(session, task)):
            c.add("agency_id", N_("This agency was already invited to this task: invite another."))
        elif (refusal := eligibility.invitation_refusal(agency, now)) is not None:
            c.add("agency_id", refusal.msgid, **refusal.params)
        elif eligibility.problems(session, task, agency, now):
            c.add("agency_id", N_("This agency may not take part in this selection now."))
    c.raise_if_any()
    if lifecycle.allowed(task, "repost", now):
        draft = tasks.repost(session, actor, task.number, task_policy)
        tasks.update_draft(
            session, actor, draft.number, {"invited_agency_id": agency.id}, task_policy
        )
        new = tasks.publish(session, actor, draft.number, task_policy)  # the handler invites
        return current(session, new)
    due = holidays.load(session).add_working_days(now, policy.invitation_wd)
    task.deadline_at, task.invited_agency_id = due, agency.id
    session.add(task)
    session.flush()
    signals.task_moved.send(task, session=session)  # the deadline moved: search reindexes
    return _record_invitation(session, task, agency, due, actor.id)


def lapse_due_invitations(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: record every pending invitation whose task's deadline passed (or whose task was
    cancelled) as lapsed; returns how many. Each is committed on its own, so one that fails
    (logged) never holds the others back; on PostgreSQL the invitation is taken ``SKIP LOCKED``
    (`market.jobs.each_due`), so two scheduler processes never lapse it twice."""

    def act(session: Session, row) -> bool:
        invitation, task = row
        lapse(session, invitation, task, clock.now())
        return True

    due = (
        select(Invitation, Task)
        .join(Task, Task.id == Invitation.task_id)
        .where(
            Invitation.accepted_at.is_(None),
            Invitation.declined_at.is_(None),
            Invitation.lapsed_at.is_(None),
            or_(Task.deadline_at <= clock.now(), Task.cancelled_at.is_not(None)),
        )
    )
    return each_due(session, due, act, key=Invitation.id, label="lapsing invitation", log=log)


def lapse(session: Session, invitation: Invitation, task: Task, now: datetime) -> None:
    """Record `invitation` as lapsed, at the deadline (or now, for a cancelled task)."""
    invitation.lapsed_at = min(now, task.deadline_at) if task.deadline_at else now
    session.add(invitation)
    session.flush()
    agency = session.get(Organization, invitation.agency_id)
    audit.record(session, "invitation.lapsed", "task", task.number, {"agency": agency.uscc})
