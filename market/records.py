"""An organization's public record: the facts other packages keep about it (bidding: an
applicant's late signing and late payment), gathered through `signals.organization_record` so
that market imports none of them. Everyone reads it, on the organization's page and in
`GET /api/v1/organizations/{id}/record`."""

from __future__ import annotations

from sqlmodel import Session

from market import signals
from market.models import Organization, OrgKind
from market.validation import NotFound

#: The kinds of organization a record is kept for: those that apply for or provide services.
WITH_RECORD = (OrgKind.enterprise, OrgKind.department, OrgKind.agency)


def organization(session: Session, org_id: int) -> Organization:
    """The organization `org_id` if it is one a record is kept for, else `NotFound`."""
    org = session.get(Organization, org_id)
    if org is None or org.kind not in WITH_RECORD:
        raise NotFound()
    return org


def record(session: Session, org: Organization) -> list[dict]:
    """Every fact on the organization's record, newest first."""
    entries = [
        entry
        for _receiver, answer in signals.organization_record.send(org, session=session)
        for entry in answer or ()
    ]
    return sorted(entries, key=lambda e: e["at"], reverse=True)


def describe(entries: list[dict], translate) -> list[dict]:
    """The entries as the reader's language says them (pages and the API alike)."""
    return [
        {
            "kind": e["kind"],
            "at": e["at"].isoformat(),
            "task": e["task"],
            "text": translate(e["text"]),
        }
        for e in entries
    ]
