"""The scheduler process (`flask scheduler run`, `market.jobs.run_scheduler`): it records the policy,
then schedules every registered sweep on its trigger and once at start, with the job defaults that
keep a late or slow sweep from piling up; each run is one transaction. Nothing sleeps: the
scheduler is inspected as it is handed to `start`, which is replaced so it does not block."""

from __future__ import annotations

from datetime import timedelta

import pytest
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import select

from market import audit, jobs, policy
from market.models import AuditEvent

#: Every sweep the composed app registers, with its trigger.
SWEEPS = {
    "audit.publish_checkpoint": "cron",
    "search.outbox": "interval",
    "notifications.mail": "interval",
    "bidding.open_due_tasks": "interval",
    "bidding.expire_explanations": "interval",
    "bidding.lapse_invitations": "interval",
    "bidding.finalize_awards": "interval",
    "bidding.record_lapsed_objections": "interval",
    "bidding.signing_limits": "interval",
    "bidding.signing_reminders": "interval",
    "bidding.accept_silently": "interval",
    "bidding.record_late_payments": "interval",
    "bidding.close_accepted_tasks": "interval",
    "ratings.publish_ratings": "interval",
    "ratings.refresh_credit": "cron",
    "escrow.retry_refunds": "interval",
    "ratings.exits_daily": "cron",
    "ratings.honour_roll": "cron",
}


@pytest.fixture
def started(monkeypatch, db):
    """Replaces `BlockingScheduler.start`: the scheduler it was called on, and the policy
    versions recorded by then."""
    seen: dict = {}

    def start(self, *args, **kwargs):
        seen["scheduler"] = self
        seen["policy versions"] = [v.version for v in policy.history(db)]

    monkeypatch.setattr(BlockingScheduler, "start", start)
    return seen


def test_the_app_registers_every_sweep(app):
    sweeps = app.extensions["market.sweeps"]
    assert {sweep_id: sweep.trigger for sweep_id, sweep in sweeps.items()} == SWEEPS
    assert all(sweep.id == sweep_id for sweep_id, sweep in sweeps.items())


def test_the_scheduler_command_schedules_every_sweep_and_runs_each_once_at_start(app, started):
    result = app.test_cli_runner().invoke(args=["scheduler", "run"])
    assert result.exit_code == 0, result.output
    scheduler = started["scheduler"]
    assert started["policy versions"] == [1]  # recorded before any sweep could run
    sweeps = app.extensions["market.sweeps"]
    by_id = {job.id: job for job in scheduler.get_jobs()}
    assert set(by_id) == set(SWEEPS) | {f"{sweep_id}.startup" for sweep_id in SWEEPS}
    for sweep_id, sweep in sweeps.items():
        for job in (by_id[sweep_id], by_id[f"{sweep_id}.startup"]):
            assert (job.func, job.args) == (jobs.run_sweep, (app, sweep)), job.id
        assert isinstance(by_id[f"{sweep_id}.startup"].trigger, DateTrigger)
    for sweep_id in ("bidding.open_due_tasks", "bidding.expire_explanations", "search.outbox"):
        assert isinstance(by_id[sweep_id].trigger, IntervalTrigger), sweep_id
    assert by_id["bidding.open_due_tasks"].trigger.interval == timedelta(seconds=60)
    assert by_id["bidding.expire_explanations"].trigger.interval == timedelta(seconds=60)
    assert by_id["search.outbox"].trigger.interval == timedelta(seconds=10)
    assert by_id["notifications.mail"].trigger.interval == timedelta(seconds=30)
    daily = by_id["audit.publish_checkpoint"].trigger
    assert isinstance(daily, CronTrigger)
    assert str(daily.timezone) == "Asia/Shanghai"
    fields = {f.name: str(f) for f in daily.fields}
    assert (fields["hour"], fields["minute"]) == ("0", "5")


def test_the_scheduled_jobs_coalesce_never_expire_and_never_overlap(app, started):
    """Started paused (nothing runs), the jobs carry the scheduler's defaults."""
    jobs.run_scheduler(app)
    scheduler = started["scheduler"]
    BaseScheduler.start(scheduler, paused=True)
    try:
        scheduled = scheduler.get_jobs()
        assert len(scheduled) == 2 * len(SWEEPS)
        for job in scheduled:
            assert (job.coalesce, job.misfire_grace_time, job.max_instances) == (
                True,
                None,
                1,
            ), job.id
    finally:
        BaseScheduler.shutdown(scheduler, wait=False)


class Boom(RuntimeError):
    pass


def test_a_sweep_runs_in_one_transaction_rolled_back_when_it_fails(app, db):
    def write_then_fail(session):
        audit.record(session, "test.sweep_wrote", "task", "ZJ-2026-000001", {})
        session.flush()
        raise Boom("the sweep failed")

    with pytest.raises(Boom):
        jobs.run_sweep(app, jobs.Sweep("test.failing", write_then_fail, "interval", {}))
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "test.sweep_wrote")).all() == []

    def write(session):
        audit.record(session, "test.sweep_wrote", "task", "ZJ-2026-000001", {})

    jobs.run_sweep(app, jobs.Sweep("test.writing", write, "interval", {}))
    assert (
        len(db.exec(select(AuditEvent).where(AuditEvent.action == "test.sweep_wrote")).all()) == 1
    )
