"""The escrow's notifications to the agency (docs/rules.md §7): the applicant paid the contract
into escrow, the escrow was released to it, a refund went back to the payer."""

from __future__ import annotations

from sqlmodel import Session

from bidding.models import Contract
from market.models import Task
from market.notifications import notify, register_kind
from market.validation import N_, yuan_text

ESCROW_PAID = "escrow.paid"
ESCROW_RELEASED = "escrow.released"
ESCROW_REFUNDED = "escrow.refunded"


def contract_link(data: dict) -> tuple[str, dict]:
    return ("escrow.pay_page", {"contract_id": data["contract"]})


register_kind(
    ESCROW_PAID,
    subject=N_("The contract of task %(task)s is paid into escrow"),
    body=N_(
        "The applicant of task %(task)s, %(title)s, paid %(amount)s yuan by card. The platform "
        "holds it in escrow and releases it to you when the work is accepted."
    ),
    link=contract_link,
)
register_kind(
    ESCROW_RELEASED,
    subject=N_("The escrow of task %(task)s is released to you"),
    body=N_("%(amount)s yuan held for task %(task)s, %(title)s, is released to your agency."),
    link=contract_link,
)
register_kind(
    ESCROW_REFUNDED,
    subject=N_("A refund to the payer of task %(task)s"),
    body=N_(
        "%(amount)s yuan of the card payment for task %(task)s, %(title)s, went back to the payer."
    ),
    link=contract_link,
)


def _tell(session: Session, kind: str, task: Task, contract: Contract, amount_fen: int) -> None:
    notify(
        session,
        kind,
        org_id=contract.agency_id,
        task=task,
        data={"contract": contract.id, "amount": yuan_text(amount_fen)},
    )


def paid(session, task, contract, amount_fen) -> None:
    _tell(session, ESCROW_PAID, task, contract, amount_fen)


def released(session, task, contract, amount_fen) -> None:
    _tell(session, ESCROW_RELEASED, task, contract, amount_fen)


def refunded(session, task, contract, amount_fen) -> None:
    _tell(session, ESCROW_REFUNDED, task, contract, amount_fen)
