"""The task's row lock: the one serialization point of bidding, opening and deciding."""

from __future__ import annotations

from sqlmodel import Session

from market.models import Task
from market.tasks import get_task


def lock_task(session: Session, number: str) -> Task:
    """Take the task's row lock (`market.tasks.get_task(..., lock=True)`) and read the row as the
    lock found it, in one statement.

    The read matters when the session had loaded the task before the lock was granted: another
    transaction may have opened it or moved its deadline meanwhile. `SELECT … FOR UPDATE` returns
    the row's latest committed version once the lock is granted, and `populate_existing` writes
    it over the session's copy: a second read (a refresh) would only hold the lock a round trip
    longer. Read the clock only after this. (SQLite ignores FOR UPDATE; its `BEGIN IMMEDIATE`
    already holds the database's write lock.)
    """
    return get_task(session, number, lock=True)
