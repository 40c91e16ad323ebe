"""Recorded payments' share of the demo (`seed demo`, after bidding's), through the real
services with the clock moved back: the department's budget contract (paid by bidding's demo)
confirmed by its agency, and the enterprise's signed private contract — priced above the card
limit, so recorded — paid by bank transfer and awaiting the agency's confirmation. Idempotent:
a payment already recorded or confirmed is left as it is."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from flask import Flask
from sqlmodel import Session, select

from bidding.contracts import delivery
from bidding.demo import ACCEPTED, CONTRACTED
from bidding.models.payments import BANK_TRANSFER, RECORDED, RECORDED_STATE
from bidding.payments import recorded
from bidding.payments.options import method_for_app
from bidding.payments.recorded_book import recorded_payment
from bidding.policy import SECTION, BiddingPolicy
from market import clock, demo
from market.models import Task, User
from market.policy import registry_of
from market.workdays import shanghai_date


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


def _contract(session: Session, title: str):
    task = session.exec(select(Task).where(Task.title == title)).first()
    return (task, delivery.contract_of(session, task)) if task is not None else (None, None)


def load_payments_demo(session: Session, *, policy: BiddingPolicy, config: Mapping) -> str:
    now, done = clock.now(), []
    task, contract = _contract(session, ACCEPTED)
    if contract is not None:
        row = recorded_payment(session, contract)
        if row is not None and row.state == RECORDED_STATE:
            with _at(now - timedelta(hours=20)):
                recorded.confirm(session, _member(session, contract.agency_id), contract.id)
            done.append("budget payment confirmed")
    task, contract = _contract(session, CONTRACTED)
    if (
        contract is not None
        and contract.signed_at is not None
        and method_for_app(config, task, contract) == RECORDED
        and recorded_payment(session, contract) is None
    ):
        with _at(now - timedelta(hours=3)):
            recorded.record(
                session,
                _member(session, contract.applicant_org_id),
                contract.id,
                means=BANK_TRANSFER,
                reference="工商银行转账 2026-0520-118",
                paid_on=shanghai_date(clock.now()).isoformat(),
                policy=policy,
                config=config,
            )
        done.append("private payment recorded, awaiting confirmation")
    return ("payments: " + ", ".join(done)) if done else "demo payments already loaded"


def register_demo(app: Flask) -> None:
    demo.register(
        app,
        partial(
            load_payments_demo,
            policy=registry_of(app).section(SECTION.name),
            config=app.config,
        ),
    )
