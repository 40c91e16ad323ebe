"""The serious-dishonesty list (docs/rules.md §6): automatic and hand-made proposals, the notice
and its 10-working-day statement period, the decision, the entry's dates, lifting, the
registration check — each at its boundary, under the frozen clock (2026-11-25 10:00 Shanghai, a
Wednesday: the 10th working day after it is Wednesday 9 December)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from market import clock
from market.models import AuditEvent, Notification, Organization
from market.validation import Forbidden, Invalid, NotFound
from market.workdays import shanghai_date
from ratings import dishonesty, records
from ratings.dishonesty_policy import DEFAULT_POLICY as DP
from ratings.models import DishonestyEntry, DishonestyProposal
from ratings.signals import dishonesty_lifted, dishonesty_listed
from tests.ratings.test_records import proposed as complaint_proposal

BASIS = "《中介服务管理办法》第二十条"
LIST_BASIS = "《失信行为纠正后的信用信息修复管理办法》及本省社会信用条例第三十条"
FACTS = "与其他中介机构串通报价"
REASON = "串通报价，情节严重"
CONDITIONS = "整改完成并公开作出信用承诺"
#: 24:00 Shanghai of Wednesday 9 December 2026, the 10th working day after the frozen now.
DUE = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)


def message_of(excinfo) -> str:
    return excinfo.value.message.msgid % dict(excinfo.value.message.params)


def errors_of(excinfo) -> dict:
    return {k: [m.msgid % dict(m.params) for m in v] for k, v in excinfo.value.errors.items()}


@pytest.fixture
def announced():
    """The signals' sends, as (name, agency id, kwargs)."""
    seen = []

    def listed(sender, **kw):
        seen.append(("listed", sender, kw))

    def lifted(sender, **kw):
        seen.append(("lifted", sender, kw))

    dishonesty_listed.connect(listed)
    dishonesty_lifted.connect(lifted)
    yield seen
    dishonesty_listed.disconnect(listed)
    dishonesty_lifted.disconnect(lifted)


def proposed(world, db, agency=None):
    agency = agency or world.agency()
    row = dishonesty.propose(db, world.regulator, agency.organization_id, REASON, BASIS, FACTS, DP)
    db.commit()
    return agency, row


def listed(world, db, agency=None, *, starts_on=None, ends_on="2027-12-09"):
    """An agency listed at the end of its statement period, from that day unless told."""
    agency, proposal = proposed(world, db, agency)
    world.frozen.set(proposal.statement_due)
    starts_on = starts_on or shanghai_date(proposal.statement_due).isoformat()
    dishonesty.decide(
        db,
        world.regulator,
        proposal.id,
        "listed",
        DP,
        legal_basis=LIST_BASIS,
        starts_on=starts_on,
        ends_on=ends_on,
        removal_conditions=CONDITIONS,
    )
    db.commit()
    return agency, proposal, dishonesty.entry_of(db, proposal)


# --- automatic proposals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "collusion", "source"),
    [
        ("serious", False, "serious_record"),
        ("general", True, "collusion"),
        ("general", False, None),
        ("minor", False, None),
    ],
)
def test_a_serious_or_collusion_record_proposes_a_listing(world, db, severity, collusion, source):
    agency = world.agency()
    record = records.record_misconduct(
        db, world.regulator, agency.organization_id, severity, BASIS, FACTS, collusion
    )
    db.commit()
    rows = db.exec(select(DishonestyProposal)).all()
    if source is None:
        assert rows == []
        return
    [row] = rows
    assert (row.agency_id, row.source, row.record_id) == (agency.organization_id, source, record.id)
    assert (row.legal_basis, row.facts, row.notice_at) == (BASIS, FACTS, None)
    # Not the agency's to read until a regulator issues the notice.
    assert dishonesty.own_proposals(db, world.org(agency)) == []
    assert db.exec(select(Notification).where(Notification.kind == "dishonesty.notice")).all() == []


def test_collusion_must_be_a_boolean(world, db):
    agency = world.agency()
    with pytest.raises(Invalid) as refused:
        records.record_misconduct(
            db, world.regulator, agency.organization_id, "general", BASIS, FACTS, "yes"
        )
    assert errors_of(refused) == {"collusion": ["Must be true or false."]}


