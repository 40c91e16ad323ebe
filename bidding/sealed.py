"""Sealed bids: submit, change and withdraw until the deadline (docs/rules.md §4–§5).

**The lock comes first, then the clock.** Every write takes the task's row lock
(`market.tasks.get_task(..., lock=True)`) and only then reads the clock, so a bid is accepted only
if the time read *under the same lock that opening takes* is before the deadline: a bid can never
slip in after the task was opened, however the two race.

**The audit log says nothing of a bid before opening.** Every event moves the chain — one more
sequence number, another head, a larger count in the daily checkpoint — so even an event with no
actor, no task and no data, on a random receipt, would tell anyone reading the log (regulators,
operators, a leaked export) or comparing two published heads that a bid arrived, and how many did.
Submitting, changing and withdrawing therefore write nothing to the log, and neither does uploading
a bid file (`bidding.attachments`). At opening, `publish_history` appends the task's whole bid
history from its versions, in the order it happened: one `bid.receipt_issued` per version
(submissions and changes alike) and one `bid.withdrawal` per withdrawal, each on its receipt, with
the task and the time it happened, and still no actor (a withdrawn bid's agency is never
published). Until then the bidder's signed receipt is the proof of what was acknowledged and when
(docs/draw.md §3). A task cancelled before opening is never opened: its history stays sealed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bidding import eligibility, keys, receipts
from bidding.locking import lock_task
from bidding.models import Bid, BidVersion
from market import attachments, audit, clock, lifecycle
from market.accounts import require_kind
from market.models import Organization, OrgKind, Task, User
from market.models.tasks import Method
from market.tasks import get_task
from market.validation import N_, Checker, Forbidden

MAX_PROPOSAL_CHARS = 20_000
MAX_ATTACHMENTS = 20
MAX_PRICE_FEN = 10**12
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # after normalization only \t and \n remain

#: A bid commits only to files its agency uploaded for the task; the same answer whether or not
#: another agency uploaded that file (the store is content-addressed: nothing to learn there).
NOT_UPLOADED = N_(
    "Attach only files your agency uploaded for its bid on this task: upload the file first."
)

#: Audit actions of a bid's history, published at opening (see the module docstring).
RECEIPT_ISSUED, WITHDRAWAL = "bid.receipt_issued", "bid.withdrawal"


@dataclass(frozen=True)
class Acknowledgement:
    """What the bidder gets back for a submission: it can recompute the receipt from the content
    and check the signature against the platform's published key."""

    content: dict
    receipt: str
    signature: str
    public_key_pem: str
    version: int
    submitted_at: datetime


def platform_public_key_pem() -> str:
    """The Ed25519 public key (PEM) bidders check receipt signatures with."""
    return keys.current().public_key_pem()


def open_task_for(
    session: Session, actor: User, task_number: str
) -> tuple[Task, Organization, datetime]:
    """Lock the task, then read the clock, then check the task is open and the actor an agency."""
    task = lock_task(session, task_number)
    now = clock.now()  # read after the lock, never before (see the module docstring)
    status = lifecycle.status(task, now)
    if status != lifecycle.OPEN and task.deadline_at is not None and now >= task.deadline_at:
        raise Forbidden(N_("The deadline for bids on this task has passed."))
    if status != lifecycle.OPEN:
        raise Forbidden(N_("This task is not open for bids."))
    if task.method == Method.direct:
        raise Forbidden(
            N_(
                "A direct selection takes no bids: the invited agency accepts or "
                "declines the invitation."
            )
        )
    agency = require_kind(session, actor, OrgKind.agency)
    return task, agency, now


def _check_eligible(session: Session, task: Task, agency: Organization, now: datetime) -> None:
    found = eligibility.problems(session, task, agency, now)
    if found:
        raise Forbidden(found[0].message)


