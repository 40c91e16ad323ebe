"""Request and response shapes of the card payment API (`bidding.payments.escrow_api`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bidding.api.schemas import Strict


class CardAttempt(BaseModel):
    id: int
    state: Literal["pending", "succeeded", "failed"]
    amount_fen: int
    created_at: str
    payment_intent: str | None = Field(description="Stripe's PaymentIntent")
    failure: str | None = Field(description="Why the attempt failed, in the reader's language")
    succeeded_at: str | None
    released_at: str | None


class CardRefund(BaseModel):
    id: int
    amount_fen: int
    cause: Literal["termination", "stripe"]
    state: Literal["pending", "succeeded"]
    refund: str | None = Field(description="Stripe's refund, once made")
    created_at: str
    refunded_at: str | None
    failure: str | None = Field(description="Why the last request to Stripe failed")


class CardPayment(BaseModel):
    contract: int
    task: str
    task_title: str
    method: Literal["card", "recorded"] = Field(
        description="How the contract is paid (docs/rules.md §7)"
    )
    amount_fen: int = Field(description="The contract's price, what the card is charged")
    paid: bool
    may_pay: bool = Field(description="The reader (a member of the applicant) may pay now")
    refusal: str | None = Field(description="Why the contract cannot be paid by card now")
    held_fen: int = Field(description="What escrow holds for the contract")
    released_fen: int = Field(description="What was released to the agency")
    refunded_fen: int
    attempts: list[CardAttempt]
    refunds: list[CardRefund]
    may_retry_refunds: bool


class CardStart(BaseModel):
    payment_id: int
    payment_intent: str
    status: str = Field(description="The PaymentIntent's status at Stripe")
    client_secret: str | None = Field(
        description="For Stripe.js's confirmCardPayment; null once paid"
    )
    publishable_key: str
    amount_fen: int


class CardConfirmIn(Strict):
    card_token: str | None = Field(
        None, description="The token Stripe.js's createToken made of the card (tok_…; required)"
    )


class CardStep(BaseModel):
    payment_id: int | None
    status: str | None = Field(description="The PaymentIntent's status at Stripe")
    paid: bool = Field(description="Paid into escrow")
    requires_action: bool = Field(
        description="The card asks for authentication: complete it with Stripe.js's "
        "confirmCardPayment(client_secret), then POST …/card/settle"
    )
    client_secret: str | None


class RefundRetry(BaseModel):
    pending: int = Field(description="Refunds still awaiting Stripe")
