"""Query parameters and form fields never reach the database in a shape it refuses: a NUL
(PostgreSQL text cannot hold one) is a 422 naming the parameter, on the API and on pages, but in
the words to search, which the search layer reduces to words; a cursor or page that is no plain
number or beyond any row reads as absent or as the end, never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.market.accounts_support import english_messages  # noqa: F401  (fixture)

NUL = "%00"


@pytest.mark.parametrize(
    "path, name",
    [
        (f"/api/v1/tasks?status={NUL}", "status"),
        (f"/api/v1/tasks?service_item=EIA{NUL}", "service_item"),
        (f"/api/v1/agencies?name={NUL}", "name"),
        (f"/api/v1/agencies?qualification={NUL}", "qualification"),
        (f"/api/v1/agencies?service_item={NUL}", "service_item"),
        (f"/api/v1/agencies?q=x&grade={NUL}", "grade"),
        (f"/api/v1/service-items?category={NUL}", "category"),
    ],
)
def test_a_nul_in_an_api_query_is_a_422_naming_the_parameter(client, path, name):
    response = client.get(path)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == {name: ["Contains control characters."]}


@pytest.mark.parametrize(
    "path",
    [
        f"/tasks?status={NUL}",
        f"/agencies?name={NUL}",
        f"/agencies?service_item={NUL}",
        f"/service-items?category={NUL}",
    ],
)
def test_a_nul_in_a_page_query_is_a_422_page(client, path):
    response = client.get(path)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert "Contains control characters." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        f"/search?q=x{NUL}",
        f"/service-items?q=x{NUL}",
        f"/api/v1/agencies?q=x{NUL}",
        f"/api/v1/tasks?q=x{NUL}",
        f"/api/v1/search/suggest?q=x{NUL}",
    ],
)
def test_a_nul_in_the_words_to_search_is_left_to_the_search(client, path):
    assert client.get(path).status_code == 200


def test_a_nul_in_a_form_field_is_a_422_page(client, make):
    user = make.enterprise()
    response = client.post("/login", data={"email": user.email + "\x00", "password": "x"})
    assert response.status_code == 422
    assert "Contains control characters." in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 30, "99999999999", "-1", "1e3"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/agencies?cursor=",
        "/api/v1/tasks?cursor=",
        "/api/v1/agencies?q=x&cursor=",
        "/api/v1/agencies?q=x&page=",
        "/api/v1/tasks?q=x&page=",
        "/agencies?page=",
        "/search?q=x&page=",
        "/api/v1/search/suggest?q=x&limit=",
    ],
)
def test_a_cursor_or_page_that_is_no_row_number_still_answers(client, path, value):
    assert client.get(path + value).status_code == 200


@pytest.mark.parametrize("value", ["²", "9" * 30, "99999999999"])
def test_the_audit_cursor_too(client, make, value):
    login(client, make.staff("operator"))
    assert client.get(f"/api/v1/audit?cursor={value}").status_code == 200


def test_a_form_part_without_a_name_is_no_crash(client, make):
    login(client, make.enterprise())
    boundary = "b0undary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\nnull\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        f"%PDF-\r\n--{boundary}--\r\n"
    )
    response = client.post(
        "/api/v1/tasks/ZJM-1/attachments",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 404
