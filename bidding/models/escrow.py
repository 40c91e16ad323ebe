"""Refunds of a card payment held in escrow (docs/rules.md §7): asked of Stripe on a contract's
termination (in full, or the part its decision names), or made at Stripe and learnt from its
events. A row is the workflow's memory of one refund; the money is on the ledger under the
Stripe refund's id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: `EscrowRefund.state`: asked of Stripe, not yet answered (Stripe unreachable: asked again);
#: refunded by Stripe.
REFUND_PENDING, REFUND_SUCCEEDED = "pending", "succeeded"
#: `EscrowRefund.cause`: the contract's termination; a refund made at Stripe (its dashboard).
ON_TERMINATION, AT_STRIPE = "termination", "stripe"


class EscrowRefund(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("refund_id"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    payment_id: int = Field(foreign_key="contractpayment.id")
    amount_fen: int = Field(sa_type=BigInteger)
    cause: str = Field(max_length=16)
    state: str = Field(max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    #: Stripe's refund (re_…), once Stripe made it.
    refund_id: str | None = Field(default=None, max_length=64)
    refunded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Why the last request to Stripe failed (a msgid), shown with the retry button.
    failure: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
