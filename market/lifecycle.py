"""The task lifecycle: status derived from timestamps, and the one function that moves a task.

`draft → open → (deadline) → opened → publicity → awarded → contracted → delivered → accepted →
closed`, with side states `suspended`, `cancelled`, `failed`, `terminated` (docs/rules.md §4).

The status is a function of the task's timestamps, with the precedence written in `_BY_TIMESTAMP`
(`status()` in Python, `status_clause()` the same in SQL). The timestamps of the later steps —
`awarded_at`, `contracted_at`, `delivered_at`, `accepted_at`, `terminated_at` — are those of the
task's *current* award and *current* contract: the award and contract rows (in `bidding`) keep
their whole history, and the events that loop back clear the step they leave, so loops are plain:
`revoke_award` (an upheld complaint) and `abandon_award` (the agency did not sign) clear
`awarded_at` and the next in line enters publicity; `request_revision` clears `delivered_at` and
the contract is back at work. `suspended_at` is the start of the suspension in force; each
suspension is kept as a `TaskSuspension` row (`market.suspensions`). `transition()` is the only
place that sets or clears these timestamps and refuses an illegal move.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import and_
from sqlmodel import Session

from market import audit, clock, signals
from market.labels import EVENT_LABELS
from market.models import Task
from market.validation import N_, Forbidden, Message

DRAFT, OPEN, DEADLINE_PASSED, OPENED, FAILED = (
    "draft",
    "open",
    "deadline_passed",
    "opened",
    "failed",
)
PUBLICITY, AWARDED, CONTRACTED, DELIVERED = "publicity", "awarded", "contracted", "delivered"
ACCEPTED, CLOSED, SUSPENDED, CANCELLED, TERMINATED = (
    "accepted",
    "closed",
    "suspended",
    "cancelled",
    "terminated",
)

#: Precedence, highest first: a side state hides the step the task was at.
_BY_TIMESTAMP = (
    ("cancelled_at", CANCELLED),
    ("terminated_at", TERMINATED),
    ("suspended_at", SUSPENDED),
    ("closed_at", CLOSED),
    ("accepted_at", ACCEPTED),
    ("delivered_at", DELIVERED),
    ("contracted_at", CONTRACTED),
    ("awarded_at", AWARDED),
    # Above publicity: a selection fails after publicity when no one is left in line.
    ("failed_at", FAILED),
    ("publicity_at", PUBLICITY),
    ("opened_at", OPENED),
)


#: Every status `status()` can answer, in lifecycle order (lists validate a status filter by it).
STATUSES = (DRAFT, OPEN, DEADLINE_PASSED) + tuple(name for _, name in reversed(_BY_TIMESTAMP))


def status(task: Task, now: datetime | None = None) -> str:
    """The task's status at `now`. Before opening, only the deadline separates open from closed."""
    for attr, name in _BY_TIMESTAMP:
        if getattr(task, attr) is not None:
            return name
    if task.published_at is None:
        return DRAFT
    now = now or clock.now()
    return OPEN if now < task.deadline_at else DEADLINE_PASSED


def open_until(task: Task) -> datetime | None:
    """When `task` stops being open for bids (its deadline), or None when it is not open at any
    time: a draft, or a task that a timestamp of the precedence has moved on. `status(task, now)`
    is OPEN exactly while `now < open_until(task)`, so the search index stores this to answer
    "open" as the lifecycle does, at query time."""
    if task.published_at is None or any(
        getattr(task, attr) is not None for attr, _ in _BY_TIMESTAMP
    ):
        return None
    return task.deadline_at


def status_clause(name: str, now: datetime):
    """A SQL condition selecting the tasks whose `status()` at `now` is `name` (same precedence),
    so lists filter by status from timestamps at query time."""
    attrs = [attr for attr, _ in _BY_TIMESTAMP]
    for i, (attr, status_name) in enumerate(_BY_TIMESTAMP):
        if status_name == name:
            return and_(
                *(getattr(Task, a).is_(None) for a in attrs[:i]), getattr(Task, attr).is_not(None)
            )
    unset = [getattr(Task, a).is_(None) for a in attrs]
    if name == DRAFT:
        return and_(*unset, Task.published_at.is_(None))
    if name == OPEN:
        return and_(*unset, Task.published_at.is_not(None), Task.deadline_at > now)
    if name == DEADLINE_PASSED:
        return and_(*unset, Task.published_at.is_not(None), Task.deadline_at <= now)
    raise ValueError(f"unknown task status {name!r}")


