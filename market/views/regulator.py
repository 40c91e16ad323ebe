"""Regulator pages: verifying the qualifications agencies declared."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required
from sqlmodel import select

from market import agencies
from market.models import Organization, Qualification
from market.permissions import is_regulator, regulator_covers
from market.validation import Forbidden, NotFound
from market.web import db, translate, viewer

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
    try:
        agencies.verify_qualification(db(), viewer(), qualification_id)
    except NotFound:
        abort(404)
    except Forbidden as exc:
        flash(translate(exc.message), "error")
        return redirect(url_for("regulator.qualifications")), 303
    db().commit()
    flash(gettext("Marked as verified."), "success")
    return redirect(url_for("regulator.qualifications"))
