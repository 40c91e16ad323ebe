"""Objections to an award candidate on the result page (a section added through
`bidding.views.results`' hook), the forms it posts to, the suspensions on the task page (a
`market.views.task_panels` hook), and the regulator's complaint queue and complaint page. What a
reader sees is decided by `bidding.visibility` and shown through
`bidding.objections.serializers`; the rules are `bidding.objections.services`'.

A form refused by the service shows its page again, with what was typed and the messages next to
the fields, answered with the failure's status."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup
from sqlmodel import select

from bidding import visibility
from bidding.models import Bid, Objection
from bidding.objections import serializers
from bidding.objections import services as objections
from bidding.objections.forms import (
    AwardObjectionForm,
    ComplaintForm,
    DecisionForm,
    ObjectionAnswerForm,
    ResumeForm,
    SuspendForm,
)
from bidding.policy import SECTION
from bidding.views import results
from market import clock
from market.models import Organization, Task
from market.permissions import is_regulator
from market.web import Work, db, load_task, policy_section, translate, unit_of_work, viewer

bp = Blueprint("bidding_objections", __name__)


def _policy():
    return policy_section(SECTION.name)


def context(task: Task) -> dict:
    """What `bidding/_award_objections.html` shows the reader, with blank forms for what it may
    do, replaced by a failed form from this request (`g.objection_forms`)."""
    reader = visibility.reader_of(db(), viewer(), task)
    data = serializers.task_objections(db(), task, reader, clock.now(), _policy(), translate)
    forms: dict = {}
    # None for a visitor, who may do nothing here: a form would put a CSRF token in its session.
    if viewer() is not None:
        forms["object"] = AwardObjectionForm(formdata=None, prefix="obj")
        for item in data["items"]:
            forms[f"answer-{item['id']}"] = ObjectionAnswerForm(
                formdata=None, prefix=f"ans{item['id']}"
            )
            forms[f"complain-{item['id']}"] = ComplaintForm(
                formdata=None, prefix=f"cmp{item['id']}"
            )
    forms.update(g.get("objection_forms", {}))
    return {**data, "forms": forms, "errors": g.get("objection_errors", {})}


def award_section(task: Task) -> Markup:
    """The objections section of the result page (a `bidding.award_sections` hook): shown once
    a result is published."""
    if task.publicity_at is None:
        return Markup("")
    return Markup(render_template("bidding/_award_objections.html", task=task, obj=context(task)))


def suspension_panel(task: Task) -> Markup:
    """The task's suspensions on the task page, for everyone (a `market.views.task_panels` hook)."""
    reader = visibility.reader_of(db(), viewer(), task)
    rows = serializers.task_suspensions(db(), task, reader)
    if not rows:
        return Markup("")
    return Markup(render_template("bidding/_suspensions.html", task=task, suspensions=rows))


def _award_url(number: str, anchor: str = "objections") -> str:
    return url_for("bidding.award", number=number) + "#" + anchor


def _award_page_with_failure(number: str, key: str, form, work: Work):
    g.objection_forms = {**g.get("objection_forms", {}), key: form}
    g.objection_errors = {**g.get("objection_errors", {}), key: work.messages}
    return results.award(number), work.status


def _objection_task(objection_id: int) -> Task:
    """The task of an objection the reader may see the result of, else 404."""
    row = db().get(Objection, objection_id)
    if row is None:
        abort(404)
    return load_task(db().get(Task, row.task_id).number)


@bp.post("/tasks/<number>/award/objections")
@login_required
def file_objection(number: str):
    load_task(number)
    form = AwardObjectionForm(prefix="obj")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        objections.file_objection(db(), viewer(), number, form.grounds.data, _policy())
    if work.failed:
        return _award_page_with_failure(number, "object", form, work)
    flash(gettext("Your objection is filed; the applicant answers it."), "success")
    return redirect(_award_url(number))


@bp.post("/objections/<int:objection_id>/answer")
@login_required
def answer_objection(objection_id: int):
    task = _objection_task(objection_id)
    form = ObjectionAnswerForm(prefix=f"ans{objection_id}")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        objections.answer_objection(db(), viewer(), objection_id, form.answer.data, _policy())
    if work.failed:
        return _award_page_with_failure(task.number, f"answer-{objection_id}", form, work)
    flash(gettext("Your answer is sent."), "success")
    return redirect(_award_url(task.number, f"objection-{objection_id}"))


@bp.post("/objections/<int:objection_id>/complaint")
@login_required
def file_complaint(objection_id: int):
    task = _objection_task(objection_id)
    form = ComplaintForm(prefix=f"cmp{objection_id}")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        objections.file_complaint(db(), viewer(), objection_id, form.grounds.data, _policy())
    if work.failed:
        return _award_page_with_failure(task.number, f"complain-{objection_id}", form, work)
    flash(gettext("Your complaint is filed with the regulator."), "success")
    return redirect(_award_url(task.number, f"objection-{objection_id}"))