def _clean(
    session: Session,
    task: Task,
    agency: Organization,
    price_fen: object,
    duration_days: object,
    proposal_text: object,
    attachment_sha256s: Iterable[str] | None,
) -> tuple[int, int, str, list[str]]:
    c = Checker()
    if task.method == Method.random:
        price = task.fixed_fee_fen if price_fen is None else c.money("price_fen", price_fen)
        if price is not None and price != task.fixed_fee_fen:
            c.add(
                "price_fen",
                N_("A sign-up is at exactly the task's fixed fee of %(fee)d fen."),
                fee=task.fixed_fee_fen,
            )
    else:
        price = c.money("price_fen", price_fen, minimum=1, maximum=MAX_PRICE_FEN)
        if price is not None and task.price_cap_fen is not None and price > task.price_cap_fen:
            c.add(
                "price_fen",
                N_("The price is above the task's price cap of %(cap)d fen."),
                cap=task.price_cap_fen,
            )
    days = c.integer("duration_days", duration_days, minimum=1, maximum=task.service_days)
    text = ""
    if proposal_text is None:
        proposal_text = ""
    if not isinstance(proposal_text, str):
        c.add("proposal_text", N_("Must be text."))
    else:
        text = receipts.normalize_proposal(proposal_text)
        if not text.strip() and task.method != Method.random:
            c.add("proposal_text", N_("This field is required."))
        if len(text) > MAX_PROPOSAL_CHARS:
            c.add(
                "proposal_text",
                N_("At most %(max)d characters (you gave %(n)d)."),
                max=MAX_PROPOSAL_CHARS,
                n=len(text),
            )
        if _CONTROL.search(text):
            c.add("proposal_text", N_("Contains control characters."))
    hashes = list(attachment_sha256s or [])
    if len(hashes) > MAX_ATTACHMENTS:
        c.add("attachments", N_("At most %(max)d attachments."), max=MAX_ATTACHMENTS)
    if any(not isinstance(h, str) or not _HEX64.fullmatch(h) for h in hashes):
        c.add(
            "attachments",
            N_("Each attachment is identified by the lowercase hex SHA-256 of its file."),
        )
    elif len(set(hashes)) != len(hashes):
        c.add("attachments", N_("The same file is attached twice."))
    elif hashes and not set(hashes) <= _uploaded(session, task, agency):
        c.add("attachments", NOT_UPLOADED)
    c.raise_if_any()
    return price, days, unicodedata.normalize("NFC", text), sorted(hashes)


def _uploaded(session: Session, task: Task, agency: Organization) -> set[str]:
    """The SHA-256 of every file the agency uploaded for its bid on the task (its own alone)."""
    return {a.sha256 for a in attachments.bid_files(session, task, agency.id)}


def _own_bid(session: Session, task: Task, agency: Organization) -> Bid | None:
    return session.exec(
        select(Bid).where(Bid.task_id == task.id, Bid.agency_id == agency.id)
    ).first()


def write_version(
    session: Session,
    task: Task,
    agency: Organization,
    bid: Bid | None,
    now: datetime,
    price: int,
    days: int,
    text: str,
    hashes: list[str],
) -> Acknowledgement:
    """Write a new version of `agency`'s bid with its signed receipt (the caller checked
    everything, under the task's lock); also how an accepted invitation makes its bid."""
    version = 1 if bid is None else bid.version + 1
    content = receipts.receipt_content(
        task.number, agency.uscc, version, price, days, text, hashes, receipts.new_nonce()
    )
    receipt = receipts.receipt(content)
    the_keys = keys.current()
    signature = receipts.sign_receipt(the_keys.signing_key(), receipt)
    if bid is None:
        bid = Bid(
            task_id=task.id,
            agency_id=agency.id,
            version=version,
            price_fen=price,
            duration_days=days,
            proposal_text=text,
            attachments=hashes,
            receipt=receipt,
            submitted_at=now,
        )
    else:
        bid.version, bid.price_fen, bid.duration_days = version, price, days
        bid.proposal_text, bid.attachments, bid.receipt = text, hashes, receipt
        bid.submitted_at, bid.withdrawn_at = now, None
    session.add(bid)
    session.flush()
    session.add(
        BidVersion(
            bid_id=bid.id,
            task_id=task.id,
            version=version,
            content=content,
            receipt=receipt,
            signature=signature,
            submitted_at=now,
        )
    )
    session.flush()
    return Acknowledgement(
        content=content,
        receipt=receipt,
        signature=signature,
        public_key_pem=the_keys.public_key_pem(),
        version=version,
        submitted_at=now,
    )


