"""Opening: once, under the lock, lazily or by the sweep; receipts published with their agencies;
abnormally low prices flagged; too few valid bids fail the task (docs/rules.md §4–§5)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sqlmodel import select

from bidding import opening, progress
from bidding.models import ExplanationRequest, Opening
from bidding.policy import DEFAULT_POLICY
from market import clock, holidays, jobs, lifecycle, signals
from market.models import AuditEvent
from market.policy import registry_of


def test_a_task_opens_once_after_its_deadline(world, db):
    task = world.post_task()
    world.bid(world.agency(), task)
    assert opening.open_if_due(db, task, DEFAULT_POLICY) is False
    world.shift_to(task, "deadline_passed")
    assert opening.open_if_due(db, task, DEFAULT_POLICY) is True
    assert task.opened_at == clock.now()
    assert opening.open_if_due(db, task, DEFAULT_POLICY) is False
    assert len(db.exec(select(Opening)).all()) == 1


def test_the_sweep_opens_every_due_task_and_is_registered(world, db, app):
    due, later = world.post_task(), world.post_task()
    world.bid(world.agency(), due)
    world.shift_to(due, "deadline_passed")
    assert opening.open_due_tasks(db, DEFAULT_POLICY) == 1
    assert lifecycle.status(due) != lifecycle.DEADLINE_PASSED
    assert later.opened_at is None
    assert opening.open_due_tasks(db, DEFAULT_POLICY) == 0
    sweep = app.extensions["market.sweeps"]["bidding.open_due_tasks"]
    assert (sweep.func.func, sweep.trigger, sweep.options) == (
        opening.open_due_tasks,
        "interval",
        {"seconds": 60},
    )
    assert sweep.func.keywords["policy"] is registry_of(app).section("bidding")
    assert isinstance(sweep, jobs.Sweep)


def test_the_first_access_after_the_deadline_opens_the_task(world, db, app):
    task = world.post_task()
    world.bid(world.agency(), task)
    world.shift_to(task, "deadline_passed")
    signals.task_due_for_opening.send(task, session=db, policy=registry_of(app))
    assert task.opened_at is not None


def test_opening_publishes_every_standing_receipt_with_its_agency(world, db):
    task = world.post_task()
    agencies = [world.agency(), world.agency()]
    acks = [world.bid(a, task) for a in agencies]
    world.shift_to(task, "opened")
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "task.open")).one()
    published = {r["receipt"]: r["agency"] for r in event.data["receipts"]}
    assert published == {
        ack.receipt: world.org(a).uscc for ack, a in zip(acks, agencies, strict=True)
    }


def test_no_bids_at_all_fails_the_task(world):
    task = world.post_task(min_bids=1)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.FAILED


def test_fewer_valid_bids_than_the_minimum_fail_the_task(world, db):
    task = world.post_task(min_bids=3)
    for agency in (world.agency(), world.agency()):
        world.bid(agency, task)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.FAILED
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "task.fail")).one()
    assert event.data == {"valid_bids": 2, "min_bids": 3}


# --- abnormally low prices ------------------------------------------------------------------


def failed_tests(price, others, cap=None):
    return [t["test"] for t in opening.abnormally_low_tests(price, others, cap)]


def test_a_price_below_half_the_mean_of_the_others_is_abnormally_low():
    assert failed_tests(49, [100, 100, 100, 100]) == ["mean_of_others", "next_lowest"]
    assert failed_tests(50, [60, 140]) == []  # mean 100: exactly half is not below it


def test_a_price_below_half_the_next_lowest_is_abnormally_low():
    # mean of the others is 1000/3, half of it 166.66…; the next-lowest is 300, half of it 150
    assert failed_tests(149, [300, 350, 350]) == ["mean_of_others", "next_lowest"]
    assert failed_tests(160, [300, 350, 350]) == ["mean_of_others"]
    assert failed_tests(1000, [300, 1900]) == []


def test_a_price_below_45_percent_of_the_cap_is_abnormally_low():
    assert failed_tests(449_999, [], cap=1_000_000) == ["cap"]
    assert failed_tests(450_000, [], cap=1_000_000) == []


def test_the_tests_compare_exact_fractions():
    found = opening.abnormally_low_tests(33, [100, 100, 101], None)
    assert found[0] == {"test": "mean_of_others", "mean_fen": "301/3", "threshold_fen": "301/6"}
    assert Fraction(found[0]["threshold_fen"]) > 50


def test_an_abnormally_low_bid_is_asked_to_explain_within_one_working_day(world, db):
    task = world.post_task(min_bids=1, price_cap_fen=2_000_000)
    low, fair = world.agency(), world.agency()
    world.bid(low, task, 400_000)
    world.bid(fair, task, 1_500_000)
    world.shift_to(task, "opened")
    request = db.exec(select(ExplanationRequest)).one()
    assert [t["test"] for t in request.tests] == ["mean_of_others", "next_lowest", "cap"]
    assert request.due_at == holidays.load(db).add_working_days(clock.now(), 1)
    pending = [d for d in progress.decisions_of(db, task) if d.valid is None]
    assert [d.ground for d in pending] == ["abnormally_low"]
    assert lifecycle.status(task) == lifecycle.OPENED


@pytest.mark.parametrize("method", ["random"])
def test_sign_ups_at_the_fixed_fee_are_never_abnormally_low(world, db, method):
    task = world.post_task(method, min_bids=1, fixed_fee_fen=100_000, price_cap_fen=2_000_000)
    world.bid(world.agency(), task, None, proposal="")
    world.shift_to(task, "opened")
    assert db.exec(select(ExplanationRequest)).all() == []
    assert lifecycle.status(task) == lifecycle.PUBLICITY


def test_the_batch_low_price_tests_agree_with_the_per_bid_definition():
    """Opening computes the tests for all bids at once; they must equal the definition."""
    import random
    from types import SimpleNamespace

    from bidding.opening import _low_tests_among, abnormally_low_tests

    rng = random.Random(7)
    for _ in range(200):
        prices = [
            rng.choice([rng.randint(1, 100), rng.randint(1, 10) * 10])
            for _ in range(rng.randint(1, 8))
        ]
        bids = [SimpleNamespace(id=i, price_fen=p) for i, p in enumerate(prices)]
        cap = rng.choice([None, 100, 250])
        batch = _low_tests_among(bids, cap, DEFAULT_POLICY)
        for b in bids:
            others = [o.price_fen for o in bids if o.id != b.id]
            assert batch[b.id] == abnormally_low_tests(b.price_fen, others, cap, DEFAULT_POLICY)
