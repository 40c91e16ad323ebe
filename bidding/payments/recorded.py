"""Recorded payments (docs/rules.md §7): a contract `bidding.payments.options` does not pay by
card is paid outside the platform and recorded here by its payer, then confirmed by the agency.

- The payer is the contract's applicant, always: for a `budget` task the department, so no
  enterprise is ever asked to pay for a service a department commissioned.
- `record`: a `budget` contract is paid by budget code once the work is accepted, within the
  payment period (`bidding.contracts.delivery.record_payment`, which also writes the row and the
  ledger); a `private` or `state_owned` one (escrow off, or its price above the card limit) by
  bank transfer or budget code once both sides confirmed the contract and while it is not
  terminated. The amount is the contract's price, recorded once, with the bank or treasury
  reference and the day paid (Shanghai).
- `confirm`: the agency confirms the receipt; `not_received`: it says the money has not
  arrived, with its reason (the payer is notified); the payer then `correct`s the record (the
  means, reference and day; the amount is the price and stays), which awaits the agency's
  confirmation again. The ledger keeps the money in transit meanwhile: the payer says it paid.

Every write runs in the caller's transaction under the task's row lock; the ledger's
idempotency keys make a double submit post once (`recorded_book`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session

from bidding import visibility
from bidding.contracts import delivery
from bidding.models import Contract, ContractPayment
from bidding.models.payments import BANK_TRANSFER, BUDGET_CODE, CONFIRMED, RECORDED_STATE
from bidding.payments import recorded_book, recorded_notifying
from bidding.payments.recorded_book import NOT_RECEIVED, recorded_payment
from bidding.policy import BiddingPolicy
from market import audit, clock
from market.models import Task, User
from market.models.tasks import Funding
from market.validation import N_, Checker, Forbidden
from market.workdays import shanghai_date

REFERENCE_MAX, REASON_MAX = 80, 2000
MEANS = (BUDGET_CODE, BANK_TRANSFER)

#: Why a contract is paid the way it is (`why`).
BUDGET, ESCROW_OFF, ABOVE_LIMIT, BY_CARD = "budget", "escrow_off", "above_limit", "card"

ONLY_PAYER = N_("Only the contract's applicant records its payment.")
ONLY_PAYEE = N_("Only the contracted agency confirms the receipt of its payment.")
PAID_BY_CARD = N_("This contract is paid by card on the platform: no payment is recorded for it.")
NOT_SIGNED = N_("A payment is recorded once both sides have confirmed the contract.")
ENDED = N_("This contract has ended: no payment is recorded for it.")
NOTHING_TO_CONFIRM = N_("No recorded payment awaits the agency's answer.")
ALREADY_CONFIRMED = N_("The receipt of this payment is already confirmed.")
NOTHING_TO_CORRECT = N_("Only a payment the agency has not received is corrected.")
BUDGET_MEANS = N_("A budget contract is paid by budget code.")
UNKNOWN_MEANS = N_("Choose budget code or bank transfer.")
PAID_BEFORE_SIGNING = N_("The payment date cannot be before the contract was signed (%(date)s).")


def why(config: Mapping, task: Task, contract: Contract) -> str:
    """Why `method_for_app` answers what it does: `budget` (recorded, always), `escrow_off`,
    `above_limit` (recorded), or `card`."""
    if task.funding == Funding.budget:
        return BUDGET
    if not config["ESCROW_ENABLED"]:
        return ESCROW_OFF
    if contract.price_fen > int(config["CARD_LIMIT_FEN"]):
        return ABOVE_LIMIT
    return BY_CARD


def record_refusal(session: Session, config: Mapping, task: Task, contract: Contract) -> str | None:
    """Why the payer cannot record a payment of `contract` now (a msgid), or None."""
    if why(config, task, contract) == BY_CARD:
        return PAID_BY_CARD
    if recorded_payment(session, contract) is not None:
        return delivery.ALREADY_PAID
    if task.funding == Funding.budget:
        return delivery.payment_refusal(task, contract)
    if contract.terminated_at is not None or contract.abandoned_at is not None:
        return ENDED
    if contract.signed_at is None:
        return NOT_SIGNED
    return None


def _payer(reader: visibility.Reader, task: Task, contract: Contract) -> None:
    if not visibility.is_contract_applicant(reader, contract):
        raise Forbidden(delivery.ONLY_PAYER if task.funding == Funding.budget else ONLY_PAYER)


def _payee(reader: visibility.Reader, contract: Contract) -> None:
    if not visibility.is_contract_agency(reader, contract):
        raise Forbidden(ONLY_PAYEE)


def _checked(task: Task, contract: Contract, means: object, reference: object, paid_on: object):
    """The means, reference and day of a record or its correction, checked (Invalid else)."""
    now = clock.now()
    c = Checker()
    budget = task.funding == Funding.budget
    if budget and means in (None, ""):
        means = BUDGET_CODE
    if means not in MEANS:
        c.add("means", UNKNOWN_MEANS)
    elif budget and means != BUDGET_CODE:
        c.add("means", BUDGET_MEANS)
    day = c.date("paid_on", paid_on)
    clean = c.text("reference", reference, max_length=REFERENCE_MAX, markup=False)
    earliest: datetime | None = contract.accepted_at if budget else contract.signed_at
    if day is not None:
        if day > shanghai_date(now):
            c.add("paid_on", delivery.PAID_IN_FUTURE)
        elif earliest is not None and day < shanghai_date(earliest):
            c.add(
                "paid_on",
                delivery.PAID_BEFORE_ACCEPTANCE if budget else PAID_BEFORE_SIGNING,
                date=shanghai_date(earliest).isoformat(),
            )
    c.raise_if_any()
    return means, clean, day


def record(
    session: Session,
    actor: User | None,
    contract_id: int,
    *,
    means: object,
    reference: object,
    paid_on: object,
    policy: BiddingPolicy,
    config: Mapping,
) -> ContractPayment:
    """The payer records its payment of the contract's price (once)."""
    contract, task, reader = delivery.readable(session, actor, contract_id, lock=True)
    _payer(reader, task, contract)
    refusal = record_refusal(session, config, task, contract)
    if refusal is not None:
        raise Forbidden(refusal)
    means, clean, day = _checked(task, contract, means, reference, paid_on)
    if task.funding == Funding.budget:
        delivery.record_payment(session, actor, contract_id, day, clean, policy)
        return recorded_payment(session, contract)
    return recorded_book.book(
        session, actor, task, contract, means=means, reference=clean, paid_on=day
    )


