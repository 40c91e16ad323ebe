"""The exit rules' dashboard items (`market.dashboard`, docs/architecture.md "Adding a dashboard
item"): a regulator's removal proposals to confirm and appeals to decide, in its jurisdiction
(the agency's region), one read each."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from market.dashboard import Item
from market.models import Organization, OrgKind, User
from market.permissions import jurisdiction_clause
from market.validation import N_
from ratings.models.exits import PROPOSED, REMOVAL, ExitAction, ExitAppeal


def removals_to_confirm(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    if org.kind != OrgKind.regulator:
        return []
    rows = session.exec(
        select(ExitAction, Organization)
        .join(Organization, Organization.id == ExitAction.agency_id)
        .where(
            ExitAction.kind == REMOVAL,
            ExitAction.state == PROPOSED,
            col(ExitAction.ended_at).is_(None),
            jurisdiction_clause(session, user, category=None, region_code=Organization.region_code),
        )
        .order_by(ExitAction.started_at, ExitAction.id)
    ).all()
    return [
        Item(
            "exits_confirm_removal",
            N_("Confirm or dismiss the proposed removal of %(agency)s"),
            "exits.standing",
            args={"agency_id": agency.id},
            anchor=f"action-{action.id}",
            params={"agency": agency.name},
        )
        for action, agency in rows
    ]


def exit_appeals_to_decide(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    if org.kind != OrgKind.regulator:
        return []
    rows = session.exec(
        select(ExitAppeal, Organization)
        .join(Organization, Organization.id == ExitAppeal.agency_id)
        .where(
            col(ExitAppeal.decided_at).is_(None),
            jurisdiction_clause(session, user, category=None, region_code=Organization.region_code),
        )
        .order_by(ExitAppeal.filed_at, ExitAppeal.id)
    ).all()
    return [
        Item(
            "exits_decide_appeal",
            N_("Decide the appeal of %(agency)s against an exit action"),
            "exits.standing",
            args={"agency_id": agency.id},
            anchor=f"action-{appeal.action_id}",
            due_at=appeal.decide_by,
            params={"agency": agency.name},
        )
        for appeal, agency in rows
    ]


KINDS = (removals_to_confirm, exit_appeals_to_decide)
