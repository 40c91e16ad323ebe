"""Readable, translatable names of the codes bidding stores and shows (ranking numbers, validity
grounds and states), and how an exact fraction is shown. Msgids are marked with `N_` so Babel
extracts them; templates translate them with `_()` at render time."""

from __future__ import annotations

from fractions import Fraction

from market.validation import N_

#: Names of the numbers stored with a place in the ranking (`bidding.selection`).
NUMBER_LABELS = {
    "price_fen": N_("price (fen)"),
    "fee_fen": N_("fixed fee (fen)"),
    "award_pick": N_("place in the award draw (0-based)"),
    "lowest_price_fen": N_("lowest valid price (fen)"),
    "weight_price": N_("price weight"),
    "price_score": N_("price score"),
    "credit_snapshot_milli": N_("credit score at opening (milli-points)"),
    "weight_credit": N_("credit weight"),
    "credit_score": N_("credit score"),
    "marks": N_("panel marks"),
    "mean_mark": N_("mean mark"),
    "weight_quality": N_("quality weight"),
    "quality_score": N_("quality score"),
    "total": N_("total score"),
    "prices_in_mean": N_("prices in the mean"),
    "mean_fen": N_("mean price (fen)"),
    "factor": N_("drawn factor"),
    "reference_fen": N_("reference price (fen)"),
    "distance_fen": N_("distance to the reference (fen)"),
}
#: Validity grounds (`bidding.opening`, `bidding.validity`).
GROUND_LABELS = {
    "eligible": N_("eligible"),
    "abnormally_low": N_("abnormally low price"),
    "explanation_accepted": N_("explanation accepted"),
    "explanation_rejected": N_("explanation rejected"),
    "no_explanation": N_("no explanation in time"),
    "related_legal_representative": N_("related agencies"),
    "related_by_control": N_("related agencies (control)"),
    "identity_unverified": N_("same representative's identity, not verified for both"),
    "declared_relation": N_("self-declared relation"),
}
STATE_LABELS = {"valid": N_("valid"), "invalid": N_("invalid"), "pending": N_("pending")}


def fraction_text(value: object) -> str:
    """An exact fraction as stored ("281333/3"), with its decimal value when it is not whole."""
    try:
        number = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return str(value)
    if number.denominator == 1:
        return str(number.numerator)
    return f"{value} ≈ {float(number):.4f}"
