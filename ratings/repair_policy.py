"""Credit repair's section of the policy (docs/rules.md §6): when a misconduct record may be
repaired, how long a regulator has to decide, how long a refused agency waits.

`ratings.init_app` registers `SECTION`; the pages and API pass the configured `RepairPolicy` to
`ratings.repair`. The periods a record counts and is published for are the credit section's
(`general_months`, `serious_months`)."""

from __future__ import annotations

from dataclasses import dataclass

from market.policy import Section
from market.validation import N_


@dataclass(frozen=True)
class RepairPolicy:
    #: A general record may be repaired from this many months after it was recorded …
    general_after_months: int = 3
    #: … a serious one from this many (a minor one never: its period ends it).
    serious_after_months: int = 12
    #: Working days a regulator has to decide an application (overdue after).
    decision_wd: int = 10
    #: Months after a refusal before the agency may apply again for the same record.
    wait_after_refusal_months: int = 1


DEFAULT_POLICY = RepairPolicy()

SECTION = Section(
    "repair",
    DEFAULT_POLICY,
    N_("Credit repair"),
    {
        "general_after_months": N_("A general misconduct record may be repaired after (months)"),
        "serious_after_months": N_("A serious misconduct record may be repaired after (months)"),
        "decision_wd": N_("Time for the regulator to decide a repair application (working days)"),
        "wait_after_refusal_months": N_("After a refused repair, apply again after (months)"),
    },
)
