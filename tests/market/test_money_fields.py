"""Amounts are typed in yuan on every form and read by one parser, exactly (docs/rules.md §2: money
is integer fen). What is no amount — text, NaN or infinity, an exponent, a sign, more than two
decimals, more than a column holds — is refused on its field with a message that says which;
an amount beyond the policy's cap is refused in yuan too. Pages answer 422 with the message next
to the field and what was typed; nothing is stored."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import func, select

from market import tasks
from market.models import Task
from market.validation import MAX_FEN, Invalid, parse_yuan, yuan_text
from tests.conftest import agency_payload, login
from tests.market.accounts_support import english_messages, field_errors  # noqa: F401
from tests.market.test_agency_form import URL as AGENCY_FORM
from tests.market.test_agency_form import assert_values_kept, form_data
from tests.market.test_tasks import task_data

ENTER = "Enter an amount in yuan, such as 1234.50."
EXPONENT = "Write the amount in digits, without an exponent such as 1e5."
DECIMALS = "At most two decimals: the smallest amount is 0.01 yuan (1 fen)."
NEGATIVE = "An amount cannot be negative."
TOO_LARGE = "This amount is too large."
#: The tasks policy's cap on a price cap or a fixed fee (max_cap_fen).
OVER_THE_CAP = "Must be at most 10,000,000,000.00 yuan."

NOT_AMOUNTS = [
    ("Infinity", ENTER),
    ("-Infinity", ENTER),
    ("inf", ENTER),
    ("NaN", ENTER),
    ("sNaN", ENTER),
    ("abc", ENTER),
    ("1.2.3", ENTER),
    ("五百", ENTER),
    ("+5", ENTER),
    ("1e5", EXPONENT),
    ("1E+05", EXPONENT),
    ("2.5e3", EXPONENT),
    ("12.345", DECIMALS),
    ("0.001", DECIMALS),
    ("-5", NEGATIVE),
    ("-1,000.00", NEGATIVE),
    ("9" * 30, TOO_LARGE),
    ("92233720368547758.08", TOO_LARGE),
]


# --- the parser -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, fen",
    [
        ("1,234.50", 123450),
        ("1234.5", 123450),
        ("0.01", 1),
        (".5", 50),
        ("5.", 500),
        ("12.340", 1234),
        ("１２３４．５０", 123450),
        ("92233720368547758.07", MAX_FEN),
    ],
)
def test_an_amount_in_yuan_is_exact_fen(typed, fen):
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize("typed, message", NOT_AMOUNTS)
def test_what_is_no_amount_is_refused_saying_why(typed, message):
    with pytest.raises(Invalid) as refused:
        parse_yuan(typed)
    assert [m.msgid for m in refused.value.errors[""]] == [message]


def test_an_amount_reads_back_as_it_is_shown():
    for fen in (0, 1, 99, 100, 123450, 10**12, MAX_FEN):
        assert parse_yuan(yuan_text(fen)) == fen


# --- the task form ----------------------------------------------------------------------------------


def task_form(**overrides) -> dict[str, str]:
    data = {
        "service_item": "EIA-REPORT",
        "title": "环评报告书编制",
        "description": "编制报告书",
        "funding": "private",
        "method": "lowest_price",
        "price_cap": "180,000.50",
        "min_bids": "3",
        "service_days": "30",
        "bidding_wd": "3",
    }
    data.update(overrides)
    return data


def tasks_stored(db) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Task)).one()


def shown_value(page: str, name: str) -> str | None:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


@pytest.mark.parametrize(
    "typed, message",
    [*NOT_AMOUNTS, ("10000000000.01", OVER_THE_CAP), ("", "This field is required.")],
)
def test_the_task_form_refuses_a_price_cap_that_is_no_amount_on_its_field(
    client, db, make, typed, message
):
    login(client, make.enterprise())
    response = client.post("/tasks/new", data=task_form(price_cap=typed))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in html.unescape(field_errors(page, "price_cap"))
    assert shown_value(page, "price_cap") == typed
    assert tasks_stored(db) == 0


@pytest.mark.parametrize("typed, message", NOT_AMOUNTS[:4] + NOT_AMOUNTS[-6:])
def test_the_fixed_fee_of_a_random_draw_too(client, db, make, typed, message):
    login(client, make.enterprise())
    response = client.post(
        "/tasks/new", data=task_form(method="random", price_cap="", fixed_fee=typed)
    )
    assert response.status_code == 422
    assert message in html.unescape(field_errors(response.get_data(as_text=True), "fixed_fee"))
    assert tasks_stored(db) == 0


def test_editing_a_draft_refuses_the_same_way(client, db, make):
    applicant = make.enterprise()
    draft = tasks.create_draft(db, applicant, task_data(funding="private"))
    db.commit()
    login(client, applicant)
    response = client.post(f"/tasks/{draft.number}/edit", data=task_form(price_cap="1e5"))
    assert response.status_code == 422
    assert EXPONENT in html.unescape(field_errors(response.get_data(as_text=True), "price_cap"))
    db.expire_all()
    assert db.get(Task, draft.id).price_cap_fen == draft.price_cap_fen


def test_a_number_the_task_form_cannot_read_is_refused_with_422(client, db, make):
    login(client, make.enterprise())
    response = client.post("/tasks/new", data=task_form(min_bids="1e5"))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "min_bids")
    assert tasks_stored(db) == 0


# --- the amendment form on the task page --------------------------------------------------------------


@pytest.fixture
def open_task(db, make):
    applicant = make.enterprise()
    task = tasks.create_draft(db, applicant, task_data(funding="private", bidding_wd=10))
    tasks.publish(db, applicant, task.number)
    db.commit()
    return applicant, task


def amendment(task: Task, **overrides) -> dict[str, str]:
    data = {
        "title": task.title,
        "description": task.description,
        "service_item": "EIA-REPORT",
        "funding": "private",
        "method": "lowest_price",
        "price_cap": "250,000",
        "service_days": str(task.service_days),
        "bidding_wd": "10",
        "reason": "调整最高限价",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("typed, message", [*NOT_AMOUNTS, ("10000000000.01", OVER_THE_CAP)])
def test_an_amendment_shows_a_price_that_is_no_amount_on_its_field(
    client, db, open_task, typed, message
):
    applicant, task = open_task
    login(client, applicant)
    response = client.post(f"/tasks/{task.number}/amend", data=amendment(task, price_cap=typed))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in html.unescape(field_errors(page, "price_cap"))
    assert shown_value(page, "price_cap") == typed
    assert "调整最高限价" in page
    db.expire_all()
    assert db.get(Task, task.id).price_cap_fen == task.price_cap_fen


def test_an_amendment_in_yuan_is_published(client, db, open_task):
    applicant, task = open_task
    login(client, applicant)
    response = client.post(f"/tasks/{task.number}/amend", data=amendment(task))
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Task, task.id).price_cap_fen == 25_000_000


def test_an_amendment_the_rules_refuse_is_shown_on_the_task_page(client, db, open_task):
    applicant, task = open_task
    login(client, applicant)
    response = client.post(f"/tasks/{task.number}/amend", data=amendment(task, reason=""))
    assert response.status_code == 422
    assert "This field is required." in field_errors(response.get_data(as_text=True), "reason")


# --- the agency form ----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, message", NOT_AMOUNTS)
def test_the_agency_form_refuses_a_price_that_is_no_amount_on_its_field(client, typed, message):
    submitted = form_data(**{"services-0-price_max": typed})
    response = client.post(AGENCY_FORM, data=submitted)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in html.unescape(field_errors(page, "services-0-price_max"))
    assert_values_kept(page, submitted)


# --- the API, in fen ------------------------------------------------------------------------------------


def test_the_api_says_the_policy_cap_in_yuan(client, make):
    login(client, make.enterprise())
    body = task_data(funding="private", project_code=None, price_cap_fen=10**12 + 1)
    response = client.post("/api/v1/tasks", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"price_cap_fen": [OVER_THE_CAP]}


@pytest.mark.parametrize("fen", [-1, 2**63, 10**40])
def test_the_api_refuses_an_agency_price_out_of_range(client, fen):
    service = {**agency_payload()["services"][0], "price_max_fen": fen}
    response = client.post("/api/v1/agencies", json=agency_payload(services=[service]))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["services.0.price_max_fen"]
