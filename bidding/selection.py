"""Selection methods: from the valid bids to a full ranking and an award candidate (docs/rules.md §5).

Every comparison uses `fractions.Fraction`, never floats, and every number a reader needs to
recompute a place is stored with it as the string of an exact fraction. Ties are broken by the
verifiable draw with purpose ``tie:<rank>`` (the 1-based rank where the tie group starts); the
`average_price` factor is drawn with purpose ``factor``; the `random` order with ``award``. Draws
refuse to run before every bid's validity is final (`bidding.draws.records.make_draw`).

- `direct`: the invited agency's accepted offer is the only bid, and the award candidate.
- `random`: the "award" draw puts every valid sign-up in a full order.
- `lowest_price`: lowest price first.
- `average_price`: reference = mean of the valid prices (one highest and one lowest dropped when
  there are ≥ 5) × the drawn factor (95–98 %); closest to the reference first, then lower price.
- `scoring`: price score = w_price × lowest valid price / price; credit score = w_credit ×
  min(the credit snapshot taken at opening + bonus, 100) / 100, where bonus is
  `honour_bonus_points` for a bidder on the honour roll at the deadline (0 otherwise), so the
  credit part never exceeds w_credit; quality = w_quality × mean panel mark / 100. Highest total
  first, then higher quality.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from sqlmodel import Session, select

from bidding import awards, notifying, panel
from bidding.draws import records, spec
from bidding.models import Bid, RankingEntry, ValidityDecision
from bidding.policy import DEFAULT_POLICY, BiddingPolicy
from market import audit, clock, lifecycle
from market.db import in_ids
from market.models import Organization, Task
from market.models.tasks import Method


class NotReady(RuntimeError):
    """The result cannot be made yet (validity pending, panel incomplete, no valid bid)."""


@dataclass
class Placed:
    """A valid bid with its sort key (smaller is better) and the numbers that explain it."""

    bid: Bid
    key: tuple
    numbers: dict = field(default_factory=dict)
    tie_purpose: str | None = None


def valid_bids(session: Session, task: Task) -> list[Bid]:
    """Bids ruled valid, in id order."""
    return list(
        session.exec(
            select(Bid)
            .join(ValidityDecision, ValidityDecision.bid_id == Bid.id)
            .where(Bid.task_id == task.id, ValidityDecision.valid.is_(True))
            .order_by(Bid.id)
        )
    )


def valid_bid_rows(session: Session, task: Task) -> list:
    """`valid_bids` as rows of the columns the ranking reads (id, agency_id, receipt, price_fen
    and the `scoring` snapshot), not entities: a thousand are ranked at once."""
    return list(
        session.exec(
            select(
                Bid.id,
                Bid.agency_id,
                Bid.receipt,
                Bid.price_fen,
                Bid.credit_snapshot_milli,
                Bid.honour_at_deadline,
            )
            .join(ValidityDecision, ValidityDecision.bid_id == Bid.id)
            .where(Bid.task_id == task.id, ValidityDecision.valid.is_(True))
            .order_by(Bid.id)
        )
    )


def ranking_of(session: Session, task: Task) -> list[RankingEntry]:
    return list(
        session.exec(
            select(RankingEntry).where(RankingEntry.task_id == task.id).order_by(RankingEntry.rank)
        )
    )


def _f(value: Fraction | int) -> str:
    return str(Fraction(value))


def _break_ties(session: Session, task: Task, placed: list[Placed]) -> list[Placed]:
    """Sort by key; each group of equal keys is ordered by the draw "tie:<its first rank>"."""
    placed = sorted(placed, key=lambda p: p.key)
    out: list[Placed] = []
    i = 0
    while i < len(placed):
        j = i
        while j < len(placed) and placed[j].key == placed[i].key:
            j += 1
        group = placed[i:j]
        if len(group) > 1:
            purpose = spec.tie_purpose(i + 1)
            by_receipt = {p.bid.receipt: p for p in group}
            order = records.make_draw(session, task, purpose, list(by_receipt))
            group = [by_receipt[r] for r in order]
            for p in group:
                p.tie_purpose = purpose
        out.extend(group)
        i = j
    return out


def _random(session: Session, task: Task, bids: list[Bid], policy: BiddingPolicy) -> list[Placed]:
    by_receipt = {b.receipt: b for b in bids}
    order = records.make_draw(session, task, spec.AWARD, list(by_receipt))
    return [
        Placed(
            by_receipt[r],
            (i,),
            {"fee_fen": _f(by_receipt[r].price_fen), "award_pick": str(i)},
            spec.AWARD,
        )
        for i, r in enumerate(order)
    ]


def _direct(session: Session, task: Task, bids: list[Bid], policy: BiddingPolicy) -> list[Placed]:
    """The invited agency's accepted offer, alone (`bidding.invitations.services.accept`)."""
    return [Placed(b, (Fraction(b.price_fen),), {"price_fen": _f(b.price_fen)}) for b in bids]


