"""Abnormally low bids: the bidder's written explanation and the applicant's decision (docs/rules.md §5).

A bid flagged at opening stays *pending* until the applicant accepts its explanation or rules it
invalid, each with a published reason; a bidder that does not explain by the due time has its bid
ruled invalid by the sweep. When the last pending bid is decided, validity becomes final and the
task moves on (`bidding.progress.advance`).
"""

from __future__ import annotations

import logging

from sqlmodel import Session, select

from bidding import progress
from bidding.locking import lock_task
from bidding.models import Bid, ExplanationRequest, ValidityDecision
from bidding.policy import BiddingPolicy
from market import audit, clock, lifecycle
from market.accounts import require_kind
from market.jobs import each_due
from market.models import OrgKind, Task, User
from market.validation import N_, Checker, Forbidden, NotFound

log = logging.getLogger(__name__)
MAX_TEXT = 5000


def _request_for(session: Session, bid_id: int) -> tuple[Task, Bid, ExplanationRequest]:
    """The bid's explanation request, with its task locked first and the request read after.

    The request is re-read from the database once the lock is held, even if the session had
    loaded it before (the sweep selects due requests before it locks their task): another
    transaction may have explained or decided it meanwhile, and a stale copy would let the
    sweep rule an explained bid invalid, or rule the same bid twice.
    """
    bid = session.get(Bid, bid_id)
    if bid is None:
        raise NotFound()
    task = lock_task(session, session.get(Task, bid.task_id).number)
    if lifecycle.sealed(task):
        raise NotFound()  # before opening, a bid must not be told apart from no bid at all
    request = session.exec(
        select(ExplanationRequest)
        .where(ExplanationRequest.bid_id == bid.id)
        .execution_options(populate_existing=True)
    ).first()
    if request is None:
        raise Forbidden(N_("No explanation was asked for this bid."))
    return task, bid, request


def _decision_for(session: Session, bid: Bid) -> ValidityDecision:
    return session.exec(select(ValidityDecision).where(ValidityDecision.bid_id == bid.id)).one()


def submit_explanation(
    session: Session, actor: User, bid_id: int, text: object
) -> ExplanationRequest:
    """The bidder explains its abnormally low price in writing, before the due time (once)."""
    task, bid, request = _request_for(session, bid_id)
    agency = require_kind(session, actor, OrgKind.agency)
    if agency.id != bid.agency_id:
        raise Forbidden(N_("Only the bidder may explain its price."))
    if request.explanation is not None or request.decision is not None:
        raise Forbidden(N_("This explanation has already been given."))
    if clock.now() >= request.due_at:
        raise Forbidden(N_("The time to explain this price has passed."))
    c = Checker()
    clean = c.text("explanation", text, max_length=MAX_TEXT, multiline=True)
    c.raise_if_any()
    request.explanation, request.explained_at = clean, clock.now()
    session.add(request)
    audit.record(
        session,
        "bid.explained",
        "bid_receipt",
        bid.receipt,
        {"task": task.number, "explanation": clean},
        actor_user_id=actor.id,
        actor_org_id=agency.id,
    )
    return request


def decide_explanation(
    session: Session,
    actor: User,
    bid_id: int,
    *,
    accept: bool,
    reason: object,
    policy: BiddingPolicy,
) -> ValidityDecision:
    """The applicant accepts the explanation (the bid is valid) or rules the bid invalid; the
    reason is published either way. Ruling invalid is possible once the bidder explained or the
    due time passed; accepting needs an explanation. May make validity final and move the task on.
    """
    task, bid, request = _request_for(session, bid_id)
    applicant = require_kind(session, actor, OrgKind.enterprise, OrgKind.department)
    if applicant.id != task.applicant_org_id:
        raise Forbidden(N_("This task belongs to another applicant."))
    if lifecycle.status(task) != lifecycle.OPENED or request.decision is not None:
        raise Forbidden(N_("This bid's validity has already been decided."))
    if accept and request.explanation is None:
        raise Forbidden(N_("There is no explanation to accept yet."))
    if not accept and request.explanation is None and clock.now() < request.due_at:
        raise Forbidden(N_("The bidder still has time to explain its price."))
    c = Checker()
    clean = c.text("reason", reason, max_length=MAX_TEXT, multiline=True)
    c.raise_if_any()
    decision = _decide(session, task, bid, request, accepted=accept, reason=clean, actor=actor)
    progress.advance(session, task, policy)
    return decision


def _decide(
    session: Session,
    task: Task,
    bid: Bid,
    request: ExplanationRequest,
    *,
    accepted: bool,
    reason: str,
    actor: User | None,
    expired: bool = False,
) -> ValidityDecision:
    now = clock.now()
    request.decision = "accepted" if accepted else ("expired" if expired else "rejected")
    request.decision_reason, request.decided_at = reason, now
    request.decided_by_user_id = actor.id if actor else None
    decision = _decision_for(session, bid)
    decision.valid, decision.reason, decision.decided_at = accepted, reason, now
    decision.ground = (
        "explanation_accepted"
        if accepted
        else ("no_explanation" if expired else "explanation_rejected")
    )
    decision.decided_by_user_id = actor.id if actor else None
    session.add(request)
    session.add(decision)
    session.flush()
    audit.record(
        session,
        "bid.validity_decided",
        "bid_receipt",
        bid.receipt,
        {"task": task.number, "valid": accepted, "ground": decision.ground, "reason": reason},
        actor_user_id=actor.id if actor else None,
        actor_org_id=actor.organization_id if actor else None,
    )
    return decision


NO_EXPLANATION = N_("No written explanation of the abnormally low price was given in time.")


def expire_overdue_explanations(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: rule invalid every abnormally low bid not explained by its due time; returns how
    many. Each task is handled under its lock, where the request is read again, and committed on
    its own; the request row is not taken ``SKIP LOCKED`` (`market.jobs.each_due`): a bidder
    explaining at the last moment holds the task's lock, and the sweep waits for it and then
    finds the explanation."""

    def expire(session: Session, request: ExplanationRequest) -> bool:
        task, bid, request = _request_for(session, request.bid_id)
        if not (
            request.decision is None
            and request.explanation is None
            and lifecycle.status(task) == lifecycle.OPENED
        ):
            return False
        _decide(
            session,
            task,
            bid,
            request,
            accepted=False,
            reason=NO_EXPLANATION,
            actor=None,
            expired=True,
        )
        progress.advance(session, task, policy)
        return True

    due = select(ExplanationRequest).where(
        ExplanationRequest.decision.is_(None),
        ExplanationRequest.explanation.is_(None),
        ExplanationRequest.due_at <= clock.now(),
    )
    return each_due(
        session,
        due,
        expire,
        key=ExplanationRequest.id,
        label="expiring explanation request",
        log=log,
        skip_locked=False,
    )
