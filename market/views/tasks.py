"""Task pages: the public list and detail; applicants' drafts, publication, amendments,
cancellation; regulators' cancellation approvals."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from market import attachments, catalog, lifecycle, task_queries, tasks
from market.forms import AmendForm, ReasonForm, TaskForm
from market.permissions import is_regulator
from market.validation import Forbidden, Invalid, NotFound
from market.views import fen_to_yuan
from market.web import (
    Submission,
    attachment_policy,
    db,
    policy_registry,
    send_attachment,
    submit,
    task_policy,
    translate,
    upload_dir,
    uploaded_file,
    viewer,
    viewer_org,
)

bp = Blueprint("tasks", __name__)
RENAMES = {"price_cap_fen": "price_cap", "fixed_fee_fen": "fixed_fee"}


def _choices(form: TaskForm) -> None:
    items = catalog.list_items(db())
    form.service_item.choices = [("", "—")] + [
        (i.code, f"{i.name_zh} / {i.name_en}") for i in items
    ]
    names = sorted({q["name_zh"] for i in items for q in i.required_qualifications})
    form.required_qualifications.choices = [(n, n) for n in names]


def _fill(form: TaskForm, task) -> None:
    data = task_queries.describe(db(), task)
    for name in TaskForm.FIELDS:
        if name in data and not form[name].raw_data:
            form[name].data = data[name]
    form.price_cap.data = fen_to_yuan(task.price_cap_fen).replace(",", "")
    form.fixed_fee.data = fen_to_yuan(task.fixed_fee_fen).replace(",", "")


def _load(number: str):
    try:
        task = task_queries.load(db(), viewer(), number)
    except NotFound:
        abort(404)
    if task_queries.open_if_due(db(), [task], policy_registry()):
        db().commit()
    return task


@bp.get("/tasks")
def task_list():
    status = request.args.get("status") or None
    rows, _ = task_queries.public_list(db(), status=status, limit=100)
    if task_queries.open_if_due(db(), rows, policy_registry()):
        db().commit()
    return render_template(
        "market/tasks.html", rows=[task_queries.describe(db(), t) for t in rows], status=status
    )


@bp.get("/tasks/<number>")
def task_detail(number: str):
    task = _load(number)
    own = viewer() is not None and viewer().organization_id == task.applicant_org_id
    amend_form = None
    if own and lifecycle.allowed(task, "amend"):
        amend_form = AmendForm(formdata=None)
        _choices(amend_form)
        _fill(amend_form, task)
    return render_template(
        "market/task.html",
        task=task,
        t=task_queries.describe(db(), task),
        own=own,
        amend_form=amend_form,
        allows=partial(lifecycle.allowed, task),
        cancel_form=ReasonForm(formdata=None),
        regulator=is_regulator(db(), viewer()),
    )


@bp.get("/my/tasks")
@login_required
def my_tasks():
    org = viewer_org()
    if org.kind not in ("enterprise", "department"):
        abort(403)
    rows = [task_queries.describe(db(), t) for t in task_queries.of_applicant(db(), org.id)]
    return render_template("market/my_tasks.html", rows=rows)


@bp.route("/tasks/new", methods=["GET", "POST"])
@bp.route("/tasks/<number>/edit", methods=["GET", "POST"])
@login_required
def task_form(number: str | None = None):
    if viewer_org().kind not in ("enterprise", "department"):
        abort(403)
    task = _load(number) if number else None
    form = TaskForm()
    _choices(form)
    if task is not None and request.method == "GET":
        _fill(form, task)
    outcome = Submission()
    if form.validate_on_submit():
        if task is None:
            outcome = submit(
                form,
                lambda: tasks.create_draft(db(), viewer(), form.to_data(), task_policy()),
                RENAMES,
            )
        else:
            outcome = submit(
                form,
                lambda: tasks.update_draft(db(), viewer(), number, form.to_data(), task_policy()),
                RENAMES,
            )
        if outcome.ok:
            flash(gettext("Draft saved. Publish it when it is ready."), "success")
            return redirect(url_for("tasks.task_detail", number=outcome.result.number))
    return render_template(
        "market/task_form.html", form=form, task=task, errors=outcome.errors
    ), outcome.status


def _act(number: str, action, success: str):
    try:
        action()
    except Invalid as exc:
        db().rollback()
        for messages in exc.errors.values():
            for m in messages:
                flash(translate(m), "error")
    except Forbidden as exc:
        db().rollback()
        flash(translate(exc.message), "error")
    else:
        db().commit()
        flash(success, "success")
    return redirect(url_for("tasks.task_detail", number=number))


@bp.post("/tasks/<number>/publish")
@login_required
def publish(number: str):
    return _act(
        number,
        lambda: tasks.publish(db(), viewer(), number, task_policy()),
        gettext("Published. The deadline is fixed and shown on the task."),
    )


@bp.post("/tasks/<number>/amend")
@login_required
def amend(number: str):
    form = AmendForm()
    _choices(form)
    if not form.validate_on_submit():
        abort(400)
    data = form.to_data()
    data["reason"] = form.reason.data
    return _act(
        number,
        lambda: tasks.amend(db(), viewer(), number, data, task_policy()),
        gettext("The amendment is published in the change log."),
    )


@bp.post("/tasks/<number>/attachments")
@login_required
def add_attachment(number: str):
    filename, data = uploaded_file()
    return _act(
        number,
        lambda: attachments.add_to_task(
            db(), viewer(), number, filename, data, upload_dir(), attachment_policy(), task_policy()
        ),
        gettext("The file is attached."),
    )


@bp.get("/tasks/<number>/attachments/<sha256>")
def download_attachment(number: str, sha256: str):
    try:
        row, path = attachments.task_file(db(), _load(number), sha256, upload_dir())
    except NotFound:
        abort(404)
    return send_attachment(row, path)


@bp.post("/tasks/<number>/cancel")
@login_required
def cancel(number: str):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(
        number,
        lambda: tasks.cancel(db(), viewer(), number, form.reason.data),
        gettext("Done. A cancellation after opening waits for a regulator's approval."),
    )


@bp.post("/tasks/<number>/cancel/approve")
@login_required
def approve_cancel(number: str):
    return _act(
        number,
        lambda: tasks.approve_cancellation(db(), viewer(), number),
        gettext("Cancellation approved."),
    )


@bp.post("/tasks/<number>/repost")
@login_required
def repost(number: str):
    try:
        new = tasks.repost(db(), viewer(), number)
    except Forbidden as exc:
        db().rollback()
        flash(translate(exc.message), "error")
        return redirect(url_for("tasks.task_detail", number=number))
    db().commit()
    return redirect(url_for("tasks.task_form", number=new.number))


@bp.get("/regulator/cancellations")
@login_required
def cancellations():
    if not is_regulator(db(), viewer()):
        abort(403)
    rows = [task_queries.describe(db(), t) for t in task_queries.awaiting_cancellation(db())]
    return render_template("market/regulator_cancellations.html", rows=rows)