def _lowest_price(
    session: Session, task: Task, bids: list[Bid], policy: BiddingPolicy
) -> list[Placed]:
    # Integer prices sort and tie as their Fractions do; str(Fraction(n)) is str(n).
    return _break_ties(
        session,
        task,
        [Placed(b, (b.price_fen,), {"price_fen": str(b.price_fen)}) for b in bids],
    )


def average_reference(
    prices: list[int], factor: Fraction, policy: BiddingPolicy = DEFAULT_POLICY
) -> tuple[Fraction, Fraction, int]:
    """(reference, mean, how many prices the mean used): one highest and one lowest price are
    dropped when there are at least `policy.average_trim_from` of them."""
    ordered = sorted(prices)
    used = ordered[1:-1] if len(ordered) >= policy.average_trim_from else ordered
    mean = Fraction(sum(used), len(used))
    return mean * factor, mean, len(used)


def average_price_key(price_fen: int, reference: Fraction) -> tuple[Fraction, Fraction]:
    """Closest to the reference first; at equal distance, the lower price."""
    return abs(Fraction(price_fen) - reference), Fraction(price_fen)


def _average_price(
    session: Session, task: Task, bids: list[Bid], policy: BiddingPolicy
) -> list[Placed]:
    percent = records.make_draw(session, task, spec.FACTOR, spec.FACTOR_CANDIDATES, 1)[0]
    factor = Fraction(int(percent), 100)
    reference, mean, used = average_reference([b.price_fen for b in bids], factor, policy)
    common = {
        "prices_in_mean": str(used),
        "mean_fen": _f(mean),
        "factor": _f(factor),
        "reference_fen": _f(reference),
    }
    # `average_price_key` in integers: with reference = r/d (lowest terms, d > 0), the distance
    # |price − r/d| is |price·d − r| / d, so (|price·d − r|, price) sorts and ties as the
    # Fractions do, and the distance's string is that fraction reduced once, as Fraction's str.
    r, d = reference.numerator, reference.denominator
    placed = []
    for b in bids:
        price = b.price_fen
        distance = abs(price * d - r)
        placed.append(
            Placed(
                b,
                (distance, price),
                {"price_fen": str(price), "distance_fen": _fraction_str(distance, d), **common},
            )
        )
    return _break_ties(session, task, placed)


def _fraction_str(numerator: int, denominator: int) -> str:
    """`str(Fraction(numerator, denominator))` for numerator ≥ 0 and denominator > 0."""
    g = math.gcd(numerator, denominator)
    numerator, denominator = numerator // g, denominator // g
    return str(numerator) if denominator == 1 else f"{numerator}/{denominator}"


