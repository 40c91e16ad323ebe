"""Logging in and out (API /api/v1/session and the HTML pages), the second factor, CSRF, and
personal API tokens (docs/rules.md §3, §10)."""

from __future__ import annotations

import hashlib

import pyotp
import pytest
from sqlmodel import select

from market import accounts
from market.models import ApiToken, AuditEvent, User
from tests.conftest import PASSWORD, login
from tests.market.accounts_support import (  # noqa: F401  (fixtures: csrf_on, db, english)
    counts,
    csrf_enabled,
    csrf_token_in,
    english_messages,
    session_cookie_header,
)

WRONG_CREDENTIALS = "Wrong e-mail address or password."
CODE_NEEDED = "Enter the 6-digit code from your authenticator app."
CODE_REFUSED = "The authenticator code is wrong, expired or already used."


def post_login(client, email: str, password: str, totp: str | None = None):
    body = {"email": email, "password": password}
    if totp is not None:
        body["totp"] = totp
    return client.post("/api/v1/session", json=body)


def me(client, **headers) -> dict | None:
    return client.get("/api/v1/session", headers=headers).get_json()["user"]


# --- logging in and out through the API ----------------------------------------------------------


def test_login_returns_the_user_and_its_organization(client, make):
    user = make.enterprise()
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == user.email
    assert body["organization"]["kind"] == "enterprise"
    assert body["second_factor"] is False
    assert me(client)["id"] == user.id


def test_login_ignores_the_case_and_spaces_of_the_email(client, make):
    user = make.enterprise()
    response = post_login(client, f"  {user.email.upper()} ", PASSWORD)
    assert response.status_code == 200
    assert me(client)["id"] == user.id


def test_wrong_password_and_unknown_email_give_the_same_answer(client, make):
    user = make.enterprise()
    wrong_password = post_login(client, user.email, "not the password at all")
    unknown_email = post_login(client, "nobody@test.zjm", PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.mimetype == "application/problem+json"
    assert wrong_password.get_json() == unknown_email.get_json()
    assert wrong_password.get_json()["detail"] == WRONG_CREDENTIALS
    assert me(client) is None


def test_password_is_compared_exactly(client, make):
    user = make.enterprise()
    for variant in (PASSWORD.upper(), PASSWORD + " ", " " + PASSWORD, PASSWORD[:-1]):
        assert post_login(client, user.email, variant).status_code == 401, variant


def test_login_needs_an_email_and_a_password(client):
    response = client.post("/api/v1/session", json={"email": "a@test.zjm"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"password": ["This field is required."]}


@pytest.mark.parametrize("body", [[1], "text", 3], ids=["list", "string", "number"])
def test_login_without_a_json_object_is_a_problem_not_a_crash(client, body):
    response = client.post("/api/v1/session", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_login_is_recorded_in_the_audit_log(client, db, make):
    user = make.enterprise()
    login(client, user)
    db.expire_all()
    events = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "user.login", AuditEvent.object_id == str(user.id)
        )
    ).all()
    assert len(events) == 1
    assert db.get(User, user.id).last_login_at is not None


def test_a_failed_login_is_not_recorded_as_a_login(client, db, make):
    user = make.enterprise()
    post_login(client, user.email, "not the password at all")
    db.expire_all()
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "user.login")).all() == []
    assert db.get(User, user.id).last_login_at is None


def test_disabled_account_cannot_log_in_but_a_wrong_password_reveals_nothing(
    client, db, make, frozen
):
    user = make.enterprise()
    row = db.get(User, user.id)
    row.disabled_at = frozen.now()
    db.add(row)
    db.commit()
    assert (
        post_login(client, user.email, "not the password at all").get_json()["detail"]
        == WRONG_CREDENTIALS
    )
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 401
    assert response.get_json()["detail"] == "This account is disabled."
    assert me(client) is None


def test_logout_ends_the_session(client, make):
    login(client, make.enterprise())
    assert client.delete("/api/v1/session").status_code == 204
    assert me(client) is None
    assert client.get("/api/v1/session/tokens").status_code == 401


def test_disabling_an_account_ends_its_open_sessions(client, db, make, frozen):
    user = make.enterprise()
    login(client, user)
    row = db.get(User, user.id)
    row.disabled_at = frozen.now()
    db.add(row)
    db.commit()
    assert me(client) is None


