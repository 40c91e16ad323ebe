from __future__ import annotations

from flask import render_template


def render_error(exc):
    code = getattr(exc, "code", 500) or 500
    return render_template(
        "market/error.html", code=code, description=getattr(exc, "description", "")
    ), code
