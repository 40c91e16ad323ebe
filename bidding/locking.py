"""The task's row lock: the one serialization point of bidding, opening and deciding."""

from __future__ import annotations

from sqlmodel import Session

from market.models import Task
from market.tasks import get_task


def lock_task(session: Session, number: str) -> Task:
    """Take the task's row lock (`market.tasks.get_task(..., lock=True)`), then reload the row.

    The reload matters when the session had loaded the task before the lock was granted: another
    transaction may have opened it or moved its deadline meanwhile. Read the clock only after this.
    (SQLite ignores FOR UPDATE; its `BEGIN IMMEDIATE` already holds the database's write lock.)
    """
    task = get_task(session, number, lock=True)
    session.refresh(task)
    return task
