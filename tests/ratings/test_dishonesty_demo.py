"""`seed demo` shows the serious-dishonesty list (ratings/demo_dishonesty.py): an agency listed by
decision after its statement, a proposal in its notice period with a statement, an imported list
with a matched and an unmatched row; a second run changes nothing."""

from __future__ import annotations

from sqlmodel import select

from market import clock
from market.demo import load_all
from market.models import Organization
from ratings import dishonesty
from ratings.models import DishonestyEntry, DishonestyImport, DishonestyProposal


def test_the_demo_shows_a_listing_a_notice_period_and_an_import(app, db, frozen, bidding_keys):
    lines = load_all(app, db)
    db.commit()
    assert (
        "dishonesty demo: a listed agency, a proposal in its notice period, an imported list"
        in lines
    )
    now = clock.now()
    proposals = db.exec(select(DishonestyProposal).order_by(DishonestyProposal.id)).all()
    # The exit rules' demo records a serious misconduct record first: its automatic proposal
    # awaits a regulator's notice.
    automatic, listed, pending = proposals
    assert (automatic.source, automatic.notice_at) == ("serious_record", None)
    assert (listed.decision, listed.statement is not None) == ("listed", True)
    # Still within its statement period, its statement in: the regulator may decide it now.
    assert now < pending.statement_due and pending.statement and pending.decided_at is None
    assert dishonesty.state_of(pending, now) == "to_decide"
    geo = db.get(Organization, listed.agency_id)
    entries = db.exec(select(DishonestyEntry).order_by(DishonestyEntry.id)).all()
    assert [(e.source, e.agency_id) for e in entries] == [
        ("decision", geo.id),
        ("import", geo.id),
        ("import", None),
    ]
    assert geo.dishonest_until == max(e.ends_at for e in entries[:2])
    report = db.exec(select(DishonestyImport)).one().report
    assert (len(report["matched"]), len(report["unmatched"]), report["refused"]) == (1, 1, [])
    assert len(dishonesty.in_force_slice(db, now)) == 3
    assert "dishonesty demo already loaded" in load_all(app, db)
