"""A deployment's bidding policy reaches the opening, lazily and by the sweep (docs/rules.md §1, §4–§5):
an app created with POLICY["bidding"] flags a price the design's numbers would let pass, and gives
its bidder the configured time to explain, whichever path opens the task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import keys
from bidding.models import Bid, ExplanationRequest, ValidityDecision
from market import clock, holidays, lifecycle
from market.models import Task, User
from tests.conftest import app_config, login

#: 1,500,000 fen against a 2,000,000 cap: above the design's 45 % of the cap, below 4/5 of it.
CONFIGURED = {"bidding": {"low_share_of_cap": "4/5", "explanation_wd": 3, "publicity_wd": 6}}


@pytest.fixture
def configured_app(app, bidding_keys):
    """A second app, created with CONFIGURED, that works in this test's transaction."""
    from wsgi import create_app

    previous = keys.use(None)  # create_app installs the new app's keys; the tests' are put back
    try:
        other = create_app(
            app_config(
                app.config["DATABASE_URL"],
                POLICY=CONFIGURED,
                DRAW_SEED_KEY=app.config["DRAW_SEED_KEY"],
                SIGNING_KEY_PATH=app.config["SIGNING_KEY_PATH"],
                UPLOAD_DIR=app.config["UPLOAD_DIR"],
            )
        )
    finally:
        keys.use(previous)
    other.extensions["market.db"].bind = app.extensions["market.db"].bind
    return other


def due_task(world) -> tuple[Task, str, User]:
    """A task past its deadline with three bids; returns it, the lowest bid's receipt and bidder."""
    task = world.post_task(price_cap_fen=2_000_000)
    low_bidder = world.agency()
    low = world.bid(low_bidder, task, 1_500_000)
    for price in (1_600_000, 1_700_000):
        world.bid(world.agency(), task, price)
    world.shift_to(task, "deadline_passed")
    return task, low.receipt, low_bidder


def assert_flagged_under_the_configured_policy(db, task: Task, low_receipt: str) -> None:
    db.expire_all()
    assert lifecycle.status(db.get(Task, task.id)) == lifecycle.OPENED
    requests = db.exec(
        select(ExplanationRequest).where(ExplanationRequest.task_id == task.id)
    ).all()
    flagged = [(db.get(Bid, r.bid_id).receipt, [t["test"] for t in r.tests]) for r in requests]
    assert flagged == [(low_receipt, ["cap"])]
    assert requests[0].tests[0]["threshold_fen"] == "1600000"
    due = holidays.load(db).add_working_days(clock.now(), 3)
    assert requests[0].due_at == due
    assert due - clock.now() > timedelta(days=2)  # not the design's one working day


def test_the_design_numbers_flag_no_bid_in_this_scenario(world, db, client):
    task, _, _ = due_task(world)
    assert client.get(f"/tasks/{task.number}").status_code == 200  # the lazy opening
    db.expire_all()
    assert db.get(Task, task.id).opened_at is not None
    assert db.exec(select(ExplanationRequest)).all() == []
    grounds = {d.ground for d in db.exec(select(ValidityDecision))}
    assert grounds == {"eligible"}


def test_a_configured_threshold_and_explanation_period_reach_the_lazy_opening(
    world, db, configured_app
):
    task, low_receipt, _ = due_task(world)
    response = configured_app.test_client().get(f"/tasks/{task.number}")
    assert response.status_code == 200
    assert_flagged_under_the_configured_policy(db, task, low_receipt)


def test_a_configured_threshold_and_explanation_period_reach_the_api_lazy_opening(
    world, db, configured_app
):
    task, low_receipt, _ = due_task(world)
    response = configured_app.test_client().get(f"/api/v1/tasks/{task.number}/bids")
    assert response.status_code == 200
    assert_flagged_under_the_configured_policy(db, task, low_receipt)


def test_a_configured_threshold_and_explanation_period_reach_the_sweep(world, db, configured_app):
    task, low_receipt, _ = due_task(world)
    sweep = configured_app.extensions["market.sweeps"]["bidding.open_due_tasks"]
    assert sweep.func(db) == 1
    assert_flagged_under_the_configured_policy(db, task, low_receipt)


def test_a_configured_publicity_period_reaches_the_applicants_validity_decision(
    world, db, configured_app
):
    task, low_receipt, low_bidder = due_task(world)
    bidder, applicant = configured_app.test_client(), configured_app.test_client()
    login(bidder, low_bidder)
    login(applicant, world.applicant)
    explained = bidder.post(
        f"/api/v1/bids/{low_receipt}/explanation", json={"explanation": "已有区域监测数据。"}
    )
    assert explained.status_code == 200, explained.get_json()
    decided = applicant.post(
        f"/api/v1/bids/{low_receipt}/validity", json={"accept": True, "reason": "说明合理。"}
    )
    assert decided.status_code == 200, decided.get_json()
    db.expire_all()
    published = db.get(Task, task.id)
    assert lifecycle.status(published) == lifecycle.PUBLICITY
    assert published.publicity_ends_at == holidays.load(db).add_working_days(clock.now(), 6)
