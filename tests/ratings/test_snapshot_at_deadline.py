"""A `scoring` task's credit snapshot is each bidder's score as it stood at the task's deadline,
computed from the credit events, not the standing of the moment it is opened (docs/rules.md §5)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bidding import opening
from bidding.models import Bid
from bidding.policy import DEFAULT_POLICY
from ratings import credit_events, standing
from ratings.credit_policy import DEFAULT_POLICY as CREDIT
from ratings.models.credit import COMMENDATION, MISCONDUCT_GENERAL
from tests.bidding.test_marking import experts, scoring_task  # noqa: F401  (the fixture)


def test_the_snapshot_is_the_score_at_the_deadline(world, db, frozen, experts):  # noqa: F811
    task = scoring_task(world)
    agency, other = world.agency(), world.agency()
    world.bid(agency, task, 150_000)
    world.bid(other, task, 160_000)
    org = agency.organization_id
    credit_events.record(db, org, COMMENDATION, task.deadline_at - timedelta(days=1), "test:c")
    credit_events.record(db, org, MISCONDUCT_GENERAL, task.deadline_at + timedelta(hours=1), "t:m")
    db.commit()
    frozen.set(task.deadline_at + timedelta(hours=2))
    assert opening.open_if_due(db, task, DEFAULT_POLICY)
    db.commit()
    bid = db.exec(select(Bid).where(Bid.agency_id == org)).one()
    assert bid.credit_snapshot_milli == 83_000  # 80 + 3: the record came after the deadline
    now = standing.file_of(db, org, frozen.now(), CREDIT)
    assert now.score_milli == 68_000  # 80 + 3 − 15 at the opening
    rival = db.exec(select(Bid).where(Bid.agency_id == other.organization_id)).one()
    assert rival.credit_snapshot_milli == 80_000
