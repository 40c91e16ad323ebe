"""The contract's rules (docs/rules.md §4): reading it, its document, each side's confirmation,
the signing limit, termination and the applicant's record. Plain functions over a session, in the
caller's transaction, under the task's row lock for every write; who may read a contract is
decided by `bidding.visibility`.

- **The document** is the one the platform generates from the service category's template
  (`bidding.contracts.document`), unless the applicant uploads a PDF of its own (or goes back to
  the generated one). A confirmation is of a document: its SHA-256 is recorded
  (`Contract.document_sha256`), and a change of document after a side confirmed clears that
  side's confirmation.
- **Signing**: each side (a member of the agency, a member of the applicant) confirms the price
  (the awarded price, always) and the service period before `sign_by`. Confirming twice is
  idempotent. Nothing is signed while the task is suspended or a complaint about it awaits its
  decision. When both confirmed, `signed_at` is the later confirmation and `due_at` the end of
  the Shanghai day `service_days` calendar days after it (rolled to the next working day, as
  `WorkCalendar.add_calendar_days`); the task is contracted.
- **The signing limit** (`enforce_signing_limit_if_due`, swept): past `sign_by` unsigned, an
  agency that did not confirm abandons the award, which goes to the next in line; an applicant
  that did not confirm gets a late-signing record once, and may still sign.
- **Termination**: by both parties (one proposes with a reason, the other confirms; nobody's
  fault), or by a regulator covering the task, with a reason and the party at fault.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bidding import awards, notifying, signals, visibility
from bidding.contracts import document
from bidding.locking import lock_task
from bidding.models import ApplicantRecord, Award, Contract
from bidding.models.contracts import AGENCY, APPLICANT, LATE_PAYMENT, LATE_SIGNING, NEITHER
from bidding.models.results import ABANDONED
from bidding.policy import BiddingPolicy
from market import attachments, audit, clock, holidays, lifecycle, suspensions
from market.attachments import AttachmentPolicy
from market.jobs import each_due
from market.models import Notification, Task, User
from market.models.attachments import Attachment
from market.validation import N_, Checker, Forbidden, Invalid, Message, NotFound, yuan_text
from market.workdays import SHANGHAI

log = logging.getLogger(__name__)

ONLY_PARTIES = N_("Only a member of the agency or of the applicant may do this.")
ONLY_APPLICANT_DOCUMENT = N_("Only the applicant provides the contract document.")
NOT_PDF = N_("The contract document must be a PDF file whose name ends in .pdf.")
CLOSED_ABANDONED = N_("This contract was abandoned: the agency did not sign it in time.")
CLOSED_TERMINATED = N_("This contract was terminated.")
CLOSED_SIGNED = N_("This contract is signed: its document can no longer be changed.")
SUSPENDED = N_("The task is suspended: nothing can be signed until the regulator resumes it.")
COMPLAINT = N_(
    "A complaint about this task awaits the regulator's decision: nothing can be signed until "
    "it is decided."
)
TOO_LATE = N_("The time to sign this contract ended at %(at)s.")
DOCUMENT_LATE = N_("The time to sign this contract ended at %(at)s: its document stays as it is.")
DOCUMENT_CHANGED = N_(
    "The contract document changed since you read it: read it again before you confirm."
)
NOT_TERMINABLE = N_("Only a signed contract whose work is not yet accepted can be terminated.")
ALREADY_PROPOSED = N_("Your side already proposed ending this contract.")
OTHER_PROPOSED = N_(
    "The other side already proposed ending this contract: confirm its proposal instead."
)
NO_PROPOSAL = N_("Nobody has proposed ending this contract.")
OWN_PROPOSAL = N_("The other side must confirm your proposal to end this contract.")
ONLY_REGULATOR = N_("Only a regulator whose jurisdiction covers this task may do this.")
FAULT_PARTIES = (AGENCY, APPLICANT, NEITHER)
BAD_FAULT = N_("Say which party is at fault: the agency, the applicant or neither.")
BAD_REFUND = N_(
    "The refund to the payer is an amount from 0 to the contract's price (%(price)s yuan)."
)
#: The reason the award is abandoned, as its public result shows it.
ABANDONED_REASON = "中选机构未在签订期限内确认合同（%s）"


def shanghai_text(moment: datetime) -> str:
    """How a message shows a moment: Shanghai time, midnight as 24:00 of the day it ends."""
    local = moment.astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return (local - timedelta(days=1)).strftime("%Y-%m-%d 24:00")
    return local.strftime("%Y-%m-%d %H:%M")


# --- reading ---------------------------------------------------------------------------------------


def load(session: Session, user: User | None, contract_id: int) -> tuple[Contract, Task]:
    """The contract `contract_id` with its task, if `user` may read it; else `NotFound`, the same
    as for a contract that does not exist."""
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound()
    task = session.get(Task, contract.task_id)
    if not visibility.sees_contract(visibility.reader_of(session, user, task), contract):
        raise NotFound()
    return contract, task


def _locked(session: Session, user: User, contract_id: int) -> tuple[Contract, Task]:
    """`load`, then the task's row lock, then the contract read again under it."""
    contract, task = load(session, user, contract_id)
    task = lock_task(session, task.number)
    session.refresh(contract)
    return contract, task


