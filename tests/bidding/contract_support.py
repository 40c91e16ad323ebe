"""Tasks brought to a contract, for the contract, delivery and acceptance tests: `awarded` (a final
award and its unsigned contract, the clock kept where it is), `signed_contract_for_tests` (both
sides confirmed through the signing service), and files to deliver.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from bidding import awards
from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.models import Contract
from bidding.policy import DEFAULT_POLICY
from market import attachments, clock, lifecycle
from market.models import Task, User
from tests.bidding.helpers import World
from tests.bidding.test_awards import in_publicity

PDF = b"%PDF-1.4\n% the delivered report\n%%EOF\n"
OTHER_PDF = b"%PDF-1.4\n% the revised report\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16

FUNDINGS = {
    "private": {},
    "state_owned": {
        "funding": "state_owned",
        "project_code": "2020-220000-00-00-000001",
        "min_bids": 3,
    },
    "budget": {"funding": "budget", "budget_code": "B-1", "min_bids": 3},
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


def post(world: World, funding: str = "private", **overrides) -> Task:
    extra = dict(FUNDINGS[funding])
    if funding == "budget":
        extra["by"] = world.department
    extra.update(overrides)
    return world.post_task("lowest_price", **{"min_bids": 1, **extra})


def awarded(world: World, funding: str = "private", bids: int = 3, **overrides):
    """A task whose award became final now (the clock stays put: the award's periods are moved
    to end now), its agencies in ranking order and its unsigned contract."""
    task = post(world, funding, **overrides)
    agencies = [world.agency() for _ in range(bids)]
    for n, agency in enumerate(agencies):
        world.bid(agency, task, 1_000_000 + n * 10_000)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    contract = finalize_now(world, task)
    return task, agencies, contract


def finalize_now(world: World, task: Task) -> Contract:
    """Make the current candidate's award final at the frozen now."""
    db = world.db
    award = awards.current(db, task)
    award.publicity_ends_at = award.objections_until = clock.now()
    task.publicity_ends_at = clock.now()
    db.add_all([award, task])
    db.flush()
    assert awards.finalize_if_due(db, task, DEFAULT_POLICY)
    db.commit()
    assert lifecycle.status(task) == lifecycle.AWARDED
    return db.exec(select(Contract).where(Contract.award_id == award.id)).one()
