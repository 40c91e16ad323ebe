"""Facts for the honour roll's rule, written straight into their tables around one real awarded
task: accepted contracts (each with an award of its own), monthly grades, misconduct records and
upheld conduct complaints, at stated moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bidding.models import Award, Complaint, Contract, Objection
from bidding.models.objections import OBJECTION, UPHELD
from market import clock
from ratings.credit import add_months
from ratings.honour import start_of
from ratings.models import HonourGrade, MisconductRecord
from tests.bidding.contract_support import awarded
from tests.bidding.helpers import new_uscc

#: The December 2026 roll is computed at 00:20 Shanghai on 1 December (16:20 UTC the day before).
DECEMBER = date(2026, 12, 1)
SWEEP_AT = datetime(2026, 11, 30, 16, 20, tzinfo=UTC)
AS_OF = start_of(DECEMBER)
WINDOW_FROM = start_of(add_months(DECEMBER, -24))


class Facts:
    def __init__(self, world, db):
        self.world, self.db = world, db
        self.task, agencies, self.contract = awarded(world)
        self.bid_id = self.contract.award_id and self.db.get(Award, self.contract.award_id).bid_id
        self.regulator = world.regulator
        self._applicants: list[int] = []

    def applicant(self, n: int) -> int:
        while len(self._applicants) <= n:
            self._applicants.append(self.world.make.enterprise(uscc=new_uscc()).organization_id)
        return self._applicants[n]

    def contract_accepted(self, agency_id: int, applicant_id: int, at: datetime) -> Contract:
        award = Award(task_id=self.task.id, bid_id=self.bid_id, rank=1, candidate_at=at)
        self.db.add(award)
        self.db.flush()
        row = Contract(
            task_id=self.task.id,
            award_id=award.id,
            agency_id=agency_id,
            applicant_org_id=applicant_id,
            price_fen=1_000_000,
            service_days=30,
            created_at=at,
            sign_by=at,
            accepted_at=at,
        )
        self.db.add(row)
        self.db.flush()
        return row

    def contracts(self, agency_id: int, count: int, applicants: int, at: datetime) -> None:
        for n in range(count):
            self.contract_accepted(agency_id, self.applicant(n % applicants), at)

    def grades(self, agency_id: int, by_month: dict[date, str]) -> None:
        for month, grade in by_month.items():
            score = {"A": 92_000, "B": 80_000, "C": 65_000, "D": 50_000}[grade]
            self.db.add(
                HonourGrade(month=month, agency_id=agency_id, score_milli=score, grade=grade)
            )
        self.db.flush()

    def misconduct(self, agency_id: int, at: datetime, repaired_at=None) -> MisconductRecord:
        row = MisconductRecord(
            agency_id=agency_id,
            severity="general",
            legal_basis="《条例》第十条",
            facts="提供虚假材料。",
            decided_at=at,
            decided_by_user_id=self.regulator.id,
            decided_by_org_id=self.regulator.organization_id,
            repaired_at=repaired_at,
        )
        self.db.add(row)
        self.db.flush()
        return row

    def upheld_complaint(self, agency_id: int, at: datetime) -> Complaint:
        objection = Objection(
            task_id=self.task.id,
            award_id=self.contract.award_id,
            bid_id=self.bid_id,
            agency_id=agency_id,
            kind=OBJECTION,
            grounds="串通投标。",
            filed_at=at,
            filed_by_user_id=self.regulator.id,
            answer_due_at=at,
        )
        self.db.add(objection)
        self.db.flush()
        row = Complaint(
            task_id=self.task.id,
            objection_id=objection.id,
            agency_id=agency_id,
            grounds="串通投标。",
            filed_at=at,
            filed_by_user_id=self.regulator.id,
            decide_by=at,
            decided_at=at,
            decision=UPHELD,
            reason="查实串通。",
            conduct_agency_id=agency_id,
        )
        self.db.add(row)
        self.db.flush()
        return row


def months_before(month: date, count: int) -> list[date]:
    """`month` and the `count - 1` before it, latest first."""
    return [add_months(month, -i) for i in range(count)]


def all_a(month: date = DECEMBER, count: int = 6) -> dict[date, str]:
    return dict.fromkeys(months_before(month, count), "A")


def qualified(facts: Facts, agency_id: int, month: date = DECEMBER) -> None:
    """Six months of A, five contracts for three applicants a month before `month`."""
    facts.grades(agency_id, all_a(month))
    facts.contracts(agency_id, 5, 3, start_of(month) - timedelta(days=30))


def now() -> datetime:
    return clock.now()
