"""Scheduled sweeps. Each package registers idempotent sweep functions `f(session)`; the scheduler
process runs each in its own transaction. Tests call the functions directly under a frozen clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlmodel import Session

from market import audit, notifications, policy
from market.models import PolicyVersion
from market.search import outbox


@dataclass(frozen=True)
class Sweep:
    id: str
    func: Callable[[Session], object]
    trigger: str  # "interval" or "cron"
    options: dict


def register(app: Flask, sweep: Sweep) -> None:
    app.extensions.setdefault("market.sweeps", {})[sweep.id] = sweep


def register_market_jobs(app: Flask) -> None:
    register(
        app,
        Sweep(
            "audit.publish_checkpoint",
            audit.publish_checkpoint,
            "cron",
            {"hour": 0, "minute": 5, "timezone": "Asia/Shanghai"},
        ),
    )
    register(app, Sweep("search.outbox", outbox.deliver, "interval", {"seconds": 10}))
    register(
        app,
        Sweep("notifications.mail", notifications.mail_pending, "interval", {"seconds": 30}),
    )


def run_sweep(app: Flask, sweep: Sweep) -> None:
    with app.app_context(), app.extensions["market.db"].transaction() as session:
        sweep.func(session)


def record_policy(app: Flask) -> PolicyVersion:
    """Record the app's policy before any sweep runs (`market.policy`: the sweeps act under it, so
    they never act under an unrecorded one)."""
    with app.app_context(), app.extensions["market.db"].transaction() as session:
        row, created = policy.record(session, policy.registry_of(app))
    app.logger.info("policy version %d %s", row.version, "recorded" if created else "in force")
    return row


def run_scheduler(app: Flask) -> None:
    """Block running every registered sweep (the separate `scheduler run` process)."""
    # Deferred: only this command needs APScheduler (~0.1 s to import); web workers never do.
    from apscheduler.schedulers.blocking import BlockingScheduler

    record_policy(app)

    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
    )
    for sweep in app.extensions.get("market.sweeps", {}).values():
        scheduler.add_job(
            run_sweep,
            sweep.trigger,
            args=(app, sweep),
            id=sweep.id,
            replace_existing=True,
            **sweep.options,
        )
        # Catch up at start: a sweep is idempotent, so running it once more is harmless.
        scheduler.add_job(run_sweep, "date", args=(app, sweep), id=sweep.id + ".startup")
    app.logger.info("scheduler running %d sweeps", len(app.extensions.get("market.sweeps", {})))
    scheduler.start()
