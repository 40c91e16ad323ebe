"""What the payments pages and API read (docs/rules.md §7), all from the ledger and the
`ContractPayment` rows, whichever workflow (card or recorded) wrote them:

- `contract_state`: a contract's payment method and why, its payments, its ledger transactions,
  and what the reader may do now;
- `agency_money`: an agency's money — held in escrow for it, released to it (payable, not yet paid
  out), recorded and awaiting its confirmation, received (recorded payments it confirmed), and a
  clawback it owes — in total and per contract;
- `settlement`: the released amounts per agency, for the bank payout.

The ledger's signs are debits positive: money held for an agency is a credit on its
``escrow:contract:<id>`` and ``payable:org:<id>`` accounts (shown negated), a recorded payment a
debit on ``in_transit:contract:<id>`` then ``received:org:<id>``, a clawback a debit on
``clawback:org:<id>``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from bidding import visibility
from bidding.models import Contract, ContractPayment
from bidding.models.payments import CARD, RECORDED_STATE
from bidding.payments import recorded
from bidding.payments.options import method_for_app
from bidding.payments.recorded_book import NOT_RECEIVED, recorded_payment, reference_of
from market import ledger
from market.models import Organization, Task
from market.models.ledger import LedgerEntry


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _payment(row: ContractPayment, payer: bool) -> dict:
    card = row.method == CARD
    return {
        "id": row.id,
        "method": row.method,
        "state": row.state,
        "amount_fen": row.amount_fen,
        "created_at": _iso(row.created_at),
        "means": row.means,
        "reference": row.reference,
        "paid_on": row.paid_on.isoformat() if row.paid_on else None,
        "confirmed_at": _iso(row.confirmed_at),
        # A card attempt's failure is the payer's to read; an agency's "not received" both sides'.
        "not_received_reason": row.failure if row.state == NOT_RECEIVED else None,
        "failure": row.failure if card and payer else None,
        "succeeded_at": _iso(row.succeeded_at),
        "released_at": _iso(row.released_at),
        "refunded_fen": row.refunded_fen,
    }


def transactions(session: Session, contract: Contract) -> list[dict]:
    return [
        {
            "id": tx.id,
            "kind": tx.kind,
            "created_at": _iso(tx.created_at),
            "external_ref": tx.external_ref,
            "entries": [{"account": e.account, "amount_fen": e.amount_fen} for e in entries],
        }
        for tx, entries in ledger.transactions(session, reference_of(contract))
    ]


def contract_state(
    session: Session,
    contract: Contract,
    task: Task,
    reader: visibility.Reader,
    config: Mapping,
) -> dict:
    """A contract's payments as the reader (a party or a covering regulator) sees them."""
    payer = visibility.is_contract_applicant(reader, contract)
    payee = visibility.is_contract_agency(reader, contract)
    rows = session.exec(
        select(ContractPayment)
        .where(ContractPayment.contract_id == contract.id)
        .order_by(ContractPayment.id)
    ).all()
    mine = recorded_payment(session, contract)
    refusal = recorded.record_refusal(session, config, task, contract)
    return {
        "contract_id": contract.id,
        "task": task.number,
        "title": task.title,
        "funding": task.funding,
        "price_fen": contract.price_fen,
        "method": method_for_app(config, task, contract),
        "why": recorded.why(config, task, contract),
        "payer_org_id": contract.applicant_org_id,
        "payee_org_id": contract.agency_id,
        "payments": [_payment(row, payer) for row in rows],
        "transactions": transactions(session, contract),
        "balances": ledger.balances(session, reference=reference_of(contract)),
        "can_record": payer and refusal is None,
        "record_refusal": refusal if payer and refusal != recorded.PAID_BY_CARD else None,
        "can_confirm": payee and mine is not None and mine.state == RECORDED_STATE,
        "can_correct": payer and mine is not None and mine.state == NOT_RECEIVED,
    }


# --- an agency's money -------------------------------------------------------------------------


@dataclass
class Money:
    held_fen: int = 0
    released_fen: int = 0
    in_transit_fen: int = 0
    received_fen: int = 0
    clawback_fen: int = 0

    def add(self, kind: str, amount: int) -> None:
        if kind == "escrow":
            self.held_fen -= amount
        elif kind == "payable":
            self.released_fen -= amount
        elif kind == "in_transit":
            self.in_transit_fen += amount
        elif kind == "received":
            self.received_fen += amount
        elif kind == "clawback":
            self.clawback_fen += amount

    def shown(self) -> dict:
        return dict(self.__dict__)


def agency_money(session: Session, org: Organization) -> dict:
    """The agency's money on the ledger, in total and per contract (those with entries)."""
    contracts = [
        (contract, task)
        for contract, task, side in visibility.own_contracts(session, org)
        if side == visibility.AGENCY_SIDE
    ]
    names = {
        ledger.account("payable", "org", org.id),
        ledger.account("received", "org", org.id),
        ledger.account("clawback", "org", org.id),
    }
    for contract, _task in contracts:
        names.add(ledger.account("escrow", "contract", contract.id))
        names.add(ledger.account("in_transit", "contract", contract.id))
    total, per = Money(), {}
    for reference, name, amount in session.exec(
        select(LedgerEntry.reference, LedgerEntry.account, func.sum(LedgerEntry.amount_fen))
        .where(LedgerEntry.account.in_(sorted(names)))
        .group_by(LedgerEntry.reference, LedgerEntry.account)
    ).all():
        kind = name.split(":", 1)[0]
        total.add(kind, int(amount))
        per.setdefault(reference, Money()).add(kind, int(amount))
    lines = [
        {
            "contract_id": contract.id,
            "task": task.number,
            "title": task.title,
            "price_fen": contract.price_fen,
            **per[reference_of(contract)].shown(),
        }
        for contract, task in contracts
        if reference_of(contract) in per
    ]
    return {"org_id": org.id, **total.shown(), "contracts": lines}


# --- the settlement file -----------------------------------------------------------------------


def settlement(session: Session) -> list[dict]:
    """Every agency with money released to it and not yet paid out (a credit on its
    ``payable:org:<id>``), by agency id: its name, USCC, the amount and the contracts it is for."""
    by_org: dict[int, dict[str, int]] = {}
    for name, reference, amount in session.exec(
        select(LedgerEntry.account, LedgerEntry.reference, func.sum(LedgerEntry.amount_fen))
        .where(LedgerEntry.account.startswith("payable:org:", autoescape=True))
        .group_by(LedgerEntry.account, LedgerEntry.reference)
    ).all():
        by_org.setdefault(int(name.rsplit(":", 1)[1]), {})[reference] = -int(amount)
    rows = []
    for org_id in sorted(by_org):
        owed = sum(by_org[org_id].values())
        if owed <= 0:
            continue
        org = session.get(Organization, org_id)
        rows.append(
            {
                "agency_id": org_id,
                "agency_name": org.name,
                "uscc": org.uscc,
                "amount_fen": owed,
                "references": sorted(
                    (r for r, a in by_org[org_id].items() if a != 0),
                    key=lambda r: (len(r), r),
                ),
            }
        )
    return rows
