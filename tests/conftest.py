"""Fixtures: an app per database (SQLite or PostgreSQL, chosen by TEST_DATABASE), migrated once
per test session; each test runs in a transaction that is rolled back; a frozen clock; a client
per role."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from market import accounts, clock
from market.models import User

TEST_DATABASE = os.environ.get("TEST_DATABASE", "sqlite")
#: A Wednesday, 10:00 in Shanghai.
FROZEN_AT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
TEST_IDENTITY_HASH_KEY = "test identity hash key"


def pytest_report_header(config):
    return f"database: {TEST_DATABASE}"


@pytest.fixture(scope="session")
def database_url():
    if TEST_DATABASE == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL")
        if url:
            yield url
            return
        from tests.pgserver import PostgresServer

        server = PostgresServer()
        try:
            yield server.start()
        finally:
            server.stop()
    else:
        with tempfile.TemporaryDirectory(prefix="zjm-test-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'test.db'}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: The webhook secret the tests' app verifies Stripe's events with (tests sign their own).
STRIPE_WEBHOOK_SECRET = "whsec_test"
#: How long localstripe may take to answer at start.
LOCALSTRIPE_READY_SECONDS = 30


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def localstripe():
    """Stripe's stand-in for this test process (one per xdist worker): `localstripe` on a free
    port, from scratch (it never reads the state another copy left in /tmp), stopped at the end.
    Yields its base URL once it answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + LOCALSTRIPE_READY_SECONDS
            while not _answers(base + "/js.stripe.com/v3/"):  # a bounded readiness loop
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"localstripe did not start: {log.read()[-2000:]!r}")
                time.sleep(0.05)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(autouse=True)
def stripe_gateway(request):
    """Every test that has the app reaches the session's localstripe (an app created during a
    test installs its own gateway, which would otherwise stay for the next tests)."""
    if "app" not in request.fixturenames and "db" not in request.fixturenames:
        yield None
        return
    from bidding.payments import escrow
    from market.payments.adapter import Gateway

    gateway = Gateway.from_config(request.getfixturevalue("app").config)
    previous = escrow.use(gateway)
    yield gateway
    escrow.use(previous)


def app_config(database_url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_KIB": 8,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MEILISEARCH_URL": "",
        # Tests read their own writes at once, across rolled-back transactions and frozen clocks;
        # tests/market/test_page_cache.py turns the cache on.
        "PUBLIC_PAGE_CACHE_SECONDS": 0,
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory, localstripe):
    from alembic import command

    from market import catalog, holidays
    from market.cli import alembic_config
    from wsgi import create_app

    keys = tmp_path_factory.mktemp("keys")
    # Keys of the test session's own, so tests never write into the repository's instance/.
    app = create_app(
        app_config(
            database_url,
            DRAW_SEED_KEY="test draw seed key",
            IDENTITY_HASH_KEY=TEST_IDENTITY_HASH_KEY,
            SIGNING_KEY_PATH=str(keys / "signing_key.pem"),
            UPLOAD_DIR=str(keys / "uploads"),
            MAIL_DIR=str(keys / "mail"),
            STRIPE_API_BASE=localstripe,
            STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET,
        )
    )
    db = app.extensions["market.db"]
    with app.app_context():
        if db.dialect == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        command.upgrade(alembic_config(), "head")
    previous = clock.use(clock.FrozenClock(FROZEN_AT))
    with db.transaction() as session:
        catalog.seed_catalog(session)
        holidays.import_official(session, [2025, 2026])
    clock.use(previous)
    yield app
    db.engine.dispose()


@pytest.fixture
def frozen():
    """The frozen clock (every test gets it); move it with `frozen.advance(days=1)`."""
    fake = clock.FrozenClock(FROZEN_AT)
    previous = clock.use(fake)
    yield fake
    clock.use(previous)


@pytest.fixture(autouse=True)
def identity_key():
    """The tests' own identity-hash key for every test (an app created during a test installs its
    own, which would otherwise stay for the next tests and write into the repository's
    instance/)."""
    from market import identity

    key = identity.IdentityKey(TEST_IDENTITY_HASH_KEY)
    previous = identity.use(key)
    yield key
    identity.use(previous)