def test_a_session_cookie_copied_before_logout_no_longer_works(app, make):
    user = make.enterprise()
    client = app.test_client()
    login(client, user)
    copied = client.get_cookie("session").value
    client.delete("/api/v1/session")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert me(thief) is None


def test_session_cookie_is_httponly_and_samesite_lax(client, make):
    response = login(client, make.enterprise())
    cookie = session_cookie_header(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_login_starts_a_new_session(client, make):
    user = make.enterprise()
    with client.session_transaction() as before:
        before["planted"] = "by someone who fixed the session"
        before["_user_id"] = "999999"
    old_cookie = client.get_cookie("session").value
    login(client, user)
    assert client.get_cookie("session").value != old_cookie
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["_user_id"] == user.get_id()


def test_logging_in_as_someone_else_replaces_the_first_user(client, make):
    first, second = make.enterprise(), make.agency()
    login(client, first)
    login(client, second)
    assert me(client)["id"] == second.id


# --- logging in and out through the pages ---------------------------------------------------------


def test_login_page_logs_in_and_redirects_to_the_account(client, make):
    user = make.enterprise()
    assert client.get("/login").status_code == 200
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/")
    cookie = session_cookie_header(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert me(client)["id"] == user.id


def test_login_page_gives_the_same_message_for_wrong_password_and_unknown_email(client, make):
    user = make.enterprise()
    wrong_password = client.post("/login", data={"email": user.email, "password": "nope" * 4})
    unknown_email = client.post("/login", data={"email": "nobody@test.zjm", "password": PASSWORD})
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert WRONG_CREDENTIALS in wrong_password.get_data(as_text=True)
    assert WRONG_CREDENTIALS in unknown_email.get_data(as_text=True)
    assert me(client) is None


def test_login_page_starts_a_new_session_but_keeps_the_language(client, make):
    user = make.enterprise()
    with client.session_transaction() as before:
        before["planted"] = "x"
        before["lang"] = "en"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["lang"] == "en"
        assert after["_user_id"] == user.get_id()


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/agencies", "/agencies"),
        ("//evil.example/phish", "/account/"),
        ("https://evil.example/phish", "/account/"),
    ],
)
def test_login_page_redirects_only_within_the_site(client, make, target, expected):
    user = make.enterprise()
    response = client.post(
        f"/login?next={target}", data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.endswith(expected)
    assert "evil.example" not in location


def test_logout_needs_a_post(client, make):
    user = make.enterprise()
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert me(client)["id"] == user.id
    response = client.post("/logout")
    assert response.status_code == 302
    assert me(client) is None
    assert client.get("/account/").status_code == 302  # back to the login page


# --- the second factor ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["regulator", "operator"])
def test_regulator_and_operator_login_requires_a_totp_code(client, make, kind):
    user = make.staff(kind)
    assert user.totp_secret
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 401
    body = response.get_json()
    assert body["detail"] == CODE_NEEDED
    assert body["second_factor_required"] is True
    assert me(client) is None
    assert post_login(client, user.email, PASSWORD, totp="").status_code == 401
    ok = post_login(client, user.email, PASSWORD, accounts.current_totp(user.totp_secret))
    assert ok.status_code == 200
    assert ok.get_json()["second_factor"] is True


def test_wrong_totp_code_is_refused(client, make, frozen):
    user = make.staff("regulator")
    totp = pyotp.TOTP(user.totp_secret)
    step = int(frozen.now().timestamp()) // 30
    valid = {totp.generate_otp(step + offset) for offset in (-1, 0, 1)}
    wrong = next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in valid)
    for code in (wrong, "abcdef", "1234567", "000"):
        response = post_login(client, user.email, PASSWORD, code)
        assert response.status_code == 401, code
        assert response.get_json()["detail"] == CODE_REFUSED
        assert response.get_json()["second_factor_required"] is True
    assert me(client) is None


def test_totp_code_cannot_be_replayed(app, make, frozen):
    user = make.staff("operator")
    code = accounts.current_totp(user.totp_secret)
    first, thief = app.test_client(), app.test_client()
    assert post_login(first, user.email, PASSWORD, code).status_code == 200
    replay = post_login(thief, user.email, PASSWORD, code)
    assert replay.status_code == 401
    assert replay.get_json()["detail"] == CODE_REFUSED
    assert me(thief) is None
    frozen.advance(seconds=31)
    fresh = accounts.current_totp(user.totp_secret)
    assert post_login(thief, user.email, PASSWORD, fresh).status_code == 200


