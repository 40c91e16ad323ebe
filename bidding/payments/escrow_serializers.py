"""What the card page and `GET /api/v1/contracts/{id}/payments/card` show of a contract's card
payment (docs/rules.md §7): to its two parties and the regulators covering the task (who may read
the contract at all is `bidding.visibility`'s)."""

from __future__ import annotations

from sqlmodel import Session

from bidding import visibility
from bidding.models import Contract
from bidding.payments import escrow
from market import ledger
from market.models import Task, User


def _iso(moment) -> str | None:
    return None if moment is None else moment.isoformat()


def card_state(
    session: Session,
    contract: Contract,
    task: Task,
    settings: escrow.Settings,
    user: User | None,
    translate,
) -> dict:
    by_card = escrow.by_card(task, contract, settings)
    why = escrow.refusal(session, task, contract, settings)
    side = visibility.contract_side(visibility.reader_of(session, user, task), contract)
    paid = escrow.paid_payment(session, contract)
    payable = ledger.balance(
        session, ledger.account("payable", "org", contract.agency_id), escrow.reference(contract)
    )
    return {
        "contract": contract.id,
        "task": task.number,
        "task_title": task.title,
        "method": "card" if by_card else "recorded",
        "amount_fen": contract.price_fen,
        "paid": paid is not None,
        "may_pay": why is None and side == visibility.APPLICANT_SIDE,
        "refusal": None if why is None else translate(why),
        "held_fen": escrow.held(session, contract),
        "released_fen": -payable,
        "refunded_fen": 0 if paid is None else paid.refunded_fen,
        "attempts": [
            {
                "id": p.id,
                "state": p.state,
                "amount_fen": p.amount_fen,
                "created_at": p.created_at.isoformat(),
                "payment_intent": p.payment_intent_id,
                "failure": None if p.failure is None else translate(p.failure),
                "succeeded_at": _iso(p.succeeded_at),
                "released_at": _iso(p.released_at),
            }
            for p in escrow.card_payments(session, contract)
        ],
        "refunds": [
            {
                "id": r.id,
                "amount_fen": r.amount_fen,
                "cause": r.cause,
                "state": r.state,
                "refund": r.refund_id,
                "created_at": r.created_at.isoformat(),
                "refunded_at": _iso(r.refunded_at),
                "failure": None if r.failure is None else translate(r.failure),
            }
            for r in escrow.refunds(session, contract)
        ],
        "may_retry_refunds": side is not None
        and any(r.state == "pending" for r in escrow.refunds(session, contract)),
    }