def _party(session: Session, user: User, contract_id: int) -> tuple[Contract, Task, str]:
    contract, task = _locked(session, user, contract_id)
    side = visibility.contract_side(visibility.reader_of(session, user, task), contract)
    if side is None:
        raise Forbidden(ONLY_PARTIES)
    return contract, task, side


def current_document_sha256(session: Session, contract: Contract, policy: BiddingPolicy) -> str:
    """The SHA-256 of the contract's document now: the uploaded file's, or the generated text's."""
    if contract.document_attachment_id is not None:
        return session.get(Attachment, contract.document_attachment_id).sha256
    return document.generate(session, contract, policy).sha256


def document_file(session: Session, user: User | None, contract_id: int, upload_dir):
    """The uploaded contract document (row, path) for a reader of the contract."""
    contract, _ = load(session, user, contract_id)
    if contract.document_attachment_id is None:
        raise NotFound()
    return attachments.stored_file(session, contract.document_attachment_id, upload_dir)


# --- the document ----------------------------------------------------------------------------------


def _closed(contract: Contract) -> Message | None:
    if contract.terminated_at is not None:
        return Message(CLOSED_TERMINATED)
    if contract.abandoned_at is not None:
        return Message(CLOSED_ABANDONED)
    if contract.signed_at is not None:
        return Message(CLOSED_SIGNED)
    return None


def _document_refusal(contract: Contract, side: str, now: datetime) -> Message | None:
    if side != APPLICANT:
        return Message(ONLY_APPLICANT_DOCUMENT)
    closed = _closed(contract)
    if closed is not None:
        return closed
    if now >= contract.sign_by:
        # A change now would clear the agency's confirmation after its time ran out.
        return Message(DOCUMENT_LATE, {"at": shanghai_text(contract.sign_by)})
    return None


def _clear_confirmations(
    session: Session, contract: Contract, task: Task, new_sha256: str, user: User
) -> list[str]:
    """The document is now `new_sha256`: clear the confirmations given to another one."""
    cleared = []
    if contract.document_sha256 is not None and contract.document_sha256 != new_sha256:
        for side in (AGENCY, APPLICANT):
            if getattr(contract, f"{side}_signed_at") is not None:
                setattr(contract, f"{side}_signed_at", None)
                setattr(contract, f"{side}_signed_by_user_id", None)
                cleared.append(side)
        if cleared:
            audit.record(
                session,
                "contract.confirmation_cleared",
                "contract",
                contract.id,
                {
                    "task": task.number,
                    "sides": cleared,
                    "confirmed_sha256": contract.document_sha256,
                    "document_sha256": new_sha256,
                },
                actor_user_id=user.id,
                actor_org_id=user.organization_id,
            )
        contract.document_sha256 = None
    return cleared


def _change_document(
    session: Session,
    contract: Contract,
    task: Task,
    user: User,
    attachment: Attachment | None,
    new_sha256: str,
) -> list[str]:
    before = contract.document_attachment_id
    contract.document_attachment_id = attachment.id if attachment else None
    cleared = _clear_confirmations(session, contract, task, new_sha256, user)
    session.add(contract)
    session.flush()
    if before != contract.document_attachment_id:
        audit.record(
            session,
            "contract.document_changed",
            "contract",
            contract.id,
            {
                "task": task.number,
                "source": "uploaded" if attachment else "generated",
                "filename": attachment.filename if attachment else None,
                "sha256": new_sha256,
                "confirmations_cleared": cleared,
            },
            actor_user_id=user.id,
            actor_org_id=user.organization_id,
        )
    return cleared