def _scoring(session: Session, task: Task, bids: list[Bid], policy: BiddingPolicy) -> list[Placed]:
    lowest = min(b.price_fen for b in bids)
    w_price, w_credit = task.weight_price or 0, task.weight_credit or 0
    w_quality = task.weight_quality or 0
    marks = panel.marks_by_bid(session, task, bids) if panel.needs_panel(task) else {}
    placed = []
    for b in bids:
        price_score = w_price * Fraction(lowest, b.price_fen)
        snapshot = (
            b.credit_snapshot_milli
            if b.credit_snapshot_milli is not None
            else policy.base_credit_milli
        )
        honour = bool(b.honour_at_deadline)
        bonus = Fraction(policy.honour_bonus_points) if honour else Fraction(0)
        credited = min(Fraction(snapshot, 1000) + bonus, Fraction(100))
        credit_score = w_credit * credited / 100
        given = marks.get(b.id, {})
        mean_mark = Fraction(sum(given.values()), len(given)) if given else Fraction(0)
        quality_score = w_quality * mean_mark / 100
        total = price_score + credit_score + quality_score
        placed.append(
            Placed(
                b,
                (-total, -quality_score),
                {
                    "price_fen": _f(b.price_fen),
                    "lowest_price_fen": _f(lowest),
                    "weight_price": _f(w_price),
                    "price_score": _f(price_score),
                    "credit_snapshot_milli": _f(snapshot),
                    "honour_roll": "1" if honour else "0",
                    "honour_bonus_points": _f(credited - Fraction(snapshot, 1000)),
                    "weight_credit": _f(w_credit),
                    "credit_score": _f(credit_score),
                    "marks": {str(k): v for k, v in sorted(given.items())},
                    "mean_mark": _f(mean_mark),
                    "weight_quality": _f(w_quality),
                    "quality_score": _f(quality_score),
                    "total": _f(total),
                },
            )
        )
    return _break_ties(session, task, placed)


METHODS: dict[str, Callable[[Session, Task, list[Bid], BiddingPolicy], list[Placed]]] = {
    Method.direct: _direct,
    Method.random: _random,
    Method.lowest_price: _lowest_price,
    Method.average_price: _average_price,
    Method.scoring: _scoring,
}


def select_result(session: Session, task: Task, policy: BiddingPolicy) -> None:
    """Rank the valid bids, name the award candidate and start the publicity period (idempotent).

    Called by `bidding.progress.advance` once validity is final, there are enough valid bids and
    (for `scoring`) the panel has marked. Runs in the caller's transaction, under the task's lock.
    """
    if session.exec(select(RankingEntry.id).where(RankingEntry.task_id == task.id)).first():
        return
    opening = records.opening_of(session, task)
    if opening is None or opening.validity_final_at is None:
        raise NotReady(f"task {task.number}: validity is not final")
    bids = valid_bid_rows(session, task)
    if not bids:
        raise NotReady(f"task {task.number}: no valid bid")
    if panel.needs_panel(task) and not panel.is_complete(session, task, bids, policy):
        raise NotReady(f"task {task.number}: the panel has not finished marking")
    placed = METHODS[task.method](session, task, bids, policy)
    now = clock.now()
    rows = [
        {
            "task_id": task.id,
            "bid_id": p.bid.id,
            "rank": rank,
            "numbers": p.numbers,
            "tie_purpose": p.tie_purpose,
            "created_at": now,
        }
        for rank, p in enumerate(placed, start=1)
    ]
    # One executemany of the table (not one INSERT … RETURNING per bid, nor the ORM's bulk pass
    # over every row); what follows reads the rows' values.
    session.execute(RankingEntry.__table__.insert(), rows)
    awards.name_candidate(session, task, RankingEntry(**rows[0]), policy, now)
    uscc = dict(
        session.exec(
            select(Organization.id, Organization.uscc).where(
                in_ids(session, Organization.id, [p.bid.agency_id for p in placed])
            )
        ).all()
    )
    ranking = [
        {
            "rank": e["rank"],
            "receipt": p.bid.receipt,
            "agency": uscc[p.bid.agency_id],
            "numbers": e["numbers"],
            "tie_purpose": e["tie_purpose"],
        }
        for e, p in zip(rows, placed, strict=True)
    ]
    audit.record(
        session,
        "selection.ranked",
        "task",
        task.number,
        {"method": task.method, "ranking": ranking},
    )
    lifecycle.transition(
        session,
        task,
        "start_publicity",
        at=now,
        data={
            "award_candidate": ranking[0]["receipt"],
            "agency": ranking[0]["agency"],
            "publicity_ends_at": task.publicity_ends_at.isoformat(),
        },
    )
    notifying.result_published(session, task, placed[0].bid)
