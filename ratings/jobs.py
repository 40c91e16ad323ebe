"""Ratings' scheduled sweeps (idempotent; the scheduler runs each in its own transaction)."""

from __future__ import annotations

from functools import partial

from flask import Flask

from market.jobs import Sweep, register
from market.policy import registry_of
from ratings.standing import refresh_due


def register_ratings_jobs(app: Flask) -> None:
    # Daily, just after midnight in Shanghai: ratings' weights change with the Shanghai date and
    # events stop counting at 00:00 Shanghai.
    register(
        app,
        Sweep(
            "ratings.refresh_credit",
            partial(refresh_due, registry=registry_of(app)),
            "cron",
            {"hour": 0, "minute": 10, "timezone": "Asia/Shanghai"},
        ),
    )
