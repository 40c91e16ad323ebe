"""The second half of a task's life, end to end for each funding type, through the services and the
sweeps under the frozen clock (docs/rules.md §4): publicity → final award → contract → delivery →
revision → acceptance → (budget: payment) → closed; an objection upheld on complaint hands the
award to the next bidder; an abandoned award; a termination by a regulator. Each path checks the
status, the signals others react to, and who was told."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import awards, notifying, signals
from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.models import ApplicantRecord, Contract
from bidding.models.objections import UPHELD
from bidding.objections import services as objections
from bidding.policy import DEFAULT_POLICY as P
from market import clock, lifecycle
from market.attachments import AttachmentPolicy
from market.models import Notification, Task
from market.workdays import shanghai_date
from tests.bidding.contract_support import PDF, post

FUNDINGS = ("private", "state_owned", "budget")
A = AttachmentPolicy()


@contextmanager
def heard(*watched):
    """Every fact the bidding signals announce meanwhile, as (signal name, sender, extra)."""
    facts = []
    handlers = []
    for signal in watched:

        def handler(sender, *, session, _name=signal.name, **extra):
            facts.append((_name, sender, extra))

        signal.connect(handler, weak=False)
        handlers.append((signal, handler))
    try:
        yield facts
    finally:
        for signal, handler in handlers:
            signal.disconnect(handler)


def run_sweeps(app, db) -> None:
    """Every registered sweep once, as the scheduler does (each in its own transactions)."""
    with app.app_context():
        for sweep in app.extensions["market.sweeps"].values():
            if sweep.id != "search.outbox":
                sweep.func(db)
        db.commit()


def told(db, task: Task, kind: str) -> set[int]:
    return set(
        db.exec(
            select(Notification.org_id).where(
                Notification.task_id == task.id, Notification.kind == kind
            )
        )
    )


def applicant_of(world, funding: str):
    return world.department if funding == "budget" else world.applicant


def publicized(world, funding: str):
    task = post(world, funding)
    agencies = [world.agency() for _ in range(3)]
    for n, agency in enumerate(agencies):
        world.bid(agency, task, 1_000_000 + n * 10_000)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    return task, agencies


@pytest.mark.parametrize("funding", FUNDINGS)
def test_from_publicity_to_a_closed_task(funding, world, db, frozen, app):
    task, agencies = publicized(world, funding)
    applicant, winner = applicant_of(world, funding), agencies[0]
    watched = (
        signals.award_final,
        signals.contract_signed,
        signals.delivered,
        signals.accepted,
    )
    with heard(*watched) as facts:
        award = awards.current(db, task)
        frozen.set(award.objections_until)
        run_sweeps(app, db)
        db.refresh(task)
        assert lifecycle.status(task) == lifecycle.AWARDED
        contract = db.exec(select(Contract).where(Contract.task_id == task.id)).one()
        assert told(db, task, notifying.AWARD_FINAL_AGENCY) == {winner.organization_id}

        frozen.advance(days=2)
        contracts.sign(db, winner, contract.id, P)
        contracts.sign(db, applicant, contract.id, P)
        db.commit()
        assert lifecycle.status(task) == lifecycle.CONTRACTED
        assert told(db, task, notifying.CONTRACT_SIGNED) == {
            winner.organization_id,
            applicant.organization_id,
        }

        upload = app.config["UPLOAD_DIR"]
        frozen.set(contract.due_at - timedelta(days=1))
        first = delivery.deliver(db, winner, contract.id, "初稿", [("a.pdf", PDF)], upload, A, P)
        db.commit()
        assert lifecycle.status(task) == lifecycle.DELIVERED
        delivery.request_revision(db, applicant, first.id, "请补充监测数据。", P)
        db.commit()
        assert lifecycle.status(task) == lifecycle.CONTRACTED
        assert told(db, task, notifying.REVISION_ASKED) == {winner.organization_id}
        frozen.advance(days=3)  # the second round is after the due date: the first decided
        second = delivery.deliver(
            db, winner, contract.id, "修改稿", [("b.pdf", PDF + b" ")], upload, A, P
        )
        db.commit()
        report = "" if funding == "private" else "经组织验收，成果合格。"
        delivery.accept(db, applicant, second.id, report, P)
        db.commit()
        assert lifecycle.status(task) == lifecycle.ACCEPTED
        assert told(db, task, notifying.DELIVERED) == {applicant.organization_id}

        if funding == "budget":
            assert contract.payment_due_at is not None
            frozen.advance(days=5)
            paid_on = shanghai_date(clock.now()).isoformat()
            delivery.record_payment(db, applicant, contract.id, paid_on, "国库 2026-1", P)
            db.commit()
        else:
            assert contract.payment_due_at is None
        frozen.set(delivery.rating_ends_at(db, contract, P))
        run_sweeps(app, db)
        db.refresh(task)
        assert lifecycle.status(task) == lifecycle.CLOSED
    names = [name for name, _, _ in facts]
    assert names == ["award-final", "contract-signed", "delivered", "accepted"]
    assert facts[2][2] == {"on_time": True}  # the first delivery decides, before the due date
    assert db.exec(select(ApplicantRecord)).all() == []


@pytest.mark.parametrize("funding", FUNDINGS)
def test_an_upheld_complaint_hands_the_award_to_the_next_bidder(funding, world, db, frozen, app):
    task, agencies = publicized(world, funding)
    applicant, regulator = applicant_of(world, funding), world.regulator
    objection = objections.file_objection(db, agencies[1], task.number, "报价低于成本", P)
    db.commit()
    frozen.set(awards.current(db, task).objections_until)
    run_sweeps(app, db)
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.PUBLICITY  # the unanswered objection holds it
    objections.answer_objection(db, applicant, objection.id, "已核实", P)
    complaint = objections.file_complaint(db, agencies[1], objection.id, "答复不实", P)
    objections.suspend_for(db, regulator, complaint.id, "调查期间暂停")
    db.commit()
    assert lifecycle.status(task) == lifecycle.SUSPENDED
    run_sweeps(app, db)
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.SUSPENDED  # no sweep acts on a suspended task
    with heard(signals.award_revoked, signals.complaint_decided) as facts:
        objections.decide(db, regulator, complaint.id, UPHELD, "报价低于成本属实", None, P)
        db.commit()
    assert [name for name, _, _ in facts] == ["award-revoked", "complaint-decided"]
    successor = awards.current(db, task)
    assert successor.rank == 2 and lifecycle.status(task) == lifecycle.PUBLICITY
    assert told(db, task, notifying.NEXT_CANDIDATE_AGENCY) == {agencies[1].organization_id}
    frozen.set(successor.objections_until)
    run_sweeps(app, db)
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.AWARDED
    assert awards.current(db, task).notice_number == f"{task.number}-2"


@pytest.mark.parametrize("funding", FUNDINGS)
def test_an_agency_that_does_not_sign_abandons_its_award(funding, world, db, frozen, app):
    task, agencies = publicized(world, funding)
    frozen.set(awards.current(db, task).objections_until)
    run_sweeps(app, db)
    contract = db.exec(select(Contract).where(Contract.task_id == task.id)).one()
    contracts.sign(db, applicant_of(world, funding), contract.id, P)
    db.commit()
    with heard(signals.award_abandoned) as facts:
        frozen.set(contract.sign_by)
        run_sweeps(app, db)
    db.refresh(task)
    assert [name for name, _, _ in facts] == ["award-abandoned"]
    assert contract.abandoned_at is not None
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    assert awards.current(db, task).rank == 2
    assert db.exec(select(ApplicantRecord)).all() == []  # the applicant had signed


@pytest.mark.parametrize("funding", FUNDINGS)
def test_a_regulator_terminates_a_contract_naming_the_party_at_fault(
    funding, world, db, frozen, app
):
    task, agencies = publicized(world, funding)
    frozen.set(awards.current(db, task).objections_until)
    run_sweeps(app, db)
    contract = db.exec(select(Contract).where(Contract.task_id == task.id)).one()
    contracts.sign(db, agencies[0], contract.id, P)
    contracts.sign(db, applicant_of(world, funding), contract.id, P)
    db.commit()
    with heard(signals.terminated) as facts:
        contracts.terminate_by_regulator(
            db, world.regulator, contract.id, "中介机构擅自转包", "agency"
        )
        db.commit()
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.TERMINATED
    assert [(name, extra) for name, _, extra in facts] == [
        ("terminated", {"fault_party": "agency"})
    ]
