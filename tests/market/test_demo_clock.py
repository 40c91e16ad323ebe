"""The demo clock: DEMO_CLOCK_OFFSET moves the platform's time (market/clock.py), a banner says so
on every page, the API tells it, authenticator codes still follow the real time, and production
refuses it at start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from market import accounts, clock
from tests.conftest import app_config

TWO_DAYS = timedelta(days=2)


def demo_app(database_url, tmp_path, **settings):
    """An app of its own on the test database (which the session's `app` migrated)."""
    from bidding import keys
    from wsgi import create_app

    previous = keys.use(None)  # create_app installs the new app's keys; the tests' are put back
    try:
        return create_app(
            app_config(
                database_url,
                DRAW_SEED_KEY="test draw seed key",
                SIGNING_KEY_PATH=str(tmp_path / "signing_key.pem"),
                UPLOAD_DIR=str(tmp_path / "uploads"),
                **settings,
            )
        )
    finally:
        keys.use(previous)


@pytest.fixture
def restore_clock(app, frozen):
    """An app created with a demo clock installs it; the test's frozen clock comes back after."""
    yield
    clock.use(frozen)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("", timedelta(0)),
        ("0", timedelta(0)),
        ("+3d", timedelta(days=3)),
        ("3d", timedelta(days=3)),
        ("-2h", timedelta(hours=-2)),
        ("+1d12h", timedelta(days=1, hours=12)),
        ("+90m", timedelta(minutes=90)),
        (" +2d ", TWO_DAYS),
    ],
)
def test_offsets_are_read_in_days_hours_and_minutes(text, offset):
    assert clock.parse_offset(text) == offset


@pytest.mark.parametrize("text", ["+", "2 days", "+2w", "d", "+2d-1h", "++2d", "1.5d"])
def test_a_malformed_offset_is_refused_naming_the_expected_form(text):
    with pytest.raises(ValueError) as refused:
        clock.parse_offset(text)
    assert str(refused.value) == (
        f"DEMO_CLOCK_OFFSET: {text.strip()!r} is not an offset such as +3d, -2h, +1d12h or +90m"
    )


def test_the_offset_clock_runs_ahead_of_the_real_time_and_outside_devices_do_not():
    demo = clock.OffsetClock(TWO_DAYS)
    before = datetime.now(UTC)
    platform, outside = demo.now(), demo.outside_now()
    after = datetime.now(UTC)
    assert before + TWO_DAYS <= platform <= after + TWO_DAYS
    assert before <= outside <= after


def test_an_app_with_a_demo_clock_moves_the_platforms_time(database_url, tmp_path, restore_clock):
    demo_app(database_url, tmp_path, DEMO_CLOCK_OFFSET="+2d")
    installed = clock.use(clock.Clock())
    assert (type(installed), installed.offset) == (clock.OffsetClock, TWO_DAYS)


def test_production_refuses_the_demo_clock_at_start(database_url, tmp_path, restore_clock):
    with pytest.raises(ValueError) as refused:
        demo_app(database_url, tmp_path, DEMO_CLOCK_OFFSET="+2d", PRODUCTION=True)
    assert str(refused.value) == (
        "DEMO_CLOCK_OFFSET is refused in production (PRODUCTION is on): "
        "the platform's clock must be the real time"
    )


def test_production_without_a_demo_clock_starts(database_url, tmp_path, restore_clock):
    app = demo_app(database_url, tmp_path, PRODUCTION=True)
    assert app.extensions["market.demo_clock"] == timedelta(0)
    assert isinstance(clock.use(clock.Clock()), clock.FrozenClock)


@pytest.fixture
def demo_clock(app, monkeypatch):
    """The session's app as if started with DEMO_CLOCK_OFFSET (the frozen clock stays)."""

    def install(text: str) -> None:
        monkeypatch.setitem(app.extensions, "market.demo_clock", clock.parse_offset(text))

    return install


def test_every_page_shows_the_demo_clock_banner_in_both_languages(client, demo_clock):
    demo_clock("+2d")
    for path in ("/", "/tasks?status=open", "/login", "/no-such-page"):
        page = client.get(path).get_data(as_text=True)
        assert '<p class="demo-clock" role="note">演示时钟：平台时间比实际快 2 天</p>' in page
    english = client.get("/?lang=en").get_data(as_text=True)
    assert (
        '<p class="demo-clock" role="note">'
        "Demo clock: the platform&#39;s time is 2 days ahead of the real time.</p>"
    ) in english


def test_the_banner_states_days_hours_and_minutes_ahead_or_behind(client, demo_clock):
    demo_clock("-1d2h30m")
    page = client.get("/").get_data(as_text=True)
    assert "演示时钟：平台时间比实际慢 1 天 2 小时 30 分钟" in page
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Demo clock: the platform&#39;s time is 1 day 2 hours 30 minutes behind" in english


def test_no_banner_without_a_demo_clock(client):
    assert 'class="demo-clock"' not in client.get("/").get_data(as_text=True)


def test_the_api_tells_the_platforms_time_and_the_demo_offset(client, demo_clock, frozen):
    demo_clock("+2d")
    assert client.get("/api/v1/clock").get_json() == {
        "now": frozen.now().isoformat(),
        "demo_clock": True,
        "demo_offset_seconds": 172800,
    }


def test_the_api_clock_without_a_demo_clock(client, frozen):
    assert client.get("/api/v1/clock").get_json() == {
        "now": frozen.now().isoformat(),
        "demo_clock": False,
        "demo_offset_seconds": 0,
    }


def test_a_phones_authenticator_code_is_accepted_under_the_demo_clock(restore_clock):
    """An authenticator app reads the real time; the platform's time is two days ahead."""
    clock.use(clock.OffsetClock(TWO_DAYS))
    secret = pyotp.random_base32()
    on_the_phone = pyotp.TOTP(secret).now()
    assert accounts.accept_totp(secret, on_the_phone, None) is not None
    assert accounts.current_totp(secret) == on_the_phone
