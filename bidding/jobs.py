"""Bidding's scheduled sweeps (idempotent; the scheduler runs each in its own transaction)."""

from __future__ import annotations

from flask import Flask

from bidding.opening import open_due_tasks
from bidding.validity import expire_overdue_explanations
from market.jobs import Sweep, register


def register_bidding_jobs(app: Flask) -> None:
    register(app, Sweep("bidding.open_due_tasks", open_due_tasks, "interval", {"seconds": 60}))
    register(
        app,
        Sweep(
            "bidding.expire_explanations", expire_overdue_explanations, "interval", {"seconds": 60}
        ),
    )
