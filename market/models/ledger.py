"""The double-entry ledger (docs/rules.md §7): append-only transactions of balanced entries in
integer fen, each keyed by an opaque reference (``contract:12``) that only the package posting it
understands."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class LedgerTransaction(SQLModel, table=True):
    """One movement of money (or of a recorded payment): its entries sum to zero. Posted once per
    `idempotency_key` (a Stripe object's id, or a reference and a step), so a repeated call, a
    duplicated webhook or a retried request finds the first and posts nothing."""

    __table_args__ = (UniqueConstraint("idempotency_key"),)
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=80, index=True)
    kind: str = Field(max_length=32)
    idempotency_key: str = Field(max_length=120)
    #: The Stripe object (PaymentIntent, Refund, Dispute) or the payer's bank or treasury reference.
    external_ref: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(sa_type=UTCDateTime)
    actor_user_id: int | None = Field(default=None, foreign_key="user.id")
    memo: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class LedgerEntry(SQLModel, table=True):
    """One side of a transaction: `amount_fen` is positive for a debit, negative for a credit."""

    id: int | None = Field(default=None, primary_key=True)
    transaction_id: int = Field(foreign_key="ledgertransaction.id", index=True)
    reference: str = Field(max_length=80, index=True)
    account: str = Field(max_length=80, index=True)
    amount_fen: int = Field(sa_type=BigInteger)
