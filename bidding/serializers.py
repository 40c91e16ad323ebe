"""What each audience is shown of a task's bids, result and panel: the shapes of pages, the JSON
API and any export. Who may see what is decided by `bidding.visibility` (its docstring holds the
rule table); nothing else turns a `Bid` into something a reader sees, so a sealed-bid leak has one
place to hide.

**Before opening** every audience gets `sealed_bids(task)`, built from the task alone: it cannot
vary with the bids, so it says nothing about them, not even whether one exists. A bidder reads its
own bid only through `own_bid` ("mine"), which never looks at anyone else's.

**After opening** each receipt standing at the deadline is listed with its agency, its validity
decision and the published reasons; prices, proposals and explanations go to those
`bidding.visibility` entitles.

A bid is identified by its **receipt**, never by its row id: ids are sequential across the
platform, so publishing them when one task opens would tell how many bids other, still sealed,
tasks received in between. The receipt is random-looking and public from opening on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, select

from bidding import eligibility, marking, panel, receipts, selection, visibility
from bidding.draws import records
from bidding.models import (
    Award,
    Bid,
    BidVersion,
    ExplanationRequest,
    Opening,
    PanelMark,
    PanelMember,
    RankingEntry,
    RelationFlag,
    ValidityDecision,
)
from market import clock, lifecycle, timeline
from market.models import Organization, OrgKind, Task
from market.models.tasks import Method
from market.validation import N_, Message

#: Turns an untranslated message into text (the web layer passes `market.web.translate`).
Translate = Callable[[Message], str]


#: "Not read yet": an argument a caller leaves out when it has not read the row itself.
_UNREAD = object()


def _plain(message: Message) -> str:
    return message.msgid % dict(message.params) if message.params else message.msgid


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def agency_ref(org: Organization) -> dict:
    """An agency named on a task's pages: with its public credit warning (docs/rules.md §6), so
    the applicant sees it where it chooses."""
    return {
        "id": org.id,
        "name": org.name,
        "uscc": org.uscc,
        "warned_since": org.warned_since.isoformat() if org.warned_since else None,
    }


def messages(items: list[dict], tr: Translate = _plain) -> list[dict]:
    out = []
    for m in items or []:
        message = Message(m.get("msgid", ""), m.get("params") or {})
        out.append({"msgid": message.msgid, "params": dict(message.params), "text": tr(message)})
    return out


# --- the task's bids -------------------------------------------------------------------------------


def sealed_bids(task: Task) -> dict:
    """The one answer about bids before opening, for everyone: a function of the task alone."""
    return {
        "task": task.number,
        "sealed": True,
        "opens_after": _iso(task.deadline_at),
        "opened_at": None,
        "prices_public": False,
        "items": [],
    }


def _validity(decision: ValidityDecision | None, tr: Translate) -> dict:
    if decision is None:
        return {
            "state": "pending",
            "ground": None,
            "messages": [],
            "reason": None,
            "decided_at": None,
        }
    state = "pending" if decision.valid is None else ("valid" if decision.valid else "invalid")
    return {
        "state": state,
        "ground": decision.ground,
        "messages": messages(decision.messages, tr),
        "reason": decision.reason,
        "decided_at": _iso(decision.decided_at),
    }


def _explanation(request: ExplanationRequest | None, full: bool, numbers: bool) -> dict | None:
    if request is None:
        return None
    data = {
        "requested_at": _iso(request.requested_at),
        "due_at": _iso(request.due_at),
        "explained": request.explanation is not None,
        "explained_at": _iso(request.explained_at),
        "decision": request.decision,
        "decision_reason": request.decision_reason,
        "decided_at": _iso(request.decided_at),
    }
    if full:
        data["explanation"] = request.explanation
    if full or numbers:
        # The tests' thresholds are derived from the prices: public only with the prices.
        data["tests"] = list(request.tests)
    return data


def bid_entry(
    bid: Bid,
    agency: Organization,
    decision: ValidityDecision | None,
    request: ExplanationRequest | None,
    reader: visibility.Reader,
    task: Task,
    tr: Translate = _plain,
) -> dict:
    """One bid standing at the deadline, as `reader` may see it (after opening only)."""
    if not visibility.sees_bid_list(reader, task):
        raise RuntimeError(f"task {task.number}: bids are sealed until opening")
    full = visibility.sees_in_full(reader, task, bid)
    prices = visibility.sees_prices(reader, task, bid)
    data = {
        "id": bid.receipt,
        "receipt": bid.receipt,
        "agency": agency_ref(agency),
        "own": visibility.owns(reader, bid.agency_id),
        "validity": _validity(decision, tr),
        "explanation": _explanation(request, full, prices),
    }
    if prices:
        data.update(price_fen=bid.price_fen, duration_days=bid.duration_days)
    if full:
        data.update(
            version=bid.version,
            submitted_at=_iso(bid.submitted_at),
            proposal_text=bid.proposal_text,
            proposal_sha256=receipts.proposal_sha256(bid.proposal_text),
            attachments=list(bid.attachments),
            credit_snapshot_milli=bid.credit_snapshot_milli,
        )
    return data


def opened_bids(
    session: Session, task: Task, opening: Opening | None | object = _UNREAD
) -> list[tuple[Bid, Organization, ValidityDecision | None, ExplanationRequest | None]]:
    """The bids standing at the deadline (the receipts fixed at opening), sorted by receipt.
    `opening`: the task's opening when the caller has just read it (saves reading it again)."""
    if opening is _UNREAD:
        opening = records.opening_of(session, task)
    if opening is None:
        return []
    fixed = set(opening.standing_receipts)
    rows = session.exec(
        select(Bid, Organization)
        .join(Organization, Organization.id == Bid.agency_id)
        .where(Bid.task_id == task.id)
    ).all()
    decisions = {
        d.bid_id: d
        for d in session.exec(select(ValidityDecision).where(ValidityDecision.task_id == task.id))
    }
    requests = {
        r.bid_id: r
        for r in session.exec(
            select(ExplanationRequest).where(ExplanationRequest.task_id == task.id)
        )
    }
    out = [(b, o, decisions.get(b.id), requests.get(b.id)) for b, o in rows if b.receipt in fixed]
    return sorted(out, key=lambda row: row[0].receipt)


