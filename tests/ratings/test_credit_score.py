"""The credit score as a pure function (docs/rules.md §6), against vectors computed by hand."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from ratings.credit import (
    BASE,
    BELOW_MINIMUM,
    CLAMP,
    COMMENDATION_CAP,
    ON_TIME_CAP,
    RATING_CLAMP,
    RATINGS,
    SHANGHAI,
    SUPERSEDED,
    Event,
    add_months,
    score,
    weight,
)
from ratings.credit_policy import DEFAULT_POLICY as P
from ratings.models.credit import (
    ABANDONED,
    COMMENDATION,
    KINDS,
    LATE,
    MISCONDUCT_MINOR,
    MISCONDUCT_SERIOUS,
    ON_TIME,
    RATING,
    TERMINATED_FAULT,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SHANGHAI)


def rating(stars, days_ago=0, applicant=1, price=1_000_000, source=None, **kw):
    return Event(
        RATING,
        NOW - timedelta(days=days_ago),
        {"stars": str(stars), "applicant_id": applicant, "price_fen": price},
        source=source or f"rating:{applicant}:{days_ago}:{stars}",
        **kw,
    )


def fact(kind, days_ago=0, n=0, **data):
    return Event(kind, NOW - timedelta(days=days_ago), data, source=f"{kind}:{days_ago}:{n}")


def lines(file):
    return [(line.kind, line.points_milli) for line in file.lines]


def test_no_events_is_the_base_score():
    file = score([], NOW, P)
    assert (file.score_milli, file.grade) == (80_000, "B")
    assert lines(file) == [(BASE, 80_000), (RATINGS, 0)]
    assert file.rating_mean == 4


def test_the_bayesian_mean_of_fresh_ratings():
    # R = (5·4 + 5 + 3) / (5 + 2) = 4: nothing added.
    file = score([rating(5, applicant=1), rating(3, applicant=2)], NOW, P)
    assert file.rating_mean == 4 and file.score_milli == 80_000
    # R = (20 + 5) / 6 = 25/6; 10 × (25/6 − 4) = 5/3 = 1.6667 points.
    file = score([rating(5)], NOW, P)
    assert file.rating_mean == Fraction(25, 6)
    assert lines(file) == [(BASE, 80_000), (RATINGS, 1_667)]
    assert file.score_milli == 81_667
    # A rating's stars are the mean of its five dimensions, kept exact: 21/5.
    file = score([rating("21/5")], NOW, P)
    assert file.rating_mean == Fraction(20 + Fraction(21, 5), 6)  # 121/30
    assert file.score_milli == 80_333  # 10 × 1/30 = 0.3333


def test_a_ratings_weight_halves_every_365_days():
    assert [weight(d, P) for d in (0, 365, 730)] == [1, Fraction(1, 2), Fraction(1, 4)]
    assert weight(1, P) == Fraction(998_103, 1_000_000)  # 0.5^(1/365) = 0.99810277, 6 places
    # w = 1/2: R = (20 + 2.5) / 5.5 = 45/11; 10 × 1/11 = 0.90909 points.
    file = score([rating(5, days_ago=365)], NOW, P)
    assert file.rating_mean == Fraction(45, 11)
    assert file.ratings[0].age_days == 365 and file.ratings[0].weight == Fraction(1, 2)
    assert file.score_milli == 80_909
    # w = 1/4: R = 21.25 / 5.25 = 85/21; 10 × 1/21 = 0.47619 points.
    assert score([rating(5, days_ago=730)], NOW, P).score_milli == 80_476


def test_a_ratings_age_counts_shanghai_calendar_days():
    at = datetime(2026, 11, 29, 23, 59, tzinfo=SHANGHAI)
    event = Event(RATING, at, {"stars": "5", "applicant_id": 1, "price_fen": 100_000})
    assert score([event], datetime(2026, 11, 30, 0, 1, tzinfo=SHANGHAI), P).ratings[0].age_days == 1


def test_the_rating_component_is_clamped_by_an_adjustment_line():
    # R = (20 + 1) / 6 = 3.5: −5 points, clamped to −1 by a policy allowing 1 point off.
    policy = dataclasses.replace(P, rating_max_penalty=Fraction(1))
    file = score([rating(1)], NOW, policy)
    assert lines(file) == [(BASE, 80_000), (RATINGS, -5_000), (RATING_CLAMP, 4_000)]
    assert file.score_milli == 79_000
    # The default bounds (−30, +10) never bind: R lies strictly between 1 and 5.
    many = [rating(5, applicant=i) for i in range(1000)]
    # R = (20 + 1000·5) / 1005; 10 × (R − 4) = 10000/1005 = 9.95025 points.
    assert score(many, NOW, P).score_milli == 89_950


def test_on_time_contracts_are_capped_at_five_points():
    file = score([fact(ON_TIME, days_ago=i, price_fen=200_000) for i in range(12)], NOW, P)
    assert lines(file)[-1] == (ON_TIME_CAP, -1_000)  # 12 × 0.5 = 6, capped at 5
    assert file.score_milli == 85_000
    assert file.counts[ON_TIME] == 12


def test_commendations_are_capped_at_six_points():
    file = score([fact(COMMENDATION, n=i) for i in range(3)], NOW, P)
    assert lines(file)[-1] == (COMMENDATION_CAP, -3_000)
    assert file.score_milli == 86_000


def test_penalties_and_the_final_clamp():
    file = score([fact(LATE), fact(ABANDONED), fact(TERMINATED_FAULT)], NOW, P)
    assert file.score_milli == 58_000  # 80 − 2 − 10 − 10
    assert file.grade == "D"
    file = score([fact(MISCONDUCT_SERIOUS, n=i) for i in range(3)], NOW, P)
    assert lines(file)[-1] == (CLAMP, 40_000)  # 80 − 120 = −40, clamped to 0
    assert (file.score_milli, file.grade) == (0, "D")
    policy = dataclasses.replace(P, base_points=Fraction(99))
    boosted = [fact(COMMENDATION, n=i) for i in range(2)] + [
        fact(ON_TIME, n=i, price_fen=100_000) for i in range(10)
    ]
    file = score(boosted, NOW, policy)
    assert lines(file)[-1] == (CLAMP, -10_000)  # 99 + 6 + 5 = 110, clamped to 100
    assert (file.score_milli, file.grade) == (100_000, "A")


@pytest.mark.parametrize(
    ("score_milli", "grade"),
    [(90_000, "A"), (89_999, "B"), (75_000, "B"), (74_999, "C"), (60_000, "C"), (59_999, "D")],
)
def test_grade_thresholds(score_milli, grade):
    points = Fraction(score_milli - 80_000, 1000)
    policy = dataclasses.replace(P, base_points=Fraction(80) + points)
    assert score([], NOW, policy).grade == grade


def test_month_arithmetic_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 24) == date(2028, 12, 15)
    assert add_months(date(2026, 5, 31), 12) == date(2027, 5, 31)


def test_an_event_counts_until_midnight_shanghai_of_its_date_plus_its_months():
    # A minor record made on 30 November (Shanghai) counts for 3 months: until 28 February 00:00.
    at = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
    event = Event(MISCONDUCT_MINOR, at, {}, source="misconduct:1")
    last = datetime(2027, 2, 27, 23, 59, 59, 999_999, tzinfo=SHANGHAI)
    file = score([event], last, P)
    assert file.score_milli == 75_000
    assert file.lines[-1].last_day == date(2027, 2, 27)
    assert score([event], datetime(2027, 2, 28, tzinfo=SHANGHAI), P).score_milli == 80_000
    # Its Shanghai date decides: 17:00 UTC on 30 November is 1 December in Shanghai.
    late_evening = Event(MISCONDUCT_MINOR, datetime(2026, 11, 30, 17, 0, tzinfo=UTC), {})
    assert (
        score([late_evening], datetime(2027, 2, 28, 12, tzinfo=SHANGHAI), P).score_milli == 75_000
    )
    assert score([late_evening], datetime(2027, 3, 1, tzinfo=SHANGHAI), P).score_milli == 80_000


def test_an_event_counts_only_from_its_moment_and_before_it_is_voided():
    unpublished = rating(5, days_ago=-1)  # published tomorrow
    assert score([unpublished], NOW, P).score_milli == 80_000
    assert score([unpublished], NOW, P).ratings == ()
    voided = rating(5, voided_at=NOW + timedelta(hours=1))
    assert score([voided], NOW, P).score_milli == 81_667
    assert score([voided], NOW + timedelta(hours=1), P).score_milli == 80_000
    late = Event(LATE, NOW, {}, voided_at=NOW + timedelta(days=1))
    assert score([late], NOW, P).score_milli == 78_000
    assert score([late], NOW + timedelta(days=1), P).score_milli == 80_000


def test_a_contract_below_the_minimum_earns_no_points():
    small = rating(5, price=99_999, applicant=1)
    file = score([small, fact(ON_TIME, price_fen=99_999)], NOW, P)
    assert file.score_milli == 80_000
    assert (file.ratings[0].weight, file.ratings[0].note) == (0, BELOW_MINIMUM)
    assert (file.lines[-1].kind, file.lines[-1].points_milli) == (ON_TIME, 0)
    assert file.lines[-1].note == BELOW_MINIMUM
    assert file.counts == {RATING: 0}
    assert score([rating(5, price=100_000)], NOW, P).score_milli == 81_667


def test_only_the_latest_rating_of_one_applicant_within_twelve_months_counts():
    # Applicant 1 rated 1 star 200 days ago and 5 stars today: only today's counts.
    file = score([rating(1, days_ago=200), rating(5)], NOW, P)
    assert [(r.stars, r.note) for r in file.ratings] == [(1, SUPERSEDED), (5, None)]
    assert file.score_milli == 81_667
    # Two different applicants both count: R = (20 + 1 + 5) / 7 = 26/7.
    file = score([rating(1, applicant=2), rating(5, applicant=3)], NOW, P)
    assert file.rating_mean == Fraction(26, 7)
    # 730 days apart (more than 12 months): both count, each with its weight.
    file = score([rating(1, days_ago=730), rating(5)], NOW, P)
    assert [r.weight for r in file.ratings] == [Fraction(1, 4), 1]
    # R = (20 + 1/4 + 5) / (6 + 1/4) = 101/25; 10 × 1/25 = 0.4 points.
    assert file.score_milli == 80_400
    # A small contract's rating replaces nothing.
    file = score([rating(1, days_ago=10), rating(5, price=50_000)], NOW, P)
    assert [r.note for r in file.ratings] == [None, BELOW_MINIMUM]


def test_the_lines_always_add_up_to_the_score():
    rng = random.Random(20261130)
    for _ in range(300):
        events = []
        for n in range(rng.randrange(0, 30)):
            kind = rng.choice(KINDS)
            at = NOW - timedelta(days=rng.randrange(-30, 1500), minutes=rng.randrange(1440))
            data = {"price_fen": rng.choice([50_000, 100_000, 3_000_000])}
            if kind == RATING:
                data |= {
                    "stars": str(Fraction(rng.randrange(5, 26), 5)),
                    "applicant_id": rng.randrange(4),
                }
            voided = at + timedelta(days=rng.randrange(1, 400)) if rng.random() < 0.2 else None
            events.append(Event(kind, at, data, voided, f"e:{n}"))
        policy = dataclasses.replace(P, rating_max_penalty=Fraction(rng.randrange(0, 31)))
        file = score(events, NOW, policy)
        assert sum(line.points_milli for line in file.lines) == file.score_milli
        assert 0 <= file.score_milli <= 100_000
