"""The credit file's page (`/agencies/<id>/credit`), the agency profile's link to it and the
policy page's credit section with its worked examples (docs/rules.md §6)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext
from markupsafe import Markup

from market import clock
from market.models import Organization
from market.validation import Invalid, NotFound
from market.web import db, policy_registry, translated_errors, viewer
from ratings.credit_file import (
    LINE_LABELS,
    NOTE_LABELS,
    credit_file,
    points,
    score_text,
    worked_examples,
)
from ratings.credit_policy import SECTION

bp = Blueprint("credit", __name__)

#: The grade-history chart: its size in px and its score axis.
CHART_W, CHART_H, CHART_PAD = 600, 160, 30


def chart(history: list[dict]) -> dict | None:
    """The grade history as an inline SVG's points (no script): x by snapshot, y by score."""
    if not history:
        return None
    step = (CHART_W - 2 * CHART_PAD) / max(1, len(history) - 1)
    marks = []
    for n, row in enumerate(history):
        x = CHART_PAD + n * step
        y = CHART_PAD + (CHART_H - 2 * CHART_PAD) * (1 - row["score_milli"] / 100_000)
        marks.append({"x": round(x, 1), "y": round(y, 1), **row})
    return {
        "width": CHART_W,
        "height": CHART_H,
        "polyline": " ".join(f"{m['x']},{m['y']}" for m in marks),
        "marks": marks,
        "bands": [
            {"grade": g, "y": round(CHART_PAD + (CHART_H - 2 * CHART_PAD) * (1 - s / 100), 1)}
            for g, s in (("A", 90), ("B", 75), ("C", 60))
        ],
    }


@bp.get("/agencies/<int:agency_id>/credit")
def credit_page(agency_id: int):
    policy = policy_registry().section(SECTION.name)
    errors = {}
    try:
        file = credit_file(db(), viewer(), agency_id, request.args.get("as_of"), policy)
    except NotFound:
        abort(404)
    except Invalid as exc:
        errors = translated_errors(exc)
        file = credit_file(db(), viewer(), agency_id, None, policy)
    return render_template(
        "ratings/credit.html",
        file=file,
        errors=errors,
        as_of_typed=request.args.get("as_of", ""),
        line_label=lambda kind: gettext(LINE_LABELS[kind]),
        note_label=lambda note: gettext(NOTE_LABELS[note]) if note else "",
        points=points,
        score_text=score_text,
        chart=chart(file["history"]),
    ), (422 if errors else 200)


def agency_section(org: Organization) -> Markup:
    """On the agency's profile (a `market.agency_sections` hook): its grade and score, and the
    link to its credit file."""
    return Markup(
        render_template(
            "ratings/_agency_credit.html", agency=org, score=score_text(org.credit_score_milli)
        )
    )


def policy_section() -> Markup:
    """On the policy page: how the score is computed, with worked examples."""
    policy = policy_registry().section(SECTION.name)
    return Markup(
        render_template(
            "ratings/_policy_credit.html",
            p=policy,
            examples=worked_examples(policy, clock.now()),
            line_label=lambda kind: gettext(LINE_LABELS[kind]),
            points=points,
            score_text=score_text,
        )
    )
