"""Recorded payments (docs/rules.md §7) through the services under the frozen clock: the payer
records, the agency confirms or says it has not received, the payer corrects; the ledger's
balances are exact and the ledger sums to zero after each scenario."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bidding.contracts import delivery
from bidding.models import ContractPayment
from bidding.models.payments import BANK_TRANSFER, BUDGET_CODE, CARD, RECORDED
from bidding.payments import recorded, recorded_money
from bidding.payments.options import method
from bidding.policy import DEFAULT_POLICY
from market import attachments, ledger
from market.models import AuditEvent, Notification
from market.models.ledger import LedgerTransaction
from market.validation import Forbidden, Invalid, NotFound
from market.workdays import shanghai_date
from tests.bidding.contract_support import PDF, signed_contract_for_tests
from tests.bidding.helpers import new_uscc

ON = {"ESCROW_ENABLED": True, "CARD_LIMIT_FEN": 5_000_000}
OFF = {"ESCROW_ENABLED": False, "CARD_LIMIT_FEN": 5_000_000}
LOW_LIMIT = {"ESCROW_ENABLED": True, "CARD_LIMIT_FEN": 500_000}


@pytest.fixture(autouse=True)
def _zero_sum(db):
    yield
    assert ledger.total(db) == 0


def today():
    from market import clock

    return shanghai_date(clock.now()).isoformat()


def pay(db, signed, config=OFF, means=BANK_TRANSFER, reference="BANK-20260601-1", day=None):
    row = recorded.record(
        db,
        signed.applicant,
        signed.contract.id,
        means=means,
        reference=reference,
        paid_on=day or today(),
        policy=DEFAULT_POLICY,
        config=config,
    )
    db.commit()
    return row


def accepted_budget(world, db, frozen, app):
    signed = signed_contract_for_tests(world, db, frozen, "budget")
    row = delivery.deliver(
        db,
        signed.agency,
        signed.contract.id,
        "交付",
        [("a.pdf", PDF)],
        app.config["UPLOAD_DIR"],
        attachments.AttachmentPolicy(),
        DEFAULT_POLICY,
    )
    delivery.accept(db, signed.applicant, row.id, "验收合格", DEFAULT_POLICY)
    db.commit()
    return signed


def kinds(db, number):
    return [
        e.action
        for e in db.exec(
            select(AuditEvent)
            .where(AuditEvent.action.startswith("payment."), AuditEvent.object_id == number)
            .order_by(AuditEvent.id)
        )
    ]


def test_a_private_contract_with_escrow_off_is_recorded_then_confirmed(world, db, frozen):
    signed = signed_contract_for_tests(world, db, frozen)
    c, price = signed.contract, signed.contract.price_fen
    payer, agency = signed.contract.applicant_org_id, signed.contract.agency_id
    assert method(signed.task, c, escrow_enabled=False, card_limit_fen=5_000_000) == RECORDED
    row = pay(db, signed)
    assert (row.method, row.state, row.means, row.amount_fen) == (
        RECORDED,
        "recorded",
        BANK_TRANSFER,
        price,
    )
    assert ledger.balances(db, reference=f"contract:{c.id}") == {
        f"in_transit:contract:{c.id}": price,
        f"paid:org:{payer}": -price,
    }
    assert ledger.total(db) == 0
    told = db.exec(select(Notification).where(Notification.kind == "payments.recorded")).all()
    assert {n.user_id for n in told} == {signed.agency.id}
    row = recorded.confirm(db, signed.agency, c.id)
    db.commit()
    assert (row.state, row.confirmed_by_user_id) == ("confirmed", signed.agency.id)
    assert ledger.balances(db, reference=f"contract:{c.id}") == {
        f"in_transit:contract:{c.id}": 0,
        f"paid:org:{payer}": -price,
        f"received:org:{agency}": price,
    }
    assert kinds(db, signed.task.number) == ["payment.recorded", "payment.confirmed"]
    money = recorded_money.agency_money(db, world.org(signed.agency))
    assert (money["received_fen"], money["in_transit_fen"], money["held_fen"]) == (price, 0, 0)


def test_a_double_submit_posts_once(world, db, frozen):
    signed = signed_contract_for_tests(world, db, frozen)
    pay(db, signed)
    with pytest.raises(Forbidden) as exc:
        pay(db, signed)
    assert exc.value.message.msgid == "The payment of this contract is already recorded."
    recorded.confirm(db, signed.agency, signed.contract.id)
    db.commit()
    with pytest.raises(Forbidden) as exc:
        recorded.confirm(db, signed.agency, signed.contract.id)
    assert exc.value.message.msgid == "The receipt of this payment is already confirmed."
    db.rollback()
    txs = db.exec(select(LedgerTransaction.kind).order_by(LedgerTransaction.id)).all()
    assert txs == ["payment.recorded", "payment.confirmed"]
    assert len(db.exec(select(ContractPayment)).all()) == 1


def test_not_received_then_corrected_then_confirmed(world, db, frozen):
    signed = signed_contract_for_tests(world, db, frozen, "state_owned")
    c = signed.contract
    pay(db, signed, means=BUDGET_CODE, reference="WRONG-1")
    with pytest.raises(Invalid) as exc:
        recorded.not_received(db, signed.agency, c.id, "  ")
    assert [m.msgid for m in exc.value.errors["reason"]] == ["This field is required."]
    db.rollback()
    row = recorded.not_received(db, signed.agency, c.id, "账户未收到该笔款项")
    db.commit()
    assert (row.state, row.failure) == ("not_received", "账户未收到该笔款项")
    told = db.exec(select(Notification).where(Notification.kind == "payments.not_received")).all()
    assert {n.user_id for n in told} == {signed.applicant.id}
    with pytest.raises(Forbidden) as exc:
        recorded.confirm(db, signed.agency, c.id)
    assert exc.value.message.msgid == "No recorded payment awaits the agency's answer."
    db.rollback()
    with pytest.raises(Forbidden) as exc:  # only the payer corrects
        recorded.correct(
            db,
            signed.agency,
            c.id,
            means=BANK_TRANSFER,
            reference="X",
            paid_on=today(),
            policy=DEFAULT_POLICY,
        )
    assert exc.value.message.msgid == "Only the contract's applicant records its payment."
    db.rollback()
    row = recorded.correct(
        db,
        signed.applicant,
        c.id,
        means=BANK_TRANSFER,
        reference="BANK-RIGHT-2",
        paid_on=today(),
        policy=DEFAULT_POLICY,
    )
    db.commit()
    assert (row.state, row.reference, row.failure, row.means) == (
        "recorded",
        "BANK-RIGHT-2",
        None,
        BANK_TRANSFER,
    )
    recorded.confirm(db, signed.agency, c.id)
    db.commit()
    assert ledger.balance(db, f"received:org:{c.agency_id}") == c.price_fen
    assert kinds(db, signed.task.number) == [
        "payment.recorded",
        "payment.not_received",
        "payment.corrected",
        "payment.confirmed",
    ]


def test_wrong_parties_are_refused(world, db, frozen):
    signed = signed_contract_for_tests(world, db, frozen)
    c = signed.contract
    with pytest.raises(Forbidden) as exc:
        pay_as = recorded.record
        pay_as(
            db,
            signed.agency,
            c.id,
            means=BANK_TRANSFER,
            reference="R",
            paid_on=today(),
            policy=DEFAULT_POLICY,
            config=OFF,
        )
    assert exc.value.message.msgid == "Only the contract's applicant records its payment."
    db.rollback()
    for outsider in (signed.others[0], world.make.enterprise(uscc=new_uscc()), None):
        with pytest.raises(NotFound):
            recorded.record(
                db,
                outsider,
                c.id,
                means=BANK_TRANSFER,
                reference="R",
                paid_on=today(),
                policy=DEFAULT_POLICY,
                config=OFF,
            )
        db.rollback()
    pay(db, signed)
    with pytest.raises(Forbidden) as exc:
        recorded.confirm(db, signed.applicant, c.id)
    assert exc.value.message.msgid == (
        "Only the contracted agency confirms the receipt of its payment."
    )
    db.rollback()
    with pytest.raises(NotFound):
        recorded.confirm(db, signed.others[0], c.id)


def test_a_card_contract_is_not_recorded_and_above_the_limit_is(world, db, frozen):
    signed = signed_contract_for_tests(world, db, frozen)
    with pytest.raises(Forbidden) as exc:
        pay(db, signed, config=ON)
    assert exc.value.message.msgid == (
        "This contract is paid by card on the platform: no payment is recorded for it."
    )
    db.rollback()
    assert signed.contract.price_fen > LOW_LIMIT["CARD_LIMIT_FEN"]
    assert recorded.why(LOW_LIMIT, signed.task, signed.contract) == recorded.ABOVE_LIMIT
    assert recorded.why(OFF, signed.task, signed.contract) == recorded.ESCROW_OFF
    assert recorded.why(ON, signed.task, signed.contract) == recorded.BY_CARD
    row = pay(db, signed, config=LOW_LIMIT)
    assert row.amount_fen == signed.contract.price_fen


def test_the_record_is_checked(world, db, frozen):
    signed = signed_contract_for_tests(world, db, frozen)
    with pytest.raises(Invalid) as exc:
        recorded.record(
            db,
            signed.applicant,
            signed.contract.id,
            means="cash",
            reference="",
            paid_on=(shanghai_date(signed.contract.signed_at) - timedelta(days=1)).isoformat(),
            policy=DEFAULT_POLICY,
            config=OFF,
        )
    errors = {k: [m.msgid for m in v] for k, v in exc.value.errors.items()}
    assert errors == {
        "means": ["Choose budget code or bank transfer."],
        "reference": ["This field is required."],
        "paid_on": ["The payment date cannot be before the contract was signed (%(date)s)."],
    }


def test_budget_is_never_card_and_is_paid_by_the_department_only(world, db, frozen, app):
    signed = accepted_budget(world, db, frozen, app)
    c, price = signed.contract, signed.contract.price_fen
    for config in (ON, OFF, LOW_LIMIT):
        assert recorded.why(config, signed.task, c) == recorded.BUDGET
    with pytest.raises(Invalid) as exc:
        pay(db, signed, config=ON, means=BANK_TRANSFER)
    assert [m.msgid for m in exc.value.errors["means"]] == [
        "A budget contract is paid by budget code."
    ]
    db.rollback()
    with pytest.raises(Forbidden) as exc:
        recorded.record(
            db,
            signed.agency,
            c.id,
            means=BUDGET_CODE,
            reference="T",
            paid_on=today(),
            policy=DEFAULT_POLICY,
            config=ON,
        )
    assert exc.value.message.msgid == (
        "Only the department that signed the contract records its payment."
    )
    db.rollback()
    row = pay(db, signed, config=ON, means=BUDGET_CODE, reference="国库支付-2026-001")
    db.refresh(c)
    assert (row.means, row.amount_fen, c.payment_reference) == (
        BUDGET_CODE,
        price,
        "国库支付-2026-001",
    )
    assert c.paid_at is not None
    recorded.confirm(db, signed.agency, c.id)
    db.commit()
    assert ledger.balances(db, reference=f"contract:{c.id}") == {
        f"in_transit:contract:{c.id}": 0,
        f"paid:org:{c.applicant_org_id}": -price,
        f"received:org:{c.agency_id}": price,
    }


def test_the_old_budget_payment_route_writes_the_row_and_the_ledger_once(world, db, frozen, app):
    signed = accepted_budget(world, db, frozen, app)
    delivery.record_payment(
        db, signed.applicant, signed.contract.id, today(), "T-1", DEFAULT_POLICY
    )
    db.commit()
    with pytest.raises(Forbidden):
        delivery.record_payment(
            db, signed.applicant, signed.contract.id, today(), "T-1", DEFAULT_POLICY
        )
    db.rollback()
    rows = db.exec(select(ContractPayment)).all()
    assert [(r.method, r.means, r.reference) for r in rows] == [(RECORDED, BUDGET_CODE, "T-1")]
    assert len(ledger.transactions(db, f"contract:{signed.contract.id}")) == 1


def test_card_payments_posted_on_the_ledger_are_read_generically(world, db, frozen):
    """The card workflow's rows and entries, posted the way it posts them, show in the state,
    the agency's money and the settlement file."""
    signed = signed_contract_for_tests(world, db, frozen)
    c, price, agency = signed.contract, signed.contract.price_fen, signed.contract.agency_id
    post_card(db, c, price, release=False)
    money = recorded_money.agency_money(db, world.org(signed.agency))
    assert (money["held_fen"], money["released_fen"]) == (price, 0)
    release(db, c, price)
    db.commit()
    money = recorded_money.agency_money(db, world.org(signed.agency))
    assert (money["held_fen"], money["released_fen"], money["clawback_fen"]) == (0, price, 0)
    org = world.org(signed.agency)
    assert recorded_money.settlement(db) == [
        {
            "agency_id": agency,
            "agency_name": org.name,
            "uscc": org.uscc,
            "amount_fen": price,
            "references": [f"contract:{c.id}"],
        }
    ]


def post_card(db, contract, price, release=True):
    """A card payment as the card workflow writes it: the row and the capture into escrow."""
    from market import clock

    db.add(
        ContractPayment(
            contract_id=contract.id,
            method=CARD,
            state="succeeded",
            amount_fen=price,
            created_at=clock.now(),
            payment_intent_id=f"pi_test_{contract.id}",
            succeeded_at=clock.now(),
        )
    )
    ledger.post(
        db,
        reference=f"contract:{contract.id}",
        kind="card.captured",
        key=f"pi_test_{contract.id}:captured",
        lines=[("stripe", price), (f"escrow:contract:{contract.id}", -price)],
        external_ref=f"pi_test_{contract.id}",
    )
    if release:
        globals()["release"](db, contract, price)
    db.flush()


def release(db, contract, price):
    ledger.post(
        db,
        reference=f"contract:{contract.id}",
        kind="escrow.released",
        key=f"pi_test_{contract.id}:released",
        lines=[
            (f"escrow:contract:{contract.id}", price),
            (f"payable:org:{contract.agency_id}", -price),
        ],
    )
