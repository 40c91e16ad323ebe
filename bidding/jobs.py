"""Bidding's scheduled sweeps (idempotent; the scheduler runs each in its own transaction), each
bound to the app's configured bidding policy."""

from __future__ import annotations

from functools import partial

from flask import Flask

from bidding.awards import finalize_due_awards
from bidding.contracts.delivery import accept_due_silently, close_due_tasks, record_late_payments
from bidding.invitations.services import lapse_due_invitations
from bidding.opening import open_due_tasks
from bidding.policy import SECTION
from bidding.validity import expire_overdue_explanations
from market.jobs import Sweep, register
from market.policy import registry_of


def register_bidding_jobs(app: Flask) -> None:
    policy = registry_of(app).section(SECTION.name)
    register(
        app,
        Sweep(
            "bidding.open_due_tasks",
            partial(open_due_tasks, policy=policy),
            "interval",
            {"seconds": 60},
        ),
    )
    register(
        app,
        Sweep(
            "bidding.expire_explanations",
            partial(expire_overdue_explanations, policy=policy),
            "interval",
            {"seconds": 60},
        ),
    )
    register(
        app,
        Sweep(
            "bidding.lapse_invitations",
            partial(lapse_due_invitations, policy=policy),
            "interval",
            {"seconds": 60},
        ),
    )
    register(
        app,
        Sweep(
            "bidding.finalize_awards",
            partial(finalize_due_awards, policy=policy),
            "interval",
            {"seconds": 60},
        ),
    )
    for sweep_id, sweep in (
        ("bidding.accept_silently", accept_due_silently),
        ("bidding.record_late_payments", record_late_payments),
        ("bidding.close_accepted_tasks", close_due_tasks),
    ):
        register(app, Sweep(sweep_id, partial(sweep, policy=policy), "interval", {"seconds": 60}))
