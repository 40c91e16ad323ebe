"""Who is asking, on the API: an operation documented as needing a user answers a request
without one (no token, no logged-in session, a token that is not valid) 401 problem+json with
`WWW-Authenticate: Bearer` (RFC 9110, RFC 6750), before anything else, the CSRF check included;
a browser's logged-in session still needs its CSRF header."""

from __future__ import annotations

import re

from market import accounts
from tests.conftest import PASSWORD, login
from tests.market.accounts_support import (  # noqa: F401  (fixtures: csrf_on, english)
    csrf_enabled,
    english_messages,
)
from tests.market.test_openapi import operations


def secured_operations(app) -> list[tuple[str, str]]:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return [(method, path) for path, method, op in operations(spec) if op.get("security")]


def concrete(path: str) -> str:
    """The documented path with a value in each parameter."""
    return re.sub(r"{(\w+)}", lambda m: "1" if m.group(1).endswith("id") else "ZJM-1", path)


def assert_unauthorized(response) -> None:
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["detail"] == "Please log in first."


def test_every_secured_operation_answers_an_anonymous_request_401(app, client):
    found = secured_operations(app)
    assert len(found) > 20
    for method, path in found:
        assert_unauthorized(client.open(concrete(path), method=method.upper(), json={}))


def test_an_anonymous_browser_session_gets_401_not_a_csrf_error(client, csrf_on):
    client.get("/api/v1/session")  # an anonymous session cookie, as a browser holds one
    assert_unauthorized(client.post("/api/v1/session/tokens", json={"name": "laptop"}))
    assert_unauthorized(client.delete("/api/v1/session/tokens/1"))


def test_a_token_that_is_not_valid_gets_401(client, make):
    make.enterprise()
    assert_unauthorized(
        client.get("/api/v1/session/tokens", headers={"Authorization": "Bearer zjm_forged"})
    )


def test_a_logged_in_browser_session_still_needs_its_csrf_header(client, make, csrf_on):
    user = make.enterprise()
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    login_body = {"email": user.email, "password": PASSWORD}
    client.post("/api/v1/session", json=login_body, headers={"X-CSRFToken": token})
    refused = client.post("/api/v1/session/tokens", json={"name": "laptop"})
    assert refused.status_code == 400
    assert refused.mimetype == "application/problem+json"


def test_a_token_passes_without_csrf_header(app, db, make, csrf_on):
    _, plain = accounts.create_token(db, make.enterprise(), "script")
    db.commit()
    response = app.test_client().post(
        "/api/v1/session/tokens",
        json={"name": "second"},
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert response.status_code == 201


def test_a_failed_login_says_how_to_authenticate(client, make):
    user = make.enterprise()
    response = client.post("/api/v1/session", json={"email": user.email, "password": "wrong" * 3})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_options_of_a_secured_operation_needs_no_login(client):
    response = client.options("/api/v1/session/tokens")
    assert response.status_code == 200
    assert "POST" in response.headers["Allow"]


def test_a_public_operation_answers_with_or_without_login(client, make):
    assert client.get("/api/v1/agencies").status_code == 200
    login(client, make.enterprise())
    assert client.get("/api/v1/agencies").status_code == 200


def test_a_token_request_gets_no_csrf_token_and_no_cookie(app, db, make, csrf_on):
    user = make.enterprise()
    _, plain = accounts.create_token(db, user, "script")
    db.commit()
    script = app.test_client(use_cookies=False)
    response = script.get("/api/v1/session", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    assert response.get_json()["csrf_token"] is None
    assert response.get_json()["user"]["id"] == user.id
    assert "Set-Cookie" not in response.headers
    # A browser still gets its token, in its session cookie, and needs it for its writes.
    browser = app.test_client()
    token = browser.get("/api/v1/session").get_json()["csrf_token"]
    assert isinstance(token, str) and len(token) > 20
    assert browser.get_cookie("session") is not None
