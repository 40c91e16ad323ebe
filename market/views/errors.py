from __future__ import annotations

from flask import render_template

from market.validation import NotFound
from market.web import error_messages, status_for


def render_error(exc):
    code = getattr(exc, "code", 500) or 500
    return render_template(
        "market/error.html", code=code, description=getattr(exc, "description", "")
    ), code


def render_domain_error(exc: Exception):
    """A domain error no page showed itself, as the error page with its status from
    `market.web.DOMAIN_STATUS`; a refusal or bad input says why."""
    messages = [] if isinstance(exc, NotFound) else error_messages(exc)
    return render_template(
        "market/error.html", code=status_for(exc), description="", messages=messages
    ), status_for(exc)
