"""Bidding's share of the demo data (`flask --app wsgi seed demo`, after `market.demo`): tasks of
the demo enterprise that were published and bid on three weeks ago, then opened and decided now,
so `make run` shows results, rankings in yuan and draw records at once:

- a `lowest_price` task decided without a tie: its draw page says no draw was needed;
- an `average_price` task: the `factor` draw, and a reference price that is a fraction of fen;
- a `lowest_price` task with too few bids: a failed selection, without a draw.

The bidders are demo agencies with no relation between them (`market.demo` relates the others).
The past is reached through the clock seam (`market.clock`), so every timestamp and audit event
reads as it would have then; only the opening happens at the real now.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bidding import opening, sealed
from bidding.policy import BiddingPolicy
from market import clock, tasks
from market.models import Task, User

#: The demo bidders (`market.demo.AGENCIES`): unrelated to each other.
BIDDERS = ("agency@demo.zjm", "cost@demo.zjm", "survey@demo.zjm")
#: Title → (method, minimum valid bids, the bids in fen by bidder).
DEMO_TASKS = {
    "长春示范新材料厂区扩建项目环境影响报告书编制": (
        "lowest_price",
        1,
        {"agency@demo.zjm": 86_000_00, "cost@demo.zjm": 92_500_00},
    ),
    "长春示范新材料仓储中心环境影响报告书编制": (
        "average_price",
        3,
        {"agency@demo.zjm": 88_000_00, "cost@demo.zjm": 95_000_00, "survey@demo.zjm": 99_999_99},
    ),
    "长春示范新材料研发楼环境影响报告书编制": (
        "lowest_price",
        3,
        {"agency@demo.zjm": 90_000_00},
    ),
}


def _user(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def load_demo(session: Session, policy: BiddingPolicy) -> str:
    applicant = _user(session, "enterprise@demo.zjm")
    if session.exec(select(Task.id).where(Task.title.in_(list(DEMO_TASKS)))).first():
        return "bidding demo already loaded"
    posted = []
    previous = clock.use(clock.FrozenClock(clock.now() - timedelta(days=21)))
    try:
        for title, (method, min_bids, bids) in DEMO_TASKS.items():
            draft = tasks.create_draft(
                session,
                applicant,
                {
                    "service_item": "EIA-REPORT",
                    "title": title,
                    "description": "编制建设项目环境影响报告书，并配合完成技术评估与审批答疑。",
                    "funding": "private",
                    "method": method,
                    "price_cap_fen": 120_000_00,
                    "min_bids": min_bids,
                    "service_days": 60,
                    "bidding_wd": 5,
                },
            )
            task = tasks.publish(session, applicant, draft.number)
            for email, price_fen in bids.items():
                sealed.submit_bid(
                    session,
                    _user(session, email),
                    task.number,
                    price_fen=price_fen,
                    duration_days=45,
                    proposal_text="技术路线：现状调查、影响预测与评价、环境保护措施论证。",
                    attachment_sha256s=(),
                )
            posted.append(task)
    finally:
        clock.use(previous)
    for task in posted:
        opening.open_if_due(session, task, policy)
    return f"bidding demo loaded ({len(posted)} decided tasks)"
