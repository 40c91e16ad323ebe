"""Operator pages: accounts of departments, regulators, experts and operators; the catalog; the
working-day calendar."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from market import accounts, catalog, holidays
from market.forms import CalendarDayForm, CatalogItemForm, DisableUserForm, OperatorAccountForm
from market.labels import label
from market.models.catalog import CATEGORIES
from market.permissions import is_operator
from market.validation import NotFound
from market.web import Work, db, flash_outcome, policy, unit_of_work, viewer

bp = Blueprint("admin", __name__, url_prefix="/operator")


def operator_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_operator(db(), viewer()):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _category_choices():
    return [(c, gettext(label(c))) for c in CATEGORIES]


@bp.route("/accounts", methods=["GET", "POST"])
@operator_required
def create_account():
    form = OperatorAccountForm()
    form.categories.choices = _category_choices()
    work, created = Work(), None
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit")}
        data["region_prefixes"] = form.region_prefixes.data or []
        with unit_of_work(form) as work:
            user, secret = accounts.create_by_operator(db(), viewer(), data, policy())
        if not work.failed:
            created = {
                "user": user,
                "secret": secret,
                "uri": accounts.provisioning_uri(user, secret) if secret else None,
            }
            form = OperatorAccountForm(formdata=None)
            form.categories.choices = _category_choices()
    return render_template(
        "market/admin_accounts.html", form=form, errors=work.messages, created=created
    ), work.status


@bp.route("/service-items/<code>", methods=["GET", "POST"])
@operator_required
def edit_item(code: str):
    try:
        item = catalog.get_item(db(), code)
    except NotFound:
        abort(404)
    form = CatalogItemForm(obj=item) if request.method == "GET" else CatalogItemForm()
    if request.method == "GET":
        form.workflow_zh.data = "\n".join(item.workflow_zh)
        form.workflow_en.data = "\n".join(item.workflow_en)
    form.category.choices = _category_choices()
    work = Work()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit")}
        with unit_of_work(form) as work:
            catalog.update_item(db(), viewer(), code, data)
        if not work.failed:
            flash(gettext("Saved; the change is in the audit log."), "success")
            return redirect(url_for("public.catalog_item", code=code))
    return render_template(
        "market/admin_item.html", form=form, item=item, errors=work.messages
    ), work.status


@bp.route("/calendar", methods=["GET", "POST"])
@operator_required
def calendar():
    form = CalendarDayForm()
    work = Work()
    if form.validate_on_submit():
        data = {
            "day": form.day.data,
            "is_workday": form.is_workday.data == "1",
            "name": form.name.data,
            "mark_year_known": form.mark_year_known.data,
        }
        with unit_of_work(form) as work:
            day = holidays.set_day(db(), viewer(), data)
        if not work.failed:
            flash(gettext("Saved %(day)s.", day=day.day.isoformat()), "success")
            return redirect(url_for("admin.calendar"))
    return render_template(
        "market/admin_calendar.html",
        form=form,
        errors=work.messages,
        years=holidays.known_years(db()),
    ), work.status


def _users_page(form=None, failed_id: int | None = None, errors=(), status: int = 200):
    return render_template(
        "market/admin_users.html",
        rows=accounts.list_users(db(), viewer()),
        form=form or DisableUserForm(formdata=None),
        failed_id=failed_id,
        errors=list(errors),
    ), status


@bp.get("/users")
@operator_required
def users():
    return _users_page()


@bp.post("/users/<int:user_id>/disable")
@operator_required
def disable_user(user_id: int):
    form = DisableUserForm()
    if not form.validate_on_submit():
        return _users_page(form, user_id)
    with unit_of_work(form) as work:
        user = accounts.disable_user(db(), viewer(), user_id, form.reason.data)
    if work.failed:
        return _users_page(form, user_id, work.messages, work.status)
    flash(gettext("%(email)s is disabled.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/enable")
@operator_required
def enable_user(user_id: int):
    with unit_of_work(keep_errors=True) as work:
        user = accounts.enable_user(db(), viewer(), user_id)
    flash_outcome(
        work, None if work.failed else gettext("%(email)s is enabled again.", email=user.email)
    )
    return redirect(url_for("admin.users"))
