"""From the signed contract to the closed task: delivery, acceptance or revision, silent
acceptance, the payment of `budget` contracts, closing (docs/rules.md §4).

- `deliver`: a member of the contracted agency submits the work (files and a note) while the
  contract is at work; each submission is a `Deliverable` of round 1 + the revisions asked so far,
  to be decided within `acceptance_wd` working days. The first one is judged on time or late
  against the contract's `due_at`, once (`signals.delivered`).
- `accept` / `request_revision`: the applicant decides the pending delivery. A `budget` or
  `state_owned` task is accepted only with an acceptance report (验收报告); at most
  `max_revision_rounds` revisions are asked for. A decision after the period is still taken for
  `budget` and `state_owned` tasks (the delivery was shown overdue meanwhile); a `private` one's
  period ends in acceptance by silence (`accept_silently_if_due`, swept).
- `record_payment`: the department records the payment of an accepted `budget` contract (the
  contract's price, a date and a treasury or budget reference; also its `ContractPayment` row and
  ledger transaction, `bidding.payments.recorded_book`, for the agency to confirm); unpaid at `payment_due_at`, the
  late payment goes on its record once (`record_late_payment_if_due`, swept).
- `close_if_due`: the accepted task closes once the rating period after acceptance is over and,
  for `budget`, once paid (swept).

Every write runs in the caller's transaction under the task's row lock; the sweeps are written
per row (`…_if_due(session, row, policy) -> bool`, idempotent) with a small loop each.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session, select

from bidding import notifying, signals, visibility
from bidding.locking import lock_task
from bidding.models import ApplicantRecord, Contract, Deliverable
from bidding.models.contracts import ACCEPTED, LATE_PAYMENT, REVISION
from bidding.models.payments import BUDGET_CODE
from bidding.payments import recorded_book
from bidding.policy import BiddingPolicy
from market import attachments, audit, clock, holidays, lifecycle
from market.jobs import each_due
from market.models import Task, User
from market.models.attachments import DELIVERY, REPORT, Attachment
from market.models.tasks import Funding
from market.validation import N_, Checker, Forbidden, Message, NotFound
from market.workdays import SHANGHAI, shanghai_date

log = logging.getLogger(__name__)

NOTE_MAX, REASON_MAX, REPORT_MAX, REFERENCE_MAX = 4000, 4000, 8000, 80

ONLY_AGENCY = N_("Only the contracted agency delivers the work.")
ONLY_APPLICANT = N_("Only the applicant accepts a delivery or asks for a revision.")
ONLY_PAYER = N_("Only the department that signed the contract records its payment.")
NOT_SIGNED = N_("The work is delivered once both sides have signed the contract.")
NOT_AT_WORK = N_(
    "A delivery can be submitted only while the contract is at work: not while a delivery "
    "awaits the applicant's decision, nor after acceptance or termination."
)
NO_FILE = N_("Attach at least one file of the work.")
NOT_PENDING = N_("This delivery no longer awaits a decision.")
SILENCE = N_(
    "The decision period of a privately funded task ended on %(date)s: the delivery is accepted "
    "by silence."
)
MAX_ROUNDS = N_(
    "At most %(max)d revision rounds may be asked for: accept the delivery, or terminate the "
    "contract."
)
REPORT_NEEDED = N_(
    "A budget or state-owned task is accepted only with an acceptance report: write it here."
)
NOT_BUDGET = N_("Payments are recorded on the platform for budget contracts only.")
NOT_ACCEPTED = N_("A payment is recorded once the work is accepted.")
ALREADY_PAID = N_("The payment of this contract is already recorded.")
PAID_IN_FUTURE = N_("The payment date cannot be in the future.")
PAID_BEFORE_ACCEPTANCE = N_("The payment date cannot be before the acceptance (%(date)s).")

#: Fundings whose acceptance needs an explicit acceptance report, never silence.
REPORTED = (Funding.budget, Funding.state_owned)


# --- finding a contract ---------------------------------------------------------------------------


def contract_of(session: Session, task: Task) -> Contract | None:
    """The task's current contract: the latest one not abandoned (an abandoned award ends its
    contract unsigned; the next in line gets its own)."""
    return session.exec(
        select(Contract)
        .where(Contract.task_id == task.id, Contract.abandoned_at.is_(None))
        .order_by(Contract.id.desc())
    ).first()


def readable(
    session: Session, viewer: User | None, contract_id: int, *, lock: bool = False
) -> tuple[Contract, Task, visibility.Reader]:
    """The contract `contract_id`, its task and the reader `viewer` is, if the reader may see its
    delivery (`visibility.sees_delivery`); anyone else gets the NotFound of a contract that does
    not exist. With `lock`, the task's row lock is taken first and the rows read again under it."""
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound()
    task = session.get(Task, contract.task_id)
    if lock:
        task = lock_task(session, task.number)
        session.refresh(contract)
    reader = visibility.reader_of(session, viewer, task)
    if not visibility.sees_delivery(reader, contract):
        raise NotFound()
    return contract, task, reader


