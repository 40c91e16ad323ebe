"""Selection's refusals (docs/rules.md §5): no result while any bid's validity is pending, none
without a valid bid, and none for `scoring` before a full panel, every member declared free of
conflicts, has marked every valid bid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import awards, marking, panel, progress, selection
from bidding.models import Bid, PanelMark
from bidding.policy import DEFAULT_POLICY
from market import clock, lifecycle
from market.models import User


def refusal(db, task) -> str:
    with pytest.raises(selection.NotReady) as refused:
        selection.select_result(db, task, DEFAULT_POLICY)
    assert selection.ranking_of(db, task) == []
    assert awards.current(db, task) is None
    return str(refused.value)


def test_no_result_for_a_task_not_opened(world, db):
    task = world.post_task(min_bids=1)
    world.bid(world.agency(), task)
    assert refusal(db, task) == f"task {task.number}: validity is not final"


def test_no_result_while_a_bids_validity_is_pending(world, db):
    task = world.post_task(min_bids=1, price_cap_fen=2_000_000)
    world.bid(world.agency(), task, 400_000)  # abnormally low: to be explained
    world.bid(world.agency(), task, 1_500_000)
    world.shift_to(task, "opened")
    assert [d.valid for d in progress.decisions_of(db, task)] == [None, True]
    assert refusal(db, task) == f"task {task.number}: validity is not final"
    assert lifecycle.status(task) == lifecycle.OPENED


def test_no_result_without_a_valid_bid(world, db):
    task = world.post_task(min_bids=1)
    agency = world.agency()
    world.bid(agency, task)
    org = world.org(agency)
    org.suspended_until = clock.now() + timedelta(days=180)
    db.add(org)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.FAILED
    assert refusal(db, task) == f"task {task.number}: no valid bid"


# --- scoring: the panel must have finished marking --------------------------------------------


def scoring_task(world, **overrides):
    data = dict(
        min_bids=1,
        price_cap_fen=200_000,
        weight_price=30,
        weight_credit=10,
        weight_quality=60,
        panel_size=3,
    )
    data.update(overrides)
    task = world.post_task("scoring", **data)
    world.bid(world.agency(), task, 100_000)
    world.bid(world.agency(), task, 150_000)
    world.shift_to(task, "opened")
    return task


def panellists(db, task, experts: list[User]) -> list[User]:
    by_org = {e.organization_id: e for e in experts}
    return [by_org[m.expert_org_id] for m in panel.active_members(db, task)]


def bids_of(db, task) -> list[Bid]:
    return list(db.exec(select(Bid).where(Bid.task_id == task.id).order_by(Bid.id)))


def mark(db, expert: User, task, bids: list[Bid]) -> None:
    for bid in bids:
        marking.submit_mark(db, expert, task.number, bid.id, 80, policy=DEFAULT_POLICY)


NOT_MARKED = "the panel has not finished marking"


@pytest.fixture
def experts(make) -> list[User]:
    return [make.staff("expert", categories=["environment"]) for _ in range(3)]


def test_no_result_before_the_panel_has_marked(world, db, experts):
    task = scoring_task(world)
    assert len(panel.active_members(db, task)) == 3
    assert refusal(db, task) == f"task {task.number}: {NOT_MARKED}"


def test_no_result_while_one_mark_is_missing(world, db, experts):
    task = scoring_task(world)
    bids = bids_of(db, task)
    *others, last = panellists(db, task, experts)
    for expert in (*others, last):
        marking.declare_no_conflict(db, expert, task.number)
    for expert in others:
        mark(db, expert, task, bids)
    mark(db, last, task, bids[:1])
    assert lifecycle.status(task) == lifecycle.OPENED
    assert refusal(db, task) == f"task {task.number}: {NOT_MARKED}"
    mark(db, last, task, bids[1:])  # the last mark makes the result
    assert lifecycle.status(task) == lifecycle.PUBLICITY


def test_no_result_from_a_panel_short_of_members(world, db, experts):
    """A recusal with the drawn order used up leaves two members of three: their marks, however
    complete, make no result."""
    task = scoring_task(world)
    recusing, *staying = panellists(db, task, experts)
    assert (
        marking.recuse(db, recusing, task.number, "与投标机构存在利害关系。", policy=DEFAULT_POLICY)
        is None
    )
    bids = bids_of(db, task)
    for expert in staying:
        marking.declare_no_conflict(db, expert, task.number)
        mark(db, expert, task, bids)
    assert len(panel.active_members(db, task)) == 2
    assert lifecycle.status(task) == lifecycle.OPENED
    assert refusal(db, task) == f"task {task.number}: {NOT_MARKED}"


def test_marks_of_a_panellist_who_never_declared_complete_nothing(world, db, experts):
    task = scoring_task(world)
    bids = bids_of(db, task)
    undeclared, *declared = panellists(db, task, experts)
    for expert in declared:
        marking.declare_no_conflict(db, expert, task.number)
        mark(db, expert, task, bids)
    for bid in bids:  # marks stored without the declaration marking itself insists on
        db.add(
            PanelMark(
                task_id=task.id,
                expert_org_id=undeclared.organization_id,
                bid_id=bid.id,
                mark=80,
                marked_at=clock.now(),
            )
        )
    db.flush()
    assert refusal(db, task) == f"task {task.number}: {NOT_MARKED}"
