"""Request and response shapes of the payments API (`bidding.payments.api`). The rules are
`bidding.payments.recorded`'s; what a reader sees is `bidding.payments.recorded_money`'s."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bidding.api.schemas import Strict


class RecordIn(Strict):
    means: str | None = Field(
        None,
        description="bank_transfer or budget_code (a budget contract: budget_code, the default)",
    )
    paid_on: str | None = Field(
        None, description="The day paid (Shanghai), 2027-06-30; not in the future"
    )
    reference: str | None = Field(
        None, description="The bank or treasury payment reference (required, at most 80)"
    )


class NotReceivedIn(Strict):
    reason: str | None = Field(None, description="What is wrong (required, at most 2000)")


class Payment(BaseModel):
    id: int
    method: str = Field(description="card or recorded")
    state: str = Field(
        description="card: pending, succeeded or failed; recorded: recorded, not_received "
        "(the agency says it has not arrived; the payer corrects it) or confirmed"
    )
    amount_fen: int
    created_at: str
    means: str | None = Field(description="A recorded payment: bank_transfer or budget_code")
    reference: str | None = Field(description="A recorded payment: the bank or treasury reference")
    paid_on: str | None = Field(description="A recorded payment: the day paid (Shanghai)")
    confirmed_at: str | None
    not_received_reason: str | None = Field(description="Why the agency has not received it")
    failure: str | None = Field(description="A failed card attempt's reason (to the payer only)")
    succeeded_at: str | None
    released_at: str | None
    refunded_fen: int


class Entry(BaseModel):
    account: str = Field(description="e.g. paid:org:7, in_transit:contract:3, received:org:9")
    amount_fen: int = Field(description="Debits positive, credits negative")


class Transaction(BaseModel):
    id: int
    kind: str
    created_at: str
    external_ref: str | None
    entries: list[Entry] = Field(description="Summing to zero")


class ContractPayments(BaseModel):
    contract_id: int
    task: str
    title: str
    funding: str
    price_fen: int
    method: str = Field(description="card or recorded")
    why: str = Field(
        description="budget (recorded, never by card), escrow_off, above_limit (the price is "
        "above the card limit) or card"
    )
    payer_org_id: int = Field(description="The contract's applicant: the only payer")
    payee_org_id: int
    payments: list[Payment]
    transactions: list[Transaction]
    balances: dict[str, int] = Field(description="Each account's balance for this contract")
    can_record: bool
    record_refusal: str | None = Field(description="Why the payer cannot record a payment now")
    can_confirm: bool = Field(description="The agency may confirm or say it has not received")
    can_correct: bool


class ContractMoney(BaseModel):
    contract_id: int
    task: str
    title: str
    price_fen: int
    held_fen: int
    released_fen: int
    in_transit_fen: int
    received_fen: int
    clawback_fen: int


class MoneySummary(BaseModel):
    org_id: int
    held_fen: int = Field(description="Held in escrow for the agency")
    released_fen: int = Field(description="Released to it (payable), not yet paid out")
    in_transit_fen: int = Field(description="Recorded by payers, awaiting its confirmation")
    received_fen: int = Field(description="Recorded payments it confirmed")
    clawback_fen: int = Field(description="A chargeback after release, owed back by it")
    contracts: list[ContractMoney]


class SettlementRow(BaseModel):
    agency_id: int
    agency_name: str
    uscc: str | None
    amount_fen: int
    amount_yuan: str = Field(description="The same amount in yuan, 1234.50")
    references: list[str] = Field(description="The contracts it is for: contract:<id>")


class Settlement(BaseModel):
    total_fen: int
    rows: list[SettlementRow]
