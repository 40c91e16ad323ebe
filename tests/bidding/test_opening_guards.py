"""Opening's guards: a bid that no longer fits the task as amended is invalid (the price cap, the
fixed fee and the service period each on its own; any other amendment leaves bids alone), and
eligibility is judged as at the deadline, however much later the task is opened (docs/rules.md §5).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bidding import opening, progress
from bidding.models import Bid
from bidding.policy import DEFAULT_POLICY
from market import clock, lifecycle, tasks
from market.models import Qualification
from market.notifications.services import shown_value
from market.validation import Forbidden
from tests.bidding.helpers import EIA_NAME, EIA_QUALIFICATION

ABOVE_CAP = "The price is above the task's price cap as amended."
FEE_CHANGED = "The sign-up is not at the task's fixed fee as amended."
DURATION_TOO_LONG = "The duration is longer than the task's service period as amended."


def amend(world, task, **changes) -> None:
    tasks.amend(world.db, world.applicant, task.number, {**changes, "reason": "变更公告"})
    world.db.commit()


def decisions_by_agency(db, task) -> dict[int, tuple[bool | None, str, list[dict] | None]]:
    """{agency id: (valid, ground, messages)} of every validity decision of the task."""
    return {
        db.get(Bid, d.bid_id).agency_id: (d.valid, d.ground, d.messages)
        for d in progress.decisions_of(db, task)
    }


def invalid(code: str, *msgids: str, **params) -> tuple[bool, str, list[dict]]:
    """An invalid decision on ground `code` with these messages (each with `params`)."""
    return (False, code, [{"msgid": m, "params": params} for m in msgids])


VALID = (True, "eligible", [])


# --- amendments -------------------------------------------------------------------------------


def test_a_price_cap_lowered_below_a_bid_invalidates_it_at_opening(world, db):
    task = world.post_task(min_bids=1, price_cap_fen=2_000_000)
    above, at_cap = world.agency(), world.agency()
    world.bid(above, task, 1_500_000)
    world.bid(at_cap, task, 1_200_000)
    amend(world, task, price_cap_fen=1_200_000)
    world.shift_to(task, "opened")
    assert decisions_by_agency(db, task) == {
        above.organization_id: invalid("above_cap", ABOVE_CAP),
        at_cap.organization_id: VALID,  # exactly at the amended cap still fits
    }


def test_a_fixed_fee_changed_invalidates_the_sign_ups_at_the_old_fee(world, db):
    task = world.post_task("random", min_bids=1, fixed_fee_fen=1_000_000, price_cap_fen=2_000_000)
    early, late = world.agency(), world.agency()
    world.bid(early, task, None, proposal="")
    # The cap comes down with the fee, below the old fee: still one ground only, for a sign-up
    # is judged by the fee, never by the cap.
    amend(world, task, fixed_fee_fen=500_000, price_cap_fen=800_000)
    world.bid(late, task, None, proposal="")
    world.shift_to(task, "opened")
    assert decisions_by_agency(db, task) == {
        early.organization_id: invalid("fee_changed", FEE_CHANGED),
        late.organization_id: VALID,
    }


def test_a_sign_up_of_a_random_task_without_a_cap_is_judged_by_the_fee_alone(world, db):
    task = world.post_task("random", min_bids=1, fixed_fee_fen=1_000_000, price_cap_fen=None)
    agency = world.agency()
    world.bid(agency, task, None, proposal="")
    world.shift_to(task, "opened")
    assert decisions_by_agency(db, task) == {agency.organization_id: VALID}


def test_a_service_period_shortened_below_a_bids_duration_invalidates_it(world, db):
    task = world.post_task(min_bids=1, service_days=60)
    longer, exact = world.agency(), world.agency()
    world.bid(longer, task, 1_500_000, duration_days=45)
    world.bid(exact, task, 1_500_000, duration_days=40)
    amend(world, task, service_days=40)
    world.shift_to(task, "opened")
    assert decisions_by_agency(db, task) == {
        longer.organization_id: invalid("duration_too_long", DURATION_TOO_LONG),
        exact.organization_id: VALID,  # exactly the amended period still fits
    }


def test_every_ground_an_amendment_gives_a_bid_is_published(world, db):
    task = world.post_task(min_bids=1, price_cap_fen=2_000_000, service_days=60)
    agency = world.agency()
    world.bid(agency, task, 1_500_000, duration_days=45)
    amend(world, task, price_cap_fen=1_000_000, service_days=30)
    world.shift_to(task, "opened")
    assert decisions_by_agency(db, task) == {
        agency.organization_id: invalid("above_cap", ABOVE_CAP, DURATION_TOO_LONG)
    }
    assert lifecycle.status(task) == lifecycle.FAILED


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "某项目环境影响报告书编制（变更）", "description": "补充说明服务范围。"},
        {"price_cap_fen": 3_000_000, "service_days": 90},
    ],
    ids=["text", "more-room"],
)
def test_an_amendment_that_leaves_the_bid_fitting_leaves_it_valid(world, db, changes):
    task = world.post_task(min_bids=1, price_cap_fen=2_000_000, service_days=60)
    agency = world.agency()
    world.bid(agency, task, 2_000_000, duration_days=60)
    amend(world, task, **changes)
    world.shift_to(task, "opened")
    assert decisions_by_agency(db, task) == {agency.organization_id: VALID}
    assert lifecycle.status(task) == lifecycle.PUBLICITY


def test_an_amendment_of_a_random_task_that_keeps_the_fee_leaves_its_sign_ups(world, db):
    task = world.post_task("random", min_bids=1, fixed_fee_fen=1_000_000, price_cap_fen=2_000_000)
    agency = world.agency()
    world.bid(agency, task, None, proposal="")
    amend(world, task, price_cap_fen=1_000_000, description="补充说明。")
    world.shift_to(task, "opened")
    assert decisions_by_agency(db, task) == {agency.organization_id: VALID}


# --- eligibility as at the deadline -------------------------------------------------------------

#: How long after its deadline the tasks below are opened (a lazy opening on a quiet task).
LATE = timedelta(days=10)


def open_late(world, task) -> None:
    """Open `task` LATE after its deadline (2026-11-15 10:00 in Shanghai; the clock stays put)."""
    now = clock.now()
    task.published_at, task.deadline_at = now - LATE - timedelta(days=8), now - LATE
    world.db.add(task)
    world.db.flush()
    assert opening.open_if_due(world.db, task, DEFAULT_POLICY) is True
    world.db.commit()


def set_standing(world, agency, **fields) -> None:
    org = world.org(agency)
    for name, value in fields.items():
        setattr(org, name, value)
    world.db.add(org)
    world.db.commit()


def bid_then(world, task, agency, **standing) -> None:
    """`agency` bids (eligible), then its standing changes to `standing`."""
    world.bid(agency, task)
    set_standing(world, agency, **standing)


def test_a_removal_after_the_deadline_does_not_reach_back_to_it(world, db):
    task = world.post_task(min_bids=1)
    after, at_deadline = world.agency(), world.agency()
    deadline = clock.now() - LATE
    bid_then(world, task, after, removed_at=deadline + timedelta(days=1))
    bid_then(world, task, at_deadline, removed_at=deadline)
    open_late(world, task)
    assert decisions_by_agency(db, task) == {
        after.organization_id: VALID,
        at_deadline.organization_id: invalid(
            "removed",
            "Your agency was removed from the platform on %(since)s and may not bid or be "
            "invited while the cause lasts.",
            since=shown_value("since_at", deadline.isoformat()),
        ),
    }


def test_a_suspension_that_ended_after_the_deadline_still_counts(world, db):
    task = world.post_task(min_bids=1)
    ended_after, ended_at = world.agency(), world.agency()
    deadline = clock.now() - LATE
    until = deadline + timedelta(days=1)  # over by the opening, running at the deadline
    bid_then(world, task, ended_after, suspended_until=until)
    bid_then(world, task, ended_at, suspended_until=deadline)
    open_late(world, task)
    assert decisions_by_agency(db, task) == {
        ended_after.organization_id: invalid(
            "suspended",
            "Your agency is suspended from bidding until %(until)s.",
            until=shown_value("until_at", until.isoformat()),
        ),
        ended_at.organization_id: VALID,
    }


def test_a_dishonesty_listing_that_ended_after_the_deadline_still_counts(world, db):
    task = world.post_task(min_bids=1)
    ended_after, ended_at = world.agency(), world.agency()
    deadline = clock.now() - LATE
    until = deadline + timedelta(days=1)
    bid_then(world, task, ended_after, dishonest_until=until)
    bid_then(world, task, ended_at, dishonest_until=deadline)
    open_late(world, task)
    assert decisions_by_agency(db, task) == {
        ended_after.organization_id: invalid(
            "dishonesty_list",
            "Your agency is on the serious-dishonesty list until %(until)s and may not bid.",
            until=shown_value("until_at", until.isoformat()),
        ),
        ended_at.organization_id: VALID,
    }


def test_a_qualification_valid_on_the_deadlines_day_counts_at_a_later_opening(world, db):
    task = world.post_task(min_bids=1, required_qualifications=[EIA_QUALIFICATION])
    through_deadline, day_before = world.qualified_agency(), world.qualified_agency()
    # The deadline is 2026-11-15 10:00 in Shanghai; a qualification is valid through its last day.
    for agency, last_day in (
        (through_deadline, date(2026, 11, 15)),
        (day_before, date(2026, 11, 14)),
    ):
        world.bid(agency, task)
        row = db.exec(
            select(Qualification).where(Qualification.organization_id == agency.organization_id)
        ).one()
        row.valid_until = last_day
        db.add(row)
    db.commit()
    open_late(world, task)
    assert decisions_by_agency(db, task) == {
        through_deadline.organization_id: VALID,
        day_before.organization_id: invalid(
            "qualification_expired",
            "Your agency's qualification %(name)s has expired.",
            name=EIA_NAME,
        ),
    }


def test_no_exclusion_is_made_between_the_deadline_and_the_opening(world, db):
    task = world.post_task(min_bids=1)
    excluded_before, bidder = world.agency(), world.agency()
    world.bid(excluded_before, task)
    world.bid(bidder, task)
    tasks.exclude(
        db,
        world.applicant,
        task.number,
        excluded_before.organization_id,
        "conflict_of_interest",
        "其法定代表人为业主的股东。",
    )
    db.commit()
    world.shift_to(task, "deadline_passed")
    with pytest.raises(Forbidden) as refused:
        tasks.exclude(
            db,
            world.applicant,
            task.number,
            bidder.organization_id,
            "earlier_work_on_project",
            "编制了本项目的可行性研究报告。",
        )
    assert refused.value.message.msgid == "Exclusions are set before the deadline."
    assert opening.open_if_due(db, task, DEFAULT_POLICY) is True
    assert decisions_by_agency(db, task) == {
        excluded_before.organization_id: invalid(
            "excluded",
            "The applicant excluded your agency from this task (ground: %(ground)s).",
            ground="conflict_of_interest",
        ),
        bidder.organization_id: VALID,
    }
