"""What each reader sees of a direct selection's invitations; `bidding.visibility` decides, pages
and the API show these dicts."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bidding import visibility
from bidding.invitations import services as invitations
from bidding.models import Invitation
from bidding.serializers import agency_ref
from market.models import Organization, Task


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def invitation(
    session: Session,
    row: Invitation,
    task: Task,
    reader: visibility.Reader,
    now: datetime,
    latest: bool = True,
) -> dict:
    """One invitation as `reader` may see it (the caller checked `visibility.sees_invitation`)."""
    priced = visibility.sees_invitation_price(reader, task, row)
    return {
        "id": row.id,
        "task": task.number,
        "task_title": task.title,
        "agency": agency_ref(session.get(Organization, row.agency_id)),
        "state": invitations.state(row, task, now, latest),
        "invited_at": row.invited_at.isoformat(),
        "answer_by": invitations.answer_by(row, task, latest).isoformat(),
        "accepted_at": _iso(row.accepted_at),
        "price_fen": row.price_fen if priced else None,
        "duration_days": row.duration_days if priced else None,
        "declined_at": _iso(row.declined_at),
        "decline_reason": row.decline_reason,
        "lapsed_at": _iso(row.lapsed_at),
        "mine": visibility.owns(reader, row.agency_id),
    }


def task_invitations(
    session: Session, task: Task, reader: visibility.Reader, now: datetime
) -> list[dict]:
    """The task's invitations the reader may see, oldest first."""
    rows = invitations.invitations_of(session, task)
    return [
        invitation(session, row, task, reader, now, row is rows[-1])
        for row in rows
        if visibility.sees_invitation(reader, row)
    ]


def own_invitations(
    session: Session, agency: Organization, reader: visibility.Reader, now: datetime
) -> list[dict]:
    """Every invitation the agency received, newest first (each its own)."""
    out = []
    for row, task in visibility.own_invitations(session, agency):
        latest = invitations.current(session, task).id == row.id
        out.append(invitation(session, row, task, reader, now, latest))
    return out
