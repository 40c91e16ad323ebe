"""A path parameter out of range is a 404 (problem+json on the API, the error page elsewhere),
never a 500: ids beyond 64 bits, negative or non-numeric ids, years a date cannot hold, NUL
characters (which PostgreSQL text cannot store) and overlong segments."""

from __future__ import annotations

import pytest

from tests.conftest import login

HUGE = "9223372036854775808"  # 2**63: one past the widest integer column
HUGER = "9" * 40


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/agencies/{HUGE}",
        f"/api/v1/agencies/{HUGER}",
        "/api/v1/agencies/-1",
        "/api/v1/agencies/1.5",
        "/api/v1/agencies/abc",
        f"/api/v1/organizations/{HUGE}",
        f"/api/v1/policy/versions/{HUGE}",
        "/api/v1/calendar/0",
        "/api/v1/calendar/10000",
        f"/api/v1/calendar/{HUGE}",
        "/api/v1/tasks/%00",
        "/api/v1/tasks/ZJM%00",
        "/api/v1/service-items/%00",
        "/api/v1/tasks/" + "x" * 201,
        "/api/v1/tasks/" + "x" * 201 + "/bids",
    ],
)
def test_an_api_path_parameter_out_of_range_is_a_404_problem(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        f"/agencies/{HUGE}",
        f"/calendar/{HUGE}",
        "/tasks/%00",
        "/service-items/%00",
        "/tasks/" + "x" * 201,
    ],
)
def test_a_page_path_parameter_out_of_range_is_the_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_a_huge_id_in_a_write_is_a_404_too(client, make):
    login(client, make.enterprise())
    assert client.delete(f"/api/v1/session/tokens/{HUGE}").status_code == 404
    assert client.post(f"/account/tokens/{HUGE}/revoke").status_code == 404


def test_a_calendar_year_a_date_can_hold_still_answers(client):
    response = client.get("/api/v1/calendar/9999")
    assert response.status_code == 200
    assert response.get_json() == {"year": 9999, "known": False, "days": []}


@pytest.mark.parametrize(
    "method, path",
    [
        ("put", f"/api/v1/agencies/{HUGE}/representative-identity"),
        ("post", f"/api/v1/agencies/{HUGE}/false-declarations"),
        ("put", "/api/v1/agencies/2147483648/representative-identity"),
        ("post", "/api/v1/agencies/2147483648/false-declarations"),
    ],
)
def test_an_id_out_of_range_is_a_404_whatever_other_methods_the_path_has(client, method, path):
    """Not a 405 with an Allow that leaves out the method the path takes for its ids."""
    response = client.open(path, method=method.upper(), json={})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("number", [2**31, 2**63, -1])
def test_a_row_number_in_a_body_beyond_any_row_is_a_field_error(client, make, number):
    """Named in a body, a reference is a field error (422), checked before the database, whose
    integer column would refuse the number with an error of its own (a 500)."""
    login(client, make.enterprise())
    response = client.post(
        "/api/v1/ratings?lang=en", json={"contract_id": number, "quality": 5, "conduct": 5}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"contract_id": ["No record has this number."]}