def sealed(task: Task) -> bool:
    """Bids stay sealed until the task is opened — not merely until the deadline (docs/rules.md §4)."""
    return task.opened_at is None


#: event → (statuses it may start from, timestamp it sets, timestamps it clears). The events that
#: set and clear nothing change a task without moving it, and are here so that every "may this be
#: done to the task now" rule is written once (`allowed`); `transition` refuses them.
_EVENTS: dict[str, tuple[tuple[str, ...], str | None, tuple[str, ...]]] = {
    "publish": ((DRAFT,), "published_at", ()),
    "open": ((DEADLINE_PASSED,), "opened_at", ()),
    # A direct selection is opened by its invited agency's acceptance, before the deadline.
    "open_on_acceptance": ((OPEN,), "opened_at", ()),
    # Too few valid bids at opening, or no one left in line after the candidates were revoked.
    "fail": ((OPENED, PUBLICITY), "failed_at", ()),
    "start_publicity": ((OPENED,), "publicity_at", ()),
    # The current candidate's publicity ended with nothing pending: the award is final.
    "award": ((PUBLICITY,), "awarded_at", ()),
    # An upheld complaint revokes the current candidate (final or not); the next enters publicity.
    "revoke_award": ((PUBLICITY, AWARDED), None, ("awarded_at",)),
    # The awarded agency did not sign in time; the next in line enters publicity.
    "abandon_award": ((AWARDED,), None, ("awarded_at",)),
    "contract": ((AWARDED,), "contracted_at", ()),
    "deliver": ((CONTRACTED,), "delivered_at", ()),
    "request_revision": ((DELIVERED,), None, ("delivered_at",)),
    "accept": ((DELIVERED,), "accepted_at", ()),
    "close": ((ACCEPTED,), "closed_at", ()),
    "suspend": ((OPEN, DEADLINE_PASSED, OPENED, PUBLICITY, AWARDED), "suspended_at", ()),
    "resume": ((SUSPENDED,), None, ("suspended_at",)),
    "cancel": ((DRAFT, OPEN), "cancelled_at", ()),
    "cancel_after_opening": ((OPENED, FAILED, PUBLICITY), "cancelled_at", ()),
    "terminate": ((CONTRACTED, DELIVERED), "terminated_at", ()),
    "edit": ((DRAFT,), None, ()),
    "amend": ((OPEN,), None, ()),
    "attach": ((DRAFT, OPEN), None, ()),
    "exclude": ((DRAFT, OPEN), None, ()),
    "repost": ((FAILED,), None, ()),
}
#: Events that change a task in place (see above).
_IN_PLACE = frozenset(e for e, (_, sets, clears) in _EVENTS.items() if sets is None and not clears)
#: event → statuses it may start from, read-only: the rules `allowed` applies, for whoever lists
#: or tests them.
EVENTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {event: sources for event, (sources, _, _) in _EVENTS.items()}
)


def allowed(task: Task, event: str, now: datetime | None = None) -> bool:
    """Whether `event` may happen to `task` at `now`: services, pages and `transition` ask here
    rather than compare the status with a list of their own."""
    if event not in _EVENTS:
        raise ValueError(f"unknown task event {event!r}")
    return status(task, now) in _EVENTS[event][0]


class IllegalTransition(Forbidden):
    pass


def transition(
    session: Session,
    task: Task,
    event: str,
    *,
    actor_user_id: int | None = None,
    actor_org_id: int | None = None,
    data: dict | None = None,
    at: datetime | None = None,
) -> str:
    """Apply `event` to `task` (in the caller's transaction) and audit it; returns the new status."""
    if event in _IN_PLACE:
        raise ValueError(f"task event {event!r} does not move a task")
    now = at or clock.now()
    if not allowed(task, event, now):
        raise IllegalTransition(
            Message(
                N_("A task that is %(status)s cannot be %(event)s."),
                {"status": status(task, now), "event": EVENT_LABELS[event]},
            )
        )
    _, sets, clears = _EVENTS[event]
    for attr in clears:
        setattr(task, attr, None)
    if sets is not None:
        setattr(task, sets, now)
    session.add(task)
    session.flush()
    signals.task_moved.send(task, session=session)
    audit.record(
        session,
        f"task.{event}",
        "task",
        task.number,
        data or {},
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
    )
    return status(task, now)
