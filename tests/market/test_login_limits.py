"""Login throttling (docs/rules.md §10): failed logins from new devices are slowed down per account
and per address, with HTTP 429, Retry-After and a message saying how long; every wait ends within
the policy's longest wait (a few minutes), so nothing ever locks an account. A device that logged
in before holds a signed device cookie that exempts it from those two limits, so that an attacker's
failures never keep the owner out; each device cookie has a small limit of its own. API tokens
are unaffected.

The counters follow the platform clock, which the tests freeze and move: nothing sleeps.
"""

from __future__ import annotations

import pytest

from market import accounts, login_limits, passwords
from market.accounts import Policy
from market.extensions import limiter
from market.models import User
from tests.conftest import PASSWORD, login
from tests.market.accounts_support import (  # noqa: F401  (fixtures: db, english)
    english_messages,
)
from tests.market.test_accounts import enterprise_body

POLICY = Policy()
ACCOUNT_PER_MINUTE = POLICY.login_account_per_minute
ACCOUNT_PER_WINDOW = POLICY.login_account_per_long_window
ADDRESS_PER_MINUTE = POLICY.login_address_per_minute
DEVICE_PER_MINUTE = POLICY.login_device_per_minute
LONGEST_WAIT = POLICY.login_long_window_seconds
DEVICE_COOKIE = "zjm_device"
WRONG = "not the password at all"


def api_attempt(client, email: str, password: str = WRONG):
    return client.post("/api/v1/session", json={"email": email, "password": password})


def page_attempt(client, email: str, password: str = WRONG):
    return client.post("/login", data={"email": email, "password": password})


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def assert_slowed_down(response, at_most: int = LONGEST_WAIT) -> int:
    """A 429 whose Retry-After and message give the same wait, within `at_most` seconds."""
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= at_most
    text = response.get_json()["detail"] if response.is_json else response.get_data(as_text=True)
    assert f"wait {retry_after} seconds" in text
    assert "lock" not in text.lower()
    return retry_after


def burst(app, email: str, attempts: int = 60) -> None:
    """An attacker's wrong passwords from many new devices and addresses, as fast as it can."""
    for i in range(attempts):
        api_attempt(from_address(app, f"203.0.113.{i % 50 + 1}"), email)


def owner_with_device(app, user: User, address: str = "198.51.100.10"):
    """The owner's browser, which logged in once (so holds a device cookie), then logged out."""
    client = from_address(app, address)
    login(client, user)
    assert client.get_cookie(DEVICE_COOKIE) is not None
    client.delete("/api/v1/session")
    return client


# --- new devices: slowed down per account and per address ---------------------------------------


@pytest.mark.parametrize("attempt", [api_attempt, page_attempt], ids=["api", "page"])
def test_sixth_failed_login_for_an_account_within_a_minute_waits_at_most_a_minute(
    client, make, attempt
):
    user = make.enterprise()
    for _ in range(ACCOUNT_PER_MINUTE):
        assert attempt(client, user.email).status_code == 401
    assert_slowed_down(attempt(client, user.email), at_most=60)


def test_api_throttle_answers_with_a_problem_document(client, make):
    user = make.enterprise()
    for _ in range(ACCOUNT_PER_MINUTE):
        api_attempt(client, user.email)
    response = api_attempt(client, user.email)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 429
    assert body["retry_after"] == int(response.headers["Retry-After"])


def test_the_wait_is_said_in_chinese_too(client, make):
    user = make.enterprise()
    for _ in range(ACCOUNT_PER_MINUTE):
        api_attempt(client, user.email)
    response = client.post("/api/v1/session?lang=zh", json={"email": user.email, "password": WRONG})
    seconds = response.headers["Retry-After"]
    assert f"请等待 {seconds} 秒后再试" in response.get_json()["detail"]
    page = client.post("/login?lang=zh", data={"email": user.email, "password": WRONG})
    assert f"请等待 {page.headers['Retry-After']} 秒后再试" in page.get_data(as_text=True)


