"""Related agencies (docs/rules.md §5): the legal representative's identity, kept only as a keyed
hash; relations of control between agencies; and regulators' findings that a declaration was
false."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: Who put a fact on record: the agency itself (self-declared, unverified), or a regulator.
DECLARED, REGULATOR = "declared", "regulator"


class RepresentativeIdentity(SQLModel, table=True):
    """The identity document of an agency's legal representative. Only its HMAC is stored
    (`market.identity`); the number itself is never kept, shown, serialized, logged or audited."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", unique=True)
    document_type: str = Field(max_length=20)
    #: HMAC-SHA-256 (lowercase hex) of "type:number" under IDENTITY_HASH_KEY.
    digest: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    #: DECLARED by the agency, or REGULATOR when a regulator entered it from documents it checked.
    source: str = Field(max_length=16)
    declared_at: datetime = Field(sa_type=UTCDateTime)
    declared_by_user_id: int = Field(foreign_key="user.id")
    #: Set when a regulator checked the document against this digest; a new declaration clears it.
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    #: What the regulator checked (never the number).
    verification_basis: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: Set when a regulator found the declaration false: it stops counting until declared again.
    found_false_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AgencyRelation(SQLModel, table=True):
    """One agency's control of another: ``holding`` (a controlling shareholding, 直接控股) or
    ``management`` (管理关系), from `first_org_id` over `second_org_id`.

    Recorded by a regulator (source REGULATOR, with the basis it relied on) it is an established
    relation; declared by one of the two agencies (source DECLARED) it is only flagged.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    first_org_id: int = Field(foreign_key="organization.id", index=True)
    second_org_id: int = Field(foreign_key="organization.id", index=True)
    source: str = Field(max_length=16)
    #: The regulator's basis or source (a registration record, a decision), or the agency's
    #: statement; published with any bid it invalidates.
    basis: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    recorded_by_user_id: int = Field(foreign_key="user.id")
    recorded_by_org_id: int = Field(foreign_key="organization.id")
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    revoked_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class DeclarationFinding(SQLModel, table=True):
    """A regulator's finding that an agency's declaration (its representative's identity, or a
    relation it declared) was false: a misconduct ground, from which `ratings` makes the record."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    #: "representative_identity" or "relation".
    declaration: str = Field(max_length=24)
    relation_id: int | None = Field(default=None, foreign_key="agencyrelation.id")
    #: The task on which the declaration came to light, if any.
    task_id: int | None = Field(default=None, foreign_key="task.id")
    statement: str = Field(sa_column=Column(Text, nullable=False))
    found_at: datetime = Field(sa_type=UTCDateTime)
    found_by_user_id: int = Field(foreign_key="user.id")
    found_by_org_id: int = Field(foreign_key="organization.id")
