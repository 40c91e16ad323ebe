"""Contracts between the applicant and the awarded agency, their deliverables and acceptance,
and what goes on an applicant's record (docs/rules.md §4). A task keeps every contract it had:
the current one is the latest not ended (an abandoned award ends its contract unsigned)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: `Contract.fault_party` of a termination.
AGENCY, APPLICANT, NEITHER = "agency", "applicant", "neither"
#: `Deliverable.decision`.
ACCEPTED, REVISION = "accepted", "revision"
#: `ApplicantRecord.kind`.
LATE_SIGNING, LATE_PAYMENT = "late_signing", "late_payment"


class Contract(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("award_id"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    award_id: int = Field(foreign_key="award.id")
    agency_id: int = Field(foreign_key="organization.id", index=True)
    applicant_org_id: int = Field(foreign_key="organization.id", index=True)
    #: The awarded price; a contract never says another.
    price_fen: int = Field(sa_type=BigInteger)
    service_days: int
    created_at: datetime = Field(sa_type=UTCDateTime)
    #: Both sides confirm before this moment (30 days after the award notice).
    sign_by: datetime = Field(sa_type=UTCDateTime)
    #: The contract document: an uploaded file's attachment id, or None for the generated one.
    document_attachment_id: int | None = Field(default=None, foreign_key="attachment.id")
    document_sha256: str | None = Field(default=None, max_length=64)
    agency_signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    agency_signed_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    applicant_signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    applicant_signed_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    #: Both sides confirmed: the later of the two confirmations.
    signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Delivery is on time before this moment (signed_at + service_days, end of day Shanghai).
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The first delivery's verdict against `due_at`, announced once.
    first_delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    on_time: bool | None = Field(default=None)
    revision_rounds: int = Field(default=0)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepted_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    #: The acceptance report (验收) — required for `budget` and `state_owned` tasks.
    acceptance_report: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: Accepted by the applicant's silence (`private` tasks only).
    accepted_silently: bool = Field(default=False)
    #: A termination by agreement: one side proposes it with a reason, the other confirms.
    termination_proposed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    termination_proposed_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    #: "agency" or "applicant": the side that proposed.
    termination_proposed_side: str | None = Field(default=None, max_length=16)
    termination_proposal_reason: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True)
    )
    terminated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    terminated_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    termination_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    fault_party: str | None = Field(default=None, max_length=16)
    #: An award abandoned by the agency ends its unsigned contract.
    abandoned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: `budget` contracts: payment due 30 days after acceptance, and its record.
    payment_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    payment_reference: str | None = Field(default=None, max_length=80)
    payment_overdue_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: A card payment in escrow: what the termination's decision refunds to the payer, in fen
    #: (None: all that is held).
    termination_refund_fen: int | None = Field(default=None, sa_type=BigInteger)


class Deliverable(SQLModel, table=True):
    """One submission of the work (round 1, then one per revision asked), and its decision."""

    __table_args__ = (UniqueConstraint("contract_id", "round"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    round: int
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    submitted_by_user_id: int = Field(foreign_key="user.id")
    note: str = Field(sa_column=Column(Text, nullable=False))
    #: Attachment ids of the files delivered.
    files: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: The applicant decides before this moment (10 working days).
    decide_by: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    decision: str | None = Field(default=None, max_length=16)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ApplicantRecord(SQLModel, table=True):
    """A fact on an applicant's public record: signing late, paying a `budget` contract late."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    kind: str = Field(max_length=20)
    task_id: int = Field(foreign_key="task.id")
    contract_id: int = Field(foreign_key="contract.id")
    at: datetime = Field(sa_type=UTCDateTime)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