def deliverables(session: Session, contract: Contract) -> list[Deliverable]:
    return list(
        session.exec(
            select(Deliverable)
            .where(Deliverable.contract_id == contract.id)
            .order_by(Deliverable.round)
        )
    )


def pending(session: Session, contract: Contract) -> Deliverable | None:
    """The delivery awaiting the applicant's decision, or None."""
    return session.exec(
        select(Deliverable).where(
            Deliverable.contract_id == contract.id, Deliverable.decided_at.is_(None)
        )
    ).first()


def files_of(session: Session, deliverable: Deliverable) -> list[Attachment]:
    ids = list(deliverable.files or [])
    if not ids:
        return []
    rows = {a.id: a for a in session.exec(select(Attachment).where(Attachment.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def report_files(session: Session, task: Task) -> list[Attachment]:
    """The acceptance report's files (only the applicant's acceptance adds one)."""
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.task_id == task.id, Attachment.owner_kind == REPORT)
            .order_by(Attachment.id)
        )
    )


def stored_path(row: Attachment, upload_dir) -> Path:
    """Where a contract file's bytes are (NotFound when the store lost them)."""
    path = attachments.path_for(upload_dir, row.sha256)
    if not path.is_file():
        raise NotFound()
    return path


def overdue(deliverable: Deliverable, now: datetime) -> bool:
    """Whether the applicant's decision on `deliverable` is past its period (shown to the
    applicant until it decides; a `private` task's is accepted by silence instead)."""
    return deliverable.decided_at is None and now >= deliverable.decide_by


def rating_ends_at(session: Session, contract: Contract, policy: BiddingPolicy) -> datetime | None:
    """The end of the rating period after acceptance, or None before acceptance."""
    if contract.accepted_at is None:
        return None
    return holidays.load(session).add_working_days(contract.accepted_at, policy.rating_wd)


# --- what the reader may do now -------------------------------------------------------------------


def delivery_refusal(task: Task, contract: Contract, now: datetime) -> str | None:
    """Why the agency cannot deliver now (a msgid), or None."""
    if contract.signed_at is None:
        return NOT_SIGNED
    if not lifecycle.allowed(task, "deliver", now):
        return NOT_AT_WORK
    return None


def decision_refusal(
    task: Task, contract: Contract, deliverable: Deliverable | None, now: datetime
) -> Message | None:
    """Why the applicant cannot decide `deliverable` now, or None."""
    if (
        deliverable is None
        or deliverable.contract_id != contract.id
        or deliverable.decided_at is not None
        or not lifecycle.allowed(task, "accept", now)
    ):
        return Message(NOT_PENDING)
    if task.funding not in REPORTED and now >= deliverable.decide_by:
        return Message(SILENCE, {"date": shanghai_date(deliverable.decide_by).isoformat()})
    return None


