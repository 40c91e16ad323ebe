"""`seed demo` shows each exit rule at work (ratings/demo_exits.py), by the real services, and a
second run changes nothing."""

from __future__ import annotations

from sqlmodel import select

from market.demo import load_all
from market.models import Organization, User
from ratings.models.exits import ExitAction, ExitAppeal, ExitNotice


def org_of(db, email):
    user = db.exec(select(User).where(User.email == email)).one()
    return db.get(Organization, user.organization_id)


def test_the_demo_shows_each_exit_rule(app, db, frozen, bidding_keys):
    lines = load_all(app, db)
    db.commit()
    assert (
        "exit rules demo: a warned agency with a pending appeal, a suspended agency (its bid "
        "refused: Your agency is suspended from bidding until 2027-05-21 24:00.), a removal "
        "proposal awaiting confirmation, a qualification expiring in 20 days"
    ) in lines
    warned = org_of(db, "warned@demo.zjm")
    assert (warned.grade, warned.credit_score_milli, warned.suspended_until) == ("D", 50_000, None)
    appeal = db.exec(select(ExitAppeal).where(ExitAppeal.agency_id == warned.id)).one()
    assert appeal.decided_at is None
    suspended = org_of(db, "suspended@demo.zjm")
    assert suspended.suspended_until is not None and suspended.warned_since is not None
    licence = org_of(db, "licence@demo.zjm")
    (proposal,) = db.exec(select(ExitAction).where(ExitAction.agency_id == licence.id)).all()
    assert (proposal.kind, proposal.state, licence.removed_at) == ("removal", "proposed", None)
    expiring = org_of(db, "expiring@demo.zjm")
    assert db.exec(select(ExitNotice).where(ExitNotice.agency_id == expiring.id)).one()
    assert "exit rules demo already loaded" in load_all(app, db)
