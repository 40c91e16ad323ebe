"""The honour roll's share of the demo (`seed demo`, after the other ratings demos).

The demo agency (agency@demo.zjm) earns its place the way any agency would, through the real
services with the clock moved back about ten months: five private tasks of three enterprises (the
demo enterprise and two registered here), each bid on by the three demo agencies and won by it,
its contract signed, delivered on time and accepted, and rated five stars by both sides; two
commendations by the demo regulator. Then the monthly computations of the last six months and
this month's run through the real sweep function (`ratings.honour.publish_roll`) at 00:20 Shanghai
on each month's 1st, so its grades are recorded month by month and it enters the roll. Finally a
`scoring` task without a quality part, opened after this month's roll: its ranking shows the
agency's badge and the bonus in its numbers. Idempotent: a second run finds the rolls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from flask import Flask
from sqlmodel import Session, func, select

from bidding import awards, opening, sealed
from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.demo import BIDDERS, PROPOSALS, REGULATOR
from bidding.policy import SECTION, BiddingPolicy
from market import accounts, clock, demo, tasks
from market.attachments import AttachmentPolicy
from market.models import Task, User
from market.policy import TASKS, Registry, TaskPolicy, registry_of
from ratings import ratings, records
from ratings.credit import add_months
from ratings.honour import month_of, publish_roll, start_of
from ratings.models import HonourEntry, HonourRoll
from ratings.standing import refresh_due

APPLICANT = "enterprise@demo.zjm"
#: Two more enterprises, so the agency's contracts have three different applicants.
ENTERPRISES = (
    ("长春示范化工有限公司", "91220104MA17HN2K5L", "赵明", "chem@demo.zjm"),
    ("吉林示范食品有限公司", "91220102MA16QR8T1X", "孙丽", "food@demo.zjm"),
)
SCORING_TITLE = "（演示）某食品加工扩建项目环境影响报告书编制（综合评分·守信加分）"
REPORT = (("环境影响报告书（终稿）.pdf", b"%PDF-1.7\n% demo: the final report\n%%EOF\n"),)
FIVE = dict.fromkeys(("quality", "timeliness", "attitude", "fees", "conduct"), 5)


@contextmanager
def _at(when: datetime) -> Iterator[clock.FrozenClock]:
    frozen = clock.FrozenClock(when)
    previous = clock.use(frozen)
    try:
        yield frozen
    finally:
        clock.use(previous)


def _user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def _task_data(title: str, method: str = "lowest_price", **overrides) -> dict:
    data = {
        "service_item": "EIA-REPORT",
        "title": title,
        "description": "编制建设项目环境影响报告书（演示数据）。",
        "funding": "private",
        "method": method,
        "price_cap_fen": 250_000_00,
        "min_bids": 2,
        "service_days": 60,
        "bidding_wd": 5,
    }
    data.update(overrides)
    return data


def _enterprise(session: Session, name: str, uscc: str, person: str, email: str) -> User:
    return _user(session, email) or accounts.register_enterprise(
        session,
        {
            "name": name,
            "uscc": uscc,
            "legal_representative": person,
            "region_code": "220102",
            "user_name": person,
            "email": email,
            "password": demo.DEMO_PASSWORD,
        },
    )


def _won_task(session, applicant, bidders, title, start, task_policy, policy) -> Task:
    """Published at `start` by `applicant`, bid on the next day by the three agencies (the first
    lowest), opened an hour after its deadline."""
    with _at(start) as frozen:
        draft = tasks.create_draft(session, applicant, _task_data(title), task_policy)
        task = tasks.publish(session, applicant, draft.number, task_policy)
        frozen.advance(days=1)
        for n, (bidder, price) in enumerate(zip(bidders, (172_000, 186_000, 199_000), strict=True)):
            sealed.submit_bid(
                session, bidder, task.number, price_fen=price * 100, duration_days=45,
                proposal_text=PROPOSALS[n],
            )  # fmt: skip
    with _at(task.deadline_at + timedelta(hours=1)):
        opening.open_if_due(session, task, policy)
    return task


def _accepted_and_rated(session, task, applicant, agency, upload_dir, policy) -> None:
    award = awards.current(session, task)
    with _at(max(award.publicity_ends_at, award.objections_until)):
        awards.finalize_if_due(session, task, policy)
    contract = delivery.contract_of(session, task)
    with _at(contract.created_at + timedelta(days=1)):
        contracts.sign(session, agency, contract.id, policy)
        contracts.sign(session, applicant, contract.id, policy)
    with _at(contract.created_at + timedelta(days=20)):
        row = delivery.deliver(
            session, agency, contract.id, "报告书终稿。", list(REPORT), upload_dir,
            AttachmentPolicy(), policy,
        )  # fmt: skip
    with _at(contract.created_at + timedelta(days=22)):
        delivery.accept(session, applicant, row.id, "报告书内容完整，按期交付，验收合格。", policy)
    with _at(contract.created_at + timedelta(days=23)):
        ratings.rate(session, applicant, contract.id, FIVE, "按期交付，质量优良。", policy)
        ratings.rate(session, agency, contract.id, FIVE, "资料齐全，验收及时。", policy)


def load_honour_demo(
    session: Session,
    *,
    registry: Registry,
    policy: BiddingPolicy,
    task_policy: TaskPolicy,
    upload_dir: str,
) -> str:
    if session.exec(select(HonourRoll.id)).first() is not None:
        return "honour roll demo already loaded"
    bidders = [_user(session, e) for e in BIDDERS]
    regulator, first = _user(session, REGULATOR), _user(session, APPLICANT)
    if None in (*bidders, regulator, first):
        return "honour roll demo: skipped (the demo accounts are missing)"
    now = clock.now()
    start = now - timedelta(days=300)
    with _at(start - timedelta(days=1)):
        applicants = [first] + [_enterprise(session, *e) for e in ENTERPRISES]
    agency = bidders[0]
    for n in range(5):
        applicant = applicants[n % 3]
        title = f"（演示）某项目环境影响报告书编制（守信示例 {n + 1}）"
        task = _won_task(
            session, applicant, bidders, title, start + timedelta(days=n), task_policy, policy
        )
        _accepted_and_rated(session, task, applicant, agency, upload_dir, policy)
    for n, reason in enumerate(("按期优质完成多个项目，委托方评价优良。", "主动公开服务承诺。")):
        with _at(start + timedelta(days=40 + n)):
            records.commend(session, regulator, agency.organization_id, reason)
    this_month = month_of(now)
    for back in range(6, -1, -1):
        with _at(start_of(add_months(this_month, -back)) + timedelta(minutes=20)):
            publish_roll(session, registry)
    # A scoring task opened after this month's roll: the badge and the bonus in its ranking.
    with _at(now - timedelta(days=10)) as frozen:
        draft = tasks.create_draft(
            session,
            first,
            _task_data(
                SCORING_TITLE, "scoring", weight_price=60, weight_credit=40, weight_quality=0
            ),
            task_policy,
        )
        task = tasks.publish(session, first, draft.number, task_policy)
        frozen.advance(days=1)
        for n, price in ((0, 190_000), (1, 186_000)):
            sealed.submit_bid(
                session, bidders[n], task.number, price_fen=price * 100, duration_days=45,
                proposal_text=PROPOSALS[n],
            )  # fmt: skip
    with _at(task.deadline_at + timedelta(hours=1)):
        opening.open_if_due(session, task, policy)
    # Every standing as of now (the daily sweep's function): the demo's facts were made with the
    # clock moved back, and ratings decay and events expire with time alone.
    refresh_due(session, registry)
    rolls = session.exec(select(func.count(HonourRoll.id))).one()
    entries = session.exec(select(func.count(HonourEntry.id))).one()
    return f"honour roll demo: {rolls} monthly rolls computed, {entries} entries, a scoring task"


def register_demo(app: Flask) -> None:
    registry = registry_of(app)
    demo.register(
        app,
        partial(
            load_honour_demo,
            registry=registry,
            policy=registry.section(SECTION.name),
            task_policy=registry.section(TASKS.name),
            upload_dir=app.config["UPLOAD_DIR"],
        ),
    )
