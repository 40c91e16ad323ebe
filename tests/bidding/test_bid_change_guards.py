"""Changing a bid checks eligibility again, as submitting does: an agency suspended, removed,
listed as dishonest, excluded or whose qualification expired since it bid cannot change its bid;
it may still withdraw it (docs/rules.md §5–§6)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bidding import sealed
from market import clock, tasks
from market.models import Qualification
from market.notifications.services import shown_value
from market.validation import Forbidden, Message
from tests.bidding.helpers import EIA_NAME, EIA_QUALIFICATION
from tests.conftest import login

API = "/api/v1"


def change(db, agency, task):
    return sealed.change_bid(
        db, agency, task.number, price_fen=900_000, duration_days=30, proposal_text="改进方案"
    )


def exclude(world, task, agency) -> None:
    tasks.exclude(
        world.db,
        world.applicant,
        task.number,
        agency.organization_id,
        "conflict_of_interest",
        "其法定代表人为业主的股东。",
    )
    world.db.commit()


UNTIL = timedelta(days=180)


def lose_standing(world, task, agency, how: str) -> Message:
    """Take away `agency`'s eligibility in one way; returns the message it is refused with."""
    org = world.org(agency)
    if how == "suspended":
        org.suspended_until = clock.now() + UNTIL
        expected = Message(
            "Your agency is suspended from bidding until %(until)s.",
            {"until": shown_value("until_at", org.suspended_until.isoformat())},
        )
    elif how == "dishonesty_list":
        org.dishonest_until = clock.now() + UNTIL
        expected = Message(
            "Your agency is on the serious-dishonesty list until %(until)s and may not bid.",
            {"until": shown_value("until_at", org.dishonest_until.isoformat())},
        )
    elif how == "removed":
        org.removed_at = clock.now()
        expected = Message(
            "Your agency was removed from the platform on %(since)s and may not bid or be "
            "invited while the cause lasts.",
            {"since": shown_value("since_at", org.removed_at.isoformat())},
        )
    elif how == "excluded":
        exclude(world, task, agency)
        expected = Message(
            "The applicant excluded your agency from this task (ground: %(ground)s).",
            {"ground": "conflict_of_interest"},
        )
    elif how == "qualification_expired":
        row = world.db.exec(
            select(Qualification).where(Qualification.organization_id == agency.organization_id)
        ).one()
        row.valid_until = date(2026, 11, 24)  # yesterday in Shanghai
        world.db.add(row)
        expected = Message("Your agency's qualification %(name)s has expired.", {"name": EIA_NAME})
    else:
        raise ValueError(how)
    world.db.add(org)
    world.db.commit()
    return expected


HOW = ["suspended", "dishonesty_list", "removed", "excluded", "qualification_expired"]


@pytest.mark.parametrize("how", HOW)
def test_an_agency_that_lost_its_eligibility_cannot_change_its_bid(world, db, how):
    task = world.post_task(required_qualifications=[EIA_QUALIFICATION])
    agency = world.qualified_agency()
    first = world.bid(agency, task, 1_000_000)
    expected = lose_standing(world, task, agency, how)
    with pytest.raises(Forbidden) as refused:
        change(db, agency, task)
    assert refused.value.message == expected
    bid = sealed.own_bid(db, agency, task.number)
    assert (bid.version, bid.price_fen, bid.receipt) == (1, 1_000_000, first.receipt)
    assert [v.receipt for v in sealed.own_versions(db, agency, task.number)] == [first.receipt]


@pytest.mark.parametrize("how", HOW)
def test_an_agency_that_lost_its_eligibility_may_still_withdraw_its_bid(world, db, how):
    task = world.post_task(required_qualifications=[EIA_QUALIFICATION])
    agency = world.qualified_agency()
    first = world.bid(agency, task, 1_000_000)
    lose_standing(world, task, agency, how)
    assert sealed.withdraw_bid(db, agency, task.number) == first.receipt
    assert sealed.standing_bids(db, task) == []


def test_the_api_refuses_the_change_with_403_and_takes_the_withdrawal(world, app):
    task = world.post_task()
    agency = world.agency()
    client = app.test_client()
    login(client, agency)
    client.get("/?lang=en")
    body = {"price_fen": 1_000_000, "duration_days": 30, "proposal_text": "技术方案"}
    submitted = client.post(f"{API}/tasks/{task.number}/bids", json=body)
    assert submitted.status_code == 201
    exclude(world, task, agency)
    mine = client.get(f"{API}/tasks/{task.number}/bids/mine").get_json()
    assert (mine["can_bid"], mine["can_change"], mine["can_withdraw"]) == (False, False, True)
    changed = client.put(f"{API}/tasks/{task.number}/bids/mine", json={**body, "price_fen": 1})
    assert changed.status_code == 403
    assert changed.mimetype == "application/problem+json"
    refusal = "The applicant excluded your agency from this task (ground: conflict_of_interest)."
    assert changed.get_json()["detail"] == refusal
    assert [r["text"] for r in mine["reasons"]] == [refusal]
    withdrawn = client.delete(f"{API}/tasks/{task.number}/bids/mine")
    assert withdrawn.status_code == 200
    assert withdrawn.get_json()["receipt"] == submitted.get_json()["receipt"]
