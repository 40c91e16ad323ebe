"""`flask seed demo` rates the demo's accepted contract through the real services (ratings/demo.py):
both sides' ratings published together, the agency's reply, the credit event; a second run
changes nothing."""

from __future__ import annotations

from sqlmodel import select

from bidding.demo import ACCEPTED
from market.demo import load_all
from market.models import Task
from ratings.models import CreditEvent, Rating
from ratings.models.ratings import BY_AGENCY, BY_APPLICANT
from tests.bidding.helpers import text


def test_the_demo_contract_is_rated_by_both_sides_with_a_reply(app, db, frozen, bidding_keys):
    load_all(app, db)
    db.commit()
    task = db.exec(select(Task).where(Task.title == ACCEPTED)).one()
    rows = db.exec(select(Rating).where(Rating.task_id == task.id).order_by(Rating.id)).all()
    assert [r.side for r in rows] == [BY_APPLICANT, BY_AGENCY]
    assert rows[0].published_at == rows[1].published_at is not None
    assert rows[0].reply.startswith("感谢评价")
    sources = {f"rating:{r.id}" for r in rows}
    events = db.exec(
        select(CreditEvent).where(CreditEvent.kind == "rating", CreditEvent.source.in_(sources))
    ).all()
    assert [e.source for e in events] == [f"rating:{rows[0].id}"]
    page = text(app.test_client().get(f"/agencies/{rows[0].rated_org_id}?lang=zh"))
    assert "委托方的评价" in page and "感谢评价" in page
    load_all(app, db)
    db.commit()
    assert len(db.exec(select(Rating).where(Rating.task_id == task.id)).all()) == 2
