"""What people expect of their accounts (docs/rules.md §10): changing the password, resetting a
forgotten one by e-mail (a signed, single-use, expiring link, mailed through a real SMTP server),
turning the second factor on and off with recovery codes, and operators disabling and enabling
accounts. Each through the JSON API and the pages, with the exact messages."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage

import pyotp
import pytest
from sqlmodel import select

from market import accounts, mail
from market.models import AuditEvent, RecoveryCode, User
from tests.conftest import PASSWORD, login
from tests.mail_support import reset_link, smtp_server
from tests.market.accounts_support import (  # noqa: F401  (fixtures: english)
    english_messages,
    field_errors,
)

NEW_PASSWORD = "a much longer new passphrase"
TOO_MANY = "Too many failed logins. Please wait %d seconds, then try again."
RESET_REFUSED = "This reset link is invalid, expired or already used; ask for a new one."
RESET_SENT = (
    "If an account has this e-mail address, a reset link is on its way to it. "
    "The link works once, for 60 minutes."
)


def actions(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)))


def login_status(app, email: str, password: str, totp: str | None = None) -> tuple[int, dict]:
    body = {"email": email, "password": password}
    if totp is not None:
        body["totp"] = totp
    response = app.test_client().post("/api/v1/session", json=body)
    return response.status_code, response.get_json()


# --- changing a password -------------------------------------------------------------------------


def test_changing_the_password_needs_the_current_one_and_a_good_new_one(client, make):
    user = make.enterprise()
    login(client, user)
    wrong = client.put(
        "/api/v1/session/password",
        json={"current_password": "not my password at all", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"] == {"current_password": ["The current password is wrong."]}
    weak = client.put(
        "/api/v1/session/password",
        json={"current_password": PASSWORD, "new_password": "short"},
    )
    assert weak.status_code == 422
    assert weak.get_json()["errors"] == {
        "new_password": ["A password needs at least 12 characters."]
    }
    own_email = client.put(
        "/api/v1/session/password",
        json={"current_password": PASSWORD, "new_password": user.email},
    )
    assert own_email.get_json()["errors"] == {
        "new_password": [
            "A password may not be your e-mail address or the part of it before the @."
        ]
    }


def test_a_changed_password_logs_in_the_old_one_not_and_other_sessions_end(app, client, db, make):
    user = make.enterprise()
    other = app.test_client()
    login(other, user)
    login(client, user)
    response = client.put(
        "/api/v1/session/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204
    # This session goes on; the other one ended.
    assert client.get("/api/v1/session").get_json()["user"]["email"] == user.email
    assert other.get("/api/v1/session").get_json()["user"] is None
    assert login_status(app, user.email, PASSWORD)[0] == 401
    assert login_status(app, user.email, NEW_PASSWORD)[0] == 200
    assert [e.object_id for e in actions(db, "user.password_changed")] == [str(user.id)]


def test_guessing_the_current_password_is_slowed_like_a_login(client, make):
    user = make.enterprise()
    login(client, user)  # the device that logged in: its own counter, 3 failures a minute
    body = {"current_password": "a wrong guess of it", "new_password": NEW_PASSWORD}
    for _ in range(3):
        assert client.put("/api/v1/session/password", json=body).status_code == 422
    refused = client.put("/api/v1/session/password", json=body)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert refused.get_json()["detail"] == TOO_MANY % 60


def test_the_password_page_shows_each_error_under_its_field(client, make):
    user = make.enterprise()
    login(client, user)
    response = client.post(
        "/account/password",
        data={"current_password": "not my password at all", "new_password": "short"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The current password is wrong." in field_errors(html, "current_password")
    assert "A password needs at least 12 characters." in field_errors(html, "new_password")
    done = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done.headers["Location"] == "/account/"
    page = client.get("/account/").get_data(as_text=True)
    assert "Your password is changed; other sessions are ended." in page


# --- resetting a forgotten password by e-mail ----------------------------------------------------


@pytest.fixture
def inbox(app, monkeypatch):
    """A real SMTP server the app sends its mail to."""
    with smtp_server() as server:
        monkeypatch.setitem(
            app.extensions, mail.EXTENSION, mail.SmtpMailer(server.host, server.port)
        )
        yield server


def test_a_reset_link_is_mailed_and_sets_a_new_password_once(app, client, db, make, inbox):
    user = make.enterprise()
    asked = client.post("/api/v1/password-resets", json={"email": user.email.upper()})
    assert asked.status_code == 202
    assert asked.get_json() == {"detail": RESET_SENT}
    [message] = inbox.messages
    assert message["To"] == user.email
    assert message["Subject"] == "Reset your password"
    link = reset_link(message)
    path = link.split("localhost", 1)[1]
    assert client.get(path).status_code == 200

    weak = client.post(path, data={"password": "short"})
    assert weak.status_code == 422
    assert "A password needs at least 12 characters." in field_errors(
        weak.get_data(as_text=True), "password"
    )
    done = client.post(path, data={"password": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.headers["Location"] == "/account/"
    assert client.get("/api/v1/session").get_json()["user"]["email"] == user.email

    again = app.test_client().get(path)
    assert again.status_code == 422
    assert RESET_REFUSED in again.get_data(as_text=True)
    assert login_status(app, user.email, PASSWORD)[0] == 401
    assert login_status(app, user.email, NEW_PASSWORD)[0] == 200
    assert len(actions(db, "user.password_reset")) == 1
    [asked_event] = actions(db, "user.password_reset_requested")
    assert (asked_event.object_id, asked_event.actor_user_id) == (str(user.id), None)


def test_an_unknown_or_disabled_address_gets_the_same_answer_and_no_mail(client, db, make, inbox):
    operator = make.staff("operator")
    user = make.enterprise()
    accounts.disable_user(db, operator, user.id, "left the company")
    db.commit()
    for email in ("nobody@test.zjm", user.email):
        asked = client.post("/api/v1/password-resets", json={"email": email})
        assert asked.status_code == 202
        assert asked.get_json() == {"detail": RESET_SENT}
    assert inbox.messages == []


def test_the_reset_api_sets_the_password_and_refuses_the_token_once_spent(app, client, make, inbox):
    user = make.enterprise()
    client.post("/api/v1/password-resets", json={"email": user.email})
    token = reset_link(inbox.messages[0]).rsplit("/", 1)[1]
    weak = client.post("/api/v1/password-resets/confirm", json={"token": token, "password": "x"})
    assert weak.status_code == 422
    assert weak.get_json()["errors"] == {"password": ["A password needs at least 12 characters."]}
    body = {"token": token, "password": NEW_PASSWORD}
    assert client.post("/api/v1/password-resets/confirm", json=body).status_code == 204
    spent = client.post("/api/v1/password-resets/confirm", json=body)
    assert spent.status_code == 422
    assert spent.get_json()["errors"] == {"token": [RESET_REFUSED]}
    forged = client.post(
        "/api/v1/password-resets/confirm",
        json={"token": token[:-2] + "xx", "password": NEW_PASSWORD},
    )
    assert forged.get_json()["errors"] == {"token": [RESET_REFUSED]}


def test_a_reset_link_expires_after_the_policy_minutes(client, make, inbox, frozen):
    user = make.enterprise()
    client.post("/api/v1/password-resets", json={"email": user.email})
    token = reset_link(inbox.messages[0]).rsplit("/", 1)[1]
    frozen.advance(minutes=61)
    late = client.post(
        "/api/v1/password-resets/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert late.status_code == 422
    assert late.get_json()["errors"] == {"token": [RESET_REFUSED]}


def test_reset_requests_are_limited_like_failed_logins(client, make, inbox):
    user = make.enterprise()
    for _ in range(5):
        assert client.post("/api/v1/password-resets", json={"email": user.email}).status_code == 202
    refused = client.post("/api/v1/password-resets", json={"email": user.email})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert refused.get_json()["detail"] == (
        "Too many reset requests. Please wait 60 seconds, then try again."
    )
    assert len(inbox.messages) == 5


def test_the_forgotten_password_page_needs_an_address_and_then_says_it_sent(client, make, inbox):
    user = make.enterprise()
    empty = client.post("/password/forgot", data={"email": "  "})
    assert empty.status_code == 422
    assert "This field is required." in field_errors(empty.get_data(as_text=True), "email")
    sent = client.post("/password/forgot", data={"email": user.email}, follow_redirects=True)
    assert sent.status_code == 200
    assert RESET_SENT in sent.get_data(as_text=True)
    assert len(inbox.messages) == 1


def test_without_an_smtp_server_mail_is_written_to_the_instance_folder(app, client, make):
    user = make.enterprise()
    folder = mail.writes_to_folder_of(app)
    before = set(folder.glob("*.eml")) if folder.exists() else set()
    client.post("/api/v1/password-resets", json={"email": user.email})
    [written] = set(folder.glob("*.eml")) - before
    assert "/password/reset/" in written.read_text()
    app.debug = True
    try:
        page = client.get("/password/forgot").get_data(as_text=True)
    finally:
        app.debug = False
    assert f"This installation sends no mail: each message is written to {folder} instead." in page


# --- the second factor ---------------------------------------------------------------------------


def turn_on(client) -> tuple[str, list[str]]:
    setup = client.post("/api/v1/session/second-factor/setup")
    assert setup.status_code == 200
    secret = setup.get_json()["secret"]
    on = client.put(
        "/api/v1/session/second-factor",
        json={"secret": secret, "code": accounts.current_totp(secret)},
    )
    assert on.status_code == 200, on.get_json()
    return secret, on.get_json()["recovery_codes"]


def test_turning_the_second_factor_on_needs_a_code_of_the_key(client, make):
    user = make.enterprise()
    login(client, user)
    secret = client.post("/api/v1/session/second-factor/setup").get_json()["secret"]
    totp = pyotp.TOTP(secret)
    accepted = {accounts.current_totp(secret), totp.at(0)}
    wrong = next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in accepted)
    refused = client.put("/api/v1/session/second-factor", json={"secret": secret, "code": wrong})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"code": ["The authenticator code is wrong or expired."]}
    damaged = client.put(
        "/api/v1/session/second-factor", json={"secret": "NOT-A-KEY", "code": "123456"}
    )
    assert damaged.get_json()["errors"] == {"secret": ["The setup key is damaged; start again."]}


def test_with_the_second_factor_on_a_login_takes_a_code_or_a_recovery_code_once(
    app, client, db, make, frozen
):
    user = make.enterprise()
    login(client, user)
    secret, codes = turn_on(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    # Stored hashed only.
    stored = {
        r.code_sha256 for r in db.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id))
    }
    assert codes[0] not in stored and len(stored) == 10
    status, body = login_status(app, user.email, PASSWORD)
    assert (status, body["detail"]) == (401, "Enter the 6-digit code from your authenticator app.")
    frozen.advance(seconds=60)
    assert login_status(app, user.email, PASSWORD, accounts.current_totp(secret))[0] == 200
    # A recovery code, typed in lower case without its dashes, logs in once.
    typed = codes[3].replace("-", "").lower()
    assert login_status(app, user.email, PASSWORD, typed)[0] == 200
    status, body = login_status(app, user.email, PASSWORD, codes[3])
    assert status == 401
    assert body["detail"] == "This recovery code is wrong or already used."
    assert login_status(app, user.email, PASSWORD, codes[4])[0] == 200
    assert [e.data for e in actions(db, "user.login")][-2:] == [
        {"recovery_code": True},
        {"recovery_code": True},
    ]


def test_turning_the_second_factor_off_needs_the_password(app, client, db, make):
    user = make.enterprise()
    login(client, user)
    turn_on(client)
    wrong = client.post("/api/v1/session/second-factor/off", json={"password": "not the password!"})
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"] == {"password": ["The current password is wrong."]}
    off = client.post("/api/v1/session/second-factor/off", json={"password": PASSWORD})
    assert off.status_code == 204
    assert login_status(app, user.email, PASSWORD)[0] == 200
    db.expire_all()
    assert db.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    assert [e.action for e in actions(db, "user.second_factor_off")] == ["user.second_factor_off"]
    again = client.post("/api/v1/session/second-factor/off", json={"password": PASSWORD})
    assert again.status_code == 403
    assert again.get_json()["detail"] == "Your second factor is already off."


def test_operators_and_regulators_cannot_turn_their_second_factor_off(client, make):
    operator = make.staff("operator")
    login(client, operator)
    refused = client.post("/api/v1/session/second-factor/off", json={"password": PASSWORD})
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == (
        "Accounts of your organization's kind must log in with a second factor."
    )
    renewed = client.post(
        "/api/v1/session/second-factor/recovery-codes", json={"password": PASSWORD}
    )
    assert renewed.status_code == 200
    assert len(renewed.get_json()["recovery_codes"]) == 10


def test_the_second_factor_page_keeps_the_key_when_the_code_is_wrong(client, make):
    user = make.enterprise()
    login(client, user)
    page = client.get("/account/second-factor").get_data(as_text=True)
    secret = page.split('id="totp-secret">', 1)[1].split("<", 1)[0]
    refused = client.post("/account/second-factor", data={"secret": secret, "code": ""})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert f'id="totp-secret">{secret}<' in html
    assert "Enter the 6-digit code from your authenticator app." in field_errors(html, "code")
    on = client.post(
        "/account/second-factor", data={"secret": secret, "code": accounts.current_totp(secret)}
    )
    assert on.status_code == 200
    assert on.get_data(as_text=True).count("<li><code>") == 10


# --- operators disable and enable accounts -------------------------------------------------------


def test_an_operator_disables_an_account_with_a_reason_and_enables_it_again(app, client, db, make):
    operator = make.staff("operator")
    user = make.enterprise()
    _token, plain = accounts.create_token(db, user, "script")
    db.commit()
    login(client, operator)
    no_reason = client.post(f"/api/v1/users/{user.id}/disable", json={"reason": " "})
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"] == {"reason": ["This field is required."]}
    done = client.post(f"/api/v1/users/{user.id}/disable", json={"reason": "left the company"})
    assert done.status_code == 200
    assert done.get_json()["disabled_reason"] == "left the company"
    [event] = actions(db, "user.disabled")
    assert (event.object_id, event.data, event.actor_user_id) == (
        str(user.id),
        {"reason": "left the company"},
        operator.id,
    )
    bearer = {"Authorization": f"Bearer {plain}"}
    assert app.test_client().get("/api/v1/session/tokens", headers=bearer).status_code == 401
    status, body = login_status(app, user.email, PASSWORD)
    assert (status, body["detail"]) == (401, "This account is disabled.")
    again = client.post(f"/api/v1/users/{user.id}/disable", json={"reason": "twice"})
    assert again.status_code == 403
    assert again.get_json()["detail"] == "This account is already disabled."
    listed = client.get("/api/v1/users").get_json()["items"]
    assert [u["disabled_reason"] for u in listed if u["id"] == user.id] == ["left the company"]

    enabled = client.post(f"/api/v1/users/{user.id}/enable")
    assert enabled.status_code == 200
    assert enabled.get_json()["disabled_at"] is None
    assert login_status(app, user.email, PASSWORD)[0] == 200
    assert app.test_client().get("/api/v1/session/tokens", headers=bearer).status_code == 200
    assert len(actions(db, "user.enabled")) == 1


def test_only_operators_disable_and_never_themselves(client, make):
    operator = make.staff("operator")
    user = make.enterprise()
    login(client, user)
    refused = client.post(f"/api/v1/users/{operator.id}/disable", json={"reason": "because"})
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == "Your organization's kind may not do this."
    assert client.get("/api/v1/users").status_code == 403
    login(client, operator)
    own = client.post(f"/api/v1/users/{operator.id}/disable", json={"reason": "because"})
    assert own.status_code == 403
    assert own.get_json()["detail"] == "You cannot disable your own account."
    missing = client.post("/api/v1/users/999999/disable", json={"reason": "because"})
    assert missing.status_code == 404


def test_the_accounts_page_disables_with_a_reason_and_keeps_what_was_typed(client, db, make):
    operator = make.staff("operator")
    user = make.enterprise()
    login(client, operator)
    assert user.email in client.get("/operator/users").get_data(as_text=True)
    long_reason = "x" * 501
    refused = client.post(f"/operator/users/{user.id}/disable", data={"reason": long_reason})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "At most 500 characters (you gave 501)." in field_errors(html, "reason")
    assert f'value="{long_reason}"' in html
    done = client.post(
        f"/operator/users/{user.id}/disable",
        data={"reason": "duplicate account"},
        follow_redirects=True,
    )
    assert f"{user.email} is disabled." in done.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, user.id).disabled_reason == "duplicate account"
    enabled = client.post(f"/operator/users/{user.id}/enable", follow_redirects=True)
    assert f"{user.email} is enabled again." in enabled.get_data(as_text=True)


def test_recovery_codes_are_stored_as_their_sha256(db, make):
    user = make.enterprise()
    secret = accounts.new_totp_secret()
    codes = accounts.enable_second_factor(db, user, secret, accounts.current_totp(secret))
    digest = hashlib.sha256(codes[0].replace("-", "").encode()).hexdigest()
    rows = db.exec(select(RecoveryCode.code_sha256).where(RecoveryCode.user_id == user.id)).all()
    assert digest in rows


def test_a_mail_written_to_the_folder_stays_in_it_whatever_the_address(tmp_path, app):
    """An address's local part may hold a slash ("a/../../b"@…): the file name takes nothing of
    it, so no mail is ever written outside the folder."""
    folder = tmp_path / "mail"
    mailer = mail.FileMailer(folder)
    message = EmailMessage()
    message["To"] = "../../escaped/x@test.zjm"
    message["Subject"] = "s"
    message.set_content("body")
    mailer.send(message)
    [written] = list(tmp_path.rglob("*.eml"))
    assert written.parent == folder


def test_the_second_factor_page_turns_it_off_and_renews_codes_with_the_password(client, db, make):
    user = make.enterprise()
    login(client, user)
    turn_on(client)
    wrong = client.post("/account/second-factor/recovery-codes", data={"password": "not it at all"})
    assert wrong.status_code == 422
    assert "The current password is wrong." in field_errors(
        wrong.get_data(as_text=True), "password"
    )
    renewed = client.post("/account/second-factor/recovery-codes", data={"password": PASSWORD})
    assert renewed.status_code == 200
    assert "Recovery codes left: 10." in renewed.get_data(as_text=True)
    off = client.post(
        "/account/second-factor/off", data={"password": PASSWORD}, follow_redirects=True
    )
    assert "Your second factor is off." in off.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, user.id).totp_secret is None


def test_the_messages_are_in_chinese_for_a_chinese_reader(client, make):
    user = make.enterprise()
    login(client, user)
    wrong = client.put(
        "/api/v1/session/password?lang=zh",
        json={"current_password": "not my password at all", "new_password": NEW_PASSWORD},
    )
    assert wrong.get_json()["errors"] == {"current_password": ["当前密码错误。"]}
    page = client.get("/password/forgot?lang=zh").get_data(as_text=True)
    assert "请输入您登录所用的电子邮箱，我们将发送设置新密码的链接。" in page


def test_a_reset_never_logs_in_past_the_second_factor(app, client, make, inbox):
    """The reset link proves the mailbox, not the authenticator: an account with a second factor
    sets its password and then logs in with a code like any login."""
    regulator = make.staff("regulator")
    client.post("/api/v1/password-resets", json={"email": regulator.email})
    path = reset_link(inbox.messages[0]).split("localhost", 1)[1]
    done = client.post(path, data={"password": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.headers["Location"] == "/login"
    assert client.get("/api/v1/session").get_json()["user"] is None
    page = client.get("/login").get_data(as_text=True)
    assert "Your password is changed; log in with it and your authenticator code." in page
    status, body = login_status(app, regulator.email, NEW_PASSWORD)
    assert (status, body["detail"]) == (401, "Enter the 6-digit code from your authenticator app.")


def test_a_mail_server_that_is_down_changes_nothing_in_the_answer(app, client, make, monkeypatch):
    user = make.enterprise()
    with smtp_server() as server:
        port = server.port
    # The server is stopped: nothing listens on its port any more.
    monkeypatch.setitem(app.extensions, mail.EXTENSION, mail.SmtpMailer("127.0.0.1", port))
    asked = client.post("/api/v1/password-resets", json={"email": user.email})
    assert asked.status_code == 202
    assert asked.get_json() == {"detail": RESET_SENT}
