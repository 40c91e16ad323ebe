"""Request and response shapes of the serious-dishonesty list's API (`ratings.dishonesty_api`).
The rules are `ratings.dishonesty`'s and `ratings.dishonesty_import`'s."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bidding.api.schemas import AgencyRef, Strict


class Entry(BaseModel):
    id: int
    agency_id: int | None = Field(description="The registered agency matched by USCC, if any")
    name: str
    uscc: str
    authority: str = Field(description="The authority that decided the listing")
    decision_ref: str | None = Field(description="The decision's reference (imported lists)")
    legal_basis: str
    facts: str
    starts_on: str = Field(description="The first day it applies (Asia/Shanghai)")
    ends_on: str = Field(description="The last day it applies (Asia/Shanghai)")
    starts_at: str
    ends_at: str = Field(description="The moment it stops applying (24:00 of ends_on)")
    removal_conditions: str
    source: str = Field(description="decision (on this platform) or import")
    lifted_at: str | None
    lifted_reason: str | None


class EntryPage(BaseModel):
    items: list[Entry]
    total: int
    next_cursor: str | None


class ProposalIn(Strict):
    agency_id: int | None = Field(None, description="The agency (required)")
    reason: str | None = Field(None, description="Why a listing is proposed (required)")
    legal_basis: str | None = Field(None, description="The legal basis (required, at most 1000)")
    facts: str | None = Field(None, description="The facts (required, at most 5000)")


class NoticeIn(Strict):
    reason: str | None = Field(None, description="Why a listing is proposed (required)")
    legal_basis: str | None = Field(None, description="The legal basis (the record's if omitted)")
    facts: str | None = Field(None, description="The facts (the record's if omitted)")


class StatementFields(BaseModel):
    """The text field of a statement (multipart, with optional PDF `file` parts)."""

    statement: str = Field(description="The agency's case (required, at most 5000)")


class StatementFile(BaseModel):
    sha256: str
    filename: str
    size: int


class DecisionIn(Strict):
    decision: str | None = Field(None, description="listed or dismissed")
    legal_basis: str | None = Field(
        None, description="Listed: the law or regulation providing for the list (required)"
    )
    facts: str | None = Field(None, description="Listed: the facts (the notice's if omitted)")
    starts_on: str | None = Field(
        None, description="Listed: first day (ISO date; not after today nor before the notice)"
    )
    ends_on: str | None = Field(
        None, description="Listed: last day (after the start; at most max_years after it)"
    )
    removal_conditions: str | None = Field(None, description="Listed: removal conditions")
    reason: str | None = Field(None, description="Dismissed: why (required)")


class LiftIn(Strict):
    reason: str | None = Field(None, description="Why the removal conditions are met (required)")


class Proposal(BaseModel):
    id: int
    agency: AgencyRef
    source: str = Field(description="serious_record, collusion or regulator")
    record_id: int | None
    state: str = Field(description="to_notify, notice_period, to_decide or decided")
    reason: str
    legal_basis: str
    facts: str
    proposed_at: str
    notice_at: str | None
    statement_due: str | None = Field(description="The end of the statement period")
    overdue: bool = Field(description="The statement period is over and it is undecided")
    decidable_from: str | None
    statement: str | None
    statement_at: str | None
    statement_files: list[StatementFile] = Field(
        description="The statement's PDF files (download: /dishonesty-proposals/{id}/files/{sha256})"
    )
    decided_at: str | None
    decision: str | None = Field(description="listed or dismissed, once decided")
    dismissed_reason: str | None
    entry: Entry | None


class ProposalList(BaseModel):
    state: str | None = Field(description="A regulator's tab")
    counts: dict[str, int] | None = Field(description="A regulator's count of each tab")
    items: list[Proposal]


class Import(BaseModel):
    id: int
    filename: str
    file_format: str
    sha256: str
    uploaded_at: str
    report: dict = Field(
        description="matched (row, uscc, name, entry, agency_id, agency), unmatched (row, uscc, "
        "name, entry), already (row, uscc, entry) and refused (row, reasons: field, msgid, "
        "params) rows"
    )


class ImportList(BaseModel):
    items: list[Import]
