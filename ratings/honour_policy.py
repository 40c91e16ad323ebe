"""The honour roll's section of the policy (docs/rules.md §6): the numbers of its rule.

`ratings.init_app` registers `SECTION`; the sweep `ratings.honour_roll` is bound to it. The scoring
bonus an agency on the roll earns is bidding's (`bidding.policy.BiddingPolicy.honour_bonus_points`),
since bidding computes the ranking."""

from __future__ import annotations

from dataclasses import dataclass

from market.policy import Section
from market.validation import N_


@dataclass(frozen=True)
class HonourPolicy:
    #: Grade A at each of this many latest monthly computations …
    grade_a_months: int = 6
    #: … at least this many contracts accepted …
    min_contracts: int = 5
    #: … for at least this many different applicants …
    min_applicants: int = 3
    #: … within this many months, without a misconduct record or an upheld conduct complaint.
    window_months: int = 24


DEFAULT_POLICY = HonourPolicy()

SECTION = Section(
    "honour",
    DEFAULT_POLICY,
    N_("Honour roll"),
    {
        "grade_a_months": N_("Honour roll: grade A at each of the latest monthly computations"),
        "min_contracts": N_("Honour roll: fewest contracts accepted in the window"),
        "min_applicants": N_("Honour roll: fewest different applicants of those contracts"),
        "window_months": N_(
            "Honour roll: window of contracts, misconduct records and complaints (months)"
        ),
    },
)
