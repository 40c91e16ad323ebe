"""Bidding's share of an outage's extension (docs/rules.md §4, outage): the deadlines bidding
keeps that the outage caught move by the notice's working days, through `market.outages.move`
(the task's change log, the notice's list, the audit log): the written explanation of an
abnormally low bid not yet explained nor decided, and the answer to a direct selection's
invitation still pending, when the core moved its task's deadline (a task neither opened nor
cancelled)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bidding.locking import lock_task
from bidding.models import ExplanationRequest, Invitation
from market import outages
from market.models import OutageMove, OutageNotice, Task
from market.workdays import WorkCalendar

EXPLANATION = "explanation"
INVITATION = "invitation"


def task_moved(session: Session, notice: OutageNotice, task: Task) -> bool:
    """Whether `notice` moved the task's bidding deadline (a task neither opened nor cancelled):
    an invitation's answer is due at that deadline, so it follows it."""
    return (
        session.exec(
            select(OutageMove.id).where(
                OutageMove.notice_id == notice.id,
                OutageMove.task_id == task.id,
                OutageMove.kind == outages.TASK_DEADLINE,
            )
        ).first()
        is not None
    )


def on_deadlines_extended(
    notice: OutageNotice, *, session: Session, calendar: WorkCalendar, **_ignored
) -> None:
    """`market.signals.deadlines_extended` handler."""
    requests = session.exec(
        select(ExplanationRequest.id, Task.number)
        .join(Task, Task.id == ExplanationRequest.task_id)
        .where(
            col(ExplanationRequest.decision).is_(None),
            col(ExplanationRequest.explanation).is_(None),
            ExplanationRequest.due_at > notice.started_at,
            ExplanationRequest.due_at <= notice.window_ends_at,
        )
        .order_by(ExplanationRequest.id)
    ).all()
    for request_id, number in requests:
        task = lock_task(session, number)
        request = session.get(ExplanationRequest, request_id)
        session.refresh(request)  # read again under the task's lock
        if (
            request.decision is None
            and request.explanation is None
            and outages.caught(notice, request.due_at)
        ):
            request.due_at = outages.move(
                session, notice, task, EXPLANATION, request.due_at, calendar
            )
            session.add(request)

    pending = session.exec(
        select(Invitation.id, Task.number)
        .join(Task, Task.id == Invitation.task_id)
        .where(
            col(Invitation.accepted_at).is_(None),
            col(Invitation.declined_at).is_(None),
            col(Invitation.lapsed_at).is_(None),
            Invitation.due_at > notice.started_at,
            Invitation.due_at <= notice.window_ends_at,
        )
        .order_by(Invitation.id)
    ).all()
    for invitation_id, number in pending:
        task = lock_task(session, number)
        invitation = session.get(Invitation, invitation_id)
        session.refresh(invitation)
        if (
            task_moved(session, notice, task)
            and invitation.accepted_at is None
            and invitation.declined_at is None
            and invitation.lapsed_at is None
            and outages.caught(notice, invitation.due_at)
        ):
            invitation.due_at = outages.move(
                session, notice, task, INVITATION, invitation.due_at, calendar
            )
            session.add(invitation)
    session.flush()
