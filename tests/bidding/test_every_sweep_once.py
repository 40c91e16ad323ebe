"""Every registered sweep acts once: run twice in a row, the second run changes no row of any table;
run a day late, it changes exactly what it changes on time (docs/architecture.md "Adding a
scheduled sweep": a sweep is idempotent).

The sweeps come from the composed app (`app.extensions["market.sweeps"]`), so a sweep registered
later is picked up here by itself, and fails `test_every_registered_sweep_has_a_scenario` until it
is given a scenario in `SCENARIOS` below: something due for it, and what acting on it once changes.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.models import Bid, ExplanationRequest
from bidding.objections import services as objections
from bidding.payments import escrow
from bidding.policy import DEFAULT_POLICY
from market import search
from market.models import AuditEvent, Notification, SearchOutbox
from market.payments.adapter import Gateway
from market.search.port import MeiliConfig
from market.workdays import shanghai_date
from ratings import credit_events, ratings
from ratings.credit import ends_at
from ratings.models.credit import MISCONDUCT_MINOR, ON_TIME
from tests.bidding.contract_support import awarded, deliver_for_tests, signed_contract_for_tests
from tests.bidding.escrow_support import card_token
from tests.bidding.helpers import World
from tests.conftest import free_port
from tests.ratings.honour_support import SWEEP_AT, Facts, qualified

LATE = timedelta(days=1)


@dataclass(frozen=True)
class Scenario:
    """`arrange(world, db)` makes something due and returns the moment it becomes due; `effect`
    is what acting on it once changes: the audit events added by action, the rows added by table
    and whatever `extra(db)` counts."""

    arrange: Callable[[World, Session], datetime]
    effect: dict
    extra: Callable[[Session], dict] = field(default=lambda db: {})


def opening_due(world: World, db: Session) -> datetime:
    """Two tasks with two bids each, due at the same deadline."""
    tasks = [world.post_task(price_cap_fen=2_000_000) for _ in range(2)]
    for task in tasks:
        world.bid(world.agency(), task, 1_500_000)
        world.bid(world.agency(), task, 1_400_000)
    return tasks[0].deadline_at


def explanations_due(world: World, db: Session) -> datetime:
    """An opened task with one abnormally low bid among three, unexplained."""
    task = world.post_task(min_bids=3, price_cap_fen=2_000_000)
    low = world.agency()
    world.bid(low, task, 500_000)
    world.bid(world.agency(), task, 1_500_000)
    world.bid(world.agency(), task, 1_500_000)
    world.shift_to(task, "opened")
    bid = db.exec(select(Bid).where(Bid.agency_id == low.organization_id)).one()
    request = db.exec(select(ExplanationRequest).where(ExplanationRequest.bid_id == bid.id)).one()
    return request.due_at


def invitations_due(world: World, db: Session) -> datetime:
    """Two direct selections whose invited agencies never answered."""
    tasks = [
        world.post_task("direct", invited_agency_id=world.agency().organization_id)
        for _ in range(2)
    ]
    return max(t.deadline_at for t in tasks)


def checkpoint_due(world: World, db: Session) -> datetime:
    """A few events in the chain; the day's checkpoint is due at once."""
    world.post_task()
    return world.frozen.now()


def outbox_due(world: World, db: Session) -> datetime:
    """Three agencies registered with Meilisearch configured: their documents are queued."""
    for _ in range(3):
        world.agency()
    return world.frozen.now()


def awards_due(world: World, db: Session) -> datetime:
    """Two tasks in publicity, two bids each, with nothing pending."""
    tasks = [world.post_task(min_bids=1) for _ in range(2)]
    for task in tasks:
        world.bid(world.agency(), task, 1_500_000)
        world.bid(world.agency(), task, 1_400_000)
        world.shift_to(task, "opened")
    return max(t.publicity_ends_at for t in tasks)


def lapses_due(world: World, db: Session) -> datetime:
    """Two bidders object to a task's award candidate; the applicant never answers."""
    task = world.post_task(min_bids=1)
    agencies = [world.agency() for _ in range(3)]
    for n, agency in enumerate(agencies):
        world.bid(agency, task, 1_400_000 + n * 10_000)
    world.shift_to(task, "opened")
    rows = [
        objections.file_objection(db, agency, task.number, "理由", DEFAULT_POLICY)
        for agency in agencies[1:]
    ]
    return max(r.answer_due_at for r in rows)