def upload_document(
    session: Session,
    user: User,
    contract_id: int,
    filename: object,
    data: bytes,
    upload_dir,
    policy: BiddingPolicy,
    attachment_policy: AttachmentPolicy | None = None,
) -> Contract:
    """The applicant uploads the contract document (a PDF) in place of the generated one."""
    contract, task, side = _party(session, user, contract_id)
    refusal = _document_refusal(contract, side, clock.now())
    if refusal is not None:
        raise Forbidden(refusal)
    attachment_policy = attachment_policy or AttachmentPolicy()
    content_type, name = attachments.check_file(filename, data, attachment_policy)
    if content_type != "application/pdf":
        raise Invalid({"file": [Message(NOT_PDF)]})
    row = attachments.add_contract_document(
        session, task, contract.applicant_org_id, name, data, upload_dir, attachment_policy
    )
    _change_document(session, contract, task, user, row, row.sha256)
    return contract


def use_generated_document(
    session: Session, user: User, contract_id: int, policy: BiddingPolicy
) -> Contract:
    """The applicant goes back to the document generated from the template."""
    contract, task, side = _party(session, user, contract_id)
    refusal = _document_refusal(contract, side, clock.now())
    if refusal is not None:
        raise Forbidden(refusal)
    if contract.document_attachment_id is None:
        return contract
    generated = document.generate(session, contract, policy)
    _change_document(session, contract, task, user, None, generated.sha256)
    return contract


# --- signing ---------------------------------------------------------------------------------------


def sign_refusal(
    session: Session, contract: Contract, task: Task, side: str | None, now: datetime
) -> Message | None:
    """Why `side` may not confirm the contract now, or None. A side that already confirmed is
    not refused (confirming again changes nothing)."""
    if contract.terminated_at is not None:
        return Message(CLOSED_TERMINATED)
    if contract.abandoned_at is not None:
        return Message(CLOSED_ABANDONED)
    if contract.signed_at is not None:
        return None
    if task.suspended_at is not None:
        return Message(SUSPENDED)
    if awards.complaint_pending(session, task.id):
        return Message(COMPLAINT)
    # Past the limit only the applicant may still confirm, once the agency has (docs/rules.md §4).
    if now >= contract.sign_by and not (side == APPLICANT and contract.agency_signed_at):
        return Message(TOO_LATE, {"at": shanghai_text(contract.sign_by)})
    return None


def sign(
    session: Session,
    user: User,
    contract_id: int,
    policy: BiddingPolicy,
    document_sha256: str | None = None,
) -> Contract:
    """The user's side confirms the contract (its document `document_sha256` when given, which
    must be the current one); the second confirmation signs it."""
    contract, task, side = _party(session, user, contract_id)
    if contract.signed_at is not None:
        return contract  # signed is signed, whatever the generated text reads today
    now = clock.now()
    current = current_document_sha256(session, contract, policy)
    if document_sha256 is not None and document_sha256 != current:
        raise Invalid({"document_sha256": [Message(DOCUMENT_CHANGED)]})
    if getattr(contract, f"{side}_signed_at") is not None and contract.document_sha256 == current:
        return contract
    refusal = sign_refusal(session, contract, task, side, now)
    if refusal is not None:
        raise Forbidden(refusal)
    # A generated document that changed since the other side confirmed (a party's name, say).
    _clear_confirmations(session, contract, task, current, user)
    setattr(contract, f"{side}_signed_at", now)
    setattr(contract, f"{side}_signed_by_user_id", user.id)
    contract.document_sha256 = current
    session.add(contract)
    session.flush()
    audit.record(
        session,
        "contract.confirmed",
        "contract",
        contract.id,
        {"task": task.number, "side": side, "document_sha256": current},
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
    )
    if side == APPLICANT and now >= contract.sign_by:
        _record_late_signing(session, contract, task, now)
    if contract.agency_signed_at is not None and contract.applicant_signed_at is not None:
        _signed(session, contract, task, user)
    return contract


def _signed(session: Session, contract: Contract, task: Task, user: User) -> None:
    contract.signed_at = max(contract.agency_signed_at, contract.applicant_signed_at)
    contract.due_at = holidays.load(session).add_calendar_days(
        contract.signed_at, contract.service_days
    )
    session.add(contract)
    session.flush()
    lifecycle.transition(
        session,
        task,
        "contract",
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
        at=contract.signed_at,
        data={
            "contract": contract.id,
            "document_sha256": contract.document_sha256,
            "price_fen": contract.price_fen,
            "due_at": contract.due_at.isoformat(),
        },
    )
    notifying.contract_signed(session, task, contract)
    signals.contract_signed.send(contract, session=session)