def _answerable(session: Session, actor: User | None, contract_id: int):
    contract, task, reader = delivery.readable(session, actor, contract_id, lock=True)
    _payee(reader, contract)
    row = recorded_payment(session, contract)
    if row is not None and row.state == CONFIRMED:
        raise Forbidden(ALREADY_CONFIRMED)
    if row is None or row.state != RECORDED_STATE:
        raise Forbidden(NOTHING_TO_CONFIRM)
    return contract, task, row


def confirm(session: Session, actor: User | None, contract_id: int) -> ContractPayment:
    """The agency confirms it received the recorded payment."""
    contract, task, row = _answerable(session, actor, contract_id)
    return recorded_book.confirm(session, actor, task, contract, row)


def not_received(
    session: Session, actor: User | None, contract_id: int, reason: object
) -> ContractPayment:
    """The agency says the recorded payment has not arrived, and why; the payer is told."""
    contract, task, row = _answerable(session, actor, contract_id)
    c = Checker()
    clean = c.text("reason", reason, max_length=REASON_MAX, multiline=True)
    c.raise_if_any()
    row.state, row.failure = NOT_RECEIVED, clean
    session.add(row)
    session.flush()
    audit.record(
        session,
        "payment.not_received",
        "task",
        task.number,
        {"contract": contract.id, "payment": row.id, "reason": clean},
        actor_user_id=actor.id,
        actor_org_id=contract.agency_id,
    )
    recorded_notifying.not_received(session, task, contract, row)
    return row


def correct(
    session: Session,
    actor: User | None,
    contract_id: int,
    *,
    means: object,
    reference: object,
    paid_on: object,
    policy: BiddingPolicy,
) -> ContractPayment:
    """The payer corrects a record the agency has not received (the amount stays the price);
    the agency is asked to confirm again."""
    contract, task, reader = delivery.readable(session, actor, contract_id, lock=True)
    _payer(reader, task, contract)
    row = recorded_payment(session, contract)
    if row is None or row.state != NOT_RECEIVED:
        raise Forbidden(NOTHING_TO_CORRECT)
    means, clean, day = _checked(task, contract, means, reference, paid_on)
    before = {"means": row.means, "reference": row.reference, "paid_on": row.paid_on.isoformat()}
    row.means, row.reference, row.paid_on = means, clean, day
    row.state, row.failure = RECORDED_STATE, None
    session.add(row)
    if task.funding == Funding.budget:
        contract.paid_at, contract.payment_reference = delivery.paid_at(day), clean
        session.add(contract)
    session.flush()
    audit.record(
        session,
        "payment.corrected",
        "task",
        task.number,
        {
            "contract": contract.id,
            "payment": row.id,
            "before": before,
            "means": means,
            "reference": clean,
            "paid_on": day.isoformat(),
        },
        actor_user_id=actor.id,
        actor_org_id=contract.applicant_org_id,
    )
    recorded_notifying.corrected(session, task, contract, row)
    if task.funding == Funding.budget:
        delivery.record_late_payment_if_due(session, contract, policy)
    return row
