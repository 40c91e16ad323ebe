"""Bidding's scheduled sweeps (idempotent; the scheduler runs each in its own transaction), each
bound to the app's configured bidding policy."""

from __future__ import annotations

from functools import partial

from flask import Flask

from bidding.awards import finalize_due_awards
from bidding.contracts.services import enforce_signing_limits
from bidding.invitations.services import lapse_due_invitations
from bidding.objections.services import record_lapsed_objections
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
    register(
        app,
        Sweep(
            "bidding.record_lapsed_objections",
            partial(record_lapsed_objections, policy=policy),
            "bidding.signing_limits",
            partial(enforce_signing_limits, policy=policy),
            "interval",
            {"seconds": 60},
        ),
    )