# --- the signing limit -----------------------------------------------------------------------------


def _record_late_signing(session: Session, contract: Contract, task: Task, now: datetime) -> bool:
    """Put the applicant's late signing on its record, once per contract."""
    exists = session.exec(
        select(ApplicantRecord.id).where(
            ApplicantRecord.contract_id == contract.id, ApplicantRecord.kind == LATE_SIGNING
        )
    ).first()
    if exists is not None:
        return False
    row = ApplicantRecord(
        org_id=contract.applicant_org_id,
        kind=LATE_SIGNING,
        task_id=task.id,
        contract_id=contract.id,
        at=now,
        details={"sign_by": contract.sign_by.isoformat()},
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "applicant.recorded",
        "organization",
        contract.applicant_org_id,
        {"kind": LATE_SIGNING, "task": task.number, "contract": contract.id},
    )
    signals.applicant_recorded.send(row, session=session)
    return True


def signing_due(contract: Contract, task: Task, now: datetime) -> bool:
    return (
        contract.signed_at is None
        and contract.abandoned_at is None
        and contract.terminated_at is None
        and now >= contract.sign_by
        and task.suspended_at is None
    )


def enforce_signing_limit_if_due(
    session: Session, contract: Contract, policy: BiddingPolicy
) -> bool:
    """Past `sign_by` unsigned (idempotent): an agency that did not confirm abandons the award —
    the next in line is named, or the selection fails; else the applicant is late, which goes on
    its record once. Waits while the task is suspended or a complaint awaits its decision."""
    task = lock_task(session, session.get(Task, contract.task_id).number)
    session.refresh(contract)
    now = clock.now()
    if not signing_due(contract, task, now) or awards.complaint_pending(session, task.id):
        return False
    if session.get(Award, contract.award_id).revoked_at is not None:
        return False  # its award was revoked on a complaint: the contract is void
    if contract.agency_signed_at is None:
        contract.abandoned_at = now
        session.add(contract)
        session.flush()
        audit.record(
            session,
            "contract.abandoned",
            "contract",
            contract.id,
            {
                "task": task.number,
                "sign_by": contract.sign_by.isoformat(),
                "applicant_confirmed": contract.applicant_signed_at is not None,
            },
        )
        awards.hand_over(
            session,
            task,
            policy,
            because=ABANDONED,
            reason=ABANDONED_REASON % shanghai_text(contract.sign_by),
        )
        return True
    return _record_late_signing(session, contract, task, now)


def _unsigned(now_bound):
    """Contracts unsigned, not ended, of a current award, on a task not suspended, whose `sign_by`
    is at or before `now_bound`."""
    return (
        select(Contract)
        .join(Task, Task.id == Contract.task_id)
        .join(Award, Award.id == Contract.award_id)
        .where(
            Contract.signed_at.is_(None),
            Contract.abandoned_at.is_(None),
            Contract.terminated_at.is_(None),
            Award.revoked_at.is_(None),
            Contract.sign_by <= now_bound,
            Task.suspended_at.is_(None),
        )
    )


