"""Bidding's sweeps go on past a task that fails: the failure is rolled back and logged, every other
due task is handled, and the next sweep tries the failed one again (`bidding.opening.open_due_tasks`,
`bidding.validity.expire_overdue_explanations`)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import opening, progress, validity
from bidding.models import Bid, ExplanationRequest, Opening
from bidding.policy import DEFAULT_POLICY
from market import clock, lifecycle
from market.models import Task


class Boom(RuntimeError):
    pass


def failing_for(real, task_id: int):
    """`real`, which raises after doing its work when it is given the task `task_id`, so that
    only a rollback undoes what it did."""

    def call(session, task, policy):
        result = real(session, task, policy)
        if task.id == task_id:
            raise Boom(f"task {task_id}")
        return result

    return call


def errors(caplog, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger and r.levelno == logging.ERROR]


def test_the_opening_sweep_opens_the_others_when_one_task_fails(world, db, monkeypatch, caplog):
    first, second = world.post_task(), world.post_task()
    for task in (first, second):
        world.bid(world.agency(), task)
        world.shift_to(task, "deadline_passed")
    first.deadline_at -= timedelta(seconds=1)  # the sweep takes it first
    db.add(first)
    db.commit()
    first_id, second_id = first.id, second.id
    monkeypatch.setattr(opening, "open_if_due", failing_for(opening.open_if_due, first_id))
    caplog.set_level(logging.ERROR, logger="bidding.opening")

    assert opening.open_due_tasks(db, DEFAULT_POLICY) == 1

    assert db.get(Task, first_id).opened_at is None  # rolled back
    assert db.get(Task, second_id).opened_at == clock.now()
    assert [o.task_id for o in db.exec(select(Opening))] == [second_id]
    [record] = errors(caplog, "bidding.opening")
    assert record.getMessage() == f"opening task {first_id} failed; the next sweep tries again"
    assert record.exc_info[0] is Boom

    monkeypatch.undo()
    assert opening.open_due_tasks(db, DEFAULT_POLICY) == 1
    assert db.get(Task, first_id).opened_at == clock.now()


@pytest.fixture
def two_flagged(world, db):
    """Two opened lowest-price tasks, each with one abnormally low bid waiting for its
    explanation; the clock at their due time."""
    requests = []
    for _ in range(2):
        task = world.post_task(min_bids=3, price_cap_fen=2_000_000)
        low = world.agency()
        world.bid(low, task, 500_000)
        world.bid(world.agency(), task, 1_500_000)
        world.bid(world.agency(), task, 1_500_000)
        world.shift_to(task, "opened")
        bid = db.exec(select(Bid).where(Bid.agency_id == low.organization_id)).one()
        requests.append(
            db.exec(select(ExplanationRequest).where(ExplanationRequest.bid_id == bid.id)).one()
        )
    world.frozen.set(max(r.due_at for r in requests))
    return [(r.id, r.task_id) for r in requests]


def test_the_expiry_sweep_expires_the_others_when_one_task_fails(
    db, two_flagged, monkeypatch, caplog
):
    (first_id, first_task), (second_id, second_task) = two_flagged
    assert first_id < second_id  # the sweep takes it first
    real = progress.advance

    def advance(session, task, policy):
        real(session, task, policy)
        if task.id == first_task:
            raise Boom(f"task {first_task}")

    monkeypatch.setattr(progress, "advance", advance)
    caplog.set_level(logging.ERROR, logger="bidding.validity")

    assert validity.expire_overdue_explanations(db, DEFAULT_POLICY) == 1

    first, second = db.get(ExplanationRequest, first_id), db.get(ExplanationRequest, second_id)
    assert (first.decision, first.decided_at) == (None, None)  # rolled back
    assert (second.decision, second.decided_at) == ("expired", clock.now())
    assert lifecycle.status(db.get(Task, first_task)) == lifecycle.OPENED
    assert lifecycle.status(db.get(Task, second_task)) == lifecycle.FAILED
    [record] = errors(caplog, "bidding.validity")
    assert record.getMessage() == (
        f"expiring explanation request {first_id} failed; the next sweep tries again"
    )
    assert record.exc_info[0] is Boom

    monkeypatch.undo()
    assert validity.expire_overdue_explanations(db, DEFAULT_POLICY) == 1
    assert db.get(ExplanationRequest, first_id).decision == "expired"
