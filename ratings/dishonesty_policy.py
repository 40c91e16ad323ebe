"""The serious-dishonesty list's section of the policy (docs/rules.md §6): the agency's time to
state its case after the notice, and the longest listing a decision may set.

`ratings.init_app` registers `SECTION`; the services take the configured `DishonestyPolicy`."""

from __future__ import annotations

from dataclasses import dataclass

from market.policy import Section
from market.validation import N_


@dataclass(frozen=True)
class DishonestyPolicy:
    #: Working days after the notice within which the agency may state its case.
    statement_wd: int = 10
    #: The longest listing a decision may set, in years from its start.
    max_years: int = 3


DEFAULT_POLICY = DishonestyPolicy()

SECTION = Section(
    "dishonesty",
    DEFAULT_POLICY,
    N_("Serious-dishonesty list"),
    {
        "statement_wd": N_("Time for the agency to state its case after the notice (working days)"),
        "max_years": N_("Longest listing a decision may set (years)"),
    },
)
