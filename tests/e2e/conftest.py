"""Browser tests: the real app served over HTTP on a fresh SQLite file, driven by Chromium.

The fixtures are named `live_app` / `base_url` / `browser` / `page`, never `app` or `db`, so the
suite-wide `_isolate` fixture (which binds `app` to a rolled-back connection) leaves the live server
alone: the browser's requests commit like production ones, on their own threads.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM} (`make system-deps` installs it)"
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_app(localstripe):
    """The composed app on its own migrated and seeded SQLite file, CSRF on, paying by card
    through the session's localstripe."""
    from alembic import command

    from market import catalog, holidays
    from market.cli import alembic_config
    from wsgi import create_app

    with tempfile.TemporaryDirectory(prefix="zjm-e2e-") as tmp:
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'e2e.db'}",
                "SECRET_KEY": "e2e-secret",
                "WTF_CSRF_ENABLED": True,
                "PASSWORD_HASH_TIME_COST": 1,
                "PASSWORD_HASH_MEMORY_KIB": 8,
                "RATELIMIT_STORAGE_URI": "memory://",
                "MEILISEARCH_URL": "",
                "UPLOAD_DIR": str(Path(tmp) / "uploads"),
                "MAIL_DIR": str(Path(tmp) / "mail"),
                "SIGNING_KEY_PATH": str(Path(tmp) / "signing_key.pem"),
                "IDENTITY_HASH_KEY": "e2e identity hash key",
                "STRIPE_API_BASE": localstripe,
            }
        )
        db = app.extensions["market.db"]
        with app.app_context():
            command.upgrade(alembic_config(), "head")
        with db.transaction() as session:
            catalog.seed_catalog(session)
            holidays.import_official(session)
        yield app
        db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


#: Sent to every document before its own scripts: reports each Content-Security-Policy violation
#: to the console, where `watch_csp` reads it, whatever Chromium itself logs about it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "?")
                + " at " + e.documentURI);
});
"""


def watch_csp(page) -> list[str]:
    """The Content-Security-Policy violations `page` meets from now on, collected as they happen:
    the policy breaks a page silently (a refused script simply does not run)."""
    found: list[str] = []

    def on_console(message) -> None:
        if message.text.startswith("CSP violation") or "Content Security Policy" in message.text:
            found.append(message.text)

    page.add_init_script(REPORT_CSP_VIOLATIONS)
    page.on("console", on_console)
    return found


@pytest.fixture
def page(browser, base_url):
    """A fresh browser context (no cookies, so Chinese by default) and one page in it; the test
    fails if any page it loads meets a Content-Security-Policy violation."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    context = browser.new_context(
        base_url=base_url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations = watch_csp(page)
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations"


@pytest.fixture
def new_page(browser, base_url):
    """Makes pages, each in its own fresh browser context (one person each: cookies apart),
    Chinese unless told otherwise; the test fails if any of them meets a Content-Security-Policy
    violation."""
    contexts, violations = [], []

    def make(locale: str = "zh-CN", width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=base_url, locale=locale, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        violations.append(watch_csp(page))
        return page

    yield make
    for context in contexts:
        context.close()
    assert [v for found in violations for v in found] == [], "Content-Security-Policy violations"


@pytest.fixture
def draw_keys(live_app):
    """The live app's keys, with the seed key kept out of the repository's instance/ folder (a
    task's draw seed is made when it is published)."""
    from bidding import keys

    previous = keys.use(
        keys.Keys(
            draw_seed_key="e2e draw seed key", signing_key_path=live_app.config["SIGNING_KEY_PATH"]
        )
    )
    yield
    keys.use(previous)


@pytest.fixture
def live_db(live_app):
    """Commit data straight into the live server's database (for setup a test does not drive)."""
    return live_app.extensions["market.db"]


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """Where screenshots go: E2E_SCREENSHOT_DIR if set, else the test's temporary directory."""
    target = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture(scope="session")
def new_uscc():
    """Makes valid unified social credit codes, a different one on every call."""
    from stdnum.cn import uscc

    serial = iter(range(1, 10**7))

    def make() -> str:
        body = f"91220101MA{next(serial):07d}"  # 17 characters; the 18th is the check character
        return body + uscc.calc_check_digit(body)

    return make
