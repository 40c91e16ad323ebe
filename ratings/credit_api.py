"""`GET /api/v1/agencies/{id}/credit`: an agency's credit file (docs/rules.md §6)."""

from __future__ import annotations

from flask import jsonify, request
from pydantic import BaseModel, Field

from market.api import api_blueprint
from market.api.openapi import operation
from market.web import db, policy_registry, viewer
from ratings.credit_file import credit_file
from ratings.credit_policy import SECTION

bp = api_blueprint("credit_api", __name__)


class CreditLine(BaseModel):
    kind: str = Field(
        description="base, ratings, rating_clamp, on_time, on_time_cap, late, abandoned, "
        "terminated_fault, misconduct_minor, misconduct_general, misconduct_serious, "
        "commendation, commendation_cap or clamp"
    )
    points_milli: int = Field(description="what the line adds (negative: takes off)")
    source: str | None = Field(description="the fact that made it (hidden for a minor record)")
    at: str | None
    last_day: str | None = Field(description="the last Asia/Shanghai date it counts on")
    note: str | None = Field(description="below_minimum or superseded: why it earns nothing")


class CreditRating(BaseModel):
    source: str
    at: str = Field(description="published at")
    stars: str = Field(description="the mean of its five dimensions, an exact fraction")
    age_days: int
    weight: str = Field(description="0.5^(age/365) to 6 places, an exact fraction; 0 if unused")
    note: str | None


class CreditStored(BaseModel):
    score_milli: int | None
    grade: str | None
    computed_at: str | None
    policy_version: int | None


class CreditSnapshotOut(BaseModel):
    at: str
    score_milli: int
    grade: str
    policy_version: int | None


class CreditFileOut(BaseModel):
    agency_id: int
    name: str
    as_of: str
    score_milli: int = Field(description="0–100000; the sum of the lines' points_milli")
    grade: str = Field(description="A, B, C or D")
    detailed: bool = Field(description="the agency's own view, or a covering regulator's")
    lines: list[CreditLine]
    rating_mean: str = Field(description="R, the Bayesian mean of the ratings, exact")
    ratings: list[CreditRating]
    counts: dict[str, int]
    stored: CreditStored = Field(description="the standing stored on the agency")
    history: list[CreditSnapshotOut] = Field(description="each recomputation that changed it")
    voided_ratings: list[dict] = Field(
        description="ratings voided on appeal by as_of (source, at, voided_at): shown, not counted"
    )


@operation(
    bp,
    "/agencies/<int:agency_id>/credit",
    "GET",
    summary="An agency's credit file: its score as of a moment and the lines adding up to it",
    tag="agencies",
    response=CreditFileOut,
    query={"as_of": "a date (its end in Asia/Shanghai) or a time with offset; now by default"},
    errors=(422,),
)
def get_credit_file(agency_id: int):
    policy = policy_registry().section(SECTION.name)
    return jsonify(credit_file(db(), viewer(), agency_id, request.args.get("as_of"), policy))
