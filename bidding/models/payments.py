"""How a contract is paid (docs/rules.md §7): by card through Stripe into escrow, or recorded by
the payer (budget code or bank transfer) and confirmed by the agency. The money itself is on
`market`'s ledger under the reference ``contract:<id>``; a row here is the workflow's memory of
one payment attempt or record."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: `ContractPayment.method`.
CARD, RECORDED = "card", "recorded"
#: `ContractPayment.state` of a card payment: the PaymentIntent was created and awaits the card;
#: the card was charged (captured) into escrow; the attempt failed (declined, authentication
#: failed, Stripe unreachable) and moved no money.
PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
#: … of a recorded payment: recorded by the payer; its receipt confirmed by the agency.
RECORDED_STATE, CONFIRMED = "recorded", "confirmed"
#: `ContractPayment.means` of a recorded payment.
BUDGET_CODE, BANK_TRANSFER = "budget_code", "bank_transfer"


class ContractPayment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("payment_intent_id"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    method: str = Field(max_length=16)
    state: str = Field(max_length=16)
    amount_fen: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    #: A card payment: its Stripe PaymentIntent, and why the last attempt failed (shown to the payer).
    payment_intent_id: str | None = Field(default=None, max_length=64)
    failure: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    succeeded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Escrow's outcome: released to the agency on acceptance; refunded in full or in part.
    released_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    refunded_fen: int = Field(default=0, sa_type=BigInteger)
    #: A recorded payment: budget code or bank transfer, the treasury or bank reference, the day
    #: paid (Shanghai), and the agency's confirmation of receipt.
    means: str | None = Field(default=None, max_length=16)
    reference: str | None = Field(default=None, max_length=80)
    paid_on: date | None = Field(default=None)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmed_by_user_id: int | None = Field(default=None, foreign_key="user.id")
