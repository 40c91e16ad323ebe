"""Opening a task's bids after the deadline (docs/rules.md §4–§5).

A task is opened under its row lock, lazily on the first access after the deadline (the market
pages send `market.signals.task_due_for_opening`) and by the scheduler's sweep, whichever comes
first; `open_if_due` does nothing for a task that is not due or already opened, so both may run.

Opening appends the task's bid history to the audit log (`sealed.publish_history`: nothing of a
bid reaches the log before), publishes every standing receipt with its agency, fixes the draw
key's receipts, re-checks eligibility *as at the deadline*, invalidates both bids of agencies with
an established relation (the same legal representative by verified identities, or control a
regulator recorded) and flags pairs related only on self-declared, unverified grounds for review
(`market.relations`), flags abnormally low prices (and asks for a written explanation), takes the
credit snapshot for `scoring`, and then lets `bidding.progress.advance` take the task as far as it
can.

Related agencies are decided here and nowhere earlier: before opening nothing may depend on
another agency's bid (docs/rules.md §5).
"""

from __future__ import annotations

import bisect
import logging
from datetime import datetime
from fractions import Fraction

from sqlmodel import Session, select

from bidding import eligibility, notifying, panel, progress, sealed, signals
from bidding.locking import lock_task
from bidding.models import Bid, ExplanationRequest, Opening, RelationFlag, ValidityDecision
from bidding.policy import DEFAULT_POLICY, SECTION, BiddingPolicy
from market import audit, clock, holidays, lifecycle, relations
from market.db import in_ids
from market.jobs import each_due
from market.models import Organization, Task
from market.models.tasks import Method
from market.policy import Registry
from market.validation import N_, Message

log = logging.getLogger(__name__)

PRICE_METHODS = (Method.lowest_price, Method.average_price, Method.scoring)


def abnormally_low_tests(
    price_fen: int,
    other_prices: list[int],
    cap_fen: int | None,
    policy: BiddingPolicy = DEFAULT_POLICY,
) -> list[dict]:
    """The abnormally-low tests a price fails, each with its exact numbers (docs/rules.md §5).

    `other_prices` are the other valid bids; the next-lowest bid is the lowest of them that is not
    below this price.
    """
    mean = Fraction(sum(other_prices), len(other_prices)) if other_prices else None
    higher = [p for p in other_prices if p >= price_fen]
    return _low_tests(price_fen, mean, min(higher) if higher else None, cap_fen, policy)


def _low_tests(
    price_fen: int,
    mean: Fraction | None,
    next_lowest: int | None,
    cap_fen: int | None,
    policy: BiddingPolicy,
) -> list[dict]:
    price, failed = Fraction(price_fen), []
    if mean is not None and price < policy.low_share_of_mean * mean:
        failed.append(
            {
                "test": "mean_of_others",
                "mean_fen": str(mean),
                "threshold_fen": str(policy.low_share_of_mean * mean),
            }
        )
    if next_lowest is not None and price < policy.low_share_of_next * next_lowest:
        failed.append(
            {
                "test": "next_lowest",
                "next_lowest_fen": str(next_lowest),
                "threshold_fen": str(policy.low_share_of_next * next_lowest),
            }
        )
    if cap_fen is not None and price < policy.low_share_of_cap * cap_fen:
        failed.append(
            {
                "test": "cap",
                "cap_fen": str(cap_fen),
                "threshold_fen": str(policy.low_share_of_cap * cap_fen),
            }
        )
    return failed


def _low_tests_among(
    valid: list[Bid], cap_fen: int | None, policy: BiddingPolicy
) -> dict[int, list[dict]]:
    """`abnormally_low_tests` for every valid bid at once, in O(n log n): the others' mean and
    next-lowest price come from one sorted list and one sum instead of a list per bid."""
    prices = sorted(b.price_fen for b in valid)
    total, n = sum(prices), len(prices)
    # Each test `price < share × x` as integers, `price × den × d < num × x × d` for the share
    # num/den and x = a fraction over d: the same answer as the Fractions' without normalizing
    # one per bid; `_low_tests` then writes the exact numbers of the rare bid that fails one.
    mean_num, mean_den = _ratio(policy.low_share_of_mean)
    next_num, next_den = _ratio(policy.low_share_of_next)
    cap_num, cap_den = _ratio(policy.low_share_of_cap)
    out = {}
    for b in valid:
        price = b.price_fen
        # Leaving out one occurrence of this price, the next price up is the one after it.
        i = bisect.bisect_left(prices, price)
        next_lowest = prices[i + 1] if i + 1 < n else None
        if (
            (n > 1 and price * mean_den * (n - 1) < mean_num * (total - price))
            or (next_lowest is not None and price * next_den < next_num * next_lowest)
            or (cap_fen is not None and price * cap_den < cap_num * cap_fen)
        ):
            mean = Fraction(total - price, n - 1) if n > 1 else None
            out[b.id] = _low_tests(price, mean, next_lowest, cap_fen, policy)
        else:
            out[b.id] = []
    return out


