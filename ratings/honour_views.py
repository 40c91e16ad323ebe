"""The honour roll's public pages (docs/rules.md §6): `/lists/honour` (the latest roll with its
date, a month picker for the earlier ones), its CSV and JSON, and the badge on the agency's
profile (a `market.agency_sections` hook)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from market.models import Organization
from market.validation import Invalid
from market.web import db, policy_section, translated_errors
from ratings.honour import csv_rows, public_roll
from ratings.honour_policy import SECTION

bp = Blueprint("honour", __name__)


@bp.get("/lists/honour")
def honour_list():
    errors = {}
    try:
        view = public_roll(db(), request.args.get("month"))
    except Invalid as exc:
        errors = translated_errors(exc)
        view = public_roll(db(), None)
    return render_template(
        "ratings/honour/list.html",
        view=view,
        errors=errors,
        month_typed=request.args.get("month", ""),
        rule=view["roll"]["rule"] if view["roll"] else asdict(policy_section(SECTION.name)),
    ), (422 if errors else 200)


def _roll_or_abort() -> dict:
    try:
        view = public_roll(db(), request.args.get("month"))
    except Invalid:
        abort(404)
    if view["roll"] is None:
        abort(404)
    return view["roll"]


@bp.get("/lists/honour.csv")
def honour_csv():
    roll = _roll_or_abort()
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read the names as UTF-8
    csv.writer(out, lineterminator="\r\n").writerows(csv_rows(roll))
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="honour-{roll["month"]}.csv"'},
    )


@bp.get("/lists/honour.json")
def honour_json():
    return jsonify(_roll_or_abort())


def agency_section(org: Organization) -> Markup:
    """On the agency's profile: the honour-roll badge, while the latest roll lists it."""
    if org.honour_roll_since is None:
        return Markup("")
    return Markup(render_template("ratings/honour/_badge_section.html", agency=org))


def nav_links(org) -> list[tuple[str, str]]:
    """The header's link to the roll, for everyone (a `market.nav_links` hook)."""
    return [(url_for("honour.honour_list"), gettext("Honour roll"))]
