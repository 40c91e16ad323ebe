"""Ratings' notifications (`market.notifications`): the rated side learns it was rated (never
what, until publication: ratings are double-blind), both sides learn of the publication, the
author of a rating of its reply. Each function is called by the service that makes the fact, in
its transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bidding.models import Contract
from market.models import Organization, Task
from market.notifications import notify, notify_orgs, register_kind
from market.validation import N_
from ratings.models.ratings import Rating

RATED = "ratings.rated"
PUBLISHED = "ratings.published"
REPLIED = "ratings.replied"


def ratings_link(data: dict) -> tuple[str, dict]:
    return ("ratings.contract_ratings", {"contract_id": data["contract"]})


register_kind(
    RATED,
    subject=N_("Task %(task)s: %(rater)s rated your organization"),
    body=N_(
        "%(rater)s rated your organization on the contract of task %(task)s, %(title)s. Ratings "
        "are double-blind: you read it once your organization has rated too, or when the rating "
        "period ends at %(ends_at)s."
    ),
    link=ratings_link,
)
register_kind(
    PUBLISHED,
    subject=N_("The ratings of task %(task)s are published"),
    body=N_(
        "The ratings of the contract of task %(task)s, %(title)s, are published: anyone may read "
        "them, and the rated organization may reply once."
    ),
    link=ratings_link,
)
register_kind(
    REPLIED,
    subject=N_("Task %(task)s: %(rated)s replied to your rating"),
    body=N_(
        "%(rated)s replied publicly to your organization's rating on task %(task)s, %(title)s."
    ),
    link=ratings_link,
)


def rated(session: Session, task: Task, contract: Contract, row: Rating, ends_at: datetime):
    rater = session.get(Organization, row.rater_org_id)
    notify(
        session,
        RATED,
        org_id=row.rated_org_id,
        task=task,
        data={"contract": contract.id, "rater": rater.name, "ends_at": ends_at.isoformat()},
    )


def published(session: Session, task: Task, contract: Contract):
    notify_orgs(
        session,
        PUBLISHED,
        [contract.applicant_org_id, contract.agency_id],
        task=task,
        data={"contract": contract.id},
    )


def replied(session: Session, task: Task, row: Rating):
    rated_org = session.get(Organization, row.rated_org_id)
    notify(
        session,
        REPLIED,
        org_id=row.rater_org_id,
        task=task,
        data={"contract": row.contract_id, "rated": rated_org.name},
    )
