"""From award candidate to final award, and from one candidate to the next (docs/rules.md §4).

- `name_candidate` makes a ranked bid the award candidate and starts its publicity: the first by
  `bidding.selection.select_result`, the next ones by `hand_over`.
- `finalize_if_due` makes the current candidate's award final once its publicity and its objection
  period are over with no objection unanswered and no complaint undecided: the award notice
  (中选通知书) is issued, the contract to sign is drawn up, and `signals.award_final` announced.
- `hand_over` ends the current candidate — an upheld complaint revokes it, an agency that did not
  sign abandons it — and names the next in the ranking (for `random`, the draw's order); with no
  one left the selection fails and the applicant may post the task again.

Everything runs in the caller's transaction, under the task's row lock.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import exists
from sqlmodel import Session, select

from bidding import notifying, signals
from bidding.locking import lock_task
from bidding.models import Award, Bid, Complaint, Contract, Objection, RankingEntry
from bidding.models.objections import CHALLENGE
from bidding.models.results import ABANDONED, COMPLAINT_UPHELD
from bidding.policy import BiddingPolicy
from market import audit, clock, holidays, lifecycle
from market.jobs import each_due
from market.models import Organization, Task
from market.models.tasks import Funding

log = logging.getLogger(__name__)


def current(session: Session, task: Task) -> Award | None:
    """The current award candidate (or final award): the latest not revoked."""
    return session.exec(
        select(Award)
        .where(Award.task_id == task.id, Award.revoked_at.is_(None))
        .order_by(Award.id.desc())
    ).first()


def objection_kind(task: Task) -> str:
    """异议 for `private`/`state_owned` tasks, 质疑 for `budget` ones."""
    return CHALLENGE if task.funding == Funding.budget else "objection"


def name_candidate(
    session: Session, task: Task, entry: RankingEntry, policy: BiddingPolicy, now: datetime
) -> Award:
    """Make `entry`'s bid the award candidate, with its own publicity and objection periods."""
    calendar = holidays.load(session)
    publicity_ends_at = calendar.add_working_days(now, policy.publicity_wd)
    objections_until = publicity_ends_at
    if objection_kind(task) == CHALLENGE:
        objections_until = max(
            publicity_ends_at, calendar.add_working_days(now, policy.challenge_filing_wd)
        )
    award = Award(
        task_id=task.id,
        bid_id=entry.bid_id,
        rank=entry.rank,
        candidate_at=now,
        publicity_ends_at=publicity_ends_at,
        objections_until=objections_until,
    )
    session.add(award)
    task.publicity_ends_at = publicity_ends_at
    session.add(task)
    session.flush()
    return award


def pending(session: Session, award: Award) -> bool:
    """Whether an objection to `award` awaits its answer, or a complaint about the task awaits
    its decision: either holds the award back (and nothing is signed meanwhile). An objection
    left unanswered past its due time still holds it back, until it is answered (however late)
    or a complaint about it is decided (`bidding.objections.services`)."""
    decided = exists().where(
        Complaint.objection_id == Objection.id, Complaint.decided_at.is_not(None)
    )
    unanswered = session.exec(
        select(Objection.id).where(
            Objection.award_id == award.id,
            Objection.answered_at.is_(None),
            Objection.withdrawn_at.is_(None),
            ~decided,
        )
    ).first()
    return unanswered is not None or complaint_pending(session, award.task_id)


def complaint_pending(session: Session, task_id: int) -> bool:
    return (
        session.exec(
            select(Complaint.id).where(
                Complaint.task_id == task_id,
                Complaint.decided_at.is_(None),
                Complaint.withdrawn_at.is_(None),
            )
        ).first()
        is not None
    )


def notice_number(task: Task, award: Award) -> str:
    """The award notice's number: the task's number and the rank of the awarded bid."""
    return f"{task.number}-{award.rank}"


