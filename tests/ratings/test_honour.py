"""The honour roll (docs/rules.md §6): six months of grade A, five contracts accepted for three
applicants in 24 months, no misconduct record nor upheld conduct complaint in 24 months; one roll a
month, entries with their numbers, the organization's run, notified and audited."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from market.models import AuditEvent, Notification, Organization, User
from market.policy import registry_of
from ratings import credit_events, honour
from ratings.credit import add_months
from ratings.honour_notifying import ENTERED, LEFT
from ratings.models import HonourEntry, HonourGrade, HonourRoll
from ratings.models.credit import COMMENDATION, ON_TIME
from tests.ratings.honour_support import (
    AS_OF,
    DECEMBER,
    SWEEP_AT,
    WINDOW_FROM,
    Facts,
    all_a,
    months_before,
    qualified,
)


def publish(app, db, frozen, at=SWEEP_AT) -> int:
    frozen.set(at)
    acted = honour.publish_roll(db, registry_of(app))
    db.commit()
    return acted


def on_roll(db, month: date = DECEMBER) -> set[int]:
    roll = db.exec(select(HonourRoll).where(HonourRoll.month == month)).one()
    return set(db.exec(select(HonourEntry.agency_id).where(HonourEntry.roll_id == roll.id)))


def kinds(db, org_id) -> list[str]:
    """The honour kinds notified to the organization's members, in order."""
    members = select(User.id).where(User.organization_id == org_id)
    return list(
        db.exec(
            select(Notification.kind)
            .where(Notification.kind.in_([ENTERED, LEFT]), Notification.user_id.in_(members))
            .order_by(Notification.id)
        )
    )


def test_an_agency_meeting_every_condition_enters_with_its_numbers(app, world, db, frozen):
    facts = Facts(world, db)
    agency = world.agency().organization_id
    qualified(facts, agency)
    assert publish(app, db, frozen) == 1
    assert on_roll(db) == {agency}
    entry = db.exec(select(HonourEntry).where(HonourEntry.agency_id == agency)).one()
    assert entry.since == DECEMBER
    assert entry.numbers == {
        "grades": {m.isoformat()[:7]: "A" for m in months_before(DECEMBER, 6)},
        "contracts_accepted": 5,
        "applicants": 3,
        "misconduct_records": 0,
        "upheld_conduct_complaints": 0,
        "window_from": WINDOW_FROM.isoformat(),
        "as_of": AS_OF.isoformat(),
    }
    assert WINDOW_FROM.isoformat() == "2024-12-01T00:00:00+08:00"
    roll = db.exec(select(HonourRoll)).one()
    assert (roll.month, roll.as_of, roll.published_at) == (DECEMBER, AS_OF, SWEEP_AT)
    assert roll.rule == {
        "grade_a_months": 6,
        "min_contracts": 5,
        "min_applicants": 3,
        "window_months": 24,
    }
    assert db.get(Organization, agency, populate_existing=True).honour_roll_since == DECEMBER
    assert kinds(db, agency) == [ENTERED]
    actions = [
        (e.action, e.object_id)
        for e in db.exec(select(AuditEvent).where(AuditEvent.action.like("honour.%")))
    ]
    assert actions == [("honour.published", "2026-12"), ("honour.entered", str(agency))]


def test_five_months_of_a_or_a_b_in_the_middle_is_not_enough(app, world, db, frozen):
    facts = Facts(world, db)
    five, middle_b, six = (world.agency().organization_id for _ in range(3))
    facts.grades(five, all_a(count=5))
    facts.grades(middle_b, {**all_a(), date(2026, 9, 1): "B"})
    facts.grades(six, all_a())
    for agency in (five, middle_b, six):
        facts.contracts(agency, 5, 3, AS_OF - timedelta(days=1))
    publish(app, db, frozen)
    assert on_roll(db) == {six}


def test_four_contracts_or_two_applicants_are_not_enough(app, world, db, frozen):
    facts = Facts(world, db)
    four, two_applicants, enough = (world.agency().organization_id for _ in range(3))
    for agency in (four, two_applicants, enough):
        facts.grades(agency, all_a())
    facts.contracts(four, 4, 3, AS_OF - timedelta(days=1))
    facts.contracts(two_applicants, 6, 2, AS_OF - timedelta(days=1))
    facts.contracts(enough, 5, 3, AS_OF - timedelta(days=1))
    publish(app, db, frozen)
    assert on_roll(db) == {enough}


def test_a_contract_counts_from_the_first_moment_of_the_24_months(app, world, db, frozen):
    facts = Facts(world, db)
    inside, outside = world.agency().organization_id, world.agency().organization_id
    for agency, fifth_at in ((inside, WINDOW_FROM), (outside, WINDOW_FROM - timedelta(seconds=1))):
        facts.grades(agency, all_a())
        facts.contracts(agency, 4, 3, AS_OF - timedelta(days=1))
        facts.contract_accepted(agency, facts.applicant(0), fifth_at)
    publish(app, db, frozen)
    assert on_roll(db) == {inside}