def revision_refusal(contract: Contract, policy: BiddingPolicy) -> Message | None:
    if contract.revision_rounds >= policy.max_revision_rounds:
        return Message(MAX_ROUNDS, {"max": policy.max_revision_rounds})
    return None


def payment_refusal(task: Task, contract: Contract) -> str | None:
    """Why no payment can be recorded for `contract` now (a msgid), or None."""
    if task.funding != Funding.budget:
        return NOT_BUDGET
    if contract.accepted_at is None:
        return NOT_ACCEPTED
    if contract.paid_at is not None:
        return ALREADY_PAID
    return None


# --- delivering -----------------------------------------------------------------------------------


def deliver(
    session: Session,
    actor: User | None,
    contract_id: int,
    note: object,
    files: list[tuple[object, bytes]],
    upload_dir,
    attachment_policy: attachments.AttachmentPolicy,
    policy: BiddingPolicy,
) -> Deliverable:
    """A member of the contracted agency delivers the work: one or more files and a note."""
    contract, task, reader = readable(session, actor, contract_id, lock=True)
    if not visibility.is_contract_agency(reader, contract):
        raise Forbidden(ONLY_AGENCY)
    now = clock.now()
    refusal = delivery_refusal(task, contract, now)
    if refusal is not None:
        raise Forbidden(refusal)
    c = Checker()
    clean_note = c.text("note", note, max_length=NOTE_MAX, multiline=True)
    if not files:
        c.add("file", NO_FILE)
    elif len(files) > attachment_policy.attachment_max_files:
        c.add("file", attachments.TOO_MANY, max=attachment_policy.attachment_max_files)
    c.raise_if_any()
    rows: list[Attachment] = []
    for filename, data in files:
        row = attachments.add_delivery_file(
            session,
            task,
            DELIVERY,
            contract.agency_id,
            filename,
            data,
            upload_dir,
            attachment_policy,
        )
        if row.id not in {r.id for r in rows}:
            rows.append(row)
    first = contract.first_delivered_at is None
    deliverable = Deliverable(
        contract_id=contract.id,
        round=contract.revision_rounds + 1,
        submitted_at=now,
        submitted_by_user_id=actor.id,
        note=clean_note,
        files=[r.id for r in rows],
        decide_by=holidays.load(session).add_working_days(now, policy.acceptance_wd),
    )
    session.add(deliverable)
    if first:
        contract.first_delivered_at = now
        contract.on_time = contract.due_at is None or now < contract.due_at
        session.add(contract)
    session.flush()
    data = {
        "contract": contract.id,
        "round": deliverable.round,
        "files": [{"sha256": r.sha256, "filename": r.filename} for r in rows],
        "decide_by": deliverable.decide_by.isoformat(),
    }
    if first:
        data["on_time"] = contract.on_time
    lifecycle.transition(
        session,
        task,
        "deliver",
        actor_user_id=actor.id,
        actor_org_id=contract.agency_id,
        data=data,
        at=now,
    )
    notifying.delivered(session, task, contract, deliverable)
    if first:
        signals.delivered.send(contract, session=session, on_time=contract.on_time)
    return deliverable


# --- deciding -------------------------------------------------------------------------------------


def _decidable(
    session: Session, actor: User | None, deliverable_id: int
) -> tuple[Deliverable, Contract, Task, datetime]:
    deliverable = session.get(Deliverable, deliverable_id)
    if deliverable is None:
        raise NotFound()
    contract, task, reader = readable(session, actor, deliverable.contract_id, lock=True)
    session.refresh(deliverable)
    if not visibility.is_contract_applicant(reader, contract):
        raise Forbidden(ONLY_APPLICANT)
    now = clock.now()
    refusal = decision_refusal(task, contract, deliverable, now)
    if refusal is not None:
        raise Forbidden(refusal)
    return deliverable, contract, task, now