def task_bids(
    session: Session, task: Task, reader: visibility.Reader, tr: Translate = _plain
) -> dict:
    """GET /tasks/{number}/bids and the bids section of the task page."""
    if not visibility.sees_bid_list(reader, task):
        return sealed_bids(task)
    opening = records.opening_of(session, task)
    return {
        "task": task.number,
        "sealed": False,
        "opens_after": _iso(task.deadline_at),
        "opened_at": _iso(task.opened_at),
        "validity_final_at": _iso(opening.validity_final_at) if opening else None,
        "prices_public": visibility.prices_public(task),
        "audience": reader.audience,
        "items": [
            bid_entry(b, o, d, r, reader, task, tr)
            for b, o, d, r in opened_bids(session, task, opening)
        ],
    }


def relation_flags(
    session: Session, task: Task, reader: visibility.Reader, tr: Translate = _plain
) -> dict | None:
    """GET /tasks/{number}/relation-flags and the flags section of the task page: the pairs of
    bidders flagged at opening as possibly related, for those `bidding.visibility` entitles (None
    for anyone else). Before opening the one sealed answer, a function of the task alone."""
    if not visibility.reviews_relation_flags(reader):
        return None
    data = {"task": task.number, "sealed": True, "items": []}
    if not visibility.sees_relation_flags(reader, task):
        return data
    flags = list(
        session.exec(
            select(RelationFlag).where(RelationFlag.task_id == task.id).order_by(RelationFlag.id)
        )
    )
    bids = {b.id: b for b in session.exec(select(Bid).where(Bid.task_id == task.id))}
    agencies = {
        o.id: o
        for o in session.exec(
            select(Organization).where(Organization.id.in_([b.agency_id for b in bids.values()]))
        )
    }
    data["sealed"] = False
    data["items"] = [
        {
            "ground": f.ground,
            "bids": [
                {
                    "receipt": bids[bid_id].receipt,
                    "agency": agency_ref(agencies[bids[bid_id].agency_id]),
                }
                for bid_id in (f.first_bid_id, f.second_bid_id)
            ],
            "messages": messages(f.messages, tr),
            "flagged_at": _iso(f.flagged_at),
        }
        for f in flags
    ]
    return data


