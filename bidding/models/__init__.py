"""Bidding's tables: sealed bids and receipts, draw seeds and draws, validity, panels, results.

Money is integer fen in BigInteger columns; every number of a result is stored as the string of an
exact fraction (``str(Fraction)``, e.g. ``"1234/5"``), so a reader recomputes it without floats.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class Bid(SQLModel, table=True):
    """An agency's bid (or sign-up) on a task: one row per agency and task, holding the current
    version. Sealed until the task's ``opened_at``; every submission is kept in `BidVersion`."""

    __table_args__ = (UniqueConstraint("task_id", "agency_id"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    #: Number of the current version; keeps counting after a withdrawal and a new submission.
    version: int
    price_fen: int = Field(sa_type=BigInteger)
    duration_days: int
    #: The proposal as hashed into the receipt (NFC, LF line breaks).
    proposal_text: str = Field(sa_column=Column(Text, nullable=False))
    attachments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    receipt: str = Field(sa_column=Column(String(64), nullable=False))
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    #: Set when the bidder withdrew; a withdrawn bid does not stand at the deadline.
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Credit score (milli-points) taken at opening for `scoring`; 80 000 when the agency had none.
    credit_snapshot_milli: int | None = Field(default=None)


class BidVersion(SQLModel, table=True):
    """Every submission of a bid: the receipt content, the receipt and the platform's signature."""

    __table_args__ = (UniqueConstraint("bid_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(foreign_key="bid.id", index=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    version: int
    #: Exactly the dict whose JCS is hashed into the receipt (DESIGN §5).
    content: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    receipt: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    #: Base64 Ed25519 signature over the receipt's ASCII (see bidding/receipts.py).
    signature: str = Field(max_length=100)
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    #: Set on the version that was standing when the bidder withdrew.
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


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
    """One verifiable draw of a task (DESIGN §5), as published."""

    __table_args__ = (UniqueConstraint("task_id", "purpose"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    purpose: str = Field(max_length=32)
    candidates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    picks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    made_at: datetime = Field(sa_type=UTCDateTime)


class ValidityDecision(SQLModel, table=True):
    """Whether a bid standing at the deadline is valid, and why; ``valid`` None means pending
    (an abnormally low bid awaiting its explanation and the applicant's decision)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    bid_id: int = Field(foreign_key="bid.id", unique=True)
    valid: bool | None = Field(default=None)
    #: A code: "eligible", "suspended", "related_legal_representative", "abnormally_low"…
    ground: str = Field(max_length=40)
    #: Untranslated messages [{"msgid", "params"}], rendered in the reader's language.
    messages: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: The applicant's published reason, when a person decided.
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")


class ExplanationRequest(SQLModel, table=True):
    """An abnormally low bid must be explained in writing by ``due_at`` (DESIGN §5)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    bid_id: int = Field(foreign_key="bid.id", unique=True)
    #: Which tests the price failed, with their exact numbers: [{"test", "threshold", …}].
    tests: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    requested_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    explanation: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    explained_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: "accepted", "rejected" or "expired" (no explanation in time).
    decision: str | None = Field(default=None, max_length=16)
    decision_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")


class PanelMember(SQLModel, table=True):
    """An expert called onto a `scoring` task's panel, in the order of the "panel" draw."""

    __table_args__ = (UniqueConstraint("task_id", "expert_org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    expert_org_id: int = Field(foreign_key="organization.id")
    #: 0-based place in the drawn order; a recusal calls the next place not yet called.
    position: int
    called_at: datetime = Field(sa_type=UTCDateTime)
    declared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    statement: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PanelMark(SQLModel, table=True):
    """A panellist's mark (0–100) for a valid bid's proposal; published by name with the result."""

    __table_args__ = (UniqueConstraint("task_id", "expert_org_id", "bid_id"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    expert_org_id: int = Field(foreign_key="organization.id")
    bid_id: int = Field(foreign_key="bid.id")
    mark: int
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    marked_at: datetime = Field(sa_type=UTCDateTime)


class RankingEntry(SQLModel, table=True):
    """A valid bid's place in the result, with every number needed to recompute it."""

    __table_args__ = (UniqueConstraint("task_id", "rank"), UniqueConstraint("task_id", "bid_id"))
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    bid_id: int = Field(foreign_key="bid.id")
    rank: int
    #: Exact fractions as strings, e.g. {"price_fen": "90000", "reference_fen": "281333/3"}.
    numbers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: The draw purpose that placed it inside a tie group, if any.
    tie_purpose: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Award(SQLModel, table=True):
    """The award candidate (rank 1 at first); a later revocation moves the next rank up."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    bid_id: int = Field(foreign_key="bid.id")
    rank: int
    candidate_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class TaskQuestion(SQLModel, table=True):
    """A question about a published task (DESIGN §4): asked by a listed agency until one working
    day before the deadline, answered publicly by the applicant. The asker stays anonymous:
    ``asker_org_id`` is shown to nobody but the asker itself (see `bidding.questions.services`)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    asked_at: datetime = Field(sa_type=UTCDateTime)
    asker_org_id: int = Field(foreign_key="organization.id")
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AnnouncementObjection(SQLModel, table=True):
    """A potential bidder's objection to the announcement's conditions, until the deadline
    (DESIGN §4); the objector is shown to the applicant and regulators only."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    objector_org_id: int = Field(foreign_key="organization.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    reply: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    replied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
