"""A task with a signed contract, for the tests of delivery and acceptance.

`signed_contract_for_tests` takes a task through selection and publicity to a final award with
the real services, then marks its contract signed by both sides directly (the signing service is
not what these tests are about) and moves the task with the lifecycle's "contract" event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bidding import awards
from bidding.contracts import delivery
from bidding.models import Contract
from bidding.policy import DEFAULT_POLICY
from market import clock, lifecycle
from market.models import Task, User
from market.workdays import end_of_day, shanghai_date
from tests.bidding.test_awards import in_publicity

PDF = b"%PDF-1.4\n% the delivered report\n%%EOF\n"
OTHER_PDF = b"%PDF-1.4\n% the revised report\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16

FUNDINGS = {
    "private": {},
    "budget": {"funding": "budget", "budget_code": "B-1", "min_bids": 3},
    "state_owned": {"funding": "state_owned", "project_code": "P-2026-1", "min_bids": 3},
}


@dataclass
class Signed:
    task: Task
    contract: Contract
    agency: User
    applicant: User
    others: list[User]


def signed_contract_for_tests(world, db, frozen, funding: str = "private") -> Signed:
    """A task of `funding` whose contract both sides signed now (due `service_days` later)."""
    by = world.department if funding == "budget" else world.applicant
    task, agencies = in_publicity(world, by=by, **FUNDINGS[funding])
    award = awards.current(db, task)
    frozen.set(max(award.publicity_ends_at, award.objections_until))
    assert awards.finalize_due_awards(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    contract = delivery.contract_of(db, task)
    frozen.advance(days=1)
    now = clock.now()
    contract.agency_signed_at = contract.applicant_signed_at = contract.signed_at = now
    contract.agency_signed_by_user_id = agencies[0].id
    contract.applicant_signed_by_user_id = by.id
    contract.due_at = end_of_day(shanghai_date(now) + timedelta(days=contract.service_days))
    db.add(contract)
    lifecycle.transition(db, task, "contract", at=now)
    db.commit()
    assert lifecycle.status(task) == lifecycle.CONTRACTED
    return Signed(task, contract, agencies[0], by, agencies[1:])
