"""Objections to an award candidate (异议; 质疑 for `budget` tasks), the applicant's answers, and
complaints (投诉) to the regulator, who may suspend the task and decides (docs/rules.md §4).

- **Objecting.** An agency with a standing bid on the task — not the candidate itself — objects to
  the *current* award candidate while the task is in publicity and before the candidate's
  `objections_until`, with its grounds. It has one open (unanswered) objection per award at a time.
  The applicant answers within `objection_answer_wd` working days (`challenge_answer_wd` for a
  质疑); a later answer is accepted and shown as late: the limit is for the record and for the
  complaint window.
- **Holding the award back.** An unanswered objection holds its award back — the award is not
  final and nothing is signed — until it is answered, however late, or until a complaint about
  it is decided (`bidding.awards.pending`). Its lapse does not release the award: the applicant,
  who wants its award, releases it by answering.
- **Complaining.** The objector complains about its answered objection, or about one whose answer
  time ran out unanswered, within `complaint_wd` working days of the answer (of the answer's last
  day when unanswered: derived at once, recorded by the sweep `record_lapsed_objections`), while
  the task is not contracted and the objection's award is still the current one; once per
  objection. A pending complaint holds the award back and nothing is signed meanwhile
  (`bidding.awards.complaint_pending`).
- **Deciding.** A regulator whose jurisdiction covers the task (`market.suspensions.covers`) may
  suspend the task while it decides (`suspend_for`: the suspension's cause names the complaint)
  and resume it, and decides within `complaint_decision_wd` working days: upheld or dismissed,
  with a written reason, optionally naming a bidder whose conduct was at fault. A decision ends
  the suspension that waited for it; an upheld complaint revokes the award candidate it was about
  (`bidding.awards.hand_over`): the next in line enters publicity, or the selection fails.
  `signals.complaint_decided` announces it (ratings makes a misconduct-record proposal of an
  upheld complaint naming an agency).

Every step is audited in the caller's transaction; steps that change a task's state take its row
lock first and read the clock after it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bidding import awards, notifying, signals
from bidding.locking import lock_task
from bidding.models import Award, Bid, Complaint, Objection
from bidding.models.objections import CHALLENGE, DISMISSED, UPHELD
from bidding.models.results import COMPLAINT_UPHELD
from bidding.policy import BiddingPolicy
from market import audit, clock, holidays, lifecycle, suspensions
from market.accounts import require_kind
from market.jobs import each_due
from market.models import Organization, OrgKind, Task, User
from market.permissions import is_regulator
from market.tasks import require_owner
from market.validation import MAX_ID, N_, Checker, Forbidden, Message, NotFound
from market.workdays import shanghai_date

log = logging.getLogger(__name__)

#: Grounds, answers, complaints and decisions: at most this many characters.
MAX_TEXT = 5000
#: An objection's state, derived from its timestamps.
AWAITING, LAPSED, ANSWERED = "awaiting_answer", "lapsed", "answered"
#: The regulator's queue tabs.
UNDECIDED, DECIDED = "undecided", "decided"
QUEUE_STATES = (UNDECIDED, DECIDED)
DECISIONS = (UPHELD, DISMISSED)
#: Statuses from which no complaint is taken any more: the contract is signed (or the task ended).
_PAST_SIGNING = (
    lifecycle.CONTRACTED,
    lifecycle.DELIVERED,
    lifecycle.ACCEPTED,
    lifecycle.CLOSED,
    lifecycle.TERMINATED,
)


# --- reading --------------------------------------------------------------------------------------


def objections_of(session: Session, task: Task) -> list[Objection]:
    """The task's objections to its award candidates, oldest first."""
    return list(
        session.exec(select(Objection).where(Objection.task_id == task.id).order_by(Objection.id))
    )


def complaints_of(session: Session, task: Task) -> list[Complaint]:
    return list(
        session.exec(select(Complaint).where(Complaint.task_id == task.id).order_by(Complaint.id))
    )


