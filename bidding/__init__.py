"""Bids, sealed bidding, selection methods, verifiable draws, awards and contracts.

Imports `market`, never `ratings`. The rooms, as in every package:

- `models/`: bidding's tables;
- services (plain functions over a SQLModel session, no Flask): `sealed` (submit / change /
  withdraw a bid), `eligibility`, `opening` (lazy and by sweep, the abnormally-low tests),
  `validity`, `selection` (methods, ranking, award candidate), `panel` and `marking` (`scoring`),
  `progress` (taking an opened task as far as the rules allow), `receipts`, `keys`, `locking`;
- `draws/`: the draw specification, seeds, draw records and the standalone verifier;
- `questions/`: questions and objections to the announcement, with their own views and API;
- `invitations/`: the invitation of a `direct` selection (accept, decline, invite another, lapse),
  with its own views and API;
- `awards`: the award candidate made final, handed over to the next in line;
- `objections/`: objections to an award candidate, answers, complaints to the regulator,
  suspensions while it decides, decisions — with their own views, forms and API;
- `contracts/`: the contract of a final award (its document, signing, the signing limit,
  termination, the applicant's record), with its own views and API;
- `visibility`: who may learn what about a task's bids (the seal), decided there alone;
- `serializers`: what each audience sees; `views/` (pages) and `api/` (JSON under /api/v1) only
  call the services and these serializers;
- `forms`, `labels`, `jobs` (sweeps), `cli`, `policy`.
"""

from __future__ import annotations

from flask import Flask

from bidding import models  # noqa: F401  (registers bidding's tables on the shared metadata)


def init_app(app: Flask) -> None:
    """Register this package's policy section, commands, sweeps, signal handlers and keys."""
    # Deferred: every `import bidding.x` runs this package first; only composing the app loads all.
    from bidding import (
        actions,
        api,
        cli,
        demo,
        jobs,
        keys,
        notifying,
        opening,
        outages,
        progress,
        views,
    )
    from bidding import policy as bidding_policy
    from bidding import signals as bidding_signals
    from bidding.contracts import api as contract_api  # noqa: F401  (adds routes to api.bp)
    from bidding.contracts import delivery_api  # noqa: F401  (adds routes to api.bp)
    from bidding.contracts import services as contract_services
    from bidding.draws import seeds
    from bidding.invitations import api as invitation_api  # noqa: F401  (adds routes to api.bp)
    from bidding.invitations import services as invitations
    from bidding.objections import api as objection_api  # noqa: F401  (adds routes to api.bp)
    from bidding.payments import api as payments_api
    from bidding.payments import (
        escrow,
        escrow_api,
        escrow_demo,
        escrow_views,
        recorded_actions,
        recorded_demo,
    )
    from bidding.payments import views as payments_views
    from bidding.questions import api as question_api  # noqa: F401  (question_api adds routes to api.bp)
    from market import policy, signals
    from market.extensions import csrf
    from market.payments.adapter import Gateway

    policy.register(app, bidding_policy.SECTION)  # before the sweeps, which are bound to it
    keys.use(keys.Keys.from_config(app.config, app.instance_path))
    # Handlers run inside the sender's transaction; weak=False keeps them connected for good.
    signals.task_published.connect(seeds.on_task_published, weak=False)
    signals.task_published.connect(invitations.on_task_published, weak=False)
    signals.task_due_for_opening.connect(opening.on_task_due, weak=False)
    signals.task_amended.connect(notifying.on_task_amended, weak=False)
    signals.task_timeline.connect(progress.on_task_timeline, weak=False)
    signals.task_list_counts.connect(progress.on_task_list_counts, weak=False)
    signals.task_stage_clauses.connect(progress.on_task_stage_clauses, weak=False)
    signals.deadlines_extended.connect(outages.on_deadlines_extended, weak=False)
    for kind in actions.KINDS:  # the dashboard's items (market.dashboard)
        signals.action_items.connect(kind, weak=False)
    signals.organization_record.connect(contract_services.on_organization_record, weak=False)
    # Card payments into escrow (docs/rules.md §7): Stripe as configured, what Stripe says
    # happened, and the contract's acceptance and termination.
    escrow.use(Gateway.from_config(app.config))
    signals.payment_succeeded.connect(escrow.on_payment_succeeded, weak=False)
    signals.payment_refunded.connect(escrow.on_payment_refunded, weak=False)
    signals.payment_disputed.connect(escrow.on_payment_disputed, weak=False)
    bidding_signals.accepted.connect(escrow.on_accepted, weak=False)
    bidding_signals.terminated.connect(escrow.on_terminated, weak=False)
    app.extensions.setdefault("bidding.contract_sections", []).append(escrow_views.contract_section)
    jobs.register_bidding_jobs(app)
    demo.register_demo(app)
    escrow_demo.register_escrow_demo(app)
    cli.init_app(app)
    # Like the core API: token clients skip CSRF, cookie sessions are checked by the blueprint.
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(escrow_api.bp)
    app.register_blueprint(escrow_api.bp)
    app.register_blueprint(escrow_views.bp)
    views.init_views(app)
    # Recorded payments, the contract's payments page and API, the money view, the settlement.
    payments_views.init_app(app)
    payments_api.init_app(app)
    recorded_demo.register_demo(app)
    for kind in recorded_actions.kinds(app.config):
        signals.action_items.connect(kind, weak=False)
