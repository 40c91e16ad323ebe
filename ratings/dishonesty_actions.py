"""The serious-dishonesty list's dashboard items (`market.dashboard`, handlers of
`market.signals.action_items` connected in `ratings.init_app`): an agency states its case before
its notice's deadline; a regulator covering the agency issues the notice of an automatic proposal
and decides a proposal once it may (marked overdue from the statement deadline). Each reads its
rows in one query, and nothing for another kind of organization."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from market.dashboard import Item
from market.models import Organization, OrgKind, User
from market.permissions import jurisdiction_clause
from market.validation import N_
from ratings.models import DishonestyProposal

MY_PAGE = "dishonesty.my_proposals"
QUEUE = "dishonesty.queue"


def statements_to_make(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    if org.kind != OrgKind.agency:
        return []
    rows = session.exec(
        select(DishonestyProposal).where(
            DishonestyProposal.agency_id == org.id,
            DishonestyProposal.notice_at.is_not(None),
            DishonestyProposal.statement_at.is_(None),
            DishonestyProposal.decided_at.is_(None),
            DishonestyProposal.statement_due > now,
        )
    ).all()
    return [
        Item(
            "dishonesty_statement",
            N_("State your case against the proposed serious-dishonesty listing"),
            MY_PAGE,
            anchor=f"proposal-{p.id}",
            due_at=p.statement_due,
        )
        for p in rows
    ]


def proposals_to_act_on(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    if org.kind != OrgKind.regulator:
        return []
    rows = session.exec(
        select(DishonestyProposal, Organization.name)
        .join(Organization, Organization.id == DishonestyProposal.agency_id)
        .where(
            DishonestyProposal.decided_at.is_(None),
            jurisdiction_clause(session, user, category=None, region_code=Organization.region_code),
        )
    ).all()
    items = []
    for p, name in rows:
        if p.notice_at is None:
            items.append(
                Item(
                    "dishonesty_notice",
                    N_("Issue the notice of the serious-dishonesty proposal about %(agency)s"),
                    QUEUE,
                    args={"state": "to_notify"},
                    anchor=f"proposal-{p.id}",
                    params={"agency": name},
                )
            )
        elif p.statement_at is not None or now >= p.statement_due:
            items.append(
                Item(
                    "dishonesty_decide",
                    N_("Decide the serious-dishonesty proposal about %(agency)s"),
                    QUEUE,
                    args={"state": "to_decide"},
                    anchor=f"proposal-{p.id}",
                    due_at=p.statement_due,
                    params={"agency": name},
                )
            )
    return items


KINDS = (statements_to_make, proposals_to_act_on)
