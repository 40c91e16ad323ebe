"""Outage notices (docs/rules.md §4, outage): the public list and each notice; the operator's form
that publishes one and extends the deadlines the outage caught."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext

from market import outages
from market.forms import OutageForm
from market.labels import DEADLINE_LABELS
from market.validation import NotFound
from market.views.admin import operator_required
from market.web import Work, db, unit_of_work, viewer

bp = Blueprint("outages", __name__)


@bp.get("/notices")
def notice_list():
    session = db()
    rows = [outages.describe(session, n, with_moves=False) for n in outages.notices(session)]
    return render_template("market/outage_notices.html", rows=rows)


@bp.get("/notices/<int:notice_id>")
def notice(notice_id: int):
    session = db()
    try:
        found = outages.get_notice(session, notice_id)
    except NotFound:
        abort(404)
    return render_template(
        "market/outage_notice.html",
        n=outages.describe(session, found),
        deadline_labels=DEADLINE_LABELS,
    )


@bp.route("/operator/outages", methods=["GET", "POST"])
@operator_required
def publish():
    form = OutageForm()
    work = Work()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit")}
        with unit_of_work(form) as work:
            published = outages.record(db(), viewer(), data)
        if not work.failed:
            moved = len(outages.moves_of(db(), published))
            flash(
                gettext(
                    "Notice %(id)d published; %(n)d deadlines extended.", id=published.id, n=moved
                ),
                "success",
            )
            return redirect(url_for("outages.notice", notice_id=published.id))
    return render_template("market/outage_form.html", form=form, errors=work.messages), work.status