def test_an_older_code_is_refused_once_a_newer_one_was_used(app, make, frozen):
    user = make.staff("regulator")
    older = accounts.current_totp(user.totp_secret)
    frozen.advance(seconds=31)
    newer = accounts.current_totp(user.totp_secret)
    assert post_login(app.test_client(), user.email, PASSWORD, newer).status_code == 200
    # The older code is still inside the ±1 step drift window, but its step is in the past.
    assert post_login(app.test_client(), user.email, PASSWORD, older).status_code == 401


def test_a_code_typed_with_spaces_is_accepted(client, make):
    user = make.staff("regulator")
    code = accounts.current_totp(user.totp_secret)
    assert post_login(client, user.email, PASSWORD, f"{code[:3]} {code[3:]}").status_code == 200


def test_wrong_password_does_not_reveal_that_a_code_is_needed(client, make):
    user = make.staff("regulator")
    response = post_login(client, user.email, "not the password at all")
    assert response.get_json()["detail"] == WRONG_CREDENTIALS
    assert response.get_json()["second_factor_required"] is False


def test_a_correct_code_with_a_wrong_password_does_not_log_in(client, make):
    user = make.staff("operator")
    code = accounts.current_totp(user.totp_secret)
    assert post_login(client, user.email, "not the password", code).status_code == 401
    assert me(client) is None


def test_enterprise_logs_in_without_a_code(client, make):
    assert post_login(client, make.enterprise().email, PASSWORD).status_code == 200


def test_regulator_without_a_secret_cannot_log_in(client, db, make):
    user = make.staff("regulator")
    row = db.get(User, user.id)
    row.totp_secret = None
    db.add(row)
    db.commit()
    response = post_login(client, user.email, PASSWORD, "123456")
    assert response.status_code == 401
    assert response.get_json()["detail"] == "This account has no second factor; ask an operator."


def test_current_totp_is_what_an_authenticator_app_shows(make, frozen):
    user = make.staff("regulator")
    authenticator = pyotp.TOTP(user.totp_secret)
    assert accounts.current_totp(user.totp_secret) == authenticator.at(frozen.now())
    frozen.advance(seconds=30)
    assert accounts.current_totp(user.totp_secret) == authenticator.at(frozen.now())


def test_accept_totp_allows_one_step_of_clock_drift_and_no_more(frozen):
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    step = int(frozen.now().timestamp()) // 30
    for offset in (-1, 0, 1):
        assert accounts.accept_totp(secret, totp.generate_otp(step + offset), None) == step + offset
    for offset in (-2, 2):
        assert accounts.accept_totp(secret, totp.generate_otp(step + offset), None) is None
    assert accounts.accept_totp(secret, totp.generate_otp(step), step) is None
    assert accounts.accept_totp(secret, totp.generate_otp(step + 1), step) == step + 1


def test_login_page_asks_for_the_code_then_accepts_it(client, make):
    user = make.staff("regulator")
    without = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert without.status_code == 401
    assert CODE_NEEDED in without.get_data(as_text=True)
    assert me(client) is None
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "totp": accounts.current_totp(user.totp_secret),
        },
    )
    assert response.status_code == 302
    assert me(client)["id"] == user.id


# --- CSRF -----------------------------------------------------------------------------------------


def test_form_post_without_csrf_token_is_refused(client, db, make, csrf_on):
    user = make.enterprise()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert me(client) is None
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert me(client)["id"] == user.id