def complaint_about(session: Session, objection: Objection) -> Complaint | None:
    return session.exec(
        select(Complaint)
        .where(Complaint.objection_id == objection.id, Complaint.withdrawn_at.is_(None))
        .order_by(Complaint.id)
    ).first()


def objection_state(objection: Objection, now: datetime) -> str:
    if objection.answered_at is not None:
        return ANSWERED
    return LAPSED if now >= objection.answer_due_at else AWAITING


def answered_late(objection: Objection) -> bool:
    """Whether the answer came at or after its due time (accepted, and shown as late)."""
    return objection.answered_at is not None and objection.answered_at >= objection.answer_due_at


def lapsed_complaint_due(session: Session, objection: Objection, policy: BiddingPolicy) -> datetime:
    """The complaint limit of an objection left unanswered: `complaint_wd` working days counted
    from the day after the answer's last day (its due time is 24:00 of that day)."""
    last_moment = objection.answer_due_at - timedelta(microseconds=1)
    return holidays.load(session).add_working_days(last_moment, policy.complaint_wd)


def complaint_due(
    session: Session, objection: Objection, policy: BiddingPolicy, now: datetime
) -> datetime | None:
    """Until when the objector may complain: from the answer, or from the lapse once the answer's
    time ran out (derived at once, recorded by the sweep); None while the answer is awaited."""
    if objection.complaint_due_at is not None:
        return objection.complaint_due_at
    if objection.answered_at is None and now >= objection.answer_due_at:
        return lapsed_complaint_due(session, objection, policy)
    return None


def last_day(due: datetime) -> str:
    """The last day of a period that ends at `due` (24:00 Shanghai of that day), as 2027-06-30."""
    return shanghai_date(due - timedelta(microseconds=1)).isoformat()


def is_overdue(complaint: Complaint, now: datetime) -> bool:
    return complaint.decided_at is None and now >= complaint.decide_by


def get_complaint(session: Session, complaint_id: object) -> Complaint:
    check = Checker()
    wanted = check.integer("complaint_id", complaint_id, minimum=1, maximum=MAX_ID)
    row = session.get(Complaint, wanted) if check.ok("complaint_id") else None
    if row is None:
        raise NotFound()
    return row


def get_objection(session: Session, objection_id: object) -> Objection:
    """The objection with this id: a missing or malformed id is `Invalid`, an unknown one
    `NotFound`."""
    check = Checker()
    wanted = check.integer("objection_id", objection_id, minimum=1, maximum=MAX_ID)
    check.raise_if_any()
    row = session.get(Objection, wanted)
    if row is None:
        raise NotFound()
    return row


# --- objecting ------------------------------------------------------------------------------------


def _standing_bid(session: Session, task: Task, agency: Organization) -> Bid | None:
    """The agency's standing bid on the task, if any (only a bidder may object)."""
    return session.exec(
        select(Bid).where(
            Bid.task_id == task.id, Bid.agency_id == agency.id, Bid.withdrawn_at.is_(None)
        )
    ).first()


def _open_objection(session: Session, award: Award, agency: Organization) -> Objection | None:
    """The agency's objection to `award` still awaiting its answer, if any."""
    return session.exec(
        select(Objection).where(
            Objection.award_id == award.id,
            Objection.agency_id == agency.id,
            Objection.answered_at.is_(None),
            Objection.withdrawn_at.is_(None),
        )
    ).first()


