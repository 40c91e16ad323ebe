"""The honour roll's notifications (`market.notifications`): the agency learns it entered the
roll, and that it left it. Called by `ratings.honour.publish_roll` in its transaction."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from market.models import Organization
from market.notifications import notify, register_kind
from market.validation import N_

ENTERED = "honour.entered"
LEFT = "honour.left"


def honour_link(data: dict) -> tuple[str, dict]:
    return ("honour.honour_list", {"month": data["month"]})


register_kind(
    ENTERED,
    subject=N_("Your agency is on the honour roll of %(month)s"),
    body=N_(
        "Your agency met every condition of the honour roll (守信典型名单) of %(month)s: it is "
        "shown with the badge, and earns the scoring bonus in tasks selected by scoring."
    ),
    link=honour_link,
)
register_kind(
    LEFT,
    subject=N_("Your agency is no longer on the honour roll"),
    body=N_(
        "The honour roll of %(month)s does not list your agency: it no longer meets every "
        "condition. The roll's page shows the conditions."
    ),
    link=honour_link,
)


def entered(session: Session, org: Organization, month: date) -> None:
    notify(session, ENTERED, org_id=org.id, data={"month": month.isoformat()[:7]})


def left(session: Session, org: Organization, month: date) -> None:
    notify(session, LEFT, org_id=org.id, data={"month": month.isoformat()[:7]})
