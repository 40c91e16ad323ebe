"""The composition root: the core app from `market`, then `bidding` and `ratings` on top."""

from __future__ import annotations

from flask import Flask

import bidding
import ratings
from market import create_core_app, policy, web


def create_app(config: dict | None = None) -> Flask:
    app = create_core_app(config)
    bidding.init_app(app)
    ratings.init_app(app)
    policy.seal(app)  # every section is registered: a POLICY key none of them took is an error
    web.drop_idle_rate_limiter(app)  # every route, and any limit one declares, is known
    return app


app = create_app()