def test_registration_form_without_csrf_token_saves_nothing(client, db, csrf_on):
    before = counts(db)
    response = client.post(
        "/register/enterprise",
        data={
            "name": "某公司",
            "uscc": "91220106MA15AB3C42",
            "legal_representative": "张三",
            "region_code": "220106",
            "user_name": "张三",
            "email": "csrf@test.zjm",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert counts(db) == before


def test_api_cookie_session_post_without_csrf_header_is_refused(client, make, csrf_on):
    user = make.enterprise()
    # Even the login itself: a cross-site page must not log a browser into another account.
    refused = post_login(client, user.email, PASSWORD)
    assert refused.status_code == 400
    assert refused.mimetype == "application/problem+json"
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    assert (
        client.post(
            "/api/v1/session",
            json={"email": user.email, "password": PASSWORD},
            headers={"X-CSRFToken": token},
        ).status_code
        == 200
    )
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    without = client.post("/api/v1/session/tokens", json={"name": "laptop"})
    assert without.status_code == 400
    assert without.mimetype == "application/problem+json"
    bad = client.post(
        "/api/v1/session/tokens", json={"name": "laptop"}, headers={"X-CSRFToken": "forged"}
    )
    assert bad.status_code == 400
    assert client.delete("/api/v1/session").status_code == 400
    assert me(client)["id"] == user.id
    with_header = client.post(
        "/api/v1/session/tokens", json={"name": "laptop"}, headers={"X-CSRFToken": token}
    )
    assert with_header.status_code == 201


def test_bearer_token_post_needs_no_csrf_header(app, db, make, csrf_on):
    user = make.enterprise()
    _, plain = accounts.create_token(db, user, "script")
    db.commit()
    script = app.test_client()
    response = script.post(
        "/api/v1/session/tokens",
        json={"name": "second"},
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert response.status_code == 201


# --- personal API tokens --------------------------------------------------------------------------


def create_token(client, name: str = "laptop") -> dict:
    response = client.post("/api/v1/session/tokens", json={"name": name})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def bearer(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


def test_token_is_shown_once_and_stored_only_as_its_sha256(client, db, make):
    login(client, make.enterprise())
    created = create_token(client)
    plain = created["token"]
    assert plain.startswith("zjm_") and len(plain) > 40
    row = db.get(ApiToken, created["id"])
    assert row.token_sha256 == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (row.token_sha256, row.prefix, row.name)
    assert plain.startswith(row.prefix) and len(row.prefix) < len(plain)
    listed = client.get("/api/v1/session/tokens")
    assert listed.status_code == 200
    assert plain not in listed.get_data(as_text=True)
    assert [t["id"] for t in listed.get_json()["items"]] == [created["id"]]


def test_bearer_token_identifies_its_user(app, db, make, frozen):
    user = make.enterprise()
    owner = app.test_client()
    login(owner, user)
    plain = create_token(owner)["token"]
    script = app.test_client()
    assert me(script) is None
    frozen.advance(minutes=5)
    assert me(script, **bearer(plain))["id"] == user.id
    assert me(script) is None  # a token authenticates one request, it opens no session
    listed = script.get("/api/v1/session/tokens", headers=bearer(plain)).get_json()["items"]
    assert listed[0]["last_used_at"] == frozen.now().isoformat()


def test_tokens_are_listed_newest_first_with_their_state(client, make):
    login(client, make.enterprise())
    first, second = create_token(client, "one"), create_token(client, "two")
    client.delete(f"/api/v1/session/tokens/{first['id']}")
    items = client.get("/api/v1/session/tokens").get_json()["items"]
    assert [(t["name"], t["revoked"]) for t in items] == [("two", False), ("one", True)]
    assert second["id"] == items[0]["id"]


def test_revoked_token_no_longer_works(app, db, make):
    user = make.enterprise()
    owner = app.test_client()
    login(owner, user)
    created = create_token(owner)
    assert owner.delete(f"/api/v1/session/tokens/{created['id']}").status_code == 204
    script = app.test_client()
    assert me(script, **bearer(created["token"])) is None
    refused = script.post(
        "/api/v1/session/tokens", json={"name": "x"}, headers=bearer(created["token"])
    )
    assert refused.status_code == 401
    assert refused.get_json()["detail"] == "Please log in first."
    assert db.get(ApiToken, created["id"]).revoked_at is not None
    # Revoking twice changes nothing.
    assert owner.delete(f"/api/v1/session/tokens/{created['id']}").status_code == 204


def test_another_users_token_cannot_be_revoked(app, db, make):
    alice, bob = app.test_client(), app.test_client()
    login(alice, make.enterprise())
    login(bob, make.agency())
    token = create_token(alice)
    response = bob.delete(f"/api/v1/session/tokens/{token['id']}")
    assert response.status_code == 404
    assert bob.delete("/api/v1/session/tokens/999999").status_code == 404
    assert db.get(ApiToken, token["id"]).revoked_at is None
    assert me(app.test_client(), **bearer(token["token"])) is not None
    assert token["id"] not in [
        t["id"] for t in bob.get("/api/v1/session/tokens").get_json()["items"]
    ]


def test_a_token_works_for_a_client_that_also_holds_an_anonymous_session(app, db, make):
    user = make.enterprise()
    _, plain = accounts.create_token(db, user, "script")
    db.commit()
    script = app.test_client()
    script.get("/api/v1/session?lang=en")  # the documented way to get a CSRF token: a cookie
    assert script.get_cookie("session") is not None
    assert me(script, **bearer(plain))["id"] == user.id


def test_a_token_decides_the_user_of_its_request_not_the_session_cookie(app, db, make):
    cookie_user, token_user = make.enterprise(), make.agency()
    _, plain = accounts.create_token(db, token_user, "script")
    db.commit()
    client = app.test_client()
    login(client, cookie_user)
    assert me(client, **bearer(plain))["id"] == token_user.id
    # A request with a token header skips the CSRF check, so a bad token must not fall back
    # to the cookie's user.
    assert me(client, **bearer("zjm_forged")) is None
    refused = client.post(
        "/api/v1/session/tokens", json={"name": "x"}, headers=bearer("zjm_forged")
    )
    assert refused.status_code == 401
    assert me(client)["id"] == cookie_user.id


@pytest.mark.parametrize(
    "header",
    [
        "Bearer zjm_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Bearer ",
        "Basic dXNlcjpwdw==",
    ],
)
def test_an_unknown_or_malformed_token_is_anonymous(client, make, header):
    make.enterprise()
    assert me(client, Authorization=header) is None


def test_a_token_of_a_disabled_user_stops_working(app, db, make, frozen):
    user = make.enterprise()
    owner = app.test_client()
    login(owner, user)
    plain = create_token(owner)["token"]
    row = db.get(User, user.id)
    row.disabled_at = frozen.now()
    db.add(row)
    db.commit()
    assert me(app.test_client(), **bearer(plain)) is None


def test_tokens_need_a_logged_in_user(client):
    assert client.get("/api/v1/session/tokens").status_code == 401
    assert client.post("/api/v1/session/tokens", json={"name": "x"}).status_code == 401
    assert client.delete("/api/v1/session/tokens/1").status_code == 401


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("<script>", "Markup such as < > or & entities is not allowed here."),
        ("t" * 101, "At most 100 characters (you gave 101)."),
    ],
)
def test_token_name_is_checked(client, db, make, name, message):
    login(client, make.enterprise())
    response = client.post("/api/v1/session/tokens", json={"name": name})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"name": [message]}
    assert db.exec(select(ApiToken)).all() == []


def test_token_creation_and_revocation_are_audited(client, db, make):
    login(client, make.enterprise())
    token = create_token(client)
    client.delete(f"/api/v1/session/tokens/{token['id']}")
    actions = [
        e.action
        for e in db.exec(
            select(AuditEvent).where(
                AuditEvent.object_type == "api_token", AuditEvent.object_id == str(token["id"])
            )
        )
    ]
    assert actions == ["token.created", "token.revoked"]
    assert token["token"] not in str([e.data for e in db.exec(select(AuditEvent))])


def test_account_page_creates_a_token_and_shows_it_once(app, db, make):
    user = make.enterprise()
    client = app.test_client()
    login(client, user)
    response = client.post("/account/", data={"name": "备份脚本"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    row = db.exec(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    start = html.index('<code id="new-token">') + len('<code id="new-token">')
    plain = html[start : html.index("</code>", start)]
    assert hashlib.sha256(plain.encode()).hexdigest() == row.token_sha256
    assert me(app.test_client(), **bearer(plain))["id"] == user.id
    again = client.get("/account/").get_data(as_text=True)
    assert plain not in again
    assert "备份脚本" in again


def test_account_page_revokes_a_token(app, db, make):
    user = make.enterprise()
    client = app.test_client()
    login(client, user)
    plain = create_token(client)["token"]
    row = db.exec(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    response = client.post(f"/account/tokens/{row.id}/revoke")
    assert response.status_code == 302
    db.expire_all()
    assert db.get(ApiToken, row.id).revoked_at is not None
    assert me(app.test_client(), **bearer(plain)) is None


def test_account_page_cannot_revoke_another_users_token(app, db, make):
    alice, bob = app.test_client(), app.test_client()
    login(alice, make.enterprise())
    login(bob, make.agency())
    token = create_token(alice)
    response = bob.post(f"/account/tokens/{token['id']}/revoke")
    assert response.status_code == 404  # as for a token that does not exist
    db.expire_all()
    assert db.get(ApiToken, token["id"]).revoked_at is None
    assert me(app.test_client(), **bearer(token["token"])) is not None


def test_account_page_needs_a_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
