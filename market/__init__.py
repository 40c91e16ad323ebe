"""The platform core. `create_core_app()` builds the Flask app with the core features only;
`wsgi.create_app()` composes it with `bidding` and `ratings`, then seals the policy registry
(`market.policy`) to which each package added its section.

Creating the app touches no database and starts no scheduler.
"""

from __future__ import annotations

from flask import Flask

from market import clock
from market import config as config_module
from market.config import ROOT


def create_core_app(config: dict | None = None) -> Flask:
    # Deferred: every `import market.x` runs this package first; only composing the app loads all.
    from market import cli, dashboard, identity, jobs, mail, passwords, policy, search, web
    from market.api import init_api
    from market.db import Database
    from market.payments import reconciliation, webhooks
    from market.views import init_views

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

    # The demo clock, checked before anything else is set up: refused in production.
    offset = config_module.demo_clock_offset(app.config)
    app.extensions["market.demo_clock"] = offset
    if offset:
        clock.use(clock.OffsetClock(offset))
    passwords.configure(
        app.config["PASSWORD_HASH_TIME_COST"], app.config["PASSWORD_HASH_MEMORY_KIB"]
    )
    app.extensions["market.db"] = Database(app.config["DATABASE_URL"])
    identity.use(identity.IdentityKey.from_config(app.config, app.instance_path))
    # Every package adds its policy section; the composition root seals the registry after them.
    policy.init_app(app)
    for section in policy.CORE_SECTIONS:
        policy.register(app, section)

    web.init_app(app)
    mail.init_app(app)
    init_views(app)
    init_api(app)
    cli.init_app(app)
    jobs.register_market_jobs(app)
    dashboard.init_app(app)
    search.init_app(app)
    webhooks.init_app(app)  # POST /stripe/webhook (docs/rules.md §7)
    reconciliation.init_app(app)  # flask payments reconcile
    return app
