"""The exit rules' share of the demo (`seed demo`, docs/rules.md §6): four more demo agencies
showing each rule at work, made by the real services with the clock moved back where a fact is
past, so dates, the audit log and notifications are what the platform would have made:

- 长春市示警咨询 (warned@demo.zjm): two general misconduct records took its score to 50.000,
  grade D: a credit warning is in force, and it has appealed it (pending before the regulator);
- 长春市暂停咨询 (suspended@demo.zjm): a serious record took its score to 40.000: warned and
  suspended for 6 months; its bid on the open demo task is refused with the dates;
- 长春市注销咨询 (licence@demo.zjm): the regulator recorded its business licence as cancelled:
  its removal is proposed, awaiting confirmation;
- 长春市临期测绘 (expiring@demo.zjm): its surveying qualification, which the law requires of the
  firm for the surveying it offers, expires in 20 days: the daily sweep sent its notice.

Idempotent: a second run finds the first agency and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from flask import Flask
from sqlmodel import Session, select
from stdnum.cn import uscc as stdnum_uscc

from bidding import demo as bidding_demo
from bidding import sealed
from market import agencies, clock, demo
from market.demo import DEMO_PASSWORD
from market.models import Task, User
from market.policy import registry_of
from market.validation import Forbidden
from market.workdays import shanghai_date
from ratings import exits, records
from ratings.exits_policy import SECTION, ExitsPolicy
from ratings.models.exits import ExitAction

REGULATOR = "regulator@demo.zjm"
BASIS = "《吉林省中介服务管理办法》第二十条"


@contextmanager
def _at(when: datetime) -> Iterator[None]:
    previous = clock.use(clock.FrozenClock(when))
    try:
        yield
    finally:
        clock.use(previous)


def _uscc(n: int) -> str:
    body = f"91220102MA1EX{n:04d}"
    return body + stdnum_uscc.calc_check_digit(body)


def _agency(session: Session, n: int, name: str, email: str, service: tuple, qualification=None):
    code, scope = service
    data = {
        "name": name,
        "uscc": _uscc(n),
        "legal_representative": "周演示",
        "region_code": "220102",
        "address": "长春市南关区演示路 1 号",
        "description": "退出规则演示机构。",
        "contact_name": "周演示",
        "contact_phone": "0431-80000001",
        "contact_email": email,
        "services": [
            {
                "service_item": code,
                "commitment_days": 20,
                "commitment_scope": scope,
                "price_min_fen": 10000_00,
                "price_max_fen": 200000_00,
            }
        ],
        "professionals": [],
        "qualifications": [qualification] if qualification else [],
        "commitment": True,
        "user_name": "周演示",
        "email": email,
        "password": DEMO_PASSWORD,
    }
    return agencies.register_agency(session, data)


def load_exits_demo(session: Session, policy: ExitsPolicy) -> str:
    if session.exec(select(User.id).where(User.email == "warned@demo.zjm")).first():
        return "exit rules demo already loaded"
    regulator = session.exec(select(User).where(User.email == REGULATOR)).first()
    if regulator is None:
        return "exit rules demo: skipped (no demo regulator)"
    now = clock.now()
    eia = ("EIA-FORM", "环境影响报告表编制")
    with _at(now - timedelta(days=3)):
        warned = _agency(session, 1, "长春市示警咨询有限公司（演示）", "warned@demo.zjm", eia)
        suspended = _agency(session, 2, "长春市暂停咨询有限公司（演示）", "suspended@demo.zjm", eia)
        licence = _agency(session, 3, "长春市注销咨询有限公司（演示）", "licence@demo.zjm", eia)
        _agency(
            session,
            4,
            "长春市临期测绘有限公司（演示）",
            "expiring@demo.zjm",
            ("SURVEYING-MAPPING", "工程测量"),
            {
                "type": "surveying",
                "grade": "B",
                "scope": "工程测量",
                "certificate_no": "乙测资字22000099",
                "issuer": "吉林省自然资源厅",
                "valid_until": (shanghai_date(now) + timedelta(days=20)).isoformat(),
            },
        )
        for facts in ("业绩证明材料与实际不符。", "未按合同约定期限提交成果。"):
            records.record_misconduct(
                session, regulator, warned.organization_id, "general", BASIS, facts
            )
        records.record_misconduct(
            session,
            regulator,
            suspended.organization_id,
            "serious",
            BASIS,
            "与其他中介机构串通报价，情节严重。",
        )
    with _at(now - timedelta(days=1)):
        warning = session.exec(
            select(ExitAction).where(ExitAction.agency_id == warned.organization_id)
        ).first()
        exits.file_appeal(
            session,
            warned,
            warning.id,
            "两项记录所涉问题均已整改完毕，相关证明材料已提交，请求撤销信用警示。",
            policy,
        )
        exits.record_licence_cancellation(
            session,
            regulator,
            licence.organization_id,
            (shanghai_date(now) - timedelta(days=2)).isoformat(),
            "长市监注销〔2026〕第 118 号",
            policy,
        )
    exits.daily_sweep(session, policy)
    refusal = "no open demo task"
    task = session.exec(select(Task).where(Task.title == bidding_demo.OPEN)).first()
    if task is not None:
        try:
            sealed.submit_bid(session, suspended, task.number, price_fen=50000_00, duration_days=20)
            refusal = "the suspended agency's bid was accepted (unexpected)"
        except Forbidden as refused:
            refusal = f"its bid refused: {refused.message.msgid % refused.message.params}"
    return (
        "exit rules demo: a warned agency with a pending appeal, a suspended agency "
        f"({refusal}), a removal proposal awaiting confirmation, a qualification expiring in "
        "20 days"
    )


def register_demo(app: Flask) -> None:
    demo.register(app, partial(load_exits_demo, policy=registry_of(app).section(SECTION.name)))
