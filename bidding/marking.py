"""What a panellist does on a `scoring` task: declare no conflict of interest or recuse, then mark
every valid bid's proposal 0–100. The last mark of a complete panel produces the result.

A recusal calls the next expert of the drawn order (`bidding.panel.call_next`). Marks are final
once given and are published by name with the result.
"""

from __future__ import annotations

from sqlmodel import Session, select

from bidding import panel, progress, selection
from bidding.locking import lock_task
from bidding.models import Bid, PanelMark, PanelMember
from bidding.policy import BiddingPolicy
from market import audit, clock, lifecycle
from market.accounts import require_kind
from market.models import Organization, OrgKind, Task, User
from market.validation import N_, Checker, Forbidden

MAX_TEXT = 2000


def _member(session: Session, actor: User, task_number: str) -> tuple[Task, PanelMember]:
    task = lock_task(session, task_number)
    expert = require_kind(session, actor, OrgKind.expert)
    member = session.exec(
        select(PanelMember).where(
            PanelMember.task_id == task.id, PanelMember.expert_org_id == expert.id
        )
    ).first()
    if member is None or member.recused_at is not None:
        raise Forbidden(N_("You are not on this task's panel."))
    if lifecycle.status(task) != lifecycle.OPENED:
        raise Forbidden(N_("This task's evaluation is over."))
    return task, member


def bidders(session: Session, task: Task) -> list[Organization]:
    """The agencies whose proposals the panel marks (those of the valid bids), by name: what a
    panellist declares it has no conflict of interest with."""
    ids = [b.agency_id for b in selection.valid_bids(session, task)]
    if not ids:
        return []
    orgs = session.exec(select(Organization).where(Organization.id.in_(ids))).all()
    return sorted(orgs, key=lambda o: (o.name, o.id))


def declare_no_conflict(
    session: Session, actor: User, task_number: str, statement: object = None
) -> PanelMember:
    """The panellist declares it has no conflict of interest with any bidder (needed to mark)."""
    task, member = _member(session, actor, task_number)
    if member.declared_at is not None:
        raise Forbidden(N_("You have already declared."))
    c = Checker()
    member.statement = c.text(
        "statement", statement, max_length=MAX_TEXT, required=False, multiline=True
    )
    c.raise_if_any()
    member.declared_at = clock.now()
    session.add(member)
    audit.record(
        session,
        "panel.declared_no_conflict",
        "task",
        task.number,
        {"expert": member.expert_org_id, "bidders": [o.id for o in bidders(session, task)]},
        actor_user_id=actor.id,
        actor_org_id=member.expert_org_id,
    )
    return member


def recuse(
    session: Session,
    actor: User,
    task_number: str,
    statement: object,
    *,
    policy: BiddingPolicy,
) -> PanelMember | None:
    """The panellist recuses itself for a conflict of interest, with a statement; the next expert
    of the drawn order is called. Only before marking. Returns the expert called, if any."""
    task, member = _member(session, actor, task_number)
    marked = session.exec(
        select(PanelMark).where(
            PanelMark.task_id == task.id, PanelMark.expert_org_id == member.expert_org_id
        )
    ).first()
    if marked is not None:
        raise Forbidden(N_("You have already marked bids on this task."))
    c = Checker()
    member.statement = c.text("statement", statement, max_length=MAX_TEXT, multiline=True)
    c.raise_if_any()
    member.recused_at = clock.now()
    session.add(member)
    audit.record(
        session,
        "panel.recused",
        "task",
        task.number,
        {"expert": member.expert_org_id, "statement": member.statement},
        actor_user_id=actor.id,
        actor_org_id=member.expert_org_id,
    )
    replacement = panel.call_next(session, task)
    progress.advance(session, task, policy)
    return replacement


def bids_to_mark(session: Session, actor: User, task_number: str) -> list[Bid]:
    """The valid bids a declared panellist marks (proposals are visible to it after opening)."""
    task, member = _member(session, actor, task_number)
    if member.declared_at is None:
        raise Forbidden(N_("Declare that you have no conflict of interest first."))
    return selection.valid_bids(session, task)


def submit_mark(
    session: Session,
    actor: User,
    task_number: str,
    bid_id: int,
    mark: object,
    comment: object = None,
    *,
    policy: BiddingPolicy,
) -> PanelMark:
    """Mark a valid bid's proposal 0–100 (once). The last mark of a complete panel makes the
    result and starts publicity, in this transaction."""
    task, member = _member(session, actor, task_number)
    if member.declared_at is None:
        raise Forbidden(N_("Declare that you have no conflict of interest first."))
    valid = {b.id for b in selection.valid_bids(session, task)}
    if bid_id not in valid:
        raise Forbidden(N_("This is not a valid bid of this task."))
    c = Checker()
    value = c.integer("mark", mark, minimum=0, maximum=100)
    text = c.text("comment", comment, max_length=MAX_TEXT, required=False, multiline=True)
    c.raise_if_any()
    exists = session.exec(
        select(PanelMark).where(
            PanelMark.task_id == task.id,
            PanelMark.expert_org_id == member.expert_org_id,
            PanelMark.bid_id == bid_id,
        )
    ).first()
    if exists is not None:
        raise Forbidden(N_("You have already marked this bid."))
    row = PanelMark(
        task_id=task.id,
        expert_org_id=member.expert_org_id,
        bid_id=bid_id,
        mark=value,
        comment=text,
        marked_at=clock.now(),
    )
    session.add(row)
    session.flush()
    bid = session.get(Bid, bid_id)
    audit.record(
        session,
        "panel.marked",
        "bid_receipt",
        bid.receipt,
        {"task": task.number, "expert": member.expert_org_id, "mark": value},
        actor_user_id=actor.id,
        actor_org_id=member.expert_org_id,
    )
    progress.advance(session, task, policy)
    return row