def test_the_notice_of_an_automatic_proposal_starts_the_statement_period(world, db):
    agency = world.agency()
    records.record_misconduct(db, world.regulator, agency.organization_id, "serious", BASIS, FACTS)
    db.commit()
    proposal = db.exec(select(DishonestyProposal)).one()
    with pytest.raises(Invalid) as refused:
        dishonesty.issue_notice(db, world.regulator, proposal.id, "", None, None, DP)
    assert errors_of(refused) == {"reason": ["This field is required."]}
    with pytest.raises(Forbidden) as early:
        dishonesty.decide(db, world.regulator, proposal.id, "dismissed", DP, reason="x")
    assert message_of(early) == (
        "Issue the notice first: the agency has the right to state its case."
    )
    dishonesty.issue_notice(db, world.regulator, proposal.id, REASON, None, None, DP)
    db.commit()
    assert (proposal.reason, proposal.legal_basis, proposal.facts) == (REASON, BASIS, FACTS)
    assert (proposal.notice_at, proposal.statement_due) == (clock.now(), DUE)
    [note] = db.exec(select(Notification).where(Notification.kind == "dishonesty.notice")).all()
    assert note.user_id == agency.id and note.data["due_at"] == DUE.isoformat()
    with pytest.raises(Forbidden) as twice:
        dishonesty.issue_notice(db, world.regulator, proposal.id, REASON, None, None, DP)
    assert message_of(twice) == "The notice of this proposal has already been issued."


# --- the statement ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [(DUE - timedelta(microseconds=1), True), (DUE, False), (DUE + timedelta(hours=1), False)],
)
def test_the_statement_is_taken_strictly_before_the_deadline(world, db, moment, allowed):
    agency, proposal = proposed(world, db)
    world.frozen.set(moment)
    if not allowed:
        with pytest.raises(Forbidden) as late:
            dishonesty.state_case(db, agency, proposal.id, "我方并无串通")
        assert message_of(late) == (
            "The period to state your case ended at 2026-12-09 24:00 (Asia/Shanghai)."
        )
        return
    dishonesty.state_case(db, agency, proposal.id, "我方并无串通")
    db.commit()
    assert (proposal.statement, proposal.statement_at) == ("我方并无串通", moment)
    notes = db.exec(select(Notification).where(Notification.kind == "dishonesty.statement")).all()
    assert [n.user_id for n in notes] == [world.regulator.id]
    with pytest.raises(Forbidden) as twice:
        dishonesty.state_case(db, agency, proposal.id, "补充")
    assert message_of(twice) == "Your agency has already stated its case; it is stated once."


def test_only_the_agency_states_its_case(world, db):
    _agency, proposal = proposed(world, db)
    with pytest.raises(NotFound):
        dishonesty.state_case(db, world.agency(), proposal.id, "他人代为陈述")
    with pytest.raises(Invalid) as empty:
        dishonesty.state_case(db, _agency, proposal.id, "  ")
    assert errors_of(empty) == {"statement": ["This field is required."]}


# --- the decision -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "allowed"), [(DUE - timedelta(microseconds=1), False), (DUE, True)]
)
def test_a_decision_waits_for_the_deadline(world, db, moment, allowed):
    _agency, proposal = proposed(world, db)
    world.frozen.set(moment)
    if not allowed:
        with pytest.raises(Forbidden) as early:
            dishonesty.decide(db, world.regulator, proposal.id, "dismissed", DP, reason="证据不足")
        assert message_of(early) == (
            "The agency may state its case until 2026-12-09 24:00; the proposal may be decided "
            "from then, or as soon as its statement is in (Asia/Shanghai)."
        )
        return
    dishonesty.decide(db, world.regulator, proposal.id, "dismissed", DP, reason="证据不足")
    db.commit()
    assert (proposal.decision, proposal.dismissed_reason) == ("dismissed", "证据不足")
    assert db.exec(select(DishonestyEntry)).all() == []


def test_a_statement_lets_the_decision_come_at_once(world, db):
    agency, proposal = proposed(world, db)
    dishonesty.state_case(db, agency, proposal.id, "我方并无串通")
    dishonesty.decide(db, world.regulator, proposal.id, "dismissed", DP, reason="采纳陈述")
    db.commit()
    assert proposal.decision == "dismissed"


