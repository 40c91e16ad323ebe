"""What a reader is shown of a contract: the same shape on the page and in the JSON API. Who may
read a contract is decided by `bidding.visibility` (`sees_contract`); the public sees only that a
contract was signed (`public_signed`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from bidding import visibility
from bidding.contracts import document
from bidding.models import Award, Contract
from bidding.policy import BiddingPolicy
from market.models import Organization, Task
from market.models.attachments import Attachment

AWAITING, OVERDUE, ABANDONED, SIGNED, TERMINATED = (
    "awaiting_signatures",
    "signing_overdue",
    "abandoned",
    "signed",
    "terminated",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def org_ref(org: Organization) -> dict:
    return {"id": org.id, "name": org.name, "uscc": org.uscc}


def state(contract: Contract, now: datetime) -> str:
    if contract.terminated_at is not None:
        return TERMINATED
    if contract.abandoned_at is not None:
        return ABANDONED
    if contract.signed_at is not None:
        return SIGNED
    return AWAITING if now < contract.sign_by else OVERDUE


def document_of(session: Session, contract: Contract, policy: BiddingPolicy) -> dict:
    """The contract's current document: the uploaded PDF, or the generated text."""
    if contract.document_attachment_id is not None:
        row = session.get(Attachment, contract.document_attachment_id)
        return {
            "source": "uploaded",
            "sha256": row.sha256,
            "filename": row.filename,
            "size": row.size,
        }
    generated = document.generate(session, contract, policy)
    return {"source": "generated", "sha256": generated.sha256, "filename": None, "size": None}


def contract(
    session: Session,
    row: Contract,
    task: Task,
    reader: visibility.Reader,
    now: datetime,
    policy: BiddingPolicy,
) -> dict:
    """The contract in full, for a reader `visibility.sees_contract` lets read it."""
    award = session.get(Award, row.award_id)
    return {
        "id": row.id,
        "task": task.number,
        "task_title": task.title,
        "funding": task.funding,
        "notice_number": award.notice_number,
        "agency": org_ref(session.get(Organization, row.agency_id)),
        "applicant": org_ref(session.get(Organization, row.applicant_org_id)),
        "price_fen": row.price_fen,
        "service_days": row.service_days,
        "created_at": _iso(row.created_at),
        "sign_by": _iso(row.sign_by),
        "state": state(row, now),
        "document": document_of(session, row, policy),
        "signed_document_sha256": row.document_sha256,
        "agency_signed_at": _iso(row.agency_signed_at),
        "applicant_signed_at": _iso(row.applicant_signed_at),
        "signed_at": _iso(row.signed_at),
        "due_at": _iso(row.due_at),
        "abandoned_at": _iso(row.abandoned_at),
        "terminated_at": _iso(row.terminated_at),
        "termination_reason": row.termination_reason,
        "fault_party": row.fault_party,
        "my_side": visibility.contract_side(reader, row),
    }


def listed(row: Contract, task: Task, side: str, now: datetime) -> dict:
    """A row of a party's own contracts."""
    return {
        "id": row.id,
        "task": task.number,
        "task_title": task.title,
        "my_side": side,
        "price_fen": row.price_fen,
        "sign_by": _iso(row.sign_by),
        "signed_at": _iso(row.signed_at),
        "state": state(row, now),
    }


def own_contracts(session: Session, org: Organization, now: datetime) -> list[dict]:
    return [listed(c, t, side, now) for c, t, side in visibility.own_contracts(session, org)]


def public_signed(session: Session, task: Task) -> list[dict]:
    """What everyone sees of the task's signed contracts: date, price, parties."""
    rows = session.exec(
        select(Contract).where(Contract.task_id == task.id).order_by(Contract.id)
    ).all()
    return [
        {
            "signed_at": _iso(c.signed_at),
            "price_fen": c.price_fen,
            "agency": org_ref(session.get(Organization, c.agency_id)),
            "applicant": org_ref(session.get(Organization, c.applicant_org_id)),
            "terminated_at": _iso(c.terminated_at),
        }
        for c in rows
        if visibility.signed_contract_public(c)
    ]
