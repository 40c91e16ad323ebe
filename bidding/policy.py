"""Bidding's section of the policy (docs/rules.md §1: every number is a default a deployment may change).

`bidding.init_app` registers `SECTION` with the app's policy registry (`market.policy`), which
builds it from the POLICY setting (``POLICY = {"bidding": {"explanation_wd": 2}}``). Every service
that acts on a task (opening, validity, selection, panel, marking, progress) takes the configured
`BiddingPolicy` as a required argument, passed by the handlers and sweeps, so none can fall back
on these defaults unnoticed; `DEFAULT_POLICY` remains the default of the pure formulas only
(`opening.abnormally_low_tests`, `selection.average_reference`). Shares are exact fractions, never
floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from market.policy import Section
from market.validation import N_


@dataclass(frozen=True)
class BiddingPolicy:
    #: A bid below this share of the mean of the other valid bids is abnormally low.
    low_share_of_mean: Fraction = Fraction(1, 2)
    #: … or below this share of the next-lowest valid bid …
    low_share_of_next: Fraction = Fraction(1, 2)
    #: … or below this share of the price cap.
    low_share_of_cap: Fraction = Fraction(45, 100)
    #: Working days an abnormally low bidder has to explain its price in writing.
    explanation_wd: int = 1
    #: Working days the award candidate and the full ranking are published before the award.
    publicity_wd: int = 3
    #: Credit points (in milli-points) assumed for an agency without a computed credit score.
    base_credit_milli: int = 80_000
    #: Panel size of a `scoring` task that does not set one (private funding may leave it open).
    default_panel_size: int = 3
    #: With at least this many valid bids, `average_price` drops one highest and one lowest.
    average_trim_from: int = 5
    #: Working days an agency invited after another declined has to answer (direct selection).
    invitation_wd: int = 3
    #: Objections (异议) to a result: the applicant answers within this many working days …
    objection_answer_wd: int = 3
    #: … and for a `budget` task a challenge (质疑) is filed, and answered, within these.
    challenge_filing_wd: int = 7
    challenge_answer_wd: int = 7
    #: An unsatisfied objector complains to the regulator within this many working days of the
    #: answer (or of the answer's deadline, unanswered) …
    complaint_wd: int = 15
    #: … and the regulator decides within these.
    complaint_decision_wd: int = 30
    #: Calendar days after the award notice within which both sides sign the contract …
    signing_days: int = 30
    #: … and how many days before that limit a side that has not confirmed is reminded.
    signing_reminder_days: int = 5
    #: Working days the applicant has to accept a delivery or ask for a revision.
    acceptance_wd: int = 10
    #: Revision rounds an applicant may ask for.
    max_revision_rounds: int = 3
    #: Calendar days after acceptance within which a `budget` contract is paid.
    budget_payment_days: int = 30
    #: Working days after acceptance during which the parties rate each other; the task closes
    #: after them (a `budget` task once paid, too).
    rating_wd: int = 15
    #: Credit points (0–100 scale) added to the credit score of a `scoring` bidder that was on the
    #: honour roll at the deadline; the credit part never exceeds its weight (docs/rules.md §5).
    honour_bonus_points: Fraction = Fraction(2)


DEFAULT_POLICY = BiddingPolicy()

SECTION = Section(
    "bidding",
    DEFAULT_POLICY,
    N_("Bids and selection"),
    {
        "low_share_of_mean": N_(
            "Abnormally low below this share of the mean of the other valid bids"
        ),
        "low_share_of_next": N_("Abnormally low below this share of the next-lowest valid bid"),
        "low_share_of_cap": N_("Abnormally low below this share of the price cap"),
        "explanation_wd": N_("Time to explain an abnormally low price (working days)"),
        "publicity_wd": N_("Publicity of the result before the award (working days)"),
        "base_credit_milli": N_("Credit score of an agency without one (milli-points)"),
        "default_panel_size": N_("Panel size of a scoring task that sets none"),
        "average_trim_from": N_(
            "Average price: valid bids from which the highest and the lowest are left out"
        ),
        "invitation_wd": N_(
            "Direct selection: time for another invited agency to answer (working days)"
        ),
        "objection_answer_wd": N_("Time for the applicant to answer an objection (working days)"),
        "challenge_filing_wd": N_(
            "Budget tasks: time to file a challenge after the result is published (working days)"
        ),
        "challenge_answer_wd": N_(
            "Budget tasks: time for the department to answer a challenge (working days)"
        ),
        "complaint_wd": N_("Time to complain to the regulator after the answer (working days)"),
        "complaint_decision_wd": N_("Time for the regulator to decide a complaint (working days)"),
        "signing_days": N_("Time to sign the contract after the award notice (days)"),
        "signing_reminder_days": N_("Reminder to sign, before the signing limit (days)"),
        "acceptance_wd": N_("Time to accept a delivery or ask for a revision (working days)"),
        "max_revision_rounds": N_("Revision rounds an applicant may ask for"),
        "budget_payment_days": N_("Budget contracts: payment due after acceptance (days)"),
        "rating_wd": N_("Rating period after acceptance, before the task closes (working days)"),
        "honour_bonus_points": N_(
            "Scoring: credit points added for an agency on the honour roll (capped at the weight)"
        ),
    },
)
