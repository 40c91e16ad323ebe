"""What a reader sees of a rating (pages and the API alike). Who may read which rating is
`ratings.ratings.visible`'s to say; this only shapes the rows it let through."""

from __future__ import annotations

from sqlmodel import Session, select

from market.models import Organization, Task, User
from ratings import ratings
from ratings.models.ratings import DIMENSIONS, Rating


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _org(org: Organization) -> dict:
    return {"id": org.id, "name": org.name}


def rating(
    session: Session,
    row: Rating,
    viewer: User | None,
    orgs: dict | None = None,
    tasks: dict[int, Task] | None = None,
) -> dict:
    orgs = orgs if orgs is not None else ratings.organizations(session, [row])
    task = tasks[row.task_id] if tasks is not None else session.get(Task, row.task_id)
    return {
        "id": row.id,
        "contract_id": row.contract_id,
        "task": task.number,
        "task_title": task.title,
        "side": row.side,
        "rater": _org(orgs[row.rater_org_id]),
        "rated": _org(orgs[row.rated_org_id]),
        "dimensions": {d: getattr(row, d) for d in DIMENSIONS},
        "stars": str(ratings.stars(row)),
        "stars_display": f"{float(ratings.stars(row)):.1f}",
        "comment": row.comment,
        "created_at": _iso(row.created_at),
        "published_at": _iso(row.published_at),
        "reply": row.reply,
        "replied_at": _iso(row.replied_at),
        "voided_at": _iso(row.voided_at),
        "void_reason": row.void_reason,
        "mine": viewer is not None and viewer.organization_id == row.rater_org_id,
        "can_reply": viewer is not None
        and viewer.organization_id == row.rated_org_id
        and row.published_at is not None
        and row.reply is None,
    }


def many(session: Session, rows: list[Rating], viewer: User | None) -> list[dict]:
    """`rating` of each row, their organizations and tasks read in one statement each (not one
    task per rating)."""
    orgs = ratings.organizations(session, rows)
    ids = {r.task_id for r in rows}
    tasks = {t.id: t for t in session.exec(select(Task).where(Task.id.in_(ids)))} if ids else {}
    return [rating(session, r, viewer, orgs, tasks) for r in rows]