def objection_refusal(
    session: Session, task: Task, agency: Organization | None, now: datetime
) -> tuple[str, dict] | None:
    """Why `agency` may not object to the task's award candidate now — (msgid, params) — or None.
    With `agency` None, only the task's side is checked (whether objections are taken at all)."""
    award = awards.current(session, task)
    if award is None or task.publicity_at is None:
        return N_("No award candidate is published for this task."), {}
    if task.suspended_at is not None:
        return N_("The task is suspended: objections cannot be filed now."), {}
    if lifecycle.status(task, now) != lifecycle.PUBLICITY or now >= award.objections_until:
        return N_("The objection period ended on %(date)s."), {
            "date": last_day(award.objections_until)
        }
    if agency is None:
        return None
    bid = _standing_bid(session, task, agency)
    if bid is None:
        return N_("Only an agency that bid on this task may object to its result."), {}
    if bid.id == award.bid_id:
        return N_("Your agency is the award candidate."), {}
    if _open_objection(session, award, agency) is not None:
        return (
            N_(
                "Your agency already has an objection to this award candidate awaiting its "
                "answer: wait for the answer before objecting again."
            ),
            {},
        )
    return None


def file_objection(
    session: Session, actor: User, number: str, grounds: object, policy: BiddingPolicy
) -> Objection:
    """A bidder objects to the task's current award candidate, with its grounds."""
    task = lock_task(session, number)
    now = clock.now()
    agency = require_kind(session, actor, OrgKind.agency)
    refusal = objection_refusal(session, task, agency, now)
    if refusal is not None:
        raise Forbidden(Message(*refusal))
    check = Checker()
    text = check.text("grounds", grounds, max_length=MAX_TEXT, multiline=True)
    check.raise_if_any()
    award = awards.current(session, task)
    kind = awards.objection_kind(task)
    answer_wd = policy.challenge_answer_wd if kind == CHALLENGE else policy.objection_answer_wd
    row = Objection(
        task_id=task.id,
        award_id=award.id,
        bid_id=_standing_bid(session, task, agency).id,
        agency_id=agency.id,
        kind=kind,
        grounds=text,
        filed_at=now,
        filed_by_user_id=actor.id,
        answer_due_at=holidays.load(session).add_working_days(now, answer_wd),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "objection.filed",
        "task",
        task.number,
        {
            "objection": row.id,
            "kind": kind,
            "award_rank": award.rank,
            "agency": agency.uscc,
            "answer_due_at": row.answer_due_at.isoformat(),
        },
        actor_user_id=actor.id,
        actor_org_id=agency.id,
    )
    notifying.objection_filed(session, task, row)
    return row


def answer_refusal(session: Session, task: Task, objection: Objection) -> str | None:
    """Why the applicant may not answer `objection` now (a msgid), or None."""
    if objection.answered_at is not None:
        return N_("This objection has already been answered.")
    award = session.get(Award, objection.award_id)
    if award.revoked_at is not None:
        return N_("The award candidate this objection was about has been revoked.")
    return None


def answer_objection(
    session: Session, actor: User, objection_id: object, answer: object, policy: BiddingPolicy
) -> Objection:
    """The applicant answers an objection; an answer after its due time is accepted and marked
    late. The objector may complain within `complaint_wd` working days of the answer."""
    objection = get_objection(session, objection_id)
    task = lock_task(session, session.get(Task, objection.task_id).number)
    session.refresh(objection)
    now = clock.now()
    applicant = require_owner(session, actor, task)
    refusal = answer_refusal(session, task, objection)
    if refusal is not None:
        raise Forbidden(refusal)
    check = Checker()
    text = check.text("answer", answer, max_length=MAX_TEXT, multiline=True)
    check.raise_if_any()
    objection.answered_at, objection.answer, objection.answered_by_user_id = now, text, actor.id
    objection.complaint_due_at = holidays.load(session).add_working_days(now, policy.complaint_wd)
    session.add(objection)
    session.flush()
    audit.record(
        session,
        "objection.answered",
        "task",
        task.number,
        {
            "objection": objection.id,
            "late": answered_late(objection),
            "complaint_due_at": objection.complaint_due_at.isoformat(),
        },
        actor_user_id=actor.id,
        actor_org_id=applicant.id,
    )
    notifying.objection_answered(session, task, objection)
    return objection


