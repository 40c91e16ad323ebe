"""An operator's extension of every open deadline after a platform outage (docs/rules.md §4,
outage).

The operator records an outage that is over (from, until, why) and a number of working days N
(1–10); in the same transaction the platform publishes the notice and moves every deadline the
outage caught (`caught`): a deadline after the outage's start and no later than 24:00 of the N-th
working day after the outage's last day. Each moves to 24:00 of the N-th working day after the day
it fell in (`extended`). The core moves the bidding deadlines of published tasks not yet opened
(the questions' deadline is derived from it, so it moves along); other packages move the deadlines
they keep when `market.signals.deadlines_extended` is sent, each through `move`, which writes the
task's change log, the notice's list and the audit log alike. An outage overlapping one already
published is refused, so no deadline is ever extended twice for the same hours.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, col, select

from market import audit, clock, holidays, search, signals
from market.accounts import require_kind
from market.models import OrgKind, OutageMove, OutageNotice, Task, TaskAmendment, User
from market.tasks import get_task
from market.validation import N_, Checker, Forbidden, Message, NotFound
from market.workdays import SHANGHAI, WorkCalendar

MIN_EXTENSION_WD, MAX_EXTENSION_WD = 1, 10
#: The kind of the deadline the core moves; other packages name theirs (bidding: "explanation",
#: "invitation").
TASK_DEADLINE = "task_deadline"
OVERLAPS = N_(
    "This outage overlaps the one of notice %(id)d (%(start)s – %(end)s), whose deadlines were "
    "extended already: an outage is applied only once."
)
_TINY = timedelta(microseconds=1)


def extended(calendar: WorkCalendar, at: datetime, n: int) -> datetime:
    """24:00 of the `n`-th working day after the day `at` falls in (a deadline at 24:00 falls in
    the day it ends)."""
    return calendar.add_working_days(at - _TINY, n)


def caught(notice: OutageNotice, at: datetime | None) -> bool:
    """Whether the deadline `at` is one the outage of `notice` extends."""
    return at is not None and notice.started_at < at <= notice.window_ends_at


def shanghai_text(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _moment(c: Checker, name: str, value: object) -> datetime | None:
    """A date and time: aware as given, or without an offset read in Asia/Shanghai."""
    if value is None or value == "":
        c.add(name, N_("This field is required."))
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        c.add(name, N_("Give a date and time, such as 2026-11-20 09:30."))
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(UTC)


def record(session: Session, actor: User, data: dict) -> OutageNotice:
    """Publish the notice of an outage and extend every deadline it caught."""
    require_kind(session, actor, OrgKind.operator)
    c = Checker()
    started = _moment(c, "started_at", data.get("started_at"))
    ended = _moment(c, "ended_at", data.get("ended_at"))
    reason = c.text("reason", data.get("reason"), max_length=2000, multiline=True)
    n = c.integer(
        "extension_wd",
        data.get("extension_wd"),
        minimum=MIN_EXTENSION_WD,
        maximum=MAX_EXTENSION_WD,
    )
    now = clock.now()
    if started and ended and ended <= started:
        c.add("ended_at", N_("The end must be after the start."))
    elif ended and ended > now:
        c.add("ended_at", N_("The outage must be over: its end cannot be in the future."))
    c.raise_if_any()

    if session.get_bind().dialect.name == "postgresql":
        # Two operators applying the same outage at once: the second waits, then finds the first.
        session.execute(text("LOCK TABLE outagenotice IN SHARE ROW EXCLUSIVE MODE"))
    earlier = session.exec(
        select(OutageNotice)
        .where(OutageNotice.started_at < ended, OutageNotice.ended_at > started)
        .order_by(OutageNotice.id)
    ).first()
    if earlier is not None:
        raise Forbidden(
            Message(
                OVERLAPS,
                {
                    "id": earlier.id,
                    "start": shanghai_text(earlier.started_at),
                    "end": shanghai_text(earlier.ended_at),
                },
            )
        )

    calendar = holidays.load(session)
    notice = OutageNotice(
        started_at=started,
        ended_at=ended,
        reason=reason,
        extension_wd=n,
        window_ends_at=extended(calendar, ended, n),
        published_at=now,
        published_by_user_id=actor.id,
    )
    session.add(notice)
    session.flush()
    for number in session.exec(
        select(Task.number)
        .where(
            col(Task.published_at).is_not(None),
            col(Task.opened_at).is_(None),
            col(Task.cancelled_at).is_(None),
            Task.deadline_at > notice.started_at,
            Task.deadline_at <= notice.window_ends_at,
        )
        .order_by(Task.id)
    ).all():
        task = get_task(session, number, lock=True)  # read again under the lock
        if (
            task.opened_at is None
            and task.cancelled_at is None
            and caught(notice, task.deadline_at)
        ):
            old = task.deadline_at
            task.deadline_at = move(session, notice, task, TASK_DEADLINE, old, calendar)
            # The pages warn of a deadline counted in a year the calendar does not know.
            task.deadline_calendar_fallback = task.deadline_calendar_fallback or bool(
                calendar.unknown_years_between(old.date(), task.deadline_at.date())
            )
            session.add(task)
            search.index(session, "tasks", task.id)
    session.flush()
    signals.deadlines_extended.send(notice, session=session, calendar=calendar)
    session.flush()
    audit.record(
        session,
        "outage.published",
        "outage_notice",
        str(notice.id),
        {
            "started_at": notice.started_at.isoformat(),
            "ended_at": notice.ended_at.isoformat(),
            "reason": reason,
            "extension_wd": n,
            "window_ends_at": notice.window_ends_at.isoformat(),
            "moved": len(moves_of(session, notice)),
        },
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    return notice


def move(
    session: Session,
    notice: OutageNotice,
    task: Task,
    kind: str,
    old_at: datetime,
    calendar: WorkCalendar,
) -> datetime:
    """Record that `notice` moves the deadline `kind` of `task` from `old_at`; returns the new
    deadline, which the caller stores. The change goes to the task's change log, the notice's
    list and the audit log. A package moving a deadline of its own calls this from its
    `deadlines_extended` handler, for a deadline that `caught(notice, old_at)`."""
    new_at = extended(calendar, old_at, notice.extension_wd)
    session.add(
        OutageMove(notice_id=notice.id, task_id=task.id, kind=kind, old_at=old_at, new_at=new_at)
    )
    session.add(
        TaskAmendment(
            task_id=task.id,
            at=notice.published_at,
            reason=f"platform outage (notice {notice.id}): {notice.reason}",
            changes={kind: {"old": old_at.isoformat(), "new": new_at.isoformat()}},
            deadline_extended_to=new_at if kind == TASK_DEADLINE else None,
            outage_notice_id=notice.id,
        )
    )
    audit.record(
        session,
        "deadline.extended_for_outage",
        "task",
        task.number,
        {
            "notice": notice.id,
            "deadline": kind,
            "old": old_at.isoformat(),
            "new": new_at.isoformat(),
        },
        actor_user_id=notice.published_by_user_id,
        actor_org_id=session.get(User, notice.published_by_user_id).organization_id,
    )
    return new_at


def moves_of(session: Session, notice: OutageNotice) -> list[tuple[OutageMove, Task]]:
    return list(
        session.exec(
            select(OutageMove, Task)
            .join(Task, Task.id == OutageMove.task_id)
            .where(OutageMove.notice_id == notice.id)
            .order_by(Task.number, OutageMove.kind, OutageMove.id)
        ).all()
    )


def notices(session: Session) -> list[OutageNotice]:
    """Every published notice, the newest first."""
    return list(session.exec(select(OutageNotice).order_by(col(OutageNotice.id).desc())))


def get_notice(session: Session, notice_id: int) -> OutageNotice:
    notice = session.get(OutageNotice, notice_id)
    if notice is None:
        raise NotFound()
    return notice


def describe(session: Session, notice: OutageNotice, *, with_moves: bool = True) -> dict:
    """The public record of a notice (everyone sees it: what moved are published tasks)."""
    out = {
        "id": notice.id,
        "started_at": notice.started_at.isoformat(),
        "ended_at": notice.ended_at.isoformat(),
        "reason": notice.reason,
        "extension_wd": notice.extension_wd,
        "window_ends_at": notice.window_ends_at.isoformat(),
        "published_at": notice.published_at.isoformat(),
    }
    if with_moves:
        out["moves"] = [
            {
                "task_number": task.number,
                "task_title": task.title,
                "deadline": m.kind,
                "old_at": m.old_at.isoformat(),
                "new_at": m.new_at.isoformat(),
            }
            for m, task in moves_of(session, notice)
        ]
    return out
