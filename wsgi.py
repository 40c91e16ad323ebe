"""The composition root: the core app from `market`, then `bidding` and `ratings` on top."""

from __future__ import annotations

from flask import Flask

import bidding
import ratings
from market import create_core_app


def create_app(config: dict | None = None) -> Flask:
    app = create_core_app(config)
    bidding.init_app(app)
    ratings.init_app(app)
    return app


app = create_app()
