"""Ratings' notifications: its kinds, and one small function per fact, called by the service that
makes the fact in its own transaction (`market.notifications`)."""

from __future__ import annotations

from sqlmodel import Session

from market.models import Task
from market.notifications import notify, notify_orgs, register_kind
from market.suspensions import covering_regulators
from market.validation import N_
from ratings.models import Commendation, MisconductRecord, RatingAppeal

APPEAL_UPHELD = "ratings.appeal_upheld"
APPEAL_VOIDED = "ratings.appeal_voided"
MISCONDUCT = {
    "minor": "ratings.misconduct_minor",
    "general": "ratings.misconduct_general",
    "serious": "ratings.misconduct_serious",
}
COMMENDED = "ratings.commended"
APPEAL_FILED = "ratings.appeal_filed"


def own_ratings_link(data: dict) -> tuple[str, dict]:
    return ("ratings_review.my_ratings", {})


def agency_link(data: dict) -> tuple[str, dict]:
    return ("public.agency_profile", {"agency_id": data["agency_id"]})


def appeal_link(data: dict) -> tuple[str, dict]:
    return ("ratings_review.appeal_page", {"appeal_id": data["appeal_id"]})


register_kind(
    APPEAL_FILED,
    subject=N_("A rating of task %(task)s is appealed"),
    body=N_("%(appellant)s appealed a rating of task %(task)s, %(title)s; decide by %(due_at)s."),
    link=appeal_link,
)
register_kind(
    APPEAL_UPHELD,
    subject=N_("Your appeal against a rating of task %(task)s is decided"),
    body=N_("The regulator upheld the rating: %(reason)s"),
    link=own_ratings_link,
)
register_kind(
    APPEAL_VOIDED,
    subject=N_("Your appeal against a rating of task %(task)s is decided"),
    body=N_("The regulator voided the rating; it no longer counts: %(reason)s"),
    link=own_ratings_link,
)
register_kind(
    MISCONDUCT["minor"],
    subject=N_("A misconduct record was made about your agency"),
    body=N_(
        "A regulator recorded minor misconduct of your agency (not published). "
        "Legal basis: %(legal_basis)s. Facts: %(facts)s"
    ),
    link=own_ratings_link,
)
register_kind(
    MISCONDUCT["general"],
    subject=N_("A misconduct record was made about your agency"),
    body=N_(
        "A regulator recorded general misconduct of your agency (published). "
        "Legal basis: %(legal_basis)s. Facts: %(facts)s"
    ),
    link=own_ratings_link,
)
register_kind(
    MISCONDUCT["serious"],
    subject=N_("A misconduct record was made about your agency"),
    body=N_(
        "A regulator recorded serious misconduct of your agency (published). "
        "Legal basis: %(legal_basis)s. Facts: %(facts)s"
    ),
    link=own_ratings_link,
)
register_kind(
    COMMENDED,
    subject=N_("Your agency was commended"),
    body=N_("A regulator commended your agency: %(reason)s"),
    link=agency_link,
)


def appeal_filed(session: Session, task: Task, appeal: RatingAppeal, appellant: str) -> None:
    """Every regulator covering the task learns of the appeal it is to decide."""
    notify_orgs(
        session,
        APPEAL_FILED,
        covering_regulators(session, task),
        task=task,
        data={
            "appeal_id": appeal.id,
            "appellant": appellant,
            "due_at": appeal.decide_by.isoformat(),
        },
    )


def appeal_decided(session: Session, task: Task, appeal: RatingAppeal) -> None:
    kind = APPEAL_VOIDED if appeal.decision == "voided" else APPEAL_UPHELD
    notify(
        session,
        kind,
        org_id=appeal.appellant_org_id,
        task=task,
        data={"reason": appeal.decision_reason},
    )


def misconduct_recorded(session: Session, record: MisconductRecord) -> None:
    notify(
        session,
        MISCONDUCT[record.severity],
        org_id=record.agency_id,
        data={
            "agency_id": record.agency_id,
            "legal_basis": record.legal_basis,
            "facts": record.facts,
        },
    )


def commended(session: Session, row: Commendation) -> None:
    notify(
        session,
        COMMENDED,
        org_id=row.agency_id,
        data={"agency_id": row.agency_id, "reason": row.reason},
    )
