"""The working-day calendar table (docs/rules.md §4 "Working days"): seeded from the maintained package for
the years it knows, edited by operators (edits survive a re-import), and for a year nobody loaded it
falls back to weekends only and says so."""

from __future__ import annotations

from datetime import UTC, date, datetime

import chinese_calendar
import pytest
from sqlmodel import select

from market import holidays
from market.models import AuditEvent, CalendarDay, CalendarYear
from market.validation import Invalid
from market.workdays import SHANGHAI, WorkCalendar
from tests.conftest import login

WARNING_2027 = "The official holiday arrangement for 2027 is not loaded"


def stored(db, day: date) -> CalendarDay | None:
    db.expire_all()
    return db.get(CalendarDay, day)


def year_known(db, year: int) -> bool:
    db.expire_all()
    return db.get(CalendarYear, year) is not None


def events(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))
    )


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["calendar", "import", *args])


# --- the official arrangement --------------------------------------------------------------------


def test_official_2026_arrangement_is_stored(db):
    assert holidays.import_official(db, [2026]) == [2026]
    db.commit()
    national_day = stored(db, date(2026, 10, 1))
    assert national_day.is_workday is False
    assert national_day.source == "official"
    assert "国庆节" in national_day.name and "National Day" in national_day.name
    assert stored(db, date(2026, 9, 20)).is_workday is True  # Sunday make-up workday
    assert stored(db, date(2026, 10, 10)).is_workday is True  # Saturday make-up workday
    assert stored(db, date(2026, 10, 3)) is None  # a Saturday off anyway: no exception
    assert stored(db, date(2026, 10, 8)) is None  # an ordinary Thursday
    assert year_known(db, 2026)
    # The stored days are exactly the package's exceptions to the Monday–Friday rule.
    for row in holidays.days_of_year(db, 2026):
        assert chinese_calendar.is_workday(row.day) == row.is_workday
        assert row.is_workday != (row.day.weekday() < 5)
    assert events(db, "calendar.imported")[-1].data["years"] == [2026]


def test_import_is_idempotent(db):
    before = [(d.day, d.is_workday, d.name) for d in holidays.days_of_year(db, 2026)]
    holidays.import_official(db, [2026])
    holidays.import_official(db, [2026])
    db.commit()
    db.expire_all()
    assert [(d.day, d.is_workday, d.name) for d in holidays.days_of_year(db, 2026)] == before


def test_a_year_the_package_does_not_know_is_not_pretended_known(db):
    assert holidays.import_official(db, [2027]) == []
    db.commit()
    assert not year_known(db, 2027)
    assert holidays.days_of_year(db, 2027) == []
    assert 2027 not in holidays.known_years(db)


def test_operator_edits_are_kept_on_reimport(db, make):
    operator = make.staff("operator")
    holidays.set_day(
        db, operator, {"day": "2026-10-01", "is_workday": True, "name": "Test override"}
    )
    holidays.set_day(db, operator, {"day": "2026-10-09", "is_workday": False, "name": "临时休息"})
    db.commit()
    holidays.import_official(db, [2026])
    db.commit()
    overridden = stored(db, date(2026, 10, 1))
    assert (overridden.is_workday, overridden.name, overridden.source) == (
        True,
        "Test override",
        "operator",
    )
    assert stored(db, date(2026, 10, 9)).is_workday is False
    assert stored(db, date(2026, 10, 2)).is_workday is False  # official days still imported
    assert stored(db, date(2026, 10, 2)).source == "official"


# --- the calendar in force --------------------------------------------------------------------------


def test_load_builds_the_calendar_from_the_table(db):
    cal = holidays.load(db)
    assert isinstance(cal, WorkCalendar)
    assert {2025, 2026} <= cal.known_years
    assert not cal.is_workday(date(2026, 10, 1))
    assert cal.is_workday(date(2026, 9, 20))
    # A period triggered on the eve of National Day skips the whole holiday week.
    eve = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    assert cal.add_working_days(eve, 1) == datetime(2026, 10, 8, 16, 0, tzinfo=UTC)


