"""Appending to and verifying the hash-chained audit log.

`record()` queues an event on the session; the chain is extended once, at the end of the
transaction (the session's `before_commit`), under a lock on the single `AuditHead` row, so the
event is written with the change it records or not at all.

**Nothing sealed enters the chain, so nothing is hidden from its readers.** Regulators and
operators read every event with its sequence number and hashes (`GET /api/v1/audit`), and anyone
reads the daily checkpoints (the head's hash and its sequence number, i.e. how many events there
are). Hiding some events from readers would not keep them secret: the sequence would skip, a
`prev_hash` would match no event shown, and a checkpoint would count more events than a reader
sees — each gap a count. Nor could the chain then be checked by its readers. So the rule is on
the writing side: an event that would tell something sealed (docs/rules.md §5: before opening,
even *that* a bid arrived) is not recorded until it may be known. Bidding records nothing while a
task is open and appends the task's whole bid history when it opens
(`bidding.sealed.publish_history`). Every event in the chain may be read by its readers, the
sequence has no gaps, and the head and the checkpoints move only with such events; the chain stays
whole and verifiable by anyone who reads it, from genesis to the published heads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import event
from sqlmodel import Session, select

from market import clock, jcs
from market.models import AuditCheckpoint, AuditEvent, AuditHead
from market.models.audit import GENESIS_HASH
from market.workdays import SHANGHAI

_PENDING = "audit_pending"


def record(
    session: Session,
    action: str,
    object_type: str,
    object_id: object,
    data: dict | None = None,
    *,
    actor_user_id: int | None = None,
    actor_org_id: int | None = None,
) -> None:
    """Queue an audit event; it is chained and written when the session commits."""
    session.info.setdefault(_PENDING, []).append(
        {
            "at": clock.now(),
            "action": action,
            "actor_user_id": actor_user_id,
            "actor_org_id": actor_org_id,
            "object_type": object_type,
            "object_id": str(object_id),
            "data": data or {},
        }
    )


def canonical(ev: AuditEvent | dict) -> bytes:
    """The bytes hashed for an event: RFC 8785 JSON of every field but the hashes (`market.jcs`:
    the same bytes as `rfc8785.dumps`, through the C encoder where that is provably so)."""
    get = ev.get if isinstance(ev, dict) else lambda k: getattr(ev, k)
    at: datetime = get("at")
    return jcs.dumps(
        {
            "seq": get("seq"),
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "action": get("action"),
            "actor_user_id": get("actor_user_id"),
            "actor_org_id": get("actor_org_id"),
            "object_type": get("object_type"),
            "object_id": get("object_id"),
            "data": get("data"),
        }
    )


def chain_hash(prev_hash: str, canonical_event: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_event).hexdigest()


def _lock_head(session: Session) -> AuditHead:
    # The genesis row is made by the first migration; FOR UPDATE serializes writers on PostgreSQL,
    # BEGIN IMMEDIATE already does on SQLite.
    return session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()


@event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    head = _lock_head(session)
    seq, prev = head.seq, head.hash
    sha256, fromhex = hashlib.sha256, bytes.fromhex
    for item in pending:  # `chain_hash(prev, canonical(item))`, in one pass
        seq += 1
        item["seq"] = seq
        digest = sha256(fromhex(prev) + canonical(item)).hexdigest()
        item["prev_hash"], item["hash"] = prev, digest
        prev = digest
    head.seq, head.hash = seq, prev
    # One executemany for the whole transaction's events (an opening appends one per bid), as a
    # Core insert of the table: the ORM's bulk path would inspect every row's dict again.
    session.execute(AuditEvent.__table__.insert(), pending)
    session.add(head)
    session.flush()


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass
class Problem:
    seq: int
    message: str


def verify(session: Session, batch: int = 1000) -> list[Problem]:
    """Recompute the whole chain and compare it with the head and the published checkpoints."""
    problems: list[Problem] = []
    prev, last_seq, by_seq = GENESIS_HASH, 0, {}
    checkpoints = {c.seq: c for c in session.exec(select(AuditCheckpoint))}
    offset = 0
    while True:
        rows = session.exec(
            select(AuditEvent).order_by(AuditEvent.seq).offset(offset).limit(batch)
        ).all()
        if not rows:
            break
        offset += len(rows)
        for ev in rows:
            if ev.seq != last_seq + 1:
                problems.append(Problem(ev.seq, f"sequence gap after {last_seq}"))
            if ev.prev_hash != prev:
                problems.append(Problem(ev.seq, "prev_hash does not match the previous event"))
            # Each row is checked against its own stored links, so one altered row is named
            # alone instead of making every later, untouched row look altered as well.
            if ev.hash != chain_hash(ev.prev_hash, canonical(ev)):
                problems.append(Problem(ev.seq, "hash does not match the event's content"))
            prev, last_seq = ev.hash, ev.seq
            if ev.seq in checkpoints:
                by_seq[ev.seq] = ev.hash
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != last_seq or head.hash != prev):
        problems.append(Problem(last_seq, "chain head does not match the last event"))
    for seq, cp in checkpoints.items():
        if cp.seq == 0:
            continue
        if by_seq.get(seq) != cp.hash:
            problems.append(Problem(seq, f"published checkpoint of {cp.day} does not match"))
    return problems


def publish_checkpoint(session: Session) -> AuditCheckpoint:
    """Publish today's chain head (Asia/Shanghai day); idempotent within a day.

    The head's lock is taken first, so two scheduler processes publishing at once are serialized:
    the second finds the first one's checkpoint instead of failing on a duplicate day.
    """
    today = clock.now().astimezone(SHANGHAI).date()
    head = _lock_head(session)
    existing = session.get(AuditCheckpoint, today)
    if existing is not None:
        return existing
    checkpoint = AuditCheckpoint(day=today, seq=head.seq, hash=head.hash, published_at=clock.now())
    session.add(checkpoint)
    return checkpoint
