"""Bidding racing the deadline and the opening, with real commits on PostgreSQL (docs/rules.md §4).

"A bid is accepted only if the clock, read after taking the same lock [that opening takes], is
before the deadline." The per-test rollback fixture binds every session to one connection, which
would serialize everything, so this test makes a database of its own on the test server, migrates
it, and lets 30 bidder threads (each with its own session and connection) submit, change and
withdraw bids while a controller thread moves a shared clock to the deadline (right after a bidder
holding the lock has read it, so that bid commits after the clock moved) and four opener threads
(three `open_if_due`, one scheduler sweep) race to open the task.

Instrumentation: the clock records, per thread, every time it hands out and whether that thread
held the task's row lock at that moment (an engine event marks the thread when its
``SELECT … FROM task … FOR UPDATE`` returned, and clears the mark at commit or rollback). The
assertions then compare what each thread read with what was committed.

SQLite is skipped: ``BEGIN IMMEDIATE`` serializes its writers, so there is no race to test.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlmodel import select

from bidding import keys, opening, sealed
from bidding.models import Bid, BidVersion, Opening, ValidityDecision
from bidding.policy import DEFAULT_POLICY
from market import audit, clock
from market.db import make_engine
from market.models import AuditEvent, Task, User
from market.validation import Forbidden
from tests.bidding.helpers import EIA_QUALIFICATION, World
from tests.conftest import TEST_DATABASE, Accounts, app_config

pytestmark = pytest.mark.skipif(
    TEST_DATABASE != "postgresql",
    reason="needs PostgreSQL (TEST_DATABASE=postgresql): SQLite's BEGIN IMMEDIATE serializes "
    "writers, so bids and the opening cannot race there",
)

BIDDERS = 30
OPENERS = 3  # threads calling open_if_due; one more runs the scheduler's sweep
#: Once this many bid writes have committed, the controller arms the clock's jump to the deadline.
COMMITS_BEFORE_DEADLINE = BIDDERS * 5
REFUSALS_PER_BIDDER = 2  # a bidder stops after this many refusals (all after the deadline)
MAX_ATTEMPTS = 200  # per bidder, whatever happens
TIME_LIMIT_S = 120.0  # for the whole race, whatever happens
DEADLINE_MSG = "The deadline for bids on this task has passed."
_TASK_LOCK = re.compile(r"\bFROM task\b.*\bFOR UPDATE\b", re.DOTALL)


class SteppingClock(clock.Clock):
    """A thread-safe clock: `base` + one microsecond per read (so every read is distinct and
    ordered). Each read is logged in the reading thread's `log`, with whether that thread held the
    task row lock when it read.

    `arm(to)` makes the clock jump to `to` right after the next read a bidder makes under the
    lock at the start of an attempt: that bidder gets a time before the deadline and commits after
    the clock has moved, while the openers already run, which is the race the lock must decide."""

    def __init__(self, base: datetime, local: threading.local, moved: threading.Event):
        self._lock = threading.Lock()
        self._base, self._ticks, self._local, self._moved = base, 0, local, moved
        self._armed: datetime | None = None

    def arm(self, to: datetime) -> None:
        with self._lock:
            self._armed = to

    def jump_to(self, base: datetime) -> None:
        with self._lock:
            self._base, self._ticks, self._armed = base, 0, None
        self._moved.set()

    def now(self) -> datetime:
        log = getattr(self._local, "log", None)
        locked = getattr(self._local, "locked", False)
        with self._lock:
            value = self._base + timedelta(microseconds=self._ticks)
            self._ticks += 1
            jump = (
                self._armed is not None
                and locked
                and log == []
                and getattr(self._local, "bidder", False)
            )
            if jump:
                self._base, self._ticks, self._armed = self._armed, 0, None
        if jump:
            self._moved.set()
        if log is not None:
            log.append((value, locked))
        return value


@dataclass
class Attempt:
    agency_user_id: int
    action: str  # "submit", "change" or "withdraw"
    committed: bool = False
    reads: list = field(default_factory=list)  # [(time, held the task lock)]
    receipt: str | None = None
    submitted_at: datetime | None = None
    refusal: str | None = None
    error: str | None = None
    after_jump: bool = False  # committed after the controller had moved the clock


@pytest.fixture
def race_db(database_url, tmp_path):
    """A fresh database on the test server, a migrated app on it, torn down (dropped) after."""
    from alembic import command

    from market import catalog, holidays
    from market.cli import alembic_config
    from wsgi import create_app

    name = f"zjm_race_{uuid.uuid4().hex[:12]}"
    server = make_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except ProgrammingError as exc:  # e.g. a TEST_DATABASE_URL role without CREATEDB
        server.dispose()
        pytest.skip(f"cannot create a database of its own on the test server: {exc.orig}")
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    saved_keys = keys.use(None)  # create_app installs the new app's keys; put ours back after
    engine = None
    try:
        app = create_app(
            app_config(
                url,
                DRAW_SEED_KEY="test draw seed key",
                SIGNING_KEY_PATH=str(tmp_path / "signing_key.pem"),
                UPLOAD_DIR=str(tmp_path / "uploads"),
            )
        )
        db = app.extensions["market.db"]
        with app.app_context():
            command.upgrade(alembic_config(), "head")
        db.engine.dispose()
        # Every thread needs its own connection at once: a pool big enough for all of them.
        engine = make_engine(url, pool_size=BIDDERS + OPENERS + 6, max_overflow=0, pool_timeout=30)
        db.bind = engine
        with db.transaction() as session:  # under the autouse frozen clock
            catalog.seed_catalog(session)
            holidays.import_official(session, [2025, 2026])
        yield app, db, engine
    finally:
        keys.use(saved_keys)
        if engine is not None:
            engine.dispose()
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_bids_racing_the_deadline_and_the_opening(race_db, frozen):
    app, db, engine = race_db

    # --- the world: an enterprise, a published task, qualified agencies -------------------------
    setup = db.session()
    world = World(setup, Accounts(app, setup), frozen)
    task = world.post_task(
        "lowest_price", price_cap_fen=2_000_000, required_qualifications=[EIA_QUALIFICATION]
    )
    bidder_ids = [world.qualified_agency().id for _ in range(BIDDERS)]
    deadline, number = task.deadline_at, task.number
    setup.close()

    # --- instrumentation ----------------------------------------------------------------------
    local = threading.local()

    def after_execute(conn, cursor, statement, parameters, context, executemany):
        if _TASK_LOCK.search(statement):
            local.locked = True  # the statement returned: this thread holds the row lock

    def tx_end(conn):
        local.locked = False

    event.listen(engine, "after_cursor_execute", after_execute)
    event.listen(engine, "commit", tx_end)
    event.listen(engine, "rollback", tx_end)
    enough_commits, clock_moved, stop_at = threading.Event(), threading.Event(), [0.0]
    stepping = SteppingClock(deadline - timedelta(seconds=10), local, clock_moved)
    previous_clock = clock.use(stepping)

    start = threading.Barrier(BIDDERS + OPENERS + 2)  # bidders, openers, sweep, controller
    counter_lock, commits = threading.Lock(), [0]
    attempts: dict[int, list[Attempt]] = {uid: [] for uid in bidder_ids}
    openings: list[dict] = []
    crashes: list[str] = []

    def bidder(uid: int, n: int) -> None:
        try:
            local.bidder = True
            start.wait(timeout=30)
            standing, refusals = False, 0
            for k in range(MAX_ATTEMPTS):
                if refusals >= REFUSALS_PER_BIDDER or time.monotonic() > stop_at[0]:
                    break
                if not standing:
                    action = "submit"
                elif n % 3 == 0 or (n % 3 == 1 and k % 4 == 2):
                    action = "withdraw"  # a third toggle on every attempt, a third now and then
                else:
                    action = "change"
                attempt = Attempt(uid, action)
                attempts[uid].append(attempt)
                local.log, local.locked = attempt.reads, False
                price = 1_200_000 + (n * 7919 + k * 104_729) % 800_000
                session = db.session()
                try:
                    actor = session.get(User, uid)
                    if action == "withdraw":
                        attempt.receipt = sealed.withdraw_bid(session, actor, number)
                    else:
                        service = sealed.submit_bid if action == "submit" else sealed.change_bid
                        ack = service(
                            session,
                            actor,
                            number,
                            price_fen=price,
                            duration_days=30,
                            proposal_text=f"方案 {n}/{k}",
                        )
                        attempt.receipt, attempt.submitted_at = ack.receipt, ack.submitted_at
                    session.commit()
                    attempt.committed, attempt.after_jump = True, clock_moved.is_set()
                    standing = action != "withdraw"
                    with counter_lock:
                        commits[0] += 1
                        if commits[0] >= COMMITS_BEFORE_DEADLINE:
                            enough_commits.set()
                except Forbidden as exc:
                    session.rollback()
                    attempt.refusal = exc.message.msgid
                    refusals += 1
                except Exception as exc:  # noqa: BLE001 - any other outcome is a finding
                    session.rollback()
                    attempt.error = f"{type(exc).__name__}: {exc}"
                    refusals += 1
                finally:
                    session.close()
                    local.log = None
        except Exception as exc:  # noqa: BLE001
            crashes.append(f"bidder {n}: {type(exc).__name__}: {exc}")

    def controller() -> None:
        try:
            start.wait(timeout=30)
            enough_commits.wait(timeout=TIME_LIMIT_S / 3)
            stepping.arm(deadline)  # the first read after the jump is exactly the deadline
            if not clock_moved.wait(timeout=TIME_LIMIT_S / 3):
                stepping.jump_to(deadline)  # no bidder came to read: move it anyway
        except Exception as exc:  # noqa: BLE001
            crashes.append(f"controller: {type(exc).__name__}: {exc}")
            clock_moved.set()

    openers_ready = threading.Barrier(OPENERS + 1)

    def opener(n: int, sweep: bool) -> None:
        try:
            start.wait(timeout=30)
            clock_moved.wait(timeout=TIME_LIMIT_S)
            openers_ready.wait(timeout=30)
            reads: list = []
            local.log, local.locked = reads, False
            session = db.session()
            try:
                if sweep:
                    opened = opening.open_due_tasks(session, DEFAULT_POLICY)  # commits by itself
                else:
                    opened = int(
                        opening.open_if_due(
                            session,
                            session.exec(select(Task).where(Task.number == number)).one(),
                            DEFAULT_POLICY,
                        )
                    )
                    session.commit()
            finally:
                session.close()
                local.log = None
            openings.append({"opener": n, "sweep": sweep, "opened": opened, "reads": reads})
        except Exception as exc:  # noqa: BLE001
            crashes.append(f"opener {n}: {type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=bidder, args=(uid, n), name=f"bidder-{n}")
        for n, uid in enumerate(bidder_ids)
    ]
    threads += [
        threading.Thread(target=opener, args=(n, n == OPENERS), name=f"opener-{n}")
        for n in range(OPENERS + 1)
    ]
    threads.append(threading.Thread(target=controller, name="controller"))
    stop_at[0] = time.monotonic() + TIME_LIMIT_S
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1.0, stop_at[0] + 30 - time.monotonic()))
        alive = [t.name for t in threads if t.is_alive()]
    finally:
        clock.use(previous_clock)
        event.remove(engine, "after_cursor_execute", after_execute)
        event.remove(engine, "commit", tx_end)
        event.remove(engine, "rollback", tx_end)
    assert not alive, f"threads still running after the time limit: {alive}"
    assert not crashes, crashes
    everything = [a for per in attempts.values() for a in per]
    assert not [a.error for a in everything if a.error], "attempts that failed unexpectedly"
    assert clock_moved.is_set() and enough_commits.is_set()

    # --- every attempt read the clock only under the lock; the deadline alone decided ---------
    committed = [a for a in everything if a.committed]
    refused = [a for a in everything if a.refusal]
    assert len(committed) >= COMMITS_BEFORE_DEADLINE and refused
    # The bidder holding the lock when the clock moved read a time before the deadline and
    # committed after the clock had moved, while the openers were already waiting for the lock.
    assert [a for a in committed if a.after_jump], "the clock never moved under a bidder"
    for a in everything:
        assert a.reads, f"{a.action} by user {a.agency_user_id} never read the clock"
        assert all(held for _, held in a.reads), (
            f"{a.action} read the clock without holding the task's row lock: {a.reads}"
        )
    for a in committed:
        first = a.reads[0][0]
        assert first < deadline, f"a {a.action} was accepted at {first}, deadline {deadline}"
        if a.action != "withdraw":
            assert a.submitted_at == first  # the time stamped on the bid is the time read
    for a in refused:
        assert a.refusal == DEADLINE_MSG, a.refusal
        assert a.reads[0][0] >= deadline, f"refused before the deadline: {a.reads[0][0]}"
    # Every bidder kept trying until refused, so each one's attempts straddle the deadline.
    assert all(any(a.refusal for a in per) for per in attempts.values())

    # --- the database holds exactly the committed attempts -----------------------------------
    check = db.session()
    try:
        the_task = check.exec(select(Task).where(Task.number == number)).one()
        bids = {b.agency_id: b for b in check.exec(select(Bid).where(Bid.task_id == the_task.id))}
        users = {u.id: u for u in check.exec(select(User).where(User.id.in_(bidder_ids)))}
        expected_standing = []
        bidders_with_bids = 0
        for uid, per in attempts.items():
            done = [a for a in per if a.committed]
            versions = [a for a in done if a.action != "withdraw"]
            bid = bids.get(users[uid].organization_id)
            if not versions:
                assert bid is None
                continue
            bidders_with_bids += 1
            assert bid is not None
            assert bid.version == len(versions)  # each accepted version kept exactly once
            assert bid.receipt == versions[-1].receipt
            rows = list(
                check.exec(
                    select(BidVersion)
                    .where(BidVersion.bid_id == bid.id)
                    .order_by(BidVersion.version)
                )
            )
            assert [r.version for r in rows] == list(range(1, len(versions) + 1))
            assert [r.receipt for r in rows] == [a.receipt for a in versions]
            assert [r.submitted_at for r in rows] == [a.submitted_at for a in versions]
            assert all(r.submitted_at < deadline for r in rows)
            assert all(x.submitted_at < y.submitted_at for x, y in itertools.pairwise(rows))
            assert all(r.content["version"] == r.version for r in rows)
            if done[-1].action == "withdraw":
                assert bid.withdrawn_at is not None and bid.withdrawn_at < deadline
            else:
                assert bid.withdrawn_at is None
                expected_standing.append(bid.receipt)
        assert len(bids) == bidders_with_bids  # one Bid row per agency, none left over

        # --- opened exactly once, after every accepted bid, seeing exactly the standing ones --
        assert sum(o["opened"] for o in openings) == 1, openings
        assert len(openings) == OPENERS + 1
        for o in openings:
            if not o["sweep"]:  # the sweep picks candidates before it takes the lock
                assert all(held for _, held in o["reads"]), o
        the_openings = list(check.exec(select(Opening).where(Opening.task_id == the_task.id)))
        assert len(the_openings) == 1
        the_opening = the_openings[0]
        assert the_task.opened_at == the_opening.opened_at >= deadline
        assert the_opening.standing_receipts == sorted(expected_standing)
        opened_events = list(
            check.exec(
                select(AuditEvent).where(
                    AuditEvent.action == "task.open", AuditEvent.object_id == number
                )
            )
        )
        assert len(opened_events) == 1
        assert sorted(r["receipt"] for r in opened_events[0].data["receipts"]) == sorted(
            expected_standing
        )
        standing_ids = {b.id for b in bids.values() if b.withdrawn_at is None}
        judged = {
            d.bid_id
            for d in check.exec(
                select(ValidityDecision).where(ValidityDecision.task_id == the_task.id)
            )
        }
        assert judged == standing_ids
        # No version anywhere was stamped at or after the deadline.
        late = check.exec(
            select(BidVersion).where(
                BidVersion.task_id == the_task.id, BidVersion.submitted_at >= deadline
            )
        ).all()
        assert late == []
        # The audit chain survived 30 concurrent writers.
        assert audit.verify(check) == []
        opener_name = next(
            ("sweep" if o["sweep"] else f"opener {o['opener']}") for o in openings if o["opened"]
        )
        print(
            f"\n{len(committed)} writes committed ({sum(a.after_jump for a in committed)} "
            f"after the clock moved), {len(refused)} refused; {len(expected_standing)} of "
            f"{len(bids)} bids standing at the opening, opened by {opener_name}"
        )
    finally:
        check.close()