def record_lapse_if_due(session: Session, objection: Objection, policy: BiddingPolicy) -> bool:
    """Record the complaint limit of an objection whose answer time ran out unanswered
    (idempotent: False when not due, answered, or recorded already)."""
    now = clock.now()
    if (
        objection.answered_at is not None
        or objection.complaint_due_at is not None
        or objection.withdrawn_at is not None
        or now < objection.answer_due_at
    ):
        return False
    objection.complaint_due_at = lapsed_complaint_due(session, objection, policy)
    session.add(objection)
    session.flush()
    task = session.get(Task, objection.task_id)
    audit.record(
        session,
        "objection.lapsed",
        "task",
        task.number,
        {"objection": objection.id, "complaint_due_at": objection.complaint_due_at.isoformat()},
    )
    return True


def record_lapsed_objections(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: record the complaint limit of every objection left unanswered past its due time;
    returns how many. Each under its task's row lock, committed on its own (`market.jobs.each_due`:
    one that fails is logged and tried again by the next sweep)."""
    due = select(Objection).where(
        Objection.answered_at.is_(None),
        Objection.complaint_due_at.is_(None),
        Objection.withdrawn_at.is_(None),
        Objection.answer_due_at <= clock.now(),
    )

    def act(session: Session, objection: Objection) -> bool:
        lock_task(session, session.get(Task, objection.task_id).number)
        session.refresh(objection)
        return record_lapse_if_due(session, objection, policy)

    return each_due(
        session,
        due,
        act,
        key=Objection.id,
        label="recording the lapse of objection",
        log=log,
        skip_locked=False,
    )


# --- complaining ----------------------------------------------------------------------------------


def _objector(session: Session, actor: User, objection: Objection) -> Organization:
    """The actor's agency, refused unless it filed `objection`."""
    agency = require_kind(session, actor, OrgKind.agency)
    if objection.agency_id != agency.id:
        raise Forbidden(N_("Only the agency that filed the objection may complain about it."))
    return agency


def complaint_refusal(
    session: Session, task: Task, objection: Objection, policy: BiddingPolicy, now: datetime
) -> tuple[str, dict] | None:
    """Why the objector may not complain about `objection` now — (msgid, params) — or None."""
    if complaint_about(session, objection) is not None:
        return N_("A complaint about this objection has already been filed."), {}
    if lifecycle.status(task, now) in _PAST_SIGNING or task.contracted_at is not None:
        return (
            N_("The contract has been signed: a complaint is no longer taken for this task."),
            {},
        )
    if task.failed_at is not None or task.cancelled_at is not None:
        return N_("The selection has ended: a complaint is no longer taken for this task."), {}
    award = session.get(Award, objection.award_id)
    current = awards.current(session, task)
    if award.revoked_at is not None or current is None or current.id != award.id:
        return N_("The award candidate this objection was about has been revoked."), {}
    due = complaint_due(session, objection, policy, now)
    if due is None:
        return (
            N_(
                "The objection awaits the applicant's answer until %(date)s: a complaint can be "
                "filed after the answer, or once that time has run out."
            ),
            {"date": last_day(objection.answer_due_at)},
        )
    if now >= due:
        return N_("The time to complain ended on %(date)s."), {"date": last_day(due)}
    return None


def file_complaint(
    session: Session,
    actor: User,
    objection_id: object,
    grounds: object,
    policy: BiddingPolicy,
) -> Complaint:
    """The objector complains to the regulator about its objection's answer (or its lapse)."""
    check = Checker()
    wanted = check.integer("objection_id", objection_id, minimum=1, maximum=MAX_ID)
    objection = session.get(Objection, wanted) if check.ok("objection_id") else None
    if check.ok("objection_id") and objection is None:
        check.add("objection_id", N_("No objection with this id."))
    check.raise_if_any()
    task = lock_task(session, session.get(Task, objection.task_id).number)
    session.refresh(objection)
    now = clock.now()
    agency = _objector(session, actor, objection)
    refusal = complaint_refusal(session, task, objection, policy, now)
    if refusal is not None:
        raise Forbidden(Message(*refusal))
    check = Checker()
    text = check.text("grounds", grounds, max_length=MAX_TEXT, multiline=True)
    check.raise_if_any()
    if objection.complaint_due_at is None:  # lapsed, and the sweep has not recorded it yet
        record_lapse_if_due(session, objection, policy)
    row = Complaint(
        task_id=task.id,
        objection_id=objection.id,
        agency_id=agency.id,
        grounds=text,
        filed_at=now,
        filed_by_user_id=actor.id,
        decide_by=holidays.load(session).add_working_days(now, policy.complaint_decision_wd),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "complaint.filed",
        "task",
        task.number,
        {
            "complaint": row.id,
            "objection": objection.id,
            "agency": agency.uscc,
            "decide_by": row.decide_by.isoformat(),
        },
        actor_user_id=actor.id,
        actor_org_id=agency.id,
    )
    notifying.complaint_filed(session, task, row)
    return row


