"""Request and response shapes of bidding's JSON API (for the OpenAPI document and type checks).

The rules (ranges, lengths, who may do what) are the services'; these models fix the shape only.
What each audience sees is decided by `bidding.serializers`; the response models describe the
largest view, so fields an audience may not see are optional.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from market.api.schemas import NextDeadline


class Strict(BaseModel):
    """A request body: no unknown field, and JSON's own types only (strict mode: `true` is no
    integer, `"50000"` and `1.0` are none either, a list must be a list)."""

    model_config = ConfigDict(extra="forbid", strict=True)


# --- requests --------------------------------------------------------------------------------------


class BidIn(Strict):
    """A bid, or for a `random` task a sign-up (price omitted or equal to the fixed fee)."""

    price_fen: int | None = Field(None, description="Price in fen (1 yuan = 100 fen)")
    duration_days: int | None = Field(None, description="Days to deliver, ≤ the task's limit")
    proposal_text: str | None = Field(
        None, description="Technical proposal (hashed into the receipt in NFC with LF line breaks)"
    )
    attachment_sha256s: list[str] = Field(
        default_factory=list, description="Lowercase hex SHA-256 of each file"
    )

    def submission(self) -> dict:
        """The keyword arguments of `sealed.submit_bid` and `sealed.change_bid`."""
        return {
            "price_fen": self.price_fen,
            "duration_days": self.duration_days,
            "proposal_text": self.proposal_text or "",
            "attachment_sha256s": self.attachment_sha256s,
        }


class ExplanationIn(Strict):
    explanation: str | None = None


class ValidityIn(Strict):
    accept: StrictBool = Field(
        description="true: accept the explanation (the bid is valid); false: rule the bid invalid"
    )
    reason: str | None = Field(None, description="Published with the decision")


class StatementIn(Strict):
    statement: str | None = None


class MarkIn(Strict):
    bid_id: str = Field(description="The bid's public identifier: its receipt")
    mark: int | None = Field(None, description="0–100")
    comment: str | None = None


# --- responses -------------------------------------------------------------------------------------


class Acknowledgement(BaseModel):
    content: dict = Field(
        description="The receipt content: recompute the receipt as "
        "hex(SHA-256(RFC 8785 JSON of it))"
    )
    receipt: str
    signature: str = Field(
        description="Base64 Ed25519 signature over the receipt's 64 ASCII characters"
    )
    public_key_pem: str
    version: int
    submitted_at: str


class BidAttachment(BaseModel):
    sha256: str
    filename: str
    size: int
    content_type: str
    uploaded_at: str


class BidAttachmentList(BaseModel):
    items: list[BidAttachment]


class Withdrawal(BaseModel):
    receipt: str
    withdrawn_at: str | None


class Message(BaseModel):
    msgid: str
    params: dict
    text: str


class Validity(BaseModel):
    state: str = Field(description="valid, invalid or pending")
    ground: str | None
    messages: list[Message]
    reason: str | None
    decided_at: str | None


class Explanation(BaseModel):
    requested_at: str | None
    due_at: str | None
    explained: bool
    explained_at: str | None
    decision: str | None
    decision_reason: str | None
    decided_at: str | None
    explanation: str | None = None
    tests: list[dict] | None = None


class AgencyRef(BaseModel):
    id: int
    name: str
    uscc: str | None
    warned_since: str | None = Field(
        None, description="A credit warning (grade D) in force since (docs/rules.md §6)"
    )


class BidEntry(BaseModel):
    id: str = Field(description="The bid's public identifier: its receipt")
    receipt: str
    agency: AgencyRef
    own: bool
    validity: Validity
    explanation: Explanation | None
    price_fen: int | None = None
    duration_days: int | None = None
    version: int | None = None
    submitted_at: str | None = None
    proposal_text: str | None = None
    proposal_sha256: str | None = None
    attachments: list[str] | None = None
    credit_snapshot_milli: int | None = None


class TaskBids(BaseModel):
    """Before opening the same answer for everyone, whatever the bids: `sealed` true, no items."""

    task: str
    sealed: bool
    opens_after: str | None
    opened_at: str | None
    prices_public: bool
    items: list[BidEntry]
    validity_final_at: str | None = None
    audience: str | None = None


class FlaggedBid(BaseModel):
    receipt: str
    agency: AgencyRef


class RelationFlag(BaseModel):
    ground: str = Field(description="identity_unverified or declared_relation")
    bids: list[FlaggedBid]
    messages: list[Message]
    flagged_at: str | None


class RelationFlags(BaseModel):
    """Before opening `sealed` true and no items, whatever the bids."""

    task: str
    sealed: bool
    items: list[RelationFlag]


class ReceiptEntry(BaseModel):
    version: int
    receipt: str
    content: dict
    jcs: str = Field(description="The RFC 8785 text whose SHA-256 is the receipt")
    signature: str
    submitted_at: str | None
    withdrawn_at: str | None


class MyBidOnTask(BaseModel):
    task: str
    method: str
    status: str
    deadline_at: str | None
    fixed_fee_fen: int | None
    price_cap_fen: int | None
    can_bid: bool
    can_change: bool
    can_withdraw: bool
    reasons: list[Message] = Field(description="Why the agency cannot bid now")
    bid: dict | None
    receipts: list[ReceiptEntry]
    public_key_pem: str


class MyBid(BaseModel):
    task: str
    title: str
    method: str
    status: str
    bid_stage: Literal["sealed", "review", "decided", "cancelled", "withdrawn"] = Field(
        description="Where the bid stands: sealed until opening; review once opened; decided "
        "once a result or a failure is published; cancelled with its task; withdrawn"
    )
    deadline_at: str | None
    receipt: str
    version: int
    price_fen: int
    duration_days: int
    submitted_at: str | None
    withdrawn_at: str | None
    validity: Validity | None
    rank: int | None
    award_candidate: bool
    #: The task's current stage (market/timeline.py: posted, bidding, opening, validity, panel,
    #: publicity, failed, cancelled).
    stage: str
    #: The task's next deadline, null when nothing is due.
    next_deadline: NextDeadline | None


class MyBidList(BaseModel):
    items: list[MyBid]
    next_cursor: str | None
    total: int


class RankingEntry(BaseModel):
    rank: int
    id: str
    receipt: str
    agency: AgencyRef
    price_fen: int
    duration_days: int
    numbers: dict = Field(description="Every number of the place, exact fractions as strings")
    tie_purpose: str | None
    award_candidate: bool


class Result(BaseModel):
    task: str
    title: str
    method: str
    status: str
    min_bids: int
    price_cap_fen: int | None
    fixed_fee_fen: int | None
    weights: dict | None
    opened_at: str | None
    publicity_at: str | None
    publicity_ends_at: str | None
    failed_at: str | None
    published: bool
    ranking: list[RankingEntry]
    award_candidate: dict | None = Field(
        description="The current award candidate: its publicity and objection periods, and once "
        "final its final_at and award notice number"
    )
    revoked: list[dict] = Field(
        description="Earlier candidates: revoked on an upheld complaint or abandoned unsigned"
    )
    panel: list[dict]
    draws: list[dict]
    valid_bids: int | None


class DrawRecord(BaseModel):
    task_number: str
    commitment: str | None
    receipts: list[dict]
    draws: list[dict]
    seed_hex: str | None = None
    key_hex: str | None = None
    draws_withheld: bool | None = Field(
        None,
        description="True while an expert panel marks: the seed, the key and the draws "
        "(the panel draw names the panellists) are published with the result",
    )


class PublicKey(BaseModel):
    algorithm: str
    public_key_pem: str
    signed_message: str


class PanelBid(BaseModel):
    id: str
    receipt: str
    agency: AgencyRef
    duration_days: int
    proposal_text: str
    attachments: list[str]
    mark: int | None
    comment: str | None


class Panel(BaseModel):
    task: str
    title: str
    status: str
    position: int
    called_at: str | None
    declared_at: str | None
    recused_at: str | None
    statement: str | None
    can_declare: bool
    can_recuse: bool
    can_mark: bool
    #: The agencies whose proposals the panel marks, shown before the declaration of no conflict.
    bidders: list[AgencyRef]
    bids: list[PanelBid]


class PanelList(BaseModel):
    items: list[Panel]


class Mark(BaseModel):
    task: str
    bid_id: str
    mark: int
    comment: str | None
    marked_at: str


class AwardNoticeDocument(BaseModel):
    notice_number: str
    issued_at: str
    task_number: str
    title: str
    service_item: str
    applicant: str
    agency: str
    agency_uscc: str
    price_fen: int
    service_days: int
    method: str
    rank: int
    publicity_starts_at: str
    publicity_ends_at: str
    sign_by_at: str = Field(description="Both sides sign the contract before this moment")
    html_url: str
    pdf_url: str
