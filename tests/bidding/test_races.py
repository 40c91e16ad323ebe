"""Races decided by row locks, each played in one exact order with real commits on PostgreSQL
(docs/rules.md §4–§5, docs/architecture.md "Adding a scheduled sweep"): the same agency
submitting twice, an amendment against the opening, a last-moment explanation against the expiry
sweep, an objection's late answer against the lapse sweep, a last-moment confirmation against the
signing-limit sweep, a last-moment revision against the silent acceptance, and every scheduled
sweep (opening, explanation expiry, lapsing invitations, recording objections left unanswered, a
contract's signing limit, silent acceptance, late payments, the audit checkpoint, the search
outbox, the notification mail) run by two scheduler processes at once — the row sweeps also over
twenty due rows taken in lockstep, each acted on exactly once; and the same outage published by
two operators at once.

Every test here puts two transactions in a known order instead of hoping for it: an engine event
stops a thread right after (or signals right before) a given statement — typically the task's
``SELECT … FOR UPDATE`` — while the other party commits, then lets it go on. No sleeps: threads
wait on events, and the only timeouts are there so a broken guard fails the test rather than
hanging it. The clock is the frozen one, moved between the steps.

The per-test rollback fixture binds every session to one connection, which would serialize
everything, so each test gets a database of its own, copied from a migrated and seeded template
made once for the module (``CREATE DATABASE … TEMPLATE``).

SQLite is skipped: ``BEGIN IMMEDIATE`` serializes its writers, so none of these orders can happen.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import event, func, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ProgrammingError
from sqlmodel import Session, select

from bidding import awards, keys, notifying, opening, sealed, validity
from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.invitations import services as invitations
from bidding.models import (
    ApplicantRecord,
    Award,
    Bid,
    BidVersion,
    Contract,
    ContractPayment,
    Deliverable,
    EscrowRefund,
    ExplanationRequest,
    Invitation,
    Objection,
    Opening,
    ValidityDecision,
)
from bidding.objections import services as objections
from bidding.payments import escrow
from bidding.policy import DEFAULT_POLICY
from market import audit, ledger, mail, notifications, outages, search, tasks, workdays
from market.attachments import AttachmentPolicy
from market.db import make_engine
from market.models import (
    AuditCheckpoint,
    AuditEvent,
    AuditHead,
    Notification,
    OutageNotice,
    SearchOutbox,
    Task,
    TaskAmendment,
    User,
)
from market.payments.adapter import Gateway
from market.search import outbox
from market.search.port import MeiliConfig
from market.validation import Forbidden
from ratings import exits, ratings
from ratings.exits_policy import DEFAULT_POLICY as EXITS_POLICY
from ratings.models import CreditEvent, ExitAction, Rating
from tests.bidding.contract_support import awarded, signed_contract_for_tests
from tests.bidding.escrow_support import card_token
from tests.bidding.helpers import World
from tests.conftest import TEST_DATABASE, TEST_IDENTITY_HASH_KEY, Accounts, app_config, free_port

pytestmark = pytest.mark.skipif(
    TEST_DATABASE != "postgresql",
    reason="needs PostgreSQL (TEST_DATABASE=postgresql): SQLite's BEGIN IMMEDIATE serializes "
    "writers, so two transactions cannot interleave there",
)

#: How long a step may take before the test gives up on it (only reached when a guard is broken).
STEP_S = 20.0
TASK_LOCK = re.compile(r"\bFROM task\b.*\bFOR UPDATE\b", re.DOTALL)


# --- a database of each test's own ----------------------------------------------------------------


@pytest.fixture(scope="module")
def race_template(database_url, tmp_path_factory):
    """A migrated, seeded database to copy, and an app whose `market.db` each test rebinds."""
    from alembic import command

    from market import catalog, clock, holidays
    from market.cli import alembic_config
    from tests.conftest import FROZEN_AT
    from wsgi import create_app

    name = f"zjm_races_{uuid.uuid4().hex[:12]}"
    server = make_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except ProgrammingError as exc:  # e.g. a TEST_DATABASE_URL role without CREATEDB
        server.dispose()
        pytest.skip(f"cannot create a database of its own on the test server: {exc.orig}")
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    folder = tmp_path_factory.mktemp("races")
    saved_keys = keys.use(None)  # create_app installs the new app's keys; put ours back after
    try:
        app = create_app(
            app_config(
                url,
                DRAW_SEED_KEY="test draw seed key",
                IDENTITY_HASH_KEY=TEST_IDENTITY_HASH_KEY,  # never a key file in instance/
                SIGNING_KEY_PATH=str(folder / "signing_key.pem"),
                UPLOAD_DIR=str(folder / "uploads"),
            )
        )
        db = app.extensions["market.db"]
        with app.app_context():
            command.upgrade(alembic_config(), "head")
        previous = clock.use(clock.FrozenClock(FROZEN_AT))
        try:
            with db.transaction() as session:
                catalog.seed_catalog(session)
                holidays.import_official(session, [2025, 2026])
        finally:
            clock.use(previous)
        db.engine.dispose()  # a template must have no connection while it is copied
        yield app, server, url
    finally:
        keys.use(saved_keys)
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@dataclass
class Race:
    app: object
    db: object
    engine: Engine
    hooks: Hooks

    def session(self) -> Session:
        return self.db.session()

    def world(self, frozen) -> tuple[World, Session]:
        setup = self.session()
        return World(setup, Accounts(self.app, setup), frozen), setup


@pytest.fixture
def race(race_template, frozen):
    app, server, template_url = race_template
    template = make_url(template_url)
    name = f"{template.database}_{uuid.uuid4().hex[:8]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"'))
    engine = make_engine(
        template.set(database=name).render_as_string(hide_password=False),
        pool_size=8,
        max_overflow=0,
    )
    db = app.extensions["market.db"]
    saved_bind, db.bind = db.bind, engine
    hooks = Hooks(engine)
    try:
        yield Race(app, db, engine, hooks)
    finally:
        hooks.remove()
        db.bind = saved_bind
        engine.dispose()
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- stopping a thread at a statement -------------------------------------------------------------


@dataclass
class Stop:
    """Where a thread stops: at the first statement matching `pattern`, `before` it is sent or
    `after` it returned. `reached` is set there; with `hold`, the thread then waits for
    `release` (so it keeps whatever locks it holds)."""

    pattern: re.Pattern
    when: str = "after"
    hold: bool = True
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class Hooks:
    """Engine events that stop the thread that armed `Stop`s (and only that thread)."""

    def __init__(self, engine: Engine):
        self.engine, self.local = engine, threading.local()
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def arm(self, *stops: Stop) -> None:
        self.local.stops = list(stops)

    def _check(self, when: str, statement: str) -> None:
        stops = getattr(self.local, "stops", [])
        stop = next((s for s in stops if s.when == when and s.pattern.search(statement)), None)
        if stop is None:
            return
        stops.remove(stop)  # each stop once
        stop.reached.set()
        if stop.hold and not stop.release.wait(STEP_S):
            raise RuntimeError(f"never released after {stop.pattern.pattern!r}")

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._check("before", statement)

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self._check("after", statement)


class Worker(threading.Thread):
    """Runs `fn(session)` in a session of its own (armed with `stops`, if any); keeps the result
    or the exception."""

    def __init__(self, race: Race, fn: Callable[[Session], object], *stops: Stop):
        super().__init__(daemon=True)
        self.race, self.fn, self.stops = race, fn, stops
        self.result, self.error = None, None
        self.done = threading.Event()

    def run(self) -> None:
        session = self.race.session()
        try:
            self.race.hooks.arm(*self.stops)
            self.result = self.fn(session)
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            session.rollback()
            self.error = exc
        finally:
            self.race.hooks.arm()
            session.close()
            self.done.set()

    def finish(self) -> None:
        """Wait for the worker (bounded); let go of its stops, should it still hold one."""
        self.join(STEP_S)
        if self.is_alive():
            for stop in self.stops:
                stop.release.set()
            self.join(STEP_S)
        assert not self.is_alive(), "the worker is still blocked"


def committed(fn: Callable[[Session], object]) -> Callable[[Session], object]:
    """`fn`, then commit, as the unit of work around a request would."""

    def run(session: Session) -> object:
        out = fn(session)
        session.commit()
        return out

    return run


def count_events(session: Session, action: str, object_id: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.object_id == object_id)
    ).one()


def second_acts_on_nothing_after_the_first(race: Race, act) -> None:
    """Run `act` twice at once: the first holds the task's row lock having decided nothing yet;
    the second has read the same row as due and asks for the lock. Once the first commits, the
    second, reading again under the lock, must act on nothing: (1, 0), and no error."""
    first_stop = Stop(TASK_LOCK, when="after")
    first = Worker(race, act, first_stop)
    first.start()
    assert first_stop.reached.wait(STEP_S)
    second_stop = Stop(TASK_LOCK, when="before", hold=False)
    second = Worker(race, act, second_stop)
    second.start()
    assert second_stop.reached.wait(STEP_S)
    first_stop.release.set()
    first.finish()
    second.finish()
    assert (first.error, second.error) == (None, None)
    assert (first.result, second.result) == (1, 0)


# --- abnormally low bids: the explanation and the expiry sweep ------------------------------------


def flagged_bid(
    race: Race, frozen, *, another_explained: bool = False
) -> tuple[int, int, str, object]:
    """An opened lowest-price task with one abnormally low bid among three: (the low bidder's
    user id, its bid id, its receipt, its explanation's due time). With `another_explained`, a
    second abnormally low bid whose bidder has explained, so the task stays opened (validity
    pending on the applicant) whatever becomes of the first."""
    world, setup = race.world(frozen)
    try:
        task = world.post_task(min_bids=3, price_cap_fen=2_000_000)
        low, a, b = world.agency(), world.agency(), world.agency()
        world.bid(low, task, 500_000)
        world.bid(a, task, 1_500_000)
        world.bid(b, task, 1_500_000)
        if another_explained:
            other = world.agency()
            world.bid(other, task, 520_000)
        world.shift_to(task, "opened")
        if another_explained:
            other_bid = setup.exec(select(Bid).where(Bid.agency_id == other.organization_id))
            validity.submit_explanation(setup, other, other_bid.one().id, "自有设备，成本低。")
            setup.commit()
        bid = setup.exec(select(Bid).where(Bid.agency_id == low.organization_id)).one()
        request = setup.exec(select(ExplanationRequest).where(ExplanationRequest.bid_id == bid.id))
        return low.id, bid.id, bid.receipt, request.one().due_at
    finally:
        setup.close()


def test_an_explanation_committed_while_the_expiry_sweep_waits_for_the_lock_stands(race, frozen):
    """The bidder explains in the last second; the sweep, run at the due time, picked the request
    up before that commit and then waits for the task's lock. Once it has the lock it must see
    the explanation and leave the bid alone, not rule it invalid for want of one."""
    bidder_id, bid_id, receipt, due_at = flagged_bid(race, frozen)
    frozen.set(due_at - timedelta(seconds=1))
    bidder = race.session()
    try:
        validity.submit_explanation(
            bidder, bidder.get(User, bidder_id), bid_id, "区域评估数据现成，成本较低。"
        )
        frozen.set(due_at)  # the explanation was given in time; the sweep now finds it due
        stop = Stop(TASK_LOCK, when="before", hold=False)  # the sweep read the request already
        sweep = Worker(
            race, lambda s: validity.expire_overdue_explanations(s, DEFAULT_POLICY), stop
        )
        sweep.start()
        assert stop.reached.wait(STEP_S)
        bidder.commit()  # the sweep's lock is granted only now
    finally:
        bidder.close()
    sweep.finish()
    assert sweep.error is None and sweep.result == 0

    check = race.session()
    try:
        request = check.exec(
            select(ExplanationRequest).where(ExplanationRequest.bid_id == bid_id)
        ).one()
        assert (request.explanation, request.explained_at) == (
            "区域评估数据现成，成本较低。",
            due_at - timedelta(seconds=1),
        )
        assert (request.decision, request.decided_at) == (None, None)
        decision = check.exec(
            select(ValidityDecision).where(ValidityDecision.bid_id == bid_id)
        ).one()
        assert (decision.valid, decision.ground) == (None, "abnormally_low")
        assert count_events(check, "bid.explained", receipt) == 1
        assert count_events(check, "bid.validity_decided", receipt) == 0
        assert audit.verify(check) == []
    finally:
        check.close()


def test_two_expiry_sweeps_at_once_rule_an_unexplained_bid_invalid_once(race, frozen):
    """Two scheduler processes: the first holds the task's lock while it expires the request;
    the second picked the same request up meanwhile and waits. It must find it decided."""
    _, bid_id, receipt, due_at = flagged_bid(race, frozen, another_explained=True)
    frozen.set(due_at)
    expire = committed(lambda s: validity.expire_overdue_explanations(s, DEFAULT_POLICY))
    second_acts_on_nothing_after_the_first(race, expire)

    check = race.session()
    try:
        request = check.exec(
            select(ExplanationRequest).where(ExplanationRequest.bid_id == bid_id)
        ).one()
        assert (request.decision, request.decided_at) == ("expired", due_at)
        decision = check.exec(
            select(ValidityDecision).where(ValidityDecision.bid_id == bid_id)
        ).one()
        assert (decision.valid, decision.ground) == (False, "no_explanation")
        assert count_events(check, "bid.validity_decided", receipt) == 1
        assert audit.verify(check) == []
    finally:
        check.close()


# --- an objection left unanswered: the lapse sweep --------------------------------------------------


def unanswered_objection(race: Race, frozen) -> tuple[int, int, str, object]:
    """A task in publicity whose second bidder objected to the candidate: (the applicant's user
    id, the objection's id, the task's number, the answer's due time)."""
    world, setup = race.world(frozen)
    try:
        task = world.post_task(min_bids=1)
        first, second = world.agency(), world.agency()
        world.bid(first, task, 1_000_000)
        world.bid(second, task, 1_100_000)
        world.shift_to(task, "opened")
        row = objections.file_objection(setup, second, task.number, "理由", DEFAULT_POLICY)
        setup.commit()
        return world.applicant.id, row.id, task.number, row.answer_due_at
    finally:
        setup.close()


def lapse_sweep(session: Session) -> int:
    return objections.record_lapsed_objections(session, DEFAULT_POLICY)


def test_two_lapse_sweeps_at_once_record_an_unanswered_objection_once(race, frozen):
    """Two scheduler processes: the first holds the task's lock while it records the lapse; the
    second picked the same objection up meanwhile and waits. It must find it recorded."""
    _, objection_id, number, due_at = unanswered_objection(race, frozen)
    frozen.set(due_at)
    second_acts_on_nothing_after_the_first(race, lapse_sweep)
    check = race.session()
    try:
        row = check.get(Objection, objection_id)
        assert row.complaint_due_at == objections.lapsed_complaint_due(check, row, DEFAULT_POLICY)
        assert count_events(check, "objection.lapsed", number) == 1
        assert audit.verify(check) == []
    finally:
        check.close()


def test_a_late_answer_committed_while_the_lapse_sweep_waits_stands(race, frozen):
    """The sweep read the objection as unanswered past its time and waits for the task's lock
    while the applicant's late answer commits: under the lock it finds the answer and records
    nothing; the complaint window is the answer's."""
    applicant_id, objection_id, number, due_at = unanswered_objection(race, frozen)
    frozen.set(due_at + timedelta(hours=1))
    sweep_stop = Stop(TASK_LOCK, when="before")
    sweep = Worker(race, lapse_sweep, sweep_stop)
    sweep.start()
    assert sweep_stop.reached.wait(STEP_S)

    def answer(session: Session):
        applicant = session.get(User, applicant_id)
        return objections.answer_objection(
            session, applicant, objection_id, "迟到的答复", DEFAULT_POLICY
        )

    answering = Worker(race, committed(answer))
    answering.start()
    answering.finish()
    assert answering.error is None
    sweep_stop.release.set()
    sweep.finish()
    assert (sweep.error, sweep.result) == (None, 0)
    check = race.session()
    try:
        row = check.get(Objection, objection_id)
        assert objections.answered_late(row)
        assert row.complaint_due_at > row.answered_at
        assert count_events(check, "objection.lapsed", number) == 0
        assert count_events(check, "objection.answered", number) == 1
    finally:
        check.close()


# --- the same agency submitting twice at once -------------------------------------------------------

#: The bidder's own-bid lookup, made under the task's lock before anything is written.
OWN_BID = re.compile(r"\bFROM bid\b.*\bbid\.agency_id\b", re.DOTALL)
ALREADY_BID = "Your agency already has a bid on this task: change it instead."


def test_the_same_agency_submitting_twice_at_once_gets_one_bid_and_one_receipt(race, frozen):
    """Two submissions of one agency (two tabs, a double click). The first holds the task's lock
    having found no bid of its agency; the second asks for the lock meanwhile. The second must
    then find the first's bid and be refused with the documented message: one bid, one
    version, one receipt."""
    world, setup = race.world(frozen)
    try:
        task = world.post_task(price_cap_fen=2_000_000)
        agency = world.agency()
        number, user_id, agency_id = task.number, agency.id, agency.organization_id
    finally:
        setup.close()

    def submit(proposal: str):
        return committed(
            lambda s: sealed.submit_bid(
                s,
                s.get(User, user_id),
                number,
                price_fen=1_200_000,
                duration_days=30,
                proposal_text=proposal,
            )
        )

    first_stop = Stop(OWN_BID, when="after")  # holds the lock, has found no bid
    first = Worker(race, submit("第一份方案"), first_stop)
    first.start()
    assert first_stop.reached.wait(STEP_S)
    second_stop = Stop(re.compile(r"\bFROM task\b"), when="before", hold=False)
    second = Worker(race, submit("第二份方案"), second_stop)
    second.start()
    assert second_stop.reached.wait(STEP_S)
    first_stop.release.set()
    first.finish()
    second.finish()

    assert first.error is None
    assert (first.result.version, first.result.content["version"]) == (1, 1)
    assert type(second.error) is Forbidden
    assert second.error.message.msgid == ALREADY_BID
    check = race.session()
    try:
        bids = check.exec(select(Bid).where(Bid.agency_id == agency_id)).all()
        assert [(b.version, b.receipt, b.proposal_text) for b in bids] == [
            (1, first.result.receipt, "第一份方案")
        ]
        versions = check.exec(select(BidVersion).where(BidVersion.bid_id == bids[0].id)).all()
        assert [(v.version, v.receipt) for v in versions] == [(1, first.result.receipt)]
    finally:
        check.close()


NO_BID_TO_WITHDRAW = "Your agency has no bid on this task to withdraw."


def test_the_same_agency_withdrawing_twice_at_once_withdraws_once(race, frozen):
    """Two withdrawals of one agency's bid: the first holds the lock having found the bid
    standing; the second, once it has the lock, finds it withdrawn and is refused with the
    documented message. One withdrawal, at the first one's time."""
    world, setup = race.world(frozen)
    try:
        task = world.post_task(price_cap_fen=2_000_000)
        agency = world.agency()
        receipt = world.bid(agency, task, 1_200_000).receipt
        number, user_id, agency_id = task.number, agency.id, agency.organization_id
    finally:
        setup.close()
    withdraw = committed(lambda s: sealed.withdraw_bid(s, s.get(User, user_id), number))

    first_stop = Stop(OWN_BID, when="after")  # holds the lock, has found the bid standing
    first = Worker(race, withdraw, first_stop)
    first.start()
    assert first_stop.reached.wait(STEP_S)
    second_stop = Stop(re.compile(r"\bFROM task\b"), when="before", hold=False)
    second = Worker(race, withdraw, second_stop)
    second.start()
    assert second_stop.reached.wait(STEP_S)
    first_stop.release.set()
    first.finish()
    second.finish()

    assert (first.error, first.result) == (None, receipt)
    assert type(second.error) is Forbidden
    assert second.error.message.msgid == NO_BID_TO_WITHDRAW
    check = race.session()
    try:
        bid = check.exec(select(Bid).where(Bid.agency_id == agency_id)).one()
        version = check.exec(select(BidVersion).where(BidVersion.bid_id == bid.id)).one()
        assert bid.withdrawn_at == version.withdrawn_at == frozen.now()
    finally:
        check.close()


# --- two opening sweeps at once ---------------------------------------------------------------------


def test_two_opening_sweeps_at_once_open_every_due_task_once_without_waiting(race, frozen):
    """Two scheduler processes run the opening sweep together. While the first holds the first
    due task's lock, the second skips that task (``SKIP LOCKED``), opens the others without
    waiting, and finishes; the first then opens its task. Every task opened once: one opening,
    one ``task.open`` event, one validity decision per bid."""
    world, setup = race.world(frozen)
    try:
        tasks = [world.post_task(price_cap_fen=2_000_000) for _ in range(3)]
        for task in tasks:
            world.bid(world.agency(), task, 1_500_000)
            world.bid(world.agency(), task, 1_400_000)
        numbers, deadline = [t.number for t in tasks], tasks[0].deadline_at
        assert all(t.deadline_at == deadline for t in tasks)
    finally:
        setup.close()
    frozen.set(deadline + timedelta(minutes=1))
    sweep = committed(lambda s: opening.open_due_tasks(s, DEFAULT_POLICY))

    first_stop = Stop(TASK_LOCK, when="after")
    first = Worker(race, sweep, first_stop)
    first.start()
    assert first_stop.reached.wait(STEP_S)  # holds the first task's lock, has opened nothing
    second = Worker(race, sweep)
    second.start()
    finished_while_held = second.done.wait(STEP_S)
    first_stop.release.set()
    first.finish()
    second.finish()

    assert finished_while_held, "the second sweep waited for the first one's lock"
    assert (first.error, second.error) == (None, None)
    assert (first.result, second.result) == (1, 2)
    check = race.session()
    try:
        for number in numbers:
            task = check.exec(select(Task).where(Task.number == number)).one()
            assert task.opened_at == deadline + timedelta(minutes=1)
            assert len(check.exec(select(Opening).where(Opening.task_id == task.id)).all()) == 1
            assert count_events(check, "task.open", number) == 1
            decided = check.exec(
                select(ValidityDecision.bid_id).where(ValidityDecision.task_id == task.id)
            ).all()
            assert len(decided) == len(set(decided)) == 2
        assert audit.verify(check) == []
    finally:
        check.close()


# --- many due rows, two schedulers in lockstep -------------------------------------------------------


class Lockstep:
    """Two threads taking due rows in turn: after every statement matching `pattern` (a sweep's
    ``SKIP LOCKED`` selection of its next due row), each thread waits for the other to have made
    its own, so both always hold a row, or look for one, at the same time."""

    def __init__(self, engine: Engine, pattern: re.Pattern):
        self.engine, self.pattern = engine, pattern
        self.barrier = threading.Barrier(2, timeout=STEP_S)
        self.selections = Counter()
        event.listen(engine, "after_cursor_execute", self._after)

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.pattern.search(statement):
            self.selections[threading.current_thread().name] += 1
            self.barrier.wait()

    def remove(self) -> None:
        event.remove(self.engine, "after_cursor_execute", self._after)


DUE_TASK = re.compile(r"\bFROM task\b.*\bFOR UPDATE OF task SKIP LOCKED\b", re.DOTALL)
DUE_INVITATION = re.compile(
    r"\bFROM invitation\b.*\bFOR UPDATE OF invitation SKIP LOCKED\b", re.DOTALL
)
MANY = 20


def in_lockstep(race: Race, pattern: re.Pattern, sweep) -> tuple[Worker, Worker, Counter]:
    """Run `sweep` in two scheduler threads at once, in lockstep on `pattern`."""
    lockstep = Lockstep(race.engine, pattern)
    try:
        workers = Worker(race, sweep), Worker(race, sweep)
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.finish()
    finally:
        lockstep.remove()
    return *workers, lockstep.selections


def test_two_opening_sweeps_in_lockstep_over_many_due_tasks_open_each_once(race, frozen):
    """Twenty due tasks, two scheduler processes taking one task each in turn: each opens ten,
    none waits for the other, and every task is opened exactly once (one opening, one
    ``task.open`` event, opened at the sweep's time)."""
    world, setup = race.world(frozen)
    try:
        tasks = [world.post_task(price_cap_fen=2_000_000) for _ in range(MANY)]
        for task in tasks:
            world.bid(world.agency(), task, 1_500_000)
        numbers, deadline = [t.number for t in tasks], tasks[0].deadline_at
    finally:
        setup.close()
    frozen.set(deadline + timedelta(minutes=1))

    first, second, selections = in_lockstep(
        race, DUE_TASK, committed(lambda s: opening.open_due_tasks(s, DEFAULT_POLICY))
    )

    assert (first.error, second.error) == (None, None)
    assert (first.result, second.result) == (MANY // 2, MANY // 2)
    assert sorted(selections.values()) == [MANY // 2 + 1] * 2  # the last found nothing
    check = race.session()
    try:
        for number in numbers:
            task = check.exec(select(Task).where(Task.number == number)).one()
            assert task.opened_at == deadline + timedelta(minutes=1)
            assert len(check.exec(select(Opening).where(Opening.task_id == task.id)).all()) == 1
            assert count_events(check, "task.open", number) == 1
        assert audit.verify(check) == []
    finally:
        check.close()


def test_two_lapse_sweeps_in_lockstep_over_many_due_invitations_lapse_each_once(race, frozen):
    """Twenty direct selections whose invited agencies never answered, two scheduler processes
    taking one invitation each in turn: each records ten lapses, every invitation lapsed once
    (one ``invitation.lapsed`` event, at the task's deadline)."""
    world, setup = race.world(frozen)
    try:
        tasks = [
            world.post_task("direct", invited_agency_id=world.agency().organization_id)
            for _ in range(MANY)
        ]
        numbers, deadline = [t.number for t in tasks], max(t.deadline_at for t in tasks)
    finally:
        setup.close()
    frozen.set(deadline + timedelta(minutes=1))

    first, second, selections = in_lockstep(
        race,
        DUE_INVITATION,
        committed(lambda s: invitations.lapse_due_invitations(s, DEFAULT_POLICY)),
    )

    assert (first.error, second.error) == (None, None)
    assert (first.result, second.result) == (MANY // 2, MANY // 2)
    assert sorted(selections.values()) == [MANY // 2 + 1] * 2
    check = race.session()
    try:
        for number in numbers:
            task = check.exec(select(Task).where(Task.number == number)).one()
            [invitation] = check.exec(select(Invitation).where(Invitation.task_id == task.id))
            assert invitation.lapsed_at == task.deadline_at
            assert count_events(check, "invitation.lapsed", number) == 1
        assert audit.verify(check) == []
    finally:
        check.close()


# --- the same outage applied by two operators at once ------------------------------------------------

NOTICE_INSERT = re.compile(r"\bINSERT INTO outagenotice\b")
NOTICE_LOCK = re.compile(r"\bLOCK TABLE outagenotice\b")


def test_the_same_outage_applied_twice_at_once_extends_each_deadline_once(race, frozen):
    """Two operators publish the same outage together. The first has written its notice and not
    committed; the second then asks for the notices' lock, gets it once the first commits, finds
    the first's notice and is refused: one notice, each deadline moved once."""
    world, setup = race.world(frozen)
    try:
        task = world.post_task()
        ended = task.deadline_at + timedelta(hours=1)
        started = task.deadline_at - timedelta(hours=1)
        operators = [world.make.staff("operator") for _ in range(2)]
        operator_ids = [o.id for o in operators]
        number, deadline = task.number, task.deadline_at
    finally:
        setup.close()
    frozen.set(ended + timedelta(hours=1))
    body = {
        "started_at": started.isoformat(),
        "ended_at": ended.isoformat(),
        "reason": "机房断电。",
        "extension_wd": 2,
    }

    def publish(user_id: int):
        return committed(lambda s: outages.record(s, s.get(User, user_id), body).id)

    first_stop = Stop(NOTICE_INSERT, when="after")
    first = Worker(race, publish(operator_ids[0]), first_stop)
    first.start()
    assert first_stop.reached.wait(STEP_S)  # written, not committed, the table locked
    second_stop = Stop(NOTICE_LOCK, when="before", hold=False)
    second = Worker(race, publish(operator_ids[1]), second_stop)
    second.start()
    assert second_stop.reached.wait(STEP_S)
    first_stop.release.set()
    first.finish()
    second.finish()

    assert first.error is None
    assert isinstance(second.error, Forbidden)
    assert second.error.message.msgid == outages.OVERLAPS
    check = race.session()
    try:
        assert check.exec(select(func.count()).select_from(OutageNotice)).one() == 1
        task = check.exec(select(Task).where(Task.number == number)).one()
        assert task.deadline_at > deadline
        assert count_events(check, "deadline.extended_for_outage", number) == 1
        assert audit.verify(check) == []
    finally:
        check.close()


# --- an amendment racing the opening ----------------------------------------------------------------


def bid_task(race: Race, frozen) -> tuple[str, object, int, int]:
    """A published lowest-price task (cap ¥20,000) with one bid at ¥18,000: (its number, its
    deadline, the bidder's organization id, the applicant's user id)."""
    world, setup = race.world(frozen)
    try:
        task = world.post_task(price_cap_fen=2_000_000)
        agency = world.agency()
        world.bid(agency, task, 1_800_000)
        return task.number, task.deadline_at, agency.organization_id, world.applicant.id
    finally:
        setup.close()


def test_an_amendment_committed_while_an_opener_waits_is_taken_into_account(race, frozen):
    """The applicant amends a minute before the deadline: the cap goes down to ¥15,000 and, with
    less than the minimum period left, the deadline is extended. A reader reaching the task at
    the old deadline had loaded it before that commit and waits for its lock; under the lock it
    must see the extended deadline and not open. At the new deadline the opening applies the
    amended cap."""
    number, deadline, agency_id, applicant_id = bid_task(race, frozen)
    frozen.set(deadline - timedelta(minutes=1))
    applicant = race.session()
    try:
        amendment = tasks.amend(
            applicant,
            applicant.get(User, applicant_id),
            number,
            {"reason": "降低最高限价。", "price_cap_fen": 1_500_000},
        )
        extended = amendment.deadline_extended_to
        assert extended is not None and extended > deadline
        frozen.set(deadline)  # the old deadline: a reader now finds the task due
        stop = Stop(TASK_LOCK, when="before", hold=False)

        def open_as_a_page_does(s: Session) -> bool:
            loaded = s.exec(select(Task).where(Task.number == number)).one()  # before the lock
            return opening.open_if_due(s, loaded, DEFAULT_POLICY)

        opener = Worker(race, committed(open_as_a_page_does), stop)
        opener.start()
        assert stop.reached.wait(STEP_S)
        applicant.commit()  # the opener's lock is granted only now
    finally:
        applicant.close()
    opener.finish()
    assert (opener.error, opener.result) == (None, False)

    check = race.session()
    try:
        task = check.exec(select(Task).where(Task.number == number)).one()
        assert (task.opened_at, task.deadline_at, task.price_cap_fen) == (None, extended, 1_500_000)
        assert check.exec(select(Opening).where(Opening.task_id == task.id)).all() == []
        assert count_events(check, "task.open", number) == 0
        assert count_events(check, "task.amended", number) == 1
    finally:
        check.close()

    frozen.set(extended)
    sweep = race.session()
    try:
        assert opening.open_due_tasks(sweep, DEFAULT_POLICY) == 1
        bid = sweep.exec(select(Bid).where(Bid.agency_id == agency_id)).one()
        decision = sweep.exec(select(ValidityDecision).where(ValidityDecision.bid_id == bid.id))
        assert [(d.valid, d.ground) for d in decision] == [(False, "above_cap")]
    finally:
        sweep.close()


def test_an_amendment_waiting_while_the_task_opens_is_refused(race, frozen):
    """The opening holds the task's lock at the deadline; an amendment asks for the lock
    meanwhile. Once it has the lock the task is opened and the deadline passed: it is refused
    with the documented message, and nothing of it is written."""
    number, deadline, agency_id, applicant_id = bid_task(race, frozen)
    frozen.set(deadline)
    stop = Stop(TASK_LOCK, when="after")
    opener = Worker(race, committed(lambda s: opening.open_due_tasks(s, DEFAULT_POLICY)), stop)
    opener.start()
    assert stop.reached.wait(STEP_S)  # holds the lock, has not opened yet

    def amend(s: Session):
        return tasks.amend(
            s,
            s.get(User, applicant_id),
            number,
            {"reason": "降低最高限价。", "price_cap_fen": 1_500_000},
        )

    amend_stop = Stop(TASK_LOCK, when="before", hold=False)
    amender = Worker(race, committed(amend), amend_stop)
    amender.start()
    assert amend_stop.reached.wait(STEP_S)
    stop.release.set()
    opener.finish()
    amender.finish()

    assert (opener.error, opener.result) == (None, 1)
    assert type(amender.error) is Forbidden
    assert amender.error.message.msgid == tasks.NOT_AMENDABLE
    check = race.session()
    try:
        task = check.exec(select(Task).where(Task.number == number)).one()
        assert (task.opened_at, task.deadline_at, task.price_cap_fen) == (
            deadline,
            deadline,
            2_000_000,
        )
        assert check.exec(select(TaskAmendment).where(TaskAmendment.task_id == task.id)).all() == []
        assert count_events(check, "task.amended", number) == 0
        bid = check.exec(select(Bid).where(Bid.agency_id == agency_id)).one()
        decision = check.exec(select(ValidityDecision).where(ValidityDecision.bid_id == bid.id))
        assert [(d.valid, d.ground) for d in decision] == [(True, "eligible")]
    finally:
        check.close()


def test_an_amendment_from_a_session_that_loaded_the_task_before_a_cancellation_is_refused(
    race, frozen
):
    """The amend page loads the task (and the lazy opening commits) before it calls the service,
    in the same session, whose rows outlive the commit. If the applicant cancelled the task in
    another tab meanwhile, the amendment must see the cancellation under the lock and be
    refused, not be published on a cancelled task."""
    number, deadline, _, applicant_id = bid_task(race, frozen)
    page = race.session()
    try:
        shown = page.exec(select(Task).where(Task.number == number)).one()  # as `load_task` does
        page.commit()  # as `open_due`'s unit of work does: the loaded row is kept
        other_tab = race.session()
        try:
            tasks.cancel(other_tab, other_tab.get(User, applicant_id), number, "项目已撤销。")
            other_tab.commit()
        finally:
            other_tab.close()
        with pytest.raises(Forbidden) as refused:
            tasks.amend(
                page,
                page.get(User, applicant_id),
                number,
                {"reason": "降低最高限价。", "price_cap_fen": 1_500_000},
            )
        assert refused.value.message.msgid == tasks.NOT_AMENDABLE
        assert shown.cancelled_at is not None  # the page's row, re-read under the lock
        page.rollback()
    finally:
        page.close()
    check = race.session()
    try:
        task = check.exec(select(Task).where(Task.number == number)).one()
        assert task.cancelled_at is not None
        assert (task.price_cap_fen, task.deadline_at) == (2_000_000, deadline)
        assert check.exec(select(TaskAmendment).where(TaskAmendment.task_id == task.id)).all() == []
        assert count_events(check, "task.amended", number) == 0
    finally:
        check.close()


# --- the market's sweeps: the daily audit checkpoint ----------------------------------------------

CHECKPOINT_INSERT = re.compile(r"\bINSERT INTO auditcheckpoint\b")
CHECKPOINT_READ = re.compile(r"\bFROM auditcheckpoint\b")
HEAD_LOCK = re.compile(r"\bFROM audithead\b.*\bFOR UPDATE\b", re.DOTALL)


def test_two_checkpoint_sweeps_at_once_publish_one_checkpoint_and_both_succeed(race, frozen):
    """Two scheduler processes publish the day's checkpoint together. The first has written it
    and not committed; the second looks for the day's checkpoint meanwhile. It must end with the
    first one's checkpoint, not with a duplicate key: the sweep is idempotent within a day."""
    world, setup = race.world(frozen)
    try:
        world.post_task()  # a few events in the chain
    finally:
        setup.close()

    def publish(session: Session) -> tuple:
        checkpoint = audit.publish_checkpoint(session)
        out = (checkpoint.day, checkpoint.seq, checkpoint.hash)
        session.commit()  # as the scheduler's transaction around a sweep does
        return out

    first_stop = Stop(CHECKPOINT_INSERT, when="after")
    first = Worker(race, publish, first_stop)
    first.start()
    assert first_stop.reached.wait(STEP_S)  # written, not committed
    # The second stops being free to run either once it has looked for the day's checkpoint or
    # as it asks for a lock the first one holds, whichever comes first.
    looking = threading.Event()
    second = Worker(
        race,
        publish,
        Stop(HEAD_LOCK, when="before", hold=False, reached=looking),
        Stop(CHECKPOINT_READ, when="after", hold=False, reached=looking),
    )
    second.start()
    assert looking.wait(STEP_S)
    first_stop.release.set()
    first.finish()
    second.finish()

    assert (first.error, second.error) == (None, None)
    assert second.result == first.result
    check = race.session()
    try:
        head = check.get(AuditHead, 1)
        assert [(c.day, c.seq, c.hash) for c in check.exec(select(AuditCheckpoint))] == [
            first.result
        ]
        assert first.result[1:] == (head.seq, head.hash)
        assert audit.verify(check) == []
    finally:
        check.close()


# --- the market's sweeps: the search outbox -------------------------------------------------------


class RecordingEngine:
    """Stands in for Meilisearch: records every document sent, and keeps the first call (only)
    until `proceed` is set, so the test can act while that sweep is "on the network"."""

    def __init__(self):
        self.lock, self.sent = threading.Lock(), []
        self.sending, self.proceed = threading.Event(), threading.Event()

    def ensure_settings(self, spec) -> None:
        pass

    def put_many(self, spec, docs) -> None:
        with self.lock:
            self.sent += [(spec.name, d.id) for d in docs]
            first = not self.sending.is_set()
            self.sending.set()
        if first and not self.proceed.wait(STEP_S):
            raise RuntimeError("the engine was never let go")

    def delete_many(self, spec, ids) -> None:
        with self.lock:
            self.sent += [(spec.name, f"-{i}") for i in ids]


@dataclass(frozen=True)
class RecordingConfig(MeiliConfig):
    recorder: RecordingEngine = None

    def engine(self) -> RecordingEngine:
        return self.recorder


CLAIM = re.compile(r"\bFROM searchoutbox\b.*\bFOR UPDATE\b", re.DOTALL)
LEASE_WRITE = re.compile(r"\bUPDATE searchoutbox SET\b")


def test_two_outbox_sweeps_at_once_send_every_row_once(race, frozen):
    """Three scheduler runs of the search outbox: the first has claimed the due rows and holds
    them; a second, meanwhile, claims nothing (``SKIP LOCKED``) without waiting; a third, while
    the first is sending, finds them leased. Every document is sent once, every row done."""
    engine = RecordingEngine()
    port = search.SearchPort(RecordingConfig("http://meilisearch.invalid", "", "zjm_", 1.0, engine))
    previous = search.use(race.db, port)
    try:
        world, setup = race.world(frozen)
        try:
            agency_ids = {str(world.agency().organization_id) for _ in range(3)}
            queued = setup.exec(select(SearchOutbox.index_name, SearchOutbox.doc_id)).all()
        finally:
            setup.close()
        assert {doc for name, doc in queued if name == "agencies"} == agency_ids
        deliver = committed(outbox.deliver)

        # The first stops holding the rows it claimed, before it commits: after its claim or its
        # lease, whichever comes first (the other then passes, its release already given).
        first_stop = Stop(CLAIM, when="after")
        lease_stop = Stop(
            LEASE_WRITE, when="after", reached=first_stop.reached, release=first_stop.release
        )
        first = Worker(race, deliver, first_stop, lease_stop)
        first.start()
        assert first_stop.reached.wait(STEP_S)
        second = Worker(race, deliver)
        second.start()
        second_finished_while_held = second.done.wait(STEP_S)
        first_stop.release.set()
        assert engine.sending.wait(STEP_S)  # the first committed its lease and is sending
        third = Worker(race, deliver)
        third.start()
        third_finished_while_sending = third.done.wait(STEP_S)
        engine.proceed.set()
        for worker in (first, second, third):
            worker.finish()
    finally:
        engine.proceed.set()
        search.use(race.db, previous)

    assert second_finished_while_held, "the second sweep waited for the first one's rows"
    assert third_finished_while_sending, "the third sweep waited for the first one's rows"
    assert (first.error, second.error, third.error) == (None, None, None)
    assert (first.result, second.result, third.result) == (len(queued), 0, 0)
    assert sorted(engine.sent) == sorted(dict.fromkeys(queued))  # each document once
    check = race.session()
    try:
        rows = check.exec(select(SearchOutbox)).all()
        assert len(rows) == len(queued)
        assert all(r.done_at is not None and r.attempts == 0 for r in rows)
    finally:
        check.close()


# --- the market's sweeps: the notification mail ---------------------------------------------------


class RecordingMailer:
    """Stands in for the SMTP server: records every message, and keeps the first (only) until
    `proceed` is set, so the test can act while that sweep is sending."""

    def __init__(self):
        self.lock, self.sent = threading.Lock(), []
        self.sending, self.proceed = threading.Event(), threading.Event()

    def send(self, message) -> None:
        with self.lock:
            self.sent.append((message["To"], message["Subject"]))
            first = not self.sending.is_set()
            self.sending.set()
        if first and not self.proceed.wait(STEP_S):
            raise RuntimeError("the mailer was never let go")


def test_two_mail_sweeps_at_once_mail_every_notification_once(race, frozen, monkeypatch):
    """The first sweep claimed the notifications and is sending the first; a second sweep,
    meanwhile, claims none (``SKIP LOCKED``) without waiting. Every notification is mailed once."""
    mailer = RecordingMailer()
    monkeypatch.setitem(race.app.extensions, mail.EXTENSION, mailer)
    world, setup = race.world(frozen)
    try:
        users = [world.agency() for _ in range(3)]
        notifications.notify(setup, notifying.QUESTION_ANSWERED, users=users, data={"task": "T"})
        setup.commit()
    finally:
        setup.close()

    def sweep(session: Session) -> int:
        with race.app.app_context():
            sent = notifications.mail_pending(session)
            session.commit()
            return sent

    first = Worker(race, sweep)
    first.start()
    try:
        assert mailer.sending.wait(STEP_S)  # the first holds the rows and is sending
        second = Worker(race, sweep)
        second.start()
        second_finished_while_sending = second.done.wait(STEP_S)
    finally:
        mailer.proceed.set()
    for worker in (first, second):
        worker.finish()
    assert second_finished_while_sending, "the second sweep waited for the first one's rows"
    assert (first.error, second.error) == (None, None)
    assert (first.result, second.result) == (3, 0)
    assert sorted(to for to, _subject in mailer.sent) == sorted(u.email for u in users)
    check = race.session()
    try:
        rows = check.exec(select(Notification)).all()
        assert all(r.mailed_at is not None and r.mail_attempts == 1 for r in rows)
    finally:
        check.close()


# --- a contract's signing limit ---------------------------------------------------------------------


def awarded_contract(race: Race, frozen) -> tuple[int, str, object, int]:
    """A task whose award is final with two bidders in line: (its contract's id, the task's
    number, the contract's sign_by, the awarded agency's user id)."""
    world, setup = race.world(frozen)
    try:
        task, agencies, contract = awarded(world, bids=2)
        return contract.id, task.number, contract.sign_by, agencies[0].id
    finally:
        setup.close()


def test_two_signing_limit_sweeps_at_once_abandon_the_award_once(race, frozen):
    """Two scheduler processes: the first holds the task's lock while it abandons the unsigned
    award; the second picked the same contract up meanwhile and waits. It must find it closed."""
    contract_id, number, sign_by, _ = awarded_contract(race, frozen)
    frozen.set(sign_by)
    sweep = committed(lambda s: contracts.enforce_signing_limits(s, DEFAULT_POLICY))
    second_acts_on_nothing_after_the_first(race, sweep)

    check = race.session()
    try:
        assert check.get(Contract, contract_id).abandoned_at == sign_by
        task = check.exec(select(Task).where(Task.number == number)).one()
        revoked = check.exec(select(Award).where(Award.revoked_at.is_not(None))).all()
        assert [(a.task_id, a.rank) for a in revoked] == [(task.id, 1)]
        assert awards.current(check, task).rank == 2
        assert count_events(check, "contract.abandoned", str(contract_id)) == 1
        assert count_events(check, "award.handed_over", number) == 1
        assert audit.verify(check) == []
    finally:
        check.close()


def test_an_agency_confirmation_committed_while_the_sweep_waits_stands(race, frozen):
    """The agency confirms at the last moment while the sweep, past the limit, waits for the
    task's lock: the sweep reads the contract again under the lock and finds only the applicant
    missing, so the award stands and the applicant's late signing is recorded."""
    contract_id, _, sign_by, agency_user_id = awarded_contract(race, frozen)
    frozen.set(sign_by)
    sweep_stop = Stop(TASK_LOCK, when="before")
    sweep = Worker(
        race,
        committed(lambda s: contracts.enforce_signing_limits(s, DEFAULT_POLICY)),
        sweep_stop,
    )
    sweep.start()
    assert sweep_stop.reached.wait(STEP_S)  # found the contract due, about to ask for the lock
    # The agency's request read the clock just before the limit.
    frozen.set(sign_by - timedelta(seconds=1))
    agency = Worker(
        race,
        committed(
            lambda s: contracts.sign(s, s.get(User, agency_user_id), contract_id, DEFAULT_POLICY)
        ),
    )
    agency.start()
    agency.finish()
    assert agency.error is None
    frozen.set(sign_by)
    sweep_stop.release.set()
    sweep.finish()
    assert (sweep.error, sweep.result) == (None, 1)

    check = race.session()
    try:
        contract = check.get(Contract, contract_id)
        assert (contract.agency_signed_at, contract.abandoned_at) == (
            sign_by - timedelta(seconds=1),
            None,
        )
        records = check.exec(select(ApplicantRecord)).all()
        assert [(r.kind, r.contract_id) for r in records] == [("late_signing", contract_id)]
        assert count_events(check, "contract.abandoned", str(contract_id)) == 0
        assert audit.verify(check) == []
    finally:
        check.close()


# --- delivery: silent acceptance and late payments --------------------------------------------------


def delivered(race: Race, frozen, funding: str = "private") -> tuple[int, int, int, object]:
    """A task whose signed contract's work was delivered: (the applicant's user id, the
    contract's id, the delivery's id, its decide_by)."""
    world, setup = race.world(frozen)
    try:
        signed = signed_contract_for_tests(world, setup, frozen, funding)
        row = delivery.deliver(
            setup,
            signed.agency,
            signed.contract.id,
            "交付成果",
            [("报告书.pdf", b"%PDF-1.4\n% the work\n%%EOF\n")],
            race.app.config["UPLOAD_DIR"],
            AttachmentPolicy(),
            DEFAULT_POLICY,
        )
        setup.commit()
        return signed.applicant.id, signed.contract.id, row.id, row.decide_by
    finally:
        setup.close()


def test_a_revision_asked_while_the_silence_sweep_waits_for_the_lock_stands(race, frozen):
    """The applicant asks for a revision in the last second; the sweep, run at decide_by, picked
    the delivery up before that commit and waits for the task's lock. Once it has it, it must
    see the decision and accept nothing."""
    applicant_id, contract_id, deliverable_id, decide_by = delivered(race, frozen)
    frozen.set(decide_by - timedelta(seconds=1))
    applicant = race.session()
    try:
        delivery.request_revision(
            applicant, applicant.get(User, applicant_id), deliverable_id, "补充", DEFAULT_POLICY
        )
        frozen.set(decide_by)
        stop = Stop(TASK_LOCK, when="before", hold=False)
        sweep = Worker(race, lambda s: delivery.accept_due_silently(s, DEFAULT_POLICY), stop)
        sweep.start()
        assert stop.reached.wait(STEP_S)
        applicant.commit()
    finally:
        applicant.close()
    sweep.finish()
    assert sweep.error is None and sweep.result == 0
    check = race.session()
    try:
        contract = check.get(Contract, contract_id)
        assert (contract.accepted_at, contract.revision_rounds) == (None, 1)
        assert check.get(Deliverable, deliverable_id).decision == "revision"
        assert audit.verify(check) == []
    finally:
        check.close()


def test_two_silence_sweeps_at_once_accept_once(race, frozen):
    _, contract_id, deliverable_id, decide_by = delivered(race, frozen)
    frozen.set(decide_by)
    accept = committed(lambda s: delivery.accept_due_silently(s, DEFAULT_POLICY))
    second_acts_on_nothing_after_the_first(race, accept)
    check = race.session()
    try:
        contract = check.get(Contract, contract_id)
        assert (contract.accepted_at, contract.accepted_silently) == (decide_by, True)
        task = check.get(Task, contract.task_id)
        assert count_events(check, "task.accept", task.number) == 1
        assert audit.verify(check) == []
    finally:
        check.close()


def test_two_late_payment_sweeps_at_once_record_once(race, frozen):
    applicant_id, contract_id, deliverable_id, _ = delivered(race, frozen, "budget")
    setup = race.session()
    try:
        delivery.accept(
            setup, setup.get(User, applicant_id), deliverable_id, "验收合格", DEFAULT_POLICY
        )
        setup.commit()
        due = setup.get(Contract, contract_id).payment_due_at
    finally:
        setup.close()
    frozen.set(due)
    record = committed(lambda s: delivery.record_late_payments(s, DEFAULT_POLICY))
    second_acts_on_nothing_after_the_first(race, record)
    check = race.session()
    try:
        records = check.exec(
            select(ApplicantRecord).where(ApplicantRecord.contract_id == contract_id)
        ).all()
        assert len(records) == 1 and records[0].at == due
        assert audit.verify(check) == []
    finally:
        check.close()


# --- ratings: two first ratings of one side, two publication sweeps ------------------------------


def accepted_contract(race: Race, frozen) -> tuple[int, int, int]:
    """An accepted private contract: (its id, the applicant's user id, the agency's user id)."""
    world, setup = race.world(frozen)
    try:
        signed = signed_contract_for_tests(world, setup, frozen)
        row = delivery.deliver(
            setup,
            signed.agency,
            signed.contract.id,
            "交付成果",
            [("报告书.pdf", b"%PDF-1.4\n%%EOF\n")],
            race.app.config["UPLOAD_DIR"],
            AttachmentPolicy(),
            DEFAULT_POLICY,
        )
        delivery.accept(setup, signed.applicant, row.id, "", DEFAULT_POLICY)
        setup.commit()
        return signed.contract.id, signed.applicant.id, signed.agency.id
    finally:
        setup.close()


STARS = dict.fromkeys(("quality", "timeliness", "attitude", "fees", "conduct"), 4)
RATINGS_READ = re.compile(r"\bFROM rating\b")


def test_two_first_ratings_of_one_side_at_once_make_one_rating(race, frozen):
    """Two members of the applicant rate at once (two tabs, a double click): the first holds the
    task's lock having found no rating of its side; the second, waiting for the lock, must then
    find it and be refused with the documented message: one rating, one audit event."""
    contract_id, applicant_id, _ = accepted_contract(race, frozen)

    def rate(comment: str):
        return committed(
            lambda s: (
                ratings.rate(
                    s, s.get(User, applicant_id), contract_id, STARS, comment, DEFAULT_POLICY
                ).id
            )
        )

    first_stop = Stop(RATINGS_READ, when="after")  # holds the lock, found no rating
    first = Worker(race, rate("第一次"), first_stop)
    first.start()
    assert first_stop.reached.wait(STEP_S)
    second_stop = Stop(TASK_LOCK, when="before", hold=False)
    second = Worker(race, rate("第二次"), second_stop)
    second.start()
    assert second_stop.reached.wait(STEP_S)
    first_stop.release.set()
    first.finish()
    second.finish()
    assert first.error is None
    assert type(second.error) is Forbidden
    assert second.error.message.msgid == ratings.ALREADY_RATED
    check = race.session()
    try:
        rows = check.exec(select(Rating).where(Rating.contract_id == contract_id)).all()
        assert [(r.id, r.comment) for r in rows] == [(first.result, "第一次")]
        assert count_events(check, "rating.rate", str(first.result)) == 1
        assert audit.verify(check) == []
    finally:
        check.close()


def test_two_publication_sweeps_at_once_publish_a_rating_once(race, frozen):
    """Two scheduler processes at the rating period's end: the first holds the task's lock while
    publishing; the second picked the same contract up and waits: it must find nothing left."""
    contract_id, applicant_id, _ = accepted_contract(race, frozen)
    setup = race.session()
    try:
        ratings.rate(setup, setup.get(User, applicant_id), contract_id, STARS, "", DEFAULT_POLICY)
        setup.commit()
        end = delivery.rating_ends_at(setup, setup.get(Contract, contract_id), DEFAULT_POLICY)
    finally:
        setup.close()
    frozen.set(end)
    sweep = committed(lambda s: ratings.publish_ratings(s, DEFAULT_POLICY))
    second_acts_on_nothing_after_the_first(race, sweep)
    check = race.session()
    try:
        rows = check.exec(select(Rating).where(Rating.contract_id == contract_id)).all()
        assert [r.published_at for r in rows] == [end]
        assert len(check.exec(select(CreditEvent).where(CreditEvent.kind == "rating")).all()) == 1
        assert count_events(check, "rating.publish", str(rows[0].id)) == 1
        assert audit.verify(check) == []
    finally:
        check.close()


# --- card payments: two refund sweeps ---------------------------------------------------------


def test_two_refund_sweeps_at_once_ask_stripe_for_a_pending_refund_once(race, frozen, localstripe):
    """A card-paid contract terminated while Stripe was unreachable: its refund waits. Two
    sweeps pick it up at once; the first asks Stripe under the task's lock, the second, reading
    the refund again under it, finds it made: one refund at Stripe, posted once."""
    gateway = Gateway(localstripe, "sk_test_local")
    previous = escrow.use(gateway)
    world, setup = race.world(frozen)
    try:
        signed = signed_contract_for_tests(world, setup, frozen)
        settings = escrow.Settings(escrow_enabled=True, card_limit_fen=5_000_000)
        escrow.start(setup, signed.applicant, signed.contract.id, settings)
        token = card_token(localstripe)
        assert (
            escrow.confirm_card(setup, signed.applicant, signed.contract.id, token, settings).error
            is None
        )
        escrow.use(Gateway(f"http://127.0.0.1:{free_port()}", "sk_test_local"))
        contracts.terminate_by_regulator(
            setup, world.regulator, signed.contract.id, "违约。", "agency"
        )
        setup.commit()
        contract_id = signed.contract.id
        escrow.use(gateway)
        second_acts_on_nothing_after_the_first(race, committed(escrow.retry_pending_refunds))
        check = race.session()
        try:
            (row,) = check.exec(select(EscrowRefund).where(EscrowRefund.contract_id == contract_id))
            assert row.state == "succeeded"
            # By this contract's PaymentIntent: the session's localstripe also holds the refunds
            # of earlier tests (the escrow tests), whose contracts may have had the same id.
            (payment,) = check.exec(
                select(ContractPayment).where(ContractPayment.contract_id == contract_id)
            )
            refunds = [
                r for r in gateway.refunds() if r.payment_intent == payment.payment_intent_id
            ]
            assert [r.id for r in refunds] == [row.refund_id]
            assert ledger.balances(check, reference=f"contract:{contract_id}") == {
                f"escrow:contract:{contract_id}": 0,
                "stripe": 0,
            }
            assert ledger.total(check) == 0
            assert audit.verify(check) == []
        finally:
            check.close()
    finally:
        setup.close()
        escrow.use(previous)


# --- the exit rules' daily sweep ---------------------------------------------------------------

DUE_QUALIFICATION = re.compile(
    r"\bFROM qualification\b.*\bFOR UPDATE OF qualification SKIP LOCKED\b", re.DOTALL
)


def test_two_exit_sweeps_at_once_propose_each_removal_once_without_waiting(race, frozen):
    """Two scheduler processes run the exit rules' daily sweep together over two agencies whose
    required surveying qualification expired. While the first holds the first qualification, the
    second skips it (``SKIP LOCKED``), proposes the other agency's removal and finishes; the first
    then proposes its own. One proposal per agency."""
    world, setup = race.world(frozen)
    try:
        today = workdays.shanghai_date(frozen.now())
        agency_ids = []
        for n in range(2):
            user = world.agency(
                services=[
                    {
                        "service_item": "SURVEYING-MAPPING",
                        "commitment_days": 30,
                        "commitment_scope": "测绘",
                        "price_min_fen": 100000,
                        "price_max_fen": 2000000,
                    }
                ],
                qualifications=[
                    {
                        "type": "surveying",
                        "grade": "A",
                        "scope": "工程测量",
                        "certificate_no": f"甲测资字10{n}",
                        "issuer": "自然资源部",
                        "valid_until": today.isoformat(),
                    }
                ],
            )
            agency_ids.append(user.organization_id)
    finally:
        setup.close()
    frozen.advance(days=1)
    sweep = committed(lambda s: exits.daily_sweep(s, EXITS_POLICY))

    first_stop = Stop(DUE_QUALIFICATION, when="after")
    first = Worker(race, sweep, first_stop)
    first.start()
    assert first_stop.reached.wait(STEP_S)  # holds the first qualification, proposed nothing
    second = Worker(race, sweep)
    second.start()
    finished_while_held = second.done.wait(STEP_S)
    first_stop.release.set()
    first.finish()
    second.finish()

    assert finished_while_held, "the second sweep waited for the first one's lock"
    assert (first.error, second.error) == (None, None)
    assert (first.result, second.result) == (1, 1)
    check = race.session()
    try:
        rows = check.exec(select(ExitAction.agency_id, ExitAction.state)).all()
        assert sorted(rows) == [(agency_ids[0], "proposed"), (agency_ids[1], "proposed")]
        assert audit.verify(check) == []
    finally:
        check.close()
