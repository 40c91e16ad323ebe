"""Ratings' scheduled sweeps (idempotent; the scheduler runs each in its own transaction): the
publication of ratings whose period ended (bound to the bidding policy, whose `rating_wd` is the
period) and the daily refresh of the credit standings that change with time alone."""

from __future__ import annotations

from functools import partial

from flask import Flask

from bidding.policy import SECTION
from market.jobs import Sweep, register
from market.policy import registry_of
from ratings.exits import daily_sweep
from ratings.exits_policy import SECTION as EXITS
from ratings.honour import publish_roll
from ratings.ratings import publish_ratings
from ratings.standing import refresh_due


def register_jobs(app: Flask) -> None:
    registry = registry_of(app)
    register(
        app,
        Sweep(
            "ratings.publish_ratings",
            partial(publish_ratings, policy=registry.section(SECTION.name)),
            "interval",
            {"seconds": 60},
        ),
    )
    # Daily, just after midnight in Shanghai: ratings' weights change with the Shanghai date and
    # events stop counting at 00:00 Shanghai.
    register(
        app,
        Sweep(
            "ratings.refresh_credit",
            partial(refresh_due, registry=registry),
            "cron",
            {"hour": 0, "minute": 10, "timezone": "Asia/Shanghai"},
        ),
    )
    # Daily, after the credit refresh: qualifications' notices and lapses, removals' ends.
    register(
        app,
        Sweep(
            "ratings.exits_daily",
            partial(daily_sweep, policy=registry.section(EXITS.name)),
            "cron",
            {"hour": 0, "minute": 20, "timezone": "Asia/Shanghai"},
        ),
    )
    # Monthly, just after the credit refresh of the 1st in Shanghai: the honour roll of the month
    # (idempotent: a month's roll is computed once).
    register(
        app,
        Sweep(
            "ratings.honour_roll",
            partial(publish_roll, registry=registry),
            "cron",
            {"day": 1, "hour": 0, "minute": 20, "timezone": "Asia/Shanghai"},
        ),
    )
