"""Ratings' scheduled sweeps (idempotent; the scheduler runs each in its own transaction), bound
to the app's configured bidding policy (the rating period is its `rating_wd`)."""

from __future__ import annotations

from functools import partial

from flask import Flask

from bidding.policy import SECTION
from market.jobs import Sweep, register
from market.policy import registry_of
from ratings.ratings import publish_ratings


def register_jobs(app: Flask) -> None:
    policy = registry_of(app).section(SECTION.name)
    register(
        app,
        Sweep(
            "ratings.publish_ratings",
            partial(publish_ratings, policy=policy),
            "interval",
            {"seconds": 60},
        ),
    )
