"""An acceptance racing the opening at the deadline, with real commits on PostgreSQL: whichever
takes the task's row lock first decides, and the other reads the clock after it (docs/rules.md §4).

Two threads, each with its own session and its own reading of the clock: the agency accepts
with the time just before the deadline, the opener opens with the time at the deadline. The
first to hold the lock pauses inside its transaction until the other is waiting on the lock.
SQLite is skipped: ``BEGIN IMMEDIATE`` serializes its writers, so there is no race to test.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import opening, progress
from bidding.invitations import services as invitations
from bidding.models import Opening
from bidding.policy import DEFAULT_POLICY
from market import clock, lifecycle
from market.models import Task, User
from market.validation import Forbidden
from tests.bidding.helpers import World
from tests.bidding.test_concurrency import race_db  # noqa: F401  (the fixture)
from tests.conftest import TEST_DATABASE, Accounts

pytestmark = pytest.mark.skipif(
    TEST_DATABASE != "postgresql",
    reason="needs PostgreSQL (TEST_DATABASE=postgresql): SQLite serializes writers",
)


class PerThreadClock(clock.Clock):
    """Each thread reads its own time (`local.at`)."""

    def __init__(self, local: threading.local):
        self._local = local

    def now(self):
        return self._local.at


@pytest.mark.parametrize("first", ["accept", "open"])
def test_an_acceptance_and_the_opening_racing_at_the_deadline(race_db, frozen, monkeypatch, first):  # noqa: F811
    app, db, engine = race_db
    setup = db.session()
    world = World(setup, Accounts(app, setup), frozen)
    invited = world.agency()
    task = world.post_task("direct", invited_agency_id=invited.organization_id)
    number, deadline, invited_id = task.number, task.deadline_at, invited.id
    setup.close()

    local = threading.local()
    previous = clock.use(PerThreadClock(local))
    holding, release = threading.Event(), threading.Event()
    real_advance = progress.advance

    def pausing_advance(session, task, policy):
        if getattr(local, "pause", False):
            holding.set()  # this thread holds the lock, inside its transaction
            assert release.wait(30)
        return real_advance(session, task, policy)

    monkeypatch.setattr(progress, "advance", pausing_advance)
    outcome: dict[str, object] = {}

    def accept():
        local.at, local.pause = deadline - timedelta(microseconds=1), first == "accept"
        with db.session() as session:
            try:
                invitations.accept(
                    session, session.get(User, invited_id), number, 1_000_000, 30, DEFAULT_POLICY
                )
                session.commit()
                outcome["accept"] = "accepted"
            except Forbidden as exc:
                session.rollback()
                outcome["accept"] = exc.message.msgid

    def open_():
        local.at, local.pause = deadline, first == "open"
        with db.session() as session:
            row = session.exec(select(Task).where(Task.number == number)).one()
            outcome["open"] = opening.open_if_due(session, row, DEFAULT_POLICY)
            session.commit()

    try:
        leader, follower = (accept, open_) if first == "accept" else (open_, accept)
        one = threading.Thread(target=leader)
        one.start()
        assert holding.wait(30)
        two = threading.Thread(target=follower)
        two.start()
        two.join(1.0)
        assert two.is_alive(), "the follower must wait on the task's row lock"
        release.set()
        one.join(30)
        two.join(30)
    finally:
        release.set()
        clock.use(previous)

    with db.session() as session:
        row = session.exec(select(Task).where(Task.number == number)).one()
        openings = session.exec(select(Opening).where(Opening.task_id == row.id)).all()
        assert len(openings) == 1
        if first == "accept":
            assert outcome == {"accept": "accepted", "open": False}
            assert lifecycle.status(row, deadline) == lifecycle.PUBLICITY
        else:
            assert outcome == {
                "open": True,
                "accept": "The invitation lapsed at the task's deadline: it can no longer be "
                "answered.",
            }
            assert lifecycle.status(row, deadline) == lifecycle.FAILED
