"""The credit score as a pure function of an agency's credit events (docs/rules.md §6).

`score(events, as_of, policy)` reads no database and no clock: the events are plain values, the
moment is stated, and the numbers come from the credit section of the policy. The standing
(`ratings.standing`), the credit file's page and API, the full recomputation and the policy page's
worked examples all call it, so they cannot disagree.

Exactness. Every quantity is an exact `Fraction` except a rating's weight, 0.5^(age/half-life),
which is irrational: it is computed to 40 significant digits and rounded half to even to
`weight_places` decimals (6), then used as an exact fraction. Each line of the file is rounded
once, half to even, to whole milli-points; the caps, the rating clamp and the final clamp are
lines of their own computed from the rounded lines, so the lines add up to the score exactly.

Time. An event with a period of N months counts from its `at` while
``as_of < 00:00 Asia/Shanghai of (the Shanghai date of at + N months)``, a date past the end of a
shorter month mapping to its last day (Jan 31 + 1 month = Feb 28, or 29). An event whose `at` is
after `as_of` does not count yet (a rating's `at` is the moment it was published); a voided event
counts only while ``as_of < voided_at``. A rating's age is the number of Shanghai calendar days
from its `at` to `as_of`.

A rating event's `data`: ``stars`` (the mean of its five dimensions, an exact fraction as a string
such as "21/5"), ``applicant_id`` (who rated) and ``price_fen`` (the contract's price). An
on-time event's `data` has ``price_fen`` too. Against farming, a contract priced below
`min_contract_fen` earns no points (its rating and its on-time line are listed at 0), and of one
applicant's ratings of the agency only one not followed by another within `same_rater_months`
counts.
"""

from __future__ import annotations

import calendar
import decimal
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from fractions import Fraction
from zoneinfo import ZoneInfo

