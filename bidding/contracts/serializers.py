"""What a reader is shown of a contract: the same shape on the page and in the JSON API. Who may
read a contract is decided by `bidding.visibility` (`sees_contract`); the public sees only that a
contract was signed (`public_signed`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, select

from bidding import visibility
from bidding.contracts import document
from bidding.contracts import services as contracts
from bidding.models import Award, Contract
from bidding.policy import BiddingPolicy
from market.models import Organization, Task, User
from market.models.attachments import Attachment
from market.validation import Message

AWAITING, OVERDUE, ABANDONED, SIGNED, TERMINATED = (
    "awaiting_signatures",
    "signing_overdue",
    "abandoned",
    "signed",
    "terminated",
)


def _plain(message: Message) -> str:
    return message.msgid % dict(message.params) if message.params else message.msgid


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
    user: User | None = None,
    tr: Callable[[Message], str] = _plain,
) -> dict:
    """The contract in full, for a reader `visibility.sees_contract` lets read it, with what the
    reader may do now (`actions`, a refusal to sign in the reader's words)."""
    award = session.get(Award, row.award_id)
    doc = document_of(session, row, policy)
    can = contracts.actions(session, row, task, reader, user, doc["sha256"], now)
    if can["sign_refusal"] is not None:
        can["sign_refusal"] = tr(can["sign_refusal"])
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
        "document": doc,
        "signed_document_sha256": row.document_sha256,
        "agency_signed_at": _iso(row.agency_signed_at),
        "applicant_signed_at": _iso(row.applicant_signed_at),
        "signed_at": _iso(row.signed_at),
        "due_at": _iso(row.due_at),
        "abandoned_at": _iso(row.abandoned_at),
        "terminated_at": _iso(row.terminated_at),
        "termination_reason": row.termination_reason,
        "fault_party": row.fault_party,
        "termination_proposal": None
        if row.termination_proposed_at is None
        else {
            "proposed_at": _iso(row.termination_proposed_at),
            "side": row.termination_proposed_side,
            "reason": row.termination_proposal_reason,
            "refund_fen": row.termination_refund_fen,
        },
        "termination_refund_fen": row.termination_refund_fen,
        "my_side": visibility.contract_side(reader, row),
        "actions": can,
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


def _task_rows(session: Session, task: Task) -> list[Contract]:
    return list(
        session.exec(select(Contract).where(Contract.task_id == task.id).order_by(Contract.id))
    )


def public_signed(session: Session, task: Task, rows: list[Contract] | None = None) -> list[dict]:
    """What everyone sees of the task's signed contracts: date, price, parties. `rows`: the
    task's contracts in id order when the caller has just read them."""
    if rows is None:
        rows = _task_rows(session, task)
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


def task_contracts(session: Session, task: Task, reader: visibility.Reader, now: datetime) -> dict:
    """The task page's contracts section: those the reader may read in full (with their state),
    and what everyone sees of the signed ones."""
    rows = _task_rows(session, task)
    return {
        "own": [
            {"id": c.id, "state": state(c, now), "sign_by": _iso(c.sign_by)}
            for c in rows
            if visibility.sees_contract(reader, c)
        ],
        "signed": public_signed(session, task, rows),
    }
