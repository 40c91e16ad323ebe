"""`GET /api/v1/lists/honour`: the honour roll of a month, the latest by default (docs/rules.md
§6)."""

from __future__ import annotations

from flask import jsonify, request
from pydantic import BaseModel, Field

from market.api import api_blueprint
from market.api.openapi import operation
from market.web import db
from ratings.honour import public_roll

bp = api_blueprint("honour_api", __name__)


class HonourAgency(BaseModel):
    id: int
    name: str
    uscc: str | None


class HonourNumbers(BaseModel):
    grades: dict[str, str | None] = Field(
        description="the grade recorded for each month the rule reads (YYYY-MM: A, B, C, D or "
        "null when none was recorded), latest first"
    )
    contracts_accepted: int = Field(description="contracts accepted in the window")
    applicants: int = Field(description="different applicants of those contracts")
    misconduct_records: int = Field(description="records in the window, not repaired (0)")
    upheld_conduct_complaints: int = Field(description="complaints upheld in the window (0)")
    window_from: str = Field(description="the window's start (00:00 Asia/Shanghai)")
    as_of: str = Field(description="the moment the roll was computed as of")


class HonourEntryOut(BaseModel):
    agency: HonourAgency
    region_name: str | None
    since: str = Field(description="the first month (YYYY-MM) of its current run on the roll")
    numbers: HonourNumbers


class HonourRollOut(BaseModel):
    month: str = Field(description="YYYY-MM")
    as_of: str
    published_at: str
    rule: dict[str, int] = Field(
        description="grade_a_months, min_contracts, min_applicants, window_months"
    )
    entries: list[HonourEntryOut]


class HonourListOut(BaseModel):
    months: list[str] = Field(description="the month of every published roll, latest first")
    roll: HonourRollOut | None = Field(description="the roll asked for; null before any")


@operation(
    bp,
    "/lists/honour",
    "GET",
    summary="The honour roll (守信典型名单) of a month, with the numbers behind each entry",
    tag="agencies",
    response=HonourListOut,
    query={"month": "YYYY-MM; the latest roll by default"},
    errors=(422,),
)
def get_honour_roll():
    return jsonify(public_roll(db(), request.args.get("month")))
