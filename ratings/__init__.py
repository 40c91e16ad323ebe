"""Ratings, appeals, the credit engine, lists and exit rules.

Imports `bidding` and `market`; nothing imports it but the composition root. Its first room:
misconduct-record proposals (`ratings.misconduct`), made from the facts bidding announces.
"""

from __future__ import annotations

from flask import Flask

from bidding import signals
from market import policy as market_policy
from ratings import (
    api,
    demo_review,
    misconduct,
    models,  # noqa: F401  (registers ratings' tables on the shared metadata)
    review_views,
    views,
)
from ratings import policy as ratings_policy


def init_app(app: Flask) -> None:
    """Register this package's policy section, signal handlers, pages, API and page sections."""
    market_policy.register(app, ratings_policy.SECTION)
    # Handlers run inside the sender's transaction; weak=False keeps them connected for good.
    signals.complaint_decided.connect(misconduct.on_complaint_decided, weak=False)
    app.extensions.setdefault("bidding.complaint_sections", []).append(views.complaint_section)
    review_views.init_app(app)
    demo_review.register_demo(app)
    api.init_app(app)
