"""Sealed bids: receipts, change and withdrawal, the deadline read under the lock, and an audit log
that says nothing about a bid before opening (docs/rules.md §4–§5)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import attachments as bid_attachments
from bidding import keys, locking, opening, receipts, sealed
from bidding.models import Bid, Opening
from bidding.policy import DEFAULT_POLICY
from market import clock
from market.models import AuditEvent, AuditHead
from market.validation import Forbidden, Invalid

RECEIPT_KEYS = [
    "task",
    "agency",
    "version",
    "price_fen",
    "duration_days",
    "proposal_sha256",
    "attachments",
    "nonce",
]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_submission_returns_the_receipt_content_receipt_and_signature(world, db, tmp_path):
    task = world.post_task()
    agency = world.agency()
    files = [
        bid_attachments.upload(db, agency, task.number, f"{n}.pdf", b"%PDF-" + n, tmp_path).sha256
        for n in (b"b", b"a")
    ]
    ack = world.bid(
        agency, task, 1_500_000, duration_days=45, proposal="方案\r\n第二行", attachments=files
    )
    org = world.org(agency)
    assert list(ack.content) == RECEIPT_KEYS
    assert ack.content["task"] == task.number
    assert ack.content["agency"] == org.uscc
    assert (ack.content["version"], ack.content["price_fen"], ack.content["duration_days"]) == (
        1,
        1_500_000,
        45,
    )
    assert ack.content["proposal_sha256"] == sha("方案\n第二行")
    assert ack.content["attachments"] == sorted(files)
    assert len(ack.content["nonce"]) == 32
    assert ack.receipt == receipts.receipt(ack.content)
    assert receipts.verify_receipt_signature(ack.public_key_pem, ack.receipt, ack.signature)
    assert ack.public_key_pem == keys.current().public_key_pem()


def test_every_submission_is_kept_and_the_last_version_counts(world, db):
    task = world.post_task()
    agency = world.agency()
    first = world.bid(agency, task, 1_500_000)
    second = sealed.change_bid(
        db, agency, task.number, price_fen=1_400_000, duration_days=30, proposal_text="改进方案"
    )
    assert second.version == 2 and second.receipt != first.receipt
    bid = sealed.own_bid(db, agency, task.number)
    assert (bid.version, bid.price_fen, bid.receipt) == (2, 1_400_000, second.receipt)
    versions = sealed.own_versions(db, agency, task.number)
    assert [v.receipt for v in versions] == [first.receipt, second.receipt]
    assert all(receipts.receipt(v.content) == v.receipt for v in versions)


def test_withdrawal_removes_the_bid_from_the_deadline_and_a_new_submission_counts_on(world, db):
    task = world.post_task()
    agency, other = world.agency(), world.agency()
    first = world.bid(agency, task)
    assert sealed.withdraw_bid(db, agency, task.number) == first.receipt
    assert sealed.standing_bids(db, task) == []
    with pytest.raises(Forbidden, match="no bid on this task to withdraw"):
        sealed.withdraw_bid(db, agency, task.number)
    again = world.bid(agency, task, 1_200_000)
    assert again.version == 2
    withdrawn = world.bid(other, task)
    sealed.withdraw_bid(db, other, task.number)
    world.shift_to(task, "opened")
    fixed = db.exec(select(Opening).where(Opening.task_id == task.id)).one()
    assert fixed.standing_receipts == [again.receipt]
    assert withdrawn.receipt not in fixed.standing_receipts


def test_a_second_submission_must_be_a_change_and_a_change_needs_a_bid(world, db):
    task = world.post_task()
    agency = world.agency()
    with pytest.raises(Forbidden, match="no bid on this task to change"):
        sealed.change_bid(db, agency, task.number, price_fen=1, duration_days=1)
    world.bid(agency, task)
    with pytest.raises(Forbidden, match="already has a bid"):
        world.bid(agency, task)


def test_a_bid_after_the_deadline_is_refused(world, db):
    task = world.post_task()
    agency = world.agency()
    world.bid(agency, task)
    world.shift_to(task, "deadline_passed")
    with pytest.raises(Forbidden, match="deadline for bids on this task has passed"):
        world.bid(world.agency(), task)
    with pytest.raises(Forbidden, match="deadline"):
        sealed.change_bid(
            db, agency, task.number, price_fen=900_000, duration_days=30, proposal_text="x"
        )
    with pytest.raises(Forbidden, match="deadline"):
        sealed.withdraw_bid(db, agency, task.number)


def test_the_clock_is_read_after_the_task_lock_is_granted(world, db, frozen, monkeypatch):
    """A bid that waited for the lock while the deadline passed is late, even though it asked
    before the deadline."""
    task = world.post_task()
    real_get_task = locking.get_task

    def slow_lock(session, number, *, lock=False):
        found = real_get_task(session, number, lock=lock)
        frozen.set(found.deadline_at + timedelta(seconds=1))  # the lock was granted late
        return found

    monkeypatch.setattr(locking, "get_task", slow_lock)
    with pytest.raises(Forbidden, match="deadline"):
        world.bid(world.agency(), task)
    assert db.exec(select(Bid)).all() == []


def test_a_bid_one_instant_before_the_deadline_is_accepted(world, frozen):
    task = world.post_task()
    frozen.set(task.deadline_at - timedelta(microseconds=1))
    assert world.bid(world.agency(), task).version == 1


def test_a_bid_on_an_opened_task_is_refused_even_with_the_clock_back(world, frozen):
    task = world.post_task()
    world.shift_to(task, "opened")
    frozen.set(task.deadline_at - timedelta(hours=1))
    with pytest.raises(Forbidden, match="not open for bids"):
        world.bid(world.agency(), task)


def test_price_above_the_cap_and_bad_fields_are_refused_field_by_field(world):
    task = world.post_task(price_cap_fen=2_000_000, service_days=60)
    agency = world.agency()
    with pytest.raises(Invalid) as caught:
        world.bid(
            agency, task, 2_000_001, duration_days=61, proposal="", attachments=["ABC", sha("x")]
        )
    assert set(caught.value.errors) == {
        "price_fen",
        "duration_days",
        "proposal_text",
        "attachments",
    }
    assert world.bid(agency, task, 2_000_000).content["price_fen"] == 2_000_000


def test_a_random_task_takes_sign_ups_at_exactly_the_fixed_fee(world):
    task = world.post_task("random", fixed_fee_fen=1_000_000)
    with pytest.raises(Invalid, match="exactly the task's fixed fee"):
        world.bid(world.agency(), task, 999_999)
    ack = world.bid(world.agency(), task, None, proposal="")
    assert ack.content["price_fen"] == 1_000_000


def test_only_agencies_bid_and_direct_selection_takes_no_bids(world, db, make):
    task = world.post_task()
    with pytest.raises(Forbidden, match="kind may not do this"):
        sealed.submit_bid(
            db, world.applicant, task.number, price_fen=1, duration_days=1, proposal_text="x"
        )
    invited = world.agency()
    direct = world.post_task("direct", invited_agency_id=invited.organization_id)
    with pytest.raises(Forbidden, match="direct selection takes no bids"):
        world.bid(invited, direct)


def test_bid_events_reach_the_audit_log_only_at_opening_by_receipt_and_time(world, db, frozen):
    """Before opening nothing in the log moves with a bid (not even a blank event: it would be
    counted); at opening the whole history is appended, in order, by receipt, with the task and
    the time, naming no bidder, price or proposal."""
    task = world.post_task()
    agencies = [world.agency(), world.agency()]
    db.commit()
    start = db.get(AuditHead, 1).seq
    acks = [world.bid(agencies[0], task, 1_234_567, proposal="秘密方案")]
    frozen.advance(minutes=1)
    acks.append(world.bid(agencies[1], task, 1_765_432))
    frozen.advance(minutes=1)
    acks.append(
        sealed.change_bid(
            db,
            agencies[0],
            task.number,
            price_fen=1_111_111,
            duration_days=31,
            proposal_text="秘密方案二",
        )
    )
    frozen.advance(minutes=1)
    sealed.withdraw_bid(db, agencies[1], task.number)
    db.commit()
    times = [a.submitted_at for a in acks] + [clock.now()]
    db.expire_all()
    assert db.get(AuditHead, 1).seq == start
    assert (
        opening.open_if_due(db, task, DEFAULT_POLICY) is False
    )  # not due: nothing is published early
    assert clock.now() < task.deadline_at
    assert db.get(AuditHead, 1).seq == start

    world.shift_to(task, "opened")
    events = db.exec(
        select(AuditEvent).where(AuditEvent.seq > start).order_by(AuditEvent.seq)
    ).all()
    history = [e for e in events if e.object_type == "bid_receipt"]
    assert [(e.action, e.object_id, e.data) for e in history] == [
        (action, ack.receipt, {"task": task.number, "occurred_at": at.isoformat()})
        for action, ack, at in zip(
            [sealed.RECEIPT_ISSUED] * 3 + [sealed.WITHDRAWAL],
            [*acks, acks[1]],
            times,
            strict=True,
        )
    ]
    assert events[len(history)].action == "task.open"  # the history comes first
    for event in history:
        assert event.actor_org_id is None and event.actor_user_id is None
        text = json.dumps([event.action, event.object_id, event.data], ensure_ascii=False)
        for org in map(world.org, agencies):
            for secret in (org.uscc, org.name):
                assert secret not in text
        for secret in ("1234567", "1765432", "1111111", "秘密方案"):
            assert secret not in text
