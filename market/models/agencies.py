"""What an agency declares about itself: services, professionals, qualifications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class AgencyService(SQLModel, table=True):
    """A service item an agency offers, with its service commitment and price range."""

    __table_args__ = (UniqueConstraint("organization_id", "service_item_id"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    service_item_id: int = Field(foreign_key="serviceitem.id", index=True)
    commitment_days: int
    commitment_scope: str = Field(max_length=500)
    price_min_fen: int = Field(sa_type=BigInteger)
    price_max_fen: int = Field(sa_type=BigInteger)


class Professional(SQLModel, table=True):
    """A registered professional of an agency; the ID number is personal data, never public."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=50)
    certificate: str = Field(max_length=100)
    certificate_no: str = Field(max_length=50)
    id_number: str | None = Field(default=None, max_length=18)


class Qualification(SQLModel, table=True):
    """A declared qualification: self-declared until a regulator verifies (or rejects) it.

    `type_code` names a type of `market.catalog_data.QUALIFICATION_TYPES`, with `grade` (a grade
    code of that type) and `scope` where the type has them; `name` is the name as declared. A row
    without a type (a free-text declaration that migration 0009 could not match) asks its agency
    to choose one, and counts for nothing until it does.
    """

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    type_code: str | None = Field(default=None, max_length=40, index=True)
    grade: str | None = Field(default=None, max_length=8)
    scope: str = Field(default="", max_length=200)
    name: str = Field(max_length=100, index=True)
    certificate_no: str = Field(max_length=50)
    issuer: str = Field(max_length=100)
    valid_from: date | None = Field(default=None)
    valid_until: date | None = Field(default=None)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    rejected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejected_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    rejection_reason: str = Field(default="", max_length=500)
