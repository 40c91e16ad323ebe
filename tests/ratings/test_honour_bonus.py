"""The honour roll's scoring bonus (docs/rules.md §5, §6): a `scoring` bidder on the roll in force
at the deadline has `honour_bonus_points` added to its credit score, the credit part capped at its
weight, shown in the ranking's stored numbers; random draws never look at the roll."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from bidding import opening, selection
from bidding.models import Bid
from bidding.policy import DEFAULT_POLICY
from market import lifecycle
from market.models import Organization
from market.policy import registry_of
from ratings import honour
from tests.bidding.test_marking import scoring_task
from tests.ratings.honour_support import Facts, qualified

NOVEMBER = date(2026, 11, 1)


def on_the_roll(app, world, db, frozen):
    """An agency on November's roll, published now; the clock then moves an hour on."""
    facts = Facts(world, db)
    agency = world.agency()
    qualified(facts, agency.organization_id, NOVEMBER)
    assert honour.publish_roll(db, registry_of(app)) == 1
    db.commit()
    frozen.advance(hours=1)
    return agency


def numbers_by_agency(db, task) -> dict[int, dict]:
    return {db.get(Bid, e.bid_id).agency_id: e.numbers for e in selection.ranking_of(db, task)}


def test_the_bonus_is_added_to_the_credit_score_and_shown(app, world, db, frozen):
    honoured = on_the_roll(app, world, db, frozen)
    other = world.agency()
    task = scoring_task(world, weight_price=90, weight_credit=10, weight_quality=0, panel_size=None)
    world.bid(honoured, task, 100_000)
    world.bid(other, task, 100_000)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    numbers = numbers_by_agency(db, task)
    mine, theirs = numbers[honoured.organization_id], numbers[other.organization_id]
    # 90 + 10 × (80 + 2) / 100 = 98.2 against 90 + 10 × 80 / 100 = 98
    assert (mine["honour_roll"], mine["honour_bonus_points"]) == ("1", "2")
    assert (mine["credit_score"], mine["total"]) == ("41/5", "491/5")
    assert (theirs["honour_roll"], theirs["honour_bonus_points"]) == ("0", "0")
    assert (theirs["credit_score"], theirs["total"]) == ("8", "98")
    first = selection.ranking_of(db, task)[0]
    assert db.get(Bid, first.bid_id).agency_id == honoured.organization_id
    assert first.tie_purpose is None  # the bonus, not a draw, decided it


def test_the_credit_part_is_capped_at_its_weight_exactly(app, world, db, frozen):
    honoured = on_the_roll(app, world, db, frozen)
    org = db.get(Organization, honoured.organization_id)
    org.credit_score_milli = 99_000  # no credit events: the stored standing is the snapshot
    db.add(org)
    db.commit()
    task = scoring_task(world, weight_price=90, weight_credit=10, weight_quality=0, panel_size=None)
    world.bid(honoured, task, 100_000)
    world.bid(world.agency(), task, 120_000)
    world.shift_to(task, "opened")
    mine = numbers_by_agency(db, task)[honoured.organization_id]
    assert mine["credit_snapshot_milli"] == "99000"
    assert (mine["honour_bonus_points"], mine["credit_score"]) == ("1", "10")  # not 10.1


def test_no_credit_weight_no_bonus(app, world, db, frozen):
    honoured = on_the_roll(app, world, db, frozen)
    task = scoring_task(world, weight_price=100, weight_credit=0, weight_quality=0, panel_size=None)
    world.bid(honoured, task, 100_000)
    world.bid(world.agency(), task, 100_000)
    world.shift_to(task, "opened")
    mine = numbers_by_agency(db, task)[honoured.organization_id]
    assert (mine["honour_roll"], mine["credit_score"], mine["total"]) == ("1", "0", "100")


def test_a_roll_published_after_the_deadline_does_not_count(app, world, db, frozen):
    task = scoring_task(world, weight_price=90, weight_credit=10, weight_quality=0, panel_size=None)
    agency, other = world.agency(), world.agency()
    world.bid(agency, task, 100_000)
    world.bid(other, task, 110_000)
    task.published_at = frozen.now() - timedelta(days=8)
    task.deadline_at = frozen.now() - timedelta(seconds=1)
    db.add(task)
    db.commit()
    facts = Facts(world, db)
    qualified(facts, agency.organization_id, NOVEMBER)
    assert honour.publish_roll(db, registry_of(app)) == 1  # now: after the deadline
    db.commit()
    assert db.get(Organization, agency.organization_id).honour_roll_since == NOVEMBER
    assert opening.open_if_due(db, task, DEFAULT_POLICY)
    db.commit()
    bid = db.exec(select(Bid).where(Bid.agency_id == agency.organization_id)).one()
    assert bid.honour_at_deadline is False
    assert numbers_by_agency(db, task)[agency.organization_id]["honour_bonus_points"] == "0"


def test_a_random_draw_never_looks_at_the_roll(app, world, db, frozen):
    honoured = on_the_roll(app, world, db, frozen)
    task = world.post_task("random", min_bids=2)
    world.bid(honoured, task, None)
    world.bid(world.agency(), task, None)
    world.shift_to(task, "opened")
    bids = db.exec(select(Bid).where(Bid.task_id == task.id)).all()
    assert [b.honour_at_deadline for b in bids] == [None, None]
    assert [b.credit_snapshot_milli for b in bids] == [None, None]
    for numbers in numbers_by_agency(db, task).values():
        assert set(numbers) == {"fee_fen", "award_pick"}
