"""`scoring`: the panel drawn verifiably from the pool, conflicts and recusal, marks, and the
result with exact fractions and its tie rule (docs/rules.md §5)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sqlmodel import select

from bidding import marking, panel, selection
from bidding.draws import records, seeds, spec
from bidding.models import Bid
from bidding.policy import DEFAULT_POLICY
from market import accounts, lifecycle
from market.models import User
from market.validation import Forbidden


@pytest.fixture
def experts(make) -> list[User]:
    return [make.staff("expert", categories=["environment"]) for _ in range(4)]


def scoring_task(world, **overrides):
    data = dict(
        min_bids=2,
        price_cap_fen=200_000,
        weight_price=30,
        weight_credit=10,
        weight_quality=60,
        panel_size=3,
    )
    data.update(overrides)
    return world.post_task("scoring", **data)


def panellists(db, task, experts) -> list[User]:
    by_org = {e.organization_id: e for e in experts}
    return [by_org[m.expert_org_id] for m in panel.active_members(db, task)]


def bids_by_price(db, task) -> dict[int, Bid]:
    return {b.price_fen: b for b in db.exec(select(Bid).where(Bid.task_id == task.id))}


def test_the_panel_is_drawn_verifiably_from_the_categorys_pool_after_validity(
    world, db, experts, make
):
    make.staff("expert", categories=["water"])  # another category: never in this pool
    task = scoring_task(world)
    world.bid(world.agency(), task, 100_000)
    world.bid(world.agency(), task, 200_000)
    assert seeds.seed_of(db, task).seed_hex is None
    world.shift_to(task, "opened")
    pool = sorted(str(e.organization_id) for e in experts)
    assert records.opening_of(db, task).panel_pool == pool
    (panel_draw,) = records.draws_of(db, task)
    assert (panel_draw.purpose, panel_draw.candidates) == ("panel", pool)
    seed = bytes.fromhex(seeds.seed_of(db, task).seed_hex)
    key = spec.draw_key(seed, task.number, records.opening_of(db, task).standing_receipts)
    assert panel_draw.picks == spec.draw(key, "panel", pool)
    assert [str(m.expert_org_id) for m in panel.active_members(db, task)] == panel_draw.picks[:3]
    assert lifecycle.status(task) == lifecycle.OPENED


def test_a_recusal_calls_the_next_expert_of_the_drawn_order(world, db, experts):
    task = scoring_task(world)
    world.bid(world.agency(), task, 100_000)
    world.bid(world.agency(), task, 200_000)
    world.shift_to(task, "opened")
    order = records.draws_of(db, task)[0].picks
    first = panellists(db, task, experts)[0]
    called = marking.recuse(
        db, first, task.number, "我曾为其中一家投标机构工作。", policy=DEFAULT_POLICY
    )
    assert str(called.expert_org_id) == order[3]
    assert [str(m.expert_org_id) for m in panel.active_members(db, task)] == order[1:4]
    with pytest.raises(Forbidden, match="not on this task's panel"):
        marking.declare_no_conflict(db, first, task.number)


def test_marks_need_a_declaration_and_are_given_once_each(world, db, experts):
    task = scoring_task(world)
    world.bid(world.agency(), task, 100_000)
    world.bid(world.agency(), task, 200_000)
    world.shift_to(task, "opened")
    expert = panellists(db, task, experts)[0]
    bid = bids_by_price(db, task)[100_000]
    with pytest.raises(Forbidden, match="Declare"):
        marking.submit_mark(db, expert, task.number, bid.id, 80, policy=DEFAULT_POLICY)
    marking.declare_no_conflict(db, expert, task.number)
    assert {b.id for b in marking.bids_to_mark(db, expert, task.number)} == {
        b.id for b in bids_by_price(db, task).values()
    }
    marking.submit_mark(db, expert, task.number, bid.id, 80, policy=DEFAULT_POLICY)
    with pytest.raises(Forbidden, match="already marked"):
        marking.submit_mark(db, expert, task.number, bid.id, 90, policy=DEFAULT_POLICY)
    outsider = next(e for e in experts if e not in panellists(db, task, experts))
    with pytest.raises(Forbidden, match="not on this task's panel"):
        marking.submit_mark(db, outsider, task.number, bid.id, 10, policy=DEFAULT_POLICY)


def mark_all(db, task, experts, marks_by_price: dict[int, int]) -> None:
    bids = bids_by_price(db, task)
    for expert in panellists(db, task, experts):
        marking.declare_no_conflict(db, expert, task.number)
        for price, mark in marks_by_price.items():
            marking.submit_mark(
                db, expert, task.number, bids[price].id, mark, policy=DEFAULT_POLICY
            )


def test_the_last_mark_makes_the_result_with_exact_scores(world, db, experts):
    task = scoring_task(world)
    cheap, dear = world.agency(), world.agency()
    world.bid(cheap, task, 100_000)
    world.bid(dear, task, 150_000)
    org = world.org(dear)
    org.credit_score_milli = 91_500
    db.add(org)
    world.shift_to(task, "opened")
    mark_all(db, task, experts, {100_000: 70, 150_000: 91})
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    first, second = selection.ranking_of(db, task)
    # cheap: 30·1 + 10·80/100 + 60·70/100 = 30 + 8 + 42 = 80
    # dear: 30·100000/150000 + 10·91.5/100 + 60·91/100 = 20 + 9.15 + 54.6 = 83.75
    assert db.get(Bid, first.bid_id).agency_id == dear.organization_id
    assert first.numbers["total"] == "335/4" and second.numbers["total"] == "80"
    assert first.numbers["price_score"] == "20" and first.numbers["credit_score"] == "183/20"
    assert second.numbers["credit_snapshot_milli"] == "80000"  # no score yet: base 80
    assert Fraction(first.numbers["quality_score"]) == Fraction(546, 10)
    assert first.numbers["marks"] == {
        str(e.organization_id): 91 for e in panellists(db, task, experts)
    }


def test_equal_totals_go_to_the_higher_quality(world, db, experts):
    task = scoring_task(world)
    cheap, good = world.agency(), world.agency()
    world.bid(cheap, task, 100_000)
    world.bid(good, task, 200_000)
    world.shift_to(task, "opened")
    # cheap: 30 + 8 + 60·50/100 = 68; good: 15 + 8 + 60·75/100 = 68
    mark_all(db, task, experts, {100_000: 50, 200_000: 75})
    first, second = selection.ranking_of(db, task)
    assert first.numbers["total"] == second.numbers["total"] == "68"
    assert db.get(Bid, first.bid_id).agency_id == good.organization_id
    assert first.tie_purpose is None  # decided by quality, not by a draw


def test_scoring_without_a_quality_weight_needs_no_panel(world, db, experts):
    task = scoring_task(world, weight_price=90, weight_credit=10, weight_quality=0, panel_size=None)
    world.bid(world.agency(), task, 100_000)
    world.bid(world.agency(), task, 120_000)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    assert records.draws_of(db, task) == []


def test_an_expert_whose_account_is_disabled_is_not_in_the_pool(world, db, experts, make):
    """A disabled expert could neither declare nor mark: drawn, they would hold the panel up."""
    operator = make.staff("operator")
    accounts.disable_user(db, operator, experts[0].id, "已退出专家库")
    db.commit()
    task = scoring_task(world)
    world.bid(world.agency(), task, 100_000)
    world.bid(world.agency(), task, 200_000)
    world.shift_to(task, "opened")
    assert records.opening_of(db, task).panel_pool == sorted(
        str(e.organization_id) for e in experts[1:]
    )


def test_a_pool_smaller_than_the_panel_leaves_the_task_waiting(world, db, make):
    make.staff("expert", categories=["environment"])
    task = scoring_task(world)
    world.bid(world.agency(), task, 100_000)
    world.bid(world.agency(), task, 200_000)
    world.shift_to(task, "opened")
    assert panel.active_members(db, task) == []
    assert records.draws_of(db, task) == []
    assert lifecycle.status(task) == lifecycle.OPENED
