"""The card payment's share of the demo (`seed demo`, docs/rules.md §7): a `private` task of the
demo enterprise at a price under the card limit, bid on, awarded and its contract signed by both
sides (through the real services, the clock seam moved back), then paid by card into escrow with
Stripe's test card 4242… when Stripe (localstripe) answers. `make run` seeds before it starts
localstripe, so there the contract is left signed and awaiting its card payment: log in as the
enterprise and pay it on its contract's card page with 4242 4242 4242 4242.
Idempotent: a second run finds the task and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from flask import Flask
from sqlmodel import Session, select

from bidding import awards, opening, sealed
from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.payments import escrow
from bidding.policy import SECTION, BiddingPolicy
from market import clock, demo, tasks
from market.models import Task, User
from market.policy import TASKS, TaskPolicy, registry_of

TITLE = "（演示）某社区卫生服务站建设项目环境影响报告表编制（银行卡托管）"
APPLICANT = "enterprise@demo.zjm"
AGENCIES = ("agency@demo.zjm", "survey@demo.zjm")
#: Each agency's bid in fen: the lowest (the first) is awarded, under the default card limit.
PRICES = (3_680_000, 3_950_000)
TEST_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}


@contextmanager
def frozen_at(when: datetime) -> Iterator[clock.FrozenClock]:
    frozen = clock.FrozenClock(when)
    previous = clock.use(frozen)
    try:
        yield frozen
    finally:
        clock.use(previous)


def _user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def _signed_contract(session, applicant, agencies, policy, task_policy):
    start = clock.now() - timedelta(days=40)
    with frozen_at(start) as frozen:
        draft = tasks.create_draft(
            session,
            applicant,
            {
                "service_item": "EIA-REPORT",
                "title": TITLE,
                "description": "编制社区卫生服务站建设项目环境影响报告表（演示数据，银行卡托管支付）。",
                "funding": "private",
                "method": "lowest_price",
                "price_cap_fen": 4_500_000,
                "min_bids": 2,
                "service_days": 30,
                "bidding_wd": 5,
            },
            task_policy,
        )
        task = tasks.publish(session, applicant, draft.number, task_policy)
        frozen.advance(days=1)
        for agency, price in zip(agencies, PRICES, strict=True):
            sealed.submit_bid(
                session,
                agency,
                task.number,
                price_fen=price,
                duration_days=30,
                proposal_text="组建 3 人项目组，30 日内完成报告表编制并配合审批。",
            )
    with frozen_at(task.deadline_at + timedelta(hours=1)):
        opening.open_if_due(session, task, policy)
    award = awards.current(session, task)
    with frozen_at(max(award.publicity_ends_at, award.objections_until)):
        awards.finalize_if_due(session, task, policy)
    contract = delivery.contract_of(session, task)
    with frozen_at(contract.created_at + timedelta(days=1)):
        contracts.sign(session, agencies[0], contract.id, policy)
        contracts.sign(session, applicant, contract.id, policy)
    return contract


def load_escrow_demo(
    session: Session,
    *,
    policy: BiddingPolicy,
    task_policy: TaskPolicy,
    settings: escrow.Settings,
) -> str:
    applicant = _user(session, APPLICANT)
    agencies = [_user(session, email) for email in AGENCIES]
    if applicant is None or None in agencies:
        return "card payment demo skipped: the demo accounts are missing"
    if session.exec(select(Task.id).where(Task.title == TITLE)).first() is not None:
        return "card payment demo already loaded"
    contract = _signed_contract(session, applicant, agencies, policy, task_policy)
    awaiting = f"card payment demo: contract {contract.id} signed, awaiting its card payment"
    attempt = escrow.start(session, applicant, contract.id, settings)
    if attempt.error is not None:
        return f"{awaiting} (Stripe: {attempt.error.kind})"
    try:
        # What Stripe.js does in the browser; Stripe's stand-in lets the server do it.
        token = escrow.gateway().client().v1.tokens.create(params={"card": TEST_CARD})
    except Exception as exc:  # noqa: BLE001  (any refusal leaves the demo contract payable)
        return f"{awaiting} (Stripe: {type(exc).__name__})"
    attempt = escrow.confirm_card(session, applicant, contract.id, token["id"], settings)
    if attempt.error is not None or attempt.payment.state != "succeeded":
        kind = attempt.error.kind if attempt.error else attempt.intent.status
        return f"{awaiting} (Stripe: {kind})"
    return f"card payment demo: contract {contract.id} paid into escrow with the card 4242…"


def register_escrow_demo(app: Flask) -> None:
    registry = registry_of(app)
    demo.register(
        app,
        partial(
            load_escrow_demo,
            policy=registry.section(SECTION.name),
            task_policy=registry.section(TASKS.name),
            settings=escrow.Settings.from_config(app.config),
        ),
    )
