"""The writes of a recorded payment (docs/rules.md §7), shared by the `budget` payment of
`bidding.contracts.delivery` and the `private`/`state_owned` one of `bidding.payments.recorded`:
the `ContractPayment` row, the ledger's transaction and the audit entry, in the caller's
transaction under the task's row lock.

On the ledger (``contract:<id>``), recording posts ``paid:org:<payer> −X /
in_transit:contract:<id> +X`` and the agency's confirmation ``in_transit:contract:<id> −X /
received:org:<agency> +X``, each once per contract (its idempotency key), so a page submitted
twice or two workers at once post one transaction."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from bidding.models import Contract, ContractPayment
from bidding.models.payments import CONFIRMED, RECORDED, RECORDED_STATE
from bidding.payments import recorded_notifying
from market import audit, clock, ledger
from market.models import Task, User

#: `ContractPayment.state` of a recorded payment the agency says it has not received (its reason
#: in `failure`); the payer corrects the record, which is `recorded` again.
NOT_RECEIVED = "not_received"


def reference_of(contract: Contract) -> str:
    """The ledger reference of a contract's money."""
    return f"contract:{contract.id}"


def recorded_payment(session: Session, contract: Contract) -> ContractPayment | None:
    """The contract's recorded payment (there is at most one), or None."""
    return session.exec(
        select(ContractPayment).where(
            ContractPayment.contract_id == contract.id, ContractPayment.method == RECORDED
        )
    ).first()


def book(
    session: Session,
    actor: User,
    task: Task,
    contract: Contract,
    *,
    means: str,
    reference: str,
    paid_on: date,
) -> ContractPayment:
    """Write the payer's record of its payment of the contract's price: the row, the ledger's
    ``paid → in_transit`` transaction, the audit entry, and the agency's notification."""
    row = ContractPayment(
        contract_id=contract.id,
        method=RECORDED,
        state=RECORDED_STATE,
        amount_fen=contract.price_fen,
        created_at=clock.now(),
        created_by_user_id=actor.id,
        means=means,
        reference=reference,
        paid_on=paid_on,
    )
    session.add(row)
    session.flush()
    ledger.post(
        session,
        reference=reference_of(contract),
        kind="payment.recorded",
        key=f"payment.recorded:contract:{contract.id}",
        lines=[
            (ledger.account("paid", "org", contract.applicant_org_id), -contract.price_fen),
            (ledger.account("in_transit", "contract", contract.id), contract.price_fen),
        ],
        external_ref=reference,
        actor_user_id=actor.id,
        actor_org_id=contract.applicant_org_id,
    )
    audit.record(
        session,
        "payment.recorded",
        "task",
        task.number,
        {
            "contract": contract.id,
            "payment": row.id,
            "means": means,
            "reference": reference,
            "paid_on": paid_on.isoformat(),
            "amount_fen": row.amount_fen,
        },
        actor_user_id=actor.id,
        actor_org_id=contract.applicant_org_id,
    )
    recorded_notifying.recorded(session, task, contract, row)
    return row


def confirm(
    session: Session, actor: User, task: Task, contract: Contract, row: ContractPayment
) -> ContractPayment:
    """The agency's confirmation of receipt: the row, ``in_transit → received`` on the ledger,
    the audit entry and the payer's notification."""
    now = clock.now()
    row.state, row.confirmed_at, row.confirmed_by_user_id = CONFIRMED, now, actor.id
    row.failure = None
    session.add(row)
    session.flush()
    ledger.post(
        session,
        reference=reference_of(contract),
        kind="payment.confirmed",
        key=f"payment.confirmed:contract:{contract.id}",
        lines=[
            (ledger.account("in_transit", "contract", contract.id), -row.amount_fen),
            (ledger.account("received", "org", contract.agency_id), row.amount_fen),
        ],
        external_ref=row.reference,
        actor_user_id=actor.id,
        actor_org_id=contract.agency_id,
    )
    audit.record(
        session,
        "payment.confirmed",
        "task",
        task.number,
        {"contract": contract.id, "payment": row.id, "amount_fen": row.amount_fen},
        actor_user_id=actor.id,
        actor_org_id=contract.agency_id,
    )
    recorded_notifying.confirmed(session, task, contract, row)
    return row
