"""The expert panel of a `scoring` task: drawn verifiably from the pool, completed after recusals.

The pool is the experts registered for the service item's category whose account is not disabled,
taken at opening (the moment the deadline is acted upon) and stored with the opening, so nobody can
add or remove experts once the bids are known. The "panel" draw orders the whole pool; the first `panel_size` places are
called, and each recusal calls the next place of that same order, so no second draw (and no choice)
is ever needed. Experts' services (declaring, recusing, marking) are in `bidding.marking`.
"""

from __future__ import annotations

from sqlmodel import Session, select

from bidding.draws import records, spec
from bidding.models import Bid, PanelMark, PanelMember
from bidding.policy import BiddingPolicy
from market import audit, clock
from market.models import ExpertCategory, Organization, OrgKind, ServiceItem, Task, User


def panel_size(task: Task, policy: BiddingPolicy) -> int:
    return task.panel_size or policy.default_panel_size


def needs_panel(task: Task) -> bool:
    """A `scoring` task with a quality weight needs panel marks; without one it does not."""
    return task.method == "scoring" and (task.weight_quality or 0) > 0


def expert_pool(session: Session, task: Task) -> list[str]:
    """Ids (as strings, sorted as strings) of the experts registered for the task's category
    who can log in: an expert whose account an operator disabled is never drawn, since they could
    neither declare nor mark."""
    item = session.get(ServiceItem, task.service_item_id)
    ids = session.exec(
        select(ExpertCategory.organization_id)
        .join(Organization, Organization.id == ExpertCategory.organization_id)
        .join(User, User.organization_id == Organization.id)
        .where(
            ExpertCategory.category == item.category,
            Organization.kind == OrgKind.expert,
            User.disabled_at.is_(None),
        )
    )
    return sorted({str(i) for i in ids})


def members_of(session: Session, task: Task) -> list[PanelMember]:
    """Everyone called so far, recused or not, in the drawn order."""
    return list(
        session.exec(
            select(PanelMember).where(PanelMember.task_id == task.id).order_by(PanelMember.position)
        )
    )


def active_members(session: Session, task: Task) -> list[PanelMember]:
    return [m for m in members_of(session, task) if m.recused_at is None]


def draw_panel(session: Session, task: Task, policy: BiddingPolicy) -> list[PanelMember]:
    """Draw the pool's order and call the first `panel_size` experts (idempotent).

    Returns [] when the pool taken at opening is smaller than the panel; the task then waits for a
    decision outside the platform's rules (a regulator-approved cancellation), as it was audited
    at opening.
    """
    called = members_of(session, task)
    if called:
        return [m for m in called if m.recused_at is None]
    opening = records.opening_of(session, task)
    pool = opening.panel_pool or []
    size = panel_size(task, policy)
    if len(pool) < size:
        return []
    order = records.make_draw(session, task, spec.PANEL, pool)
    now = clock.now()
    members = [
        PanelMember(task_id=task.id, expert_org_id=int(order[p]), position=p, called_at=now)
        for p in range(size)
    ]
    session.add_all(members)
    session.flush()
    audit.record(
        session,
        "panel.called",
        "task",
        task.number,
        {"experts": [m.expert_org_id for m in members]},
    )
    return members


def call_next(session: Session, task: Task) -> PanelMember | None:
    """Call the next expert of the drawn order after a recusal; None when the order is used up."""
    panel_draw = next((d for d in records.draws_of(session, task) if d.purpose == spec.PANEL), None)
    called = members_of(session, task)
    position = max((m.position for m in called), default=-1) + 1
    if panel_draw is None or position >= len(panel_draw.picks):
        audit.record(session, "panel.order_exhausted", "task", task.number, {})
        return None
    member = PanelMember(
        task_id=task.id,
        expert_org_id=int(panel_draw.picks[position]),
        position=position,
        called_at=clock.now(),
    )
    session.add(member)
    session.flush()
    audit.record(
        session,
        "panel.called",
        "task",
        task.number,
        {"experts": [member.expert_org_id], "position": position},
    )
    return member


def marks_by_bid(session: Session, task: Task, bids: list[Bid]) -> dict[int, dict[int, int]]:
    """{bid id: {expert id: mark}} counting only the active panellists' marks."""
    active = {m.expert_org_id for m in active_members(session, task)}
    out: dict[int, dict[int, int]] = {b.id: {} for b in bids}
    for mark in session.exec(select(PanelMark).where(PanelMark.task_id == task.id)):
        if mark.expert_org_id in active and mark.bid_id in out:
            out[mark.bid_id][mark.expert_org_id] = mark.mark
    return out


def is_complete(session: Session, task: Task, bids: list[Bid], policy: BiddingPolicy) -> bool:
    """Whether a full panel, all declared free of conflicts, has marked every valid bid."""
    active = active_members(session, task)
    if len(active) < panel_size(task, policy) or any(m.declared_at is None for m in active):
        return False
    marks = marks_by_bid(session, task, bids)
    return all(len(marks[b.id]) == len(active) for b in bids)
