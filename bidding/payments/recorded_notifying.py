"""The notifications of recorded payments (docs/rules.md §7): the agency learns that a payment
was recorded (or corrected) and awaits its confirmation; the payer learns that the agency
confirmed it, or said it has not received it and why."""

from __future__ import annotations

from sqlmodel import Session

from bidding.models import Contract, ContractPayment
from market.models import Task
from market.notifications import notify, register_kind
from market.validation import N_, yuan_text

RECORDED = "payments.recorded"
CORRECTED = "payments.corrected"
CONFIRMED = "payments.confirmed"
NOT_RECEIVED = "payments.not_received"


def payments_link(data: dict) -> tuple[str, dict]:
    return ("contract_payments.page", {"contract_id": data["contract"]})


register_kind(
    RECORDED,
    subject=N_("The payment of task %(task)s is recorded: confirm its receipt"),
    body=N_(
        "The applicant of task %(task)s, %(title)s, recorded its payment of %(amount)s yuan "
        "(reference %(reference)s, paid on %(paid_on)s). Confirm its receipt, or say that it has "
        "not arrived."
    ),
    link=payments_link,
)
register_kind(
    CORRECTED,
    subject=N_("The payment record of task %(task)s is corrected: confirm its receipt"),
    body=N_(
        "The applicant of task %(task)s, %(title)s, corrected its payment record (reference "
        "%(reference)s, paid on %(paid_on)s). Confirm its receipt, or say that it has not arrived."
    ),
    link=payments_link,
)
register_kind(
    CONFIRMED,
    subject=N_("The agency confirmed the payment of task %(task)s"),
    body=N_("The agency of task %(task)s, %(title)s, confirmed that it received %(amount)s yuan."),
    link=payments_link,
)
register_kind(
    NOT_RECEIVED,
    subject=N_("The agency has not received the payment of task %(task)s"),
    body=N_(
        "The agency of task %(task)s, %(title)s, says it has not received the payment you "
        "recorded: %(reason)s. Check the payment and correct its record."
    ),
    link=payments_link,
)


def _data(contract: Contract, row: ContractPayment, **extra) -> dict:
    return {
        "contract": contract.id,
        "amount": yuan_text(row.amount_fen),
        "reference": row.reference,
        "paid_on": row.paid_on.isoformat() if row.paid_on else "",
        **extra,
    }


def recorded(session: Session, task: Task, contract: Contract, row: ContractPayment) -> None:
    notify(session, RECORDED, org_id=contract.agency_id, task=task, data=_data(contract, row))


def corrected(session: Session, task: Task, contract: Contract, row: ContractPayment) -> None:
    notify(session, CORRECTED, org_id=contract.agency_id, task=task, data=_data(contract, row))


def confirmed(session: Session, task: Task, contract: Contract, row: ContractPayment) -> None:
    data = _data(contract, row)
    notify(session, CONFIRMED, org_id=contract.applicant_org_id, task=task, data=data)


def not_received(session: Session, task: Task, contract: Contract, row: ContractPayment) -> None:
    data = _data(contract, row, reason=row.failure)
    notify(session, NOT_RECEIVED, org_id=contract.applicant_org_id, task=task, data=data)
