"""Ratings' section of the policy (docs/rules.md §6): the periods of an appeal against a rating.

`ratings.init_app` registers `SECTION`; services take the configured `RatingsPolicy` as an
argument, passed by their handlers."""

from __future__ import annotations

from dataclasses import dataclass

from market.policy import Section
from market.validation import N_


@dataclass(frozen=True)
class RatingsPolicy:
    #: Working days after a rating's publication within which the rated side may appeal it …
    appeal_wd: int = 10
    #: … and working days after the appeal within which a regulator decides it.
    appeal_decision_wd: int = 10


DEFAULT_POLICY = RatingsPolicy()

SECTION = Section(
    "ratings",
    DEFAULT_POLICY,
    N_("Ratings and credit"),
    {
        "appeal_wd": N_("Time to appeal a rating after its publication (working days)"),
        "appeal_decision_wd": N_("Time for the regulator to decide an appeal (working days)"),
    },
)
