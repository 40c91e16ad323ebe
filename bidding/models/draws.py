"""Draw seeds, the opening record (the receipts standing at the deadline, from which every
draw's key is computed) and the draws made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class DrawSeed(SQLModel, table=True):
    """The task's draw seed, made at publication: AES-GCM-encrypted with a key kept outside the
    database, committed to publicly at once, and revealed (``seed_hex``) at the first draw."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", unique=True)
    #: 12-byte nonce ‖ AES-256-GCM ciphertext and tag; the task number is the associated data.
    seed_encrypted: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    commitment: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    revealed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    seed_hex: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))


class Opening(SQLModel, table=True):
    """What was fixed when the task was opened: the key's receipts, and the expert pool."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", unique=True)
    opened_at: datetime = Field(sa_type=UTCDateTime)
    #: Sorted receipts of every bid standing at the deadline: the draw key's input, never changed.
    standing_receipts: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    #: `scoring` only: expert ids (as strings, sorted) of the pool for the item's category.
    panel_pool: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    #: Set when no bid's validity is pending any more; no draw is made before.
    validity_final_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Draw(SQLModel, table=True):
    """One verifiable draw of a task (docs/rules.md §5), as published."""

    __table_args__ = (UniqueConstraint("task_id", "purpose"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    purpose: str = Field(max_length=32)
    candidates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    picks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    made_at: datetime = Field(sa_type=UTCDateTime)
