"""Working-day arithmetic against the official 2026 arrangement (docs/rules.md §4, "Working days").

The 2026 dates below are the State Council arrangement as shipped in chinese_calendar 1.11:
National Day Oct 1–7 (Thu–Wed) with make-up workdays Sun Sep 20 and Sat Oct 10, Mid-autumn
Sep 25–27, Spring Festival Feb 15–23 with make-up workdays Sat Feb 14 and Sat Feb 28.
A period ending at 24:00 Shanghai on day X ends at 16:00 UTC on that same day X.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from market.workdays import SHANGHAI, WorkCalendar, official_exceptions

CAL_2026 = WorkCalendar.from_official([2025, 2026])


def sh(*args: int) -> datetime:
    """A wall-clock time in Shanghai."""
    return datetime(*args, tzinfo=SHANGHAI)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# -- the calendar itself ----------------------------------------------------------------------


def test_national_day_2026_golden_week():
    for d in days(date(2026, 10, 1), date(2026, 10, 7)):
        assert not CAL_2026.is_workday(d), d
    assert CAL_2026.is_workday(date(2026, 10, 8))  # Thursday after the break
    assert CAL_2026.is_workday(date(2026, 9, 20))  # Sunday make-up workday
    assert CAL_2026.is_workday(date(2026, 10, 10))  # Saturday make-up workday
    assert not CAL_2026.is_workday(date(2026, 10, 11))  # an ordinary Sunday
    assert not CAL_2026.is_workday(date(2026, 9, 25))  # Mid-autumn, a Friday


def test_national_day_2026_periods():
    # Day 1 is the Thursday after the break; the Saturday make-up workday is day 3.
    assert CAL_2026.add_working_days(sh(2026, 9, 30, 10), 1) == utc(2026, 10, 8, 16)
    assert CAL_2026.add_working_days(sh(2026, 9, 30, 10), 3) == utc(2026, 10, 10, 16)
    assert CAL_2026.add_working_days(sh(2026, 9, 30, 10), 4) == utc(2026, 10, 12, 16)
    # Five working days from Thursday Sep 24 jump Mid-autumn and the whole golden week.
    assert CAL_2026.add_working_days(sh(2026, 9, 24, 9), 5) == utc(2026, 10, 9, 16)
    # The Sunday make-up workday counts.
    assert CAL_2026.add_working_days(sh(2026, 9, 18, 9), 1) == utc(2026, 9, 20, 16)


def test_spring_festival_2026():
    for d in days(date(2026, 2, 15), date(2026, 2, 23)):
        assert not CAL_2026.is_workday(d), d
    assert CAL_2026.is_workday(date(2026, 2, 14))
    assert CAL_2026.is_workday(date(2026, 2, 28))
    # Friday's event: the Saturday make-up workday is day 1.
    assert CAL_2026.add_working_days(sh(2026, 2, 13, 18), 1) == utc(2026, 2, 14, 16)
    # Saturday's event: the whole festival is skipped, and Saturday Feb 28 is day 5.
    assert CAL_2026.add_working_days(sh(2026, 2, 14, 9), 5) == utc(2026, 2, 28, 16)
    assert CAL_2026.add_working_days(sh(2026, 2, 14, 9), 6) == utc(2026, 3, 2, 16)


def test_official_exceptions_names_and_known_years():
    table, known = official_exceptions([2026, 2027])
    assert known == {2026}
    assert table[date(2026, 2, 17)] == (False, "Spring Festival / 春节")
    assert table[date(2026, 10, 1)] == (False, "National Day / 国庆节")
    assert table[date(2026, 10, 10)] == (True, "National Day / 国庆节")
    # Only days that break the Mon–Fri rule are listed: Saturday Oct 3 is a holiday anyway.
    assert date(2026, 10, 3) not in table
    assert {d.year for d in table} == {2026}
    assert official_exceptions([2027, 1999]) == ({}, set())


def test_calendar_agrees_with_package_for_every_known_day():
    years = range(2004, 2027)
    cal = WorkCalendar.from_official(years)
    assert cal.known_years == frozenset(years)
    for d in days(date(2004, 1, 1), date(2026, 12, 31)):
        assert cal.is_workday(d) == chinese_calendar.is_workday(d), d


def test_next_workday():
    assert CAL_2026.next_workday(date(2026, 10, 8)) == date(2026, 10, 8)
    assert CAL_2026.next_workday(date(2026, 10, 1)) == date(2026, 10, 8)
    assert CAL_2026.next_workday(date(2026, 10, 11)) == date(2026, 10, 12)
    assert CAL_2026.next_workday(date(2026, 2, 14)) == date(2026, 2, 14)


def test_calendar_is_a_snapshot():
    source = {date(2026, 3, 9): False}
    cal = WorkCalendar(source, frozenset({2026}))
    source[date(2026, 3, 10)] = False
    assert not cal.is_workday(date(2026, 3, 9))
    assert cal.is_workday(date(2026, 3, 10))


# -- time zones and the end of the day --------------------------------------------------------


def test_ends_at_24_00_shanghai_which_is_16_00_utc_same_day():
    end = CAL_2026.add_working_days(sh(2026, 3, 4, 11), 2)  # Wednesday → Friday
    assert end == utc(2026, 3, 6, 16)
    assert end.tzinfo is UTC
    assert end.astimezone(SHANGHAI) == sh(2026, 3, 7, 0)


def test_friday_evening_in_shanghai():
    # 20:00 Friday in Shanghai is 12:00 Friday UTC: same date, Monday is day 1 either way.
    friday_evening = sh(2026, 3, 6, 20)
    assert friday_evening == utc(2026, 3, 6, 12)
    expected = utc(2026, 3, 9, 16)  # Monday 24:00 Shanghai
    assert CAL_2026.add_working_days(friday_evening, 1) == expected
    assert CAL_2026.add_working_days(utc(2026, 3, 6, 12), 1) == expected
    assert (
        CAL_2026.add_working_days(friday_evening.astimezone(ZoneInfo("America/New_York")), 1)
        == expected
    )


def test_shanghai_date_not_utc_date_starts_the_period():
    # Thursday 16:30 UTC is already Friday 00:30 in Shanghai: Friday is the event day and does
    # not count, so day 1 is Monday — not Friday, as the UTC date would suggest.
    assert CAL_2026.add_working_days(utc(2026, 3, 5, 16, 30), 1) == utc(2026, 3, 9, 16)
    # One minute before midnight in Shanghai it is still Thursday, and Friday is day 1.
    assert CAL_2026.add_working_days(utc(2026, 3, 5, 15, 59), 1) == utc(2026, 3, 6, 16)


# -- calendar-day periods ---------------------------------------------------------------------


def test_calendar_days_roll_over_a_holiday():
    # Sep 24 + 7 days = Oct 1, National Day: rolls to Thursday Oct 8.
    assert CAL_2026.add_calendar_days(sh(2026, 9, 24, 15), 7) == utc(2026, 10, 8, 16)
    # Lands on a weekend: rolls to Monday.
    assert CAL_2026.add_calendar_days(sh(2026, 3, 2, 9), 5) == utc(2026, 3, 9, 16)
    # Lands on a Saturday make-up workday: no roll.
    assert CAL_2026.add_calendar_days(sh(2026, 10, 3, 9), 7) == utc(2026, 10, 10, 16)
    # Lands on a plain workday.
    assert CAL_2026.add_calendar_days(sh(2026, 3, 2, 9), 30) == utc(2026, 4, 1, 16)


# -- years without an official arrangement ----------------------------------------------------


def test_unknown_year_falls_back_to_weekends_and_says_so():
    cal = WorkCalendar.from_official([2025, 2026, 2027])
    assert cal.known_years == frozenset({2025, 2026})
    assert cal.is_known(date(2026, 12, 31))
    assert not cal.is_known(date(2027, 1, 1))
    # New Year's Day 2027 is a Friday; with no arrangement loaded it counts as a working day.
    assert cal.is_workday(date(2027, 1, 1))
    assert not cal.is_workday(date(2027, 1, 2))
    assert cal.add_working_days(sh(2026, 12, 31, 10), 1) == utc(2027, 1, 1, 16)
    assert cal.unknown_years_between(date(2026, 12, 28), date(2027, 1, 8)) == [2027]
    assert cal.unknown_years_between(date(2027, 1, 8), date(2026, 12, 28)) == [2027]
    assert cal.unknown_years_between(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert WorkCalendar().unknown_years_between(date(2026, 6, 1), date(2028, 1, 1)) == [
        2026,
        2027,
        2028,
    ]


# -- refusals ---------------------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 3, 6, 20)
    aware = sh(2026, 3, 6, 20)
    with pytest.raises(ValueError):
        CAL_2026.add_working_days(naive, 1)
    with pytest.raises(ValueError):
        CAL_2026.add_calendar_days(naive, 1)
    with pytest.raises(ValueError):
        CAL_2026.working_days_between(naive, aware)
    with pytest.raises(ValueError):
        CAL_2026.working_days_between(aware, naive)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        CAL_2026.add_working_days(sh(2026, 3, 6, 20), 0)
    with pytest.raises(ValueError):
        CAL_2026.add_calendar_days(sh(2026, 3, 6, 20), -1)
    with pytest.raises(TypeError):  # a datetime is not a calendar day
        CAL_2026.is_workday(sh(2026, 10, 1, 9))
    with pytest.raises(TypeError):
        CAL_2026.next_workday(sh(2026, 10, 1, 9))


# -- counting what remains --------------------------------------------------------------------


def test_working_days_between_examples():
    wednesday = sh(2026, 3, 4, 11)
    assert CAL_2026.working_days_between(wednesday, utc(2026, 3, 6, 16)) == 2  # Friday 24:00
    assert (
        CAL_2026.working_days_between(wednesday, utc(2026, 3, 6, 15, 59)) == 1
    )  # Friday unfinished
    assert CAL_2026.working_days_between(wednesday, wednesday) == 0
    assert CAL_2026.working_days_between(wednesday, utc(2026, 1, 1)) == 0
    # An amendment on Sep 30 before a deadline at the end of Oct 9: only Oct 8 and 9 remain.
    assert CAL_2026.working_days_between(sh(2026, 9, 30, 17), utc(2026, 10, 9, 16)) == 2


def test_working_days_round_trip():
    cal = WorkCalendar.from_official([2025, 2026, 2027])
    # Every 31 hours from Dec 2025 to Jan 2027: all weekdays, all hours, both sides of the
    # Shanghai midnight, the 2026 holidays and the unknown year 2027.
    start = utc(2025, 12, 1, 0, 7)
    moments = [start + timedelta(hours=31 * k) for k in range(330)]
    assert moments[-1] > utc(2027, 1, 1)
    for t in moments:
        previous = t
        for n in range(1, 31):
            deadline = cal.add_working_days(t, n)
            assert deadline.tzinfo is UTC
            assert deadline.astimezone(SHANGHAI).time() == datetime.min.time()
            assert deadline > previous
            assert cal.working_days_between(t, deadline) == n, (t, n)
            # Minimal: a second earlier the n-th working day is not over yet.
            assert cal.working_days_between(t, deadline - timedelta(seconds=1)) == n - 1, (t, n)
            # The n-th day is a working day, and the zone the instant is given in does not matter.
            assert cal.is_workday((deadline - timedelta(seconds=1)).astimezone(SHANGHAI).date())
            assert cal.add_working_days(t.astimezone(SHANGHAI), n) == deadline
            previous = deadline
