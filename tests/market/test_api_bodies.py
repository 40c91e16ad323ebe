"""JSON request bodies are strictly typed (docs/rules.md §10): `true` is no price, `"50000"` and
`1.0` are no integers, a list is a list; text holds no NUL (which PostgreSQL cannot store) and
no lone surrogate (which no database encodes); a body nested beyond reason is refused. Each is a
422 problem+json naming the field, never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import agency_payload, login
from tests.market.accounts_support import english_messages  # noqa: F401  (fixture)
from tests.market.test_tasks import task_data

WRONG_TYPE = ["Wrong type of value."]


def errors_of(response) -> dict:
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()["errors"]


@pytest.fixture
def applicant(client, make):
    login(client, make.enterprise())
    return client


@pytest.mark.parametrize(
    "field, value",
    [
        ("price_cap_fen", True),
        ("price_cap_fen", "50000"),
        ("price_cap_fen", 50000.0),
        ("price_cap_fen", 1e5),
        ("price_cap_fen", [50000]),
        ("min_bids", "3"),
        ("min_bids", 3.0),
        ("min_bids", False),
        ("service_days", {"days": 30}),
        ("required_qualifications", "测绘资质证书"),
        ("title", 5),
    ],
)
def test_a_task_field_of_the_wrong_json_type_is_named(applicant, field, value):
    response = applicant.post("/api/v1/tasks", json=task_data(**{field: value}))
    assert errors_of(response) == {field: WRONG_TYPE}


@pytest.mark.parametrize(
    "row, field",
    [
        ({"commitment_days": "30"}, "services.0.commitment_days"),
        ({"price_min_fen": True}, "services.0.price_min_fen"),
        ({"price_max_fen": 2e7}, "services.0.price_max_fen"),
    ],
)
def test_an_agency_service_of_the_wrong_json_type_is_named(client, row, field):
    service = {**agency_payload()["services"][0], **row}
    response = client.post("/api/v1/agencies", json=agency_payload(services=[service]))
    assert errors_of(response) == {field: WRONG_TYPE}


def test_rows_must_be_a_list_of_objects(client):
    response = client.post("/api/v1/agencies", json=agency_payload(services={"a": 1}))
    assert errors_of(response) == {"services": WRONG_TYPE}
    response = client.post("/api/v1/agencies", json=agency_payload(professionals=["李四"]))
    assert errors_of(response) == {"professionals.0": WRONG_TYPE}


@pytest.mark.parametrize("value", [1, "true", "yes"])
def test_a_flag_must_be_a_json_boolean(client, make, value):
    login(client, make.staff("operator"))
    response = client.put("/api/v1/calendar/days", json={"day": "2026-10-08", "is_workday": value})
    assert errors_of(response) == {"is_workday": WRONG_TYPE}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "a\x00@test.zjm", "password": "x"}, "email"),
        ({"email": "a@test.zjm", "password": "x\x00"}, "password"),
    ],
)
def test_a_nul_character_is_refused_before_anything_reads_it(client, body, field):
    assert errors_of(client.post("/api/v1/session", json=body)) == {
        field: ["Contains control characters."]
    }


def test_a_nul_character_deep_in_a_body_is_named_where_it_is(client):
    service = {**agency_payload()["services"][0], "service_item": "EIA\x00"}
    response = client.post("/api/v1/agencies", json=agency_payload(services=[service]))
    assert errors_of(response) == {"services.0.service_item": ["Contains control characters."]}


def test_a_lone_surrogate_is_no_text(client):
    body = '{"email": "\\ud800@test.zjm", "password": "x"}'
    response = client.post("/api/v1/session", data=body, content_type="application/json")
    assert errors_of(response) == {"email": ["Not valid Unicode text."]}


def test_a_key_with_a_nul_is_refused(client):
    response = client.post("/api/v1/agencies", json={"na\x00me": "x"})
    assert "" in errors_of(response)


@pytest.mark.parametrize("path", ["/api/v1/agencies", "/api/v1/organizations"])
def test_a_body_nested_beyond_reason_is_refused(client, path):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(path, data=body, content_type="application/json")
    assert errors_of(response) == {"": ["The request body must be a JSON object."]}


@pytest.mark.parametrize("value", [2**31, 10**30])
def test_an_agency_id_no_row_can_have_is_refused(applicant, value):
    response = applicant.post(
        "/api/v1/tasks", json=task_data(method="direct", funding="private", invited_agency_id=value)
    )
    assert "invited_agency_id" in errors_of(response)


@pytest.mark.parametrize("value", [0, 2**31, 10**30])
def test_an_exclusion_names_an_agency_id_within_range(applicant, value):
    number = applicant.post("/api/v1/tasks", json=task_data()).get_json()["number"]
    response = applicant.post(
        f"/api/v1/tasks/{number}/exclusions",
        json={"agency_id": value, "ground": "conflict_of_interest", "statement": "曾参与本项目"},
    )
    assert list(errors_of(response)) == ["agency_id"]
