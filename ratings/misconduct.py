"""Misconduct-record proposals (docs/rules.md §6): made from the facts the lower layers announce.

`on_complaint_decided` (a `bidding.signals.complaint_decided` handler, connected in
`ratings.init_app`) turns a complaint upheld against an agency's conduct into a proposal, in the
decision's transaction; deciding proposals is to come.
"""

from __future__ import annotations

from sqlmodel import Session, select

from bidding.models import Complaint
from bidding.models.objections import UPHELD
from market import audit, clock
from market.models import Organization, Task
from ratings.models import MisconductProposal
from ratings.models.misconduct import COMPLAINT


def on_complaint_decided(complaint: Complaint, *, session: Session, **_ignored) -> None:
    """An upheld complaint naming an agency whose conduct was at fault proposes a record of it."""
    if complaint.decision != UPHELD or complaint.conduct_agency_id is None:
        return
    task = session.get(Task, complaint.task_id)
    row = MisconductProposal(
        agency_id=complaint.conduct_agency_id,
        source=COMPLAINT,
        complaint_id=complaint.id,
        facts=complaint.reason or "",
        proposed_at=clock.now(),
    )
    session.add(row)
    session.flush()
    agency = session.get(Organization, complaint.conduct_agency_id)
    audit.record(
        session,
        "misconduct.proposed",
        "organization",
        agency.id,
        {"source": COMPLAINT, "complaint": complaint.id, "task": task.number},
    )


def proposals_of_complaint(session: Session, complaint_id: int) -> list[MisconductProposal]:
    return list(
        session.exec(
            select(MisconductProposal)
            .where(MisconductProposal.complaint_id == complaint_id)
            .order_by(MisconductProposal.id)
        )
    )
