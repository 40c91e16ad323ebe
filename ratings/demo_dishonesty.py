"""The serious-dishonesty list's share of the demo (`seed demo`): one demo agency listed by the
demo regulator's decision after its statement (长春精诚地理信息有限公司, for confirmed collusion), one
in its notice period with its statement in (ecology@demo.zjm), and one imported list of another
authority with a row matched to the listed agency and a row matching no registered organization.

Everything goes through the real services with the clock moved back, so dates, the audit log,
notifications and `dishonest_until` are what the platform would have made. Idempotent: a second
run finds the proposals and changes nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from flask import Flask
from sqlmodel import Session, select

from market import clock, demo
from market.models import Organization, User
from market.policy import registry_of
from market.workdays import shanghai_date
from ratings import dishonesty
from ratings import dishonesty_import as importing
from ratings.dishonesty_import import COLUMNS
from ratings.dishonesty_policy import SECTION, DishonestyPolicy
from ratings.models import DishonestyProposal

REGULATOR = "regulator@demo.zjm"
LISTED = "geo@demo.zjm"
NOTICED = "ecology@demo.zjm"
#: A valid USCC no demo organization holds (the imported list's unmatched row).
UNREGISTERED = "91220104MA0Y9JL5X1"
LIST_BASIS = "《吉林省社会信用条例》第三十条；《中介服务管理办法》第三十五条"


@contextmanager
def _at(when: datetime) -> Iterator[None]:
    previous = clock.use(clock.FrozenClock(when))
    try:
        yield
    finally:
        clock.use(previous)


def _user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def load_dishonesty_demo(session: Session, policy: DishonestyPolicy) -> str:
    regulator, listed, noticed = (_user(session, e) for e in (REGULATOR, LISTED, NOTICED))
    if None in (regulator, listed, noticed):
        return "dishonesty demo: skipped (no demo regulator or agencies)"
    # Its own agency's proposal, not any: the exit rules' demo records a serious misconduct
    # record, which proposes a listing of another agency by itself.
    own = select(DishonestyProposal.id).where(
        DishonestyProposal.agency_id == listed.organization_id
    )
    if session.exec(own).first() is not None:
        return "dishonesty demo already loaded"
    now = clock.now()
    with _at(now - timedelta(days=20)):
        proposal = dishonesty.propose(
            session,
            regulator,
            listed.organization_id,
            "在两项测绘项目中与关联机构串通报价，经查实。",
            "《中介服务管理办法》第三十五条",
            "2026 年两项不动产测绘项目中，与长春市精诚测绘有限公司报价文件雷同、报价呈规律性差异。",
            policy,
        )
    with _at(now - timedelta(days=18)):
        dishonesty.state_case(
            session, listed, proposal.id, "两公司虽有股权关系，但报价系各自独立编制，请求从轻处理。"
        )
    with _at(now - timedelta(days=15)):
        today = shanghai_date(clock.now())
        dishonesty.decide(
            session,
            regulator,
            proposal.id,
            "listed",
            policy,
            legal_basis=LIST_BASIS,
            starts_on=today.isoformat(),
            ends_on=dishonesty.add_years(today, 1).isoformat(),
            removal_conditions="期满且完成整改、公开作出信用承诺；或经复议撤销原决定。",
        )
    with _at(now - timedelta(days=2)):
        pending = dishonesty.propose(
            session,
            regulator,
            noticed.organization_id,
            "编制的水土保持方案存在重大数据造假，已记录严重不良行为。",
            "《中介服务管理办法》第三十五条",
            "某项目水土保持方案的监测数据系编造。",
            policy,
        )
    with _at(now - timedelta(days=1)):
        dishonesty.state_case(
            session, noticed, pending.id, "数据系分包单位提供，本机构已解除合作并申请听证。"
        )
    geo = session.get(Organization, listed.organization_id)
    start = shanghai_date(now) - timedelta(days=30)
    row = {
        "authority": "国家发展和改革委员会",
        "legal_basis": "《失信行为纠正后的信用信息修复管理办法（试行）》",
        "facts": "在招标投标活动中串通投标。",
        "starts_on": start.isoformat(),
        "ends_on": dishonesty.add_years(start, 3).isoformat(),
        "removal_conditions": "期满且完成信用修复。",
    }
    with _at(now - timedelta(hours=2)):
        importing.import_file(
            session,
            regulator,
            _csv(
                [
                    {
                        **row,
                        "uscc": geo.uscc,
                        "name": geo.name,
                        "decision_ref": "发改信〔2026〕7号",
                    },
                    {
                        **row,
                        "uscc": UNREGISTERED,
                        "name": "某省外工程咨询有限公司",
                        "decision_ref": "发改信〔2026〕8号",
                    },
                ]
            ),
            "国家发展改革委严重失信名单.csv",
        )
    return "dishonesty demo: a listed agency, a proposal in its notice period, an imported list"


def register_demo(app: Flask) -> None:
    demo.register(app, partial(load_dishonesty_demo, policy=registry_of(app).section(SECTION.name)))
