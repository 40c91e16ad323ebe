"""What appeals, misconduct records, proposals and commendations look like to their readers,
for pages and the API alike. Who may read which is decided by the services
(`ratings.appeals`, `ratings.records.visible_records`); these only shape rows."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from sqlmodel import Session

from market.models import Organization, Task
from ratings import appeals
from ratings.models import (
    Commendation,
    MisconductProposal,
    MisconductRecord,
    Rating,
    RatingAppeal,
)
from ratings.models.ratings import DIMENSIONS


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _org(session: Session, org_id: int) -> dict:
    org = session.get(Organization, org_id)
    return {"id": org.id, "name": org.name, "uscc": org.uscc}


def stars(rating: Rating) -> str:
    """The mean of the five dimensions, to one decimal place."""
    mean = Fraction(sum(getattr(rating, d) for d in DIMENSIONS), len(DIMENSIONS))
    return f"{float(mean):.1f}"


def rating(session: Session, row: Rating, task: Task, appeal_due: datetime | None) -> dict:
    """A published rating, as its rated side and the regulators see it."""
    appeal = appeals.appeal_of(session, row)
    return {
        "id": row.id,
        "task": task.number,
        "task_title": task.title,
        "side": row.side,
        "rater": _org(session, row.rater_org_id),
        "rated": _org(session, row.rated_org_id),
        "dimensions": {d: getattr(row, d) for d in DIMENSIONS},
        "stars": stars(row),
        "comment": row.comment,
        "published_at": _iso(row.published_at),
        "reply": row.reply,
        "voided": row.voided_at is not None,
        "voided_at": _iso(row.voided_at),
        "void_reason": row.void_reason,
        "appeal_until": _iso(appeal_due),
        "appeal_id": appeal.id if appeal is not None else None,
    }


def appeal(session: Session, row: RatingAppeal, rated: Rating, task: Task, now: datetime) -> dict:
    return {
        "id": row.id,
        "rating_id": rated.id,
        "task": task.number,
        "task_title": task.title,
        "appellant": _org(session, row.appellant_org_id),
        "rater": _org(session, rated.rater_org_id),
        "stars": stars(rated),
        "comment": rated.comment,
        "reason": row.reason,
        "filed_at": _iso(row.filed_at),
        "decide_by": _iso(row.decide_by),
        "overdue": appeals.is_overdue(row, now),
        "decided_at": _iso(row.decided_at),
        "decision": row.decision,
        "decision_reason": row.decision_reason,
    }


def record(row: MisconductRecord) -> dict:
    return {
        "id": row.id,
        "agency_id": row.agency_id,
        "severity": row.severity,
        "legal_basis": row.legal_basis,
        "facts": row.facts,
        "decided_at": _iso(row.decided_at),
        "proposal_id": row.proposal_id,
        "collusion": row.collusion,
    }


def proposal(session: Session, row: MisconductProposal) -> dict:
    return {
        "id": row.id,
        "agency": _org(session, row.agency_id),
        "source": row.source,
        "complaint_id": row.complaint_id,
        "facts": row.facts,
        "proposed_at": _iso(row.proposed_at),
        "decided_at": _iso(row.decided_at),
        "decision": row.decision,
        "dismissed_reason": row.dismissed_reason,
    }


def commendation(row: Commendation) -> dict:
    return {
        "id": row.id,
        "agency_id": row.agency_id,
        "reason": row.reason,
        "decided_at": _iso(row.decided_at),
    }
