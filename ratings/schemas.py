"""Request and response shapes of the ratings API (`ratings.api`). The rules are
`ratings.ratings`'; what a reader sees is `ratings.serializers`'."""

from __future__ import annotations

from pydantic import BaseModel, Field

from market.api.schemas import Strict

STARS = "1 to 5 stars, a whole number (required)"


class RatingIn(Strict):
    contract_id: int = Field(description="The accepted contract rated (the actor's side rates)")
    quality: int | None = Field(None, description=f"Quality of the work: {STARS}")
    timeliness: int | None = Field(
        None, description=f"Timeliness (of payment, for an applicant): {STARS}"
    )
    attitude: int | None = Field(None, description=f"Attitude: {STARS}")
    fees: int | None = Field(
        None, description=f"Fees: compliance with the fee standard, or prompt payment: {STARS}"
    )
    conduct: int | None = Field(None, description=f"Conduct: {STARS}")
    comment: str | None = Field(None, description="An optional comment, at most 2000 characters")


class ReplyIn(Strict):
    reply: str | None = Field(None, description="The rated side's public reply (required, ≤ 2000)")


class OrgRef(BaseModel):
    id: int
    name: str


class Dimensions(BaseModel):
    quality: int
    timeliness: int
    attitude: int
    fees: int
    conduct: int


class RatingOut(BaseModel):
    id: int
    contract_id: int
    task: str
    task_title: str
    side: str = Field(
        description="applicant (it rates the agency) or agency (it rates the applicant)"
    )
    rater: OrgRef
    rated: OrgRef
    dimensions: Dimensions
    stars: str = Field(
        description="The mean of the five dimensions, an exact fraction such as 21/5"
    )
    stars_display: str
    comment: str
    created_at: str
    published_at: str | None = Field(
        description="Shown to all from then on; before it, to its author's organization only"
    )
    reply: str | None
    replied_at: str | None
    voided_at: str | None = Field(description="Voided by a regulator on appeal: no longer counted")
    void_reason: str | None
    mine: bool = Field(description="Written by the reader's organization")
    can_reply: bool


class RatingList(BaseModel):
    ratings: list[RatingOut]