def _ratio(share: Fraction | int) -> tuple[int, int]:
    share = Fraction(share)
    return share.numerator, share.denominator


def _price_problems(task: Task, bid: Bid) -> list[eligibility.Problem]:
    """A bid that was fine when made may not be after an amendment changed the cap or the fee."""
    out = []
    if task.method == Method.random and bid.price_fen != task.fixed_fee_fen:
        out.append(
            eligibility.Problem(
                "fee_changed", Message(N_("The sign-up is not at the task's fixed fee as amended."))
            )
        )
    if (
        task.method != Method.random
        and task.price_cap_fen is not None
        and bid.price_fen > task.price_cap_fen
    ):
        out.append(
            eligibility.Problem(
                "above_cap", Message(N_("The price is above the task's price cap as amended."))
            )
        )
    if bid.duration_days > task.service_days:
        out.append(
            eligibility.Problem(
                "duration_too_long",
                Message(N_("The duration is longer than the task's service period as amended.")),
            )
        )
    return out


def _messages(problems: list[eligibility.Problem]) -> list[dict]:
    return [{"msgid": p.message.msgid, "params": dict(p.message.params)} for p in problems]


def _related(
    session: Session,
    task: Task,
    bids: list[Bid],
    found: dict[int, list[eligibility.Problem]],
    now: datetime,
) -> None:
    """Related bidders: both bids of an established pair get its published reason; a pair related
    only on unverified or self-declared grounds is flagged for review and both bids stand."""
    by_agency = {b.agency_id: b for b in bids}
    established, flagged = relations.related_pairs(session, list(by_agency))
    for pair in established:
        for agency_id in (pair.first_id, pair.second_id):
            found[by_agency[agency_id].id].append(eligibility.Problem(pair.ground, pair.message))
    for pair in flagged:
        flag = RelationFlag(
            task_id=task.id,
            first_bid_id=by_agency[pair.first_id].id,
            second_bid_id=by_agency[pair.second_id].id,
            ground=pair.ground,
            messages=_messages([eligibility.Problem(pair.ground, pair.message)]),
            flagged_at=now,
        )
        session.add(flag)
        session.flush()
        # The flag's existence only: its pair is for the applicant and the regulators.
        audit.record(
            session, "bid.relation_flagged", "relation_flag", flag.id, {"task": task.number}
        )


def _credit_at_deadline(session: Session, task: Task, bids: list[Bid]) -> dict[int, int]:
    """The bidders' credit scores as they stood at the task's deadline (`signals.credit_as_of`:
    `ratings` computes them from the credit events), for the `scoring` snapshot."""
    found: dict[int, int] = {}
    agency_ids = sorted({b.agency_id for b in bids})
    for _handler, answer in signals.credit_as_of.send(
        agency_ids, session=session, at=task.deadline_at
    ):
        found.update(answer or {})
    return found


def _honour_at_deadline(
    session: Session, task: Task, bids: list[Bid], agencies: dict[int, Organization]
) -> dict[int, bool]:
    """Whether each bidder was on the honour roll at the task's deadline (`signals.honour_as_of`:
    `ratings` answers from the published rolls); the organization's standing otherwise."""
    agency_ids = sorted({b.agency_id for b in bids})
    found = {a: agencies[a].honour_roll_since is not None for a in agency_ids}
    for _handler, answer in signals.honour_as_of.send(
        agency_ids, session=session, at=task.deadline_at
    ):
        found.update(answer or {})
    return found


def _judge(
    session: Session,
    task: Task,
    bids: list[Bid],
    agencies: dict[int, Organization],
    policy: BiddingPolicy,
) -> None:
    """Write each standing bid's validity: valid, invalid with its grounds, or pending."""
    now = clock.now()
    eligible = eligibility.problems_of_many(
        session,
        task,
        [agencies[a] for a in dict.fromkeys(b.agency_id for b in bids)],
        task.deadline_at,
    )
    found = {b.id: eligible[b.agency_id] + _price_problems(task, b) for b in bids}
    _related(session, task, bids, found, now)
    valid = [b for b in bids if not found[b.id]]
    low = (
        _low_tests_among(valid, task.price_cap_fen, policy) if task.method in PRICE_METHODS else {}
    )
    calendar = holidays.load(session)
    as_of_deadline = (
        _credit_at_deadline(session, task, bids) if task.method == Method.scoring else {}
    )
    honour = (
        _honour_at_deadline(session, task, bids, agencies) if task.method == Method.scoring else {}
    )
    if task.method == Method.scoring:
        # The snapshot is written on the entities (`bids` are rows), so that any of them the
        # session already holds shows it to the ranking later in this transaction.
        for b in session.exec(select(Bid).where(in_ids(session, Bid.id, [b.id for b in bids]))):
            score = as_of_deadline.get(b.agency_id, agencies[b.agency_id].credit_score_milli)
            b.credit_snapshot_milli = policy.base_credit_milli if score is None else score
            b.honour_at_deadline = honour[b.agency_id]
            session.add(b)
    decisions: list[dict] = []
    for b in bids:
        if found[b.id]:
            decisions.append(
                _decision(task, b, False, found[b.id][0].ground, _messages(found[b.id]), now)
            )
            continue
        tests = low.get(b.id, [])
        if not tests:
            decisions.append(_decision(task, b, True, "eligible", [], now))
            continue
        due_at = calendar.add_working_days(now, policy.explanation_wd)
        decisions.append(
            _decision(
                task,
                b,
                None,
                "abnormally_low",
                [
                    {
                        "msgid": N_(
                            "The price is abnormally low and must be explained in writing."
                        ),
                        "params": {},
                    }
                ],
                None,
            )
        )
        session.add(
            ExplanationRequest(
                task_id=task.id, bid_id=b.id, tests=tests, requested_at=now, due_at=due_at
            )
        )
        audit.record(
            session,
            "bid.explanation_requested",
            "bid_receipt",
            b.receipt,
            {"task": task.number, "tests": tests, "due_at": due_at.isoformat()},
        )
    if decisions:  # one executemany of the table (Core: no ORM bulk pass over every row)
        session.execute(ValidityDecision.__table__.insert(), decisions)
    session.flush()