def signing_limits_due(world: World, db: Session) -> datetime:
    """Two final awards: one contract nobody confirmed (the award is abandoned, the next in line
    named), one only the agency confirmed (the applicant's late signing recorded)."""
    _, _, abandoned = awarded(world)
    _, agencies, late = awarded(world)
    contracts.sign(db, agencies[0], late.id, DEFAULT_POLICY)
    db.commit()
    return max(abandoned.sign_by, late.sign_by)


def reminders_due(world: World, db: Session) -> datetime:
    """Two unsigned contracts, one confirmed by its agency: three sides to remind."""
    _, _, first = awarded(world)
    _, agencies, second = awarded(world)
    contracts.sign(db, agencies[0], second.id, DEFAULT_POLICY)
    db.commit()
    return max(first.sign_by, second.sign_by) - timedelta(days=DEFAULT_POLICY.signing_reminder_days)


def silence_due(world: World, db: Session) -> datetime:
    """A private task's delivery left undecided."""
    signed = signed_contract_for_tests(world, db, world.frozen)
    row = deliver_for_tests(db, signed, _upload_dir(world))
    return row.decide_by


def _upload_dir(world: World) -> str:
    from flask import current_app

    return current_app.config["UPLOAD_DIR"]


def late_payment_due(world: World, db: Session) -> datetime:
    """A budget contract accepted and never paid."""
    signed = signed_contract_for_tests(world, db, world.frozen, "budget")
    row = deliver_for_tests(db, signed, _upload_dir(world))
    delivery.accept(db, signed.applicant, row.id, "验收合格。", DEFAULT_POLICY)
    db.commit()
    return signed.contract.payment_due_at


def closing_due(world: World, db: Session) -> datetime:
    """A private task accepted: it closes when its rating period is over."""
    signed = signed_contract_for_tests(world, db, world.frozen)
    row = deliver_for_tests(db, signed, _upload_dir(world))
    delivery.accept(db, signed.applicant, row.id, "", DEFAULT_POLICY)
    db.commit()
    return delivery.rating_ends_at(db, signed.contract, DEFAULT_POLICY)


def ratings_due(world: World, db: Session) -> datetime:
    """An accepted contract rated by its applicant only: published when the rating period ends."""
    signed = signed_contract_for_tests(world, db, world.frozen)
    row = deliver_for_tests(db, signed, _upload_dir(world))
    delivery.accept(db, signed.applicant, row.id, "", DEFAULT_POLICY)
    values = dict.fromkeys(("quality", "timeliness", "attitude", "fees", "conduct"), 4)
    ratings.rate(db, signed.applicant, signed.contract.id, values, "", DEFAULT_POLICY)
    db.commit()
    return delivery.rating_ends_at(db, signed.contract, DEFAULT_POLICY)


def mail_due(world: World, db: Session) -> datetime:
    """A task opened: its applicant and both bidders have a notification to mail."""
    task = world.post_task(min_bids=1)
    world.bid(world.agency(), task, 1_500_000)
    world.bid(world.agency(), task, 1_400_000)
    world.shift_to(task, "opened")
    return world.frozen.now()


def credit_due(world: World, db: Session) -> datetime:
    """Two agencies with credit events: one's minor misconduct record stops counting (its score
    goes back up), the other's on-time contract still counts (nothing to write)."""
    now = world.frozen.now()
    lapsing, steady = world.agency(), world.agency()
    credit_events.record(db, lapsing.organization_id, MISCONDUCT_MINOR, now, "misconduct:test:1")
    credit_events.record(
        db, steady.organization_id, ON_TIME, now, "contract:test:1", {"price_fen": 500_000}
    )
    return ends_at(now, 3)


def refunds_due(world: World, db: Session) -> datetime:
    """A contract paid by card into escrow, terminated by its regulator while Stripe was
    unreachable: its refund awaits Stripe, which answers again."""
    signed = signed_contract_for_tests(world, db, world.frozen)
    gateway = escrow.gateway()
    settings = escrow.Settings(escrow_enabled=True, card_limit_fen=5_000_000)
    escrow.start(db, signed.applicant, signed.contract.id, settings)
    token = card_token(gateway.api_base)
    assert (
        escrow.confirm_card(db, signed.applicant, signed.contract.id, token, settings).error is None
    )
    escrow.use(Gateway(f"http://127.0.0.1:{free_port()}", gateway.secret_key))
    try:
        contracts.terminate_by_regulator(
            db, world.regulator, signed.contract.id, "违约。", "agency"
        )
    finally:
        escrow.use(gateway)
    db.commit()
    return world.frozen.now()


def _surveying_agency(world: World, valid_until) -> None:
    """An agency offering surveying, whose firm qualification the law requires."""
    world.agency(
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
                "certificate_no": "甲测资字009",
                "issuer": "自然资源部",
                "valid_until": valid_until.isoformat(),
            }
        ],
    )


