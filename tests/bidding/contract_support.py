"""A task with a signed contract, for the tests of delivery and acceptance.

`signed_contract_for_tests` takes a task through selection and publicity to a final award with
the real services, then marks its contract signed by both sides directly (the signing service is
not what these tests are about) and moves the task with the lifecycle's "contract" event.
"""

from __future__ import annotations

from dataclasses import dataclass

from bidding import awards
from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.models import Contract
from bidding.policy import DEFAULT_POLICY
from market import attachments, lifecycle
from market.models import Task, User
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


def signed_contract_for_tests(
    world, db, frozen, funding: str = "private", bidders: list[User] | None = None
) -> Signed:
    """A task of `funding` whose contract both sides confirmed now (`bidding.contracts.services`);
    the
    first of `bidders` (three new agencies unless given) bids lowest and is awarded."""
    by = world.department if funding == "budget" else world.applicant
    if bidders is None:
        task, agencies = in_publicity(world, by=by, **FUNDINGS[funding])
    else:
        task = world.post_task("lowest_price", by=by, **{"min_bids": 1, **FUNDINGS[funding]})
        for n, agency in enumerate(bidders):
            world.bid(agency, task, 1_000_000 + n * 10_000)
        world.shift_to(task, "opened")
        agencies = list(bidders)
    award = awards.current(db, task)
    frozen.set(max(award.publicity_ends_at, award.objections_until))
    assert awards.finalize_due_awards(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    contract = delivery.contract_of(db, task)
    frozen.advance(days=1)
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)
    contracts.sign(db, by, contract.id, DEFAULT_POLICY)
    db.commit()
    assert lifecycle.status(task) == lifecycle.CONTRACTED
    return Signed(task, contract, agencies[0], by, agencies[1:])


def delivery_pages(world, db, frozen, bidders: list[User], upload_dir) -> list[int]:
    """Contracts whose delivery pages show the most: a state-owned task's delivery awaiting the
    applicant's decision (with a revision asked before), and a budget task's accepted delivery
    whose payment is overdue. The first of `bidders` is the agency of both."""
    if world._department is None:  # named in Chinese, as the pages show it
        world._department = world.make.staff(
            "department", name="长春市生态环境局", user_name="部门经办人"
        )
    owned = signed_contract_for_tests(world, db, frozen, "state_owned", bidders)
    first = deliver_for_tests(db, owned, upload_dir)
    delivery.request_revision(db, owned.applicant, first.id, "请补充监测数据。", DEFAULT_POLICY)
    db.commit()
    deliver_for_tests(db, owned, upload_dir, OTHER_PDF)
    budget = signed_contract_for_tests(world, db, frozen, "budget", bidders)
    row = deliver_for_tests(db, budget, upload_dir)
    delivery.accept(db, budget.applicant, row.id, "经验收合格。", DEFAULT_POLICY)
    db.commit()
    frozen.set(budget.contract.payment_due_at)
    assert delivery.record_late_payments(db, DEFAULT_POLICY) == 1
    return [owned.contract.id, budget.contract.id]


def deliver_for_tests(db, signed: Signed, upload_dir, data: bytes = PDF):
    row = delivery.deliver(
        db,
        signed.agency,
        signed.contract.id,
        "交付成果：环境影响报告书",
        [("报告书.pdf", data)],
        upload_dir,
        attachments.AttachmentPolicy(),
        DEFAULT_POLICY,
    )
    db.commit()
    return row
