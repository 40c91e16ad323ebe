"""The serious-dishonesty list (严重失信主体名单, docs/rules.md §6): proposals a regulator turns
into a notice, the agency's statement and the decision; the list's entries (by a decision here or
imported from another authority's decision); and the imports with their reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: `DishonestyProposal.source`: a serious misconduct record, a record of confirmed collusion, or a
#: regulator's own proposal.
SERIOUS_RECORD, COLLUSION, BY_REGULATOR = "serious_record", "collusion", "regulator"
#: `DishonestyProposal.decision`.
LISTED, DISMISSED = "listed", "dismissed"
#: `DishonestyEntry.source`.
DECISION, IMPORT = "decision", "import"


class DishonestyProposal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    source: str = Field(max_length=20)
    #: The misconduct record that proposed it (sources serious_record and collusion).
    record_id: int | None = Field(default=None, foreign_key="misconductrecord.id", index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    legal_basis: str = Field(sa_column=Column(Text, nullable=False))
    facts: str = Field(sa_column=Column(Text, nullable=False))
    proposed_at: datetime = Field(sa_type=UTCDateTime)
    proposed_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    #: The notice to the agency (reason, basis, rights) and the end of its statement period.
    notice_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notice_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    statement_due: datetime | None = Field(default=None, sa_type=UTCDateTime)
    statement: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    statement_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    statement_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision: str | None = Field(default=None, max_length=16)
    dismissed_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    #: The statement's PDF files: [{"sha256", "filename", "size"}], stored by their SHA-256
    #: (`market.attachments.store`), read by the agency and the covering regulators only.
    statement_files: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class DishonestyImport(SQLModel, table=True):
    """A list decided by other authorities, uploaded as CSV or JSON, with its report."""

    id: int | None = Field(default=None, primary_key=True)
    filename: str = Field(max_length=200)
    file_format: str = Field(max_length=8)
    sha256: str = Field(max_length=64)
    uploaded_at: datetime = Field(sa_type=UTCDateTime)
    uploaded_by_user_id: int = Field(foreign_key="user.id")
    uploaded_by_org_id: int = Field(foreign_key="organization.id")
    #: {"matched": [...], "unmatched": [...], "already": [...], "refused": [...]}
    report: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DishonestyEntry(SQLModel, table=True):
    """One listing: it applies from `starts_at` until `ends_at` unless lifted earlier. An imported
    decision (USCC, authority, reference) is imported once, even by two imports at once."""

    __table_args__ = (UniqueConstraint("uscc", "authority", "decision_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    #: The agency as matched by USCC (None for an imported entry whose USCC is not registered).
    agency_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    uscc: str = Field(max_length=18, index=True)
    name: str = Field(max_length=200)
    authority: str = Field(max_length=200)
    authority_org_id: int | None = Field(default=None, foreign_key="organization.id")
    decision_ref: str | None = Field(default=None, max_length=100)
    legal_basis: str = Field(sa_column=Column(Text, nullable=False))
    facts: str = Field(sa_column=Column(Text, nullable=False))
    removal_conditions: str = Field(sa_column=Column(Text, nullable=False))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    source: str = Field(max_length=16)
    proposal_id: int | None = Field(default=None, foreign_key="dishonestyproposal.id")
    import_id: int | None = Field(default=None, foreign_key="dishonestyimport.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    lifted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lifted_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    lifted_by_user_id: int | None = Field(default=None, foreign_key="user.id")
