"""Request and response shapes of the contracts API (`bidding.contracts.api`). The rules are
`bidding.contracts.services`'; what each reader sees is `bidding.contracts.serializers`'."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bidding.api.schemas import AgencyRef, Strict

STATE = (
    "awaiting_signatures, signing_overdue (past sign_by, not yet swept or the applicant late), "
    "abandoned (the agency did not sign: the award went to the next in line), signed, terminated"
)


class SignIn(Strict):
    document_sha256: str | None = Field(
        None,
        description="The SHA-256 of the document the signer read; refused (422) when the "
        "document changed since. Left out: the current document.",
    )


class ProposeTerminationIn(Strict):
    reason: str | None = Field(None, description="Why end the contract (required)")
    refund_fen: int | None = Field(
        None,
        description="A contract paid by card into escrow: what goes back to the payer, in fen, "
        "0 to the price (absent: all that escrow holds; the rest is released to the agency)",
    )


class RegulatorTerminationIn(Strict):
    reason: str | None = Field(None, description="Why the contract is terminated (required)")
    fault_party: str | None = Field(
        None, description="The party at fault: agency, applicant or neither (required)"
    )
    refund_fen: int | None = Field(
        None,
        description="A contract paid by card into escrow: what goes back to the payer, in fen, "
        "0 to the price (absent: all that escrow holds; the rest is released to the agency)",
    )


class ContractDocument(BaseModel):
    source: Literal["generated", "uploaded"]
    sha256: str = Field(description="SHA-256 of the uploaded file, or of the generated text")
    filename: str | None
    size: int | None


class TerminationProposal(BaseModel):
    proposed_at: str
    side: Literal["agency", "applicant"]
    reason: str
    refund_fen: int | None = Field(
        description="A contract paid by card: what the proposal refunds to the payer, in fen "
        "(null: all that escrow holds)"
    )


class Actions(BaseModel):
    sign: bool = Field(description="The reader's side may confirm now")
    sign_refusal: str | None = Field(
        description="Why the reader's side, not yet confirmed, may not confirm now"
    )
    change_document: bool = Field(description="The reader (the applicant) may change the document")
    propose_termination: bool
    confirm_termination: bool
    withdraw_termination: bool
    terminate: bool = Field(description="The reader is a regulator covering the task")


class Contract(BaseModel):
    id: int
    task: str
    task_title: str
    funding: str
    notice_number: str | None = Field(description="The award notice's number")
    agency: AgencyRef
    applicant: AgencyRef
    price_fen: int = Field(description="The awarded price in fen; a contract never says another")
    service_days: int = Field(description="Calendar days from signing to deliver")
    created_at: str
    sign_by: str = Field(description="Both sides confirm strictly before this moment")
    state: str = Field(description=STATE)
    document: ContractDocument
    signed_document_sha256: str | None = Field(
        description="The document the standing confirmations were given to"
    )
    agency_signed_at: str | None
    applicant_signed_at: str | None
    signed_at: str | None = Field(description="The later of the two confirmations")
    due_at: str | None = Field(
        description="End of the Shanghai day service_days calendar days after signing (the next "
        "working day when that day is not one)"
    )
    abandoned_at: str | None
    terminated_at: str | None
    termination_reason: str | None
    fault_party: str | None = Field(description="agency, applicant or neither")
    termination_proposal: TerminationProposal | None
    termination_refund_fen: int | None = Field(
        description="A contract paid by card: what its termination (proposed or decided) refunds "
        "to the payer, in fen (null: all that escrow holds)"
    )
    my_side: str | None = Field(description="agency, applicant, or none for a regulator")
    actions: Actions


class ContractRow(BaseModel):
    id: int
    task: str
    task_title: str
    my_side: Literal["agency", "applicant"]
    price_fen: int
    sign_by: str
    signed_at: str | None
    state: str = Field(description=STATE)


class OwnContracts(BaseModel):
    items: list[ContractRow]


class SignedContract(BaseModel):
    signed_at: str
    price_fen: int
    agency: AgencyRef
    applicant: AgencyRef
    terminated_at: str | None


class SignedContracts(BaseModel):
    task: str
    items: list[SignedContract]
