"""Credit repair (docs/rules.md §6): when a record may be repaired (general from 3 months, serious
from 12, minor never), one pending application per record, the covering regulator's decision
within 10 working days, a repaired record no longer counted nor published, the wait after a
refusal, and records that stop being published by themselves at 12 and 36 months."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from market import clock, holidays
from market.dashboard import Item
from market.models import AuditEvent, Notification, Organization, User
from market.validation import Forbidden, Invalid
from ratings import credit_file, records, repair
from ratings.credit import ends_at
from ratings.credit_policy import DEFAULT_POLICY as CREDIT
from ratings.models import CreditEvent, MisconductRecord
from ratings.repair_policy import DEFAULT_POLICY as POLICY

BASIS = "《中介服务管理办法》第二十条"
FACTS = "提供虚假业绩材料"
EVIDENCE = "已撤回虚假材料，完成内部整改并培训全体员工。"
COMMITMENT = "本机构承诺今后如实提供业绩材料，接受社会监督。"


def message_of(excinfo) -> str:
    return excinfo.value.message.msgid % dict(excinfo.value.message.params)


def errors_of(excinfo) -> dict:
    return {k: [m.msgid % dict(m.params) for m in v] for k, v in excinfo.value.errors.items()}


def recorded(world, db, severity="general"):
    agency = world.agency()
    row = records.record_misconduct(
        db, world.regulator, agency.organization_id, severity, BASIS, FACTS
    )
    db.commit()
    return agency, row


def apply(db, agency, record, evidence=EVIDENCE, commitment=COMMITMENT):
    row = repair.apply(db, agency, record.id, evidence, commitment, POLICY, CREDIT)
    db.commit()
    return row


def standing(db, org_id):
    return db.get(Organization, org_id, populate_existing=True).credit_score_milli


def test_a_general_record_is_repairable_from_3_months_exactly(world, db, frozen):
    agency, record = recorded(world, db)
    start = ends_at(record.decided_at, 3)
    assert start.isoformat() == "2027-02-25T00:00:00+08:00"
    frozen.set(start - timedelta(seconds=1))
    with pytest.raises(Forbidden) as refused:
        apply(db, agency, record)
    assert (
        message_of(refused) == "This record may be repaired from 2027-02-25 (00:00, Asia/Shanghai)."
    )
    frozen.set(start)
    row = apply(db, agency, record)
    assert (row.record_id, row.agency_id, row.evidence, row.commitment) == (
        record.id,
        agency.organization_id,
        EVIDENCE,
        COMMITMENT,
    )
    assert row.decide_by == holidays.load(db).add_working_days(start, 10)


def test_a_serious_record_after_12_months_and_a_minor_one_never(world, db, frozen):
    agency, serious = recorded(world, db, "serious")
    _minor_agency, minor = recorded(world, db, "minor")
    frozen.set(ends_at(serious.decided_at, 12) - timedelta(seconds=1))
    with pytest.raises(Forbidden) as early:
        apply(db, agency, serious)
    assert (
        message_of(early) == "This record may be repaired from 2027-11-25 (00:00, Asia/Shanghai)."
    )
    with pytest.raises(Forbidden) as never:
        apply(db, _minor_agency, minor)
    assert message_of(never) == (
        "A minor record cannot be repaired: it stops counting by itself on 2027-02-25 (00:00)."
    )
    frozen.set(ends_at(serious.decided_at, 12))
    assert apply(db, agency, serious).record_id == serious.id


def test_one_pending_application_and_what_is_required(world, db, frozen):
    agency, record = recorded(world, db)
    frozen.set(ends_at(record.decided_at, 3))
    with pytest.raises(Invalid) as empty:
        apply(db, agency, record, " ", "")
    assert errors_of(empty) == {
        "evidence": ["This field is required."],
        "commitment": ["This field is required."],
    }
    with pytest.raises(Invalid) as foreign:
        apply(db, world.agency(), record)  # another agency's record is no record of its own
    assert errors_of(foreign) == {"record_id": ["No such misconduct record of your agency."]}
    apply(db, agency, record)
    with pytest.raises(Forbidden) as twice:
        apply(db, agency, record)
    assert message_of(twice) == (
        "An application to repair this record is already waiting for a decision."
    )


def test_repaired_the_record_stops_counting_and_is_no_longer_published(world, db, frozen, make):
    agency, record = recorded(world, db)
    org_id = agency.organization_id
    assert standing(db, org_id) == 65_000  # 80 − 15
    frozen.set(ends_at(record.decided_at, 3) + timedelta(hours=1))
    row = apply(db, agency, record)
    org = db.get(Organization, org_id)
    assert records.visible_records(db, None, org, CREDIT) == [record]
    beijing = make.staff("regulator", region_prefixes=["11"])
    with pytest.raises(Forbidden) as elsewhere:
        repair.decide(db, beijing, row.id, "repaired", "")
    assert message_of(elsewhere) == (
        "Only a regulator whose jurisdiction covers this agency's region may do this."
    )
    with pytest.raises(Invalid) as bad:
        repair.decide(db, world.regulator, row.id, "maybe", "")
    assert errors_of(bad) == {"decision": ["Choose repaired or refused."]}
    repair.decide(db, world.regulator, row.id, "repaired", "")
    db.commit()
    record = db.get(MisconductRecord, record.id, populate_existing=True)
    assert record.repaired_at == clock.now()
    event = db.exec(
        select(CreditEvent).where(CreditEvent.source == f"misconduct:{record.id}")
    ).one()
    assert event.voided_at == clock.now()
    assert standing(db, org_id) == 80_000  # the record's 15 points are back
    assert records.visible_records(db, None, org, CREDIT) == []
    assert records.visible_records(db, world.regulator, org, CREDIT) == [record]
    public = credit_file.credit_file(db, None, org_id, None, CREDIT)
    assert [line["kind"] for line in public["lines"]] == ["base", "ratings"]  # no record line
    earlier = (record.decided_at + timedelta(days=1)).isoformat()
    past = credit_file.credit_file(db, None, org_id, earlier, CREDIT)
    hidden = [line for line in past["lines"] if line["kind"] == "misconduct_general"]
    assert [(line["points_milli"], line["source"], line["at"]) for line in hidden] == [
        (-15_000, None, None)
    ]
    with pytest.raises(Forbidden) as again:
        repair.decide(db, world.regulator, row.id, "refused", "理由")
    assert message_of(again) == "This application has already been decided."
    members = select(User.id).where(User.organization_id == org_id)
    kinds = db.exec(
        select(Notification.kind).where(
            Notification.user_id.in_(members), Notification.kind.like("repair.%")
        )
    ).all()
    assert kinds == ["repair.repaired"]
    regulator_kinds = db.exec(
        select(Notification.kind).where(Notification.user_id == world.regulator.id)
    ).all()
    assert "repair.applied" in regulator_kinds
    actions = db.exec(
        select(AuditEvent.action).where(AuditEvent.action.like("repair.%")).order_by(AuditEvent.seq)
    ).all()
    assert actions == ["repair.applied", "repair.repaired"]
    decided = db.exec(select(AuditEvent).where(AuditEvent.action == "repair.repaired")).one()
    assert decided.data["commitment"] == COMMITMENT


def test_a_refusal_needs_a_reason_and_a_month_before_applying_again(world, db, frozen):
    agency, record = recorded(world, db)
    frozen.set(ends_at(record.decided_at, 3))
    row = apply(db, agency, record)
    with pytest.raises(Invalid) as no_reason:
        repair.decide(db, world.regulator, row.id, "refused", " ")
    assert errors_of(no_reason) == {"reason": ["This field is required."]}
    repair.decide(db, world.regulator, row.id, "refused", "整改证明不充分。")
    db.commit()
    assert db.get(MisconductRecord, record.id, populate_existing=True).repaired_at is None
    again_from = ends_at(clock.now(), 1)
    frozen.set(again_from - timedelta(seconds=1))
    with pytest.raises(Forbidden) as waiting:
        apply(db, agency, record)
    assert message_of(waiting) == (
        "Repair of this record was refused; you may apply again from 2027-03-25."
    )
    frozen.set(again_from)
    assert apply(db, agency, record).id != row.id


def test_the_decision_is_due_in_10_working_days_then_overdue(world, db, frozen, make):
    agency, record = recorded(world, db)
    frozen.set(ends_at(record.decided_at, 3))
    row = apply(db, agency, record)
    assert not repair.is_overdue(row, row.decide_by - timedelta(seconds=1))
    assert repair.is_overdue(row, row.decide_by)
    regulator_org = db.get(Organization, world.regulator.organization_id)
    items = repair.repair_items(world.regulator, session=db, org=regulator_org)
    org = db.get(Organization, agency.organization_id)
    assert items == [
        Item(
            "repair_application",
            "Decide %(agency)s's credit repair application",
            "repair.application_page",
            args={"application_id": row.id},
            due_at=row.decide_by,
            params={"agency": org.name},
        )
    ]
    beijing = make.staff("regulator", region_prefixes=["11"])
    assert (
        repair.repair_items(beijing, session=db, org=db.get(Organization, beijing.organization_id))
        == []
    )
    assert repair.repair_items(agency, session=db, org=org) == []
    frozen.set(row.decide_by)
    queue = repair.queue(db, world.regulator, "pending")
    assert [(a.id, repair.is_overdue(a, clock.now())) for a, _r, _o in queue["rows"]] == [
        (row.id, True)
    ]


@pytest.mark.parametrize(("severity", "months"), [("general", 12), ("serious", 36)])
def test_a_record_stops_being_published_at_its_maximum_period(world, db, frozen, severity, months):
    agency, record = recorded(world, db, severity)
    org = db.get(Organization, agency.organization_id)
    until = ends_at(record.decided_at, months)
    frozen.set(until - timedelta(seconds=1))
    assert records.visible_records(db, None, org, CREDIT) == [record]
    frozen.set(until)
    assert records.visible_records(db, None, org, CREDIT) == []
    assert records.visible_records(db, agency, org, CREDIT) == [record]
    assert records.visible_records(db, world.regulator, org, CREDIT) == [record]
    with pytest.raises(Forbidden) as late:
        apply(db, agency, record)
    assert message_of(late) == (
        f"This record no longer counts nor is published since {until.date().isoformat()}: "
        "nothing to repair."
    )
