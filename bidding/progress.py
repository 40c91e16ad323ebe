"""Taking an opened task as far as the rules allow without a person deciding.

Every step that can unblock a task (opening, an explanation decided or expired, a panellist's
declaration, recusal or mark) ends by calling `advance`, which runs under the task's row lock in
the caller's transaction:

1. while any bid's validity is pending, nothing happens;
2. the first time nothing is pending, validity becomes **final** and every decision is published;
3. fewer valid bids than the task's minimum ⇒ the task **fails**;
4. `scoring` with a quality weight: the panel is drawn (the first draw, revealing the seed), and
   the task waits until the panel has marked;
5. otherwise the result is made and publicity starts (`bidding.selection.select_result`).
"""

from __future__ import annotations

from sqlalchemy import and_, not_, or_
from sqlmodel import Session, func, select

from bidding import panel, selection, visibility
from bidding.draws import records
from bidding.models import (
    Award,
    Bid,
    Contract,
    Deliverable,
    ExplanationRequest,
    Opening,
    PanelMark,
    ValidityDecision,
)
from bidding.policy import BiddingPolicy
from bidding.questions import services as questions
from market import audit, clock, lifecycle
from market.models import Method, Organization, Task

VALIDITY_PENDING, FAILED, PANEL_PENDING, PUBLICITY = (
    "validity_pending",
    "failed",
    "panel_pending",
    "publicity",
)


def decisions_of(session: Session, task: Task) -> list[ValidityDecision]:
    return list(
        session.exec(
            select(ValidityDecision)
            .where(ValidityDecision.task_id == task.id)
            .order_by(ValidityDecision.bid_id)
        )
    )


def _publish_decisions(session: Session, task: Task, decisions: list) -> None:
    rows = session.exec(
        select(Bid.id, Bid.receipt, Organization.uscc)
        .join(Organization, Organization.id == Bid.agency_id)
        .where(Bid.task_id == task.id)
    )
    by_bid = {bid_id: (receipt, uscc) for bid_id, receipt, uscc in rows}
    audit.record(
        session,
        "bid.validity_final",
        "task",
        task.number,
        {
            "decisions": [
                {
                    "receipt": by_bid[d.bid_id][0],
                    "agency": by_bid[d.bid_id][1],
                    "valid": d.valid,
                    "ground": d.ground,
                    "messages": d.messages,
                    "reason": d.reason,
                }
                for d in decisions
            ]
        },
    )


def finalize_validity(session: Session, task: Task) -> bool:
    """Make validity final if nothing is pending; True when it is (idempotent)."""
    opening = records.opening_of(session, task)
    if opening is None:
        return False
    if opening.validity_final_at is not None:
        return True
    # The columns published, as rows: an opening makes validity final for every bid at once.
    decisions = list(
        session.exec(
            select(
                ValidityDecision.bid_id,
                ValidityDecision.valid,
                ValidityDecision.ground,
                ValidityDecision.messages,
                ValidityDecision.reason,
            )
            .where(ValidityDecision.task_id == task.id)
            .order_by(ValidityDecision.bid_id)
        )
    )
    if any(d.valid is None for d in decisions):
        return False
    opening.validity_final_at = clock.now()
    session.add(opening)
    session.flush()
    _publish_decisions(session, task, decisions)
    return True


def advance(session: Session, task: Task, policy: BiddingPolicy) -> str:
    """Move an opened task on; returns where it stands (one of the constants above, or the
    task's status when there is nothing for bidding to do)."""
    status = lifecycle.status(task)
    if status != lifecycle.OPENED:
        return status
    if not finalize_validity(session, task):
        return VALIDITY_PENDING
    valid = selection.valid_bid_rows(session, task)
    if len(valid) < task.min_bids:
        lifecycle.transition(
            session, task, "fail", data={"valid_bids": len(valid), "min_bids": task.min_bids}
        )
        return FAILED
    if panel.needs_panel(task):
        panel.draw_panel(session, task, policy)
        if not panel.is_complete(session, task, valid, policy):
            return PANEL_PENDING
    selection.select_result(session, task, policy)
    return PUBLICITY


