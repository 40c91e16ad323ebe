"""Request and response shapes of the invitations API (`bidding.invitations.api`). The rules are
`bidding.invitations.services`'; what each reader sees is `bidding.invitations.serializers`'."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bidding.api.schemas import AgencyRef, Strict


class AcceptIn(Strict):
    price_fen: int | None = Field(
        None, description="Price in fen (1 yuan = 100 fen), at most the task's price cap"
    )
    duration_days: int | None = Field(
        None, description="Days to deliver, at most the task's service period"
    )


class DeclineIn(Strict):
    reason: str | None = Field(
        None, description="Why the agency declines (required; read by the applicant and regulators)"
    )


class InviteIn(Strict):
    agency_id: int | None = Field(
        None, description="A listed agency not invited to this task before"
    )


class Invitation(BaseModel):
    id: int
    task: str
    task_title: str
    agency: AgencyRef
    state: str = Field(description="pending, accepted, declined or lapsed")
    invited_at: str
    answer_by: str = Field(description="The answer is due strictly before this moment")
    accepted_at: str | None
    price_fen: int | None = Field(
        description="The accepted price: none before acceptance; to those who see the invitation, "
        "and to everyone once the result is published"
    )
    duration_days: int | None
    declined_at: str | None
    decline_reason: str | None
    lapsed_at: str | None = Field(description="Recorded by the sweep; `state` says it at once")
    mine: bool = Field(description="Whether the reader is the invited agency")


class InvitationList(BaseModel):
    task: str
    can_invite: bool = Field(description="Whether the reader (the applicant) may invite another")
    items: list[Invitation] = Field(
        description="The applicant and regulators see every invitation, the invited agency its own"
    )


class OwnInvitations(BaseModel):
    items: list[Invitation]
