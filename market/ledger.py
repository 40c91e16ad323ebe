"""The ledger's one writer and its readers (docs/rules.md §7, "Money").

`post` appends a balanced transaction — integer fen, at least two entries, summing to zero — once
per idempotency key: posting the same key again returns the first transaction and writes nothing,
whoever calls (a webhook delivered twice, a page submitted twice, two workers at once). Nothing
updates or deletes a posted row: a correction is a new transaction (`_refuse_changes` makes the
session refuse any attempt). Every transaction is audited in the same database transaction.

Accounts are strings, ``<kind>`` or ``<kind>:<scope>`` (`account`), named by what they hold:

- ``stripe`` — money the platform holds at Stripe (debited when a card payment is captured,
  credited by refunds and chargebacks);
- ``escrow:<reference>`` — what is held for one reference (a contract) until it is released or
  refunded;
- ``payable:org:<id>`` — released to an agency, owed to it until it is paid out
  (the settlement file lists it);
- ``clawback:org:<id>`` — a chargeback that came after the release, owed back by the agency;
- ``paid:org:<id>`` / ``in_transit:<reference>`` / ``received:org:<id>`` — a payment made outside
  the platform (budget code or bank transfer), as recorded by the payer and confirmed by the payee.

The sum of every account is always zero (`total`); a test checks it after every scenario.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import event, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from market import audit, clock
from market.models.ledger import LedgerEntry, LedgerTransaction

ACCOUNT_KINDS = ("stripe", "escrow", "payable", "clawback", "paid", "in_transit", "received")
MAX_NAME = 80


class Unbalanced(ValueError):
    """A transaction whose entries do not sum to zero, or an entry that is not a whole,
    non-zero number of fen on a known account: a programming error, never a user's."""


def account(kind: str, *scope: object) -> str:
    """An account's name: ``account("payable", "org", 7)`` → ``"payable:org:7"``."""
    if kind not in ACCOUNT_KINDS:
        raise Unbalanced(f"unknown account kind {kind!r}")
    return ":".join([kind, *(str(part) for part in scope)])


def _check(lines: Sequence[tuple[str, int]]) -> None:
    if len(lines) < 2:
        raise Unbalanced("a transaction has at least two entries")
    for name, amount in lines:
        if type(amount) is not int or amount == 0:
            raise Unbalanced(f"{name}: {amount!r} is not a non-zero whole number of fen")
        if name.split(":", 1)[0] not in ACCOUNT_KINDS or len(name) > MAX_NAME:
            raise Unbalanced(f"unknown account {name!r}")
    if sum(amount for _, amount in lines) != 0:
        raise Unbalanced(f"entries sum to {sum(a for _, a in lines)} fen, not 0")


def find(session: Session, key: str) -> LedgerTransaction | None:
    return session.exec(
        select(LedgerTransaction).where(LedgerTransaction.idempotency_key == key)
    ).first()


def post(
    session: Session,
    *,
    reference: str,
    kind: str,
    key: str,
    lines: Sequence[tuple[str, int]],
    external_ref: str | None = None,
    actor_user_id: int | None = None,
    actor_org_id: int | None = None,
    memo: str | None = None,
) -> tuple[LedgerTransaction, bool]:
    """Append the transaction (returns it and True), or return the one already posted under `key`
    (and False) without writing anything. Raises `Unbalanced` before writing anything."""
    _check(lines)
    existing = find(session, key)
    if existing is not None:
        return existing, False
    row = LedgerTransaction(
        reference=reference,
        kind=kind,
        idempotency_key=key,
        external_ref=external_ref,
        created_at=clock.now(),
        actor_user_id=actor_user_id,
        memo=memo,
    )
    try:
        with session.begin_nested():  # a concurrent writer of the same key wins; we read its row
            session.add(row)
            session.flush()
            session.add_all(
                LedgerEntry(
                    transaction_id=row.id, reference=reference, account=name, amount_fen=amount
                )
                for name, amount in lines
            )
            session.flush()
    except IntegrityError:
        existing = find(session, key)
        if existing is None:
            raise
        return existing, False
    audit.record(
        session,
        "ledger.posted",
        "ledger",
        row.id,
        {
            "reference": reference,
            "kind": kind,
            "key": key,
            "external_ref": external_ref,
            "entries": [[name, amount] for name, amount in lines],
        },
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
    )
    return row, True


def balance(session: Session, name: str, reference: str | None = None) -> int:
    """The sum of an account's entries in fen (debits positive), optionally for one reference."""
    query = select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
        LedgerEntry.account == name
    )
    if reference is not None:
        query = query.where(LedgerEntry.reference == reference)
    return int(session.exec(query).one())


def balances(session: Session, *, reference: str | None = None, prefix: str | None = None) -> dict:
    """{account: balance} of every account with entries (of one reference, or whose name starts
    with `prefix`), zero balances included, in account order."""
    query = select(LedgerEntry.account, func.sum(LedgerEntry.amount_fen)).group_by(
        LedgerEntry.account
    )
    if reference is not None:
        query = query.where(LedgerEntry.reference == reference)
    if prefix is not None:
        query = query.where(LedgerEntry.account.startswith(prefix, autoescape=True))
    return {name: int(total) for name, total in sorted(session.exec(query).all())}


def total(session: Session) -> int:
    """The sum of every entry ever posted: zero, always."""
    return int(session.exec(select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))).one())


def transactions(session: Session, reference: str) -> list[tuple[LedgerTransaction, list]]:
    """A reference's transactions in order, each with its entries."""
    rows = session.exec(
        select(LedgerTransaction)
        .where(LedgerTransaction.reference == reference)
        .order_by(LedgerTransaction.id)
    ).all()
    entries: dict[int, list[LedgerEntry]] = {}
    for entry in session.exec(
        select(LedgerEntry).where(LedgerEntry.reference == reference).order_by(LedgerEntry.id)
    ):
        entries.setdefault(entry.transaction_id, []).append(entry)
    return [(row, entries.get(row.id, [])) for row in rows]


class AppendOnly(RuntimeError):
    """Something tried to change or delete a posted ledger row."""


@event.listens_for(Session, "before_flush")
def _refuse_changes(session, flush_context, instances) -> None:
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, LedgerEntry | LedgerTransaction) and (
            row in session.deleted or session.is_modified(row)
        ):
            raise AppendOnly(f"ledger rows are append-only ({type(row).__name__} {row.id})")