from ratings.credit_policy import CreditPolicy
from ratings.models.credit import (
    ABANDONED,
    COMMENDATION,
    LATE,
    MISCONDUCT_GENERAL,
    MISCONDUCT_MINOR,
    MISCONDUCT_SERIOUS,
    ON_TIME,
    RATING,
    TERMINATED_FAULT,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: `Line.kind` of the lines that are not events.
BASE, RATINGS = "base", "ratings"
RATING_CLAMP, ON_TIME_CAP, COMMENDATION_CAP, CLAMP = (
    "rating_clamp",
    "on_time_cap",
    "commendation_cap",
    "clamp",
)
#: `Line.note` / `RatingInput.note`: why an event earns nothing.
BELOW_MINIMUM, SUPERSEDED = "below_minimum", "superseded"


@dataclass(frozen=True)
class Event:
    """One credit event as the formula sees it (a `CreditEvent` row's values)."""

    kind: str
    at: datetime
    data: Mapping = field(default_factory=dict)
    voided_at: datetime | None = None
    source: str = ""


@dataclass(frozen=True)
class RatingInput:
    """One published rating as an input of the rating line."""

    source: str
    at: datetime
    stars: Fraction
    age_days: int
    #: 0 when it does not count (`note` says why).
    weight: Fraction
    note: str | None = None


@dataclass(frozen=True)
class Line:
    """One line of the credit file: what it is and the milli-points it adds (or takes off)."""

    kind: str
    points_milli: int
    source: str | None = None
    at: datetime | None = None
    #: The last Shanghai date it counts on (None: no end).
    last_day: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class CreditFile:
    as_of: datetime
    score_milli: int
    grade: str
    lines: tuple[Line, ...]
    ratings: tuple[RatingInput, ...]
    #: The Bayesian mean of the counted ratings (the prior's mean when there are none).
    rating_mean: Fraction
    #: Counted events by kind.
    counts: Mapping[str, int]


def milli(value: Fraction) -> int:
    """Whole milli-points, rounded half to even (Python's `round` of a Fraction)."""
    return round(Fraction(value) * 1000)


def add_months(day: date, months: int) -> date:
    """`day` + `months` calendar months, the day clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def ends_at(at: datetime, months: int) -> datetime:
    """The moment an event made at `at` stops counting: 00:00 Shanghai of its date + months."""
    return datetime.combine(add_months(local_date(at), months), time(0), SHANGHAI)


def weight(age_days: int, policy: CreditPolicy) -> Fraction:
    """0.5 ^ (age / half-life), rounded half to even to `weight_places` decimals, exactly."""
    return _weight(age_days, policy.half_life_days, policy.weight_places)


@functools.lru_cache(maxsize=8192)
def _weight(age_days: int, half_life_days: int, places: int) -> Fraction:
    with decimal.localcontext() as ctx:
        ctx.prec = 40
        ctx.rounding = decimal.ROUND_HALF_EVEN
        exact = decimal.Decimal(1) / decimal.Decimal(2) ** (
            decimal.Decimal(age_days) / decimal.Decimal(half_life_days)
        )
        return Fraction(exact.quantize(decimal.Decimal(1).scaleb(-places)))


def grade_of(score_milli: int, policy: CreditPolicy) -> str:
    if score_milli >= milli(policy.grade_a_from):
        return "A"
    if score_milli >= milli(policy.grade_b_from):
        return "B"
    if score_milli >= milli(policy.grade_c_from):
        return "C"
    return "D"


def _periods(policy: CreditPolicy) -> dict[str, tuple[Fraction, int]]:
    """Each kind with a period: its points (signed) and its months."""
    return {
        ON_TIME: (policy.on_time_points, policy.on_time_months),
        LATE: (-policy.late_points, policy.late_months),
        ABANDONED: (-policy.fault_points, policy.fault_months),
        TERMINATED_FAULT: (-policy.fault_points, policy.fault_months),
        MISCONDUCT_MINOR: (-policy.minor_points, policy.minor_months),
        MISCONDUCT_GENERAL: (-policy.general_points, policy.general_months),
        MISCONDUCT_SERIOUS: (-policy.serious_points, policy.serious_months),
        COMMENDATION: (policy.commendation_points, policy.commendation_months),
    }


def _alive(event: Event, as_of: datetime) -> bool:
    return event.at <= as_of and (event.voided_at is None or as_of < event.voided_at)


def _below_minimum(event: Event, policy: CreditPolicy) -> bool:
    price = event.data.get("price_fen")
    return price is not None and int(price) < policy.min_contract_fen


def _rating_inputs(ratings: list[Event], as_of: datetime, policy: CreditPolicy):
    """Every published rating with its weight (0 with a note when it does not count)."""
    ratings = sorted(ratings, key=lambda e: (e.at, e.source))
    latest: dict[object, list[Event]] = {}
    for event in ratings:
        if not _below_minimum(event, policy):
            latest.setdefault(event.data.get("applicant_id"), []).append(event)
    superseded = set()
    for same in latest.values():
        for earlier, later in zip(same, same[1:], strict=False):
            if later.at < ends_at(earlier.at, policy.same_rater_months):
                superseded.add(id(earlier))
    inputs = []
    for event in ratings:
        age = (local_date(as_of) - local_date(event.at)).days
        note = (
            BELOW_MINIMUM
            if _below_minimum(event, policy)
            else SUPERSEDED
            if id(event) in superseded
            else None
        )
        inputs.append(
            RatingInput(
                source=event.source,
                at=event.at,
                stars=Fraction(event.data["stars"]),
                age_days=age,
                weight=Fraction(0) if note else weight(age, policy),
                note=note,
            )
        )
    return tuple(inputs)


def score(events: Iterable[Event], as_of: datetime, policy: CreditPolicy) -> CreditFile:
    """The credit file of one agency as of `as_of`: score, grade and the lines adding up to it."""
    alive = [e for e in events if _alive(e, as_of)]
    inputs = _rating_inputs([e for e in alive if e.kind == RATING], as_of, policy)
    total_weight = policy.rating_prior_weight + sum(i.weight for i in inputs)
    mean = (
        policy.rating_prior_weight * policy.rating_prior_mean
        + sum(i.weight * i.stars for i in inputs)
    ) / total_weight
    rating_milli = milli(policy.rating_points_per_star * (mean - policy.rating_prior_mean))
    lines = [Line(BASE, milli(policy.base_points)), Line(RATINGS, rating_milli)]
    clamped = max(
        -milli(policy.rating_max_penalty), min(milli(policy.rating_max_points), rating_milli)
    )
    if clamped != rating_milli:
        lines.append(Line(RATING_CLAMP, clamped - rating_milli))

    periods = _periods(policy)
    counts: dict[str, int] = {RATING: sum(1 for i in inputs if i.note is None)}
    by_kind: dict[str, int] = {}
    for event in sorted(alive, key=lambda e: (e.at, e.source)):
        if event.kind not in periods:
            continue
        points, months = periods[event.kind]
        until = ends_at(event.at, months)
        if not as_of < until:
            continue
        note = BELOW_MINIMUM if event.kind == ON_TIME and _below_minimum(event, policy) else None
        value = 0 if note else milli(points)
        last_day = date.fromordinal(add_months(local_date(event.at), months).toordinal() - 1)
        lines.append(Line(event.kind, value, event.source, event.at, last_day, note))
        if note is None:
            counts[event.kind] = counts.get(event.kind, 0) + 1
            by_kind[event.kind] = by_kind.get(event.kind, 0) + value
    for kind, cap, cap_kind in (
        (ON_TIME, policy.on_time_max_points, ON_TIME_CAP),
        (COMMENDATION, policy.commendation_max_points, COMMENDATION_CAP),
    ):
        if by_kind.get(kind, 0) > milli(cap):
            lines.append(Line(cap_kind, milli(cap) - by_kind[kind]))

    total = sum(line.points_milli for line in lines)
    final = max(0, min(milli(policy.max_score), total))
    if final != total:
        lines.append(Line(CLAMP, final - total))
    return CreditFile(
        as_of=as_of,
        score_milli=final,
        grade=grade_of(final, policy),
        lines=tuple(lines),
        ratings=inputs,
        rating_mean=mean,
        counts=counts,
    )
