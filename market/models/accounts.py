"""Organizations, their members, and what they are allowed to act on."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class OrgKind(StrEnum):
    agency = "agency"
    enterprise = "enterprise"
    department = "department"
    regulator = "regulator"
    expert = "expert"
    operator = "operator"


#: Kinds that must log in with a second factor.
SECOND_FACTOR_REQUIRED = (OrgKind.regulator, OrgKind.operator)


class Role(StrEnum):
    admin = "admin"
    member = "member"


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)
    name: str = Field(max_length=100, index=True)
    uscc: str | None = Field(default=None, sa_column=Column(String(18), unique=True, nullable=True))
    legal_representative: str | None = Field(default=None, max_length=50)
    region_code: str | None = Field(default=None, max_length=6)
    address: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    contact_name: str | None = Field(default=None, max_length=50)
    # Personal data: never serialized for the public audience.
    contact_phone: str | None = Field(default=None, max_length=20)
    contact_email: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(sa_type=UTCDateTime)
    # Zero-barrier entry: an agency is listed the moment it registers (no approval step).
    listed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    commitment_signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    commitment_version: str | None = Field(default=None, max_length=20)
    # Standing (docs/rules.md §9): maintained by `ratings`, read by `bidding`.
    credit_score_milli: int | None = Field(default=None)
    grade: str | None = Field(default=None, max_length=1)
    #: When the stored score was computed, and under which recorded policy version.
    credit_computed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    credit_policy_version: int | None = Field(default=None)
    suspended_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dishonest_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Since when a credit warning (信用警示, grade D) is in force; None when none is.
    warned_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The first month of its current run on the honour roll (守信典型名单); None when the latest
    #: roll omits it. Maintained by `ratings.honour`, read by bidding and the pages.
    honour_roll_since: date | None = Field(default=None)


class User(UserMixin, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    role: str = Field(default=Role.member, max_length=16)
    email: str = Field(sa_column=Column(String(254), unique=True, nullable=False))
    name: str = Field(max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    password_hash: str = Field(max_length=255)
    totp_secret: str | None = Field(default=None, max_length=64)
    #: The last accepted TOTP time step, so a code cannot be replayed.
    totp_last_step: int | None = Field(default=None)
    #: Part of the id kept in the session cookie; logging out bumps it, so a copy of the cookie
    #: taken before (the session lives in a signed cookie) stops working everywhere.
    session_generation: int = Field(default=0)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Why an operator disabled the account (audited too); cleared when it is enabled again.
    disabled_reason: str | None = Field(default=None, max_length=500)
    #: "E-mail me my notifications" (`market.notifications`): on unless the user turns it off.
    mail_notifications: bool = Field(default=True)
    #: How many notifications the user was sent: the last one's `Notification.number`.
    notifications_made: int = Field(default=0)

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    def get_id(self) -> str:
        return f"{self.id}.{self.session_generation}"


class Jurisdiction(SQLModel, table=True):
    """One row per (service category, region prefix) a regulator supervises; NULL means all."""

    __table_args__ = (UniqueConstraint("organization_id", "category", "region_prefix"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    category: str | None = Field(default=None, max_length=32)
    region_prefix: str | None = Field(default=None, max_length=6)


class ExpertCategory(SQLModel, table=True):
    """The service categories an expert of the pool may be drawn for."""

    __table_args__ = (UniqueConstraint("organization_id", "category"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    category: str = Field(max_length=32)


class ApiToken(SQLModel, table=True):
    """A personal API token; only its SHA-256 is stored, the token itself is shown once."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=12)
    token_sha256: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RecoveryCode(SQLModel, table=True):
    """A second-factor recovery code: only its SHA-256 is stored, the code is shown once, and
    each is spent by one login (`used_at`)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    code_sha256: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
