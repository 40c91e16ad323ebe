"""Login throttling (docs/rules.md §10): failed logins are slowed down per account and per address,
with HTTP 429 and Retry-After; nothing ever locks an account, and API tokens are unaffected.

Flask-Limiter's memory storage counts in real time, not on the frozen clock, so these tests never
wait for a window to pass; each test starts with empty counters (conftest resets the limiter).
"""

from __future__ import annotations

import pytest

from market import accounts
from tests.conftest import PASSWORD, login
from tests.market.accounts_support import (  # noqa: F401  (fixtures: db, english)
    english_messages,
)

ACCOUNT_PER_MINUTE = 5
ADDRESS_PER_MINUTE = 20


def api_attempt(client, email: str, password: str = "not the password at all"):
    return client.post("/api/v1/session", json={"email": email, "password": password})


def page_attempt(client, email: str, password: str = "not the password at all"):
    return client.post("/login", data={"email": email, "password": password})


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def assert_slowed_down(response) -> None:
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 60
    text = response.get_json()["detail"] if response.is_json else response.get_data(as_text=True)
    assert "wait" in text.lower()
    assert "lock" not in text.lower()


@pytest.mark.parametrize("attempt", [api_attempt, page_attempt], ids=["api", "page"])
def test_sixth_failed_login_for_an_account_within_a_minute_is_slowed_down(client, make, attempt):
    user = make.enterprise()
    for _ in range(ACCOUNT_PER_MINUTE):
        assert attempt(client, user.email).status_code == 401
    assert_slowed_down(attempt(client, user.email))


def test_api_throttle_answers_with_a_problem_document(client, make):
    user = make.enterprise()
    for _ in range(ACCOUNT_PER_MINUTE):
        api_attempt(client, user.email)
    response = api_attempt(client, user.email)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 429


def test_while_slowed_down_even_the_right_password_has_to_wait(client, make):
    user = make.enterprise()
    for _ in range(ACCOUNT_PER_MINUTE):
        api_attempt(client, user.email)
    assert_slowed_down(api_attempt(client, user.email, PASSWORD))
    assert client.get("/api/v1/session").get_json()["user"] is None


def test_failures_through_the_api_and_the_page_count_together(client, make):
    user = make.enterprise()
    for _ in range(3):
        assert api_attempt(client, user.email).status_code == 401
    for _ in range(ACCOUNT_PER_MINUTE - 3):
        assert page_attempt(client, user.email).status_code == 401
    assert_slowed_down(api_attempt(client, user.email))
    assert_slowed_down(page_attempt(client, user.email))


def test_the_account_counter_ignores_the_case_of_the_email(client, make):
    user = make.enterprise()
    for i in range(ACCOUNT_PER_MINUTE):
        api_attempt(client, user.email.upper() if i % 2 else user.email)
    assert_slowed_down(api_attempt(client, f" {user.email.title()} "))


def test_the_account_is_slowed_down_from_every_address(app, make):
    user = make.enterprise()
    attacker = from_address(app, "203.0.113.7")
    for _ in range(ACCOUNT_PER_MINUTE):
        api_attempt(attacker, user.email)
    assert_slowed_down(api_attempt(from_address(app, "198.51.100.1"), user.email, PASSWORD))


def test_another_account_from_the_same_address_may_still_log_in(client, make):
    victim, other = make.enterprise(), make.agency()
    for _ in range(ACCOUNT_PER_MINUTE + 2):
        api_attempt(client, victim.email)
    assert api_attempt(client, other.email, PASSWORD).status_code == 200


def test_an_address_is_slowed_down_after_many_failures_across_accounts(app, make):
    user = make.enterprise()
    sprayer = from_address(app, "203.0.113.9")
    for i in range(ADDRESS_PER_MINUTE):
        # one failure per e-mail, so no account counter fills up
        assert api_attempt(sprayer, f"guess{i}@test.zjm").status_code == 401
    assert_slowed_down(api_attempt(sprayer, user.email, PASSWORD))
    assert_slowed_down(page_attempt(sprayer, user.email, PASSWORD))
    # Another address is not affected, and neither is the account.
    assert api_attempt(from_address(app, "198.51.100.2"), user.email, PASSWORD).status_code == 200


def test_successful_logins_are_not_counted(app, make, frozen):
    user, operator = make.enterprise(), make.staff("operator")
    client = app.test_client()
    for _ in range(ADDRESS_PER_MINUTE + 1):
        assert api_attempt(client, user.email, PASSWORD).status_code == 200
    for _ in range(ACCOUNT_PER_MINUTE + 1):
        frozen.advance(seconds=31)
        login(app.test_client(), operator)
    # Every failure allowed is still there.
    for _ in range(ACCOUNT_PER_MINUTE):
        assert api_attempt(client, user.email).status_code == 401
    assert_slowed_down(api_attempt(client, user.email))


def test_reading_the_login_page_is_not_counted(client, make):
    user = make.enterprise()
    for _ in range(ADDRESS_PER_MINUTE + 1):
        assert client.get("/login").status_code == 200
    assert page_attempt(client, user.email, PASSWORD).status_code == 302


def test_api_tokens_are_not_throttled_with_the_login(app, db, make):
    user = make.enterprise()
    _, plain = accounts.create_token(db, user, "script")
    db.commit()
    attacker = app.test_client()
    for _ in range(ADDRESS_PER_MINUTE + 1):
        api_attempt(attacker, user.email)
    assert (
        attacker.post(
            "/api/v1/session", json={"email": user.email, "password": PASSWORD}
        ).status_code
        == 429
    )
    session = attacker.get("/api/v1/session", headers={"Authorization": f"Bearer {plain}"})
    assert session.status_code == 200
    assert session.get_json()["user"]["id"] == user.id
