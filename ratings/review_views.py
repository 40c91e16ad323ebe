"""Pages of appeals against ratings, misconduct records and commendations: the organization's
received ratings with its appeal forms (`/account/ratings`), the regulator's appeal queue and
appeal page, its queue of misconduct-record proposals, and a section of the agency's public page
(a `market.agency_sections` hook) with its published records and commendations, and for a
regulator covering the agency the forms to record either. The rules are `ratings.appeals`' and
`ratings.records`'.

A form refused by the service shows its page again, with what was typed and the messages next to
the fields, answered with the failure's status."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup

from market import clock
from market.models import Organization, OrgKind, Task
from market.permissions import is_regulator
from market.validation import NotFound
from market.views import public
from market.web import Work, db, policy_section, unit_of_work, viewer, viewer_org
from ratings import appeals, records
from ratings import review_serializers as ser
from ratings.credit_policy import SECTION as CREDIT
from ratings.models import Rating
from ratings.policy import SECTION
from ratings.review_forms import (
    AppealDecisionForm,
    AppealForm,
    CommendationForm,
    MisconductForm,
    ProposalDecisionForm,
)

bp = Blueprint("ratings_review", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.extensions.setdefault("market.agency_sections", []).append(agency_section)
    app.extensions.setdefault("market.nav_links", []).append(nav_links)


def nav_links(org) -> list:
    """A regulator's queues and an organization's received ratings in the top navigation."""
    if org is None:
        return []
    if org.kind == OrgKind.regulator:
        return [
            (url_for("ratings_review.appeal_queue"), gettext("Rating appeals")),
            (url_for("ratings_review.proposal_queue"), gettext("Misconduct proposals")),
        ]
    if org.kind in (OrgKind.agency, OrgKind.enterprise, OrgKind.department):
        return [(url_for("ratings_review.my_ratings"), gettext("Ratings received"))]
    return []


def _policy():
    return policy_section(SECTION.name)


def _regulator() -> None:
    if not is_regulator(db(), viewer()):
        abort(403)


# --- the rated side -------------------------------------------------------------------------------


def _my_ratings_page(forms: dict | None = None, errors: dict | None = None, status: int = 200):
    org = viewer_org()
    now = clock.now()
    items = []
    for row, task in appeals.received_ratings(db(), org):
        due = appeals.appeal_due(db(), row, _policy())
        data = ser.rating(db(), row, task, due)
        data["can_appeal"] = appeals.appeal_refusal(db(), row, org, now, _policy()) is None
        appeal = appeals.appeal_of(db(), row)
        data["appeal"] = ser.appeal(db(), appeal, row, task, now) if appeal else None
        key = f"appeal-{row.id}"
        data["form"] = (forms or {}).get(key) or AppealForm(formdata=None, prefix=f"ap{row.id}")
        data["errors"] = (errors or {}).get(key, [])
        items.append(data)
    return render_template("ratings/my_ratings.html", items=items), status


@bp.get("/account/ratings")
@login_required
def my_ratings():
    return _my_ratings_page()


@bp.post("/ratings/<int:rating_id>/appeal")
@login_required
def file_appeal(rating_id: int):
    form = AppealForm(prefix=f"ap{rating_id}")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        appeals.file_appeal(db(), viewer(), rating_id, form.reason.data, _policy())
    if work.failed:
        if work.status == 404:
            abort(404)
        key = f"appeal-{rating_id}"
        return _my_ratings_page({key: form}, {key: work.messages}, work.status)
    flash(gettext("Your appeal is filed with the regulator."), "success")
    return redirect(url_for("ratings_review.my_ratings") + f"#rating-{rating_id}")


# --- the regulator: appeals -----------------------------------------------------------------------


@bp.get("/regulator/rating-appeals")
@login_required
def appeal_queue():
    _regulator()
    found = appeals.queue(db(), viewer(), request.args.get("state") or appeals.UNDECIDED)
    now = clock.now()
    rows = [ser.appeal(db(), a, r, t, now) for a, r, t in found["rows"]]
    return render_template("ratings/regulator_appeals.html", queue=found, rows=rows)


def _appeal_page(appeal_id: int, form=None, work: Work | None = None):
    _regulator()
    try:
        row = appeals.get_appeal(db(), appeal_id)
    except NotFound:
        abort(404)
    if not appeals.covers_appeal(db(), viewer(), row):
        abort(403)
    rating = db().get(Rating, row.rating_id)
    task = db().get(Task, rating.task_id)
    return render_template(
        "ratings/regulator_appeal.html",
        appeal=ser.appeal(db(), row, rating, task, clock.now()),
        rating=ser.rating(db(), rating, task, None),
        form=form or AppealDecisionForm(formdata=None, prefix="dec"),
        errors=work.messages if work is not None else [],
    ), (work.status if work is not None else 200)


@bp.get("/regulator/rating-appeals/<int:appeal_id>")
@login_required
def appeal_page(appeal_id: int):
    return _appeal_page(appeal_id)


@bp.post("/regulator/rating-appeals/<int:appeal_id>/decision")
@login_required
def decide_appeal(appeal_id: int):
    _regulator()
    form = AppealDecisionForm(prefix="dec")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        appeals.decide(db(), viewer(), appeal_id, form.decision.data, form.reason.data)
    if work.failed:
        if work.status == 404:
            abort(404)
        return _appeal_page(appeal_id, form, work)
    flash(gettext("The decision is recorded."), "success")
    return redirect(url_for("ratings_review.appeal_page", appeal_id=appeal_id))


# --- the regulator: misconduct proposals ----------------------------------------------------------


def _proposal_queue_page(forms: dict | None = None, errors: dict | None = None, status=200):
    _regulator()
    found = records.proposal_queue(db(), viewer(), request.args.get("state") or "undecided")
    rows = []
    for proposal, _agency in found["rows"]:
        data = ser.proposal(db(), proposal)
        key = f"proposal-{proposal.id}"
        data["form"] = (forms or {}).get(key) or ProposalDecisionForm(
            formdata=None, prefix=f"pr{proposal.id}"
        )
        data["errors"] = (errors or {}).get(key, [])
        record = records.record_of_proposal(db(), proposal)
        data["record"] = ser.record(record) if record else None
        rows.append(data)
    return render_template("ratings/regulator_proposals.html", queue=found, rows=rows), status


@bp.get("/regulator/misconduct-proposals")
@login_required
def proposal_queue():
    return _proposal_queue_page()


@bp.post("/regulator/misconduct-proposals/<int:proposal_id>/decision")
@login_required
def decide_proposal(proposal_id: int):
    _regulator()
    form = ProposalDecisionForm(prefix=f"pr{proposal_id}")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        records.decide_proposal(
            db(),
            viewer(),
            proposal_id,
            form.decision.data,
            severity=form.severity.data,
            legal_basis=form.legal_basis.data,
            facts=form.facts.data,
            reason=form.reason.data,
            collusion=bool(form.collusion.data),
        )
    if work.failed:
        if work.status == 404:
            abort(404)
        key = f"proposal-{proposal_id}"
        return _proposal_queue_page({key: form}, {key: work.messages}, work.status)
    flash(gettext("The proposal is decided."), "success")
    return redirect(url_for("ratings_review.proposal_queue", state="decided"))


# --- the agency's public page ---------------------------------------------------------------------


def agency_section(org: Organization) -> Markup:
    """The agency's misconduct records the reader may see, its commendations, and for a
    regulator covering it the forms to record either (a `market.agency_sections` hook)."""
    user = viewer()
    covering = records.covers_agency(db(), user, org)
    # The forms for a covering regulator only: one made for a visitor would put a CSRF token in
    # the visitor's session (and keep the page from the public's page cache).
    forms = (
        {
            "misconduct": MisconductForm(formdata=None, prefix="mis"),
            "commend": CommendationForm(formdata=None, prefix="com"),
            **g.get("review_forms", {}),
        }
        if covering
        else {}
    )
    return Markup(
        render_template(
            "ratings/_agency_review.html",
            agency=org,
            records=[
                ser.record(r)
                for r in records.visible_records(db(), user, org, policy_section(CREDIT.name))
            ],
            commendations=[ser.commendation(r) for r in records.commendations_of(db(), org)],
            covering=covering,
            forms=forms,
            errors=g.get("review_errors", {}),
        )
    )


def _agency_action(agency_id: int, key: str, form, act, success: str):
    _regulator()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        act()
    if work.failed:
        if work.status == 404:
            abort(404)
        g.review_forms = {key: form}
        g.review_errors = {key: work.messages}
        page = public.agency_profile(agency_id)
        return page, work.status
    flash(success, "success")
    return redirect(url_for("public.agency_profile", agency_id=agency_id) + "#credit-record")


@bp.post("/agencies/<int:agency_id>/misconduct-records")
@login_required
def record_misconduct(agency_id: int):
    form = MisconductForm(prefix="mis")
    return _agency_action(
        agency_id,
        "misconduct",
        form,
        lambda: records.record_misconduct(
            db(),
            viewer(),
            agency_id,
            form.severity.data,
            form.legal_basis.data,
            form.facts.data,
            bool(form.collusion.data),
        ),
        gettext("The misconduct record is made."),
    )


@bp.post("/agencies/<int:agency_id>/commendations")
@login_required
def commend(agency_id: int):
    form = CommendationForm(prefix="com")
    return _agency_action(
        agency_id,
        "commend",
        form,
        lambda: records.commend(db(), viewer(), agency_id, form.reason.data),
        gettext("The commendation is recorded."),
    )
