"""A task's timeline: its stages in order with their dates, the current one, and the next
deadline counted in working days (market/workdays.py). The page and the API task representation
both carry it (`market.task_queries.describe`).

The core knows the dates it stores on the task (posted, the bidding deadline, opening, publicity,
failure, cancellation); stages another package keeps (validity, the panel's marking) come from the
handlers of `signals.task_timeline`, so the core imports nothing above it.

Each stage is ``{"stage", "at", "due_at", "state"}``: `at` when it happened, `due_at` when it is due
(the bidding deadline, the explanations' deadline, the end of publicity), `state` one of
``done``, ``current`` or ``upcoming``. A failed or cancelled task ends at that stage.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, false
from sqlmodel import Session

from market import holidays, lifecycle, signals
from market.models import Task
from market.validation import N_

POSTED, BIDDING, OPENING, VALIDITY, PANEL, PUBLICITY = (
    "posted",
    "bidding",
    "opening",
    "validity",
    "panel",
    "publicity",
)
FAILED, CANCELLED = lifecycle.FAILED, lifecycle.CANCELLED
DONE, CURRENT, UPCOMING = "done", "current", "upcoming"

#: What the page calls each stage.
STAGE_LABELS = {
    POSTED: N_("Posted"),
    BIDDING: N_("Bidding (until the deadline)"),
    OPENING: N_("Opening"),
    VALIDITY: N_("Validity of the bids"),
    PANEL: N_("Panel marking"),
    PUBLICITY: N_("Publicity of the result"),
    FAILED: N_("failed selection"),
    CANCELLED: N_("cancelled"),
}


#: Every stage a task can be at, in order (a list's stage filter takes these).
STAGES = (POSTED, BIDDING, OPENING, VALIDITY, PANEL, PUBLICITY, FAILED, CANCELLED)


def stage_clause(stage: str, now: datetime):
    """A SQL condition on Task selecting the tasks whose current stage in `timeline(…, now)` is
    `stage`: the core decides the stages it keeps the dates of, the packages that contribute
    stages (`signals.task_stage_clauses`) theirs. Raises ValueError for an unknown stage."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    going = and_(Task.cancelled_at.is_(None), Task.failed_at.is_(None))
    published = and_(going, Task.published_at.is_not(None))
    core = {
        POSTED: and_(going, Task.published_at.is_(None)),
        BIDDING: and_(published, Task.deadline_at > now),
        OPENING: and_(published, Task.deadline_at <= now, Task.opened_at.is_(None)),
        # Without a package contributing stages after opening, publicity follows the opening.
        PUBLICITY: and_(published, Task.deadline_at <= now, Task.opened_at.is_not(None)),
        FAILED: and_(Task.cancelled_at.is_(None), Task.failed_at.is_not(None)),
        CANCELLED: Task.cancelled_at.is_not(None),
    }
    after_opening = and_(published, Task.deadline_at <= now, Task.opened_at.is_not(None))
    for _receiver, answer in signals.task_stage_clauses.send(None):
        core.update({name: and_(after_opening, clause) for name, clause in (answer or {}).items()})
    return core.get(stage, false())


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _contributed(session: Session, tasks: list[Task]) -> dict[int, dict[str, dict]]:
    facts: dict[int, dict[str, dict]] = {t.id: {} for t in tasks}
    for _receiver, answer in signals.task_timeline.send(tasks, session=session):
        for task_id, stages in (answer or {}).items():
            facts[task_id].update(stages)
    return facts


def timeline(session: Session, task: Task, now: datetime) -> dict:
    """The stages of `task` at `now` and its next deadline (None when nothing is due)."""
    return timelines(session, [task], now)[task.id]


def timelines(session: Session, tasks: list[Task], now: datetime) -> dict[int, dict]:
    """{task id: its `timeline`} for a list of tasks: one ask of the packages that contribute
    stages, and the working-day calendar read once, whatever the number of tasks."""
    extra = _contributed(session, tasks) if tasks else {}
    calendar: list = []

    def working_days(at: datetime) -> int:
        if not calendar:
            calendar.append(holidays.load(session))
        return calendar[0].working_days_between(now, at)

    return {t.id: _timeline(t, extra[t.id], now, working_days) for t in tasks}


def _timeline(task: Task, extra: dict[str, dict], now: datetime, working_days) -> dict:
    deadline_passed = task.deadline_at is not None and now >= task.deadline_at
    rows: list[tuple[str, datetime | None, datetime | None, bool]] = [
        (POSTED, task.published_at, None, task.published_at is not None),
        (BIDDING, task.deadline_at if deadline_passed else None, task.deadline_at, deadline_passed),
        (OPENING, task.opened_at, None, task.opened_at is not None),
    ]
    for stage in (VALIDITY, PANEL):
        if stage in extra:
            at, due = extra[stage].get("at"), extra[stage].get("due_at")
            rows.append((stage, at, due, at is not None))
    rows.append((PUBLICITY, task.publicity_at, task.publicity_ends_at, False))
    end = (
        (CANCELLED, task.cancelled_at)
        if task.cancelled_at
        else (FAILED, task.failed_at)
        if task.failed_at
        else None
    )
    if end is not None:
        # The stages it reached, then the end; stages it never reached are left out.
        rows = [r for r in rows if r[3]] + [(end[0], end[1], None, False)]
    stages, current_seen = [], False
    for stage, at, due, done in rows:
        if done:
            state = DONE
        elif not current_seen:
            state, current_seen = CURRENT, True
        else:
            state = UPCOMING
        stages.append({"stage": stage, "at": _iso(at), "due_at": _iso(due), "state": state})
    return {"stages": stages, "next_deadline": _next_deadline(rows, now, working_days)}


def _next_deadline(rows: list, now: datetime, working_days) -> dict | None:
    due = [(d, stage) for stage, _at, d, done in rows if d is not None and not done and d > now]
    if not due:
        return None
    at, stage = min(due)
    return {
        "stage": stage,
        "at": at.isoformat(),
        "working_days": working_days(at),
    }
