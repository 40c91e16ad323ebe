"""Scheduled sweeps. Each package registers idempotent sweep functions `f(session)`; the scheduler
process runs each in its own transaction. Tests call the functions directly under a frozen clock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session
from sqlmodel.sql.expression import Select, SelectOfScalar

from market import audit, notifications, policy
from market.models import PolicyVersion
from market.search import outbox


@dataclass(frozen=True)
class Sweep:
    id: str
    func: Callable[[Session], object]
    trigger: str  # "interval" or "cron"
    options: dict


def each_due(
    session: Session,
    query: Select | SelectOfScalar,
    act: Callable[[Session, Any], object],
    *,
    key: InstrumentedAttribute,
    label: str,
    log: logging.Logger,
    order: tuple = (),
    skip_locked: bool = True,
) -> int:
    """The loop of every sweep: act on each row `query` selects, one row at a time; returns on how
    many rows `act` acted.

    `query` says what is due and nothing else; this adds the order (`order`, then `key`, the
    primary key of the row's entity), `LIMIT 1`, leaves out the rows already taken in this run,
    and, on PostgreSQL with `skip_locked`, ``FOR UPDATE OF <key's table> SKIP LOCKED``, so a
    second scheduler process neither waits on nor takes a row the first one holds. `act(session,
    row)` reads again under its own lock whatever it decides by (the row may have changed since it
    was selected: docs/architecture.md "Adding a scheduled sweep") and returns truthy when it
    acted. Each row is committed on its own; one that fails is rolled back, logged on `log` as
    "<label> <id> failed; the next sweep tries again" and left for the next run, and the others
    are still handled. On SQLite, ``BEGIN IMMEDIATE`` serializes the writers instead.

    Pass `skip_locked=False` when `act` takes a lock of its own that decides (the row is read
    again under it): a row another transaction is writing is then waited for rather than skipped.
    """
    entity = key.class_
    postgresql = session.get_bind().dialect.name == "postgresql"
    acted, seen = 0, set()
    while True:
        step = query
        if seen:
            step = step.where(key.not_in(seen))
        step = step.order_by(*order, key).limit(1)
        if postgresql and skip_locked:
            step = step.with_for_update(skip_locked=True, of=entity)
        row = session.exec(step).first()
        if row is None:
            return acted
        own = row if isinstance(row, entity) else next(r for r in row if isinstance(r, entity))
        ident = getattr(own, key.key)
        seen.add(ident)
        try:
            done = act(session, row)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("%s %s failed; the next sweep tries again", label, ident)
        else:
            acted += bool(done)


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
