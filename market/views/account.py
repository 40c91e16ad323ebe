"""A logged-in user's own page: organization, password, second factor, personal API tokens;
an agency's own qualifications."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required

from market import accounts, agencies, catalog, serializers
from market.forms import (
    ChangePasswordForm,
    PasswordConfirmForm,
    ProfessionalForm,
    ProfileForm,
    QualificationForm,
    SecondFactorOnForm,
    ServiceForm,
    TokenForm,
)
from market.models import OrgKind
from market.validation import yuan_text
from market.web import (
    Work,
    db,
    flash_outcome,
    localized,
    password_attempt,
    password_checked,
    policy,
    stay_logged_in,
    translate,
    unit_of_work,
    viewer,
    viewer_org,
    wait_before_login,
)

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


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    user = viewer()
    form = ChangePasswordForm()
    work = Work()
    if form.validate_on_submit():
        attempt = password_attempt(user)
        if attempt.wait:
            form.form_errors.append(translate(attempt.message))
            page = render_template("market/change_password.html", form=form, errors=[])
            return wait_before_login(attempt, make_response(page))
        with unit_of_work(form) as work:
            accounts.change_password(
                db(), user, form.current_password.data, form.new_password.data, policy()
            )
        password_checked(attempt, work.error, "current_password")
        if not work.failed:
            flash_outcome(work, gettext("Your password is changed; other sessions are ended."))
            return stay_logged_in(redirect(url_for("account.home")), user)
    return render_template(
        "market/change_password.html", form=form, errors=work.messages
    ), work.status


def _second_factor_page(
    user, *, on_form=None, confirm_form=None, codes=None, errors=(), status=200
):
    optional = accounts.second_factor_optional(db(), user)
    if on_form is None and not user.totp_secret:
        on_form = SecondFactorOnForm(formdata=None)
        on_form.secret.data = accounts.new_totp_secret()
    secret = on_form.secret.data if on_form is not None else None
    return render_template(
        "market/second_factor.html",
        user=user,
        optional=optional,
        on_form=on_form,
        confirm_form=confirm_form or PasswordConfirmForm(formdata=None),
        secret=secret,
        uri=accounts.provisioning_uri(user, secret) if secret else None,
        codes=codes,
        unused=accounts.unused_recovery_codes(db(), user) if user.totp_secret else 0,
        errors=list(errors),
    ), status


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


@bp.route("/second-factor", methods=["GET", "POST"])
@login_required
def second_factor():
    user = viewer()
    if user.totp_secret:
        return _second_factor_page(user)
    form = SecondFactorOnForm()
    if not form.validate_on_submit():
        return _second_factor_page(user, on_form=None if form.secret.data is None else form)
    with unit_of_work(form) as work:
        codes = accounts.enable_second_factor(
            db(), user, form.secret.data, form.code.data, policy()
        )
    if work.failed:
        return _second_factor_page(user, on_form=form, errors=work.messages, status=work.status)
    return _second_factor_page(user, codes=codes)


def _with_password(user, action):
    """Run `action(password)` for a form that confirms the user's password, counted as a login
    attempt; the page again with the failure, or None when it succeeded (with its result)."""
    form = PasswordConfirmForm()
    if not form.validate_on_submit():
        return _second_factor_page(user, confirm_form=form), None
    attempt = password_attempt(user)
    if attempt.wait:
        form.form_errors.append(translate(attempt.message))
        page, _status = _second_factor_page(user, confirm_form=form)
        return wait_before_login(attempt, make_response(page)), None
    with unit_of_work(form) as work:
        result = action(form.password.data)
    password_checked(attempt, work.error, "password")
    if work.failed:
        return _second_factor_page(
            user, confirm_form=form, errors=work.messages, status=work.status
        ), None
    return None, result


@bp.post("/second-factor/off")
@login_required
def second_factor_off():
    user = viewer()
    failed, _ = _with_password(user, lambda pw: accounts.disable_second_factor(db(), user, pw))
    if failed is not None:
        return failed
    flash_outcome(Work(), gettext("Your second factor is off."), "info")
    return redirect(url_for("account.second_factor"))


@bp.post("/second-factor/recovery-codes")
@login_required
def recovery_codes():
    user = viewer()
    failed, codes = _with_password(
        user, lambda pw: accounts.renew_recovery_codes(db(), user, pw, policy())
    )
    if failed is not None:
        return failed
    return _second_factor_page(user, codes=codes)


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


# --- the agency's own profile --------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    org = _agency_org()
    form = ProfileForm()
    work = Work()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            agencies.change_profile(db(), viewer(), org.id, form.to_data())
        if not work.failed:
            flash(gettext("Your profile is saved; its public history shows what changed."))
            return redirect(url_for("account.profile"))
    elif not form.is_submitted():
        form = ProfileForm(
            formdata=None, data={name: getattr(org, name) for name in agencies.PROFILE_FIELDS}
        )
    status = work.status if work.failed else (400 if form.is_submitted() else 200)
    return render_template(
        "market/account_profile.html", org=org, form=form, errors=work.messages
    ), status


# --- the agency's services and prices ------------------------------------------------------------


def _services_page(form, editing=None, errors=(), status=200):
    org = _agency_org()
    rows = agencies.services_of(db(), org.id)
    offered = {item.code for _s, item in rows}
    form.service_item.choices = [("", "—")] + [
        (i.code, localized(i, "name"))
        for i in catalog.list_items(db())
        if i.code not in offered or i.code == editing
    ]
    return render_template(
        "market/account_services.html", rows=rows, form=form, editing=editing, errors=list(errors)
    ), status


@bp.route("/services", methods=["GET", "POST"])
@login_required
def services():
    org = _agency_org()
    form = ServiceForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            agencies.offer_service(db(), viewer(), org.id, form.to_data())
        if not work.failed:
            flash(gettext("The service is offered; your public profile shows it."))
            return redirect(url_for("account.services"))
        return _services_page(form, None, work.messages, work.status)
    return _services_page(form, None, [], 400 if form.is_submitted() else 200)


@bp.route("/services/<code>", methods=["GET", "POST"])
@login_required
def service(code: str):
    org = _agency_org()
    rows = {item.code: row for row, item in agencies.services_of(db(), org.id)}
    if code not in rows:
        abort(404)
    form = ServiceForm()
    if form.validate_on_submit():
        form.service_item.data = code
        with unit_of_work(form) as work:
            agencies.change_service(db(), viewer(), org.id, code, form.to_data())
        if not work.failed:
            flash(gettext("The service is saved; your public profile shows the change."))
            return redirect(url_for("account.services"))
        return _services_page(form, code, work.messages, work.status)
    if not form.is_submitted():
        row = rows[code]
        form = ServiceForm(
            formdata=None,
            data={
                "service_item": code,
                "commitment_days": str(row.commitment_days),
                "commitment_scope": row.commitment_scope,
                "price_min": yuan_text(row.price_min_fen),
                "price_max": yuan_text(row.price_max_fen),
            },
        )
    return _services_page(form, code, [], 400 if form.is_submitted() else 200)


@bp.post("/services/<code>/withdraw")
@login_required
def withdraw_service(code: str):
    org = _agency_org()
    with unit_of_work(keep_errors=True) as work:
        agencies.withdraw_service(db(), viewer(), org.id, code)
    flash_outcome(work, gettext("The service is withdrawn."), "info")
    return redirect(url_for("account.services"))


# --- the agency's professionals ------------------------------------------------------------------


def _professionals_page(form, editing=None, errors=(), status=200):
    org = _agency_org()
    rows = [serializers.own_professional(p) for p in agencies.professionals_of(db(), org.id)]
    return render_template(
        "market/account_professionals.html",
        rows=rows,
        form=form,
        editing=editing,
        errors=list(errors),
    ), status


@bp.route("/professionals", methods=["GET", "POST"])
@login_required
def professionals():
    org = _agency_org()
    form = ProfessionalForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            agencies.add_professional(db(), viewer(), org.id, form.to_data())
        if not work.failed:
            flash(gettext("The professional is registered; your public profile shows it."))
            return redirect(url_for("account.professionals"))
        return _professionals_page(form, None, work.messages, work.status)
    return _professionals_page(form, None, [], 400 if form.is_submitted() else 200)


@bp.route("/professionals/<int:professional_id>", methods=["GET", "POST"])
@login_required
def professional(professional_id: int):
    org = _agency_org()
    rows = {p.id: p for p in agencies.professionals_of(db(), org.id)}
    if professional_id not in rows:
        abort(404)
    form = ProfessionalForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            agencies.change_professional(db(), viewer(), org.id, professional_id, form.to_data())
        if not work.failed:
            flash(gettext("The professional is saved; your public profile shows the change."))
            return redirect(url_for("account.professionals"))
        return _professionals_page(form, professional_id, work.messages, work.status)
    if not form.is_submitted():
        p = rows[professional_id]
        form = ProfessionalForm(
            formdata=None,
            data={"name": p.name, "certificate": p.certificate, "certificate_no": p.certificate_no},
        )
    return _professionals_page(form, professional_id, [], 400 if form.is_submitted() else 200)


@bp.post("/professionals/<int:professional_id>/remove")
@login_required
def remove_professional(professional_id: int):
    org = _agency_org()
    with unit_of_work(keep_errors=True) as work:
        agencies.remove_professional(db(), viewer(), org.id, professional_id)
    flash_outcome(work, gettext("The professional is removed."), "info")
    return redirect(url_for("account.professionals"))