# --- the bidder's own bid --------------------------------------------------------------------------


def receipt_entry(version: BidVersion) -> dict:
    """One acknowledged submission: what the bidder recomputes and checks the signature of."""
    return {
        "version": version.version,
        "receipt": version.receipt,
        "content": dict(version.content),
        "jcs": receipts.jcs(version.content).decode("utf-8"),
        "signature": version.signature,
        "submitted_at": _iso(version.submitted_at),
        "withdrawn_at": _iso(version.withdrawn_at),
    }


def bidding_options(
    session: Session, org: Organization | None, task: Task, bid: Bid | None
) -> dict:
    """Whether the reader's agency can bid now, change or withdraw, and why not.

    Only the reader's own standing is looked at (eligibility and its own bid), never another
    agency's bid: related agencies are decided at opening only (docs/rules.md §5).
    """
    now = clock.now()
    reasons: list[Message] = []
    status = lifecycle.status(task, now)
    standing = bid is not None and bid.withdrawn_at is None
    if org is None:
        reasons.append(Message(N_("Log in as an agency to bid.")))
    elif org.kind != OrgKind.agency:
        reasons.append(Message(N_("Only agencies may bid.")))
    elif status != lifecycle.OPEN:
        if (
            task.deadline_at is not None
            and task.published_at is not None
            and now >= task.deadline_at
        ):
            reasons.append(Message(N_("The deadline for bids on this task has passed.")))
        else:
            reasons.append(Message(N_("This task is not open for bids.")))
    elif task.method == Method.direct:
        reasons.append(
            Message(
                N_(
                    "A direct selection takes no bids: the invited agency accepts "
                    "or declines the invitation."
                )
            )
        )
    else:
        reasons.extend(p.message for p in eligibility.problems(session, task, org, now))
    open_to_agency = (
        org is not None
        and org.kind == OrgKind.agency
        and status == lifecycle.OPEN
        and task.method != Method.direct
    )
    return {
        "can_bid": not reasons and not standing,
        "can_change": open_to_agency and standing and not reasons,
        "can_withdraw": open_to_agency and standing,
        "reasons": reasons,
    }


def own_bid(
    session: Session,
    task: Task,
    org: Organization | None,
    bid: Bid | None,
    versions: list[BidVersion],
    public_key_pem: str,
    tr: Translate = _plain,
) -> dict:
    """GET /tasks/{number}/bids/mine: the bidder's bid, every receipt and signature, and whether
    it can bid. After opening, its validity and explanation request too."""
    options = bidding_options(session, org, task, bid)
    data = {
        "task": task.number,
        "method": task.method,
        "status": lifecycle.status(task),
        "deadline_at": _iso(task.deadline_at),
        "fixed_fee_fen": task.fixed_fee_fen,
        "price_cap_fen": task.price_cap_fen,
        "can_bid": options["can_bid"],
        "can_change": options["can_change"],
        "can_withdraw": options["can_withdraw"],
        "reasons": [
            {"msgid": m.msgid, "params": dict(m.params), "text": tr(m)} for m in options["reasons"]
        ],
        "bid": None,
        "receipts": [receipt_entry(v) for v in versions],
        "public_key_pem": public_key_pem,
    }
    if bid is not None:
        data["bid"] = {
            "receipt": bid.receipt,
            "version": bid.version,
            "price_fen": bid.price_fen,
            "duration_days": bid.duration_days,
            "proposal_text": bid.proposal_text,
            "attachments": list(bid.attachments),
            "submitted_at": _iso(bid.submitted_at),
            "withdrawn_at": _iso(bid.withdrawn_at),
        }
        if visibility.opened(task):
            # One of each at most per bid (unique bid_id): both in one read.
            decision, request = session.exec(
                select(ValidityDecision, ExplanationRequest)
                .select_from(Bid)
                .outerjoin(ValidityDecision, ValidityDecision.bid_id == Bid.id)
                .outerjoin(ExplanationRequest, ExplanationRequest.bid_id == Bid.id)
                .where(Bid.id == bid.id)
            ).one()
            data["bid"]["validity"] = _validity(decision, tr) if decision else None
            data["bid"]["explanation"] = _explanation(request, True, True)
    return data