def test_a_new_device_waits_even_with_the_right_password_while_slowed_down(client, make):
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


def test_the_account_is_slowed_down_for_new_devices_from_every_address(app, make):
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
        assert api_attempt(app.test_client(), user.email, PASSWORD).status_code == 200
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
    assert api_attempt(attacker, user.email, PASSWORD).status_code == 429
    session = attacker.get("/api/v1/session", headers={"Authorization": f"Bearer {plain}"})
    assert session.status_code == 200
    assert session.get_json()["user"]["id"] == user.id


# --- nothing locks: every wait ends within the longest wait -------------------------------------


def test_after_a_burst_the_owner_on_a_new_device_waits_at_most_the_longest_wait(app, make, frozen):
    user = make.enterprise()
    burst(app, user.email)
    owner = from_address(app, "198.51.100.20")
    wait = assert_slowed_down(api_attempt(owner, user.email, PASSWORD))
    frozen.advance(seconds=wait)
    assert api_attempt(owner, user.email, PASSWORD).status_code == 200


def test_the_owner_on_a_new_device_waits_at_most_the_longest_wait_on_the_page(app, make, frozen):
    user = make.enterprise()
    burst(app, user.email)
    owner = from_address(app, "198.51.100.21")
    wait = assert_slowed_down(page_attempt(owner, user.email, PASSWORD))
    frozen.advance(seconds=wait)
    assert page_attempt(owner, user.email, PASSWORD).status_code == 302


def test_guessing_from_new_devices_stays_slow_however_long_it_goes_on(app, make, frozen):
    """An attacker who retries the moment each wait ends, for an hour, from fresh addresses:
    every wait is within the longest wait, and no more than the long window's allowance of guesses
    is checked in each long window."""
    user = make.enterprise()
    guesses, started, n = 0, frozen.now(), 0
    while (frozen.now() - started).total_seconds() < 3600:
        n += 1
        response = api_attempt(from_address(app, f"10.0.{n // 250}.{n % 250 + 1}"), user.email)
        if response.status_code == 429:
            frozen.advance(seconds=assert_slowed_down(response))
        else:
            assert response.status_code == 401
            guesses += 1
    windows = 3600 // LONGEST_WAIT
    assert guesses <= (windows + 1) * ACCOUNT_PER_WINDOW


def test_an_address_spraying_many_accounts_waits_at_most_the_longest_wait(app, make, frozen):
    user = make.enterprise()
    sprayer = from_address(app, "203.0.113.99")
    waits = []
    for i in range(200):
        response = api_attempt(sprayer, f"guess{i}@test.zjm")
        if response.status_code == 429:
            waits.append(assert_slowed_down(response))
    assert waits, "the address was never slowed down"
    frozen.advance(seconds=max(waits))
    assert api_attempt(sprayer, user.email, PASSWORD).status_code == 200


# --- device cookies: the owner's device is never kept out ---------------------------------------


@pytest.mark.parametrize(
    "attempt, logged_in", [(api_attempt, 200), (page_attempt, 302)], ids=["api", "page"]
)
def test_an_attackers_burst_does_not_keep_the_owner_with_a_device_cookie_out(
    app, make, attempt, logged_in
):
    user = make.enterprise()
    owner = owner_with_device(app, user)
    burst(app, user.email)
    assert api_attempt(app.test_client(), user.email, PASSWORD).status_code == 429
    response = attempt(owner, user.email, PASSWORD)
    assert response.status_code == logged_in
    if attempt is page_attempt:
        assert response.location == "/account/"


def test_the_owner_with_a_device_cookie_gets_in_from_an_address_the_attacker_shares(app, make):
    user = make.enterprise()
    owner = owner_with_device(app, user, address="203.0.113.1")  # one address for a whole office
    sprayer = from_address(app, "203.0.113.1")
    for i in range(ADDRESS_PER_MINUTE + 5):
        api_attempt(sprayer, f"guess{i}@test.zjm")
    assert api_attempt(sprayer, user.email, PASSWORD).status_code == 429
    assert api_attempt(owner, user.email, PASSWORD).status_code == 200