def _decision(
    task: Task, bid: Bid, valid: bool | None, ground: str, messages: list, at: datetime | None
) -> dict:
    """A `ValidityDecision` row as `_judge` bulk-inserts it."""
    return {
        "task_id": task.id,
        "bid_id": bid.id,
        "valid": valid,
        "ground": ground,
        "messages": messages,
        "reason": None,
        "decided_at": at,
        "decided_by_user_id": None,
    }


def open_if_due(session: Session, task: Task, policy: BiddingPolicy) -> bool:
    """Open `task` if its deadline has passed and it is not opened yet; True if it was opened now.

    Idempotent and safe to race: the row lock is taken first and the status read after it.
    """
    task = lock_task(session, task.number)
    now = clock.now()
    if not lifecycle.allowed(task, "open", now):
        return False
    bids = sealed.standing_bid_rows(session, task)
    agencies = _bidders(session, [b.agency_id for b in bids])
    published = [
        {
            "receipt": b.receipt,
            "agency": agencies[b.agency_id].uscc,
            "agency_name": agencies[b.agency_id].name,
        }
        for b in sorted(bids, key=lambda b: b.receipt)
    ]
    sealed.publish_history(session, task)  # the log learns of the bids now, not before
    lifecycle.transition(session, task, "open", at=now, data={"receipts": published})
    pool = panel.expert_pool(session, task) if panel.needs_panel(task) else None
    session.add(
        Opening(
            task_id=task.id,
            opened_at=now,
            panel_pool=pool,
            standing_receipts=sorted(b.receipt for b in bids),
        )
    )
    session.flush()
    notifying.task_opened(session, task, bids)
    if pool is not None and len(pool) < panel.panel_size(task, policy):
        audit.record(
            session,
            "panel.pool_too_small",
            "task",
            task.number,
            {"pool": len(pool), "panel_size": panel.panel_size(task, policy)},
        )
    _judge(session, task, bids, agencies, policy)
    progress.advance(session, task, policy)
    return True


def _bidders(session: Session, agency_ids: list[int]) -> dict:
    """The bidders by id, as rows of the columns opening reads — published with the receipts
    (uscc, name), re-checked by `eligibility` (kind, listed, removed, suspended, dishonest) and
    the `scoring` snapshot's fallbacks — not as entities (see `sealed.standing_bid_rows`)."""
    return {
        o.id: o
        for o in session.exec(
            select(
                Organization.id,
                Organization.uscc,
                Organization.name,
                Organization.kind,
                Organization.listed_at,
                Organization.removed_at,
                Organization.suspended_until,
                Organization.dishonest_until,
                Organization.honour_roll_since,
                Organization.credit_score_milli,
            ).where(in_ids(session, Organization.id, agency_ids))
        )
    }


def on_task_due(task: Task, *, session: Session, policy: Registry, **_ignored) -> None:
    """`market.signals.task_due_for_opening` handler (the lazy opening on first access), under
    the policy the sender's app is configured with."""
    open_if_due(session, task, policy.section(SECTION.name))


def open_due_tasks(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: open every task whose deadline passed; returns how many were opened.

    Each task is opened and committed on its own, so one task that fails (logged) never holds the
    others back; on PostgreSQL the due task is taken ``SKIP LOCKED`` (`market.jobs.each_due`), so
    two scheduler processes never wait on, nor act twice on, the same task.
    """
    due = select(Task).where(
        Task.published_at.is_not(None),
        Task.opened_at.is_(None),
        Task.cancelled_at.is_(None),
        Task.suspended_at.is_(None),
        Task.deadline_at <= clock.now(),
    )
    return each_due(
        session,
        due,
        lambda s, task: open_if_due(s, task, policy),
        key=Task.id,
        order=(Task.deadline_at,),
        label="opening task",
        log=log,
    )
