"""The award: final when publicity and the objection period are over with nothing pending, and
handed to the next in line when revoked or abandoned (docs/rules.md §4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import awards, notifying
from bidding.contracts import services as contracts
from bidding.models import Bid, Contract, Objection
from bidding.models.results import ABANDONED, COMPLAINT_UPHELD
from bidding.policy import DEFAULT_POLICY
from market import clock, holidays, lifecycle
from market.models import Notification

SWEEP = awards.finalize_due_awards


def in_publicity(world, bids=3, **overrides):
    task = world.post_task("lowest_price", **{"min_bids": 1, **overrides})
    agencies = [world.agency() for _ in range(bids)]
    for n, agency in enumerate(agencies):
        world.bid(agency, task, 1_000_000 + n * 10_000)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    return task, agencies


def test_the_award_is_final_once_publicity_ends_and_the_contract_is_drawn_up(world, db, frozen):
    task, agencies = in_publicity(world)
    award = awards.current(db, task)
    assert award.objections_until == award.publicity_ends_at == task.publicity_ends_at
    frozen.set(award.publicity_ends_at - timedelta(microseconds=1))
    assert SWEEP(db, DEFAULT_POLICY) == 0
    assert award.final_at is None
    frozen.set(award.publicity_ends_at)
    assert SWEEP(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.AWARDED
    assert award.final_at == clock.now()
    assert award.notice_number == f"{task.number}-1"
    contract = db.exec(Contract.__table__.select()).one()
    assert contract.agency_id == agencies[0].organization_id
    assert contract.price_fen == 1_000_000
    assert contract.sign_by == holidays.load(db).add_calendar_days(clock.now(), 30)
    assert SWEEP(db, DEFAULT_POLICY) == 0
    frozen.advance(days=1)
    assert SWEEP(db, DEFAULT_POLICY) == 0
    assert len(db.exec(Contract.__table__.select()).all()) == 1


def test_a_budget_task_waits_for_the_longer_challenge_period(world, db, frozen):
    task, _ = in_publicity(
        world, by=world.department, funding="budget", budget_code="B-1", min_bids=3
    )
    award = awards.current(db, task)
    calendar = holidays.load(db)
    assert award.objections_until == calendar.add_working_days(award.candidate_at, 7)
    assert award.objections_until > award.publicity_ends_at
    frozen.set(award.publicity_ends_at)
    assert SWEEP(db, DEFAULT_POLICY) == 0
    frozen.set(award.objections_until)
    assert SWEEP(db, DEFAULT_POLICY) == 1


def test_an_unanswered_objection_holds_the_award_back(world, db, frozen):
    task, agencies = in_publicity(world)
    award = awards.current(db, task)
    bid = db.exec(Bid.__table__.select().where(Bid.agency_id == agencies[1].organization_id)).one()
    objection = Objection(
        task_id=task.id,
        award_id=award.id,
        bid_id=bid.id,
        agency_id=agencies[1].organization_id,
        kind="objection",
        grounds="价格异常",
        filed_at=clock.now(),
        filed_by_user_id=agencies[1].id,
        answer_due_at=award.publicity_ends_at + timedelta(days=5),
    )
    db.add(objection)
    db.commit()
    frozen.set(award.publicity_ends_at + timedelta(days=1))
    assert SWEEP(db, DEFAULT_POLICY) == 0
    objection.answered_at, objection.answer = clock.now(), "已核实"
    db.add(objection)
    db.commit()
    assert SWEEP(db, DEFAULT_POLICY) == 1


@pytest.mark.parametrize("because", [COMPLAINT_UPHELD, ABANDONED])
def test_the_next_in_line_follows_and_no_one_left_fails_the_selection(world, db, frozen, because):
    task, agencies = in_publicity(world, bids=2)
    frozen.set(awards.current(db, task).publicity_ends_at)
    SWEEP(db, DEFAULT_POLICY)
    db.refresh(task)
    first = awards.current(db, task)
    successor = awards.hand_over(db, task, DEFAULT_POLICY, because=because, reason="理由")
    assert first.revoked_at == clock.now() and first.revoked_because == because
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    assert task.awarded_at is None
    assert successor.rank == 2
    assert db.get(Bid, successor.bid_id).agency_id == agencies[1].organization_id
    assert task.publicity_ends_at == successor.publicity_ends_at > clock.now()
    assert awards.current(db, task) == successor
    # Its own publicity, then final with its own notice.
    frozen.set(successor.publicity_ends_at)
    db.commit()
    assert SWEEP(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    assert successor.notice_number == f"{task.number}-2"
    assert awards.hand_over(db, task, DEFAULT_POLICY, because=because, reason="理由") is None
    assert lifecycle.status(task) == lifecycle.FAILED
    assert lifecycle.allowed(task, "repost")


def kinds_by_user(db, task) -> dict[int, set[str]]:
    rows = db.exec(select(Notification).where(Notification.task_id == task.id)).all()
    found: dict[int, set[str]] = {}
    for row in rows:
        found.setdefault(row.user_id, set()).add(row.kind)
    return found


def test_the_final_award_and_the_next_candidate_are_notified(world, db, frozen):
    task, (first, second, third) = in_publicity(world)
    frozen.set(awards.current(db, task).publicity_ends_at)
    SWEEP(db, DEFAULT_POLICY)
    found = kinds_by_user(db, task)
    assert notifying.AWARD_FINAL_AGENCY in found[first.id]
    assert notifying.AWARD_FINAL_APPLICANT in found[world.applicant.id]
    assert {notifying.AWARD_FINAL_BIDDER} <= found[second.id] & found[third.id]
    assert notifying.AWARD_FINAL_BIDDER not in found[first.id]
    db.refresh(task)
    awards.hand_over(db, task, DEFAULT_POLICY, because=COMPLAINT_UPHELD, reason="投诉成立")
    found = kinds_by_user(db, task)
    assert notifying.NEXT_CANDIDATE_AGENCY in found[second.id]
    assert notifying.NEXT_CANDIDATE_AGENCY not in found[third.id]
    assert notifying.NEXT_CANDIDATE_APPLICANT in found[world.applicant.id]


def test_the_contract_of_a_revoked_final_award_is_void_and_its_limit_acts_on_nothing(
    world, db, frozen
):
    task, _ = in_publicity(world)
    frozen.set(awards.current(db, task).publicity_ends_at)
    SWEEP(db, DEFAULT_POLICY)
    db.refresh(task)
    void = db.exec(select(Contract)).one()
    successor = awards.hand_over(db, task, DEFAULT_POLICY, because=COMPLAINT_UPHELD, reason="成立")
    db.commit()
    frozen.set(successor.publicity_ends_at)
    assert SWEEP(db, DEFAULT_POLICY) == 1  # the successor's award is final, its contract drawn up
    frozen.set(void.sign_by)
    assert contracts.enforce_signing_limits(db, DEFAULT_POLICY) == 0
    contracts.remind_signing(db, DEFAULT_POLICY)  # the successor's contract is due soon
    reminded = db.exec(select(Notification).where(Notification.kind == notifying.SIGNING_REMINDER))
    assert {n.data["contract"] for n in reminded} == {awards_contract(db, successor).id}
    db.refresh(successor)
    assert successor.revoked_at is None and void.abandoned_at is None
    assert lifecycle.status(task) == lifecycle.AWARDED


def awards_contract(db, award) -> Contract:
    return db.exec(select(Contract).where(Contract.award_id == award.id)).one()