#: The stages "my bids" groups an agency's bids by, in the order the page shows them.
BID_STAGES = ("sealed", "review", "decided", "cancelled", "withdrawn")
_DECIDED = {
    lifecycle.FAILED,
    lifecycle.PUBLICITY,
    lifecycle.AWARDED,
    lifecycle.CONTRACTED,
    lifecycle.DELIVERED,
    lifecycle.ACCEPTED,
    lifecycle.CLOSED,
}


def bid_stage(bid: Bid, task: Task, status: str) -> str:
    """Where an agency's bid stands: withdrawn; sealed until its task is opened; cancelled with
    its task; decided once a result or a failure is published; else opened and under review."""
    if bid.withdrawn_at is not None:
        return "withdrawn"
    if status in (lifecycle.CANCELLED, lifecycle.TERMINATED):
        return "cancelled"
    if not visibility.opened(task):
        return "sealed"
    return "decided" if status in _DECIDED else "review"


def my_bids(session: Session, rows: list[tuple[Bid, Task]], tr: Translate = _plain) -> list[dict]:
    """GET /bids/mine and /my/bids: a page of the agency's own bids (`visibility.own_bids_query`)
    with their tasks, each with its task's current stage and next deadline, and where the bid
    stands (`bid_stage`, one of `BID_STAGES`)."""
    out = []
    timelines = timeline.timelines(session, [task for _bid, task in rows], clock.now())
    results = _own_results(session, rows)
    for bid, task in rows:
        stages = timelines[task.id]
        status = lifecycle.status(task)
        entry = {
            "task": task.number,
            "title": task.title,
            "method": task.method,
            "status": status,
            "bid_stage": bid_stage(bid, task, status),
            "deadline_at": _iso(task.deadline_at),
            "receipt": bid.receipt,
            "version": bid.version,
            "price_fen": bid.price_fen,
            "duration_days": bid.duration_days,
            "submitted_at": _iso(bid.submitted_at),
            "withdrawn_at": _iso(bid.withdrawn_at),
            "validity": None,
            "rank": None,
            "award_candidate": False,
            "stage": next(
                (st["stage"] for st in stages["stages"] if st["state"] == timeline.CURRENT),
                stages["stages"][-1]["stage"],
            ),
            "next_deadline": stages["next_deadline"],
        }
        if bid.id in results:
            decision, place, award = results[bid.id]
            entry["validity"] = _validity(decision, tr) if decision else None
            entry["rank"] = place.rank if place else None
            entry["award_candidate"] = award is not None and award.bid_id == bid.id
        out.append(entry)
    return out


