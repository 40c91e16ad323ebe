"""The platform core. `create_core_app()` builds the Flask app with the core features only;
`wsgi.create_app()` composes it with `bidding` and `ratings`, then seals the policy registry
(`market.policy`) to which each package added its section.

Creating the app touches no database and starts no scheduler.
"""

from __future__ import annotations

from flask import Flask

from market import config as config_module
from market.config import ROOT


def create_core_app(config: dict | None = None) -> Flask:
    app = Flask(
        "market",
        root_path=str(ROOT / "market"),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(config_module.defaults())
    app.config.update(config_module.from_environment())
    if config:
        app.config.update(config)

    from market import passwords, policy
    from market.db import Database

    passwords.configure(
        app.config["PASSWORD_HASH_TIME_COST"], app.config["PASSWORD_HASH_MEMORY_KIB"]
    )
    app.extensions["market.db"] = Database(app.config["DATABASE_URL"])
    # Every package adds its policy section; the composition root seals the registry after them.
    policy.init_app(app)
    for section in policy.CORE_SECTIONS:
        policy.register(app, section)

    _init_extensions(app)

    from market import cli, jobs, search
    from market.api import init_api
    from market.views import init_views

    init_views(app)
    init_api(app)
    cli.init_app(app)
    jobs.register_market_jobs(app)
    search.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from market import web
    from market.extensions import babel, csrf, limiter, login_manager
    from market.models import User

    babel.init_app(app, locale_selector=web.select_locale)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        uid, _, generation = user_id.partition(".")
        user = web.db().get(User, int(uid)) if uid.isdigit() else None
        if user is None or user.disabled_at is not None:
            return None
        return user if str(user.session_generation) == generation else None

    @app.before_request
    def load_from_token():
        # A Bearer token alone decides the user of its request, ahead of any session cookie:
        # Flask-Login's strong session protection would otherwise turn a token request that also
        # carries an anonymous session cookie (a CSRF token, a language) into an anonymous one,
        # and a request with a token header, which skips the CSRF check, must never act as the
        # cookie's user.
        from flask import request

        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return
        from market.accounts import user_for_token

        with web.unit_of_work():  # records the token's last_used_at
            user = user_for_token(web.db(), header.removeprefix("Bearer ").strip())
        if user is not None:
            from flask import g

            g.api_token_auth = True
        login_manager._update_request_context_with_user(user)

    app.teardown_appcontext(web.close_db)
