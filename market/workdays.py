"""Working-day arithmetic on the official Chinese calendar (docs/rules.md §4, "Working days").

Deadlines in procurement-like procedures are counted in working days (工作日) of the official
calendar: public holidays that fall on weekdays are days off, and the make-up workdays (调休上班)
that the State Council moves onto weekends are working days. Every period is anchored to the date
in Asia/Shanghai, whatever zone the triggering event was recorded in, because that is the date the
parties in China see on the announcement.

This module is pure logic on plain data: the project keeps its own, operator-editable holiday table
in the database, and whoever reads that table builds a `WorkCalendar` from it. `official_exceptions`
reads the maintained `chinese_calendar` package so the seeding command has something to store.

Rules implemented here:

* a period starts on the day after the event's Shanghai date;
* it ends at 24:00 of its last day, expressed as 00:00 of the next calendar day in Shanghai and
  returned as aware UTC (the project stores UTC only);
* a calendar-day period whose last day is not a working day rolls to the next working day;
* a year whose official arrangement is not loaded falls back to Monday–Friday, and
  `unknown_years_between` lets the pages say so next to such a deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

_ONE_DAY = timedelta(days=1)


def _require_aware(value: datetime, name: str) -> None:
    """Refuse naive datetimes: their Shanghai date, hence the whole deadline, would be a guess."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")


def _require_date(value: date, name: str) -> None:
    """Refuse datetimes where a calendar day is meant.

    `datetime` is a subclass of `date`, so without this check a datetime would silently miss every
    entry of `exceptions` (a datetime never equals a date) and be judged by its weekday alone.
    """
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}")


def _require_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a period length must be an int, not {type(n).__name__}")
    if n < 1:
        raise ValueError(f"a period must last at least one day, got {n}")


def shanghai_date(moment: datetime) -> date:
    """The calendar date on which an aware instant falls in Asia/Shanghai."""
    _require_aware(moment, "moment")
    return moment.astimezone(SHANGHAI).date()


def end_of_day(d: date) -> datetime:
    """24:00 of Shanghai day `d`, i.e. 00:00 of the following day there, as aware UTC."""
    _require_date(d, "d")
    return datetime.combine(d + _ONE_DAY, time(0), tzinfo=SHANGHAI).astimezone(UTC)


@dataclass(frozen=True)
class WorkCalendar:
    """A snapshot of the working-day calendar.

    `exceptions` maps a date to whether it is a working day, only for days that break the
    Monday–Friday rule: official holidays on weekdays (False) and make-up workdays on weekends
    (True). `known_years` are the years whose official arrangement is loaded; any other year is
    computed as weekends-only, which callers must disclose (see `unknown_years_between`).

    The mapping is copied into a read-only view on construction, so a deadline computed from a
    calendar cannot change because someone later edits the dict it was built from.
    """

    exceptions: Mapping[date, bool] = field(default_factory=dict)
    known_years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        for day in self.exceptions:
            _require_date(day, "exception key")
        object.__setattr__(self, "exceptions", MappingProxyType(dict(self.exceptions)))
        object.__setattr__(self, "known_years", frozenset(self.known_years))

    @classmethod
    def from_official(cls, years: Iterable[int]) -> WorkCalendar:
        """A calendar straight from the `chinese_calendar` package (tests, and a DB-less fallback)."""
        table, known = official_exceptions(years)
        return cls({day: workday for day, (workday, _name) in table.items()}, frozenset(known))

    # -- days ------------------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        """Whether Shanghai calendar day `d` is a working day."""
        _require_date(d, "d")
        explicit = self.exceptions.get(d)
        if explicit is not None:
            return explicit
        return d.weekday() < 5

    def is_known(self, d: date) -> bool:
        """Whether `d` is judged by a loaded official arrangement rather than by weekends only."""
        _require_date(d, "d")
        return d.year in self.known_years

    def unknown_years_between(self, start: date, end: date) -> list[int]:
        """Years touched by the days `start`..`end` (inclusive, either order) that are not loaded.

        A non-empty answer means a deadline spanning these days assumes weekends only for those
        years, and the page showing it must say so.
        """
        _require_date(start, "start")
        _require_date(end, "end")
        first, last = sorted((start.year, end.year))
        return [year for year in range(first, last + 1) if year not in self.known_years]

    def next_workday(self, d: date) -> date:
        """`d` itself if it is a working day, otherwise the first working day after it."""
        _require_date(d, "d")
        # Terminates: only finitely many exceptions exist, so Mon–Fri days eventually win.
        while not self.is_workday(d):
            d += _ONE_DAY
        return d

    def _workdays_from(self, d: date) -> Iterator[date]:
        """Working days from `d` on (inclusive), in order, forever."""
        while True:
            d = self.next_workday(d)
            yield d
            d += _ONE_DAY

    # -- periods ---------------------------------------------------------------------------------

    def add_working_days(self, event_at: datetime, n: int) -> datetime:
        """End of a period of `n` working days triggered at `event_at`, as aware UTC.

        The period starts the day after the event's Shanghai date, so the event day never counts
        however early the event happened; day 1 is the first working day from then on, and the
        period ends at 24:00 of the n-th working day (00:00 of the next Shanghai day).
        """
        _require_aware(event_at, "event_at")
        _require_count(n)
        days = self._workdays_from(shanghai_date(event_at) + _ONE_DAY)
        for _ in range(n - 1):
            next(days)
        return end_of_day(next(days))

    def add_calendar_days(self, event_at: datetime, n: int) -> datetime:
        """End of a period of `n` calendar days triggered at `event_at`, as aware UTC.

        The last day is the event's Shanghai date plus `n` days; a last day that is not a working
        day rolls to the next working day, so nobody loses a deadline to a holiday. The period ends
        at 24:00 of that day.
        """
        _require_aware(event_at, "event_at")
        _require_count(n)
        last_day = self.next_workday(shanghai_date(event_at) + timedelta(days=n))
        return end_of_day(last_day)

    def working_days_between(self, start_at: datetime, end_at: datetime) -> int:
        """How many working days remain from `start_at` until `end_at`.

        Counted are the whole working days that lie strictly after `start_at`'s Shanghai date and
        end (at their 24:00) no later than `end_at`. The day of `start_at` never counts, as in
        `add_working_days`; a day only partly before `end_at` does not count either, which keeps a
        minimum-period check on the bidders' side. Hence, for every aware `t` and `n >= 1`,
        ``working_days_between(t, add_working_days(t, n)) == n``, and an amendment at `t` leaves
        the minimum period of `n` working days exactly when the result is at least `n`.
        Returns 0 when no working day after `start_at`'s date has ended by `end_at`, including
        when `end_at` is before `start_at`.
        """
        _require_aware(start_at, "start_at")
        _require_aware(end_at, "end_at")
        first = shanghai_date(start_at) + _ONE_DAY
        # Day d has ended by end_at iff 00:00 of d + 1 (Shanghai) <= end_at, i.e. d + 1 <= its date.
        last = shanghai_date(end_at) - _ONE_DAY
        count = 0
        day = first
        while day <= last:
            if self.is_workday(day):
                count += 1
            day += _ONE_DAY
        return count


