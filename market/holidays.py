"""The working-day calendar table: seeded from the official arrangement, edited by operators."""

from __future__ import annotations

from datetime import MAXYEAR, MINYEAR, date

from sqlmodel import Session, select

from market import audit, clock
from market.accounts import require_kind
from market.models import CalendarDay, CalendarYear, OrgKind, User
from market.validation import N_, Checker, NotFound
from market.workdays import WorkCalendar, official_exceptions

#: Where `load` keeps the calendar it built, in `session.info`, with the transaction it is for.
_LOADED = "market.holidays.loaded"


def load(session: Session) -> WorkCalendar:
    """The calendar in force, built from the table: once per transaction (a task page asks
    several times); this module's writes forget it, and the next transaction reads it again."""
    transaction = session.get_transaction()
    loaded = session.info.get(_LOADED)
    if transaction is not None and loaded is not None and loaded[0] is transaction:
        return loaded[1]
    exceptions = dict(session.exec(select(CalendarDay.day, CalendarDay.is_workday)).all())
    years = frozenset(session.exec(select(CalendarYear.year)))
    calendar = WorkCalendar(exceptions=exceptions, known_years=years)
    session.info[_LOADED] = (session.get_transaction(), calendar)
    return calendar


def _forget(session: Session) -> None:
    session.info.pop(_LOADED, None)


def import_official(session: Session, years: list[int] | None = None) -> list[int]:
    """Store the official arrangement of the years the package knows; operator edits are kept."""
    _forget(session)
    years = years or list(range(clock.now().year - 1, clock.now().year + 2))
    exceptions, known = official_exceptions(years)
    now = clock.now()
    edited = {
        d.day for d in session.exec(select(CalendarDay).where(CalendarDay.source == "operator"))
    }
    for day, (is_workday, name) in exceptions.items():
        if day in edited:
            continue
        row = session.get(CalendarDay, day) or CalendarDay(day=day, is_workday=is_workday)
        row.is_workday, row.name, row.source, row.updated_at = (
            is_workday,
            name[:100],
            "official",
            now,
        )
        session.add(row)
    for year in known:
        row = session.get(CalendarYear, year) or CalendarYear(
            year=year, source="official", loaded_at=now
        )
        row.loaded_at = now
        session.add(row)
    session.flush()
    if known:
        audit.record(
            session,
            "calendar.imported",
            "calendar",
            ",".join(map(str, sorted(known))),
            {"years": sorted(known), "days": len(exceptions)},
        )
    return sorted(known)


def set_day(session: Session, actor: User | None, data: dict) -> CalendarDay:
    """An operator records a holiday or a make-up workday (e.g. a year the package lacks)."""
    if actor is not None:
        require_kind(session, actor, OrgKind.operator)
    checker = Checker()
    day: date | None = checker.date("day", data.get("day"))
    name = checker.text("name", data.get("name"), max_length=100, required=False, markup=False)
    kind = data.get("is_workday")
    if kind not in (True, False):
        checker.add("is_workday", N_("Say whether the day is a working day."))
    checker.raise_if_any()
    _forget(session)
    row = session.get(CalendarDay, day) or CalendarDay(day=day, is_workday=kind)
    old = None if row.updated_at is None else {"is_workday": row.is_workday, "name": row.name}
    row.is_workday, row.name, row.source, row.updated_at = kind, name or "", "operator", clock.now()
    session.add(row)
    if data.get("mark_year_known"):
        year = session.get(CalendarYear, day.year) or CalendarYear(
            year=day.year, source="operator", loaded_at=clock.now()
        )
        session.add(year)
    session.flush()
    audit.record(
        session,
        "calendar.day_set",
        "calendar_day",
        day.isoformat(),
        {"old": old, "is_workday": kind, "name": name or ""},
        actor_user_id=actor.id if actor else None,
        actor_org_id=actor.organization_id if actor else None,
    )
    return row


def days_of_year(session: Session, year: int) -> list[CalendarDay]:
    """The year's holidays and make-up days; `NotFound` for a year no date can hold."""
    if not MINYEAR <= year <= MAXYEAR:
        raise NotFound()
    return list(
        session.exec(
            select(CalendarDay)
            .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
            .order_by(CalendarDay.day)
        )
    )


def known_years(session: Session) -> list[int]:
    return sorted(session.exec(select(CalendarYear.year)))
