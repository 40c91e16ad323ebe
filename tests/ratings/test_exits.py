"""Exit rules (docs/rules.md §6): warnings, suspensions, removals and their appeals, each firing
when its condition is entered, at its boundaries."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from bidding import signals as bidding_signals
from bidding.models import Bid, Complaint
from bidding.models.objections import UPHELD
from market import agencies, clock
from market.accounts import REGISTRATION_CHECKS
from market.models import Organization, Qualification
from market.models.notifications import Notification
from market.validation import Forbidden, Invalid
from market.workdays import shanghai_date
from ratings import exits, records, signals
from ratings.credit import ends_at
from ratings.exits_policy import DEFAULT_POLICY
from ratings.models.exits import (
    CONFIRMED,
    DISMISSED,
    IN_FORCE,
    PROPOSED,
    REMOVAL,
    SUSPENSION,
    WARNING,
    ExitAction,
    ExitNotice,
)
from tests.conftest import agency_payload
from tests.ratings.test_records import proposed


def refresh(db, org_id) -> Organization:
    return db.get(Organization, org_id, populate_existing=True)


def actions(db, org_id, kind=None):
    q = select(ExitAction).where(ExitAction.agency_id == org_id).order_by(ExitAction.id)
    rows = db.exec(q).all()
    return [r for r in rows if kind is None or r.kind == kind]


def causes(db, org_id):
    return [r.cause for r in actions(db, org_id, SUSPENSION)]


def kinds_notified(db, org_id):
    rows = db.exec(
        select(Notification).where(Notification.org_id == org_id).order_by(Notification.id)
    ).all()
    return [r.kind for r in rows if r.kind.startswith("exits.")]


def standing(db, org_id, before, after, at=None):
    signals.standing_changed.send(
        org_id, session=db, before=before, after=after, at=at or clock.now()
    )
    db.flush()


def message(exc) -> str:
    return exc.value.message.msgid


# --- warnings ---------------------------------------------------------------------------------


def test_grade_d_entered_left_and_entered_again_makes_two_warnings(world, db, frozen):
    org_id = world.agency().organization_id
    standing(db, org_id, (62_000, "C"), (59_000, "D"))
    first_at = clock.now()
    assert refresh(db, org_id).warned_since == first_at
    frozen.advance(days=1)
    standing(db, org_id, (59_000, "D"), (58_000, "D"))  # still D: nothing new
    assert len(actions(db, org_id, WARNING)) == 1
    standing(db, org_id, (58_000, "D"), (61_000, "C"))
    assert refresh(db, org_id).warned_since is None
    frozen.advance(days=1)
    standing(db, org_id, (61_000, "C"), (59_500, "D"))
    rows = actions(db, org_id, WARNING)
    assert [(r.state, r.end_reason) for r in rows] == [
        (IN_FORCE, "left_condition"),
        (IN_FORCE, None),
    ]
    assert refresh(db, org_id).warned_since == clock.now()
    assert kinds_notified(db, org_id) == ["exits.warning", "exits.warning_ended", "exits.warning"]


def test_the_same_change_sent_twice_warns_once(world, db):
    org_id = world.agency().organization_id
    at = clock.now()
    standing(db, org_id, (62_000, "C"), (59_000, "D"), at)
    standing(db, org_id, (62_000, "C"), (59_000, "D"), at)
    assert len(actions(db, org_id, WARNING)) == 1


# --- suspensions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "after, suspended",
    [(50_001, False), (50_000, False), (49_999, True)],
)
def test_a_score_entering_below_50_suspends_for_6_months(world, db, after, suspended):
    org_id = world.agency().organization_id
    standing(db, org_id, (61_000, "C"), (after, "D"))
    rows = actions(db, org_id, SUSPENSION)
    assert len(rows) == (1 if suspended else 0)
    if suspended:
        until = ends_at(clock.now(), 6)
        assert rows[0].until == until
        assert refresh(db, org_id).suspended_until == until
        # 2026-11-25 10:00 Shanghai + 6 months: 2027-05-25 00:00 Shanghai.
        assert exits.shanghai_text(until) == "2027-05-24 24:00"


def test_staying_below_50_does_not_suspend_again(world, db, frozen):
    org_id = world.agency().organization_id
    standing(db, org_id, (55_000, "D"), (45_000, "D"))
    frozen.advance(days=30)
    standing(db, org_id, (45_000, "D"), (40_000, "D"))
    assert len(actions(db, org_id, SUSPENSION)) == 1


def test_a_first_computation_below_50_suspends(world, db):
    org_id = world.agency().organization_id
    standing(db, org_id, (None, None), (40_000, "D"))
    assert len(actions(db, org_id, SUSPENSION)) == 1


def test_setting_off_no_suspension(world, db, use_policy):
    use_policy({"exits": {"auto_suspension": 0}})
    org_id = world.agency().organization_id
    standing(db, org_id, (61_000, "C"), (40_000, "D"))
    assert actions(db, org_id, SUSPENSION) == []
    assert refresh(db, org_id).suspended_until is None
    assert len(actions(db, org_id, WARNING)) == 1  # the warning is no setting's choice


def test_a_second_cause_never_shortens_a_later_one_extends(world, db, frozen):
    org_id = world.agency().organization_id
    standing(db, org_id, (55_000, "D"), (45_000, "D"))
    first_until = refresh(db, org_id).suspended_until
    frozen.advance(days=10)
    standing(db, org_id, (45_000, "D"), (55_000, "D"))
    frozen.advance(days=10)
    standing(db, org_id, (55_000, "D"), (44_000, "D"))  # entered again, 20 days later
    assert refresh(db, org_id).suspended_until == ends_at(clock.now(), 6) > first_until


def a_complaint(world, db) -> Complaint:
    """A real upheld conduct complaint (naming another agency), the model of the others."""
    proposal, _ = proposed(world, db)
    return db.get(Complaint, proposal.complaint_id)


def upheld_complaints(db, template, agency_id, moments):
    """Upheld conduct complaints naming `agency_id`, decided at each of `moments`."""
    rows = []
    for at in moments:
        row = Complaint(
            task_id=template.task_id,
            objection_id=template.objection_id,
            agency_id=template.agency_id,
            grounds="串通",
            filed_at=at,
            filed_by_user_id=template.filed_by_user_id,
            decide_by=at,
            decided_at=at,
            decision=UPHELD,
            reason="串通属实",
            conduct_agency_id=agency_id,
        )
        db.add(row)
        db.flush()
        rows.append(row)
    return rows


def test_the_third_upheld_conduct_complaint_in_12_months_suspends(world, db, frozen):
    org_id = world.agency().organization_id
    now = clock.now()
    template = a_complaint(world, db)
    first, second = upheld_complaints(db, template, org_id, [now - timedelta(days=300), now])
    bidding_signals.complaint_decided.send(second, session=db)
    assert actions(db, org_id, SUSPENSION) == []  # two (the proposal's own names another agency)
    (third,) = upheld_complaints(db, template, org_id, [now])
    bidding_signals.complaint_decided.send(third, session=db)
    (row,) = actions(db, org_id, SUSPENSION)
    assert (row.cause, row.details["count"]) == ("conduct_complaints", 3)
    (fourth,) = upheld_complaints(db, template, org_id, [now])
    bidding_signals.complaint_decided.send(fourth, session=db)
    assert len(actions(db, org_id, SUSPENSION)) == 1  # still holds: not entered again


def test_a_complaint_fallen_out_of_12_months_does_not_count(world, db):
    org_id = world.agency().organization_id
    now = clock.now()
    old = now - timedelta(days=366)
    rows = upheld_complaints(
        db, a_complaint(world, db), org_id, [old, now - timedelta(days=10), now]
    )
    bidding_signals.complaint_decided.send(rows[-1], session=db)
    assert actions(db, org_id, SUSPENSION) == []


def test_a_second_serious_record_within_24_months_suspends(world, db, frozen):
    org_id = world.agency().organization_id
    records.record_misconduct(db, world.regulator, org_id, "serious", "条例第十条", "串通")
    # The first record's −40 points enter a score below 50: that is a suspension of its own.
    assert causes(db, org_id) == ["score_below"]
    frozen.advance(days=700)
    records.record_misconduct(db, world.regulator, org_id, "serious", "条例第十条", "再犯")
    assert causes(db, org_id) == ["score_below", "serious_records"]


def test_a_second_serious_record_after_24_months_does_not(world, db, frozen):
    org_id = world.agency().organization_id
    records.record_misconduct(db, world.regulator, org_id, "serious", "条例第十条", "串通")
    frozen.advance(days=740)
    records.record_misconduct(db, world.regulator, org_id, "serious", "条例第十条", "再犯")
    assert "serious_records" not in causes(db, org_id)


def test_a_suspension_refuses_bids_until_its_end_exactly(world, db, frozen):
    agency = world.agency()
    org_id = agency.organization_id
    standing(db, org_id, (55_000, "D"), (45_000, "D"))
    until = refresh(db, org_id).suspended_until
    db.commit()
    frozen.set(until - timedelta(seconds=1))
    task = world.post_task(min_bids=1)
    with pytest.raises(Forbidden) as refused:
        world.bid(agency, task)
    assert message(refused) == "Your agency is suspended from bidding until %(until)s."
    assert refused.value.message.params == {"until": "2027-05-24 24:00"}
    frozen.set(until)
    world.bid(agency, task)


# --- removals ---------------------------------------------------------------------------------


def listed(db, org_id, entry_id=7, days=365):
    entry = SimpleNamespace(id=entry_id)
    now = clock.now()
    signals.dishonesty_listed.send(
        org_id, session=db, entry=entry, starts_at=now, ends_at=now + timedelta(days=days)
    )
    db.flush()
    return entry


def test_a_listing_proposes_removal_which_needs_confirmation(world, db):
    agency = world.agency()
    org_id = agency.organization_id
    task = world.post_task(min_bids=1)
    world.bid(agency, task)
    listed(db, org_id)
    (row,) = actions(db, org_id, REMOVAL)
    assert row.state == PROPOSED
    assert refresh(db, org_id).removed_at is None  # not before a regulator confirms
    assert kinds_notified(db, org_id) == ["exits.removal_proposed_dishonesty"]
    exits.confirm(db, world.regulator, row.id, "名单已生效")
    assert refresh(db, org_id).removed_at == clock.now()
    bid = db.exec(select(Bid).where(Bid.agency_id == org_id)).one()
    assert bid.withdrawn_at == clock.now()
    assert row.state == CONFIRMED
    with pytest.raises(Forbidden) as again:
        exits.confirm(db, world.regulator, row.id, "再次")
    assert message(again) == "Only a pending removal proposal can be confirmed or dismissed."


def test_a_dismissal_needs_a_reason_and_removes_nothing(world, db):
    org_id = world.agency().organization_id
    listed(db, org_id)
    (row,) = actions(db, org_id, REMOVAL)
    with pytest.raises(Invalid) as refused:
        exits.dismiss(db, world.regulator, row.id, "  ")
    assert refused.value.errors["reason"][0].msgid == "This field is required."
    exits.dismiss(db, world.regulator, row.id, "名单已撤销")
    assert (row.state, row.end_reason) == (DISMISSED, DISMISSED)
    assert refresh(db, org_id).removed_at is None


def test_a_regulator_outside_the_region_is_refused(world, db, make):
    org_id = world.agency().organization_id  # region 220102
    listed(db, org_id)
    (row,) = actions(db, org_id, REMOVAL)
    beijing = make.staff("regulator", region_prefixes=["11"])
    with pytest.raises(Forbidden) as refused:
        exits.confirm(db, beijing, row.id, "确认")
    assert message(refused) == (
        "Only a regulator whose jurisdiction covers this agency's region may do this."
    )


def register_again(app, db, uscc):
    checks = app.extensions[REGISTRATION_CHECKS]
    data = agency_payload(uscc=uscc, email="again@test.zjm")
    with pytest.raises(Invalid) as refused:
        agencies.register_agency(db, data, checks=checks)
    return refused.value.errors["uscc"][0]


def test_the_uscc_may_not_register_while_the_listing_lasts(app, world, db, frozen):
    agency = world.agency()
    org_id = agency.organization_id
    uscc = refresh(db, org_id).uscc
    entry = listed(db, org_id, days=100)
    (row,) = actions(db, org_id, REMOVAL)
    exits.confirm(db, world.regulator, row.id, "名单已生效")
    refusal = register_again(app, db, uscc)
    assert refusal.msgid == (
        "This unified social credit code belongs to an agency removed from the platform while it "
        "is on the serious-dishonesty list, until %(until)s: it may not register again before "
        "then."
    )
    assert refusal.params == {"until": exits.shanghai_text(row.until)}
    signals.dishonesty_lifted.send(org_id, session=db, entry=entry, at=clock.now())
    assert refresh(db, org_id).removed_at is None
    assert exits.registration_check(db, uscc, clock.now()) is None
    # The organization is back (its row, accounts and history): the USCC is simply registered.
    assert register_again(app, db, uscc).msgid == (
        "An organization with this unified social credit code is already registered."
    )
    task = world.post_task(min_bids=1)
    world.bid(agency, task)


def test_a_listing_over_ends_the_removal_in_the_daily_sweep(world, db, frozen):
    org_id = world.agency().organization_id
    listed(db, org_id, days=10)
    (row,) = actions(db, org_id, REMOVAL)
    exits.confirm(db, world.regulator, row.id, "名单已生效")
    db.commit()
    frozen.set(row.until - timedelta(seconds=1))
    exits.daily_sweep(db, DEFAULT_POLICY)
    assert refresh(db, org_id).removed_at is not None
    frozen.set(row.until)
    exits.daily_sweep(db, DEFAULT_POLICY)
    assert refresh(db, org_id).removed_at is None


def surveying_agency(world, valid_until: date):
    return world.agency(
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


@pytest.mark.parametrize("days, notified", [(31, False), (30, True), (29, True)])
def test_notice_30_days_ahead_of_a_required_qualification(world, db, days, notified):
    today = shanghai_date(clock.now())
    org_id = surveying_agency(world, today + timedelta(days=days)).organization_id
    exits.daily_sweep(db, DEFAULT_POLICY)
    exits.daily_sweep(db, DEFAULT_POLICY)  # once per qualification and expiry date
    count = len(db.exec(select(ExitNotice).where(ExitNotice.agency_id == org_id)).all())
    assert count == (1 if notified else 0)
    assert kinds_notified(db, org_id) == (["exits.qualification_expiring"] if notified else [])


def test_an_expired_required_qualification_proposes_removal_renewal_ends_it(world, db, frozen):
    today = shanghai_date(clock.now())
    org_id = surveying_agency(world, today).organization_id
    exits.daily_sweep(db, DEFAULT_POLICY)
    assert actions(db, org_id, REMOVAL) == []  # valid through its last day
    frozen.advance(days=1)
    exits.daily_sweep(db, DEFAULT_POLICY)
    exits.daily_sweep(db, DEFAULT_POLICY)
    (row,) = actions(db, org_id, REMOVAL)
    assert (row.cause, row.state) == ("qualification_expired", PROPOSED)
    exits.confirm(db, world.regulator, row.id, "资质已过期")
    assert refresh(db, org_id).removed_at is not None
    q = db.exec(select(Qualification).where(Qualification.organization_id == org_id)).one()
    q.valid_until = today + timedelta(days=365)
    db.add(q)
    exits.daily_sweep(db, DEFAULT_POLICY)
    assert (row.end_reason, refresh(db, org_id).removed_at) == ("cause_ended", None)


def test_a_licence_cancellation_is_recorded_by_a_covering_regulator(app, world, db, make):
    org_id = world.agency().organization_id
    beijing = make.staff("regulator", region_prefixes=["11"])
    with pytest.raises(Forbidden):
        exits.record_licence_cancellation(
            db, beijing, org_id, "2026-11-20", "吉市监注销〔2026〕1号"
        )
    with pytest.raises(Invalid) as bad:
        exits.record_licence_cancellation(db, world.regulator, org_id, "2026-12-01", "")
    assert {k: [m.msgid for m in v] for k, v in bad.value.errors.items()} == {
        "cancelled_on": ["The day of the cancellation cannot be in the future."],
        "reference": ["This field is required."],
    }
    row = exits.record_licence_cancellation(
        db, world.regulator, org_id, "2026-11-20", "吉市监注销〔2026〕1号"
    )
    exits.confirm(db, world.regulator, row.id, "营业执照已注销")
    uscc = refresh(db, org_id).uscc
    assert register_again(app, db, uscc).msgid == (
        "This unified social credit code belongs to an agency removed from the platform because "
        "its business licence was cancelled: it may not register again while the cause lasts."
    )


# --- appeals ----------------------------------------------------------------------------------


def test_an_appeal_overturning_a_suspension_ends_it(world, db, frozen):
    agency = world.agency()
    org_id = agency.organization_id
    standing(db, org_id, (55_000, "D"), (45_000, "D"))
    (row,) = actions(db, org_id, SUSPENSION)
    appeal = exits.file_appeal(db, agency, row.id, "分数计算有误", DEFAULT_POLICY)
    with pytest.raises(Forbidden) as twice:
        exits.file_appeal(db, agency, row.id, "再次", DEFAULT_POLICY)
    assert message(twice) == "Your agency has already appealed this action."
    exits.decide_appeal(db, world.regulator, appeal.id, "overturned", "扣分事件已撤销")
    assert (row.end_reason, refresh(db, org_id).suspended_until) == ("overturned", None)
    assert kinds_notified(db, org_id)[-1] == "exits.appeal_overturned"


def test_the_appeal_period_ends_at_24_00_of_the_10th_working_day(world, db, frozen):
    agency = world.agency()
    org_id = agency.organization_id
    standing(db, org_id, (62_000, "C"), (59_000, "D"))
    (row,) = actions(db, org_id, WARNING)
    due = exits.appeal_due(db, row, DEFAULT_POLICY)
    frozen.set(due)
    with pytest.raises(Forbidden) as late:
        exits.file_appeal(db, agency, row.id, "理由", DEFAULT_POLICY)
    assert message(late) == "The time to appeal this action ended at %(due)s."
    frozen.set(due - timedelta(seconds=1))
    appeal = exits.file_appeal(db, agency, row.id, "理由", DEFAULT_POLICY)
    assert not exits.is_overdue(appeal, clock.now())
    assert exits.is_overdue(appeal, appeal.decide_by)


def test_random_draws_never_look_at_credit():
    """The draw's pure functions take no standing at all (docs/rules.md §6)."""
    import inspect

    from bidding.draws import spec

    source = inspect.getsource(spec)
    for word in ("credit", "grade", "suspended", "removed", "warned", "exit"):
        assert word not in source
