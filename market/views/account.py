"""A logged-in user's own page: organization, second factor, personal API tokens; an agency's
own qualifications."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required

from market import accounts, agencies, serializers
from market.forms import QualificationForm, TokenForm
from market.models import OrgKind
from market.web import Work, db, flash_outcome, unit_of_work, viewer, viewer_org

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@login_required
def home():
    user, org = viewer(), viewer_org()
    form = TokenForm()
    new_token = None
    work = Work()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            _token, new_token = accounts.create_token(db(), user, form.name.data)
        if not work.failed:
            form = TokenForm(formdata=None)
    card = agencies.load_card(db(), org) if org.kind == OrgKind.agency else None
    return render_template(
        "market/account.html",
        user=user,
        org=serializers.organization(org, serializers.PRIVATE),
        card=card,
        needs_type=bool(card) and any(agencies.needs_type(q) for q in card.qualifications),
        tokens=accounts.tokens_of(db(), user),
        form=form,
        new_token=new_token,
        errors=work.messages,
    ), work.status


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    with unit_of_work(keep_errors=True) as work:
        accounts.revoke_token(db(), viewer(), token_id)
    flash_outcome(work, gettext("The token is revoked."), "info")
    return redirect(url_for("account.home"))


# --- the agency's qualifications -----------------------------------------------------------------


def _agency_org():
    org = viewer_org()
    if org.kind != OrgKind.agency:
        abort(403)
    return org


def _qualifications_page(form, editing=None, errors=(), status=200):
    org = _agency_org()
    rows = agencies.qualifications_of(db(), org.id)
    return render_template(
        "market/account_qualifications.html",
        rows=[serializers.qualification(q, serializers.PRIVATE) for q in rows],
        form=form,
        editing=editing,
        errors=list(errors),
    ), status


@bp.route("/qualifications", methods=["GET", "POST"])
@login_required
def qualifications():
    org = _agency_org()
    form = QualificationForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            agencies.declare_qualification(db(), viewer(), org.id, form.to_data())
        if not work.failed:
            flash(gettext("Declared; it shows as self-declared until a regulator verifies it."))
            return redirect(url_for("account.qualifications"))
        return _qualifications_page(form, None, work.messages, work.status)
    return _qualifications_page(form, None, [], 400 if form.is_submitted() else 200)


@bp.route("/qualifications/<int:qualification_id>", methods=["GET", "POST"])
@login_required
def qualification(qualification_id: int):
    org = _agency_org()
    rows = {q.id: q for q in agencies.qualifications_of(db(), org.id)}
    if qualification_id not in rows:
        abort(404)
    q = rows[qualification_id]
    form = QualificationForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            agencies.change_qualification(db(), viewer(), org.id, q.id, form.to_data())
        if not work.failed:
            flash(gettext("Saved; a changed qualification is self-declared until verified again."))
            return redirect(url_for("account.qualifications"))
        return _qualifications_page(form, q.id, work.messages, work.status)
    if not form.is_submitted():
        form = QualificationForm(
            formdata=None,
            data={
                "type": q.type_code or "",
                "grade": q.grade or "",
                "scope": q.scope,
                "certificate_no": q.certificate_no,
                "issuer": q.issuer,
                "valid_from": q.valid_from.isoformat() if q.valid_from else "",
                "valid_until": q.valid_until.isoformat() if q.valid_until else "",
            },
        )
    return _qualifications_page(form, q.id, [], 400 if form.is_submitted() else 200)


@bp.post("/qualifications/<int:qualification_id>/remove")
@login_required
def remove_qualification(qualification_id: int):
    org = _agency_org()
    with unit_of_work(keep_errors=True) as work:
        agencies.remove_qualification(db(), viewer(), org.id, qualification_id)
    flash_outcome(work, gettext("The qualification is withdrawn."), "info")
    return redirect(url_for("account.qualifications"))
