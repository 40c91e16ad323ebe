"""Request and response shapes of the objections and complaints API (`bidding.objections.api`).
The rules are `bidding.objections.services`'; what each reader sees is
`bidding.objections.serializers`'."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bidding.api.schemas import AgencyRef, Strict


class ObjectionIn(Strict):
    grounds: str | None = Field(
        None,
        description="The grounds (required, at most 5000 characters); read by the applicant and "
        "the regulators covering the task, never published",
    )


class AnswerIn(Strict):
    answer: str | None = Field(None, description="The applicant's answer (required, at most 5000)")


class ComplaintIn(Strict):
    objection_id: int | None = Field(
        None, description="The complainant's own objection, answered or left unanswered"
    )
    grounds: str | None = Field(None, description="Why the answer does not satisfy (required)")


class DecisionIn(Strict):
    decision: str | None = Field(None, description="upheld or dismissed")
    reason: str | None = Field(None, description="The written reason (required; published)")
    conduct_agency_id: int | None = Field(
        None,
        description="Upheld only: a bidder of the task whose conduct was at fault (a misconduct "
        "ground for its credit record)",
    )


class SuspensionIn(Strict):
    reason: str | None = Field(None, description="Why the task is halted (required; published)")
    complaint_id: int | None = Field(
        None, description="The task's complaint the suspension waits for: its decision ends it"
    )


class ResumptionIn(Strict):
    reason: str | None = Field(None, description="Why the task resumes (required; published)")


class Complaint(BaseModel):
    id: int
    task: str
    task_title: str
    objection_id: int
    agency: AgencyRef
    mine: bool = Field(description="Whether the reader's agency filed it")
    grounds: str
    filed_at: str
    decide_by: str = Field(description="The regulator decides strictly before this moment")
    overdue: bool = Field(description="Undecided at or after `decide_by`")
    task_suspended_for_it: bool = Field(description="Whether the task is suspended waiting for it")
    decided_at: str | None
    decision: str | None = Field(description="upheld or dismissed")
    reason: str | None
    decided_by: str | None = Field(description="The deciding regulator's organization")
    conduct_agency: AgencyRef | None = Field(description="The bidder found at fault, if any")


class Objection(BaseModel):
    id: int
    task: str
    kind: str = Field(description="objection (异议), or challenge (质疑) for a budget task")
    award_rank: int = Field(description="The rank of the award candidate objected to")
    award_revoked: bool
    agency: AgencyRef = Field(description="The objector")
    mine: bool
    grounds: str
    filed_at: str
    answer_due_at: str = Field(description="The applicant answers before this moment")
    state: str = Field(description="awaiting_answer, lapsed (unanswered past its time) or answered")
    answered_at: str | None
    answer: str | None
    answered_late: bool
    complaint_due_at: str | None = Field(
        description="The objector may complain before this moment (once answered or lapsed)"
    )
    can_answer: bool = Field(description="Whether the reader (the applicant) may answer it now")
    can_complain: bool = Field(description="Whether the reader (the objector) may complain now")
    complaint_refusal: str | None = Field(description="Why the objector may not complain now")
    complaint: Complaint | None


class Decision(BaseModel):
    id: int
    decided_at: str
    decision: str
    reason: str


class Suspension(BaseModel):
    started_at: str
    by: str | None = Field(description="The regulator's organization that suspended the task")
    reason: str
    for_complaint: bool
    ended_at: str | None
    end_reason: str | None


class TaskObjections(BaseModel):
    task: str
    kind: str = Field(description="objection (异议), or challenge (质疑) for a budget task")
    objections_until: str | None = Field(
        description="Objections to the current award candidate are taken before this moment"
    )
    can_object: bool = Field(description="Whether the reader's agency may object now")
    refusal: str | None = Field(description="Why the reader's agency may not object now")
    items: list[Objection] = Field(
        description="The objector sees its own, the applicant and covering regulators every one"
    )
    decisions: list[Decision] = Field(description="Every decided complaint: public")
    suspensions: list[Suspension] = Field(description="Every suspension of the task: public")


class ComplaintList(BaseModel):
    state: str | None = Field(description="A regulator's queue: undecided or decided")
    counts: dict[str, int] | None = Field(description="A regulator's queue: the count of each")
    items: list[Complaint] = Field(
        description="A regulator: the complaints in its jurisdiction, oldest first; an agency: "
        "its own; an applicant: those about its tasks"
    )
