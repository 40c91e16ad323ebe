"""Request and response shapes of the delivery API (`bidding.contracts.delivery_api`). The rules
are `bidding.contracts.delivery`'s; what a reader sees is `delivery_serializers`'."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bidding.api.schemas import AgencyRef, BidAttachment, Strict


class DeliveryFields(BaseModel):
    """The text field of a delivery (multipart, with one or more `file` parts)."""

    note: str = Field(
        description="What is delivered (required; read by the parties and regulators)"
    )


class AcceptanceFields(BaseModel):
    """The text field of an acceptance (multipart, with an optional `file` part: the report's
    file)."""

    report: str | None = Field(
        None,
        description="The acceptance report (验收报告): required for budget and state-owned tasks",
    )


class RevisionIn(Strict):
    reason: str | None = Field(None, description="What to revise (required)")


class PaymentIn(Strict):
    paid_on: str | None = Field(
        None, description="The day the department paid (Shanghai), 2027-06-30; not in the future"
    )
    reference: str | None = Field(
        None, description="The treasury payment or budget reference (required, at most 80)"
    )


class DeliverableOut(BaseModel):
    id: int
    round: int = Field(description="1, then one more per revision asked")
    submitted_at: str
    note: str
    files: list[BidAttachment]
    decide_by: str = Field(description="The applicant decides strictly before this moment")
    overdue: bool = Field(
        description="Undecided past decide_by (a budget or state-owned task's waits for the "
        "applicant; a private task's is accepted by silence)"
    )
    decided_at: str | None
    decision: str | None = Field(description="accepted or revision")
    reason: str | None = Field(description="What the applicant asked to revise")


class PaymentRecord(BaseModel):
    amount_fen: int = Field(description="The contract's price")
    due_at: str | None = Field(description="Set at acceptance: 30 days after it")
    paid_at: str | None = Field(description="The start of the day the department paid")
    reference: str | None
    overdue_at: str | None = Field(description="When the late payment went on its record")


class ContractDelivery(BaseModel):
    contract_id: int
    task: str
    task_title: str
    funding: str
    status: str
    agency: AgencyRef
    price_fen: int
    signed_at: str | None
    due_at: str | None = Field(description="A delivery is on time strictly before this moment")
    first_delivered_at: str | None
    on_time: bool | None = Field(description="The first delivery's verdict")
    revision_rounds: int
    max_revision_rounds: int
    accepted_at: str | None
    accepted_silently: bool
    acceptance_report: str | None
    report_files: list[BidAttachment]
    rating_ends_at: str | None = Field(description="The task closes after it (budget: once paid)")
    closed_at: str | None
    payment: PaymentRecord | None = Field(description="Budget contracts only")
    deliverables: list[DeliverableOut]
    pending_id: int | None = Field(description="The delivery awaiting the applicant's decision")
    report_required: bool
    can_deliver: bool
    can_accept: bool
    can_request_revision: bool
    can_record_payment: bool