def test_listing_requires_the_basis_dates_and_removal_conditions(world, db):
    _agency, proposal = proposed(world, db)
    world.frozen.set(DUE)
    with pytest.raises(Invalid) as refused:
        dishonesty.decide(db, world.regulator, proposal.id, "listed", DP)
    assert errors_of(refused) == {
        "legal_basis": ["This field is required."],
        "removal_conditions": ["This field is required."],
        "starts_on": ["This field is required."],
        "ends_on": ["This field is required."],
    }
    with pytest.raises(Invalid) as backwards:
        dishonesty.decide(
            db, world.regulator, proposal.id, "listed", DP, legal_basis=LIST_BASIS,
            removal_conditions=CONDITIONS, starts_on="2026-12-10", ends_on="2026-12-10",
        )  # fmt: skip
    assert errors_of(backwards) == {"ends_on": ["The end date must be after the start date."]}
    with pytest.raises(Invalid) as too_long:
        dishonesty.decide(
            db, world.regulator, proposal.id, "listed", DP, legal_basis=LIST_BASIS,
            removal_conditions=CONDITIONS, starts_on="2026-12-10", ends_on="2029-12-11",
        )  # fmt: skip
    assert errors_of(too_long) == {
        "ends_on": ["A listing lasts at most 3 years: end on 2029-12-10 or earlier."]
    }
    with pytest.raises(Invalid) as future:
        dishonesty.decide(
            db, world.regulator, proposal.id, "listed", DP, legal_basis=LIST_BASIS,
            removal_conditions=CONDITIONS, starts_on="2026-12-11", ends_on="2027-12-11",
        )  # fmt: skip
    assert errors_of(future) == {"starts_on": ["A listing starts on 2026-12-10 or earlier."]}


def test_a_listing_sets_dishonest_until_signals_audits_and_notifies(world, db, announced):
    agency, proposal, entry = listed(world, db)
    org = db.get(Organization, agency.organization_id)
    end = datetime(2027, 12, 9, 16, 0, tzinfo=UTC)  # 24:00 Shanghai of 9 December 2027
    assert (entry.starts_at, entry.ends_at) == (datetime(2026, 12, 9, 16, 0, tzinfo=UTC), end)
    assert (entry.uscc, entry.name, entry.source) == (org.uscc, org.name, "decision")
    assert entry.authority == db.get(Organization, world.regulator.organization_id).name
    assert org.dishonest_until == end
    assert [(name, sender) for name, sender, _ in announced] == [("listed", org.id)]
    assert announced[0][2]["entry"] is entry and announced[0][2]["ends_at"] == end
    audit = db.exec(select(AuditEvent).where(AuditEvent.action == "dishonesty.listed")).one()
    assert audit.data["legal_basis"] == LIST_BASIS and audit.data["ends_on"] == "2027-12-09"
    kinds = db.exec(select(Notification.kind).where(Notification.user_id == agency.id)).all()
    # the exit rules propose its removal for the listing's duration (ratings.exits)
    assert kinds == ["dishonesty.notice", "exits.removal_proposed_dishonesty", "dishonesty.listed"]


@pytest.mark.parametrize(
    ("offset", "in_force"),
    [(-timedelta(microseconds=1), True), (timedelta(0), False), (timedelta(hours=1), False)],
)
def test_an_entry_applies_until_its_end(world, db, offset, in_force):
    agency, _proposal, entry = listed(world, db, ends_on="2026-12-20")
    world.frozen.set(entry.ends_at + offset)
    task = world.post_task()
    now = clock.now()
    assert (entry in dishonesty.public_page(db, now)[0]) is in_force
    assert (dishonesty.registration_check(db, entry.uscc, now) is not None) is in_force
    if in_force:
        with pytest.raises(Forbidden, match="serious-dishonesty list"):
            world.bid(agency, task)
    else:
        assert world.bid(agency, task).version == 1