def _accept(
    session: Session,
    task: Task,
    contract: Contract,
    deliverable: Deliverable,
    policy: BiddingPolicy,
    now: datetime,
    *,
    user_id: int | None,
    report: str | None,
    silently: bool,
    report_file: Attachment | None = None,
) -> None:
    deliverable.decided_at, deliverable.decision = now, ACCEPTED
    deliverable.decided_by_user_id = user_id
    contract.accepted_at, contract.accepted_by_user_id = now, user_id
    contract.acceptance_report, contract.accepted_silently = report, silently
    if task.funding == Funding.budget:
        contract.payment_due_at = holidays.load(session).add_calendar_days(
            now, policy.budget_payment_days
        )
    session.add(deliverable)
    session.add(contract)
    session.flush()
    data = {"contract": contract.id, "round": deliverable.round, "silently": silently}
    if report_file is not None:
        data["report_file"] = {"sha256": report_file.sha256, "filename": report_file.filename}
    if contract.payment_due_at is not None:
        data["payment_due_at"] = contract.payment_due_at.isoformat()
    lifecycle.transition(
        session,
        task,
        "accept",
        actor_user_id=user_id,
        actor_org_id=contract.applicant_org_id if user_id is not None else None,
        data=data,
        at=now,
    )
    notifying.accepted(session, task, contract)
    signals.accepted.send(contract, session=session)


def accept(
    session: Session,
    actor: User | None,
    deliverable_id: int,
    report: object,
    policy: BiddingPolicy,
    *,
    report_file: tuple[object, bytes] | None = None,
    upload_dir=None,
    attachment_policy: attachments.AttachmentPolicy | None = None,
) -> Contract:
    """The applicant accepts the pending delivery; a `budget` or `state_owned` task only with an
    acceptance report (text, and a file if it likes)."""
    deliverable, contract, task, now = _decidable(session, actor, deliverable_id)
    c = Checker()
    clean = c.text("report", report, max_length=REPORT_MAX, multiline=True, required=False)
    if clean is None and task.funding in REPORTED and c.ok("report"):
        c.add("report", REPORT_NEEDED)
    c.raise_if_any()
    stored = None
    if report_file is not None:
        stored = attachments.add_delivery_file(
            session,
            task,
            REPORT,
            contract.applicant_org_id,
            report_file[0],
            report_file[1],
            upload_dir,
            attachment_policy or attachments.AttachmentPolicy(),
        )
    _accept(
        session,
        task,
        contract,
        deliverable,
        policy,
        now,
        user_id=actor.id,
        report=clean,
        silently=False,
        report_file=stored,
    )
    return contract


def request_revision(
    session: Session, actor: User | None, deliverable_id: int, reason: object, policy: BiddingPolicy
) -> Deliverable:
    """The applicant asks for a revision of the pending delivery, with its reason; at most
    `max_revision_rounds` times (then it accepts, or the contract is terminated)."""
    deliverable, contract, task, now = _decidable(session, actor, deliverable_id)
    refusal = revision_refusal(contract, policy)
    if refusal is not None:
        raise Forbidden(refusal)
    c = Checker()
    clean = c.text("reason", reason, max_length=REASON_MAX, multiline=True)
    c.raise_if_any()
    deliverable.decided_at, deliverable.decision = now, REVISION
    deliverable.decided_by_user_id, deliverable.reason = actor.id, clean
    contract.revision_rounds += 1
    session.add(deliverable)
    session.add(contract)
    session.flush()
    lifecycle.transition(
        session,
        task,
        "request_revision",
        actor_user_id=actor.id,
        actor_org_id=contract.applicant_org_id,
        data={
            "contract": contract.id,
            "round": deliverable.round,
            "revision_rounds": contract.revision_rounds,
            "reason": clean,
        },
        at=now,
    )
    notifying.revision_asked(session, task, contract, deliverable)
    return deliverable


