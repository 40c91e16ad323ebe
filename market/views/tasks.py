"""Task pages: the public list and detail; applicants' drafts, publication, amendments,
cancellation; regulators' cancellation approvals."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from market import attachments, catalog, lifecycle, task_queries, tasks
from market.forms import AmendForm, ReasonForm, TaskForm
from market.labels import DEADLINE_LABELS, TASK_FIELD_LABELS
from market.models import OrgKind
from market.permissions import is_regulator
from market.views import fen_to_yuan, list_options
from market.web import (
    Work,
    attachment_policy,
    db,
    flash_outcome,
    lang,
    list_page,
    load_task,
    localized,
    open_due,
    send_attachment,
    task_policy,
    unit_of_work,
    upload_dir,
    uploaded_file,
    viewer,
    viewer_org,
)

bp = Blueprint("tasks", __name__)
RENAMES = {"price_cap_fen": "price_cap", "fixed_fee_fen": "fixed_fee"}


def _choices(form: TaskForm) -> None:
    items = catalog.list_items(db())
    form.service_item.choices = [("", "—")] + [(i.code, localized(i, "name")) for i in items]
    choices = {
        value: label for i in items for value, label in catalog.requirement_choices(i, lang())
    }
    form.required_qualifications.choices = sorted(choices.items())


def _fill(form: TaskForm, task) -> None:
    data = task_queries.describe(db(), task)
    for name in TaskForm.FIELDS:
        if name in data and not form[name].raw_data:
            form[name].data = data[name]
    form.price_cap.data = fen_to_yuan(task.price_cap_fen).replace(",", "")
    form.fixed_fee.data = fen_to_yuan(task.fixed_fee_fen).replace(",", "")


@bp.get("/tasks")
def task_list():
    asked = list_page(task_queries.PUBLIC_STATUSES)
    found = task_queries.Page([], 0, None)
    if asked.wanted is not None:
        found = task_queries.public_list(
            db(), asked.wanted, offset=asked.offset, limit=asked.per_page
        )
        open_due(found.rows)
    return render_template(
        "market/tasks.html",
        rows=task_queries.describe_list(db(), found.rows),
        options=list_options(task_queries.PUBLIC_STATUSES),
        **asked.template_args(found.total),
    ), 422 if asked.errors else 200


@bp.get("/tasks/<number>")
def task_detail(number: str):
    return _task_page(load_task(number))


def _task_page(task, amend_form: AmendForm | None = None, amend_errors: list[str] = ()) -> str:
    """The task page; with a failed amendment, its form as typed and its messages."""
    own = viewer() is not None and viewer().organization_id == task.applicant_org_id
    # The reader's organization, held while the page renders so that the page's own look-ups of
    # it (the menu's) find it in the session instead of reading it again.
    org = viewer_org()
    if amend_form is None and own and lifecycle.allowed(task, "amend"):
        amend_form = AmendForm(formdata=None)
        _choices(amend_form)
        _fill(amend_form, task)
    return render_template(
        "market/task.html",
        task=task,
        t=task_queries.describe(db(), task, with_timeline=True),
        own=own,
        amend_form=amend_form,
        amend_errors=list(amend_errors),
        field_labels=TASK_FIELD_LABELS | DEADLINE_LABELS,
        allows=partial(lifecycle.allowed, task),
        # Only the applicant cancels: a form made for a visitor would put a CSRF token in its session.
        cancel_form=ReasonForm(formdata=None) if own else None,
        regulator=org is not None and org.kind == OrgKind.regulator,
    )


@bp.get("/my/tasks")
@login_required
def my_tasks():
    org = viewer_org()
    if org.kind not in ("enterprise", "department"):
        abort(403)
    asked = list_page(lifecycle.STATUSES)
    found = task_queries.Page([], 0, None)
    if asked.wanted is not None:
        found = task_queries.of_applicant(
            db(), org.id, asked.wanted, offset=asked.offset, limit=asked.per_page
        )
        open_due(found.rows)
    counts = task_queries.list_counts(db(), found.rows)
    return render_template(
        "market/my_tasks.html",
        rows=[
            {**row, **counts[t.id]}
            for t, row in zip(found.rows, task_queries.describe_list(db(), found.rows), strict=True)
        ],
        options=list_options(lifecycle.STATUSES),
        **asked.template_args(found.total),
    ), 422 if asked.errors else 200


@bp.route("/tasks/new", methods=["GET", "POST"])
@bp.route("/tasks/<number>/edit", methods=["GET", "POST"])
@login_required
def task_form(number: str | None = None):
    if viewer_org().kind not in ("enterprise", "department"):
        abort(403)
    task = load_task(number) if number else None
    form = TaskForm()
    _choices(form)
    if task is not None and request.method == "GET":
        _fill(form, task)
    work = Work()
    if form.validate_on_submit():
        with unit_of_work(form, renames=RENAMES) as work:
            if task is None:
                saved = tasks.create_draft(db(), viewer(), form.to_data(), task_policy())
            else:
                saved = tasks.update_draft(db(), viewer(), number, form.to_data(), task_policy())
        if not work.failed:
            flash(gettext("Draft saved. Publish it when it is ready."), "success")
            return redirect(url_for("tasks.task_detail", number=saved.number))
    # A submission that failed the form's own checks (a number that is none) is refused too.
    refused = form.is_submitted() and not work.failed and bool(form.errors)
    return render_template(
        "market/task_form.html",
        form=form,
        task=task,
        errors=work.messages,
        tp=task_policy(),
    ), 422 if refused else work.status


def _back_to_task(number: str):
    return redirect(url_for("tasks.task_detail", number=number))


@bp.post("/tasks/<number>/publish")
@login_required
def publish(number: str):
    with unit_of_work(keep_errors=True) as work:
        tasks.publish(db(), viewer(), number, task_policy())
    flash_outcome(work, gettext("Published. The deadline is fixed and shown on the task."))
    return _back_to_task(number)


@bp.post("/tasks/<number>/amend")
@login_required
def amend(number: str):
    task = load_task(number)
    form = AmendForm()
    _choices(form)
    work = Work()
    if form.validate_on_submit():
        with unit_of_work(form, renames=RENAMES) as work:
            data = form.to_data()
            data["reason"] = form.reason.data
            tasks.amend(db(), viewer(), number, data, task_policy())
        if not work.failed:
            flash(gettext("The amendment is published in the change log."), "success")
            return _back_to_task(number)
    # The task page again, with the amendment as typed and each message next to its field.
    return _task_page(task, form, work.messages), work.status if work.failed else 422


@bp.post("/tasks/<number>/attachments")
@login_required
def add_attachment(number: str):
    filename, data = uploaded_file()
    with unit_of_work(keep_errors=True) as work:
        attachments.add_to_task(
            db(), viewer(), number, filename, data, upload_dir(), attachment_policy(), task_policy()
        )
    flash_outcome(work, gettext("The file is attached."))
    return _back_to_task(number)


@bp.get("/tasks/<number>/attachments/<sha256>")
def download_attachment(number: str, sha256: str):
    row, path = attachments.task_file(db(), load_task(number), sha256, upload_dir())
    return send_attachment(row, path)


@bp.post("/tasks/<number>/cancel")
@login_required
def cancel(number: str):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(keep_errors=True) as work:
        tasks.cancel(db(), viewer(), number, form.reason.data)
    flash_outcome(
        work, gettext("Done. A cancellation after opening waits for a regulator's approval.")
    )
    return _back_to_task(number)


@bp.post("/tasks/<number>/cancel/approve")
@login_required
def approve_cancel(number: str):
    with unit_of_work(keep_errors=True) as work:
        tasks.approve_cancellation(db(), viewer(), number)
    flash_outcome(work, gettext("Cancellation approved."))
    return _back_to_task(number)


@bp.post("/tasks/<number>/repost")
@login_required
def repost(number: str):
    with unit_of_work(keep_errors=True) as work:
        new = tasks.repost(db(), viewer(), number, task_policy())
    if work.failed:
        flash_outcome(work)
        return _back_to_task(number)
    return redirect(url_for("tasks.task_form", number=new.number))


@bp.get("/regulator/cancellations")
@login_required
def cancellations():
    if not is_regulator(db(), viewer()):
        abort(403)
    rows = [task_queries.describe(db(), t) for t in task_queries.awaiting_cancellation(db())]
    return render_template("market/regulator_cancellations.html", rows=rows)