# --- the regulator --------------------------------------------------------------------------------


def _require_covering(session: Session, user: User, task: Task) -> None:
    if not suspensions.covers(session, user, task):
        raise Forbidden(N_("Only a regulator whose jurisdiction covers this task may do this."))


def queue(session: Session, regulator: User, state: str) -> dict:
    """The complaints about tasks in the regulator's jurisdiction, oldest first: those of `state`
    (undecided or decided) with their tasks, and the count of each state."""
    if not is_regulator(session, regulator):
        raise Forbidden(N_("Only a regulator may do this."))
    state = state if state in QUEUE_STATES else UNDECIDED
    rows = session.exec(
        select(Complaint, Task)
        .join(Task, Task.id == Complaint.task_id)
        .where(Complaint.withdrawn_at.is_(None))
        .order_by(Complaint.filed_at, Complaint.id)
    ).all()
    covered: dict[int, bool] = {}
    mine = []
    for complaint, task in rows:
        if task.id not in covered:
            covered[task.id] = suspensions.covers(session, regulator, task)
        if covered[task.id]:
            mine.append((complaint, task))
    counts = {
        UNDECIDED: sum(1 for c, _ in mine if c.decided_at is None),
        DECIDED: sum(1 for c, _ in mine if c.decided_at is not None),
    }
    wanted = [(c, t) for c, t in mine if (c.decided_at is None) == (state == UNDECIDED)]
    return {"state": state, "counts": counts, "rows": wanted}


def suspend_for(
    session: Session, regulator: User, complaint_id: object, reason: object
) -> Complaint:
    """Suspend the task while the regulator decides the complaint (the suspension's cause names
    it, so the decision ends it)."""
    complaint = get_complaint(session, complaint_id)
    task = lock_task(session, session.get(Task, complaint.task_id).number)
    _require_covering(session, regulator, task)
    if complaint.decided_at is not None:
        raise Forbidden(N_("This complaint has already been decided."))
    if task.suspended_at is not None:
        raise Forbidden(N_("The task is already suspended."))
    row = suspensions.suspend(session, task, regulator, reason, cause=cause_of(complaint))
    notifying.task_suspended(session, task, row.reason)
    return complaint


def suspend_task(
    session: Session, regulator: User, number: str, reason: object, complaint_id: object = None
) -> Task:
    """Suspend a task, for a complaint of its own (`complaint_id`) or for another cause."""
    if complaint_id not in (None, ""):
        complaint = get_complaint(session, complaint_id)
        task = session.get(Task, complaint.task_id)
        if task.number != number:
            raise NotFound()
        suspend_for(session, regulator, complaint.id, reason)
        return task
    task = lock_task(session, number)
    _require_covering(session, regulator, task)
    if task.suspended_at is not None:
        raise Forbidden(N_("The task is already suspended."))
    row = suspensions.suspend(session, task, regulator, reason)
    notifying.task_suspended(session, task, row.reason)
    return task


def resume_task(session: Session, regulator: User, number: str, reason: object) -> Task:
    """End the task's suspension in force."""
    task = lock_task(session, number)
    _require_covering(session, regulator, task)
    if task.suspended_at is None:
        raise Forbidden(N_("The task is not suspended."))
    suspensions.resume(session, task, regulator, reason)
    return task