def accept_silently_if_due(
    session: Session, deliverable: Deliverable, policy: BiddingPolicy
) -> bool:
    """Accept a `private` task's delivery left undecided at its `decide_by` (idempotent); a
    `budget` or `state_owned` one is never accepted by silence: it stays pending, overdue."""
    now = clock.now()
    contract = session.get(Contract, deliverable.contract_id)
    task = session.get(Task, contract.task_id)
    if (
        task.funding in REPORTED
        or deliverable.decided_at is not None
        or now < deliverable.decide_by
        or not lifecycle.allowed(task, "accept", now)
    ):
        return False
    _accept(
        session, task, contract, deliverable, policy, now, user_id=None, report=None, silently=True
    )
    return True


# --- paying ---------------------------------------------------------------------------------------


def record_payment(
    session: Session,
    actor: User | None,
    contract_id: int,
    paid_on: object,
    reference: object,
    policy: BiddingPolicy,
) -> Contract:
    """The department records the payment of its accepted `budget` contract: the date it paid
    (Shanghai) and the treasury or budget reference; the amount is the contract's price."""
    contract, task, reader = readable(session, actor, contract_id, lock=True)
    if not visibility.is_contract_applicant(reader, contract):
        raise Forbidden(ONLY_PAYER)
    refusal = payment_refusal(task, contract)
    if refusal is not None:
        raise Forbidden(refusal)
    now = clock.now()
    c = Checker()
    day = c.date("paid_on", paid_on)
    clean = c.text("reference", reference, max_length=REFERENCE_MAX, markup=False)
    if day is not None:
        if day > shanghai_date(now):
            c.add("paid_on", PAID_IN_FUTURE)
        elif day < shanghai_date(contract.accepted_at):
            c.add(
                "paid_on",
                PAID_BEFORE_ACCEPTANCE,
                date=shanghai_date(contract.accepted_at).isoformat(),
            )
    c.raise_if_any()
    contract.paid_at = paid_at(day)
    contract.payment_reference = clean
    session.add(contract)
    session.flush()
    audit.record(
        session,
        "contract.paid",
        "task",
        task.number,
        {
            "contract": contract.id,
            "paid_on": day.isoformat(),
            "reference": clean,
            "amount_fen": contract.price_fen,
            "payment_due_at": contract.payment_due_at.isoformat(),
        },
        actor_user_id=actor.id,
        actor_org_id=contract.applicant_org_id,
    )
    recorded_book.book(
        session, actor, task, contract, means=BUDGET_CODE, reference=clean, paid_on=day
    )
    record_late_payment_if_due(session, contract, policy)
    return contract


