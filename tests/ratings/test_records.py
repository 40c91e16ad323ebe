"""Misconduct records and commendations (docs/rules.md §6): a regulator covering the agency's
region records them, each writes its credit event once; a minor record is never published; a
proposal is recorded or dismissed with a reason."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bidding.objections import services as objections
from bidding.policy import DEFAULT_POLICY as BP
from market import clock
from market.models import AuditEvent, Notification, Organization
from market.validation import Forbidden, Invalid, NotFound
from ratings import records
from ratings.credit_policy import DEFAULT_POLICY as CREDIT
from ratings.models import CreditEvent, MisconductProposal
from tests.bidding.test_awards import in_publicity

BASIS = "《中介服务管理办法》第二十条"
FACTS = "提供虚假业绩材料"


def message_of(excinfo) -> str:
    return excinfo.value.message.msgid % dict(excinfo.value.message.params)


def errors_of(excinfo) -> dict:
    return {k: [m.msgid % dict(m.params) for m in v] for k, v in excinfo.value.errors.items()}


def event_of(db, source):
    return db.exec(select(CreditEvent).where(CreditEvent.source == source)).one()


@pytest.mark.parametrize(
    ("severity", "kind"),
    [
        ("minor", "misconduct_minor"),
        ("general", "misconduct_general"),
        ("serious", "misconduct_serious"),
    ],
)
def test_a_record_writes_its_credit_event_audit_and_notice(world, db, make, severity, kind):
    agency = world.agency()
    row = records.record_misconduct(
        db, world.regulator, agency.organization_id, severity, BASIS, FACTS
    )
    db.commit()
    event = event_of(db, f"misconduct:{row.id}")
    assert (event.agency_id, event.kind, event.at) == (agency.organization_id, kind, clock.now())
    audit = db.exec(select(AuditEvent).where(AuditEvent.action == "misconduct.recorded")).one()
    if severity == "minor":  # the audit log is public: a minor record's details stay out
        assert audit.data == {"record": row.id, "severity": "minor", "proposal": None}
    else:
        assert audit.data["facts"] == FACTS and audit.data["legal_basis"] == BASIS
    kinds = db.exec(select(Notification.kind).where(Notification.user_id == agency.id)).all()
    # A serious record's −40 points also enter grade D and a score below 50 (ratings.exits).
    exits = ["exits.warning", "exits.suspended_score"] if severity == "serious" else []
    assert kinds == [*exits, f"ratings.misconduct_{severity}"]


def test_minor_records_are_seen_only_by_the_agency_and_covering_regulators(world, db, make):
    agency = world.agency()
    org = db.get(Organization, agency.organization_id)
    minor = records.record_misconduct(db, world.regulator, org.id, "minor", BASIS, FACTS)
    general = records.record_misconduct(db, world.regulator, org.id, "general", BASIS, FACTS)
    db.commit()
    assert records.visible_records(db, None, org, CREDIT) == [general]
    assert records.visible_records(db, world.applicant, org, CREDIT) == [general]
    assert records.visible_records(db, world.agency(), org, CREDIT) == [general]
    beijing = make.staff("regulator", region_prefixes=["11"])
    assert records.visible_records(db, beijing, org, CREDIT) == [general]
    assert records.visible_records(db, agency, org, CREDIT) == [general, minor]
    assert records.visible_records(db, world.regulator, org, CREDIT) == [general, minor]


def test_a_regulator_outside_the_region_is_refused(world, db, make):
    agency = world.agency()
    beijing = make.staff("regulator", region_prefixes=["11"])
    expected = "Only a regulator whose jurisdiction covers this agency's region may do this."
    with pytest.raises(Forbidden) as refused:
        records.record_misconduct(db, beijing, agency.organization_id, "general", BASIS, FACTS)
    assert message_of(refused) == expected
    with pytest.raises(Forbidden) as refused:
        records.commend(db, beijing, agency.organization_id, "表现突出")
    assert message_of(refused) == expected
    for user in (agency, world.applicant):
        with pytest.raises(Forbidden) as refused:
            records.record_misconduct(db, user, agency.organization_id, "general", BASIS, FACTS)
        assert message_of(refused) == "Only a regulator may do this."
        with pytest.raises(Forbidden) as refused:
            records.commend(db, user, agency.organization_id, "表现突出")
        assert message_of(refused) == "Only a regulator may do this."


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("agency_id", None, "This field is required."),
        ("agency_id", "abc", "No such agency."),
        ("agency_id", 999999, "No such agency."),
        ("severity", None, "This field is required."),
        ("severity", "grave", "Choose minor, general or serious."),
        ("legal_basis", "", "This field is required."),
        ("legal_basis", "字" * 1001, "At most 1000 characters (you gave 1001)."),
        ("facts", " ", "This field is required."),
        ("facts", "字" * 5001, "At most 5000 characters (you gave 5001)."),
    ],
)
def test_a_bad_record_is_refused(world, db, make, field, value, expected):
    agency = world.agency()
    data = {
        "agency_id": agency.organization_id,
        "severity": "general",
        "legal_basis": BASIS,
        "facts": FACTS,
    }
    data[field] = value
    with pytest.raises(Invalid) as refused:
        records.record_misconduct(db, world.regulator, **data)
    assert errors_of(refused) == {field: [expected]}


def test_an_applicant_is_no_agency_to_record(world, db):
    with pytest.raises(Invalid) as refused:
        records.record_misconduct(
            db, world.regulator, world.applicant.organization_id, "general", BASIS, FACTS
        )
    assert errors_of(refused) == {"agency_id": ["No such agency."]}


def test_a_commendation_writes_its_credit_event_and_is_public(world, db, make):
    agency = world.agency()
    org = db.get(Organization, agency.organization_id)
    row = records.commend(db, world.regulator, org.id, "疫情期间免费服务")
    db.commit()
    event = event_of(db, f"commendation:{row.id}")
    assert (event.kind, event.agency_id) == ("commendation", org.id)
    assert records.commendations_of(db, org) == [row]
    assert db.exec(select(Notification.kind).where(Notification.user_id == agency.id)).all() == [
        "ratings.commended"
    ]
    with pytest.raises(Invalid) as refused:
        records.commend(db, world.regulator, org.id, "")
    assert errors_of(refused) == {"reason": ["This field is required."]}


def proposed(world, db):
    task, agencies = in_publicity(world)
    row = objections.file_objection(db, agencies[1], task.number, "中选人串通报价", BP)
    objections.answer_objection(db, world.applicant, row.id, "未发现串通", BP)
    complaint = objections.file_complaint(db, agencies[1], row.id, "答复未核查", BP)
    objections.decide(
        db, world.regulator, complaint.id, "upheld", "串通属实", agencies[0].organization_id, BP
    )
    db.commit()
    return db.exec(select(MisconductProposal)).one(), agencies[0]


def test_a_proposal_is_recorded_with_its_facts(world, db):
    proposal, agency = proposed(world, db)
    records.decide_proposal(
        db, world.regulator, proposal.id, "recorded", severity="serious", legal_basis=BASIS
    )
    db.commit()
    record = records.record_of_proposal(db, proposal)
    assert (record.severity, record.facts, record.legal_basis) == ("serious", "串通属实", BASIS)
    assert (proposal.decision, proposal.decided_at) == ("recorded", clock.now())
    assert event_of(db, f"misconduct:{record.id}").kind == "misconduct_serious"
    with pytest.raises(Forbidden) as refused:
        records.decide_proposal(db, world.regulator, proposal.id, "dismissed", reason="x")
    assert message_of(refused) == "This proposal has already been decided."


def test_a_proposal_is_dismissed_with_a_reason(world, db, make):
    proposal, agency = proposed(world, db)
    beijing = make.staff("regulator", region_prefixes=["11"])
    with pytest.raises(Forbidden):
        records.decide_proposal(db, beijing, proposal.id, "dismissed", reason="证据不足")
    assert records.proposal_queue(db, beijing, "undecided")["counts"] == {
        "undecided": 0,
        "decided": 0,
    }
    assert records.proposal_queue(db, world.regulator, "undecided")["counts"] == {
        "undecided": 1,
        "decided": 0,
    }
    with pytest.raises(Invalid) as refused:
        records.decide_proposal(db, world.regulator, proposal.id, "dismissed")
    assert errors_of(refused) == {"reason": ["This field is required."]}
    with pytest.raises(Invalid) as refused:
        records.decide_proposal(db, world.regulator, proposal.id, "maybe")
    assert errors_of(refused) == {"decision": ["Choose recorded or dismissed."]}
    with pytest.raises(Invalid) as refused:
        records.decide_proposal(db, world.regulator, proposal.id, "recorded")
    assert errors_of(refused) == {
        "severity": ["This field is required."],
        "legal_basis": ["This field is required."],
    }
    records.decide_proposal(db, world.regulator, proposal.id, "dismissed", reason="证据不足")
    db.commit()
    assert (proposal.decision, proposal.dismissed_reason) == ("dismissed", "证据不足")
    assert records.record_of_proposal(db, proposal) is None
    assert db.exec(select(CreditEvent).where(CreditEvent.kind.like("misconduct%"))).all() == []
    with pytest.raises(NotFound):
        records.decide_proposal(db, world.regulator, 999999, "dismissed", reason="x")