def submit_bid(
    session: Session,
    actor: User,
    task_number: str,
    *,
    price_fen: int | None,
    duration_days: int,
    proposal_text: str = "",
    attachment_sha256s: Iterable[str] = (),
) -> Acknowledgement:
    """Submit the actor's agency's bid (or, for a `random` task, its sign-up) before the deadline.

    For `random`, `price_fen` may be None and must otherwise equal the fixed fee; for the other
    competitive methods it must be 1..cap. `duration_days` is 1..task.service_days. Attachments are
    the lowercase hex SHA-256 of files the agency uploaded for this task
    (`bidding.attachments.upload`); any other is refused. An agency that withdrew may submit
    again; the version number keeps counting.

    Raises Forbidden (deadline passed, not open, not an agency, ineligible, a bid already standing)
    or Invalid (the fields), each with its own message. Nothing here looks at another agency's
    bid: related agencies are decided at opening only (`bidding.opening`), since any refusal that
    depended on another bid would tell the bidder that the other bids (docs/rules.md §5).
    """
    task, agency, now = open_task_for(session, actor, task_number)
    _check_eligible(session, task, agency, now)
    bid = _own_bid(session, task, agency)
    if bid is not None and bid.withdrawn_at is None:
        raise Forbidden(N_("Your agency already has a bid on this task: change it instead."))
    price, days, text, hashes = _clean(
        session, task, agency, price_fen, duration_days, proposal_text, attachment_sha256s
    )
    return write_version(session, task, agency, bid, now, price, days, text, hashes)


def change_bid(
    session: Session,
    actor: User,
    task_number: str,
    *,
    price_fen: int | None,
    duration_days: int,
    proposal_text: str = "",
    attachment_sha256s: Iterable[str] = (),
) -> Acknowledgement:
    """Replace the agency's standing bid with a new version (same rules as `submit_bid`); the last
    version before the deadline is the one that counts."""
    task, agency, now = open_task_for(session, actor, task_number)
    bid = _own_bid(session, task, agency)
    if bid is None or bid.withdrawn_at is not None:
        raise Forbidden(N_("Your agency has no bid on this task to change."))
    _check_eligible(session, task, agency, now)
    price, days, text, hashes = _clean(
        session, task, agency, price_fen, duration_days, proposal_text, attachment_sha256s
    )
    return write_version(session, task, agency, bid, now, price, days, text, hashes)


def withdraw_bid(session: Session, actor: User, task_number: str) -> str:
    """Withdraw the agency's standing bid before the deadline; returns the withdrawn receipt.

    A withdrawn bid does not stand at the deadline: it is neither opened nor part of the draw key.
    """
    task, agency, now = open_task_for(session, actor, task_number)
    bid = _own_bid(session, task, agency)
    if bid is None or bid.withdrawn_at is not None:
        raise Forbidden(N_("Your agency has no bid on this task to withdraw."))
    return _withdraw(session, bid, now)


def _withdraw(session: Session, bid: Bid, now: datetime) -> str:
    version = session.exec(
        select(BidVersion).where(BidVersion.bid_id == bid.id, BidVersion.version == bid.version)
    ).one()
    bid.withdrawn_at = version.withdrawn_at = now
    session.add(bid)
    session.add(version)
    return bid.receipt


