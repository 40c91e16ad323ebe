"""Readable, translatable names of the codes bidding stores and shows (ranking numbers, validity
grounds and states, draw purposes), and how an exact fraction, an amount and a panel seat are
shown. Msgids are marked with `N_` so Babel
extracts them; templates translate them with `_()` at render time."""

from __future__ import annotations

from fractions import Fraction

from market.validation import N_, yuan_text

#: Names of the numbers stored with a place in the ranking (`bidding.selection`), as pages show
#: them: amounts (the keys ending in ``_fen``) in yuan, by `yuan_of_fen`; the JSON keeps fen.
NUMBER_LABELS = {
    "price_fen": N_("price (yuan)"),
    "fee_fen": N_("fixed fee (yuan)"),
    "award_pick": N_("place in the award draw (0-based)"),
    "lowest_price_fen": N_("lowest valid price (yuan)"),
    "weight_price": N_("price weight"),
    "price_score": N_("price score"),
    "credit_snapshot_milli": N_("credit score at opening (milli-points)"),
    "weight_credit": N_("credit weight"),
    "honour_roll": N_("on the honour roll at the deadline (1 yes, 0 no)"),
    "honour_bonus_points": N_("honour-roll bonus (credit points, capped at 100)"),
    "credit_score": N_("credit score"),
    "marks": N_("panel marks"),
    "mean_mark": N_("mean mark"),
    "weight_quality": N_("quality weight"),
    "quality_score": N_("quality score"),
    "total": N_("total score"),
    "prices_in_mean": N_("prices in the mean"),
    "mean_fen": N_("mean price (yuan)"),
    "factor": N_("drawn factor"),
    "reference_fen": N_("reference price (yuan)"),
    "distance_fen": N_("distance to the reference (yuan)"),
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
    """An exact fraction as stored ("281333/3"), as a page shows it: a whole number with thousands
    separators, a decimal of at most four places as it is ("97/100" → "0.97"), anything else
    rounded to two places after "≈" ("≈ 93,777.67"); the exact fraction stays in the JSON."""
    try:
        number = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return str(value)
    if number.denominator == 1:
        return f"{number.numerator:,}"
    scaled = number * 10_000
    if scaled.denominator == 1:
        whole, rest = divmod(abs(scaled.numerator), 10_000)
        sign = "-" if number < 0 else ""
        return f"{sign}{whole:,}.{rest:04d}".rstrip("0")
    hundredths = round(number * 100)
    whole, rest = divmod(abs(hundredths), 100)
    return f"≈ {'-' if hundredths < 0 else ''}{whole:,}.{rest:02d}"


def yuan_of_fen(value: object) -> str:
    """An amount of fen, exact fraction or integer ("281333/3"), as yuan with thousands commas:
    exact when it is a whole number of fen ("1,000.00"), else rounded to the fen after "≈" (the
    exact fraction stays in the JSON)."""
    try:
        fen = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return str(value)
    if fen.denominator == 1:
        return yuan_text(fen.numerator)
    return f"≈ {yuan_text(round(fen))}"


def reading_order(numbers: dict) -> list[tuple[str, object]]:
    """A ranking place's numbers as a reader wants them: the total score first, then the rest in
    the order they were computed."""
    return sorted(numbers.items(), key=lambda item: item[0] != "total")


def marks_by_seat(marks: dict, panel: list[dict]) -> list[tuple[int | str, object]]:
    """A place's marks (keyed by expert id, as `bidding.selection` stores them) by panel seat: 1
    for the first expert called, in the order of the panel draw (`bidding.serializers.result`
    publishes each member's position); a mark whose expert is not in `panel` keeps its key."""
    seats = {str(m["expert"]["id"]): m["position"] + 1 for m in panel}
    by_seat = [(seats.get(str(expert), str(expert)), mark) for expert, mark in marks.items()]
    return sorted(by_seat, key=lambda pair: (isinstance(pair[0], str), pair[0]))


#: What each kind of draw decides (`bidding.draws.spec`), as a sentence names it.
PURPOSE_LABELS = {
    "award": N_("the draw of the order of award"),
    "factor": N_("the draw of the factor"),
    "panel": N_("the draw of the panel"),
}
TIE_LABEL = N_("the draw for place %(place)s")


def purpose_label(purpose: str) -> tuple[str, dict]:
    """The msgid and parameters naming a draw's purpose (``tie:2`` → the draw for place 2)."""
    if purpose.startswith("tie:"):
        return TIE_LABEL, {"place": purpose.removeprefix("tie:")}
    return PURPOSE_LABELS.get(purpose, purpose), {}


#: The stages "my bids" groups an agency's bids by (`bidding.serializers.BID_STAGES`).
BID_STAGE_LABELS = {
    "sealed": N_("Sealed, before opening"),
    "review": N_("Opened, under review"),
    "decided": N_("Decided"),
    "cancelled": N_("Task cancelled"),
    "withdrawn": N_("Withdrawn"),
}
