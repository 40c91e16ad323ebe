"""Registration, login and logout pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import login_user, logout_user

from market import accounts, agencies, catalog
from market.forms import (
    AgencyForm,
    EnterpriseForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
)
from market.validation import Invalid
from market.web import (
    Work,
    db,
    error_messages,
    localized,
    login_attempt,
    login_succeeded,
    mail_folder,
    policy,
    remember_device,
    reset_attempt,
    send_reset_mail,
    signing_keys,
    translate,
    unit_of_work,
    viewer,
    wait_before_login,
)

bp = Blueprint("auth", __name__)


def _new_session(user=None) -> None:
    """A fresh session (on login and logout), keeping only the reader's language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    if user is not None:
        login_user(user)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("account.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    needs_code = False
    if form.validate_on_submit():
        attempt = login_attempt(form.email.data or "")
        if attempt.wait:
            form.form_errors.append(translate(attempt.message))
            page = render_template("market/login.html", form=form, needs_code=needs_code)
            return wait_before_login(attempt, make_response(page))
        # A failed login is an outcome to keep, not a failure to roll back: the attempt stays
        # recorded and a used TOTP step stays consumed.
        with unit_of_work():
            try:
                user = accounts.authenticate(
                    db(), form.email.data or "", form.password.data or "", form.totp.data or None
                )
            except accounts.LoginFailed as exc:
                failure = exc
            else:
                failure = None
        if failure is not None:
            needs_code = failure.needs_second_factor
            form.form_errors.append(translate(failure.message))
            return render_template("market/login.html", form=form, needs_code=needs_code), 401
        _new_session(user)
        flash(gettext("Welcome, %(name)s.", name=user.name), "success")
        return login_succeeded(attempt, redirect(_safe_next(request.args.get("next"))), user)
    return render_template("market/login.html", form=form, needs_code=needs_code)


@bp.post("/logout")
def logout():
    if viewer() is not None:
        with unit_of_work():
            accounts.end_sessions(db(), viewer())
    logout_user()
    _new_session()
    flash(gettext("You have logged out."), "info")
    return redirect(url_for("public.index"))


@bp.get("/register")
def register():
    return render_template("market/register.html")


@bp.route("/register/enterprise", methods=["GET", "POST"])
def register_enterprise():
    form = EnterpriseForm()
    work = Work()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit")}
        with unit_of_work(form) as work:
            user = accounts.register_enterprise(
                db(), data, policy(), current_app.extensions.get(accounts.REGISTRATION_CHECKS, ())
            )
        if not work.failed:
            _new_session(user)
            flash(gettext("Your enterprise is registered."), "success")
            return remember_device(redirect(url_for("account.home")), user)
    return render_template(
        "market/register_enterprise.html", form=form, errors=work.messages
    ), work.status


@bp.route("/register/agency", methods=["GET", "POST"])
def register_agency():
    form = AgencyForm()
    items = catalog.list_items(db())
    choices = [("", "—")] + [(i.code, localized(i, "name")) for i in items]
    for entry in form.services.entries:
        entry.form.service_item.choices = choices
    work = Work()
    if request.method == "POST" and form.validate():
        for button, field in (
            ("add_service", form.services),
            ("add_professional", form.professionals),
            ("add_qualification", form.qualifications),
        ):
            if form[button].data:
                field.append_entry()
                if button == "add_service":
                    field.entries[-1].form.service_item.choices = choices
                return render_template(
                    "market/register_agency.html", form=form, errors=[], items=items
                )
        with unit_of_work(form) as work:
            user = agencies.register_agency(
                db(),
                form.to_data(),
                policy(),
                current_app.extensions.get(accounts.REGISTRATION_CHECKS, ()),
            )
        if not work.failed:
            _new_session(user)
            flash(gettext("Your agency is registered and listed in the directory."), "success")
            return remember_device(
                redirect(url_for("public.agency_profile", agency_id=user.organization_id)), user
            )
    elif request.method == "POST":
        expired = "csrf_token" in form.errors
        errors = [gettext("The form has expired; please submit it again.")] if expired else []
        return render_template(
            "market/register_agency.html", form=form, errors=errors, items=items
        ), 422
    return render_template(
        "market/register_agency.html", form=form, errors=work.messages, items=items
    ), work.status


# --- a forgotten password ------------------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip()
        if not email:
            form.email.errors.append(gettext("This field is required."))
            return render_template(
                "market/forgot_password.html", form=form, folder=mail_folder()
            ), 422
        attempt = reset_attempt(email)
        if attempt.wait:
            form.form_errors.append(
                gettext(
                    "Too many reset requests. Please wait %(seconds)d seconds, then try again.",
                    seconds=attempt.wait,
                )
            )
            page = render_template("market/forgot_password.html", form=form, folder=mail_folder())
            return wait_before_login(attempt, make_response(page))
        send_reset_mail(email)
        flash(
            gettext(
                "If an account has this e-mail address, a reset link is on its way to it. "
                "The link works once, for %(minutes)d minutes.",
                minutes=policy().password_reset_minutes,
            ),
            "success",
        )
        return redirect(url_for("auth.forgot_password"))
    return render_template("market/forgot_password.html", form=form, folder=mail_folder())


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    try:
        accounts.user_for_reset(db(), signing_keys(), token, policy())
    except Invalid as exc:
        return render_template(
            "market/reset_password.html", form=None, errors=error_messages(exc)
        ), 422
    work = Work()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            user = accounts.reset_password(
                db(), signing_keys(), token, form.password.data, policy()
            )
        if not work.failed:
            if user.totp_secret:
                # The link proves the mailbox, not the authenticator: log in with a code.
                _new_session()
                flash(
                    gettext(
                        "Your password is changed; log in with it and your authenticator code."
                    ),
                    "success",
                )
                return redirect(url_for("auth.login"))
            _new_session(user)
            flash(gettext("Your password is changed; you are logged in."), "success")
            return remember_device(redirect(url_for("account.home")), user)
    return render_template(
        "market/reset_password.html", form=form, errors=work.messages
    ), work.status
