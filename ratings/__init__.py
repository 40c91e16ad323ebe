"""Ratings, appeals, the credit engine, lists and exit rules.

Imports `bidding` and `market`; nothing imports it but the composition root. Its rooms so far:
two-way double-blind ratings of an accepted contract's parties (`ratings.ratings`, with its
pages, API and sweep), and misconduct-record proposals (`ratings.misconduct`), made from the
facts bidding announces.
"""

from __future__ import annotations

from flask import Flask

from bidding import signals
from market import policy as market_policy
from market.extensions import csrf
from ratings import (
    api,
    demo,
    demo_review,
    jobs,
    misconduct,
    models,  # noqa: F401  (registers ratings' tables on the shared metadata)
    review_api,
    review_views,
    views,
)
from ratings import policy as ratings_policy


def init_app(app: Flask) -> None:
    """Register this package's policy section, signal handlers, page sections, pages, API and
    sweeps."""
    market_policy.register(app, ratings_policy.SECTION)
    # Handlers run inside the sender's transaction; weak=False keeps them connected for good.
    signals.complaint_decided.connect(misconduct.on_complaint_decided, weak=False)
    app.extensions.setdefault("bidding.complaint_sections", []).append(views.complaint_section)
    app.extensions.setdefault("bidding.contract_sections", []).append(views.contract_section)
    app.extensions.setdefault("market.organization_sections", []).append(views.organization_section)
    app.register_blueprint(views.bp)
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    review_views.init_app(app)
    review_api.init_app(app)
    jobs.register_jobs(app)
    demo.register_demo(app)
    demo_review.register_demo(app)
