"""Who may bid: standing, qualifications with their professionals, exclusions and related agencies,
at submission and again at the deadline (docs/rules.md §5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bidding import eligibility, progress
from bidding.models import Bid, ValidityDecision
from market import agencies, clock, tasks
from market.models import Professional, Qualification
from market.validation import Forbidden
from market.workdays import shanghai_date
from tests.bidding.helpers import EIA_QUALIFICATION, resident_id


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("suspended_until", "suspended from bidding"),
        ("dishonest_until", "serious-dishonesty list"),
        ("removed_at", "removed from the platform"),
    ],
)
def test_an_agency_without_standing_is_refused(world, db, field, message):
    task = world.post_task()
    agency = world.agency()
    org = world.org(agency)
    when = (
        clock.now() - timedelta(days=1)
        if field == "removed_at"
        else clock.now() + timedelta(days=30)
    )
    setattr(org, field, when)
    db.add(org)
    db.commit()
    with pytest.raises(Forbidden, match=message):
        world.bid(agency, task)


def test_a_suspension_that_has_ended_no_longer_bars(world, db):
    task = world.post_task()
    agency = world.agency()
    org = world.org(agency)
    org.suspended_until = clock.now() - timedelta(seconds=1)
    db.add(org)
    assert world.bid(agency, task).version == 1


def test_a_required_qualification_must_be_declared(world):
    task = world.post_task(required_qualifications=[EIA_QUALIFICATION])
    with pytest.raises(Forbidden, match="has not declared the qualification"):
        world.bid(world.agency(), task)
    assert world.bid(world.qualified_agency(), task).version == 1


def test_an_expired_qualification_does_not_count(world, db):
    task = world.post_task(required_qualifications=[EIA_QUALIFICATION])
    agency = world.qualified_agency()
    row = db.exec(
        select(Qualification).where(Qualification.organization_id == agency.organization_id)
    ).one()
    row.valid_until = date(2026, 11, 24)  # yesterday in Shanghai
    db.add(row)
    db.commit()
    with pytest.raises(Forbidden, match="has expired"):
        world.bid(agency, task)


def test_a_qualification_the_law_ties_to_a_person_needs_a_registered_professional(world, db):
    task = world.post_task(required_qualifications=[EIA_QUALIFICATION])
    agency = world.qualified_agency()
    for p in db.exec(
        select(Professional).where(Professional.organization_id == agency.organization_id)
    ):
        db.delete(p)
    db.commit()
    with pytest.raises(Forbidden, match="register a professional"):
        world.bid(agency, task)


def test_an_excluded_agency_is_refused(world, db):
    task = world.post_task()
    agency = world.agency()
    tasks.exclude(
        db,
        world.applicant,
        task.number,
        agency.organization_id,
        "earlier_work_on_project",
        "编制了本项目的可行性研究报告。",
    )
    db.commit()
    with pytest.raises(Forbidden, match="excluded your agency"):
        world.bid(agency, task)


def grounds_by_agency(db, task) -> dict[int, tuple[bool | None, str]]:
    return {
        db.get(Bid, d.bid_id).agency_id: (d.valid, d.ground)
        for d in progress.decisions_of(db, task)
    }


def test_standing_is_checked_again_at_the_deadline(world, db):
    task = world.post_task(min_bids=1)
    suspended_later, fine = world.agency(), world.agency()
    world.bid(suspended_later, task)
    world.bid(fine, task)
    org = world.org(suspended_later)
    org.suspended_until = task.deadline_at + timedelta(days=180)
    db.add(org)
    world.shift_to(task, "opened")
    assert grounds_by_agency(db, task) == {
        suspended_later.organization_id: (False, "suspended"),
        fine.organization_id: (True, "eligible"),
    }
    decision = db.exec(select(ValidityDecision).where(ValidityDecision.valid.is_(False))).one()
    assert "suspended" in decision.messages[0]["msgid"]


def test_related_agencies_are_both_invalid_at_opening(world, db):
    """Two agencies whose legal representative's identity was verified the same after they bid:
    decided at opening, on what is on record then."""
    task = world.post_task(min_bids=1)
    a, b, c = world.agency(), world.agency(), world.agency()
    for agency in (a, b, c):
        world.bid(agency, task)
    for agency in (a, b):
        world.verify_identity(agency, resident_id(7))
    world.shift_to(task, "opened")
    related = (False, "related_legal_representative")
    assert grounds_by_agency(db, task) == {
        a.organization_id: related,
        b.organization_id: related,
        c.organization_id: (True, "eligible"),
    }


SURVEY_TASK = {"service_item": "SURVEYING-MAPPING", "title": "厂区地形图测绘"}


def surveyor(world, grade="A", **fields):
    """An agency declaring the surveying qualification at `grade` (self-declared)."""
    row = {
        "type": "surveying",
        "grade": grade,
        "scope": "工程测量",
        "certificate_no": "甲测资字001",
        "issuer": "自然资源部",
        "valid_until": "2029-12-31",
    }
    row.update(fields)
    return world.agency(qualifications=[row])


def declared(db, agency) -> Qualification:
    return db.exec(
        select(Qualification).where(Qualification.organization_id == agency.organization_id)
    ).one()


def test_a_free_text_name_never_matches_a_requirement_only_the_type_does(world, db):
    task = world.post_task(**SURVEY_TASK, required_qualifications=["surveying"])
    agency = surveyor(world)
    row = declared(db, agency)
    row.type_code, row.name = None, "测绘资质证书（相应专业类别和等级）"  # the catalog's own words
    db.add(row)
    db.commit()
    with pytest.raises(Forbidden, match="has not declared the qualification this task requires"):
        world.bid(agency, task)
    assert world.bid(surveyor(world, grade="B"), task).version == 1


@pytest.mark.parametrize(("grade", "allowed"), [("A", True), ("B", False)])
def test_the_grade_must_be_at_least_the_tasks_minimum(world, grade, allowed):
    task = world.post_task(**SURVEY_TASK, required_qualifications=["surveying:A"])
    agency = surveyor(world, grade=grade)
    if allowed:
        assert world.bid(agency, task).version == 1
    else:
        with pytest.raises(Forbidden) as exc:
            world.bid(agency, task)
        assert exc.value.message.msgid == (
            "This task requires %(name)s; the grade your agency declared does not reach it."
        )
        assert exc.value.message.params == {"name": "测绘资质（甲级及以上）"}


@pytest.mark.parametrize(
    ("days_from", "days_until", "ground"),
    [
        (0, 0, None),  # valid from today until today: in force all day
        (-400, 0, None),
        (-400, -1, "qualification_expired"),  # ended yesterday
        (1, 400, "qualification_not_yet_valid"),  # starts tomorrow
        (None, None, None),  # no dates stated
    ],
)
def test_validity_is_judged_on_the_day_with_both_ends_included(
    world, db, days_from, days_until, ground
):
    task = world.post_task(**SURVEY_TASK, required_qualifications=["surveying"])
    agency = surveyor(world)
    row = declared(db, agency)
    today = shanghai_date(clock.now())
    row.valid_from = None if days_from is None else today + timedelta(days=days_from)
    row.valid_until = None if days_until is None else today + timedelta(days=days_until)
    db.add(row)
    db.commit()
    found = eligibility.problems(db, task, world.org(agency), clock.now())
    assert [p.ground for p in found] == ([ground] if ground else [])


def test_validity_is_judged_again_on_the_deadline_day(world, db):
    task = world.post_task(**SURVEY_TASK, required_qualifications=["surveying"])
    agency = surveyor(world)
    row = declared(db, agency)
    deadline_day = shanghai_date(task.deadline_at)
    row.valid_until = deadline_day
    db.add(row)
    db.commit()
    org = world.org(agency)
    assert eligibility.problems(db, task, org, task.deadline_at) == []
    row.valid_until = deadline_day - timedelta(days=1)
    db.add(row)
    assert [p.ground for p in eligibility.problems(db, task, org, task.deadline_at)] == [
        "qualification_expired"
    ]


def test_a_self_declared_qualification_counts_and_a_rejected_one_does_not(world, db):
    task = world.post_task(**SURVEY_TASK, required_qualifications=["surveying"])
    agency = surveyor(world)
    row = declared(db, agency)
    org = world.org(agency)
    assert row.verified_at is None
    assert eligibility.problems(db, task, org, clock.now()) == []
    agencies.reject_qualification(db, world.regulator, row.id, "证书编号与全国测绘资质查询结果不符")
    (problem,) = eligibility.problems(db, task, org, clock.now())
    assert problem.ground == "qualification_rejected"
    assert problem.message.params == {
        "name": "测绘资质",
        "reason": "证书编号与全国测绘资质查询结果不符",
    }
    agencies.verify_qualification(db, world.regulator, row.id)
    assert eligibility.problems(db, task, org, clock.now()) == []


def test_a_requirement_migration_could_not_type_is_flagged_and_met_by_nobody(world, db, client):
    task = world.post_task(**SURVEY_TASK, required_qualifications=["surveying"])
    task.required_qualifications = ["surveying", "已废止的测绘资格"]  # as migration 0009 kept it
    db.add(task)
    db.commit()
    page = client.get(f"/tasks/{task.number}?lang=en").get_data(as_text=True)
    assert (
        "<dd>Surveying and mapping qualification、已废止的测绘资格 "
        '<span class="tag declared">no type: amend the task to choose it</span></dd>'
    ) in page
    (problem,) = eligibility.problems(db, task, world.org(surveyor(world)), clock.now())
    assert (problem.ground, problem.message.params) == (
        "qualification_missing",
        {"name": "已废止的测绘资格"},
    )
