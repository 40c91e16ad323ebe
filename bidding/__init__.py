"""Bids, sealed bidding, selection methods, verifiable draws, awards and contracts.

Imports `market`, never `ratings`. Services (plain functions over a SQLModel session, no Flask):

- `bidding.sealed`: submit / change / withdraw a bid, the bidder's own bid and receipts;
- `bidding.opening`: `open_if_due` (lazy and by sweep), the abnormally-low tests;
- `bidding.validity`: explanations of abnormally low bids and the applicant's decisions;
- `bidding.marking`: a panellist's declaration, recusal and marks (`scoring`);
- `bidding.selection`: the methods, the ranking and the award candidate;
- `bidding.draws`: making draws, the public draw record and its verification.

What each audience sees is decided in `bidding.serializers`; `bidding.views` (pages) and
`bidding.api` (JSON under /api/v1) only call the services and these serializers.
"""

from __future__ import annotations

from flask import Flask

from bidding import models  # noqa: F401  (registers bidding's tables on the shared metadata)


def init_app(app: Flask) -> None:
    """Register this package's commands, sweeps, signal handlers and keys."""
    from bidding import cli, jobs, keys, opening, seeds
    from market import signals

    keys.use(keys.Keys.from_config(app.config, app.instance_path))
    # Handlers run inside the sender's transaction; weak=False keeps them connected for good.
    signals.task_published.connect(seeds.on_task_published, weak=False)
    signals.task_due_for_opening.connect(opening.on_task_due, weak=False)
    jobs.register_bidding_jobs(app)
    cli.init_app(app)
    from bidding import api, qa_api, views  # noqa: F401  (qa_api adds routes to api.bp)
    from market.extensions import csrf

    # Like the core API: token clients skip CSRF, cookie sessions are checked by the blueprint.
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    views.init_views(app)
