"""The service catalog: intermediary services that approvals still require, with their rules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, String, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

CATEGORIES = (
    "environment",
    "water",
    "geology",
    "seismic",
    "meteorology",
    "cultural_relics",
    "land",
    "mineral",
    "energy",
    "safety",
    "occupational_health",
    "construction",
    "cost",
    "surveying",
    "fire",
    "real_estate",
    "transport",
    "lightning",
    "planning",
    "social",
)
FEE_STANDARDS = ("market", "government")


class ServiceItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(32), unique=True, nullable=False))
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    category: str = Field(max_length=32, index=True)
    legal_basis_zh: str = Field(sa_column=Column(Text, nullable=False))
    legal_basis_en: str = Field(sa_column=Column(Text, nullable=False))
    approval_item_zh: str = Field(max_length=200)
    approval_item_en: str = Field(max_length=200)
    approving_department_zh: str = Field(max_length=200)
    approving_department_en: str = Field(max_length=200)
    time_limit_wd: int
    workflow_zh: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    workflow_en: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    conditions_zh: str = Field(sa_column=Column(Text, nullable=False))
    conditions_en: str = Field(sa_column=Column(Text, nullable=False))
    fee_standard: str = Field(max_length=16)
    fee_note_zh: str = Field(sa_column=Column(Text, nullable=False))
    fee_note_en: str = Field(sa_column=Column(Text, nullable=False))
    #: [{"name_zh", "name_en", "holder": "firm"|"person", "basis_zh", "basis_en"}]
    required_qualifications: list[dict] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    abolished_zh: str = Field(default="", sa_column=Column(Text, nullable=False))
    abolished_en: str = Field(default="", sa_column=Column(Text, nullable=False))
    #: Commissioned by an approving department for its own review: only a department may post it,
    #: with budget funding, so the cost never lands on the enterprise (docs/rules.md §3).
    department_commissioned: bool = Field(default=False)
    note_en: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
