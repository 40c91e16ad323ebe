"""Reading tasks for pages and the API: who may see a task, and the lists each audience gets."""

from __future__ import annotations

from sqlalchemy import false
from sqlmodel import Session, select

from market import attachments, clock, lifecycle, serializers, signals, timeline
from market.models import Organization, ServiceItem, Task, TaskAmendment, TaskExclusion, User
from market.policy import Registry
from market.validation import NotFound


def visible(viewer: User | None, task: Task) -> bool:
    """A draft is its applicant's alone; a published task is public."""
    if task.published_at is not None:
        return True
    return viewer is not None and viewer.organization_id == task.applicant_org_id


def load(session: Session, viewer: User | None, number: str) -> Task:
    task = session.exec(select(Task).where(Task.number == number)).first()
    if task is None or not visible(viewer, task):
        raise NotFound()
    return task


def open_if_due(session: Session, tasks: list[Task], policy: Registry) -> bool:
    """The lazy opening (docs/rules.md §4): announce each task whose deadline passed unopened; the
    bidding package opens it under the task's row lock, in this session's transaction, with its
    section of `policy` (the app's configured policy, which the handler passes).
    Returns True when something was announced, so the caller commits."""
    due = [t for t in tasks if lifecycle.allowed(t, "open")]
    for task in due:
        signals.task_due_for_opening.send(task, session=session, policy=policy)
    return bool(due)


def describe(session: Session, task: Task, *, with_timeline: bool = False) -> dict:
    """A task as its readers see it; a single task's representation (`with_timeline`) adds its
    timeline, which lists leave out."""
    item = session.get(ServiceItem, task.service_item_id)
    applicant = session.get(Organization, task.applicant_org_id)
    amendments = session.exec(
        select(TaskAmendment).where(TaskAmendment.task_id == task.id).order_by(TaskAmendment.id)
    ).all()
    exclusions = session.exec(
        select(TaskExclusion).where(TaskExclusion.task_id == task.id).order_by(TaskExclusion.id)
    ).all()
    return serializers.task(
        task,
        item,
        applicant,
        status=lifecycle.status(task),
        amendments=amendments,
        exclusions=exclusions,
        attachments=attachments.of_task(session, task),
        timeline=timeline.timeline(session, task, clock.now()) if with_timeline else None,
    )


def public_list(
    session: Session,
    *,
    status: str | None = None,
    service_item: str | None = None,
    cursor: int | None = None,
    limit: int = 20,
) -> tuple[list[Task], bool]:
    """Published tasks, newest first; status is filtered from timestamps at query time."""
    query = select(Task).where(Task.published_at.is_not(None))
    if service_item:
        query = query.join(ServiceItem, ServiceItem.id == Task.service_item_id).where(
            ServiceItem.code == service_item
        )
    if status:
        try:
            query = query.where(lifecycle.status_clause(status, clock.now()))
        except ValueError:
            query = query.where(false())  # an unknown status matches nothing
    if cursor is not None:
        query = query.where(Task.id < cursor)
    rows = list(session.exec(query.order_by(Task.id.desc()).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def of_applicant(session: Session, org_id: int) -> list[Task]:
    return list(
        session.exec(select(Task).where(Task.applicant_org_id == org_id).order_by(Task.id.desc()))
    )


def awaiting_cancellation(session: Session) -> list[Task]:
    return list(
        session.exec(
            select(Task)
            .where(Task.cancel_requested_at.is_not(None), Task.cancelled_at.is_(None))
            .order_by(Task.id)
        )
    )
