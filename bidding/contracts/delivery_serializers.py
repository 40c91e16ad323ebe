"""What a contract's delivery looks like to those who may see it (`bidding.visibility.
sees_delivery`: the parties and covering regulators, all alike), and what the reader may do
next; pages and the API both show this."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bidding import visibility
from bidding.contracts import delivery
from bidding.models import Contract, Deliverable
from bidding.policy import BiddingPolicy
from market import attachments, lifecycle
from market.models import Organization, Task
from market.models.tasks import Funding


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def deliverable(session: Session, row: Deliverable, now: datetime) -> dict:
    return {
        "id": row.id,
        "round": row.round,
        "submitted_at": row.submitted_at.isoformat(),
        "note": row.note,
        "files": [attachments.describe(a) for a in delivery.files_of(session, row)],
        "decide_by": row.decide_by.isoformat(),
        "overdue": delivery.overdue(row, now),
        "decided_at": _iso(row.decided_at),
        "decision": row.decision,
        "reason": row.reason,
    }


def state(
    session: Session,
    contract: Contract,
    task: Task,
    reader: visibility.Reader,
    now: datetime,
    policy: BiddingPolicy,
) -> dict:
    """The contract's delivery, acceptance and payment, and what the reader may do now."""
    agency = session.get(Organization, contract.agency_id)
    rows = delivery.deliverables(session, contract)
    waiting = next((r for r in rows if r.decided_at is None), None)
    applicant = visibility.is_contract_applicant(reader, contract)
    may_decide = (
        applicant
        and waiting is not None
        and delivery.decision_refusal(task, contract, waiting, now) is None
    )
    payment = None
    if task.funding == Funding.budget:
        payment = {
            "amount_fen": contract.price_fen,
            "due_at": _iso(contract.payment_due_at),
            "paid_at": _iso(contract.paid_at),
            "reference": contract.payment_reference,
            "overdue_at": _iso(contract.payment_overdue_at),
        }
    return {
        "contract_id": contract.id,
        "task": task.number,
        "task_title": task.title,
        "funding": task.funding,
        "status": lifecycle.status(task, now),
        "agency": {"id": agency.id, "name": agency.name, "uscc": agency.uscc},
        "price_fen": contract.price_fen,
        "signed_at": _iso(contract.signed_at),
        "due_at": _iso(contract.due_at),
        "first_delivered_at": _iso(contract.first_delivered_at),
        "on_time": contract.on_time,
        "revision_rounds": contract.revision_rounds,
        "max_revision_rounds": policy.max_revision_rounds,
        "accepted_at": _iso(contract.accepted_at),
        "accepted_silently": contract.accepted_silently,
        "acceptance_report": contract.acceptance_report,
        "report_files": [attachments.describe(a) for a in delivery.report_files(session, task)],
        "rating_ends_at": _iso(delivery.rating_ends_at(session, contract, policy)),
        "closed_at": _iso(task.closed_at),
        "payment": payment,
        "deliverables": [deliverable(session, r, now) for r in rows],
        "pending_id": waiting.id if waiting is not None else None,
        "report_required": task.funding in delivery.REPORTED,
        "can_deliver": visibility.is_contract_agency(reader, contract)
        and delivery.delivery_refusal(task, contract, now) is None,
        "can_accept": may_decide,
        "can_request_revision": may_decide and delivery.revision_refusal(contract, policy) is None,
        "can_record_payment": applicant and delivery.payment_refusal(task, contract) is None,
    }
