from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException

from market.validation import NotFound
from market.web import error_messages, status_for


def render_error(exc):
    code = getattr(exc, "code", 500) or 500
    # The headers the error carries (the Allow of a 405), not its plain-text content type.
    headers = [
        (name, value)
        for name, value in (exc.get_headers() if isinstance(exc, HTTPException) else [])
        if name.lower() != "content-type"
    ]
    if code == 429 and not any(name.lower() == "retry-after" for name, _ in headers):
        headers.append(("Retry-After", str(getattr(exc, "retry_after", None) or 60)))
    # The framework's description is English, written for developers: the page says it itself.
    return render_template("market/error.html", code=code), code, headers


def render_domain_error(exc: Exception):
    """A domain error no page showed itself, as the error page with its status from
    `market.web.DOMAIN_STATUS`; a refusal or bad input says why."""
    messages = [] if isinstance(exc, NotFound) else error_messages(exc)
    return render_template(
        "market/error.html", code=status_for(exc), description="", messages=messages
    ), status_for(exc)
