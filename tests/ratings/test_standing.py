"""An agency's standing follows its credit events (docs/rules.md §6): bidding's facts become
events, each event updates that agency's score, grade and search document in the same transaction,
and the daily sweep and the full recomputation agree with it."""

from __future__ import annotations

import os
import random
from datetime import timedelta

from flask import current_app
from sqlmodel import select

from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.policy import DEFAULT_POLICY as BIDDING
from market import clock, search
from market.models import Organization
from market.policy import registry_of
from market.search.registry import Query
from ratings import credit_events, signals, standing
from ratings.credit import ends_at
from ratings.credit_policy import DEFAULT_POLICY
from ratings.models.credit import (
    ABANDONED,
    COMMENDATION,
    KINDS,
    LATE,
    MISCONDUCT_MINOR,
    ON_TIME,
    RATING,
    TERMINATED_FAULT,
    CreditEvent,
    CreditSnapshot,
)
from tests.bidding.contract_support import (
    awarded,
    deliver_for_tests,
    signed_contract_for_tests,
)


def events(db, org_id):
    rows = db.exec(select(CreditEvent).where(CreditEvent.agency_id == org_id)).all()
    return sorted((row.kind, row.source) for row in rows)


def standing_of(db, org_id):
    org = db.get(Organization, org_id, populate_existing=True)
    return org.credit_score_milli, org.grade


def upload_dir():
    return current_app.config["UPLOAD_DIR"]


def test_an_on_time_delivery_accepted_earns_half_a_point(app, world, db, frozen):
    with app.app_context():
        signed = signed_contract_for_tests(world, db, frozen)
        row = deliver_for_tests(db, signed, upload_dir())
        agency = signed.agency.organization_id
        assert events(db, agency) == []
        delivery.accept(db, signed.applicant, row.id, "验收合格。", BIDDING)
        db.commit()
    assert events(db, agency) == [(ON_TIME, f"contract:{signed.contract.id}:on_time")]
    assert standing_of(db, agency) == (80_500, "B")
    org = db.get(Organization, agency)
    assert org.credit_computed_at == clock.now()
    snapshots = db.exec(select(CreditSnapshot).where(CreditSnapshot.agency_id == agency)).all()
    assert [(s.score_milli, s.grade, s.at) for s in snapshots] == [(80_500, "B", clock.now())]


def test_a_late_delivery_costs_two_points_and_earns_nothing_at_acceptance(app, world, db, frozen):
    with app.app_context():
        signed = signed_contract_for_tests(world, db, frozen)
        frozen.set(signed.contract.due_at + timedelta(seconds=1))
        row = deliver_for_tests(db, signed, upload_dir())
        agency = signed.agency.organization_id
        assert events(db, agency) == [(LATE, f"contract:{signed.contract.id}:late")]
        assert standing_of(db, agency) == (78_000, "B")
        delivery.accept(db, signed.applicant, row.id, "验收合格。", BIDDING)
        db.commit()
    assert events(db, agency) == [(LATE, f"contract:{signed.contract.id}:late")]


def test_an_abandoned_award_costs_its_agency_ten_points(world, db, frozen):
    task, agencies, contract = awarded(world)
    frozen.set(contract.sign_by)
    assert contracts.enforce_signing_limits(db, BIDDING) == 1
    db.commit()
    first = agencies[0].organization_id
    assert [kind for kind, _ in events(db, first)] == [ABANDONED]
    assert standing_of(db, first) == (70_000, "C")
    assert events(db, agencies[1].organization_id) == []


def test_a_termination_for_the_agencys_fault_costs_ten_points(app, world, db, frozen):
    with app.app_context():
        agency_fault = signed_contract_for_tests(world, db, frozen)
        applicant_fault = signed_contract_for_tests(world, db, frozen)
    contracts.terminate_by_regulator(
        db, world.regulator, agency_fault.contract.id, "严重违约", "agency"
    )
    contracts.terminate_by_regulator(
        db, world.regulator, applicant_fault.contract.id, "拖欠款项", "applicant"
    )
    db.commit()
    assert events(db, agency_fault.agency.organization_id) == [
        (TERMINATED_FAULT, f"contract:{agency_fault.contract.id}:terminated")
    ]
    assert standing_of(db, agency_fault.agency.organization_id) == (70_000, "C")
    assert events(db, applicant_fault.agency.organization_id) == []


