"""Operator pages: accounts of departments, regulators, experts and operators; the catalog; the
working-day calendar."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from market import accounts, catalog, holidays
from market.forms import CalendarDayForm, CatalogItemForm, OperatorAccountForm
from market.labels import label
from market.models.catalog import CATEGORIES
from market.permissions import is_operator
from market.validation import NotFound
from market.web import Submission, db, policy, submit, viewer

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
    outcome, created = Submission(), None
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit")}
        data["region_prefixes"] = [
            p for p in (form.region_prefixes.data or "").replace("，", ",").split(",") if p.strip()
        ]
        outcome = submit(form, lambda: accounts.create_by_operator(db(), viewer(), data, policy()))
        if outcome.ok:
            user, secret = outcome.result
            created = {
                "user": user,
                "secret": secret,
                "uri": accounts.provisioning_uri(user, secret) if secret else None,
            }
            form = OperatorAccountForm(formdata=None)
            form.categories.choices = _category_choices()
    return render_template(
        "market/admin_accounts.html", form=form, errors=outcome.errors, created=created
    ), outcome.status


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
    outcome = Submission()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit")}
        outcome = submit(form, lambda: catalog.update_item(db(), viewer(), code, data))
        if outcome.ok:
            flash(gettext("Saved; the change is in the audit log."), "success")
            return redirect(url_for("public.catalog_item", code=code))
    return render_template(
        "market/admin_item.html", form=form, item=item, errors=outcome.errors
    ), outcome.status


@bp.route("/calendar", methods=["GET", "POST"])
@operator_required
def calendar():
    form = CalendarDayForm()
    outcome = Submission()
    if form.validate_on_submit():
        data = {
            "day": form.day.data,
            "is_workday": form.is_workday.data == "1",
            "name": form.name.data,
            "mark_year_known": form.mark_year_known.data,
        }
        outcome = submit(form, lambda: holidays.set_day(db(), viewer(), data))
        if outcome.ok:
            flash(gettext("Saved %(day)s.", day=outcome.result.day.isoformat()), "success")
            return redirect(url_for("admin.calendar"))
    return render_template(
        "market/admin_calendar.html",
        form=form,
        errors=outcome.errors,
        years=holidays.known_years(db()),
    ), outcome.status
