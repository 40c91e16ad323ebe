"""Ratings' credit section of the policy: the numbers of the credit score (docs/rules.md §6).

`ratings.init_app` registers `SECTION` with the app's policy registry (``POLICY = {"credit":
{"base_points": 75}}``). A setting is never negative (`market.policy` refuses it), so every
penalty and every floor is stated as its size: `late_points = 2` takes 2 points off per late
delivery. Points and shares are exact fractions, never floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from market.policy import Section
from market.validation import N_


@dataclass(frozen=True)
class CreditPolicy:
    #: Every agency starts from these points.
    base_points: Fraction = Fraction(80)
    #: Ratings: the Bayesian prior's mean (stars) and weight (as many ratings of full weight).
    rating_prior_mean: Fraction = Fraction(4)
    rating_prior_weight: Fraction = Fraction(5)
    #: Points per star of R above (or below) the prior's mean …
    rating_points_per_star: Fraction = Fraction(10)
    #: … at most this many points added, and at most this many taken off.
    rating_max_points: Fraction = Fraction(10)
    rating_max_penalty: Fraction = Fraction(30)
    #: A rating's weight halves every this many days of age.
    half_life_days: int = 365
    #: Decimal places a rating's weight is rounded to (half to even).
    weight_places: int = 6
    #: +points per contract accepted on time, for this many months, at most this many in all.
    on_time_points: Fraction = Fraction(1, 2)
    on_time_months: int = 24
    on_time_max_points: Fraction = Fraction(5)
    #: −points per late delivery, for this many months.
    late_points: Fraction = Fraction(2)
    late_months: int = 24
    #: −points per abandoned award or contract terminated for the agency's fault.
    fault_points: Fraction = Fraction(10)
    fault_months: int = 24
    #: Misconduct records by severity: −points, for this many months.
    minor_points: Fraction = Fraction(5)
    minor_months: int = 3
    general_points: Fraction = Fraction(15)
    general_months: int = 12
    serious_points: Fraction = Fraction(40)
    serious_months: int = 36
    #: +points per commendation, for this many months, at most this many in all.
    commendation_points: Fraction = Fraction(3)
    commendation_months: int = 12
    commendation_max_points: Fraction = Fraction(6)
    #: The score is clamped to 0 … this.
    max_score: Fraction = Fraction(100)
    #: Grades: A from this score, B from this, C from this; D below.
    grade_a_from: Fraction = Fraction(90)
    grade_b_from: Fraction = Fraction(75)
    grade_c_from: Fraction = Fraction(60)
    #: Against farming: a contract below this price (fen) earns no points …
    min_contract_fen: int = 100_000
    #: … and of one applicant's ratings of one agency, one superseded by a later one within this
    #: many months counts no more.
    same_rater_months: int = 12


DEFAULT_POLICY = CreditPolicy()

SECTION = Section(
    "credit",
    DEFAULT_POLICY,
    N_("Credit score"),
    {
        "base_points": N_("Base score of every agency (points)"),
        "rating_prior_mean": N_("Ratings: mean of the prior (stars)"),
        "rating_prior_weight": N_("Ratings: weight of the prior (ratings)"),
        "rating_points_per_star": N_("Ratings: points per star above or below the prior mean"),
        "rating_max_points": N_("Ratings: most points added"),
        "rating_max_penalty": N_("Ratings: most points taken off"),
        "half_life_days": N_("Ratings: half-life of a rating weight (days)"),
        "weight_places": N_("Ratings: decimal places of a rating weight"),
        "on_time_points": N_("Points per contract accepted on time"),
        "on_time_months": N_("Contracts accepted on time count for (months)"),
        "on_time_max_points": N_("Most points for contracts accepted on time"),
        "late_points": N_("Points off per late delivery"),
        "late_months": N_("Late deliveries count for (months)"),
        "fault_points": N_("Points off per abandoned award or termination for fault of the agency"),
        "fault_months": N_("Abandoned awards and terminations count for (months)"),
        "minor_points": N_("Points off per minor misconduct record"),
        "minor_months": N_("Minor misconduct records count for (months)"),
        "general_points": N_("Points off per general misconduct record"),
        "general_months": N_("General misconduct records count for (months)"),
        "serious_points": N_("Points off per serious misconduct record"),
        "serious_months": N_("Serious misconduct records count for (months)"),
        "commendation_points": N_("Points per commendation"),
        "commendation_months": N_("Commendations count for (months)"),
        "commendation_max_points": N_("Most points for commendations"),
        "max_score": N_("Highest score"),
        "grade_a_from": N_("Grade A from (points)"),
        "grade_b_from": N_("Grade B from (points)"),
        "grade_c_from": N_("Grade C from (points)"),
        "min_contract_fen": N_("Contracts below this price earn no points (fen)"),
        "same_rater_months": N_(
            "Ratings: a later rating by the same applicant replaces an earlier one within (months)"
        ),
    },
)
