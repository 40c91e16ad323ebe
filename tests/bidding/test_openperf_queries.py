"""Opening reads and writes its bids as sets: the number of statements an opening runs (lock,
receipts, eligibility as at the deadline, abnormally-low tests, validity, draws, ranking, award
candidate, notifications, the audit chain at commit) does not grow with the number of bids."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import select

from bidding import opening, selection
from bidding.models import ValidityDecision
from bidding.policy import DEFAULT_POLICY
from market import audit, lifecycle
from market.models import Notification
from tests.bidding.helpers import EIA_QUALIFICATION


@contextmanager
def counted(session):
    """Count the statements sent to the database (an executemany counts once)."""
    engine = session.get_bind()
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _open_with(world, db, agencies, method):
    task = world.post_task(method, min_bids=3, required_qualifications=[EIA_QUALIFICATION])
    for i, agency in enumerate(agencies):
        # 60–100 % of the cap, none abnormally low; the first two tie, so a tie draw is made.
        price = None if method == "random" else 1_200_000 + 7_000 * max(i, 1)
        world.bid(agency, task, price_fen=price)
    world.shift_to(task, "deadline_passed")
    db.rollback()
    with counted(db) as statements:
        assert opening.open_if_due(db, task, DEFAULT_POLICY) is True
        db.commit()
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    assert len(selection.ranking_of(db, task)) == len(agencies)
    return task, len(statements)


@pytest.mark.parametrize("method", ["lowest_price", "average_price", "random"])
def test_an_opening_runs_as_many_statements_for_100_bids_as_for_10(world, db, method):
    agencies = [world.qualified_agency() for _ in range(100)]
    small, few = _open_with(world, db, agencies[:10], method)
    large, many = _open_with(world, db, agencies, method)
    assert many == few
    # Every bid was judged, every bidder notified, and the chain still verifies.
    assert len(db.exec(select(ValidityDecision).where(ValidityDecision.task_id == large.id)).all())
    assert [
        d.valid
        for d in db.exec(select(ValidityDecision).where(ValidityDecision.task_id == large.id))
    ] == [True] * 100
    opened = db.exec(
        select(Notification).where(
            Notification.task_id == large.id, Notification.kind == "bidding.task_opened.bidder"
        )
    ).all()
    assert sorted(n.org_id for n in opened) == sorted(a.organization_id for a in agencies)
    assert audit.verify(db) == []
