"""Abnormally low bids: the written explanation, the applicant's published decision, expiry, and no
draw (nor seed) before every bid's validity is final (docs/rules.md §5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import progress, validity
from bidding.draws import records, seeds
from bidding.models import Bid, ExplanationRequest
from bidding.policy import DEFAULT_POLICY
from market import clock, lifecycle
from market.models import AuditEvent
from market.policy import registry_of
from market.validation import Forbidden
from tests.bidding.helpers import new_uscc


@pytest.fixture
def flagged(world, db):
    """A lowest-price task, opened, with one abnormally low bid among three; two tie at 1.5M."""
    task = world.post_task(min_bids=3, price_cap_fen=2_000_000)
    low, a, b = world.agency(), world.agency(), world.agency()
    world.bid(low, task, 500_000)
    world.bid(a, task, 1_500_000)
    world.bid(b, task, 1_500_000)
    world.shift_to(task, "opened")
    bid = db.exec(select(Bid).where(Bid.agency_id == low.organization_id)).one()
    return task, low, bid


def test_nothing_is_drawn_or_revealed_while_validity_is_pending(world, db, flagged):
    task, _, _ = flagged
    assert records.draws_of(db, task) == []
    assert seeds.seed_of(db, task).seed_hex is None
    assert records.opening_of(db, task).validity_final_at is None
    with pytest.raises(records.DrawTooEarly):
        records.make_draw(db, task, "tie:1", ["a", "b"])


def test_an_accepted_explanation_keeps_the_bid_and_the_result_follows(world, db, flagged):
    task, low, bid = flagged
    validity.submit_explanation(db, low, bid.id, "我们有现成的区域评估数据，成本较低。")
    with pytest.raises(Forbidden, match="another applicant"):
        validity.decide_explanation(
            db,
            world.make.enterprise(uscc=new_uscc()),
            bid.id,
            accept=True,
            reason="x",
            policy=DEFAULT_POLICY,
        )
    with pytest.raises(Forbidden, match="kind may not do this"):
        validity.decide_explanation(db, low, bid.id, accept=True, reason="x", policy=DEFAULT_POLICY)
    decision = validity.decide_explanation(
        db,
        world.applicant,
        bid.id,
        accept=True,
        reason="解释合理，有数据支撑。",
        policy=DEFAULT_POLICY,
    )
    assert (decision.valid, decision.ground) == (True, "explanation_accepted")
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    assert [d.purpose for d in records.draws_of(db, task)] == ["tie:2"]  # the tie behind it
    assert seeds.seed_of(db, task).revealed_at is not None


def test_a_rejected_explanation_invalidates_the_bid_with_its_published_reason(world, db, flagged):
    task, low, bid = flagged
    validity.submit_explanation(db, low, bid.id, "价格低。")
    with pytest.raises(Forbidden, match="bidder may explain"):
        validity.submit_explanation(db, world.agency(), bid.id, "x")
    validity.decide_explanation(
        db, world.applicant, bid.id, accept=False, reason="未说明成本构成。", policy=DEFAULT_POLICY
    )
    db.commit()
    decided = db.exec(select(AuditEvent).where(AuditEvent.action == "bid.validity_decided")).one()
    assert decided.data["reason"] == "未说明成本构成。" and decided.data["valid"] is False
    assert lifecycle.status(task) == lifecycle.FAILED  # two valid bids, three needed


def test_the_applicant_waits_for_the_explanation_until_it_is_due(world, db, flagged):
    _, _, bid = flagged
    with pytest.raises(Forbidden, match="no explanation to accept"):
        validity.decide_explanation(
            db, world.applicant, bid.id, accept=True, reason="x", policy=DEFAULT_POLICY
        )
    with pytest.raises(Forbidden, match="still has time"):
        validity.decide_explanation(
            db, world.applicant, bid.id, accept=False, reason="x", policy=DEFAULT_POLICY
        )


def test_no_explanation_in_time_invalidates_the_bid_by_sweep(world, db, flagged, frozen):
    task, low, bid = flagged
    assert validity.expire_overdue_explanations(db, DEFAULT_POLICY) == 0
    request = db.exec(select(ExplanationRequest)).one()
    frozen.set(request.due_at)
    with pytest.raises(Forbidden, match="time to explain"):
        validity.submit_explanation(db, low, bid.id, "迟到的解释")
    assert validity.expire_overdue_explanations(db, DEFAULT_POLICY) == 1
    decision = [d for d in progress.decisions_of(db, task) if d.bid_id == bid.id][0]
    assert (decision.valid, decision.ground) == (False, "no_explanation")
    assert lifecycle.status(task) == lifecycle.FAILED
    assert validity.expire_overdue_explanations(db, DEFAULT_POLICY) == 0


def test_the_expiry_sweep_is_registered_with_the_configured_policy(app):
    sweep = app.extensions["market.sweeps"]["bidding.expire_explanations"]
    assert (sweep.func.func, sweep.options) == (
        validity.expire_overdue_explanations,
        {"seconds": 60},
    )
    assert sweep.func.keywords["policy"] is registry_of(app).section("bidding")


def test_validity_decisions_are_published_when_final(world, db, flagged):
    task, low, bid = flagged
    validity.submit_explanation(db, low, bid.id, "说明")
    validity.decide_explanation(
        db, world.applicant, bid.id, accept=True, reason="接受", policy=DEFAULT_POLICY
    )
    db.commit()
    final = db.exec(select(AuditEvent).where(AuditEvent.action == "bid.validity_final")).one()
    assert sorted(d["ground"] for d in final.data["decisions"]) == [
        "eligible",
        "eligible",
        "explanation_accepted",
    ]
    assert clock.now() - records.opening_of(db, task).validity_final_at < timedelta(seconds=1)


def test_a_decided_explanation_is_never_decided_again_while_another_is_pending(world, db):
    """Two abnormally low bids: deciding the first leaves the task opened (the second is pending),
    and a second decision on the first is refused, leaving the first one's record as it was."""
    task = world.post_task(min_bids=3, price_cap_fen=2_000_000)
    first, second = world.agency(), world.agency()
    world.bid(first, task, 500_000)
    world.bid(second, task, 510_000)
    for _ in range(3):
        world.bid(world.agency(), task, 1_500_000)
    world.shift_to(task, "opened")
    requests = db.exec(select(ExplanationRequest).where(ExplanationRequest.task_id == task.id))
    by_bid = {r.bid_id: r for r in requests}
    bid = db.exec(select(Bid).where(Bid.agency_id == first.organization_id)).one()
    assert len(by_bid) == 2 and bid.id in by_bid
    validity.submit_explanation(db, first, bid.id, "区域数据现成，成本较低。")
    validity.decide_explanation(
        db,
        world.applicant,
        bid.id,
        accept=False,
        reason="说明不足以支持报价。",
        policy=DEFAULT_POLICY,
    )
    db.commit()
    assert lifecycle.status(task) == lifecycle.OPENED
    request = by_bid[bid.id]
    db.refresh(request)
    assert (request.decision, request.decision_reason) == ("rejected", "说明不足以支持报价。")
    assert request.decided_by_user_id == world.applicant.id
    with pytest.raises(Forbidden, match="already been decided"):
        validity.decide_explanation(
            db, world.applicant, bid.id, accept=True, reason="改为接受", policy=DEFAULT_POLICY
        )
    db.rollback()
    db.refresh(request)
    assert (request.decision, request.decision_reason) == ("rejected", "说明不足以支持报价。")