def _own_results(session: Session, rows: list[tuple[Bid, Task]]) -> dict[int, tuple]:
    """{bid id: (its validity decision, its place in the ranking, its task's current award
    candidate)} for the standing bids of opened tasks among `rows` (`visibility.opened`), in three
    grouped reads; as `selection.ranking_of` and `selection.award_candidate` answer one task."""
    standing = [(b, t) for b, t in rows if visibility.opened(t) and b.withdrawn_at is None]
    if not standing:
        return {}
    bid_ids = [b.id for b, _t in standing]
    task_ids = [t.id for _b, t in standing]
    decisions: dict[int, ValidityDecision] = {}
    for d in session.exec(
        select(ValidityDecision)
        .where(ValidityDecision.bid_id.in_(bid_ids))
        .order_by(ValidityDecision.id)
    ):
        decisions.setdefault(d.bid_id, d)
    places: dict[int, RankingEntry] = {}
    for e in session.exec(
        select(RankingEntry)
        .where(RankingEntry.task_id.in_(task_ids), RankingEntry.bid_id.in_(bid_ids))
        .order_by(RankingEntry.rank)
    ):
        places.setdefault(e.bid_id, e)
    awards: dict[int, Award] = {}
    for a in session.exec(
        select(Award)
        .where(Award.task_id.in_(task_ids), Award.revoked_at.is_(None))
        .order_by(Award.id.desc())
    ):
        awards.setdefault(a.task_id, a)
    return {b.id: (decisions.get(b.id), places.get(b.id), awards.get(t.id)) for b, t in standing}


# --- the result ------------------------------------------------------------------------------------


def _panel_published(session: Session, task: Task, by_bid: dict[int, Bid]) -> list[dict]:
    members = panel.members_of(session, task)
    if not members:
        return []
    experts = {
        o.id: o
        for o in session.exec(
            select(Organization).where(Organization.id.in_([m.expert_org_id for m in members]))
        )
    }
    marks = list(
        session.exec(select(PanelMark).where(PanelMark.task_id == task.id).order_by(PanelMark.id))
    )
    return [
        {
            "expert": {"id": m.expert_org_id, "name": experts[m.expert_org_id].name},
            "position": m.position,
            "declared_at": _iso(m.declared_at),
            "recused_at": _iso(m.recused_at),
            "statement": m.statement,
            "marks": [
                {"bid": by_bid[k.bid_id].receipt, "mark": k.mark, "comment": k.comment}
                for k in marks
                if k.expert_org_id == m.expert_org_id and k.bid_id in by_bid
            ],
        }
        for m in members
    ]


def result(session: Session, task: Task) -> dict:
    """GET /tasks/{number}/award and the result page: the ranking, the award candidate and every
    number needed to recompute them. The same for every audience: it is published."""
    ranking = selection.ranking_of(session, task) if visibility.opened(task) else []
    data = {
        "task": task.number,
        "title": task.title,
        "method": task.method,
        "status": lifecycle.status(task),
        "min_bids": task.min_bids,
        "price_cap_fen": task.price_cap_fen,
        "fixed_fee_fen": task.fixed_fee_fen,
        "weights": None,
        "opened_at": _iso(task.opened_at),
        "publicity_at": _iso(task.publicity_at),
        "publicity_ends_at": _iso(task.publicity_ends_at),
        "failed_at": _iso(task.failed_at),
        "published": bool(ranking),
        "ranking": [],
        "award_candidate": None,
        "revoked": [],
        "panel": [],
        "draws": [],
        "valid_bids": None,
    }
    if task.method == Method.scoring:
        data["weights"] = {
            "price": task.weight_price,
            "credit": task.weight_credit,
            "quality": task.weight_quality,
            "panel_size": task.panel_size,
        }
    if not visibility.opened(task):
        return data
    if task.failed_at is not None or ranking:
        data["valid_bids"] = len(selection.valid_bids(session, task))
    if not ranking:
        return data
    bids = {b.id: b for b in session.exec(select(Bid).where(Bid.task_id == task.id))}
    agencies = {
        o.id: o
        for o in session.exec(
            select(Organization).where(Organization.id.in_([b.agency_id for b in bids.values()]))
        )
    }
    awards = list(session.exec(select(Award).where(Award.task_id == task.id).order_by(Award.id)))
    current = next((a for a in reversed(awards) if a.revoked_at is None), None)
    for entry in ranking:
        bid = bids[entry.bid_id]
        data["ranking"].append(
            {
                "rank": entry.rank,
                "id": bid.receipt,
                "receipt": bid.receipt,
                "agency": agency_ref(agencies[bid.agency_id]),
                "price_fen": bid.price_fen,
                "duration_days": bid.duration_days,
                "numbers": dict(entry.numbers),
                "tie_purpose": entry.tie_purpose,
                "award_candidate": current is not None and current.bid_id == bid.id,
            }
        )
    if current is not None:
        bid = bids[current.bid_id]
        data["award_candidate"] = {
            "rank": current.rank,
            "receipt": bid.receipt,
            "agency": agency_ref(agencies[bid.agency_id]),
            "price_fen": bid.price_fen,
            "candidate_at": _iso(current.candidate_at),
            "publicity_ends_at": _iso(current.publicity_ends_at),
            "objections_until": _iso(current.objections_until),
            "final_at": _iso(current.final_at),
            "notice_number": current.notice_number,
        }
    data["revoked"] = [
        {
            "rank": a.rank,
            "receipt": bids[a.bid_id].receipt,
            "revoked_at": _iso(a.revoked_at),
            "because": a.revoked_because,
            "reason": a.revoked_reason,
        }
        for a in awards
        if a.revoked_at is not None
    ]
    data["panel"] = _panel_published(session, task, bids)
    data["draws"] = [
        {
            "purpose": d.purpose,
            "candidates": list(d.candidates),
            "picks": list(d.picks),
            "made_at": _iso(d.made_at),
        }
        for d in records.draws_of(session, task)
    ]
    return data


