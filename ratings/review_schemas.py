"""Request and response shapes of the appeals, misconduct records and commendations API
(`ratings.api`). The rules are `ratings.appeals`' and `ratings.records`'."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bidding.api.schemas import AgencyRef, Strict


class AppealIn(Strict):
    reason: str | None = Field(
        None, description="Why the rating is wrong (required, at most 2000 characters)"
    )


class AppealDecisionIn(Strict):
    decision: str | None = Field(None, description="upheld or voided")
    reason: str | None = Field(None, description="The written reason (required; shown when voided)")


class Appeal(BaseModel):
    id: int
    rating_id: int
    task: str
    task_title: str
    appellant: AgencyRef
    rater: AgencyRef
    stars: str = Field(description="The rating's mean of its five dimensions")
    comment: str
    reason: str
    filed_at: str
    decide_by: str
    overdue: bool
    decided_at: str | None
    decision: str | None = Field(description="upheld or voided, once decided")
    decision_reason: str | None


class AppealList(BaseModel):
    state: str | None = Field(description="A regulator's tab: undecided or decided")
    counts: dict[str, int] | None = Field(description="A regulator's count of each tab")
    items: list[Appeal]


class MisconductRecordIn(Strict):
    agency_id: int | None = Field(None, description="The agency (required)")
    severity: str | None = Field(None, description="minor, general or serious")
    legal_basis: str | None = Field(None, description="The legal basis (required, at most 1000)")
    facts: str | None = Field(None, description="The facts found (required, at most 5000)")
    collusion: bool | None = Field(
        None,
        description="Confirmed collusion (串通): proposes a serious-dishonesty listing "
        "(false if omitted)",
    )


class MisconductRecord(BaseModel):
    id: int
    agency_id: int
    severity: str
    legal_basis: str
    facts: str
    decided_at: str
    proposal_id: int | None
    collusion: bool = Field(description="Confirmed collusion; proposes a dishonesty listing")


class MisconductRecordList(BaseModel):
    items: list[MisconductRecord]


class ProposalDecisionIn(Strict):
    decision: str | None = Field(None, description="recorded or dismissed")
    severity: str | None = Field(None, description="Recorded: minor, general or serious")
    legal_basis: str | None = Field(None, description="Recorded: the legal basis (required)")
    facts: str | None = Field(None, description="Recorded: the facts (the proposal's if omitted)")
    reason: str | None = Field(None, description="Dismissed: why (required)")
    collusion: bool | None = Field(
        None, description="Recorded: confirmed collusion (false if omitted)"
    )


class MisconductProposal(BaseModel):
    id: int
    agency: AgencyRef
    source: str
    complaint_id: int | None
    facts: str
    proposed_at: str
    decided_at: str | None
    decision: str | None = Field(description="recorded or dismissed, once decided")
    dismissed_reason: str | None


class CommendationIn(Strict):
    agency_id: int | None = Field(None, description="The agency (required)")
    reason: str | None = Field(None, description="Why it is commended (required; public)")


class Commendation(BaseModel):
    id: int
    agency_id: int
    reason: str
    decided_at: str


class CommendationList(BaseModel):
    items: list[Commendation]


class MisconductProposalList(BaseModel):
    state: str
    counts: dict[str, int]
    items: list[MisconductProposal]
