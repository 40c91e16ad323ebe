"""`seed demo` leaves a repaired misconduct record (no longer counted nor published, its
commitment published) and a repair application waiting for the regulator, and the monthly honour
rolls of the last six months; a second run changes nothing (ratings/repair_demo.py,
ratings/honour_demo.py)."""

from __future__ import annotations

from sqlmodel import select

from bidding import selection
from bidding.models import Bid
from market.demo import load_all
from market.models import Organization, Task, User
from ratings import honour_demo
from ratings.models import (
    CreditEvent,
    HonourEntry,
    HonourGrade,
    HonourRoll,
    MisconductRecord,
    RepairApplication,
)


def test_the_demo_shows_repair_and_the_monthly_rolls(app, db, frozen, bidding_keys):
    lines = load_all(app, db)
    db.commit()
    assert (
        "credit repair demo: a repaired record, an application waiting for the regulator" in lines
    )
    done, waiting = db.exec(select(RepairApplication).order_by(RepairApplication.id)).all()
    assert (done.decision, waiting.decision) == ("repaired", None)
    record = db.get(MisconductRecord, done.record_id)
    event = db.exec(
        select(CreditEvent).where(CreditEvent.source == f"misconduct:{record.id}")
    ).one()
    assert record.repaired_at is not None and event.voided_at == record.repaired_at
    months = db.exec(select(HonourRoll.month).order_by(HonourRoll.month)).all()
    assert [m.isoformat()[:7] for m in months] == [
        "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
    ]  # fmt: skip
    assert db.exec(select(HonourGrade)).all()
    agency = db.exec(select(User).where(User.email == "agency@demo.zjm")).one()
    org = db.get(Organization, agency.organization_id)
    entry = db.exec(select(HonourEntry).where(HonourEntry.agency_id == org.id)).all()
    assert [e.numbers["contracts_accepted"] for e in entry][-1] == 5
    assert org.honour_roll_since is not None
    task = db.exec(select(Task).where(Task.title == honour_demo.SCORING_TITLE)).one()
    numbers = {db.get(Bid, e.bid_id).agency_id: e.numbers for e in selection.ranking_of(db, task)}
    assert (numbers[org.id]["honour_roll"], numbers[org.id]["honour_bonus_points"]) == ("1", "2")
    again = load_all(app, db)
    assert "credit repair demo already loaded" in again
    assert "honour roll demo already loaded" in again
