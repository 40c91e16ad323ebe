"""Credit repair's share of the demo (`seed demo`, after the review demo): a general misconduct
record of the demo survey agency recorded four months ago, whose repair application waits for the
demo regulator; and one of the demo geology agency recorded seven months ago, repaired three months ago
(no longer counted nor published; its commitment published on the agency's page). Everything goes
through the real services with the clock moved back. Idempotent: a second run finds the
applications and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from flask import Flask
from sqlmodel import Session, select

from market import clock, demo
from market.models import User
from market.policy import registry_of
from ratings import records, repair
from ratings.credit_policy import SECTION as CREDIT
from ratings.credit_policy import CreditPolicy
from ratings.models import RepairApplication
from ratings.repair_policy import SECTION, RepairPolicy

REGULATOR = "regulator@demo.zjm"
PENDING_AGENCY = "survey@demo.zjm"
REPAIRED_AGENCY = "geo@demo.zjm"


@contextmanager
def at(when: datetime) -> Iterator[None]:
    """The clock frozen at `when` for the block (the demo's past moments)."""
    previous = clock.use(clock.FrozenClock(when))
    try:
        yield
    finally:
        clock.use(previous)


def _user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def load_repair_demo(session: Session, *, policy: RepairPolicy, credit: CreditPolicy) -> str:
    if session.exec(select(RepairApplication.id)).first() is not None:
        return "credit repair demo already loaded"
    regulator, waiting, repaired = (
        _user(session, e) for e in (REGULATOR, PENDING_AGENCY, REPAIRED_AGENCY)
    )
    if None in (regulator, waiting, repaired):
        return "credit repair demo: skipped (the demo accounts are missing)"
    now = clock.now()
    with at(now - timedelta(days=210)):
        old = records.record_misconduct(
            session, regulator, repaired.organization_id, "general",
            "《吉林省中介服务管理办法》第二十一条", "未按合同约定时限提交成果，且未及时告知委托方。",
        )  # fmt: skip
    with at(now - timedelta(days=100)):
        done = repair.apply(
            session, repaired, old.id,
            "已与委托方签订补充协议并完成成果交付，建立项目进度周报制度，相关人员已接受培训。",
            "本机构承诺严格按照合同约定时限提供服务，进度风险及时书面告知委托方，接受社会监督。",
            policy, credit,
        )  # fmt: skip
    with at(now - timedelta(days=95)):
        repair.decide(
            session, regulator, done.id, "repaired", "整改措施到位，委托方书面确认，予以修复。"
        )
    with at(now - timedelta(days=125)):
        recent = records.record_misconduct(
            session, regulator, waiting.organization_id, "general",
            "《吉林省中介服务管理办法》第二十条", "在某项目中未按规定履行现场踏勘程序。",
        )  # fmt: skip
    with at(now - timedelta(days=2)):
        repair.apply(
            session, waiting, recent.id,
            "已补充完成现场踏勘并修订报告相关章节，制定踏勘工作规程，附整改报告。",
            "本机构承诺严格履行现场踏勘程序，如实记录踏勘情况，自觉接受监管部门和社会监督。",
            policy, credit,
        )  # fmt: skip
    return "credit repair demo: a repaired record, an application waiting for the regulator"


def register_demo(app: Flask) -> None:
    registry = registry_of(app)
    demo.register(
        app,
        partial(
            load_repair_demo,
            policy=registry.section(SECTION.name),
            credit=registry.section(CREDIT.name),
        ),
    )
