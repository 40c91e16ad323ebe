"""Ratings, appeals, the credit engine, lists and exit rules.

Imports `bidding` and `market`; nothing imports it but the composition root. Its rooms so far:
two-way double-blind ratings of an accepted contract's parties (`ratings.ratings`, with its pages,
API and sweep); appeals against ratings, misconduct records and commendations decided by
regulators (`ratings.appeals`, `ratings.records`, with `review_views`, `review_api`); the credit
engine (`ratings.credit`, a pure function of the credit events written through
`ratings.credit_events`, the standing it writes on the organization, `ratings.standing`, and the
credit file's pages and API); misconduct-record proposals (`ratings.misconduct`), made from the
facts bidding announces; the monthly honour roll with its badge and scoring bonus
(`ratings.honour`, with its pages, API and sweep) and credit repair (`ratings.repair`).
"""

from __future__ import annotations

from functools import partial

from flask import Flask

from bidding import signals as bidding_signals
from market import signals as market_signals
from market.accounts import REGISTRATION_CHECKS
from market.extensions import csrf
from market.policy import register, registry_of
from ratings import (
    api,
    cli,
    credit_api,
    credit_events,
    credit_handlers,
    credit_policy,
    credit_views,
    demo,
    demo_dishonesty,
    demo_exits,
    demo_review,
    dishonesty,
    dishonesty_actions,
    dishonesty_api,
    dishonesty_policy,
    dishonesty_views,
    exits,
    exits_actions,
    exits_api,
    exits_policy,
    exits_views,
    honour,
    honour_api,
    honour_demo,
    honour_policy,
    honour_views,
    jobs,
    misconduct,
    models,  # noqa: F401  (registers ratings' tables on the shared metadata)
    repair,
    repair_api,
    repair_demo,
    repair_policy,
    repair_views,
    review_api,
    review_views,
    standing,
    views,
)
from ratings import policy as ratings_policy
from ratings import signals as ratings_signals


def init_app(app: Flask) -> None:
    """Register this package's policy sections, commands, sweeps, signal handlers, page sections,
    pages and API."""
    register(app, ratings_policy.SECTION)
    register(app, credit_policy.SECTION)  # before the sweeps, which are bound to it
    register(app, exits_policy.SECTION)
    register(app, dishonesty_policy.SECTION)
    register(app, honour_policy.SECTION)
    register(app, repair_policy.SECTION)
    # Handlers holding only a session find the app's policy through its database.
    app.extensions["market.db"].extensions[standing.REGISTRY_GETTER] = partial(registry_of, app)
    cli.init_app(app)
    jobs.register_jobs(app)
    # Handlers run inside the sender's transaction; weak=False keeps them connected for good.
    bidding_signals.complaint_decided.connect(misconduct.on_complaint_decided, weak=False)
    bidding_signals.delivered.connect(credit_handlers.on_delivered, weak=False)
    bidding_signals.accepted.connect(credit_handlers.on_accepted, weak=False)
    bidding_signals.award_abandoned.connect(credit_handlers.on_award_abandoned, weak=False)
    bidding_signals.terminated.connect(credit_handlers.on_terminated, weak=False)
    bidding_signals.credit_as_of.connect(standing.on_credit_as_of, weak=False)
    bidding_signals.honour_as_of.connect(honour.on_honour_as_of, weak=False)
    credit_events.credit_event_changed.connect(standing.on_credit_event_changed, weak=False)
    # The exit rules (ratings.exits): each fires when its condition is entered.
    ratings_signals.standing_changed.connect(exits.on_standing_changed, weak=False)
    ratings_signals.misconduct_recorded.connect(exits.on_misconduct_recorded, weak=False)
    ratings_signals.dishonesty_listed.connect(exits.on_dishonesty_listed, weak=False)
    ratings_signals.dishonesty_lifted.connect(exits.on_dishonesty_lifted, weak=False)
    bidding_signals.complaint_decided.connect(exits.on_complaint_decided, weak=False)
    app.extensions.setdefault(REGISTRATION_CHECKS, []).append(exits.registration_check)
    for kind in exits_actions.KINDS:  # the dashboard's items (market.dashboard)
        market_signals.action_items.connect(kind, weak=False)
    # The serious-dishonesty list (ratings.dishonesty): serious or collusion records propose it.
    ratings_signals.misconduct_recorded.connect(dishonesty.on_misconduct_recorded, weak=False)
    app.extensions.setdefault(REGISTRATION_CHECKS, []).append(dishonesty.registration_check)
    for kind in dishonesty_actions.KINDS:
        market_signals.action_items.connect(kind, weak=False)
    app.extensions.setdefault("bidding.complaint_sections", []).append(views.complaint_section)
    app.extensions.setdefault("bidding.contract_sections", []).append(views.contract_section)
    app.extensions.setdefault("market.organization_sections", []).append(views.organization_section)
    app.extensions.setdefault("market.agency_sections", []).append(credit_views.agency_section)
    app.extensions.setdefault("market.agency_sections", []).append(honour_views.agency_section)
    app.extensions.setdefault("market.nav_links", []).append(honour_views.nav_links)
    app.extensions.setdefault("market.agency_sections", []).append(repair_views.agency_section)
    app.extensions.setdefault("market.nav_links", []).append(repair_views.nav_links)
    market_signals.action_items.connect(repair.repair_items, weak=False)
    app.extensions.setdefault("market.policy_sections", []).append(credit_views.policy_section)
    app.register_blueprint(views.bp)
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(credit_views.bp)
    app.register_blueprint(credit_api.bp)
    app.register_blueprint(honour_views.bp)
    app.register_blueprint(honour_api.bp)
    app.register_blueprint(repair_views.bp)
    csrf.exempt(repair_api.bp)
    app.register_blueprint(repair_api.bp)
    review_views.init_app(app)
    review_api.init_app(app)
    exits_api.init_app(app)
    exits_views.init_app(app)
    demo.register_demo(app)
    demo_review.register_demo(app)
    dishonesty_views.init_app(app)
    dishonesty_api.init_app(app)
    demo_exits.register_demo(app)
    demo_dishonesty.register_demo(app)
    repair_demo.register_demo(app)
    honour_demo.register_demo(app)
