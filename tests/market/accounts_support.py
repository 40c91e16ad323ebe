"""Helpers shared by the account, session, permission and CLI tests (imported, not a conftest).

Its fixtures are registered in a test module by importing them; they carry `name=` so that the
imported function names do not clash with the test parameters (`english`, `csrf_on`).
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select
from stdnum.cn import uscc as stdnum_uscc

from market.models import ApiToken, Jurisdiction, Organization, User


@pytest.fixture(name="english", autouse=True)
def english_messages(app):
    """Messages are asserted in English whatever the deployment's default language is."""
    previous = app.config["BABEL_DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    yield
    app.config["BABEL_DEFAULT_LOCALE"] = previous


@pytest.fixture(name="csrf_on")
def csrf_enabled(app):
    """CSRF protection as in production (the test configuration switches it off)."""
    previous = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = previous


def uscc(first17: str) -> str:
    """A valid unified social credit code: 17 characters and their check character."""
    return first17 + stdnum_uscc.calc_check_digit(first17)


def counts(session) -> dict[str, int]:
    """Rows of the account tables, to prove that a refused submission saved nothing."""
    session.expire_all()
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (Organization, User, Jurisdiction, ApiToken)
    }


def csrf_token_in(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def field_errors(html: str, field_id: str) -> str:
    """The inline error list under one form field ('' if none)."""
    match = re.search(
        rf'<ul class="errors" id="{re.escape(field_id)}-err">(.*?)</ul>', html, re.DOTALL
    )
    return match.group(1) if match else ""


def session_cookie_header(response) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert headers, "the response sets no session cookie"
    return headers[-1]
