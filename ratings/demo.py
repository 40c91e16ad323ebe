"""Ratings' share of the demo (`seed demo`, after bidding's): the demo's accepted budget contract
rated by both sides through the real services, with the clock moved back — the department's
rating of the agency and the agency's of the department, published together on the second, and
the agency's public reply. Idempotent: a contract already rated is left as it is."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from flask import Flask
from sqlmodel import Session, select

from bidding.demo import ACCEPTED
from bidding.models import Contract
from bidding.policy import SECTION, BiddingPolicy
from market import clock, demo
from market.models import Task, User
from market.policy import registry_of
from ratings import ratings


@contextmanager
def _at(when: datetime) -> Iterator[None]:
    previous = clock.use(clock.FrozenClock(when))
    try:
        yield
    finally:
        clock.use(previous)


def _member(session: Session, org_id: int) -> User:
    return session.exec(
        select(User).where(User.organization_id == org_id).order_by(User.id)
    ).first()


def load_ratings_demo(session: Session, *, policy: BiddingPolicy) -> str:
    contract = session.exec(
        select(Contract)
        .join(Task, Task.id == Contract.task_id)
        .where(Task.title == ACCEPTED, Contract.accepted_at.is_not(None))
    ).first()
    if contract is None:
        return "demo ratings skipped: the accepted demo contract is missing"
    if ratings.of_contract(session, contract.id):
        return "demo ratings already loaded"
    department = _member(session, contract.applicant_org_id)
    agency = _member(session, contract.agency_id)
    now = clock.now()
    stars = {"quality": 4, "timeliness": 2, "attitude": 4, "fees": 5, "conduct": 4}
    with _at(now - timedelta(days=2)):
        first = ratings.rate(
            session, department, contract.id, stars,
            "报告书内容尚可，但送审稿比约定晚两天提交，影响了审批进度。", policy,
        )  # fmt: skip
    with _at(now - timedelta(days=1)):
        ratings.rate(
            session, agency, contract.id, dict.fromkeys(stars, 5),
            "委托方资料提供完整，验收组织及时，付款按约定办理。", policy,
        )  # fmt: skip
    with _at(now - timedelta(hours=20)):
        ratings.reply(
            session, agency, first.id,
            "感谢评价。送审稿延期系补充监测数据所致，今后将提前沟通进度。",
        )  # fmt: skip
    return "demo ratings: the accepted contract rated by both sides, with a reply"


def register_demo(app: Flask) -> None:
    demo.register(app, partial(load_ratings_demo, policy=registry_of(app).section(SECTION.name)))