def test_a_device_cookie_is_signed_httponly_samesite_and_expires(app, make):
    user = make.enterprise()
    response = login(from_address(app, "198.51.100.30"), user)
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{DEVICE_COOKIE}=")
    )
    assert "HttpOnly" in header
    assert "SameSite=Strict" in header
    assert f"Max-Age={POLICY.login_device_days * 86400}" in header
    assert "Secure" not in header  # SESSION_COOKIE_SECURE is off in the tests


def test_a_device_cookie_is_secure_when_cookies_are_set_to_be(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    user = make.enterprise()
    response = login(from_address(app, "198.51.100.31"), user)
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{DEVICE_COOKIE}=")
    )
    assert "Secure" in header


def test_the_login_page_gives_a_device_cookie_too(app, make):
    user = make.enterprise()
    client = from_address(app, "198.51.100.32")
    assert page_attempt(client, user.email, PASSWORD).status_code == 302
    assert client.get_cookie(DEVICE_COOKIE) is not None


def test_registering_on_the_page_remembers_the_device(app, db):
    client = from_address(app, "198.51.100.33")
    assert client.post("/register/enterprise", data=enterprise_body()).status_code == 302
    user = accounts.user_by_email(db, "zhao@newco.zjm")
    burst(app, user.email)
    assert api_attempt(client, user.email, PASSWORD).status_code == 200


def test_a_failed_login_gives_no_device_cookie(client, make):
    user = make.enterprise()
    api_attempt(client, user.email)
    assert client.get_cookie(DEVICE_COOKIE) is None


def test_a_tampered_device_cookie_gives_no_exemption(app, make):
    user = make.enterprise()
    owner = owner_with_device(app, user)
    value = owner.get_cookie(DEVICE_COOKIE).value
    payload, _, signature = value.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    owner.set_cookie(DEVICE_COOKIE, forged)
    burst(app, user.email)
    assert_slowed_down(api_attempt(owner, user.email, PASSWORD))


def test_a_device_cookie_signed_with_another_key_gives_no_exemption(app, make):
    user = make.enterprise()
    owner = owner_with_device(app, user)
    forged = login_limits.device_cookie(["another secret"], user, POLICY)
    owner.set_cookie(DEVICE_COOKIE, forged)
    burst(app, user.email)
    assert_slowed_down(api_attempt(owner, user.email, PASSWORD))


def test_an_expired_device_cookie_gives_no_exemption(app, make, frozen):
    user = make.enterprise()
    owner = owner_with_device(app, user)
    frozen.advance(days=POLICY.login_device_days, seconds=1)
    burst(app, user.email)
    assert_slowed_down(api_attempt(owner, user.email, PASSWORD))


def test_a_device_cookie_is_good_until_it_expires(app, make, frozen):
    user = make.enterprise()
    owner = owner_with_device(app, user)
    frozen.advance(days=POLICY.login_device_days, seconds=-1)
    burst(app, user.email)
    assert api_attempt(owner, user.email, PASSWORD).status_code == 200


def test_another_accounts_device_cookie_gives_no_exemption(app, make):
    victim, other = make.enterprise(), make.agency()
    client = owner_with_device(app, other)
    burst(app, victim.email)
    assert_slowed_down(api_attempt(client, victim.email, PASSWORD))


def test_a_device_cookie_stops_working_when_the_password_changes(app, db, make):
    user = make.enterprise()
    owner = owner_with_device(app, user)
    row = db.get(User, user.id)
    row.password_hash = passwords.hash_password("a brand new passphrase")
    db.add(row)
    db.commit()
    burst(app, user.email)
    assert_slowed_down(api_attempt(owner, user.email, "a brand new passphrase"))