def exits_due(world: World, db: Session) -> datetime:
    """Tomorrow one agency's required qualification expires in 30 days (its notice), another's
    expired today (its removal proposed)."""
    today = shanghai_date(world.frozen.now())
    _surveying_agency(world, today + timedelta(days=31))
    _surveying_agency(world, today)
    return world.frozen.now() + timedelta(days=1)


def honour_due(world: World, db: Session) -> datetime:
    """An agency meeting every condition of December's honour roll (three other agencies, the
    bidders of the task its contracts hang on, graded by the sweep)."""
    facts = Facts(world, db)
    qualified(facts, world.agency().organization_id)
    return SWEEP_AT


def mailed(db: Session) -> dict:
    sent = db.exec(
        select(func.count())
        .select_from(Notification)
        .where(col(Notification.mailed_at).is_not(None))
    ).one()
    return {"notifications mailed": sent}


def outbox_done(db: Session) -> dict:
    done = db.exec(
        select(func.count()).select_from(SearchOutbox).where(col(SearchOutbox.done_at).is_not(None))
    ).one()
    return {"outbox rows done": done}


#: Every registered sweep's scenario, by sweep id. A new sweep gets one here.
SCENARIOS: dict[str, Scenario] = {
    "bidding.open_due_tasks": Scenario(
        opening_due,
        {
            "audit": {
                "bid.receipt_issued": 4,  # each bid's history, appended at opening
                "bid.validity_final": 2,
                "selection.ranked": 2,
                "task.open": 2,
                "task.start_publicity": 2,
            },
            "rows": {
                "opening": 2,
                "award": 2,
                "rankingentry": 4,
                "validitydecision": 4,
                # Per task: opened (applicant, 2 bidders), result (applicant, candidate, other).
                "notification": 12,
            },
        },
    ),
    "bidding.expire_explanations": Scenario(
        explanations_due,
        {
            "audit": {"bid.validity_decided": 1, "bid.validity_final": 1, "task.fail": 1},
            "rows": {},
        },
    ),
    "bidding.lapse_invitations": Scenario(
        invitations_due, {"audit": {"invitation.lapsed": 2}, "rows": {}}
    ),
    "bidding.finalize_awards": Scenario(
        awards_due,
        {
            "audit": {"task.award": 2},
            # Each award notifies its agency, the applicant and the other bidder.
            "rows": {"contract": 2, "notification": 6},
        },
    ),
    "bidding.record_lapsed_objections": Scenario(
        lapses_due, {"audit": {"objection.lapsed": 2}, "rows": {}}
    ),
    "bidding.signing_limits": Scenario(
        signing_limits_due,
        {
            "audit": {
                "contract.abandoned": 1,
                "task.abandon_award": 1,
                "award.handed_over": 1,
                "applicant.recorded": 1,
            },
            # The next candidate, and notices to it and the applicant; the late applicant's record;
            # the abandoning agency's credit event and its new standing's snapshot.
            "rows": {
                "award": 1,
                "notification": 2,
                "applicantrecord": 1,
                "creditevent": 1,
                "creditsnapshot": 1,
            },
        },
    ),
    # The agency and the applicant of the first contract, the applicant of the second.
    "bidding.signing_reminders": Scenario(
        reminders_due, {"audit": {}, "rows": {"notification": 3}}
    ),
    # Delivered on time and accepted by silence: the agency's on-time credit event and snapshot.
    "bidding.accept_silently": Scenario(
        silence_due,
        {
            "audit": {"task.accept": 1},
            "rows": {"notification": 1, "creditevent": 1, "creditsnapshot": 1},
        },
    ),
    "bidding.record_late_payments": Scenario(
        late_payment_due,
        {
            "audit": {"contract.payment_overdue": 1},
            "rows": {"notification": 2, "applicantrecord": 1},
        },
    ),
    "bidding.close_accepted_tasks": Scenario(closing_due, {"audit": {"task.close": 1}, "rows": {}}),
    # The rating published, the agency's credit event, the notice to both sides' members.
    "ratings.publish_ratings": Scenario(
        ratings_due,
        {"audit": {"rating.publish": 1}, "rows": {"creditevent": 1, "notification": 2}},
    ),
    # The lapsing agency's new standing: one snapshot (and its search document, replaced).
    "ratings.refresh_credit": Scenario(credit_due, {"audit": {}, "rows": {"creditsnapshot": 1}}),
    # The refund posted (Stripe debited, escrow credited back) and the agency told of it.
    "escrow.retry_refunds": Scenario(
        refunds_due,
        {
            "audit": {"ledger.posted": 1},
            "rows": {"ledgertransaction": 1, "ledgerentry": 2, "notification": 1},
        },
    ),
    # One notice ahead of expiry, one removal proposed; each agency's member told.
    "ratings.exits_daily": Scenario(
        exits_due,
        {
            "audit": {"exits.expiry_notice": 1, "exits.removal_proposed": 1},
            "rows": {"exitnotice": 1, "exitaction": 1, "notification": 2},
        },
    ),
    # December's roll: its entry, the three other agencies' monthly grades, the notice of entry.
    "ratings.honour_roll": Scenario(
        honour_due,
        {
            "audit": {"honour.published": 1, "honour.entered": 1},
            "rows": {"honourroll": 1, "honourentry": 1, "honourgrade": 3, "notification": 1},
        },
    ),
    "notifications.mail": Scenario(
        mail_due, {"audit": {}, "rows": {}, "notifications mailed": 6}, extra=mailed
    ),
    "audit.publish_checkpoint": Scenario(
        checkpoint_due, {"audit": {}, "rows": {"auditcheckpoint": 1}}
    ),
    "search.outbox": Scenario(
        outbox_due, {"audit": {}, "rows": {}, "outbox rows done": 3}, extra=outbox_done
    ),
}


