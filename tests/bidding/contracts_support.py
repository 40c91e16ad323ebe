"""Bringing a task to a final award and its contract to sign, for the contract tests."""

from __future__ import annotations

from sqlmodel import select

from bidding import awards
from bidding.models import Contract
from bidding.policy import DEFAULT_POLICY
from market import clock, lifecycle
from market.models import Task
from tests.bidding.helpers import World

FUNDINGS = {
    "private": {},
    "state_owned": {
        "funding": "state_owned",
        "project_code": "2020-220000-00-00-000001",
        "min_bids": 3,
    },
    "budget": {"funding": "budget", "budget_code": "B-1", "min_bids": 3},
}


def post(world: World, funding: str = "private", **overrides) -> Task:
    extra = dict(FUNDINGS[funding])
    if funding == "budget":
        extra["by"] = world.department
    extra.update(overrides)
    return world.post_task("lowest_price", **{"min_bids": 1, **extra})


def awarded(world: World, funding: str = "private", bids: int = 3, **overrides):
    """A task whose award became final now (the clock stays put: the award's periods are moved
    to end now), its agencies in ranking order and its unsigned contract."""
    task = post(world, funding, **overrides)
    agencies = [world.agency() for _ in range(bids)]
    for n, agency in enumerate(agencies):
        world.bid(agency, task, 1_000_000 + n * 10_000)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    contract = finalize_now(world, task)
    return task, agencies, contract


def finalize_now(world: World, task: Task) -> Contract:
    """Make the current candidate's award final at the frozen now."""
    db = world.db
    award = awards.current(db, task)
    award.publicity_ends_at = award.objections_until = clock.now()
    task.publicity_ends_at = clock.now()
    db.add_all([award, task])
    db.flush()
    assert awards.finalize_if_due(db, task, DEFAULT_POLICY)
    db.commit()
    assert lifecycle.status(task) == lifecycle.AWARDED
    return db.exec(select(Contract).where(Contract.award_id == award.id)).one()
