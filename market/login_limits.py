"""Progressive login throttling, per account and per address, counting failures only.

Each tier only slows attempts down for a while (HTTP 429 with Retry-After); nothing locks an account,
so a competitor cannot lock an agency out before a deadline (DESIGN §10).
"""
from __future__ import annotations

from flask import request

ACCOUNT_LIMITS = "5 per minute;20 per hour;100 per day"
ADDRESS_LIMITS = "20 per minute;100 per hour;500 per day"


def account_key() -> str:
    data = request.get_json(silent=True) if request.is_json else request.form
    email = str((data or {}).get("email", "")).strip().lower()
    return f"login-account:{email}"


def failed_login(response) -> bool:
    return response.status_code == 401
