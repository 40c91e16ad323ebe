"""Credit repair's notifications (`market.notifications`): the covering regulators learn of an
application to decide, the agency of the decision. Called by `ratings.repair` in its
transaction."""

from __future__ import annotations

from sqlmodel import Session

from market.models import Organization
from market.notifications import notify, notify_orgs, register_kind
from market.validation import N_
from ratings.models import RepairApplication
from ratings.models.repair import REPAIRED

APPLIED = "repair.applied"
REPAIRED_KIND = "repair.repaired"
REFUSED_KIND = "repair.refused"


def application_link(data: dict) -> tuple[str, dict]:
    return ("repair.application_page", {"application_id": data["application_id"]})


register_kind(
    APPLIED,
    subject=N_("%(agency)s applies for credit repair"),
    body=N_(
        "%(agency)s applied to repair misconduct record %(record)s, with evidence of correction "
        "and a public credit commitment; decide by %(due_at)s."
    ),
    link=application_link,
)
register_kind(
    REPAIRED_KIND,
    subject=N_("Misconduct record %(record)s is repaired"),
    body=N_(
        "The regulator repaired misconduct record %(record)s: it no longer counts in your credit "
        "score and is no longer published. Your credit commitment is published."
    ),
    link=application_link,
)
register_kind(
    REFUSED_KIND,
    subject=N_("Repair of misconduct record %(record)s is refused"),
    body=N_("The regulator refused to repair misconduct record %(record)s: %(reason)s"),
    link=application_link,
)


def applied(session: Session, row: RepairApplication, regulator_org_ids: list[int]) -> None:
    agency = session.get(Organization, row.agency_id)
    notify_orgs(
        session,
        APPLIED,
        regulator_org_ids,
        task=None,
        data={
            "application_id": row.id,
            "agency": agency.name,
            "record": row.record_id,
            "due_at": row.decide_by.isoformat(),
        },
    )


def decided(session: Session, row: RepairApplication) -> None:
    kind = REPAIRED_KIND if row.decision == REPAIRED else REFUSED_KIND
    notify(
        session,
        kind,
        org_id=row.agency_id,
        data={"application_id": row.id, "record": row.record_id, "reason": row.reason or ""},
    )
