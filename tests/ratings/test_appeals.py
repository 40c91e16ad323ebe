"""Appeals against ratings (docs/rules.md §6): the rated side appeals a published rating once,
within 10 working days of its publication; a regulator covering the task upholds it or voids it,
and a voided rating stops counting (its credit event is voided) while staying visible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from market import clock, holidays
from market.models import AuditEvent, Notification, Organization
from market.validation import Forbidden, Invalid, NotFound
from ratings import appeals
from ratings.models import CreditEvent
from ratings.policy import DEFAULT_POLICY
from tests.bidding.contract_support import signed_contract_for_tests
from tests.ratings.review_support import published_rating, rated_contract

P = DEFAULT_POLICY


def message_of(excinfo) -> str:
    return excinfo.value.message.msgid % dict(excinfo.value.message.params)


def errors_of(excinfo) -> dict:
    return {k: [m.msgid % dict(m.params) for m in v] for k, v in excinfo.value.errors.items()}


def test_the_rated_agency_appeals_within_the_period_and_the_boundary_refuses(world, db, frozen):
    regulator = world.regulator  # covering the task when the appeal is filed: it is told
    signed, rating = rated_contract(world, db, frozen)
    due = appeals.appeal_due(db, rating, P)
    assert due == holidays.load(db).add_working_days(rating.published_at, 10)
    frozen.set(due)
    with pytest.raises(Forbidden) as refused:
        appeals.file_appeal(db, signed.agency, rating.id, "评价与事实不符", P)
    assert message_of(refused) == "The appeal period of this rating is over."
    frozen.set(due - timedelta(microseconds=1))
    row = appeals.file_appeal(db, signed.agency, rating.id, "评价与事实不符", P)
    assert row.reason == "评价与事实不符"
    assert row.appellant_org_id == signed.agency.organization_id
    assert row.filed_at == clock.now()
    assert row.decide_by > row.filed_at
    db.commit()
    assert db.exec(
        select(AuditEvent.action).where(AuditEvent.action == "rating.appealed")
    ).all() == ["rating.appealed"]
    told = db.exec(select(Notification).where(Notification.kind == "ratings.appeal_filed")).all()
    assert [(n.user_id, n.data["appeal_id"]) for n in told] == [(regulator.id, row.id)]
    assert not db.exec(
        select(Notification).where(
            Notification.kind == "ratings.appeal_filed", Notification.user_id == signed.agency.id
        )
    ).all()


def test_a_rating_is_appealed_once(world, db, frozen):
    signed, rating = rated_contract(world, db, frozen)
    appeals.file_appeal(db, signed.agency, rating.id, "不实", P)
    with pytest.raises(Forbidden) as refused:
        appeals.file_appeal(db, signed.agency, rating.id, "再次申诉", P)
    assert message_of(refused) == (
        "This rating has already been appealed; a rating is appealed once."
    )


def test_only_the_rated_side_appeals_and_a_hidden_rating_is_not_found(world, db, frozen):
    signed, rating = rated_contract(world, db, frozen)
    for other in (signed.applicant, signed.others[0], world.regulator):
        with pytest.raises(Forbidden) as refused:
            appeals.file_appeal(db, other, rating.id, "不实", P)
        assert message_of(refused) == "Only the rated side may appeal this rating."
    rating.published_at = None
    db.add(rating)
    db.commit()
    with pytest.raises(NotFound):
        appeals.file_appeal(db, signed.agency, rating.id, "不实", P)
    for bad in ("abc", 0, 2**31, None):
        with pytest.raises(NotFound):
            appeals.file_appeal(db, signed.agency, bad, "不实", P)


def test_the_applicant_appeals_the_agencys_rating_of_it(world, db, frozen):
    signed = signed_contract_for_tests(world, db, frozen)
    rating = published_rating(db, signed, by_applicant=False)
    row = appeals.file_appeal(db, signed.applicant, rating.id, "我方按时付款", P)
    assert row.appellant_org_id == signed.applicant.organization_id


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (None, "This field is required."),
        ("   ", "This field is required."),
        ("字" * 2001, "At most 2000 characters (you gave 2001)."),
        (12, "Must be text."),
        ("a\x00b", "Contains control characters."),
    ],
)
def test_a_bad_reason_is_refused(world, db, frozen, reason, expected):
    signed, rating = rated_contract(world, db, frozen)
    with pytest.raises(Invalid) as refused:
        appeals.file_appeal(db, signed.agency, rating.id, reason, P)
    assert errors_of(refused) == {"reason": [expected]}


def test_a_reason_of_2000_characters_is_taken(world, db, frozen):
    signed, rating = rated_contract(world, db, frozen)
    assert len(appeals.file_appeal(db, signed.agency, rating.id, "字" * 2000, P).reason) == 2000


def test_voiding_stops_the_rating_counting_and_keeps_it_visible(world, db, frozen):
    signed, rating = rated_contract(world, db, frozen)
    appeal = appeals.file_appeal(db, signed.agency, rating.id, "评价与事实不符", P)
    frozen.advance(days=1)
    appeals.decide(db, world.regulator, appeal.id, "voided", "评价所述延误系申请人原因")
    db.commit()
    db.refresh(rating)
    assert rating.voided_at == clock.now()
    assert rating.void_reason == "评价所述延误系申请人原因"
    event = db.exec(select(CreditEvent).where(CreditEvent.source == f"rating:{rating.id}")).one()
    assert event.voided_at == clock.now()
    agency = db.get(Organization, signed.agency.organization_id)
    assert appeals.received_ratings(db, agency) == [(rating, signed.task)]
    assert db.exec(
        select(AuditEvent.action).where(AuditEvent.action == "rating.appeal_decided")
    ).all() == ["rating.appeal_decided"]
    kinds = db.exec(select(Notification.kind).where(Notification.user_id == signed.agency.id)).all()
    assert "ratings.appeal_voided" in kinds
    with pytest.raises(Forbidden) as refused:
        appeals.decide(db, world.regulator, appeal.id, "upheld", "再议")
    assert message_of(refused) == "This appeal has already been decided."
    with pytest.raises(Forbidden) as refused:
        appeals.file_appeal(db, signed.agency, rating.id, "再次", P)
    assert message_of(refused) == "This rating is already voided."


def test_upholding_keeps_the_rating_counting(world, db, frozen):
    signed, rating = rated_contract(world, db, frozen)
    appeal = appeals.file_appeal(db, signed.agency, rating.id, "不实", P)
    appeals.decide(db, world.regulator, appeal.id, "upheld", "评价有据")
    db.commit()
    db.refresh(rating)
    assert rating.voided_at is None
    event = db.exec(select(CreditEvent).where(CreditEvent.source == f"rating:{rating.id}")).one()
    assert event.voided_at is None
    assert appeal.decision == "upheld" and appeal.decision_reason == "评价有据"


def test_a_regulator_outside_the_jurisdiction_is_refused_and_sees_nothing(world, db, frozen, make):
    signed, rating = rated_contract(world, db, frozen)
    appeal = appeals.file_appeal(db, signed.agency, rating.id, "不实", P)
    beijing = make.staff("regulator", region_prefixes=["11"])
    with pytest.raises(Forbidden) as refused:
        appeals.decide(db, beijing, appeal.id, "voided", "理由")
    assert message_of(refused) == (
        "Only a regulator whose jurisdiction covers this rating's task may do this."
    )
    assert appeals.queue(db, beijing, "undecided") == {
        "state": "undecided",
        "counts": {"undecided": 0, "decided": 0},
        "rows": [],
    }
    found = appeals.queue(db, world.regulator, "undecided")
    assert found["counts"] == {"undecided": 1, "decided": 0}
    assert found["rows"] == [(appeal, rating, signed.task)]
    with pytest.raises(Forbidden) as refused:
        appeals.queue(db, signed.agency, "undecided")
    assert message_of(refused) == "Only a regulator may do this."


@pytest.mark.parametrize(
    ("decision", "reason", "expected"),
    [
        (None, "理由", {"decision": ["This field is required."]}),
        ("maybe", "理由", {"decision": ["Choose upheld or voided."]}),
        ("voided", "", {"reason": ["This field is required."]}),
        ("upheld", "字" * 2001, {"reason": ["At most 2000 characters (you gave 2001)."]}),
    ],
)
def test_a_bad_decision_is_refused(world, db, frozen, decision, reason, expected):
    signed, rating = rated_contract(world, db, frozen)
    appeal = appeals.file_appeal(db, signed.agency, rating.id, "不实", P)
    with pytest.raises(Invalid) as refused:
        appeals.decide(db, world.regulator, appeal.id, decision, reason)
    assert errors_of(refused) == expected


def test_the_queue_is_oldest_first_with_overdue_marked(world, db, frozen):
    signed, rating = rated_contract(world, db, frozen)
    appeal = appeals.file_appeal(db, signed.agency, rating.id, "不实", P)
    assert not appeals.is_overdue(appeal, clock.now())
    frozen.set(appeal.decide_by)
    assert appeals.is_overdue(appeal, clock.now())
    appeals.decide(db, world.regulator, appeal.id, "upheld", "评价有据")
    assert not appeals.is_overdue(appeal, clock.now())
    found = appeals.queue(db, world.regulator, "decided")
    assert found["counts"] == {"undecided": 0, "decided": 1}