@pytest.fixture(autouse=True)
def _isolate(request, frozen):
    """Each test in one outer transaction, rolled back at the end."""
    if "app" not in request.fixturenames and "db" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    db = app.extensions["market.db"]
    connection = db.engine.connect()
    outer = connection.begin()
    db.bind = connection
    from market.extensions import limiter

    limiter.reset()
    try:
        yield
    finally:
        db.bind = None
        if outer.is_active:
            outer.rollback()
        connection.close()


@pytest.fixture
def db(app):
    """A session on the test's transaction.

    No application context is held open: Flask would reuse it for every test-client request, so
    `g` (the cached current user, the request's session) would leak between requests and clients.
    """
    session = app.extensions["market.db"].session()
    yield session
    session.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def use_policy(app, monkeypatch):
    """`use_policy(settings)` puts the app's handlers under the policy that POLICY=settings gives
    at app creation, for this test (sweeps stay bound to the app's own)."""
    from market import policy

    def install(settings: dict) -> policy.Registry:
        registry = policy.Registry(settings)
        for section in policy.registry_of(app).sections:
            registry.register(section)
        registry.seal()
        monkeypatch.setitem(app.extensions, policy.EXTENSION, registry)
        return registry

    return install


# --- accounts of each role ----------------------------------------------------------------------


class Accounts:
    """Creates users of each kind inside the test's transaction."""

    def __init__(self, app, session):
        self.app, self.session, self.n = app, session, 0

    def _email(self, kind: str) -> str:
        self.n += 1
        return f"{kind}{self.n}@test.zjm"

    def staff(self, kind: str, **extra) -> User:
        data = {
            "kind": kind,
            "name": f"{kind} {self.n}",
            "region_code": "220100",
            "user_name": f"{kind} user",
            "email": self._email(kind),
            "password": PASSWORD,
            "categories": ["environment"] if kind == "expert" else [],
            "region_prefixes": [],
        }
        data.update(extra)
        user, _ = accounts.create_by_operator(self.session, None, data, from_cli=True)
        self.session.commit()
        return user

    def enterprise(self, uscc: str = "91220106MA15AB3C42") -> User:
        user = accounts.register_enterprise(
            self.session,
            {
                "name": "测试企业有限公司",
                "uscc": uscc,
                "legal_representative": "张三",
                "region_code": "220106",
                "user_name": "张三",
                "email": self._email("enterprise"),
                "password": PASSWORD,
            },
        )
        self.session.commit()
        return user

    def agency(self, **overrides) -> User:
        from market import agencies

        data = agency_payload(email=self._email("agency"))
        data.update(overrides)
        user = agencies.register_agency(self.session, data)
        self.session.commit()
        return user


def agency_payload(**overrides) -> dict:
    """A complete, valid agency registration."""
    data = {
        "name": "吉林测试环境咨询有限公司",
        "uscc": "91220101MA0Y4Q6X33",
        "legal_representative": "王五",
        "region_code": "220102",
        "address": "长春市南关区",
        "description": "环评与水保。",
        "contact_name": "王五",
        "contact_phone": "0431-88888888",
        "contact_email": "contact@agency.test",
        "services": [
            {
                "service_item": "EIA-REPORT",
                "commitment_days": 30,
                "commitment_scope": "报告书编制",
                "price_min_fen": 5000000,
                "price_max_fen": 20000000,
            }
        ],
        "professionals": [
            {
                "name": "李四",
                "certificate": "环境影响评价工程师",
                "certificate_no": "HP0001",
                "id_number": "220102199001011239",
            }
        ],
        "qualifications": [
            {
                "type": "surveying",
                "grade": "A",
                "scope": "工程测量",
                "certificate_no": "甲测资字001",
                "issuer": "自然资源部",
                "valid_until": "2029-12-31",
            }
        ],
        "commitment": True,
        "user_name": "王五",
        "email": "agency@test.zjm",
        "password": PASSWORD,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make(app, db):
    return Accounts(app, db)


def login(client, user: User, password: str = PASSWORD):
    """Log in through the API (a TOTP code is computed for accounts that need one)."""
    body = {"email": user.email, "password": password}
    if user.totp_secret:
        body["totp"] = accounts.current_totp(user.totp_secret)
    response = client.post("/api/v1/session", json=body)
    assert response.status_code == 200, response.get_json()
    return response
