"""What each audience sees of a task's questions and objections (docs/rules.md §4, §10), for pages and
the API alike; who is shown whom is decided by `bidding.visibility`.

- A question's asker is shown to **nobody**: not the public, the applicant, regulators or
  operators. Only the asker itself learns that a question is its own (``"mine": true``).
- An objection's text and reply are public; the objector is shown to the task's applicant and to
  regulators from opening on (``"objector"``), and the objector itself sees ``"mine": true``.

Readers come from `bidding.visibility.reader_of`.
"""

from __future__ import annotations

from datetime import datetime

from bidding.models import AnnouncementObjection, TaskQuestion
from bidding.serializers import agency_ref
from bidding.visibility import Reader, owns, sees_objector
from market.models import Organization, Task


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def question(row: TaskQuestion, reader: Reader) -> dict:
    out = {
        "id": row.id,
        "question": row.question,
        "asked_at": _iso(row.asked_at),
        "answered": row.answered_at is not None,
        "answer": row.answer,
        "answered_at": _iso(row.answered_at),
    }
    if owns(reader, row.asker_org_id):
        out["mine"] = True
    return out


def questions(rows: list[TaskQuestion], reader: Reader) -> list[dict]:
    return [question(r, reader) for r in rows]


def objection(
    row: AnnouncementObjection, reader: Reader, objector: Organization | None = None
) -> dict:
    """`objector` is given only to those `sees_objector` names it to (see `objections`)."""
    out = {
        "id": row.id,
        "text": row.text,
        "submitted_at": _iso(row.submitted_at),
        "replied": row.replied_at is not None,
        "reply": row.reply,
        "replied_at": _iso(row.replied_at),
    }
    if objector is not None:
        out["objector"] = agency_ref(objector)
    if owns(reader, row.objector_org_id):
        out["mine"] = True
    return out


def objections(session, rows: list[AnnouncementObjection], reader: Reader) -> list[dict]:
    out = []
    for r in rows:
        sees = sees_objector(reader, session.get(Task, r.task_id))
        out.append(
            objection(r, reader, session.get(Organization, r.objector_org_id) if sees else None)
        )
    return out