def paid_at(day: date) -> datetime:
    """The moment a payment dated `day` is recorded at: the start of that day in Shanghai."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def record_late_payment_if_due(session: Session, contract: Contract, policy: BiddingPolicy) -> bool:
    """Put a `budget` contract's late payment on the department's record, once: unpaid at its
    `payment_due_at`, or paid on a day after it (idempotent)."""
    now = clock.now()
    due = contract.payment_due_at
    if (
        due is None
        or contract.payment_overdue_at is not None
        or now < due
        or (contract.paid_at is not None and contract.paid_at < due)
    ):
        return False
    contract.payment_overdue_at = now
    record = ApplicantRecord(
        org_id=contract.applicant_org_id,
        kind=LATE_PAYMENT,
        task_id=contract.task_id,
        contract_id=contract.id,
        at=now,
        details={"payment_due_at": due.isoformat(), "amount_fen": contract.price_fen},
    )
    session.add(contract)
    session.add(record)
    session.flush()
    task = session.get(Task, contract.task_id)
    audit.record(
        session,
        "contract.payment_overdue",
        "task",
        task.number,
        {"contract": contract.id, "payment_due_at": due.isoformat()},
    )
    notifying.payment_overdue(session, task, contract)
    signals.applicant_recorded.send(record, session=session)
    return True


# --- closing --------------------------------------------------------------------------------------


def close_if_due(session: Session, task: Task, policy: BiddingPolicy) -> bool:
    """Close an accepted task once the rating period after acceptance is over and, for a
    `budget` task, once its payment is recorded (idempotent)."""
    now = clock.now()
    if not lifecycle.allowed(task, "close", now):
        return False
    contract = contract_of(session, task)
    if contract is None or contract.accepted_at is None:
        return False
    ends = rating_ends_at(session, contract, policy)
    if now < ends or (task.funding == Funding.budget and contract.paid_at is None):
        return False
    lifecycle.transition(
        session,
        task,
        "close",
        at=now,
        data={"contract": contract.id, "rating_ended_at": ends.isoformat()},
    )
    return True


# --- the sweeps -----------------------------------------------------------------------------------


def _locked_row(session: Session, row, task_id: int):
    """`row` again under its task's row lock (a sweep's row may have changed since selected)."""
    lock_task(session, session.get(Task, task_id).number)
    session.refresh(row)
    return row


def accept_due_silently(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: accept by silence every `private` task's delivery undecided at its `decide_by`
    (`market.jobs.each_due`: one per transaction, each under its task's row lock)."""
    due = (
        select(Deliverable)
        .join(Contract, Contract.id == Deliverable.contract_id)
        .join(Task, Task.id == Contract.task_id)
        .where(
            Deliverable.decided_at.is_(None),
            Deliverable.decide_by <= clock.now(),
            Task.funding == Funding.private,
            Task.delivered_at.is_not(None),
            Task.accepted_at.is_(None),
            Task.terminated_at.is_(None),
            Task.cancelled_at.is_(None),
        )
    )

    def act(s: Session, row: Deliverable) -> bool:
        contract = s.get(Contract, row.contract_id)
        return accept_silently_if_due(s, _locked_row(s, row, contract.task_id), policy)

    return each_due(
        session,
        due,
        act,
        key=Deliverable.id,
        order=(Deliverable.decide_by,),
        label="accepting by silence the delivery",
        log=log,
        skip_locked=False,
    )


def record_late_payments(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: put every `budget` contract unpaid at its `payment_due_at` on the department's
    record, once."""
    due = select(Contract).where(
        Contract.payment_due_at <= clock.now(),
        Contract.payment_overdue_at.is_(None),
        Contract.paid_at.is_(None) | (Contract.paid_at >= Contract.payment_due_at),
    )

    def act(s: Session, row: Contract) -> bool:
        return record_late_payment_if_due(s, _locked_row(s, row, row.task_id), policy)

    return each_due(
        session,
        due,
        act,
        key=Contract.id,
        order=(Contract.payment_due_at,),
        label="recording a late payment of contract",
        log=log,
        skip_locked=False,
    )


def close_due_tasks(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: close every accepted task whose rating period is over (and, `budget`, paid). The
    period is in working days, which SQL does not count: the query bounds it by as many calendar
    days (never more than the working days), and `close_if_due` decides each."""
    due = (
        select(Task)
        .join(Contract, Contract.task_id == Task.id)
        .where(
            Task.accepted_at.is_not(None),
            Task.accepted_at <= clock.now() - timedelta(days=policy.rating_wd),
            Task.closed_at.is_(None),
            Task.terminated_at.is_(None),
            Task.cancelled_at.is_(None),
            Task.suspended_at.is_(None),
            Contract.accepted_at.is_not(None),
            Contract.abandoned_at.is_(None),
            (Task.funding != Funding.budget) | Contract.paid_at.is_not(None),
        )
    )

    def act(s: Session, task: Task) -> bool:
        return close_if_due(s, lock_task(s, task.number), policy)

    return each_due(
        session,
        due,
        act,
        key=Task.id,
        order=(Task.accepted_at,),
        label="closing task",
        log=log,
        skip_locked=False,
    )
