"""Delivery, acceptance, revision rounds, silent acceptance, budget payments and closing
(docs/rules.md §4), through the services under the frozen clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bidding import signals, visibility
from bidding.contracts import delivery
from bidding.models import ApplicantRecord, Deliverable
from bidding.models.contracts import ACCEPTED, LATE_PAYMENT, REVISION
from bidding.policy import DEFAULT_POLICY
from market import attachments, clock, holidays, lifecycle
from market.models import AuditEvent
from market.validation import Forbidden, Invalid, NotFound
from market.workdays import shanghai_date
from tests.bidding.contract_support import OTHER_PDF, PDF, PNG, signed_contract_for_tests

FILES = attachments.AttachmentPolicy()


@pytest.fixture
def upload_dir(app):
    return app.config["UPLOAD_DIR"]


@pytest.fixture
def received():
    """The signals delivery sends, as (signal name, sender, keyword arguments)."""
    seen = []

    def catch(name):
        def handler(sender, **kwargs):
            kwargs.pop("session")
            seen.append((name, sender.id, kwargs))

        return handler

    handlers = {
        name: catch(name) for name in ("delivered", "accepted", "applicant_recorded")
    }  # fmt: skip
    for name, handler in handlers.items():
        getattr(signals, name).connect(handler)
    yield seen
    for name, handler in handlers.items():
        getattr(signals, name).disconnect(handler)


def deliver(db, signed, upload_dir, data=PDF, note="交付成果：环评报告书"):
    row = delivery.deliver(
        db,
        signed.agency,
        signed.contract.id,
        note,
        [("报告书.pdf", data)],
        upload_dir,
        FILES,
        DEFAULT_POLICY,
    )
    db.commit()
    return row


def messages(exc) -> dict:
    return {field: [m.msgid for m in ms] for field, ms in exc.value.errors.items()}


# --- happy paths, one per funding ------------------------------------------------------------------


def test_private_happy_path_delivers_accepts_and_closes(world, db, frozen, upload_dir, received):
    signed = signed_contract_for_tests(world, db, frozen)
    task, contract = signed.task, signed.contract
    row = deliver(db, signed, upload_dir)
    now = clock.now()
    assert lifecycle.status(task) == lifecycle.DELIVERED
    assert (row.round, row.submitted_at, row.note) == (1, now, "交付成果：环评报告书")
    assert row.decide_by == holidays.load(db).add_working_days(now, 10)
    assert [f.filename for f in delivery.files_of(db, row)] == ["报告书.pdf"]
    assert (contract.first_delivered_at, contract.on_time) == (now, True)
    assert received == [("delivered", contract.id, {"on_time": True})]
    frozen.advance(hours=2)
    delivery.accept(db, signed.applicant, row.id, "", DEFAULT_POLICY)
    db.commit()
    assert lifecycle.status(task) == lifecycle.ACCEPTED
    assert (contract.accepted_at, contract.accepted_silently) == (clock.now(), False)
    assert contract.acceptance_report is None and contract.payment_due_at is None
    assert (row.decision, row.decided_at) == (ACCEPTED, clock.now())
    assert received[-1] == ("accepted", contract.id, {})
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["task.deliver", "task.accept"]
    ends = delivery.rating_ends_at(db, contract, DEFAULT_POLICY)
    assert ends == holidays.load(db).add_working_days(contract.accepted_at, 15)
    frozen.set(ends - timedelta(microseconds=1))
    assert delivery.close_due_tasks(db, DEFAULT_POLICY) == 0
    frozen.set(ends)
    assert delivery.close_due_tasks(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.CLOSED
    assert task.closed_at == ends
    frozen.advance(days=1)
    assert delivery.close_due_tasks(db, DEFAULT_POLICY) == 0


@pytest.mark.parametrize("funding", ["budget", "state_owned"])
def test_an_acceptance_report_is_required_for_budget_and_state_owned(
    world, db, frozen, upload_dir, funding
):
    signed = signed_contract_for_tests(world, db, frozen, funding)
    row = deliver(db, signed, upload_dir)
    with pytest.raises(Invalid) as exc:
        delivery.accept(db, signed.applicant, row.id, "  ", DEFAULT_POLICY)
    assert messages(exc) == {"report": [delivery.REPORT_NEEDED]}
    db.rollback()
    delivery.accept(
        db,
        signed.applicant,
        row.id,
        "经验收，报告书内容完整，符合合同约定。",
        DEFAULT_POLICY,
        report_file=("验收报告.png", PNG),
        upload_dir=upload_dir,
    )
    db.commit()
    contract = signed.contract
    assert contract.acceptance_report == "经验收，报告书内容完整，符合合同约定。"
    assert [a.filename for a in delivery.report_files(db, signed.task)] == ["验收报告.png"]
    assert lifecycle.status(signed.task) == lifecycle.ACCEPTED
    if funding == "budget":
        assert contract.payment_due_at == holidays.load(db).add_calendar_days(clock.now(), 30)
    else:
        assert contract.payment_due_at is None


def test_budget_happy_path_pays_then_closes(world, db, frozen, upload_dir, received):
    signed = signed_contract_for_tests(world, db, frozen, "budget")
    row = deliver(db, signed, upload_dir)
    delivery.accept(db, signed.applicant, row.id, "验收合格", DEFAULT_POLICY)
    db.commit()
    contract, task = signed.contract, signed.task
    ends = delivery.rating_ends_at(db, contract, DEFAULT_POLICY)
    frozen.set(ends)
    assert delivery.close_due_tasks(db, DEFAULT_POLICY) == 0  # not paid yet
    today = shanghai_date(clock.now())
    delivery.record_payment(
        db,
        signed.applicant,
        contract.id,
        today.isoformat(),
        "国库集中支付 2026-118",
        DEFAULT_POLICY,
    )
    db.commit()
    assert contract.paid_at == delivery.paid_at(today) <= clock.now()
    assert contract.payment_reference == "国库集中支付 2026-118"
    assert contract.payment_overdue_at is None
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "contract.paid")).one()
    assert event.data["amount_fen"] == contract.price_fen
    assert delivery.close_due_tasks(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.CLOSED
    assert [r[0] for r in received] == ["delivered", "accepted"]
    with pytest.raises(Forbidden) as exc:
        delivery.record_payment(db, signed.applicant, contract.id, today, "再次", DEFAULT_POLICY)
    assert exc.value.message.msgid == delivery.ALREADY_PAID


# --- revision rounds ------------------------------------------------------------------------------


def test_three_revision_rounds_then_a_fourth_is_refused(world, db, frozen, upload_dir):
    signed = signed_contract_for_tests(world, db, frozen)
    contract = signed.contract
    for n in (1, 2, 3):
        row = deliver(db, signed, upload_dir, data=PDF if n % 2 else OTHER_PDF)
        assert row.round == n
        frozen.advance(hours=1)
        delivery.request_revision(
            db, signed.applicant, row.id, f"第{n}轮：补充监测数据", DEFAULT_POLICY
        )
        db.commit()
        assert (row.decision, row.reason) == (REVISION, f"第{n}轮：补充监测数据")
        assert contract.revision_rounds == n
        assert lifecycle.status(signed.task) == lifecycle.CONTRACTED
        assert signed.task.delivered_at is None
        frozen.advance(hours=1)
    fourth = deliver(db, signed, upload_dir)
    assert fourth.round == 4
    with pytest.raises(Forbidden) as exc:
        delivery.request_revision(db, signed.applicant, fourth.id, "再改一次", DEFAULT_POLICY)
    assert exc.value.message.msgid == delivery.MAX_ROUNDS
    assert exc.value.message.params == {"max": 3}
    db.rollback()
    delivery.accept(db, signed.applicant, fourth.id, None, DEFAULT_POLICY)
    db.commit()
    assert lifecycle.status(signed.task) == lifecycle.ACCEPTED
    # The first delivery alone was judged; the later ones change nothing of it.
    assert contract.first_delivered_at == delivery.deliverables(db, contract)[0].submitted_at


def test_a_revision_needs_a_reason_and_only_the_applicant_decides(world, db, frozen, upload_dir):
    signed = signed_contract_for_tests(world, db, frozen)
    row = deliver(db, signed, upload_dir)
    with pytest.raises(Invalid) as exc:
        delivery.request_revision(db, signed.applicant, row.id, "", DEFAULT_POLICY)
    assert messages(exc) == {"reason": ["This field is required."]}
    db.rollback()
    with pytest.raises(Forbidden) as exc:
        delivery.accept(db, signed.agency, row.id, None, DEFAULT_POLICY)
    assert exc.value.message.msgid == delivery.ONLY_APPLICANT
    db.rollback()
    with pytest.raises(Forbidden) as exc:
        deliver(db, signed, upload_dir)  # a delivery awaits its decision
    assert exc.value.message.msgid == delivery.NOT_AT_WORK


# --- delivering -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("offset", "on_time"), [(-1, True), (0, False)])
def test_on_time_is_decided_at_the_exact_due_moment(world, db, frozen, upload_dir, offset, on_time):
    signed = signed_contract_for_tests(world, db, frozen)
    frozen.set(signed.contract.due_at + timedelta(microseconds=offset))
    deliver(db, signed, upload_dir)
    assert signed.contract.on_time is on_time
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "task.deliver")).one()
    assert event.data["on_time"] is on_time


def test_a_late_revision_does_not_change_the_first_verdict(world, db, frozen, upload_dir, received):
    signed = signed_contract_for_tests(world, db, frozen)
    row = deliver(db, signed, upload_dir)
    delivery.request_revision(db, signed.applicant, row.id, "补充", DEFAULT_POLICY)
    db.commit()
    frozen.set(signed.contract.due_at + timedelta(days=3))
    deliver(db, signed, upload_dir, data=OTHER_PDF)
    assert signed.contract.on_time is True
    assert [r for r in received if r[0] == "delivered"] == [
        ("delivered", signed.contract.id, {"on_time": True})
    ]


def test_delivering_is_checked(world, db, frozen, upload_dir):
    signed = signed_contract_for_tests(world, db, frozen)
    with pytest.raises(Invalid) as exc:
        delivery.deliver(
            db, signed.agency, signed.contract.id, "", [], upload_dir, FILES, DEFAULT_POLICY
        )
    assert messages(exc) == {"note": ["This field is required."], "file": [delivery.NO_FILE]}
    db.rollback()
    with pytest.raises(Invalid) as exc:
        deliver(db, signed, upload_dir, data=b"<html>not a pdf</html>")
    assert messages(exc) == {"file": [attachments.WRONG_TYPE]}
    db.rollback()
    with pytest.raises(Forbidden) as exc:
        delivery.deliver(
            db, signed.applicant, signed.contract.id, "交付", [("a.pdf", PDF)], upload_dir,
            FILES, DEFAULT_POLICY,
        )  # fmt: skip
    assert exc.value.message.msgid == delivery.ONLY_AGENCY


def test_an_unsigned_contract_takes_no_delivery(world, db, frozen, upload_dir):
    signed = signed_contract_for_tests(world, db, frozen)
    signed.contract.signed_at = None
    db.add(signed.contract)
    db.commit()
    with pytest.raises(Forbidden) as exc:
        deliver(db, signed, upload_dir)
    assert exc.value.message.msgid == delivery.NOT_SIGNED


def test_others_get_not_found(world, db, frozen, upload_dir, make):
    """IDOR: another agency, another bidder, another enterprise and the public are answered as if
    the contract and its delivery did not exist."""
    signed = signed_contract_for_tests(world, db, frozen)
    row = deliver(db, signed, upload_dir)
    outsiders = [None, signed.others[0], world.agency(), make.enterprise(uscc="91220106MA15AB3C42")]
    for user in outsiders:
        with pytest.raises(NotFound):
            delivery.readable(db, user, signed.contract.id)
        with pytest.raises(NotFound):
            delivery.accept(db, user, row.id, "x", DEFAULT_POLICY)
        db.rollback()
        with pytest.raises(NotFound):
            delivery.request_revision(db, user, row.id, "x", DEFAULT_POLICY)
        db.rollback()
        with pytest.raises(NotFound):
            delivery.record_payment(db, user, signed.contract.id, date.today(), "x", DEFAULT_POLICY)
        db.rollback()
    with pytest.raises(NotFound):
        delivery.readable(db, signed.agency, signed.contract.id + 1000)
    # A regulator whose jurisdiction covers the task reads it.
    contract, _, _ = delivery.readable(db, world.regulator, signed.contract.id)
    assert contract.id == signed.contract.id


# --- silent acceptance ----------------------------------------------------------------------------


def test_a_private_delivery_is_accepted_by_silence_at_decide_by(
    world, db, frozen, upload_dir, received
):
    signed = signed_contract_for_tests(world, db, frozen)
    row = deliver(db, signed, upload_dir)
    frozen.set(row.decide_by - timedelta(microseconds=1))
    assert delivery.accept_due_silently(db, DEFAULT_POLICY) == 0
    assert lifecycle.status(signed.task) == lifecycle.DELIVERED
    frozen.set(row.decide_by)
    assert delivery.accept_due_silently(db, DEFAULT_POLICY) == 1
    db.refresh(signed.task)
    contract = signed.contract
    db.refresh(contract)
    assert lifecycle.status(signed.task) == lifecycle.ACCEPTED
    assert (contract.accepted_at, contract.accepted_silently) == (row.decide_by, True)
    assert contract.accepted_by_user_id is None
    assert received[-1] == ("accepted", contract.id, {})
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "task.accept")).one()
    assert event.data["silently"] is True
    assert delivery.accept_due_silently(db, DEFAULT_POLICY) == 0
    frozen.advance(days=1)
    assert delivery.accept_due_silently(db, DEFAULT_POLICY) == 0
    assert len([r for r in received if r[0] == "accepted"]) == 1


def test_a_private_decision_after_the_period_is_refused_for_silence(world, db, frozen, upload_dir):
    signed = signed_contract_for_tests(world, db, frozen)
    row = deliver(db, signed, upload_dir)
    frozen.set(row.decide_by)
    with pytest.raises(Forbidden) as exc:
        delivery.request_revision(db, signed.applicant, row.id, "补充", DEFAULT_POLICY)
    assert exc.value.message.msgid == delivery.SILENCE
    assert exc.value.message.params == {"date": shanghai_date(row.decide_by).isoformat()}


@pytest.mark.parametrize("funding", ["budget", "state_owned"])
def test_budget_and_state_owned_are_never_accepted_by_silence(
    world, db, frozen, upload_dir, funding
):
    signed = signed_contract_for_tests(world, db, frozen, funding)
    row = deliver(db, signed, upload_dir)
    frozen.set(row.decide_by + timedelta(days=5))
    assert delivery.accept_due_silently(db, DEFAULT_POLICY) == 0
    assert lifecycle.status(signed.task) == lifecycle.DELIVERED
    assert delivery.overdue(row, clock.now())
    assert not delivery.overdue(row, row.decide_by - timedelta(microseconds=1))
    org = world.org(signed.applicant)
    assert (
        visibility.own_overdue_deliveries(db, org, row.decide_by - timedelta(microseconds=1)) == []
    )
    assert [d.id for d, _, _ in visibility.own_overdue_deliveries(db, org, clock.now())] == [row.id]
    assert visibility.own_overdue_deliveries(db, world.org(signed.agency), clock.now()) == []
    # A late decision is still taken.
    delivery.request_revision(db, signed.applicant, row.id, "逾期后仍要求修改", DEFAULT_POLICY)
    db.commit()
    assert lifecycle.status(signed.task) == lifecycle.CONTRACTED


# --- budget payments ------------------------------------------------------------------------------


def accepted_budget(world, db, frozen, upload_dir):
    signed = signed_contract_for_tests(world, db, frozen, "budget")
    row = deliver(db, signed, upload_dir)
    delivery.accept(db, signed.applicant, row.id, "验收合格", DEFAULT_POLICY)
    db.commit()
    return signed


def test_an_unpaid_budget_contract_is_recorded_late_once(world, db, frozen, upload_dir, received):
    signed = accepted_budget(world, db, frozen, upload_dir)
    contract = signed.contract
    due = contract.payment_due_at
    frozen.set(due - timedelta(microseconds=1))
    assert delivery.record_late_payments(db, DEFAULT_POLICY) == 0
    frozen.set(due)
    assert delivery.record_late_payments(db, DEFAULT_POLICY) == 1
    assert delivery.record_late_payments(db, DEFAULT_POLICY) == 0
    frozen.advance(days=1)
    assert delivery.record_late_payments(db, DEFAULT_POLICY) == 0
    records = db.exec(select(ApplicantRecord)).all()
    assert len(records) == 1
    record = records[0]
    assert (record.kind, record.org_id, record.task_id, record.contract_id, record.at) == (
        LATE_PAYMENT,
        signed.applicant.organization_id,
        signed.task.id,
        contract.id,
        due,
    )
    assert record.details == {"payment_due_at": due.isoformat(), "amount_fen": contract.price_fen}
    db.refresh(contract)
    assert contract.payment_overdue_at == due
    assert [r for r in received if r[0] == "applicant_recorded"] == [
        ("applicant_recorded", record.id, {})
    ]
    # Paying late afterwards records the payment and nothing more on the record.
    delivery.record_payment(
        db, signed.applicant, contract.id, shanghai_date(clock.now()), "迟付", DEFAULT_POLICY
    )
    db.commit()
    assert len(db.exec(select(ApplicantRecord)).all()) == 1


def test_a_late_payment_recorded_before_the_sweep_is_recorded_late_at_once(
    world, db, frozen, upload_dir
):
    signed = accepted_budget(world, db, frozen, upload_dir)
    frozen.set(signed.contract.payment_due_at + timedelta(days=2))
    delivery.record_payment(
        db, signed.applicant, signed.contract.id, shanghai_date(clock.now()), "迟付", DEFAULT_POLICY
    )
    db.commit()
    assert len(db.exec(select(ApplicantRecord)).all()) == 1
    assert delivery.record_late_payments(db, DEFAULT_POLICY) == 0


def test_a_payment_on_time_puts_nothing_on_the_record(world, db, frozen, upload_dir):
    signed = accepted_budget(world, db, frozen, upload_dir)
    delivery.record_payment(
        db, signed.applicant, signed.contract.id, shanghai_date(clock.now()), "按期", DEFAULT_POLICY
    )
    db.commit()
    frozen.set(signed.contract.payment_due_at + timedelta(days=1))
    assert delivery.record_late_payments(db, DEFAULT_POLICY) == 0
    assert db.exec(select(ApplicantRecord)).all() == []


def test_a_payment_is_checked(world, db, frozen, upload_dir):
    signed = accepted_budget(world, db, frozen, upload_dir)
    contract = signed.contract
    today = shanghai_date(clock.now())
    with pytest.raises(Invalid) as exc:
        delivery.record_payment(db, signed.applicant, contract.id, "", "", DEFAULT_POLICY)
    assert messages(exc) == {
        "paid_on": ["This field is required."],
        "reference": ["This field is required."],
    }
    with pytest.raises(Invalid) as exc:
        delivery.record_payment(
            db, signed.applicant, contract.id, today + timedelta(days=1), "R-1", DEFAULT_POLICY
        )
    assert messages(exc) == {"paid_on": [delivery.PAID_IN_FUTURE]}
    with pytest.raises(Invalid) as exc:
        delivery.record_payment(
            db, signed.applicant, contract.id, today - timedelta(days=1), "R-1", DEFAULT_POLICY
        )
    assert messages(exc) == {"paid_on": [delivery.PAID_BEFORE_ACCEPTANCE]}
    with pytest.raises(Forbidden) as exc:
        delivery.record_payment(db, signed.agency, contract.id, today, "R-1", DEFAULT_POLICY)
    assert exc.value.message.msgid == delivery.ONLY_PAYER


@pytest.mark.parametrize("funding", ["private", "state_owned"])
def test_no_payment_is_recorded_for_other_fundings(world, db, frozen, upload_dir, funding):
    signed = signed_contract_for_tests(world, db, frozen, funding)
    row = deliver(db, signed, upload_dir)
    delivery.accept(db, signed.applicant, row.id, "验收合格", DEFAULT_POLICY)
    db.commit()
    with pytest.raises(Forbidden) as exc:
        delivery.record_payment(
            db, signed.applicant, signed.contract.id, date.today(), "R", DEFAULT_POLICY
        )
    assert exc.value.message.msgid == delivery.NOT_BUDGET


# --- closing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("funding", ["private", "state_owned"])
def test_closing_waits_for_the_rating_period(world, db, frozen, upload_dir, funding):
    signed = signed_contract_for_tests(world, db, frozen, funding)
    row = deliver(db, signed, upload_dir)
    delivery.accept(db, signed.applicant, row.id, "验收合格", DEFAULT_POLICY)
    db.commit()
    ends = delivery.rating_ends_at(db, signed.contract, DEFAULT_POLICY)
    frozen.set(ends - timedelta(microseconds=1))
    assert delivery.close_due_tasks(db, DEFAULT_POLICY) == 0
    frozen.set(ends + timedelta(days=1))  # a day late: closed once
    assert delivery.close_due_tasks(db, DEFAULT_POLICY) == 1
    assert delivery.close_due_tasks(db, DEFAULT_POLICY) == 0
    db.refresh(signed.task)
    assert signed.task.closed_at == ends + timedelta(days=1)


def test_nothing_is_swept_before_delivery(world, db, frozen, upload_dir):
    signed = signed_contract_for_tests(world, db, frozen, "budget")
    frozen.advance(days=400)
    for sweep in (
        delivery.accept_due_silently,
        delivery.record_late_payments,
        delivery.close_due_tasks,
    ):
        assert sweep(db, DEFAULT_POLICY) == 0
    assert lifecycle.status(signed.task) == lifecycle.CONTRACTED
    assert db.exec(select(Deliverable)).all() == []
