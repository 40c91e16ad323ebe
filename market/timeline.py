"""A task's timeline: its stages in order with their dates, the current one, and the next
deadline counted in working days (market/workdays.py). The page and the API task representation
both carry it (`market.task_queries.describe`).

The core knows the dates it stores on the task (posted, the bidding deadline, opening, publicity,
the award, the contract, delivery, acceptance, failure, termination, cancellation) and its
suspensions (`TaskSuspension`); stages another package keeps (validity, the panel's marking) and
the due dates of the later stages (the end of the objection period, the contract's `sign_by`, the
delivery's due date, the pending delivery's `decide_by`) come from the handlers of
`signals.task_timeline`, so the core imports nothing above it.

Each stage is ``{"stage", "at", "due_at", "state"}``: `at` when it happened, `due_at` when it is due
(the bidding deadline, the explanations' deadline, the end of publicity…), `state` one of
``done``, ``current`` or ``upcoming``; the award stage adds its ``notice_number`` once final, and a
suspension its ``until`` (None while in force). The dates of the later stages are those of the
current award and contract (`market.lifecycle`). Publicity is over at its end; the award is final
once the objection period is over with nothing pending, so the award is the current stage between
the two. A suspension in force is the current stage, after the stages done, and nothing is said to
be due meanwhile; a suspension that ended is a done stage, after the stages done before it began.
A failed, terminated or cancelled task ends at that stage; an accepted one has every stage done.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, false, or_
from sqlmodel import Session, select

from market import holidays, lifecycle, signals
from market.models import Task, TaskSuspension
from market.validation import N_

POSTED, BIDDING, OPENING, VALIDITY, PANEL, PUBLICITY = (
    "posted",
    "bidding",
    "opening",
    "validity",
    "panel",
    "publicity",
)
AWARD, CONTRACT, DELIVERY, ACCEPTANCE = "award", "contract", "delivery", "acceptance"
FAILED, CANCELLED = lifecycle.FAILED, lifecycle.CANCELLED
SUSPENDED, TERMINATED = lifecycle.SUSPENDED, lifecycle.TERMINATED
DONE, CURRENT, UPCOMING = "done", "current", "upcoming"

#: What the page calls each stage.
STAGE_LABELS = {
    POSTED: N_("Posted"),
    BIDDING: N_("Bidding (until the deadline)"),
    OPENING: N_("Opening"),
    VALIDITY: N_("Validity of the bids"),
    PANEL: N_("Panel marking"),
    PUBLICITY: N_("Publicity of the result"),
    AWARD: N_("Award final (award notice)"),
    CONTRACT: N_("Contract signing"),
    DELIVERY: N_("Delivery of the work"),
    ACCEPTANCE: N_("Acceptance of the work"),
    SUSPENDED: N_("suspended"),
    FAILED: N_("failed selection"),
    TERMINATED: N_("terminated"),
    CANCELLED: N_("cancelled"),
}


#: Every stage a task can be at, in order (a list's stage filter takes these).
STAGES = (
    POSTED,
    BIDDING,
    OPENING,
    VALIDITY,
    PANEL,
    PUBLICITY,
    AWARD,
    CONTRACT,
    DELIVERY,
    ACCEPTANCE,
    SUSPENDED,
    FAILED,
    TERMINATED,
    CANCELLED,
)
#: The stages bidding dates after opening, before the award (`signals.task_stage_clauses`).
_CONTRIBUTED_BEFORE_AWARD = (VALIDITY, PANEL, PUBLICITY)


def stage_clause(stage: str, now: datetime):
    """A SQL condition on Task selecting the tasks whose current stage in `timeline(…, now)` is
    `stage`: the core decides the stages it keeps the dates of, the packages that contribute
    stages (`signals.task_stage_clauses`) theirs. Raises ValueError for an unknown stage."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    going = and_(
        Task.cancelled_at.is_(None),
        Task.failed_at.is_(None),
        Task.suspended_at.is_(None),
        Task.terminated_at.is_(None),
    )
    published = and_(going, Task.published_at.is_not(None))
    after_opening = and_(published, Task.deadline_at <= now, Task.opened_at.is_not(None))
    before_award = and_(after_opening, Task.awarded_at.is_(None))
    publicity_running = or_(Task.publicity_ends_at.is_(None), Task.publicity_ends_at > now)
    core = {
        POSTED: and_(going, Task.published_at.is_(None)),
        BIDDING: and_(published, Task.deadline_at > now),
        OPENING: and_(published, Task.deadline_at <= now, Task.opened_at.is_(None)),
        # Without a package contributing stages after opening, publicity follows the opening.
        PUBLICITY: and_(before_award, publicity_running),
        AWARD: and_(before_award, Task.publicity_at.is_not(None), Task.publicity_ends_at <= now),
        CONTRACT: and_(after_opening, Task.awarded_at.is_not(None), Task.contracted_at.is_(None)),
        DELIVERY: and_(
            after_opening,
            Task.contracted_at.is_not(None),
            Task.delivered_at.is_(None),
            Task.accepted_at.is_(None),
        ),
        ACCEPTANCE: and_(after_opening, Task.delivered_at.is_not(None), Task.accepted_at.is_(None)),
        SUSPENDED: and_(
            Task.cancelled_at.is_(None),
            Task.terminated_at.is_(None),
            Task.suspended_at.is_not(None),
        ),
        FAILED: and_(Task.cancelled_at.is_(None), Task.failed_at.is_not(None)),
        TERMINATED: and_(Task.cancelled_at.is_(None), Task.terminated_at.is_not(None)),
        CANCELLED: Task.cancelled_at.is_not(None),
    }
    for _receiver, answer in signals.task_stage_clauses.send(None):
        for name, clause in (answer or {}).items():
            condition = and_(before_award, clause)
            core[name] = and_(condition, publicity_running) if name == PUBLICITY else condition
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
    stages, one read of the suspensions, and the working-day calendar read once, whatever the
    number of tasks."""
    extra = _contributed(session, tasks) if tasks else {}
    halts = _suspensions(session, tasks) if tasks else {}
    calendar: list = []

    def working_days(at: datetime) -> int:
        if not calendar:
            calendar.append(holidays.load(session))
        return calendar[0].working_days_between(now, at)

    return {t.id: _timeline(t, extra[t.id], halts[t.id], now, working_days) for t in tasks}


def _suspensions(session: Session, tasks: list[Task]) -> dict[int, list[TaskSuspension]]:
    """The suspensions that ended, by task (the one in force is the task's `suspended_at`)."""
    out: dict[int, list[TaskSuspension]] = {t.id: [] for t in tasks}
    for row in session.exec(
        select(TaskSuspension)
        .where(TaskSuspension.task_id.in_(list(out)), TaskSuspension.ended_at.is_not(None))
        .order_by(TaskSuspension.started_at, TaskSuspension.id)
    ):
        out[row.task_id].append(row)
    return out


def _timeline(
    task: Task,
    extra: dict[str, dict],
    halts: list[TaskSuspension],
    now: datetime,
    working_days,
) -> dict:
    deadline_passed = task.deadline_at is not None and now >= task.deadline_at
    # (stage, at, due_at, done, more keys)
    rows: list[tuple[str, datetime | None, datetime | None, bool, dict]] = [
        (POSTED, task.published_at, None, task.published_at is not None, {}),
        (
            BIDDING,
            task.deadline_at if deadline_passed else None,
            task.deadline_at,
            deadline_passed,
            {},
        ),
        (OPENING, task.opened_at, None, task.opened_at is not None, {}),
    ]
    for stage in (VALIDITY, PANEL):
        if stage in extra:
            at, due = extra[stage].get("at"), extra[stage].get("due_at")
            rows.append((stage, at, due, at is not None, {}))
    publicity_over = task.awarded_at is not None or (
        task.publicity_ends_at is not None and now >= task.publicity_ends_at
    )
    award = extra.get(AWARD, {})
    rows += [
        (PUBLICITY, task.publicity_at, task.publicity_ends_at, publicity_over, {}),
        (
            AWARD,
            task.awarded_at,
            award.get("due_at"),
            task.awarded_at is not None,
            {"notice_number": award.get("notice_number")} if task.awarded_at else {},
        ),
    ]
    for stage, at in (
        (CONTRACT, task.contracted_at),
        (DELIVERY, task.delivered_at),
        (ACCEPTANCE, task.accepted_at),
    ):
        rows.append((stage, at, extra.get(stage, {}).get("due_at"), at is not None, {}))
    for halt in halts:
        if halt.ended_at is not None:
            rows = _with_suspension(rows, halt.started_at, halt.ended_at)
    if task.suspended_at is not None:  # the suspension in force, as the lifecycle has it
        rows = _with_suspension(rows, task.suspended_at, None)
    end = next(
        (
            (name, at)
            for name, at in (
                (CANCELLED, task.cancelled_at),
                (TERMINATED, task.terminated_at),
                (FAILED, task.failed_at),
            )
            if at is not None
        ),
        None,
    )
    if end is not None:
        # The stages it reached, then the end; stages it never reached are left out.
        rows = [r for r in rows if r[3]] + [(end[0], end[1], None, False, {})]
    stages, current_seen = [], False
    for stage, at, due, done, more in rows:
        if done:
            state = DONE
        elif not current_seen:
            state, current_seen = CURRENT, True
        else:
            state = UPCOMING
        shown = {"stage": stage, "at": _iso(at), "due_at": _iso(due), "state": state}
        shown.update({k: _iso(v) if isinstance(v, datetime) else v for k, v in more.items()})
        stages.append(shown)
    halted = task.suspended_at is not None and end is None
    return {
        "stages": stages,
        "next_deadline": None if halted else _next_deadline(rows, now, working_days),
    }


def _with_suspension(rows: list, started_at: datetime, ended_at: datetime | None) -> list:
    """`rows` with a suspension: ended, a done stage after the last stage done by the time it
    began; in force, the first stage not done (so the current one)."""
    if ended_at is None:
        place = next((i for i, r in enumerate(rows) if not r[3]), len(rows))
        row = (SUSPENDED, started_at, None, False, {"until": None})
    else:
        place = 1 + max(
            (i for i, r in enumerate(rows) if r[3] and r[1] is not None and r[1] <= started_at),
            default=-1,
        )
        row = (SUSPENDED, started_at, None, True, {"until": ended_at})
    return rows[:place] + [row] + rows[place:]


def _next_deadline(rows: list, now: datetime, working_days) -> dict | None:
    due = [
        (d, n, stage)
        for n, (stage, _at, d, done, _more) in enumerate(rows)
        if d is not None and not done and d > now
    ]
    if not due:
        return None
    at, _n, stage = min(due)  # at the same moment, the earlier stage
    return {
        "stage": stage,
        "at": at.isoformat(),
        "working_days": working_days(at),
    }