def enforce_signing_limits(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: every contract past its signing limit unsigned (`enforce_signing_limit_if_due`);
    returns how many it acted on. One contract per transaction (`market.jobs.each_due`)."""
    return each_due(
        session,
        _unsigned(clock.now()),
        lambda s, contract: enforce_signing_limit_if_due(s, contract, policy),
        key=Contract.id,
        order=(Contract.sign_by,),
        label="the signing limit of contract",
        log=log,
        skip_locked=False,
    )


def remind_signing_if_due(session: Session, contract: Contract, policy: BiddingPolicy) -> bool:
    """Remind each side that has not confirmed, once, `signing_reminder_days` before `sign_by`
    (idempotent: a side reminded of this contract is not reminded again)."""
    task = lock_task(session, session.get(Task, contract.task_id).number)
    session.refresh(contract)
    now = clock.now()
    if contract.signed_at is not None or now >= contract.sign_by:
        return False
    if now < contract.sign_by - timedelta(days=policy.signing_reminder_days):
        return False
    reminded = {
        n.org_id
        for n in session.exec(
            select(Notification).where(
                Notification.task_id == task.id, Notification.kind == notifying.SIGNING_REMINDER
            )
        )
        if n.data.get("contract") == contract.id
    }
    sides = [
        org_id
        for org_id, signed in (
            (contract.agency_id, contract.agency_signed_at),
            (contract.applicant_org_id, contract.applicant_signed_at),
        )
        if signed is None and org_id not in reminded
    ]
    for org_id in sides:
        notifying.signing_reminder(session, task, contract, org_id)
    return bool(sides)


def remind_signing(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: remind the sides of every unsigned contract whose signing limit is near."""
    soon = clock.now() + timedelta(days=policy.signing_reminder_days)
    return each_due(
        session,
        _unsigned(soon).where(Contract.sign_by > clock.now()),
        lambda s, contract: remind_signing_if_due(s, contract, policy),
        key=Contract.id,
        order=(Contract.sign_by,),
        label="the signing reminder of contract",
        log=log,
        skip_locked=False,
    )


# --- termination -----------------------------------------------------------------------------------


def _require_terminable(task: Task, contract: Contract, now: datetime) -> None:
    if contract.signed_at is None or not lifecycle.allowed(task, "terminate", now):
        raise Forbidden(NOT_TERMINABLE)


def _check_refund(check: Checker, contract: Contract, refund_fen: object) -> None:
    if refund_fen is not None and (
        type(refund_fen) is not int or not 0 <= refund_fen <= contract.price_fen
    ):
        check.add("refund", BAD_REFUND, price=yuan_text(contract.price_fen))


def propose_termination(
    session: Session, user: User, contract_id: int, reason: object, refund_fen: object = None
) -> Contract:
    """One side proposes ending the contract by agreement, with its reason and — for a contract
    paid by card into escrow — what goes back to the payer (`refund_fen`; None: all that escrow
    holds), which the other side's confirmation agrees to (docs/rules.md §7)."""
    contract, task, side = _party(session, user, contract_id)
    now = clock.now()
    _require_terminable(task, contract, now)
    if contract.termination_proposed_at is not None:
        raise Forbidden(
            ALREADY_PROPOSED if contract.termination_proposed_side == side else OTHER_PROPOSED
        )
    check = Checker()
    reason = check.text("reason", reason, max_length=2000, multiline=True)
    _check_refund(check, contract, refund_fen)
    check.raise_if_any()
    contract.termination_refund_fen = refund_fen
    contract.termination_proposed_at = now
    contract.termination_proposed_by_user_id = user.id
    contract.termination_proposed_side = side
    contract.termination_proposal_reason = reason
    session.add(contract)
    session.flush()
    audit.record(
        session,
        "contract.termination_proposed",
        "contract",
        contract.id,
        {"task": task.number, "side": side, "reason": reason, "refund_fen": refund_fen},
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
    )
    return contract


def withdraw_termination(session: Session, user: User, contract_id: int) -> Contract:
    """The side that proposed ending the contract withdraws its proposal."""
    contract, task, side = _party(session, user, contract_id)
    if contract.termination_proposed_at is None or contract.terminated_at is not None:
        raise Forbidden(NO_PROPOSAL)
    if contract.termination_proposed_side != side:
        raise Forbidden(OTHER_PROPOSED)
    contract.termination_proposed_at = None
    contract.termination_proposed_by_user_id = None
    contract.termination_proposed_side = None
    contract.termination_proposal_reason = None
    contract.termination_refund_fen = None
    session.add(contract)
    session.flush()
    audit.record(
        session,
        "contract.termination_withdrawn",
        "contract",
        contract.id,
        {"task": task.number, "side": side},
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
    )
    return contract


def confirm_termination(session: Session, user: User, contract_id: int) -> Contract:
    """The other side confirms the proposal: the contract ends by agreement, nobody at fault."""
    contract, task, side = _party(session, user, contract_id)
    now = clock.now()
    _require_terminable(task, contract, now)
    if contract.termination_proposed_at is None:
        raise Forbidden(NO_PROPOSAL)
    if contract.termination_proposed_side == side:
        raise Forbidden(OWN_PROPOSAL)
    _terminate(
        session, contract, task, user, contract.termination_proposal_reason, NEITHER, "agreement"
    )
    return contract


def terminate_by_regulator(
    session: Session,
    user: User,
    contract_id: int,
    reason: object,
    fault_party: object,
    refund_fen: object = None,
) -> Contract:
    """A regulator covering the task ends the contract, with its reason and the party at fault,
    and — for a contract paid by card into escrow — what goes back to the payer (`refund_fen`,
    0 to the price; None: all that escrow holds; docs/rules.md §7)."""
    contract, task = _locked(session, user, contract_id)
    if not suspensions.covers(session, user, task):
        raise Forbidden(ONLY_REGULATOR)
    now = clock.now()
    _require_terminable(task, contract, now)
    check = Checker()
    reason = check.text("reason", reason, max_length=2000, multiline=True)
    if fault_party not in FAULT_PARTIES:
        check.add("fault_party", BAD_FAULT)
    _check_refund(check, contract, refund_fen)
    check.raise_if_any()
    contract.termination_refund_fen = refund_fen
    _terminate(session, contract, task, user, reason, fault_party, "regulator")
    return contract


def _terminate(
    session: Session,
    contract: Contract,
    task: Task,
    user: User,
    reason: str,
    fault_party: str,
    how: str,
) -> None:
    now = clock.now()
    contract.terminated_at = now
    contract.terminated_by_user_id = user.id
    contract.termination_reason = reason
    contract.fault_party = fault_party
    session.add(contract)
    session.flush()
    lifecycle.transition(
        session,
        task,
        "terminate",
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
        at=now,
        data={"contract": contract.id, "by": how, "fault_party": fault_party, "reason": reason},
    )
    audit.record(
        session,
        "contract.terminated",
        "contract",
        contract.id,
        {"task": task.number, "by": how, "fault_party": fault_party, "reason": reason},
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
    )
    signals.terminated.send(contract, session=session, fault_party=fault_party)


# --- the applicant's record ------------------------------------------------------------------------


def applicant_record(session: Session, org_id: int) -> list[tuple[ApplicantRecord, Task]]:
    """The facts on an organization's record as an applicant, newest first (public)."""
    return list(
        session.exec(
            select(ApplicantRecord, Task)
            .join(Task, Task.id == ApplicantRecord.task_id)
            .where(ApplicantRecord.org_id == org_id)
            .order_by(ApplicantRecord.at.desc(), ApplicantRecord.id.desc())
        ).all()
    )


# --- what a reader may do now ----------------------------------------------------------------------


def actions(
    session: Session,
    contract: Contract,
    task: Task,
    reader: visibility.Reader,
    user: User | None,
    current_sha256: str,
    now: datetime,
) -> dict:
    """What the reader may do to the contract now (the page shows those forms, the API says
    them), and why it may not sign when it is a party that has not signed."""
    side = visibility.contract_side(reader, contract)
    confirmed = (
        side is not None
        and getattr(contract, f"{side}_signed_at") is not None
        and contract.document_sha256 == current_sha256
    )
    refusal = sign_refusal(session, contract, task, side, now) if side else None
    terminable = contract.signed_at is not None and lifecycle.allowed(task, "terminate", now)
    proposed = contract.termination_proposed_at is not None
    return {
        "sign": side is not None and not confirmed and contract.signed_at is None and not refusal,
        "sign_refusal": refusal if side and not confirmed and contract.signed_at is None else None,
        "change_document": side is not None and _document_refusal(contract, side, now) is None,
        "propose_termination": side is not None and terminable and not proposed,
        "confirm_termination": side is not None
        and terminable
        and proposed
        and contract.termination_proposed_side != side,
        "withdraw_termination": side is not None
        and proposed
        and contract.terminated_at is None
        and contract.termination_proposed_side == side,
        "terminate": user is not None
        and reader.audience == visibility.REGULATOR
        and reader.in_jurisdiction
        and terminable,
    }


#: How an applicant's record says each fact.
RECORD_TEXTS = {
    LATE_SIGNING: N_(
        "Did not confirm the contract for task %(task)s by its signing limit (%(sign_by)s)."
    ),
    LATE_PAYMENT: N_("Did not pay for the accepted work on task %(task)s when payment was due."),
}


def on_organization_record(org, session: Session, **_) -> list[dict]:
    """`market.signals.organization_record`: the applicant's record (its late signings and
    late payments), as market's page and API show it."""
    out = []
    for row, task in applicant_record(session, org.id):
        params = {"task": task.number}
        if row.kind == LATE_SIGNING:
            sign_by = datetime.fromisoformat(row.details["sign_by"])
            params["sign_by"] = shanghai_text(sign_by)
        out.append(
            {
                "kind": row.kind,
                "at": row.at,
                "task": task.number,
                "text": Message(RECORD_TEXTS.get(row.kind, row.kind), params),
            }
        )
    return out