# --- experts ----------------------------------------------------------------------------------------


def panel_view(session: Session, member: PanelMember, task: Task) -> dict:
    """A panellist's own view of one task: its standing on the panel and, once it declared no
    conflict of interest, the proposals of the valid bids to mark and its marks; before that, the
    agencies it declares about."""
    status = lifecycle.status(task)
    data = {
        "task": task.number,
        "title": task.title,
        "status": status,
        "position": member.position,
        "called_at": _iso(member.called_at),
        "declared_at": _iso(member.declared_at),
        "recused_at": _iso(member.recused_at),
        "statement": member.statement,
        "can_declare": False,
        "can_recuse": False,
        "can_mark": False,
        "bidders": [],
        "bids": [],
    }
    if visibility.panellist_sees_bidders(member, task):
        data["bidders"] = [agency_ref(o) for o in marking.bidders(session, task)]
    active = member.recused_at is None and status == lifecycle.OPENED
    given = {
        k.bid_id: k
        for k in session.exec(
            select(PanelMark).where(
                PanelMark.task_id == task.id, PanelMark.expert_org_id == member.expert_org_id
            )
        )
    }
    data["can_declare"] = active and member.declared_at is None
    data["can_recuse"] = active and not given
    data["can_mark"] = active and member.declared_at is not None
    if not visibility.panellist_sees_bids(member, evaluating=active, marked=bool(given)):
        return data
    valid = selection.valid_bids(session, task)
    agencies = {
        o.id: o
        for o in session.exec(
            select(Organization).where(Organization.id.in_([b.agency_id for b in valid]))
        )
    }
    for bid in sorted(valid, key=lambda b: b.receipt):
        mark = given.get(bid.id)
        data["bids"].append(
            {
                "id": bid.receipt,
                "receipt": bid.receipt,
                "agency": agency_ref(agencies[bid.agency_id]),
                "duration_days": bid.duration_days,
                "proposal_text": bid.proposal_text,
                "attachments": list(bid.attachments),
                "mark": mark.mark if mark else None,
                "comment": mark.comment if mark else None,
            }
        )
    return data


def expert_panels(session: Session, expert: Organization) -> list[dict]:
    """Every panel the expert was called onto, newest task first."""
    rows = session.exec(
        select(PanelMember, Task)
        .join(Task, Task.id == PanelMember.task_id)
        .where(PanelMember.expert_org_id == expert.id)
        .order_by(Task.id.desc())
    ).all()
    return [panel_view(session, member, task) for member, task in rows]