def test_logging_out_keeps_the_device_remembered(app, make):
    user = make.enterprise()
    owner = owner_with_device(app, user)  # logged out, which ends every session
    burst(app, user.email)
    assert api_attempt(owner, user.email, PASSWORD).status_code == 200


# --- each device cookie has a small limit of its own --------------------------------------------


def test_a_device_cookie_has_its_own_small_limit(app, make):
    user = make.enterprise()
    owner = owner_with_device(app, user)
    for _ in range(DEVICE_PER_MINUTE):
        assert api_attempt(owner, user.email).status_code == 401
    assert_slowed_down(api_attempt(owner, user.email, PASSWORD), at_most=60)


def test_a_stolen_device_cookie_cannot_guess_fast_from_anywhere(app, make, frozen):
    user = make.enterprise()
    owner = owner_with_device(app, user)
    cookie = owner.get_cookie(DEVICE_COOKIE).value
    guesses, started, n = 0, frozen.now(), 0
    while (frozen.now() - started).total_seconds() < 3600:
        n += 1
        thief = from_address(app, f"10.1.{n // 250}.{n % 250 + 1}")
        thief.set_cookie(DEVICE_COOKIE, cookie)
        response = api_attempt(thief, user.email)
        if response.status_code == 429:
            frozen.advance(seconds=assert_slowed_down(response))
        else:
            guesses += 1
    windows = 3600 // LONGEST_WAIT
    assert guesses <= (windows + 1) * POLICY.login_device_per_long_window


def test_a_devices_failures_do_not_slow_down_other_devices(app, make):
    user = make.enterprise()
    owner = owner_with_device(app, user)
    for _ in range(DEVICE_PER_MINUTE + 3):
        api_attempt(owner, user.email)
    assert api_attempt(from_address(app, "198.51.100.40"), user.email, PASSWORD).status_code == 200


# --- the rules on their own: counters, attempts in flight ---------------------------------------


def test_attempts_in_flight_count_so_parallel_guesses_cannot_slip_through(app, frozen):
    counters = limiter.storage
    started = [
        login_limits.begin(counters, POLICY, email="x@test.zjm", address="203.0.113.5", device=None)
        for _ in range(ACCOUNT_PER_MINUTE)
    ]
    assert [a.wait for a in started] == [0] * ACCOUNT_PER_MINUTE
    refused = login_limits.begin(
        counters, POLICY, email="x@test.zjm", address="203.0.113.6", device=None
    )
    assert 0 < refused.wait <= 60
    # A success gives its place back; a refused attempt took none.
    login_limits.succeeded(counters, started[0])
    again = login_limits.begin(
        counters, POLICY, email="x@test.zjm", address="203.0.113.6", device=None
    )
    assert again.wait == 0


# --- the numbers are the policy's ---------------------------------------------------------------


def test_the_limits_follow_the_policy(client, make, use_policy):
    use_policy({"accounts": {"login_account_per_minute": 2, "login_long_window_seconds": 120}})
    user = make.enterprise()
    for _ in range(2):
        assert api_attempt(client, user.email).status_code == 401
    assert_slowed_down(api_attempt(client, user.email), at_most=60)


@pytest.mark.parametrize(
    "settings",
    [
        {"login_long_window_seconds": 3600},
        {"login_long_window_seconds": 30},
        {"login_account_per_minute": 0},
        {"login_device_per_long_window": 0},
        {"login_device_days": 0},
    ],
)
def test_a_policy_that_could_lock_an_account_out_is_refused(use_policy, settings):
    with pytest.raises(ValueError, match="POLICY.accounts.login_"):
        use_policy({"accounts": settings})


def test_the_policy_page_states_the_login_limits(client):
    html = client.get("/policy?lang=en").get_data(as_text=True)
    assert "5 a minute" not in html and "20 an hour" not in html
    assert f"at most {LONGEST_WAIT} seconds" in html
    assert "accounts.login_device_per_minute" in html
