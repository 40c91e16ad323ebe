"""Suspending and resuming a task, with each suspension kept on record (docs/rules.md §4).

A regulator whose jurisdiction covers the task's service category and region halts it — usually
while it decides a complaint — and resumes it; the suspension row says who, why, from and until.
Nothing time-driven acts on a suspended task (the sweeps skip it), and nothing is signed.
"""

from __future__ import annotations

from sqlmodel import Session, select

from market import clock, lifecycle, permissions
from market.models import (
    Jurisdiction,
    Organization,
    OrgKind,
    ServiceItem,
    Task,
    TaskSuspension,
    User,
)
from market.validation import N_, Checker, Forbidden


def covers(session: Session, regulator: User, task: Task) -> bool:
    """Whether `regulator`'s jurisdiction covers the task (its service category and the
    applicant's region)."""
    item = session.get(ServiceItem, task.service_item_id)
    applicant = session.get(Organization, task.applicant_org_id)
    return permissions.regulator_covers(
        session,
        regulator,
        category=item.category if item else None,
        region_code=applicant.region_code if applicant else None,
    )


def covering_regulators(session: Session, task: Task) -> list[int]:
    """The regulator organizations whose jurisdiction covers the task (for whom a complaint
    about it is meant), in id order."""
    item = session.get(ServiceItem, task.service_item_id)
    applicant = session.get(Organization, task.applicant_org_id)
    region = applicant.region_code if applicant else None
    covering = set()
    for row in session.exec(
        select(Jurisdiction)
        .join(Organization, Organization.id == Jurisdiction.organization_id)
        .where(Organization.kind == OrgKind.regulator)
    ):
        category_ok = row.category is None or item is None or row.category == item.category
        region_ok = row.region_prefix is None or (
            region is not None and region.startswith(row.region_prefix)
        )
        if category_ok and region_ok:
            covering.add(row.organization_id)
    return sorted(covering)


def _require_regulator(session: Session, user: User, task: Task) -> None:
    if not covers(session, user, task):
        raise Forbidden(N_("Only a regulator whose jurisdiction covers this task may do this."))


def _reason(value: object) -> str:
    check = Checker()
    reason = check.text("reason", value, max_length=2000, multiline=True)
    check.raise_if_any()
    return reason


def current(session: Session, task: Task) -> TaskSuspension | None:
    """The suspension in force, if any."""
    if task.suspended_at is None:
        return None
    return session.exec(
        select(TaskSuspension)
        .where(TaskSuspension.task_id == task.id, TaskSuspension.ended_at.is_(None))
        .order_by(TaskSuspension.id.desc())
    ).first()


def history(session: Session, task: Task) -> list[TaskSuspension]:
    return list(
        session.exec(
            select(TaskSuspension)
            .where(TaskSuspension.task_id == task.id)
            .order_by(TaskSuspension.started_at, TaskSuspension.id)
        )
    )


def suspend(
    session: Session, task: Task, user: User, reason: str, *, cause: str | None = None
) -> TaskSuspension:
    """Halt `task` (a regulator of its jurisdiction, with a reason), in the caller's transaction."""
    _require_regulator(session, user, task)
    reason = _reason(reason)
    now = clock.now()
    lifecycle.transition(
        session,
        task,
        "suspend",
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
        data={"reason": reason, "cause": cause},
        at=now,
    )
    row = TaskSuspension(
        task_id=task.id,
        started_at=now,
        by_user_id=user.id,
        by_org_id=user.organization_id,
        reason=reason,
        cause=cause,
    )
    session.add(row)
    session.flush()
    return row


def resume(session: Session, task: Task, user: User | None, reason: str) -> TaskSuspension:
    """End the suspension in force. `user` None is the platform itself (a decision that ends the
    suspension it was waiting for records its own actor)."""
    if user is not None:
        _require_regulator(session, user, task)
    reason = _reason(reason)
    row = current(session, task)
    now = clock.now()
    lifecycle.transition(
        session,
        task,
        "resume",
        actor_user_id=user.id if user else None,
        actor_org_id=user.organization_id if user else None,
        data={"reason": reason},
        at=now,
    )
    if row is not None:
        row.ended_at = now
        row.ended_by_user_id = user.id if user else None
        row.end_reason = reason
        session.add(row)
        session.flush()
    return row