def withdraw_all_open(session: Session, agency: Organization, now: datetime) -> int:
    """Withdraw every standing bid of `agency` on a task still open for bids (an agency removed
    from the platform, docs/rules.md §6), exactly as its bidder would; returns how many. Each
    task is locked first, so a deadline passing meanwhile is seen; a withdrawal is part of the
    bid's history, published when its task opens."""
    bids = session.exec(
        select(Bid, Task.number)
        .join(Task, Task.id == Bid.task_id)
        .where(Bid.agency_id == agency.id, col(Bid.withdrawn_at).is_(None))
        .order_by(Bid.id)
    ).all()
    count = 0
    for bid, number in bids:
        task = lock_task(session, number)
        if lifecycle.status(task, now) == lifecycle.OPEN:
            _withdraw(session, bid, now)
            count += 1
    return count


def own_bid(session: Session, actor: User, task_number: str) -> Bid | None:
    """The actor's agency's bid on the task (standing or withdrawn), for the bidder's own eyes."""
    return own_bid_on(session, actor, get_task(session, task_number))


def own_bid_on(session: Session, actor: User, task: Task) -> Bid | None:
    """`own_bid` for a task the caller has loaded already (the task page)."""
    agency = require_kind(session, actor, OrgKind.agency)
    return _own_bid(session, task, agency)


def own_versions(session: Session, actor: User, task_number: str) -> list[BidVersion]:
    """Every version the actor's agency submitted on the task, oldest first, with receipts and
    signatures, so the bidder can prove what the platform acknowledged."""
    return versions_of(session, own_bid(session, actor, task_number))


def versions_of(session: Session, bid: Bid | None) -> list[BidVersion]:
    """Every version of `bid` (the one `own_bid` returned: the actor's own), oldest first."""
    if bid is None:
        return []
    return list(
        session.exec(
            select(BidVersion).where(BidVersion.bid_id == bid.id).order_by(BidVersion.version)
        )
    )


def standing_bids(session: Session, task: Task) -> list[Bid]:
    """Bids not withdrawn, in id order. Sealed until opening: for services, never for display."""
    return list(
        session.exec(
            select(Bid).where(Bid.task_id == task.id, Bid.withdrawn_at.is_(None)).order_by(Bid.id)
        )
    )


def standing_bid_rows(session: Session, task: Task) -> list:
    """`standing_bids` as rows of the columns opening reads — id, agency_id, receipt, price_fen,
    duration_days — not entities: a thousand bids are read at opening, and an entity costs more
    to build (its proposal text and attachments decoded, every column converted, the identity
    map) than everything opening then does with it."""
    return list(
        session.exec(
            select(Bid.id, Bid.agency_id, Bid.receipt, Bid.price_fen, Bid.duration_days)
            .where(Bid.task_id == task.id, Bid.withdrawn_at.is_(None))
            .order_by(Bid.id)
        )
    )


def standing_bidders(session: Session, task: Task) -> list[int]:
    """The agencies whose bids stand, each once, in the order of `standing_bids`."""
    return list(
        dict.fromkeys(
            session.exec(
                select(Bid.agency_id)
                .where(Bid.task_id == task.id, Bid.withdrawn_at.is_(None))
                .order_by(Bid.id)
            )
        )
    )


def publish_history(session: Session, task: Task) -> int:
    """At opening, append the task's bid history to the audit log (see the module docstring):
    each version's receipt issued, and each withdrawal, in the order they happened, by receipt,
    with the task and the time, without actor. Returns how many events were appended."""
    # The four columns used, as rows: a version's content and signature are not needed here.
    versions = session.exec(
        select(BidVersion.id, BidVersion.submitted_at, BidVersion.withdrawn_at, BidVersion.receipt)
        .where(BidVersion.task_id == task.id)
        .order_by(BidVersion.id)
    ).all()
    history = [(v.submitted_at, v.id, 0, RECEIPT_ISSUED, v.receipt) for v in versions]
    history += [
        (v.withdrawn_at, v.id, 1, WITHDRAWAL, v.receipt)
        for v in versions
        if v.withdrawn_at is not None
    ]
    for at, _version_id, _kind, action, receipt in sorted(history):
        audit.record(
            session,
            action,
            "bid_receipt",
            receipt,
            {"task": task.number, "occurred_at": at.isoformat()},
        )
    return len(history)
