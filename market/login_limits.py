"""Progressive login throttling, per account and per address, counting failures only.

Each tier only slows attempts down for a while (HTTP 429 with Retry-After); nothing locks an account,
so a competitor cannot lock an agency out before a deadline (docs/rules.md §10).
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext

ACCOUNT_LIMITS = "5 per minute;20 per hour;100 per day"
ADDRESS_LIMITS = "20 per minute;100 per hour;500 per day"
#: Shared scopes, so that the login page and the API count the same failures.
ACCOUNT_SCOPE = "login-account"
ADDRESS_SCOPE = "login-address"


def wait_message() -> str:
    return gettext("Too many failed login attempts. Please wait a while, then try again.")


def account_key() -> str:
    data = request.get_json(silent=True) if request.is_json else request.form
    if not hasattr(data, "get"):  # a JSON list, string or number: the API answers 422
        data = {}
    email = str(data.get("email", "")).strip().lower()
    return f"login-account:{email}"


def failed_login(response) -> bool:
    return response.status_code == 401