def test_load_follows_operator_edits(db, make):
    operator = make.staff("operator")
    holidays.set_day(db, operator, {"day": "2026-10-08", "is_workday": False, "name": "延长"})
    db.commit()
    cal = holidays.load(db)
    assert not cal.is_workday(date(2026, 10, 8))
    eve = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    assert cal.add_working_days(eve, 1) == datetime(2026, 10, 9, 16, 0, tzinfo=UTC)


def test_an_unknown_year_falls_back_to_weekends_and_says_so(db):
    cal = holidays.load(db)
    assert not cal.is_known(date(2027, 10, 1))
    assert cal.is_workday(date(2027, 10, 1))  # a Friday: no holiday is assumed
    assert not cal.is_workday(date(2027, 10, 2))  # a Saturday
    assert cal.unknown_years_between(date(2026, 12, 28), date(2027, 1, 8)) == [2027]
    assert cal.unknown_years_between(date(2026, 1, 1), date(2026, 12, 31)) == []


# --- operators set days -------------------------------------------------------------------------------


def test_operator_sets_a_day_through_the_api(client, make, db):
    operator = make.staff("operator")
    login(client, operator)
    response = client.put(
        "/api/v1/calendar/days",
        json={"day": "2027-10-01", "is_workday": False, "name": "国庆节", "mark_year_known": False},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"day": "2027-10-01", "is_workday": False, "name": "国庆节"}
    row = stored(db, date(2027, 10, 1))
    assert (row.is_workday, row.source) == (False, "operator")
    assert not year_known(db, 2027)  # one day does not make a year's arrangement complete
    [event] = events(db, "calendar.day_set")
    assert event.actor_user_id == operator.id
    assert event.object_id == "2027-10-01"
    assert event.data == {"old": None, "is_workday": False, "name": "国庆节"}

    body = client.get("/api/v1/calendar/2027").get_json()
    assert body["known"] is False
    assert body["days"] == [
        {"day": "2027-10-01", "is_workday": False, "name": "国庆节", "source": "operator"}
    ]


def test_changing_a_day_records_the_old_value(client, make, db):
    login(client, make.staff("operator"))
    response = client.put(
        "/api/v1/calendar/days", json={"day": "2026-09-20", "is_workday": False, "name": "取消调休"}
    )
    assert response.status_code == 200
    [event] = events(db, "calendar.day_set")
    assert event.data["old"] == {"is_workday": True, "name": stored(db, date(2026, 10, 1)).name}
    assert event.data["is_workday"] is False


def test_operator_marks_a_year_complete(client, make, db):
    login(client, make.staff("operator"))
    response = client.put(
        "/api/v1/calendar/days",
        json={"day": "2027-02-06", "is_workday": True, "name": "春节调休", "mark_year_known": True},
    )
    assert response.status_code == 200
    assert year_known(db, 2027)
    assert client.get("/api/v1/calendar/2027").get_json()["known"] is True
    assert WARNING_2027 not in client.get("/calendar/2027?lang=en").get_data(as_text=True)
    assert holidays.load(db).is_workday(date(2027, 2, 6))  # a Saturday, now a workday


