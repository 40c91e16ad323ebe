"""The serious-dishonesty list's notifications (`market.notifications`): the notice to the agency,
its statement to the covering regulators, the decision and an early lift to the agency."""

from __future__ import annotations

from sqlmodel import Session, select

from market.models import Jurisdiction, Organization, OrgKind
from market.notifications import notify, notify_orgs, register_kind
from market.validation import N_
from ratings.models import DishonestyEntry, DishonestyProposal

NOTICE = "dishonesty.notice"
STATEMENT = "dishonesty.statement"
LISTED = "dishonesty.listed"
DISMISSED = "dishonesty.dismissed"
LIFTED = "dishonesty.lifted"


def own_proposals_link(data: dict) -> tuple[str, dict]:
    return ("dishonesty.my_proposals", {})


def queue_link(data: dict) -> tuple[str, dict]:
    return ("dishonesty.queue", {})


register_kind(
    NOTICE,
    subject=N_("Notice: your agency is proposed for the serious-dishonesty list"),
    body=N_(
        "A regulator proposes to put your agency on the serious-dishonesty list. Reason: "
        "%(reason)s. Legal basis: %(legal_basis)s. You may state your case and ask to be heard "
        "until %(due_at)s; against the decision you may apply for administrative review or "
        "bring an administrative action."
    ),
    link=own_proposals_link,
)
register_kind(
    STATEMENT,
    subject=N_("%(agency)s stated its case against a serious-dishonesty listing"),
    body=N_("%(agency)s stated its case on proposal %(proposal_id)s; it may now be decided."),
    link=queue_link,
)
register_kind(
    LISTED,
    subject=N_("Your agency is on the serious-dishonesty list"),
    body=N_(
        "The regulator decided to list your agency from %(starts_at)s until %(ends_at)s. Legal "
        "basis: %(legal_basis)s. Removal conditions: %(removal_conditions)s. You may apply for "
        "administrative review or bring an administrative action."
    ),
    link=own_proposals_link,
)
register_kind(
    DISMISSED,
    subject=N_("The proposal to list your agency as seriously dishonest is dismissed"),
    body=N_("The regulator dismissed the proposal: %(reason)s"),
    link=own_proposals_link,
)
register_kind(
    LIFTED,
    subject=N_("Your agency's serious-dishonesty listing is lifted"),
    body=N_("The regulator lifted the listing on %(lifted_at)s: %(reason)s"),
    link=own_proposals_link,
)


def covering_regulator_orgs(session: Session, agency: Organization) -> list[int]:
    """The regulator organizations whose jurisdiction covers the agency's region, in id order."""
    covering = set()
    for row in session.exec(
        select(Jurisdiction)
        .join(Organization, Organization.id == Jurisdiction.organization_id)
        .where(Organization.kind == OrgKind.regulator)
    ):
        if row.region_prefix is None or (
            agency.region_code is not None and agency.region_code.startswith(row.region_prefix)
        ):
            covering.add(row.organization_id)
    return sorted(covering)


def notice_issued(session: Session, proposal: DishonestyProposal) -> None:
    notify(
        session,
        NOTICE,
        org_id=proposal.agency_id,
        data={
            "proposal_id": proposal.id,
            "reason": proposal.reason,
            "legal_basis": proposal.legal_basis,
            "due_at": proposal.statement_due.isoformat(),
        },
    )


def statement_received(session: Session, proposal: DishonestyProposal, agency) -> None:
    notify_orgs(
        session,
        STATEMENT,
        covering_regulator_orgs(session, agency),
        task=None,
        data={"proposal_id": proposal.id, "agency": agency.name},
    )


def listed(session: Session, entry: DishonestyEntry) -> None:
    notify(
        session,
        LISTED,
        org_id=entry.agency_id,
        data={
            "entry_id": entry.id,
            "starts_at": entry.starts_at.isoformat(),
            "ends_at": entry.ends_at.isoformat(),
            "legal_basis": entry.legal_basis,
            "removal_conditions": entry.removal_conditions,
        },
    )


def dismissed(session: Session, proposal: DishonestyProposal) -> None:
    notify(
        session,
        DISMISSED,
        org_id=proposal.agency_id,
        data={"proposal_id": proposal.id, "reason": proposal.dismissed_reason},
    )


def lifted(session: Session, entry: DishonestyEntry) -> None:
    notify(
        session,
        LIFTED,
        org_id=entry.agency_id,
        data={
            "entry_id": entry.id,
            "lifted_at": entry.lifted_at.isoformat(),
            "reason": entry.lifted_reason,
        },
    )
