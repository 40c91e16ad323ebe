"""Writing an agency's credit events (docs/rules.md §6): the one seam through which every fact
reaches the credit file. The service that makes a fact calls `record` in its own transaction; one
that undoes it calls `void`. Both are idempotent by `source`, so a handler run twice, or a sweep run
late, writes nothing more. Announced with `ratings.signals.credit_event_recorded`, which the credit
engine handles to update the agency's standing in the same transaction."""

from __future__ import annotations

from datetime import datetime

from blinker import Namespace
from sqlmodel import Session, select

from market import clock
from ratings.models.credit import KINDS, CreditEvent

_signals = Namespace()
#: sender=CreditEvent, session=Session — an event was recorded or voided.
credit_event_changed = _signals.signal("credit-event-changed")


def record(
    session: Session,
    agency_id: int,
    kind: str,
    at: datetime,
    source: str,
    data: dict | None = None,
) -> CreditEvent:
    """The event made by `source` (written once; a second call returns the first)."""
    if kind not in KINDS:
        raise ValueError(f"unknown credit event kind {kind!r}")
    existing = session.exec(select(CreditEvent).where(CreditEvent.source == source)).first()
    if existing is not None:
        return existing
    row = CreditEvent(
        agency_id=agency_id,
        kind=kind,
        at=at,
        source=source,
        data=data or {},
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    credit_event_changed.send(row, session=session)
    return row


def void(session: Session, source: str, at: datetime | None = None) -> CreditEvent | None:
    """Stop counting the event made by `source` from `at` (now by default); idempotent."""
    row = session.exec(select(CreditEvent).where(CreditEvent.source == source)).first()
    if row is None or row.voided_at is not None:
        return row
    row.voided_at = at or clock.now()
    session.add(row)
    session.flush()
    credit_event_changed.send(row, session=session)
    return row
