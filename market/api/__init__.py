"""The JSON API under /api/v1: thin handlers over the domain services."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from market.api.openapi import API_PREFIX, build_spec, requires_login
from market.api.problems import http_problem, register_handlers
from market.extensions import csrf
from market.views.errors import render_error
from market.web import acting_user, token_request

api = Blueprint("api", __name__, url_prefix=API_PREFIX)
register_handlers(api)


@api.before_request
def _login_first():
    """An operation documented as needing a user answers a request without one 401 before
    anything else: before the CSRF check, which a user who is not logged in cannot pass anyway,
    and before its body is read."""
    if request.method != "OPTIONS" and requires_login(request.endpoint):
        acting_user()


@api.before_request
def _csrf_for_cookie_sessions():
    """Token clients are exempt; a browser using its session cookie must send X-CSRFToken."""
    if request.method in ("GET", "HEAD", "OPTIONS") or not current_app.config["WTF_CSRF_ENABLED"]:
        return None
    if token_request():
        return None
    csrf.protect()
    return None


@api.get("/openapi.json")
def openapi_document():
    """Built once per app: every operation registers when the app is composed, and building the
    document costs a tenth of a second, too much to spend on every anonymous request."""
    spec = current_app.extensions.get("market.openapi")
    if spec is None:
        spec = current_app.extensions["market.openapi"] = build_spec()
    return jsonify(spec)


def init_api(app: Flask) -> None:
    # Deferred: the route modules import this package (its blueprint); composing the app loads them.
    from market.api import dashboard, endpoints, outages, relations, tasks  # noqa: F401  (registers the routes)
    from market.notifications import api as notifications_api  # noqa: F401  (the same)

    csrf.exempt(api)
    app.register_blueprint(api)

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        """An HTTP error no blueprint answered (no route for the path or the method, a 403 or a
        429 of a page): problem+json under the API, else the site's page in the reader's
        language, never the framework's bare English page. A server error keeps Flask's answer:
        the page would need the database that may be what failed."""
        if (exc.code or 500) >= 500:
            return exc
        if request.path.startswith(API_PREFIX):
            return http_problem(exc)
        return render_error(exc)


def api_blueprint(name: str, import_name: str, prefix: str = "") -> Blueprint:
    """A blueprint of another package under /api/v1 with the same problem+json handling."""
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX + prefix)
    register_handlers(bp)
    bp.before_request(_login_first)
    bp.before_request(_csrf_for_cookie_sessions)
    return bp