@pytest.mark.parametrize(
    "body, key, message",
    [
        ({"day": "2027/10/01", "is_workday": False}, "day", "A date looks like 2027-06-30."),
        ({"day": "", "is_workday": False}, "day", "This field is required."),
        ({"day": "2027-10-01"}, "is_workday", "This field is required."),
        (
            {"day": "2027-10-01", "is_workday": False, "name": "<b>x</b>"},
            "name",
            "Markup such as < > or & entities is not allowed here.",
        ),
    ],
    ids=["bad-date", "empty-date", "no-kind", "markup-name"],
)
def test_bad_day_is_refused_with_its_own_message(client, make, db, body, key, message):
    login(client, make.staff("operator"))
    response = client.put("/api/v1/calendar/days?lang=en", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == {key: [message]}
    assert events(db, "calendar.day_set") == []


def test_the_service_refuses_a_day_without_its_kind(db, make):
    with pytest.raises(Invalid) as caught:
        holidays.set_day(db, make.staff("operator"), {"day": "2027-10-01", "is_workday": "1"})
    assert set(caught.value.errors) == {"is_workday"}


@pytest.mark.parametrize("kind", [None, "agency", "enterprise", "regulator", "department"])
def test_only_operators_set_days_through_the_api(client, make, db, kind):
    if kind == "agency":
        login(client, make.agency())
    elif kind == "enterprise":
        login(client, make.enterprise())
    elif kind is not None:
        login(client, make.staff(kind))
    response = client.put("/api/v1/calendar/days", json={"day": "2026-10-08", "is_workday": False})
    assert response.status_code == (401 if kind is None else 403)
    assert response.mimetype == "application/problem+json"
    assert stored(db, date(2026, 10, 8)) is None


def test_operator_sets_a_day_on_the_calendar_page(client, make, db):
    login(client, make.staff("operator"))
    page = client.get("/operator/calendar?lang=en")
    assert page.status_code == 200
    assert "2025, 2026" in page.get_data(as_text=True)
    response = client.post(
        "/operator/calendar?lang=en",
        data={"day": "2027-10-01", "is_workday": "0", "name": "国庆节", "mark_year_known": "y"},
    )
    assert response.status_code == 302
    row = stored(db, date(2027, 10, 1))
    assert (row.is_workday, row.name, row.source) == (False, "国庆节", "operator")
    assert year_known(db, 2027)
    response = client.post(
        "/operator/calendar", data={"day": "2027-09-26", "is_workday": "1", "name": "调休"}
    )
    assert response.status_code == 302
    assert stored(db, date(2027, 9, 26)).is_workday is True


def test_calendar_page_shows_a_missing_day_inline(client, make, db):
    login(client, make.staff("operator"))
    response = client.post(
        "/operator/calendar?lang=en", data={"day": "", "is_workday": "0", "name": "国庆节"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<ul class="errors" id="day-err"><li>This field is required.</li></ul>' in html
    assert 'value="国庆节"' in html
    assert events(db, "calendar.day_set") == []


def test_calendar_page_is_for_operators_only(client, make, db):
    assert client.get("/operator/calendar").status_code == 302  # log in first
    login(client, make.agency())
    assert client.get("/operator/calendar").status_code == 403
    response = client.post("/operator/calendar", data={"day": "2026-10-08", "is_workday": "0"})
    assert response.status_code == 403
    assert stored(db, date(2026, 10, 8)) is None


# --- the command line ------------------------------------------------------------------------------


def test_cli_import_of_a_known_year(app, db):
    result = cli(app, "--year", "2026")
    assert result.exit_code == 0, result.output
    assert "imported years: 2026" in result.output
    assert "WARNING" not in result.output


def test_cli_warns_that_the_package_does_not_know_2027(app, db):
    result = cli(app, "--year", "2027")
    assert result.exit_code == 0, result.output
    assert "imported years: none" in result.output
    assert "WARNING: the package does not know [2027]" in result.output
    assert "weekends only" in result.output
    assert not year_known(db, 2027)


def test_cli_imports_what_it_knows_and_warns_about_the_rest(app, db):
    result = cli(app, "--year", "2026", "--year", "2027")
    assert result.exit_code == 0, result.output
    assert "imported years: 2026" in result.output
    assert "WARNING: the package does not know [2027]" in result.output


def test_cli_imports_a_year_from_a_csv_file(app, db, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(
        "# day,is_workday,name\n"
        "2027-10-01,0,国庆节\n"
        "2027-10-04,0,国庆节\n"
        "2027-09-26,1,国庆节调休\n",
        encoding="utf-8",
    )
    result = cli(app, "--file", str(path))
    assert result.exit_code == 0, result.output
    assert "3 days imported" in result.output
    assert [(d.day, d.is_workday, d.source) for d in holidays.days_of_year(db, 2027)] == [
        (date(2027, 9, 26), True, "operator"),
        (date(2027, 10, 1), False, "operator"),
        (date(2027, 10, 4), False, "operator"),
    ]
    assert year_known(db, 2027)
    cal = holidays.load(db)
    assert cal.is_known(date(2027, 10, 1)) and not cal.is_workday(date(2027, 10, 1))
    assert cal.is_workday(date(2027, 9, 26))  # a Sunday make-up workday
    # Re-importing the package's years keeps these operator-entered days.
    holidays.import_official(db, [2026, 2027])
    db.commit()
    assert stored(db, date(2027, 10, 1)).source == "operator"


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("2027-13-01,0,坏日期", "day: A date looks like 2027-06-30."),
        ("2027-10-02,yes,国庆节", "is_workday: Say whether the day is a working day."),
        ("2027-10-02,,国庆节", "is_workday: Say whether the day is a working day."),
    ],
    ids=["bad-date", "kind-yes", "kind-empty"],
)
def test_cli_csv_with_a_bad_line_names_it_and_imports_nothing(app, db, tmp_path, bad_line, message):
    path = tmp_path / "2027.csv"
    path.write_text(f"2027-10-01,0,国庆节\n{bad_line}\n", encoding="utf-8")
    result = cli(app, "--file", str(path))
    assert result.exit_code == 2
    assert f"{bad_line}: {message}" in result.output
    assert "days imported" not in result.output
    assert holidays.days_of_year(db, 2027) == []
    assert not year_known(db, 2027)


# --- the public page ---------------------------------------------------------------------------------


def test_public_calendar_warns_about_a_year_not_loaded(client):
    response = client.get("/calendar/2027?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert WARNING_2027 in html
    assert 'role="alert"' in html


def test_public_calendar_lists_a_loaded_year_without_warning(client):
    html = client.get("/calendar/2026?lang=en").get_data(as_text=True)
    assert "not loaded" not in html
    assert "2026-10-01" in html and "<td>National Day</td>" in html and "国庆节" not in html
    assert "2026-09-20" in html and "make-up working day" in html


def test_public_calendar_defaults_to_this_shanghai_year(client, frozen):
    assert "2026-10-01" in client.get("/calendar").get_data(as_text=True)
    frozen.set(datetime(2026, 12, 31, 16, 30, tzinfo=UTC))  # already 2027 in Shanghai
    html = client.get("/calendar?lang=en").get_data(as_text=True)
    assert "Working-day calendar 2027" in html
    assert WARNING_2027 in html


def test_public_calendar_refuses_absurd_years(client):
    assert client.get("/calendar/1999").status_code == 404
    assert client.get("/calendar/2101").status_code == 404


# --- read once per transaction --------------------------------------------------------------------


def test_calendar_is_read_once_per_transaction_and_forgotten_on_a_write(app, db):
    from sqlalchemy import event

    holidays.import_official(db, [2026])
    db.commit()
    engine = db.get_bind()
    reads = []

    def count(conn, cursor, statement, *args):
        if "FROM calendarday" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        first = holidays.load(db)
        assert holidays.load(db) is first
        assert len(reads) == 1
        assert first.is_workday(date(2026, 10, 1)) is False
        holidays.set_day(db, None, {"day": "2026-10-01", "is_workday": True, "name": "试"})
        after_write = holidays.load(db)
        assert after_write is not first and after_write.is_workday(date(2026, 10, 1)) is True
        db.rollback()
        again = holidays.load(db)  # a new transaction reads the table again
        assert again is not after_write and again.is_workday(date(2026, 10, 1)) is False
        assert len(reads) == 4  # first, set_day's own read of 2026-10-01, after the write, again
    finally:
        event.remove(engine, "before_cursor_execute", count)
