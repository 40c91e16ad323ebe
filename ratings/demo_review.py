"""Ratings' share of the demo (`seed demo`) for the regulator's review: on the demo department's
accepted contract, its rating of the agency (published), appealed by the agency and voided by the
demo regulator; a general misconduct record of one demo agency and a commendation of another.

The rating is the department's, made by the ratings demo (`ratings/demo.py`); the appeal, the
decision, the record and the commendation go through the real services with the clock moved back,
so dates, the audit log, notifications and credit events are what the platform would have made.
Idempotent: a second run finds the appeal and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from flask import Flask
from sqlmodel import Session, select

from bidding import demo as bidding_demo
from bidding.models import Contract
from market import clock, demo
from market.models import Task, User
from market.policy import registry_of
from ratings import appeals, records
from ratings.models import Rating, RatingAppeal
from ratings.models.ratings import BY_APPLICANT
from ratings.policy import SECTION, RatingsPolicy

REGULATOR = "regulator@demo.zjm"
DEPARTMENT = "department@demo.zjm"
RATED = "survey@demo.zjm"
RECORDED = "cost@demo.zjm"
COMMENDED = "agency@demo.zjm"


@contextmanager
def _at(when: datetime) -> Iterator[None]:
    previous = clock.use(clock.FrozenClock(when))
    try:
        yield
    finally:
        clock.use(previous)


def _user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def load_review_demo(session: Session, policy: RatingsPolicy) -> str:
    if session.exec(select(RatingAppeal.id)).first() is not None:
        return "ratings review demo already loaded"
    users = {e: _user(session, e) for e in (REGULATOR, DEPARTMENT, RATED, RECORDED, COMMENDED)}
    task = session.exec(select(Task).where(Task.title == bidding_demo.ACCEPTED)).first()
    contract = (
        session.exec(select(Contract).where(Contract.task_id == task.id)).first() if task else None
    )
    if contract is None or None in users.values():
        return "ratings review demo: skipped (no accepted demo contract)"
    now = clock.now()
    regulator = users[REGULATOR]
    # The department's rating of the agency (ratings/demo.py, published when both had rated).
    rating = session.exec(
        select(Rating).where(Rating.contract_id == contract.id, Rating.side == BY_APPLICANT)
    ).first()
    if rating is None:
        return "ratings review demo: skipped (the accepted demo contract is not rated)"
    with _at(now - timedelta(days=1)):
        appeal = appeals.file_appeal(
            session,
            users[RATED],
            rating.id,
            "报告书按合同约定期限提交，延期系申请人补充资料所致，有往来函件为证。",
            policy,
        )
    with _at(now - timedelta(hours=3)):
        appeals.decide(
            session,
            regulator,
            appeal.id,
            "voided",
            "经核查往来函件，延期系申请人补充资料所致，评价与事实不符，予以撤销。",
        )
        records.record_misconduct(
            session,
            regulator,
            users[RECORDED].organization_id,
            "general",
            "《吉林省中介服务管理办法》第二十条",
            "在某项目中提交的业绩证明材料与实际不符。",
        )
        records.commend(
            session,
            regulator,
            users[COMMENDED].organization_id,
            "在重点项目环评中主动压缩服务时限，质量优良。",
        )
    return "ratings review demo: a voided rating, a misconduct record, a commendation"


def register_demo(app: Flask) -> None:
    demo.register(app, partial(load_review_demo, policy=registry_of(app).section(SECTION.name)))
