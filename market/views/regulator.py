"""Regulator pages: verifying or rejecting the qualifications agencies declared."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from market import agencies
from market.forms import RejectForm
from market.permissions import is_regulator
from market.web import db, flash_outcome, unit_of_work, viewer

bp = Blueprint("regulator", __name__, url_prefix="/regulator")


def _state() -> str:
    state = request.args.get("state") or "self_declared"
    return state if state in agencies.QUEUE_STATES else "self_declared"


def _page(state: str, form: RejectForm | None = None, failed: int | None = None, status=200):
    queue = agencies.regulator_queue(db(), viewer(), state)
    return render_template(
        "market/regulator_qualifications.html",
        queue=queue,
        form=form or RejectForm(formdata=None),
        failed=failed,
    ), status


@bp.get("/qualifications")
@login_required
def qualifications():
    if not is_regulator(db(), viewer()):
        abort(403)
    return _page(_state())


@bp.post("/qualifications/<int:qualification_id>/verify")
@login_required
def verify(qualification_id: int):
    if not is_regulator(db(), viewer()):
        abort(403)  # as for the list; "outside your jurisdiction" is a regulator's message
    with unit_of_work(keep_errors=True) as work:
        agencies.verify_qualification(db(), viewer(), qualification_id)
    flash_outcome(work, gettext("Marked as verified."))
    return redirect(
        url_for("regulator.qualifications", state=_state()), 303 if work.failed else 302
    )


@bp.post("/qualifications/<int:qualification_id>/reject")
@login_required
def reject(qualification_id: int):
    if not is_regulator(db(), viewer()):
        abort(403)
    form = RejectForm()
    if not form.validate_on_submit():
        return _page(_state(), form, qualification_id, 400)
    with unit_of_work(form) as work:
        agencies.reject_qualification(db(), viewer(), qualification_id, form.reason.data)
    if work.failed:  # the reason typed stays in its box, with the message next to it
        return _page(_state(), form, qualification_id, work.status)
    flash_outcome(work, gettext("Rejected; the agency sees your reason."))
    return redirect(url_for("regulator.qualifications", state=_state()))