def finalize_if_due(session: Session, task: Task, policy: BiddingPolicy) -> bool:
    """Make the current candidate's award final if its time has come (idempotent)."""
    now = clock.now()
    if not lifecycle.allowed(task, "award", now):
        return False
    award = current(session, task)
    if (
        award is None
        or award.objections_until is None
        or now < max(award.objections_until, award.publicity_ends_at or award.objections_until)
    ):
        return False
    if pending(session, award):
        return False
    award.final_at = now
    award.notice_number = notice_number(task, award)
    session.add(award)
    bid = session.get(Bid, award.bid_id)
    contract = Contract(
        task_id=task.id,
        award_id=award.id,
        agency_id=bid.agency_id,
        applicant_org_id=task.applicant_org_id,
        price_fen=bid.price_fen,
        service_days=bid.duration_days or task.service_days,
        created_at=now,
        sign_by=holidays.load(session).add_calendar_days(now, policy.signing_days),
    )
    session.add(contract)
    session.flush()
    agency = session.get(Organization, bid.agency_id)
    lifecycle.transition(
        session,
        task,
        "award",
        at=now,
        data={
            "notice_number": award.notice_number,
            "receipt": bid.receipt,
            "agency": agency.uscc,
            "price_fen": bid.price_fen,
            "sign_by": contract.sign_by.isoformat(),
        },
    )
    notifying.award_final(session, task, award, contract)
    signals.award_final.send(award, session=session)
    return True


def hand_over(
    session: Session,
    task: Task,
    policy: BiddingPolicy,
    *,
    because: str,
    reason: str,
    actor_user_id: int | None = None,
    actor_org_id: int | None = None,
) -> Award | None:
    """End the current award (`because` COMPLAINT_UPHELD or ABANDONED) and name the next in line;
    returns the new candidate, or None when no one is left and the selection failed."""
    if because not in (COMPLAINT_UPHELD, ABANDONED):
        raise ValueError(f"unknown reason to end an award: {because!r}")
    now = clock.now()
    award = current(session, task)
    if award is None:
        raise ValueError(f"task {task.number} has no current award")
    event = "revoke_award" if because == COMPLAINT_UPHELD else "abandon_award"
    award.revoked_at = now
    award.revoked_because = because
    award.revoked_reason = reason
    session.add(award)
    session.flush()
    lifecycle.transition(
        session,
        task,
        event,
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
        at=now,
        data={"rank": award.rank, "reason": reason},
    )
    (signals.award_revoked if because == COMPLAINT_UPHELD else signals.award_abandoned).send(
        award, session=session
    )
    following = session.exec(
        select(RankingEntry)
        .where(RankingEntry.task_id == task.id, RankingEntry.rank > award.rank)
        .order_by(RankingEntry.rank)
    ).first()
    if following is None:
        lifecycle.transition(session, task, "fail", at=now, data={"reason": "no_one_left_in_line"})
        notifying.next_candidate(session, task, award, None)
        return None
    successor = name_candidate(session, task, following, policy, now)
    bid = session.get(Bid, following.bid_id)
    notifying.next_candidate(session, task, successor, bid.agency_id)
    audit.record(
        session,
        "award.handed_over",
        "task",
        task.number,
        {
            "from_rank": award.rank,
            "to_rank": successor.rank,
            "receipt": bid.receipt,
            "publicity_ends_at": successor.publicity_ends_at.isoformat(),
        },
    )
    return successor


def finalize_due_awards(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: make final every award whose publicity and objection periods are over with nothing
    pending; returns how many. One task per transaction, taken SKIP LOCKED on PostgreSQL
    (`market.jobs.each_due`)."""
    due = select(Task).where(
        Task.publicity_at.is_not(None),
        Task.awarded_at.is_(None),
        Task.failed_at.is_(None),
        Task.cancelled_at.is_(None),
        Task.suspended_at.is_(None),
        Task.publicity_ends_at <= clock.now(),
    )
    return each_due(
        session,
        due,
        lambda s, task: finalize_if_due(s, lock_task(s, task.number), policy),
        key=Task.id,
        order=(Task.publicity_ends_at,),
        label="making the award final of task",
        log=log,
    )
