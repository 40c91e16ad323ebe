"""Ratings, appeals, the credit engine, lists and exit rules.

Imports `bidding` and `market`; nothing imports it but the composition root. Its first room:
misconduct-record proposals (`ratings.misconduct`), made from the facts bidding announces.
"""

from __future__ import annotations

from functools import partial

from flask import Flask

from bidding import signals
from market.policy import register, registry_of
from ratings import (
    cli,
    credit_api,
    credit_events,
    credit_handlers,
    credit_views,
    misconduct,
    models,  # noqa: F401  (registers ratings' tables on the shared metadata)
    standing,
    views,
)
from ratings.jobs import register_ratings_jobs
from ratings.policy import SECTION


def init_app(app: Flask) -> None:
    """Register this package's policy section, commands, sweeps, signal handlers and sections."""
    register(app, SECTION)  # before the sweeps, which are bound to it
    # Handlers holding only a session find the app's policy through its database.
    app.extensions["market.db"].extensions[standing.REGISTRY_GETTER] = partial(registry_of, app)
    cli.init_app(app)
    register_ratings_jobs(app)
    # Handlers run inside the sender's transaction; weak=False keeps them connected for good.
    signals.complaint_decided.connect(misconduct.on_complaint_decided, weak=False)
    signals.delivered.connect(credit_handlers.on_delivered, weak=False)
    signals.accepted.connect(credit_handlers.on_accepted, weak=False)
    signals.award_abandoned.connect(credit_handlers.on_award_abandoned, weak=False)
    signals.terminated.connect(credit_handlers.on_terminated, weak=False)
    credit_events.credit_event_changed.connect(standing.on_credit_event_changed, weak=False)
    app.extensions.setdefault("bidding.complaint_sections", []).append(views.complaint_section)
    app.register_blueprint(credit_views.bp)
    app.register_blueprint(credit_api.bp)
    app.extensions.setdefault("market.agency_sections", []).append(credit_views.agency_section)
    app.extensions.setdefault("market.policy_sections", []).append(credit_views.policy_section)
