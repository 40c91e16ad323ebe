"""The demo data shows every feature; here, related agencies (docs/rules.md §5) and structured
qualifications that match a task's requirement."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bidding import eligibility
from market import agencies, clock, lifecycle, outages, relations
from market.demo import (
    DEMO_DISABLED_REASON,
    DEMO_NEW_ADDRESS,
    DEMO_OUTAGE_REASON,
    DEMO_RELATION,
    DEMO_SURVEYING_TASK,
    STAFF,
    load_demo,
)
from market.models import AgencyRelation, AuditEvent, Organization, Qualification, Task, User


def test_the_demo_has_agencies_related_by_verified_identity_and_by_recorded_control(db):
    load_demo(db)
    db.flush()
    by_uscc = {
        o.uscc: o for o in db.exec(select(Organization).where(Organization.kind == "agency"))
    }
    green, ecology = by_uscc["91220101MA0Y4Q6X33"], by_uscc["91220101MA0Y8LR3Q7"]
    established, flagged = relations.related_pairs(db, [o.id for o in by_uscc.values()])
    grounds = {frozenset((p.first_id, p.second_id)): p.ground for p in established}
    assert grounds[frozenset((green.id, ecology.id))] == relations.SAME_REPRESENTATIVE
    parent, subsidiary = by_uscc[DEMO_RELATION["first_uscc"]], by_uscc[DEMO_RELATION["second_uscc"]]
    assert grounds[frozenset((parent.id, subsidiary.id))] == relations.CONTROL
    assert flagged == []
    assert db.exec(select(AgencyRelation)).one().source == "regulator"


def test_demo_data_of_an_earlier_version_gains_the_staff_added_since(db, make):
    """An instance seeded before the second and third experts existed gets them on the next run."""
    make.staff("operator", email="operator@demo.zjm")
    assert load_demo(db) == "demo data already loaded (5 staff accounts added)"
    db.flush()
    emails = set(db.exec(select(User.email).where(User.email.like("%@demo.zjm"))))
    assert emails == {s[2] for s in STAFF}
    assert load_demo(db) == "demo data already loaded"


def test_the_demo_has_an_account_disabled_by_the_operator_with_its_reason(db):
    load_demo(db)
    db.commit()  # audit events are chained at commit
    former = db.exec(select(User).where(User.email == "former-expert@demo.zjm")).one()
    assert former.disabled_at is not None
    assert former.disabled_reason == DEMO_DISABLED_REASON
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.disabled")).one()
    assert event.data == {"reason": DEMO_DISABLED_REASON}


def test_the_demo_surveying_agency_may_bid_on_the_demo_surveying_task(db):
    load_demo(db)
    db.flush()
    surveyor = db.exec(select(Organization).where(Organization.uscc == "91220102MA17X8Y2K8")).one()
    task = db.exec(select(Task).where(Task.title == DEMO_SURVEYING_TASK["title"])).one()
    assert task.required_qualifications == ["surveying:A"]
    assert lifecycle.status(task, clock.now()) == "open"
    qualification = db.exec(
        select(Qualification).where(Qualification.organization_id == surveyor.id)
    ).one()
    assert (qualification.type_code, qualification.grade) == ("surveying", "A")
    assert qualification.verified_at is not None
    assert eligibility.problems(db, task, surveyor, clock.now()) == []


def test_the_demo_shows_a_declaration_whose_type_the_agency_must_choose(db):
    load_demo(db)
    db.flush()
    geo = db.exec(select(Organization).where(Organization.uscc == "91220102MA17Y9X4P0")).one()
    task = db.exec(select(Task).where(Task.title == DEMO_SURVEYING_TASK["title"])).one()
    (row,) = agencies.qualifications_of(db, geo.id)
    assert (row.name, row.type_code, agencies.needs_type(row)) == (
        "地理信息系统工程专业资质",
        None,
        True,
    )
    assert [p.ground for p in eligibility.problems(db, task, geo, clock.now())] == [
        "qualification_missing"
    ]


def test_the_demo_agency_changed_its_profile_and_its_history_shows_it(db):
    load_demo(db)
    db.commit()
    green = db.exec(select(Organization).where(Organization.uscc == "91220101MA0Y4Q6X33")).one()
    professional, price, change = agencies.profile_history(db, green.id)
    assert (professional["action"], professional["professional"]["name"]) == (
        "agency.professional_added",
        "陈静",
    )
    assert (price["service_item"], price["changes"]) == (
        "EIA-FORM",
        {"price_max_fen": {"old": 80000_00, "new": 90000_00}},
    )
    assert change["changes"] == {
        "address": {"old": "长春市南关区人民大街 1000 号", "new": DEMO_NEW_ADDRESS}
    }
    assert change["private_changed"] == ["contact_phone"]


def test_the_demo_has_a_past_outage_notice_that_moved_nothing(db):
    load_demo(db)
    db.flush()
    [notice] = outages.notices(db)
    assert notice.reason == DEMO_OUTAGE_REASON
    assert (notice.ended_at - notice.started_at, notice.extension_wd) == (timedelta(hours=2), 1)
    assert notice.ended_at == clock.now() - timedelta(days=30)
    assert outages.moves_of(db, notice) == []
