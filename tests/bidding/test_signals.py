"""Bidding's signals run inside the sender's transaction: a handler that fails takes the step back
with it, and a handler that succeeds writes with it."""

from __future__ import annotations

from contextlib import contextmanager

from sqlmodel import select

from bidding import awards, signals
from bidding.models import Contract
from bidding.policy import DEFAULT_POLICY
from market import audit, lifecycle
from market.models import AuditEvent
from tests.bidding.test_awards import in_publicity


@contextmanager
def connected(signal, handler):
    signal.connect(handler, weak=False)
    try:
        yield
    finally:
        signal.disconnect(handler)


def test_a_failing_handler_rolls_the_final_award_back(world, db, frozen, caplog):
    task, _ = in_publicity(world)
    frozen.set(awards.current(db, task).publicity_ends_at)

    def refuse(award, *, session, **_):
        raise RuntimeError("the credit file is unavailable")

    with connected(signals.award_final, refuse):
        assert awards.finalize_due_awards(db, DEFAULT_POLICY) == 0
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    assert awards.current(db, task).final_at is None
    assert db.exec(Contract.__table__.select()).all() == []
    assert "making the award final of task" in caplog.text
    # The next sweep, with the handler working, makes it final.
    assert awards.finalize_due_awards(db, DEFAULT_POLICY) == 1


def test_a_handler_writes_in_the_senders_transaction(world, db, frozen):
    task, _ = in_publicity(world)
    frozen.set(awards.current(db, task).publicity_ends_at)
    seen = []

    def note(award, *, session, **_):
        seen.append(award.notice_number)
        audit.record(session, "test.noted", "task", task.number, {})

    with connected(signals.award_final, note):
        assert awards.finalize_due_awards(db, DEFAULT_POLICY) == 1
    assert seen == [f"{task.number}-1"]
    actions = db.exec(
        select(AuditEvent.action)
        .where(AuditEvent.object_id == task.number)
        .order_by(AuditEvent.id.desc())
        .limit(2)
    ).all()
    assert actions == ["test.noted", "task.award"]