# --- the regulator --------------------------------------------------------------------------------


def _regulator() -> None:
    if not is_regulator(db(), viewer()):
        abort(403)


@bp.get("/regulator/complaints")
@login_required
def queue():
    _regulator()
    found = objections.queue(db(), viewer(), request.args.get("state") or objections.UNDECIDED)
    return render_template(
        "bidding/regulator_complaints.html",
        queue=found,
        rows=serializers.queue_rows(db(), found, clock.now()),
    )


def _bidder_choices(task: Task) -> list[tuple[str, str]]:
    """A blank, then every agency that bid on the task (standing or not), by name."""
    rows = (
        db()
        .exec(
            select(Organization)
            .join(Bid, Bid.agency_id == Organization.id)
            .where(Bid.task_id == task.id)
            .distinct()
            .order_by(Organization.name)
        )
        .all()
    )
    return [("", gettext("none"))] + [(str(o.id), f"{o.name} ({o.uscc})") for o in rows]


def _complaint_page(complaint_id: int, forms: dict | None = None, work: Work | None = None):
    _regulator()
    row = objections.get_complaint(db(), complaint_id)
    task = load_task(db().get(Task, row.task_id).number)
    reader = visibility.reader_of(db(), viewer(), task)
    if not visibility.sees_complaint(reader, row):
        abort(403)  # a regulator outside the task's jurisdiction
    now = clock.now()
    objection = db().get(Objection, row.objection_id)
    all_forms = {
        "suspend": SuspendForm(formdata=None, prefix="sus"),
        "resume": ResumeForm(formdata=None, prefix="res"),
        "decide": DecisionForm(formdata=None, prefix="dec"),
        **(forms or {}),
    }
    all_forms["decide"].conduct_agency_id.choices = _bidder_choices(task)
    extras = [hook(db(), row) for hook in _complaint_sections()]
    page = render_template(
        "bidding/regulator_complaint.html",
        task=task,
        complaint=serializers.complaint(db(), row, task, reader, now),
        objection=serializers.objection(db(), objection, task, reader, now, _policy(), translate),
        suspensions=serializers.task_suspensions(db(), task, reader),
        suspended=task.suspended_at is not None,
        forms=all_forms,
        errors=work.messages if work is not None else [],
        extras=extras,
    )
    return page, work.status if work is not None else 200


def _complaint_sections():
    """Sections upper packages add to the regulator's complaint page (ratings: the misconduct
    record proposals it made of the decision), each `(session, complaint) -> Markup`."""
    return current_app.extensions.get("bidding.complaint_sections", [])


@bp.get("/regulator/complaints/<int:complaint_id>")
@login_required
def complaint_page(complaint_id: int):
    return _complaint_page(complaint_id)


def _complaint_action(complaint_id: int, key: str, form, act, success: str):
    _regulator()
    row = objections.get_complaint(db(), complaint_id)
    load_task(db().get(Task, row.task_id).number)
    if key == "decide":
        form.conduct_agency_id.choices = _bidder_choices(db().get(Task, row.task_id))
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        act(row)
    if work.failed:
        return _complaint_page(complaint_id, {key: form}, work)
    flash(success, "success")
    return redirect(url_for("bidding_objections.complaint_page", complaint_id=complaint_id))


@bp.post("/regulator/complaints/<int:complaint_id>/suspension")
@login_required
def suspend(complaint_id: int):
    form = SuspendForm(prefix="sus")
    return _complaint_action(
        complaint_id,
        "suspend",
        form,
        lambda row: objections.suspend_for(db(), viewer(), row.id, form.reason.data),
        gettext("The task is suspended until you decide the complaint."),
    )


@bp.post("/regulator/complaints/<int:complaint_id>/resumption")
@login_required
def resume(complaint_id: int):
    form = ResumeForm(prefix="res")
    return _complaint_action(
        complaint_id,
        "resume",
        form,
        lambda row: objections.resume_task(
            db(), viewer(), db().get(Task, row.task_id).number, form.reason.data
        ),
        gettext("The task is resumed."),
    )


@bp.post("/regulator/complaints/<int:complaint_id>/decision")
@login_required
def decide(complaint_id: int):
    form = DecisionForm(prefix="dec")
    return _complaint_action(
        complaint_id,
        "decide",
        form,
        lambda row: objections.decide(
            db(),
            viewer(),
            row.id,
            form.decision.data,
            form.reason.data,
            (form.conduct_agency_id.data or "").strip() or None,
            _policy(),
        ),
        gettext("The decision is recorded and published."),
    )
