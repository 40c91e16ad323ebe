"""What each reader sees of objections to an award candidate, complaints and suspensions;
`bidding.visibility` decides, pages and the API show these dicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from bidding import awards, visibility
from bidding.models import Award, Complaint, Objection
from bidding.objections import services as objections
from bidding.policy import BiddingPolicy
from bidding.serializers import agency_ref
from market import suspensions
from market.models import Organization, Task, TaskSuspension
from market.validation import Message


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _org_name(session: Session, org_id: int | None) -> str | None:
    org = session.get(Organization, org_id) if org_id is not None else None
    return org.name if org is not None else None


def complaint(
    session: Session, row: Complaint, task: Task, reader: visibility.Reader, now: datetime
) -> dict:
    """A complaint in full (the caller checked `visibility.sees_complaint`)."""
    waiting = suspensions.current(session, task)
    conduct = session.get(Organization, row.conduct_agency_id) if row.conduct_agency_id else None
    return {
        "id": row.id,
        "task": task.number,
        "task_title": task.title,
        "objection_id": row.objection_id,
        "agency": agency_ref(session.get(Organization, row.agency_id)),
        "mine": visibility.owns(reader, row.agency_id),
        "grounds": row.grounds,
        "filed_at": row.filed_at.isoformat(),
        "decide_by": row.decide_by.isoformat(),
        "overdue": objections.is_overdue(row, now),
        "task_suspended_for_it": waiting is not None and waiting.cause == objections.cause_of(row),
        "decided_at": _iso(row.decided_at),
        "decision": row.decision,
        "reason": row.reason,
        "decided_by": _org_name(session, row.decided_by_org_id),
        "conduct_agency": agency_ref(conduct) if conduct is not None else None,
    }


def decision(row: Complaint) -> dict:
    """What everyone sees of a decided complaint (`visibility.sees_complaint_decision`)."""
    return {
        "id": row.id,
        "decided_at": row.decided_at.isoformat(),
        "decision": row.decision,
        "reason": row.reason,
    }


def objection(
    session: Session,
    row: Objection,
    task: Task,
    reader: visibility.Reader,
    now: datetime,
    policy: BiddingPolicy,
    translate: Callable[[Message], str],
) -> dict:
    """An objection as the reader may see it (the caller checked `sees_award_objection`): with
    what the reader may do about it now."""
    award = session.get(Award, row.award_id)
    filed = objections.complaint_about(session, row)
    mine = visibility.owns(reader, row.agency_id)
    complaint_refusal = (
        objections.complaint_refusal(session, task, row, policy, now)
        if mine and filed is None
        else None
    )
    due = objections.complaint_due(session, row, policy, now)
    return {
        "id": row.id,
        "task": task.number,
        "kind": row.kind,
        "award_rank": award.rank,
        "award_revoked": award.revoked_at is not None,
        "agency": agency_ref(session.get(Organization, row.agency_id)),
        "mine": mine,
        "grounds": row.grounds,
        "filed_at": row.filed_at.isoformat(),
        "answer_due_at": row.answer_due_at.isoformat(),
        "state": objections.objection_state(row, now),
        "answered_at": _iso(row.answered_at),
        "answer": row.answer,
        "answered_late": objections.answered_late(row),
        "complaint_due_at": _iso(due),
        "can_answer": visibility.is_applicant(reader)
        and objections.answer_refusal(session, task, row) is None,
        "can_complain": mine and filed is None and complaint_refusal is None,
        "complaint_refusal": (
            translate(Message(*complaint_refusal)) if complaint_refusal is not None else None
        ),
        "complaint": (
            complaint(session, filed, task, reader, now)
            if filed is not None and visibility.sees_complaint(reader, filed)
            else None
        ),
    }


def suspension(session: Session, row: TaskSuspension) -> dict:
    return {
        "started_at": row.started_at.isoformat(),
        "by": _org_name(session, row.by_org_id),
        "reason": row.reason,
        "for_complaint": row.cause is not None and row.cause.startswith("complaint:"),
        "ended_at": _iso(row.ended_at),
        "end_reason": row.end_reason,
    }


def task_suspensions(session: Session, task: Task, reader: visibility.Reader) -> list[dict]:
    if not visibility.sees_suspensions(reader, task):
        return []
    return [suspension(session, row) for row in suspensions.history(session, task)]


def task_objections(
    session: Session,
    task: Task,
    reader: visibility.Reader,
    now: datetime,
    policy: BiddingPolicy,
    translate: Callable[[Message], str],
) -> dict:
    """The task's objections to its award candidates as the reader may see them, what the reader
    may do (object, or why not), the public decisions of complaints and the suspensions."""
    award = awards.current(session, task)
    refusal = None
    if reader.audience == visibility.BIDDER:
        refusal = objections.objection_refusal(
            session, task, session.get(Organization, reader.org_id), now
        )
    return {
        "task": task.number,
        "kind": awards.objection_kind(task),
        "objections_until": _iso(award.objections_until) if award is not None else None,
        "can_object": reader.audience == visibility.BIDDER and refusal is None,
        "refusal": translate(Message(*refusal)) if refusal is not None else None,
        "items": [
            objection(session, row, task, reader, now, policy, translate)
            for row in objections.objections_of(session, task)
            if visibility.sees_award_objection(reader, row)
        ],
        "decisions": [
            decision(row)
            for row in objections.complaints_of(session, task)
            if visibility.sees_complaint_decision(row)
        ],
        "suspensions": task_suspensions(session, task, reader),
    }


def queue_rows(session: Session, queue: dict, now: datetime) -> list[dict]:
    """The regulator's queue rows (every complaint of it is in the regulator's jurisdiction)."""
    out = []
    for row, task in queue["rows"]:
        reader = visibility.Reader(visibility.REGULATOR, in_jurisdiction=True)
        out.append(complaint(session, row, task, reader, now))
    return out