# -- the official arrangement, from the chinese_calendar package ------------------------------


def _package_years() -> range:
    """The years the installed `chinese_calendar` has data for, read from its own tables.

    Reading the range from the data (as the package itself does when it validates a date) means
    a newer release with the next year's arrangement is picked up without touching this code.
    """
    known = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(known).year, max(known).year + 1)


def _holiday_label(english: str | None) -> str:
    """`"National Day / 国庆节"`: the package's English name and, when it has one, the Chinese."""
    if not english:
        return ""
    try:
        chinese = chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english
    return f"{english} / {chinese}"


def holiday_name_in(stored: str | None, language: str) -> str:
    """The part of a stored holiday name (`"National Day / 国庆节"`) in `language` ("en" or "zh"),
    so a page shows one language; a name of one part (an operator's own) is shown as written."""
    english, separator, chinese = (stored or "").partition(" / ")
    if not separator:
        return stored or ""
    return english if language == "en" else chinese


def _year_exceptions(year: int) -> dict[date, tuple[bool, str]]:
    """The days of `year` that break the Mon–Fri rule; raises NotImplementedError if unknown."""
    found: dict[date, tuple[bool, str]] = {}
    day = date(year, 1, 1)
    while day.year == year:
        is_workday = chinese_calendar.is_workday(day)
        if is_workday != (day.weekday() < 5):
            _is_holiday, name = chinese_calendar.get_holiday_detail(day)
            found[day] = (is_workday, _holiday_label(name))
        day += _ONE_DAY
    return found


def official_exceptions(years: Iterable[int]) -> tuple[dict[date, tuple[bool, str]], set[int]]:
    """The official holidays on weekdays and make-up workdays on weekends for `years`.

    Returns ``(table, known)``: `table` maps each such date to ``(is_workday, name)`` with the
    holiday's name as the package gives it, English then Chinese; `known` holds the requested
    years the package actually has an arrangement for. A requested year outside that range is
    left out of both, so the caller stores nothing for it and the calendar falls back to weekends
    only for that year rather than pretending it is known.
    """
    supported = _package_years()
    table: dict[date, tuple[bool, str]] = {}
    known: set[int] = set()
    for year in sorted(set(years)):
        if year not in supported:
            continue
        try:
            table.update(_year_exceptions(year))
        except NotImplementedError:  # the package refuses a year its tables seemed to cover
            continue
        known.add(year)
    return table, known