def test_the_directory_sorts_by_the_standing(world, db):
    low, high = world.agency(), world.agency()
    credit_events.record(db, low.organization_id, MISCONDUCT_MINOR, clock.now(), "m:1")
    credit_events.record(db, high.organization_id, COMMENDATION, clock.now(), "c:1")
    db.commit()
    results = search.search(db, "agencies", Query(sort="credit", per_page=100))
    ranked = [int(hit.id) for hit in results.hits]
    assert ranked.index(high.organization_id) < ranked.index(low.organization_id)
    graded = search.search(db, "agencies", Query(filters={"grade": ["B"]}, per_page=100))
    assert {high.organization_id, low.organization_id} <= {int(h.id) for h in graded.hits}


def test_a_voided_event_stops_counting_and_the_standing_follows(world, db):
    agency = world.agency().organization_id
    credit_events.record(db, agency, LATE, clock.now(), "contract:99:late")
    assert standing_of(db, agency) == (78_000, "B")
    credit_events.void(db, "contract:99:late")
    assert standing_of(db, agency) == (80_000, "B")
    snapshots = db.exec(select(CreditSnapshot).where(CreditSnapshot.agency_id == agency)).all()
    assert [s.score_milli for s in snapshots] == [78_000, 80_000]


def test_the_sweep_writes_only_what_time_changed(app, world, db, frozen):
    agency = world.agency().organization_id
    credit_events.record(db, agency, MISCONDUCT_MINOR, clock.now(), "misconduct:7")
    db.commit()
    registry = registry_of(app)
    assert standing.refresh_due(db, registry) == 0
    frozen.set(ends_at(clock.now(), 3) - timedelta(microseconds=1))
    assert standing.refresh_due(db, registry) == 0
    assert standing_of(db, agency) == (75_000, "B")
    frozen.set(ends_at(clock.now(), 3))
    assert standing.refresh_due(db, registry) == 1
    assert standing_of(db, agency) == (80_000, "B")


def test_each_written_change_is_announced_with_the_standing_before_and_after(
    app, world, db, frozen
):
    agency = world.agency().organization_id
    heard = []

    def listen(agency_id, *, before, after, at, **_ignored):
        heard.append((agency_id, before, after, at))

    with signals.standing_changed.connected_to(listen):
        credit_events.record(db, agency, MISCONDUCT_MINOR, clock.now(), "misconduct:7")
        db.commit()
        assert standing.refresh_due(db, registry_of(app)) == 0  # nothing changed: nothing said
        frozen.set(ends_at(clock.now(), 3))
        standing.refresh_due(db, registry_of(app))
    start = heard[0][3]
    assert heard == [
        (agency, (None, None), (75_000, "B"), start),  # never computed before
        (agency, (75_000, "B"), (80_000, "B"), ends_at(start, 3)),
    ]


#: At least 10,000 (CREDIT_EVENTS makes a quicker run while developing).
EVENTS = int(os.environ.get("CREDIT_EVENTS", "10200"))


def test_incremental_standing_equals_the_full_recomputation(app, world, db, frozen):
    """More than 10,000 events over 200 agencies, each applied as it is recorded (and some voided),
    then everything recomputed from scratch as of the same moment: no agency's standing differs."""
    rng = random.Random(11)
    agencies = [world.agency().organization_id for _ in range(200)]
    kinds = [k for k in KINDS if k != RATING]
    sources = []
    for n in range(EVENTS):
        agency = rng.choice(agencies)
        kind = rng.choice([RATING, RATING, *kinds])
        data = {"price_fen": rng.choice([50_000, 100_000, 2_000_000])}
        if kind == RATING:
            data |= {"stars": f"{rng.randrange(5, 26)}/5", "applicant_id": rng.randrange(20)}
        at = clock.now() - timedelta(days=rng.randrange(0, 900))
        credit_events.record(db, agency, kind, at, f"gen:{n}", data)
        sources.append(f"gen:{n}")
        if rng.random() < 0.05:
            credit_events.void(db, rng.choice(sources))
    db.commit()
    before = {a: standing_of(db, a) for a in agencies}
    seen, changed = standing.recompute_all(db, DEFAULT_POLICY, None)
    assert (seen, changed) == (len({a for a in agencies if before[a][0] is not None}), 0)
    assert {a: standing_of(db, a) for a in agencies} == before


def test_the_recompute_command_reports_and_changes_nothing_twice(app, world, db):
    agency = world.agency().organization_id
    credit_events.record(db, agency, COMMENDATION, clock.now(), "c:9")
    db.execute(
        Organization.__table__.update()
        .where(Organization.id == agency)
        .values(credit_score_milli=None, grade=None)
    )
    db.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["credit", "recompute"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("1 agencies with events recomputed, 1 changed")
    second = runner.invoke(args=["credit", "recompute"])
    assert second.output.startswith("1 agencies with events recomputed, 0 changed")
    assert standing_of(db, agency) == (83_000, "B")
