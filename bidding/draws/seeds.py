"""Draw seeds: made and committed to at publication, revealed at the first draw (docs/rules.md §5).

The commitment is public from the moment the task is, before any bid can exist, so no bidder can
choose a bid knowing the seed; the seed itself is revealed only when the first draw is made, after
every bid's validity is final, so nobody deciding validity can know what a draw will pick.
"""

from __future__ import annotations

import hashlib

from sqlmodel import Session, select

from bidding import keys
from bidding.draws import spec
from bidding.models import DrawSeed
from market import audit, clock
from market.models import Task


def seed_of(session: Session, task: Task) -> DrawSeed | None:
    return session.exec(select(DrawSeed).where(DrawSeed.task_id == task.id)).first()


def create_seed(session: Session, task: Task) -> DrawSeed:
    """Make the task's seed, store it encrypted and publish its commitment (idempotent)."""
    existing = seed_of(session, task)
    if existing is not None:
        return existing
    seed = spec.new_seed()
    row = DrawSeed(
        task_id=task.id,
        seed_encrypted=keys.current().encrypt_seed(seed, task.number),
        commitment=spec.commitment(seed),
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session, "draw.seed_committed", "task", task.number, {"commitment": row.commitment}
    )
    return row


def on_task_published(task: Task, *, session: Session, **_ignored) -> None:
    """`market.signals.task_published` handler: runs in the publishing transaction."""
    create_seed(session, task)


def reveal(session: Session, task: Task) -> bytes:
    """The seed, published (``seed_hex``, ``revealed_at``) the first time it is asked for.

    Callers make a draw with it in the same transaction: revealing is part of the first draw.
    """
    row = seed_of(session, task)
    if row is None:
        raise LookupError(f"task {task.number} has no draw seed")
    seed = keys.current().decrypt_seed(row.seed_encrypted, task.number)
    if hashlib.sha256(seed).hexdigest() != row.commitment:
        raise RuntimeError(f"the seed of task {task.number} does not match its commitment")
    if row.revealed_at is None:
        row.revealed_at, row.seed_hex = clock.now(), seed.hex()
        session.add(row)
        audit.record(
            session,
            "draw.seed_revealed",
            "task",
            task.number,
            {"commitment": row.commitment, "seed_hex": row.seed_hex},
        )
    return seed
