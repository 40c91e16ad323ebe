"""`seed demo` leaves a voided rating, a general misconduct record and a commendation
(ratings/demo_review.py), made by the real services, and a second run changes nothing."""

from __future__ import annotations

from sqlmodel import select

from bidding.demo import ACCEPTED
from market.demo import load_all
from market.models import Task
from ratings.models import Commendation, CreditEvent, MisconductRecord, Rating, RatingAppeal
from ratings.models.ratings import BY_APPLICANT


def test_the_demo_shows_a_voided_rating_a_record_and_a_commendation(app, db, frozen, bidding_keys):
    lines = load_all(app, db)
    db.commit()
    assert "ratings review demo: a voided rating, a misconduct record, a commendation" in lines
    rating = db.exec(
        select(Rating)
        .join(Task, Task.id == Rating.task_id)
        .where(Rating.side == BY_APPLICANT, Task.title == ACCEPTED)
    ).one()
    appeal = db.exec(select(RatingAppeal)).one()
    assert (appeal.decision, rating.voided_at is not None) == ("voided", True)
    event = db.exec(select(CreditEvent).where(CreditEvent.source == f"rating:{rating.id}")).one()
    assert event.voided_at == rating.voided_at
    # (the exit rules' demo, ratings/demo_exits.py, records misconduct of its own agencies)
    record = db.exec(
        select(MisconductRecord).where(
            MisconductRecord.facts == "在某项目中提交的业绩证明材料与实际不符。"
        )
    ).one()
    commendation = db.exec(
        select(Commendation).where(
            Commendation.reason == "在重点项目环评中主动压缩服务时限，质量优良。"
        )
    ).one()
    assert record.severity == "general"
    assert record.agency_id != commendation.agency_id
    assert "ratings review demo already loaded" in load_all(app, db)
