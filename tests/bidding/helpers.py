"""Helpers for bidding tests: agencies, tasks in any state, and bids.

`World.shift_to(task, state)` moves a task by shifting its dates relative to the frozen clock (the
clock itself stays put), in the manner of openprocurement's `set_status()`.
"""

from __future__ import annotations

import html
import itertools
from datetime import timedelta

from sqlmodel import Session
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from bidding import opening, sealed
from bidding.policy import DEFAULT_POLICY
from market import clock, relations, tasks
from market.models import Organization, Task, User
from tests.conftest import Accounts

_SEQUENCE = itertools.count(1)

#: What an EIA task requires: the type of the qualification (its catalog requirement).
EIA_QUALIFICATION = "eia-engineer"
#: How messages name it: the type's name.
EIA_NAME = "环境影响评价工程师职业资格证书"


def new_uscc() -> str:
    body = f"91220101MA{next(_SEQUENCE):07d}"
    return body + stdnum_uscc.calc_check_digit(body)


def resident_id(n: int) -> str:
    """A valid resident identity card number (born 1990-01-01 in 长春市南关区), the n-th of 999."""
    body = f"22010219900101{n % 999 + 1:03d}"
    return body + stdnum_ric.calc_check_digit(body + "0")


def task_data(method: str = "lowest_price", **overrides) -> dict:
    data = {
        "service_item": "EIA-REPORT",
        "title": "某项目环境影响报告书编制",
        "description": "编制环境影响报告书。",
        "funding": "private",
        "method": method,
        "price_cap_fen": 2_000_000,
        "min_bids": 1,
        "service_days": 60,
        "bidding_wd": 5,
    }
    if method == "random":
        data["fixed_fee_fen"] = 1_000_000
    if method == "scoring":
        data.update(weight_price=30, weight_credit=10, weight_quality=60)
    data.update(overrides)
    return data


class World:
    """An applicant, agencies, tasks and bids inside the test's transaction."""

    def __init__(self, session: Session, make: Accounts, frozen: clock.FrozenClock):
        self.db, self.make, self.frozen = session, make, frozen
        self._applicant: User | None = None
        self._regulator: User | None = None
        self._department: User | None = None

    @property
    def applicant(self) -> User:
        if self._applicant is None:
            self._applicant = self.make.enterprise(uscc=new_uscc())
        return self._applicant

    def agency(self, **overrides) -> User:
        n = next(_SEQUENCE)
        data = {
            "uscc": new_uscc(),
            "name": f"吉林测试咨询{n}有限公司",
            "legal_representative": f"代表人{n}",
            "email": f"bidder{n}@test.zjm",
        }
        data.update(overrides)
        return self.make.agency(**data)

    @property
    def regulator(self) -> User:
        """A regulator of every category and region."""
        if self._regulator is None:
            self._regulator = self.make.staff("regulator")
        return self._regulator

    def declare_identity(self, agency: User, number: str, document_type: str = "resident_id"):
        """`agency` declares its legal representative's identity document."""
        row = relations.declare_identity(
            self.db, agency, agency.organization_id, document_type, number
        )
        self.db.commit()
        return row

    def verify_identity(self, agency: User, number: str, document_type: str = "resident_id"):
        """The regulator verifies `agency`'s representative identity from its documents."""
        row = relations.verify_identity(
            self.db,
            self.regulator,
            agency.organization_id,
            document_type,
            number,
            "营业执照与法定代表人身份证原件核对一致",
        )
        self.db.commit()
        return row

    def relate(self, first: User, second: User, kind: str = "holding", by: User | None = None):
        """A relation of control of `first` over `second`, recorded by the regulator (or declared
        by `by`, one of the two agencies)."""
        row = relations.record_relation(
            self.db,
            by or self.regulator,
            {
                "kind": kind,
                "first_uscc": self.org(first).uscc,
                "second_uscc": self.org(second).uscc,
                "basis": "国家企业信用信息公示系统股东信息：持股 70%",
            },
        )
        self.db.commit()
        return row

    def org(self, user: User) -> Organization:
        return self.db.get(Organization, user.organization_id)

    def qualified_agency(self, **overrides) -> User:
        """An agency holding the EIA qualification (declared and with its professional)."""
        return self.agency(
            qualifications=[
                {
                    "type": EIA_QUALIFICATION,
                    "certificate_no": "HP-1",
                    "issuer": "生态环境部",
                    "valid_until": "2030-12-31",
                }
            ],
            **overrides,
        )

    @property
    def department(self) -> User:
        if self._department is None:
            self._department = self.make.staff("department")
        return self._department

    def post_task(
        self, method: str = "lowest_price", *, by: User | None = None, **overrides
    ) -> Task:
        """A published task (deadline 5 wd after the frozen now), by the enterprise applicant
        unless `by` says who."""
        by = by or self.applicant
        draft = tasks.create_draft(self.db, by, task_data(method, **overrides))
        task = tasks.publish(self.db, by, draft.number)
        self.db.commit()
        return task

    def bid(
        self,
        agency: User,
        task: Task,
        price_fen: int | None = 1_000_000,
        duration_days: int = 30,
        proposal: str = "技术方案",
        attachments=(),
    ) -> sealed.Acknowledgement:
        ack = sealed.submit_bid(
            self.db,
            agency,
            task.number,
            price_fen=price_fen,
            duration_days=duration_days,
            proposal_text=proposal,
            attachment_sha256s=attachments,
        )
        self.db.commit()
        return ack

    def shift_to(self, task: Task, state: str) -> Task:
        """Put `task` in `state` ("open", "deadline_passed" or "opened") by moving its dates."""
        now = clock.now()
        if state == "open":
            task.published_at, task.deadline_at = now - timedelta(days=1), now + timedelta(days=3)
        elif state in ("deadline_passed", "opened"):
            task.published_at = now - timedelta(days=8)
            task.deadline_at = now - timedelta(seconds=1)
        else:
            raise ValueError(f"unknown state {state!r}")
        self.db.add(task)
        self.db.flush()
        if state == "opened":
            assert opening.open_if_due(self.db, task, DEFAULT_POLICY)
        self.db.commit()
        return task


def text(response) -> str:
    """A response's body as text, HTML entities resolved."""
    return html.unescape(response.get_data(as_text=True))