def test_listing_twice_keeps_the_later_end_and_lifting_recomputes_it(world, db, announced):
    agency, _p, first = listed(world, db, ends_on="2027-06-30")
    _agency, _q, second = listed(world, db, agency, ends_on="2027-12-31")
    org = db.get(Organization, agency.organization_id)
    assert org.dishonest_until == second.ends_at
    with pytest.raises(Invalid) as no_reason:
        dishonesty.lift(db, world.regulator, second.id, "")
    assert errors_of(no_reason) == {"reason": ["This field is required."]}
    dishonesty.lift(db, world.regulator, second.id, "已整改并作出信用承诺")
    db.commit()
    assert org.dishonest_until == first.ends_at
    dishonesty.lift(db, world.regulator, first.id, "已整改")
    db.commit()
    assert org.dishonest_until is None
    assert [name for name, _, _ in announced] == ["listed", "listed", "lifted", "lifted"]
    with pytest.raises(Forbidden) as again:
        dishonesty.lift(db, world.regulator, first.id, "再次解除")
    assert message_of(again) == "This listing is not in force."
    # Listed again after the lift: a new entry, in force again.
    _a, _r, third = listed(world, db, agency, ends_on="2027-03-31")
    assert org.dishonest_until == third.ends_at
    assert len(dishonesty.entries_of_agency(db, org.id)) == 3


def test_a_regulator_outside_the_region_is_refused(world, db, make):
    beijing = make.staff("regulator", region_prefixes=["11"])
    agency = world.agency()
    expected = "Only a regulator whose jurisdiction covers this agency's region may do this."
    with pytest.raises(Forbidden) as refused:
        dishonesty.propose(db, beijing, agency.organization_id, REASON, BASIS, FACTS, DP)
    assert message_of(refused) == expected
    _agency, proposal = proposed(world, db, agency)
    world.frozen.set(DUE)
    with pytest.raises(Forbidden) as deciding:
        dishonesty.decide(db, beijing, proposal.id, "dismissed", DP, reason="x")
    assert message_of(deciding) == expected
    with pytest.raises(Forbidden):
        dishonesty.propose(db, agency, agency.organization_id, REASON, BASIS, FACTS, DP)
    with pytest.raises(Forbidden) as queue:
        dishonesty.queue(db, agency, "to_decide", clock.now())
    assert message_of(queue) == "Only a regulator may do this."
    assert dishonesty.queue(db, beijing, "to_decide", clock.now())["rows"] == []
    dishonesty.decide(
        db, world.regulator, proposal.id, "listed", DP, legal_basis=LIST_BASIS,
        starts_on="2026-12-10", ends_on="2027-12-09", removal_conditions=CONDITIONS,
    )  # fmt: skip
    entry = dishonesty.entry_of(db, proposal)
    with pytest.raises(Forbidden) as lifting:
        dishonesty.lift(db, beijing, entry.id, "已整改")
    assert message_of(lifting) == expected
    with pytest.raises(Forbidden):
        dishonesty.lift(db, agency, entry.id, "已整改")


def test_the_registration_check_names_the_end_and_the_authority(world, db):
    agency, _p, entry = listed(world, db)
    message = dishonesty.registration_check(db, entry.uscc, clock.now())
    assert message.msgid % dict(message.params) == (
        "This USCC is on the serious-dishonesty list until 2027-12-09 (decided by "
        f"{entry.authority})."
    )
    assert dishonesty.registration_check(db, entry.uscc, entry.ends_at) is None
    assert dishonesty.registration_check(db, "91220101MA0Y4Q6X33", clock.now()) is None


def test_the_regulator_queue_is_by_state_oldest_first(world, db):
    a, first = proposed(world, db)
    world.frozen.advance(hours=1)
    b, second = proposed(world, db)
    dishonesty.state_case(db, b, second.id, "陈述")
    db.commit()
    now = clock.now()
    assert [
        p.id for p, _ in dishonesty.queue(db, world.regulator, "notice_period", now)["rows"]
    ] == [first.id]
    found = dishonesty.queue(db, world.regulator, "to_decide", now)
    assert [p.id for p, _ in found["rows"]] == [second.id]
    assert found["counts"] == {"to_notify": 0, "notice_period": 1, "to_decide": 1, "decided": 0}
    found = dishonesty.queue(db, world.regulator, "to_decide", DUE)
    assert [p.id for p, _ in found["rows"]] == [first.id, second.id]


def test_a_complaints_proposal_recorded_as_collusion_proposes_a_listing(world, db):
    misconduct, agency = complaint_proposal(world, db)
    records.decide_proposal(
        db, world.regulator, misconduct.id, "recorded", severity="general", legal_basis=BASIS,
        collusion=True,
    )  # fmt: skip
    db.commit()
    record = records.record_of_proposal(db, misconduct)
    assert record.collusion is True
    [row] = db.exec(select(DishonestyProposal)).all()
    assert (row.source, row.record_id, row.agency_id) == (
        "collusion",
        record.id,
        agency.organization_id,
    )
