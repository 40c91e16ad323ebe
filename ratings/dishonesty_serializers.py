"""The serious-dishonesty list's shapes (`ratings.dishonesty`): a public entry, a proposal as the
agency and the covering regulators read it, and an import with its report. Pages, the API and the
downloads all use them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from market.models import Organization
from ratings import dishonesty
from ratings.models import DishonestyEntry, DishonestyImport, DishonestyProposal

#: The columns of the public list's CSV download, in order.
PUBLIC_FIELDS = (
    "id",
    "name",
    "uscc",
    "authority",
    "decision_ref",
    "legal_basis",
    "facts",
    "starts_on",
    "ends_on",
    "removal_conditions",
    "source",
)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def entry(row: DishonestyEntry) -> dict:
    """An entry as the public reads it: dates as the first and the last day (Shanghai)."""
    return {
        "id": row.id,
        "agency_id": row.agency_id,
        "name": row.name,
        "uscc": row.uscc,
        "authority": row.authority,
        "decision_ref": row.decision_ref,
        "legal_basis": row.legal_basis,
        "facts": row.facts,
        "starts_on": dishonesty.start_date(row.starts_at).isoformat(),
        "ends_on": dishonesty.last_day(row.ends_at).isoformat(),
        "starts_at": _iso(row.starts_at),
        "ends_at": _iso(row.ends_at),
        "removal_conditions": row.removal_conditions,
        "source": row.source,
        "lifted_at": _iso(row.lifted_at),
        "lifted_reason": row.lifted_reason,
    }


def proposal(session: Session, row: DishonestyProposal, now: datetime) -> dict:
    agency = session.get(Organization, row.agency_id)
    listed = dishonesty.entry_of(session, row)
    return {
        "id": row.id,
        "agency": {"id": agency.id, "name": agency.name, "uscc": agency.uscc},
        "source": row.source,
        "record_id": row.record_id,
        "state": dishonesty.state_of(row, now),
        "reason": row.reason,
        "legal_basis": row.legal_basis,
        "facts": row.facts,
        "proposed_at": _iso(row.proposed_at),
        "notice_at": _iso(row.notice_at),
        "statement_due": _iso(row.statement_due),
        "overdue": row.decided_at is None
        and row.statement_due is not None
        and now >= row.statement_due,
        "decidable_from": _iso(dishonesty.decidable_from(row)),
        "statement": row.statement,
        "statement_at": _iso(row.statement_at),
        "statement_files": [dict(f) for f in row.statement_files or []],
        "decided_at": _iso(row.decided_at),
        "decision": row.decision,
        "dismissed_reason": row.dismissed_reason,
        "entry": entry(listed) if listed is not None else None,
    }


def import_(row: DishonestyImport) -> dict:
    return {
        "id": row.id,
        "filename": row.filename,
        "file_format": row.file_format,
        "sha256": row.sha256,
        "uploaded_at": _iso(row.uploaded_at),
        "report": row.report,
    }
