"""Request and response shapes of the exit rules' API (`ratings.exits_api`); the rules are
`ratings.exits`'."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bidding.api.schemas import AgencyRef, Strict


class ReasonIn(Strict):
    reason: str | None = Field(None, description="The written reason (required, at most 2000)")


class AppealDecisionIn(Strict):
    decision: str | None = Field(None, description="upheld or overturned")
    reason: str | None = Field(None, description="The written reason (required, at most 2000)")


class LicenceCancellationIn(Strict):
    cancelled_on: str | None = Field(
        None, description="The day the licence was cancelled, YYYY-MM-DD"
    )
    reference: str | None = Field(
        None, description="The registration authority's reference (required, at most 100)"
    )


class ExitAppeal(BaseModel):
    id: int
    action_id: int
    agency: AgencyRef
    reason: str
    filed_at: str
    decide_by: str
    overdue: bool
    decided_at: str | None
    decision: str | None = Field(description="upheld or overturned, once decided")
    decision_reason: str | None


class ExitAction(BaseModel):
    id: int
    agency: AgencyRef
    kind: str = Field(description="warning, suspension or removal")
    cause: str = Field(
        description="grade_d, score_below, conduct_complaints, serious_records, dishonesty_list, "
        "qualification_expired, qualification_revoked or licence_cancelled"
    )
    state: str = Field(description="in_force (warning, suspension), proposed, confirmed, dismissed")
    in_force: bool
    details: dict
    started_at: str
    until: str | None = Field(description="A suspension's end; a listing's end for its removal")
    decided_at: str | None
    decision_reason: str | None
    ended_at: str | None
    end_reason: str | None
    appeal_by: str | None = Field(description="For the agency and its regulators: appeal until")
    appeal: ExitAppeal | None = Field(description="For the agency and its regulators")


class ExitActionList(BaseModel):
    agency: AgencyRef
    warned_since: str | None
    suspended_until: str | None
    removed_at: str | None
    items: list[ExitAction]


class ExitQueue(BaseModel):
    proposals: list[ExitAction] = Field(description="Removal proposals to confirm, oldest first")
    appeals: list[ExitAppeal] = Field(description="Appeals to decide, oldest first")