def cause_of(complaint: Complaint) -> str:
    """The cause a suspension waiting for `complaint` records."""
    return f"complaint:{complaint.id}"


def _conduct_agency(session: Session, task: Task, value: object) -> tuple[Checker, int | None]:
    """The agency named at fault: a bidder of the task (any bid it made, standing or not)."""
    check = Checker()
    if value in (None, ""):
        return check, None
    wanted = check.integer("conduct_agency_id", value, minimum=1, maximum=MAX_ID)
    if wanted is not None and check.ok("conduct_agency_id"):
        bid = session.exec(
            select(Bid.id).where(Bid.task_id == task.id, Bid.agency_id == wanted)
        ).first()
        if bid is None:
            check.add("conduct_agency_id", N_("This agency did not bid on this task."))
    return check, wanted


def decide(
    session: Session,
    regulator: User,
    complaint_id: object,
    decision: object,
    reason: object,
    conduct_agency_id: object,
    policy: BiddingPolicy,
) -> Complaint:
    """Decide a complaint: upheld or dismissed, with a written reason (published), optionally
    naming a bidder whose conduct was at fault. The suspension that waited for it ends; an upheld
    complaint revokes the award candidate it was about and the next in line follows."""
    complaint = get_complaint(session, complaint_id)
    task = lock_task(session, session.get(Task, complaint.task_id).number)
    session.refresh(complaint)
    _require_covering(session, regulator, task)
    if complaint.decided_at is not None:
        raise Forbidden(N_("This complaint has already been decided."))
    check, conduct = _conduct_agency(session, task, conduct_agency_id)
    if decision in (None, ""):
        check.add("decision", N_("This field is required."))
    elif decision not in DECISIONS:
        check.add("decision", N_("Choose upheld or dismissed."))
    text = check.text("reason", reason, max_length=MAX_TEXT, multiline=True)
    if decision == DISMISSED and conduct is not None and check.ok("conduct_agency_id"):
        check.add(
            "conduct_agency_id",
            N_("Only an upheld complaint names an agency whose conduct was at fault."),
        )
    check.raise_if_any()
    waiting = suspensions.current(session, task)
    if task.suspended_at is not None and (waiting is None or waiting.cause != cause_of(complaint)):
        raise Forbidden(
            N_("The task is suspended for another cause: resume it before deciding this complaint.")
        )
    now = clock.now()
    complaint.decided_at, complaint.decision, complaint.reason = now, decision, text
    complaint.decided_by_user_id = regulator.id
    complaint.decided_by_org_id = regulator.organization_id
    complaint.conduct_agency_id = conduct
    session.add(complaint)
    session.flush()
    conduct_org = session.get(Organization, conduct) if conduct is not None else None
    audit.record(
        session,
        "complaint.decided",
        "task",
        task.number,
        {
            "complaint": complaint.id,
            "decision": decision,
            "reason": text,
            "conduct_agency": conduct_org.uscc if conduct_org else None,
        },
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
    )
    if task.suspended_at is not None:  # the suspension waited for this decision
        suspensions.resume(session, task, None, _decision_note(complaint))
    if decision == UPHELD:
        objection = session.get(Objection, complaint.objection_id)
        current = awards.current(session, task)
        if (
            current is not None
            and current.id == objection.award_id
            and lifecycle.allowed(task, "revoke_award", now)
        ):
            awards.hand_over(
                session,
                task,
                policy,
                because=COMPLAINT_UPHELD,
                reason=text,
                actor_user_id=regulator.id,
                actor_org_id=regulator.organization_id,
            )
    notifying.complaint_decided(session, task, complaint)
    signals.complaint_decided.send(complaint, session=session)
    return complaint


def _decision_note(complaint: Complaint) -> str:
    return f"complaint {complaint.id} {complaint.decision}"
