"""The exit rules' section of the policy (docs/rules.md §6, "Lists and exit rules").

Automatic suspension is the deployment's choice: the national rules allow a suspension from
selection only where the local rules provide for it, so `auto_suspension` (1 on, 0 off) says
whether this deployment's do. Settings are never negative (`market.policy` refuses it); the score
threshold is in milli-points, as the stored standing."""

from __future__ import annotations

from dataclasses import dataclass

from market.policy import Section
from market.validation import N_


@dataclass(frozen=True)
class ExitsPolicy:
    #: 1: the suspension rules apply (the deployment's local rules provide for them); 0: they do not.
    auto_suspension: int = 1
    #: A suspension lasts this many calendar months from the moment its cause was entered.
    suspension_months: int = 6
    #: Entering a score strictly below this (milli-points) suspends.
    suspension_below_milli: int = 50_000
    #: The count of upheld conduct complaints within the months that suspends, when reached …
    complaints_count: int = 3
    complaints_months: int = 12
    #: … and the count of serious misconduct records within the months.
    serious_count: int = 2
    serious_months: int = 24
    #: Days ahead of a legally required qualification's expiry its agency is told, once.
    expiry_notice_days: int = 30
    #: Working days after an action within which its agency may appeal it …
    appeal_wd: int = 10
    #: … and working days after the appeal within which a regulator decides it.
    appeal_decision_wd: int = 10


DEFAULT_POLICY = ExitsPolicy()

SECTION = Section(
    "exits",
    DEFAULT_POLICY,
    N_("Exit rules: warnings, suspensions and removals"),
    {
        "auto_suspension": N_(
            "Suspension from selection applies (1) or not (0), as the local rules provide"
        ),
        "suspension_months": N_("Length of a suspension (months)"),
        "suspension_below_milli": N_("A score entering below this suspends (milli-points)"),
        "complaints_count": N_("Upheld conduct complaints that suspend …"),
        "complaints_months": N_("… within this many months"),
        "serious_count": N_("Serious misconduct records that suspend …"),
        "serious_months": N_("… within this many months (serious records)"),
        "expiry_notice_days": N_("Notice ahead of the expiry of a required qualification (days)"),
        "appeal_wd": N_("Time to appeal an exit action (working days)"),
        "appeal_decision_wd": N_("Time for the regulator to decide an exit appeal (working days)"),
    },
)
