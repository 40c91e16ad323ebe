"""Regulator pages: verifying the qualifications agencies declared."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required
from sqlmodel import select

from market import agencies
from market.models import Organization, Qualification
from market.permissions import is_regulator, regulator_covers
from market.web import db, flash_outcome, unit_of_work, viewer

bp = Blueprint("regulator", __name__, url_prefix="/regulator")


@bp.get("/qualifications")
@login_required
def qualifications():
    if not is_regulator(db(), viewer()):
        abort(403)
    rows = (
        db()
        .exec(
            select(Qualification, Organization)
            .join(Organization, Organization.id == Qualification.organization_id)
            .where(Qualification.verified_at.is_(None))
            .order_by(Qualification.id)
        )
        .all()
    )
    rows = [(q, o) for q, o in rows if regulator_covers(db(), viewer(), region_code=o.region_code)]
    return render_template("market/regulator_qualifications.html", rows=rows)


@bp.post("/qualifications/<int:qualification_id>/verify")
@login_required
def verify(qualification_id: int):
    if not is_regulator(db(), viewer()):
        abort(403)  # as for the list; "outside your jurisdiction" is a regulator's message
    with unit_of_work(keep_errors=True) as work:
        agencies.verify_qualification(db(), viewer(), qualification_id)
    flash_outcome(work, gettext("Marked as verified."))
    return redirect(url_for("regulator.qualifications"), 303 if work.failed else 302)