def on_task_timeline(tasks: list[Task], *, session: Session, **_ignored) -> dict:
    """`market.signals.task_timeline` handler: the dates of the stages bidding keeps — validity
    (final when every bid's validity is decided; due when an explanation is awaited) and, for a
    task marked by a panel, the marking (over when the last mark made the result); then the due
    dates of the later stages (`_later_stages`). Six grouped reads at most, whatever the number
    of tasks."""
    ids = [t.id for t in tasks]
    openings = {o.task_id: o for o in session.exec(select(Opening).where(Opening.task_id.in_(ids)))}
    awaiting = [i for i in ids if i in openings and openings[i].validity_final_at is None]
    due = {}
    if awaiting:
        due = dict(
            session.exec(
                select(ExplanationRequest.task_id, func.min(ExplanationRequest.due_at))
                .where(
                    ExplanationRequest.task_id.in_(awaiting),
                    ExplanationRequest.explained_at.is_(None),
                    ExplanationRequest.decision.is_(None),
                )
                .group_by(ExplanationRequest.task_id)
            ).all()
        )
    marked_tasks = [t.id for t in tasks if panel.needs_panel(t) and t.publicity_at is not None]
    marked = {}
    if marked_tasks:
        marked = dict(
            session.exec(
                select(PanelMark.task_id, func.max(PanelMark.marked_at))
                .where(PanelMark.task_id.in_(marked_tasks))
                .group_by(PanelMark.task_id)
            ).all()
        )
    facts: dict[int, dict[str, dict]] = {}
    for task in tasks:
        opening = openings.get(task.id)
        final = opening.validity_final_at if opening is not None else None
        facts[task.id] = {"validity": {"at": final, "due_at": due.get(task.id)}}
        if panel.needs_panel(task):
            facts[task.id]["panel"] = {"at": marked.get(task.id), "due_at": None}
    for task_id, later in _later_stages(session, tasks).items():
        facts[task_id].update(later)
    return facts


def _later_stages(session: Session, tasks: list[Task]) -> dict[int, dict[str, dict]]:
    """The due dates of the stages after publicity, from the current award and contract: the end
    of the objection period (and the award notice's number), the contract's `sign_by` while
    unsigned, its delivery date, and the pending delivery's `decide_by`. One grouped read per
    stage reached by any of the tasks."""
    out: dict[int, dict[str, dict]] = {t.id: {} for t in tasks}
    in_publicity = [t.id for t in tasks if t.publicity_at is not None]
    if in_publicity:
        for award in session.exec(
            select(Award)
            .where(Award.task_id.in_(in_publicity), Award.revoked_at.is_(None))
            .order_by(Award.id)
        ):
            out[award.task_id]["award"] = {
                "due_at": award.objections_until,
                "notice_number": award.notice_number,
            }
    awarded = [t.id for t in tasks if t.awarded_at is not None]
    if awarded:
        for contract in session.exec(
            select(Contract)
            .join(Award, Award.id == Contract.award_id)
            .where(
                Contract.task_id.in_(awarded),
                Contract.abandoned_at.is_(None),
                Award.revoked_at.is_(None),
            )
            .order_by(Contract.id)  # the latest is the current one
        ):
            out[contract.task_id]["contract"] = {
                "due_at": contract.sign_by if contract.signed_at is None else None
            }
            out[contract.task_id]["delivery"] = {"due_at": contract.due_at}
    delivered = [t.id for t in tasks if t.delivered_at is not None and t.accepted_at is None]
    if delivered:
        pending = session.exec(
            select(Contract.task_id, func.min(Deliverable.decide_by))
            .join(Deliverable, Deliverable.contract_id == Contract.id)
            .where(Contract.task_id.in_(delivered), Deliverable.decided_at.is_(None))
            .group_by(Contract.task_id)
        ).all()
        for task_id, decide_by in pending:
            out[task_id]["acceptance"] = {"due_at": decide_by}
    return out


def on_task_list_counts(tasks: list[Task], *, session: Session, **_ignored) -> dict:
    """`market.signals.task_list_counts` handler: for each task, its bids (None while sealed,
    `visibility.bid_counts`) and its questions awaiting an answer; two grouped reads."""
    bids = visibility.bid_counts(session, tasks)
    unanswered = questions.unanswered_counts(session, tasks)
    return {t.id: {"bids": bids[t.id], "unanswered_questions": unanswered[t.id]} for t in tasks}


def on_task_stage_clauses(_sender, **_ignored) -> dict:
    """`market.signals.task_stage_clauses` handler: the stages after opening as
    `on_task_timeline` dates them — validity until it is final, then the panel's marking for a
    task marked by a panel until the result, then publicity."""
    final = select(Opening.task_id).where(Opening.validity_final_at.is_not(None))
    marked_by_panel = and_(
        Task.method == Method.scoring, func.coalesce(Task.weight_quality, 0) > 0
    )  # panel.needs_panel
    return {
        "validity": Task.id.not_in(final),
        "panel": and_(Task.id.in_(final), marked_by_panel, Task.publicity_at.is_(None)),
        "publicity": and_(
            Task.id.in_(final), or_(Task.publicity_at.is_not(None), not_(marked_by_panel))
        ),
    }