class RecordingEngine:
    """Stands in for Meilisearch, recording every document sent."""

    def __init__(self):
        self.lock, self.sent = threading.Lock(), []

    def ensure_settings(self, spec) -> None:
        pass

    def put_many(self, spec, docs) -> None:
        self.sent += [(spec.name, d.id) for d in docs]

    def delete_many(self, spec, ids) -> None:
        self.sent += [(spec.name, f"-{i}") for i in ids]


@dataclass(frozen=True)
class RecordingConfig(MeiliConfig):
    recorder: RecordingEngine = None

    def engine(self) -> RecordingEngine:
        return self.recorder


def snapshot(db: Session) -> dict:
    """Every row of every table, in primary-key order."""
    db.flush()
    rows = {}
    for table in SQLModel.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [tuple(r) for r in db.execute(select(table).order_by(*order))]
    return rows


def audit_actions(db: Session) -> Counter:
    return Counter(db.exec(select(AuditEvent.action)).all())


def test_every_registered_sweep_has_a_scenario(app):
    missing = sorted(set(app.extensions["market.sweeps"]) - set(SCENARIOS))
    assert not missing, (
        f"no idempotency scenario for the sweep(s) {missing}: add one to SCENARIOS in "
        "tests/bidding/test_every_sweep_once.py (what is due for it, and what acting once changes)"
    )
    assert not set(SCENARIOS) - set(app.extensions["market.sweeps"]), "a scenario for no sweep"


@pytest.fixture
def meilisearch(app):
    """A recording stand-in for Meilisearch, for the outbox's scenario only."""
    database = app.extensions["market.db"]
    engine = RecordingEngine()
    config = RecordingConfig("http://meilisearch.invalid", "", "zjm_", 1.0, engine)
    previous = search.use(database, search.SearchPort(config))
    yield engine
    search.use(database, previous)


@pytest.mark.parametrize("late", [False, True], ids=["on time", "a day late"])
@pytest.mark.parametrize("sweep_id", sorted(SCENARIOS))
def test_a_sweep_run_twice_or_a_day_late_acts_once(sweep_id, late, app, world, db, request):
    scenario = SCENARIOS[sweep_id]
    if sweep_id == "search.outbox":
        engine = request.getfixturevalue("meilisearch")
    sweep = app.extensions["market.sweeps"][sweep_id]
    with app.app_context():
        due = scenario.arrange(world, db)
    db.commit()
    world.frozen.set(due + (LATE if late else timedelta(0)))
    before, before_audit = snapshot(db), audit_actions(db)

    with app.app_context():  # as the scheduler runs each sweep (`market.jobs.run_sweep`)
        sweep.func(db)
        db.commit()
        once = snapshot(db)
        sweep.func(db)
        db.commit()

    assert snapshot(db) == once, "the second run changed something"
    added = {
        name: len(once[name]) - len(before[name])
        for name in once
        if len(once[name]) != len(before[name]) and name not in ("auditevent", "audithead")
    }
    effect = {"audit": dict(audit_actions(db) - before_audit), "rows": added}
    effect |= scenario.extra(db)
    assert effect == scenario.effect
    if sweep_id == "search.outbox":
        assert len(engine.sent) == len(set(engine.sent)) == 3  # each document sent once