def test_a_misconduct_record_24_months_ago_keeps_it_off_unless_repaired(app, world, db, frozen):
    facts = Facts(world, db)
    at_edge, before_edge, repaired, complained, complained_before = (
        world.agency().organization_id for _ in range(5)
    )
    for agency in (at_edge, before_edge, repaired, complained, complained_before):
        qualified(facts, agency)
    facts.misconduct(at_edge, WINDOW_FROM)
    facts.misconduct(before_edge, WINDOW_FROM - timedelta(seconds=1))
    facts.misconduct(repaired, AS_OF - timedelta(days=200), repaired_at=AS_OF - timedelta(days=9))
    facts.upheld_complaint(complained, WINDOW_FROM)
    facts.upheld_complaint(complained_before, WINDOW_FROM - timedelta(seconds=1))
    publish(app, db, frozen)
    assert on_roll(db) == {before_edge, repaired, complained_before}
    entry = db.exec(select(HonourEntry).where(HonourEntry.agency_id == at_edge)).first()
    assert entry is None


def test_a_second_run_in_the_same_month_changes_nothing(app, world, db, frozen):
    facts = Facts(world, db)
    agency = world.agency().organization_id
    qualified(facts, agency)
    assert publish(app, db, frozen) == 1
    grades = db.exec(select(HonourGrade)).all()
    notified = kinds(db, agency)
    audit_count = len(db.exec(select(AuditEvent)).all())
    facts.misconduct(agency, SWEEP_AT)  # even a new fact waits for next month's roll
    db.commit()
    assert publish(app, db, frozen, SWEEP_AT + timedelta(days=20)) == 0
    assert len(db.exec(select(HonourRoll)).all()) == 1
    assert db.exec(select(HonourGrade)).all() == grades
    assert on_roll(db) == {agency}
    assert kinds(db, agency) == notified
    assert len(db.exec(select(AuditEvent)).all()) == audit_count
    assert db.get(Organization, agency, populate_existing=True).honour_roll_since == DECEMBER


def test_entering_leaving_and_entering_again(app, world, db, frozen):
    facts = Facts(world, db)
    agency = world.agency().organization_id
    january, february, march = (add_months(DECEMBER, n) for n in (1, 2, 3))
    qualified(facts, agency)
    facts.grades(agency, {january: "A", february: "A", march: "A"})
    publish(app, db, frozen)
    # A misconduct record in December keeps it off January's roll; repaired in January, it no
    # longer counts by February.
    record = facts.misconduct(agency, AS_OF + timedelta(days=3))
    db.commit()
    publish(app, db, frozen, honour.start_of(january) + timedelta(minutes=20))
    assert on_roll(db, january) == set()
    assert db.get(Organization, agency, populate_existing=True).honour_roll_since is None
    record.repaired_at = honour.start_of(january) + timedelta(days=10)
    db.add(record)
    db.commit()
    publish(app, db, frozen, honour.start_of(february) + timedelta(minutes=20))
    assert on_roll(db, february) == {agency}
    assert db.get(Organization, agency, populate_existing=True).honour_roll_since == february
    publish(app, db, frozen, honour.start_of(march) + timedelta(minutes=20))
    entry = db.exec(
        select(HonourEntry)
        .join(HonourRoll, HonourRoll.id == HonourEntry.roll_id)
        .where(HonourRoll.month == march)
    ).one()
    assert entry.since == february  # the run that began in February goes on
    assert kinds(db, agency) == [ENTERED, LEFT, ENTERED]
    left = db.exec(select(AuditEvent).where(AuditEvent.action == "honour.left")).one()
    assert (left.object_id, left.data) == (str(agency), {"month": "2027-01-01"})


def test_the_monthly_grade_is_computed_from_the_credit_events(app, world, db, frozen):
    graded_a, plain = world.agency().organization_id, world.agency().organization_id
    before = AS_OF - timedelta(days=10)
    for n in range(2):
        credit_events.record(db, graded_a, COMMENDATION, before, f"test:c{n}")
    for n in range(8):
        credit_events.record(db, graded_a, ON_TIME, before, f"test:o{n}", {"price_fen": 500_000})
    db.commit()
    publish(app, db, frozen)
    rows = {
        g.agency_id: (g.score_milli, g.grade)
        for g in db.exec(select(HonourGrade).where(HonourGrade.month == DECEMBER))
    }
    assert rows[graded_a] == (90_000, "A")  # 80 + 2 × 3 + 8 × 0.5
    assert rows[plain] == (80_000, "B")


def test_a_second_scheduler_computing_at_once_does_nothing(app, world, db, frozen):
    """On PostgreSQL the computation holds an advisory lock: a second scheduler's transaction
    finds it taken and acts on nothing; on SQLite the second transaction waits (IMMEDIATE) and
    then finds the roll, as `test_a_second_run_in_the_same_month_changes_nothing` shows."""
    facts = Facts(world, db)
    qualified(facts, world.agency().organization_id)
    db.commit()
    frozen.set(SWEEP_AT)
    assert honour.publish_roll(db, registry_of(app)) == 1  # not committed: the lock is held
    database = app.extensions["market.db"]
    if database.dialect != "postgresql":
        assert honour.sole_publisher(db) is True
        return
    with database.engine.connect() as other_connection:
        other = Session(bind=other_connection)
        try:
            assert honour.publish_roll(other, registry_of(app)) == 0
            assert other.exec(select(HonourRoll)).all() == []
        finally:
            other.rollback()
            other.close()
    db.commit()
    assert len(db.exec(select(HonourRoll)).all()) == 1
