"""The questions and objections sections of the task page (included by bidding's task panel,
`bidding.views.task_panel`), and the forms they post to. What a reader sees is decided by
`bidding.questions.serializers`; the rules are `bidding.questions.services`'."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect
from flask_babel import gettext
from flask_login import login_required

from bidding import visibility
from bidding.forms import AnswerForm, ObjectionForm, QuestionForm, ReplyForm
from bidding.questions import serializers as qa_serializers
from bidding.questions import services as questions
from bidding.views.common import task_page_with_failure, task_url
from market import clock, holidays, lifecycle
from market.models import OrgKind, Task
from market.web import Work, db, load_task, translate, unit_of_work, viewer, viewer_org

bp = Blueprint("bidding_qa", __name__)


def context(task: Task) -> dict:
    """Everything the included template `bidding/_questions.html` shows to the reader."""
    user, org = viewer(), viewer_org()
    reader = visibility.reader_of(db(), user, task)
    now = clock.now()
    calendar = holidays.load(db())
    ask_refusal = questions.ask_refusal(db(), task, now, calendar)
    object_refusal = questions.object_refusal(task, now)
    agency = org is not None and org.kind == OrgKind.agency
    own_applicant = visibility.is_applicant(reader)
    items = qa_serializers.questions(questions.task_questions(db(), task), reader)
    objections = qa_serializers.objections(db(), questions.task_objections(db(), task), reader)
    can_answer = own_applicant and lifecycle.status(task, now) == lifecycle.OPEN
    # Forms only for what the reader may do: one made for a visitor would put a CSRF token in
    # the visitor's session (and keep the page from the public's page cache).
    forms: dict = {}
    if agency:
        forms["ask"] = QuestionForm(formdata=None, prefix="ask")
        forms["object"] = ObjectionForm(formdata=None, prefix="obj")
    if can_answer:
        for q in items:
            forms[f"answer-{q['id']}"] = AnswerForm(formdata=None, prefix=f"a{q['id']}")
    if own_applicant:
        for o in objections:
            forms[f"reply-{o['id']}"] = ReplyForm(formdata=None, prefix=f"r{o['id']}")
    forms.update(g.get("bidding_forms", {}))
    last_day = (
        questions.last_question_day(calendar, task.deadline_at)
        if task.deadline_at is not None
        else None
    )
    return {
        "questions": items,
        "objections": objections,
        "forms": forms,
        "last_question_day": last_day,
        "can_ask": agency and ask_refusal is None,
        "ask_refusal": translate(ask_refusal) if ask_refusal else None,
        "can_object": agency and object_refusal is None,
        "can_answer": can_answer,
        "can_reply": own_applicant,
        "is_agency": agency,
        "errors": g.get("bidding_errors", {}),
    }


def _checked(number: str, form) -> None:
    """Go on only with a task the reader may see (opened when due) and a well-formed form."""
    load_task(number)
    if not form.validate_on_submit():
        abort(400)


def _outcome(number: str, key: str, form, work: Work, success: str, anchor: str):
    """The task page again with the failed form, or a redirect to `anchor` on success."""
    if work.failed:
        return task_page_with_failure(number, key, form, work)
    flash(success, "success")
    return redirect(task_url(number, anchor))


@bp.post("/tasks/<number>/questions")
@login_required
def ask(number: str):
    form = QuestionForm(prefix="ask")
    _checked(number, form)
    with unit_of_work(form) as work:
        questions.ask(db(), viewer(), number, form.question.data)
    return _outcome(
        number,
        "ask",
        form,
        work,
        gettext("Your question is published without your name."),
        "questions",
    )


@bp.post("/tasks/<number>/questions/<int:qid>/answer")
@login_required
def answer(number: str, qid: int):
    form = AnswerForm(prefix=f"a{qid}")
    _checked(number, form)
    with unit_of_work(form) as work:
        questions.answer(db(), viewer(), number, qid, form.answer.data)
    return _outcome(
        number,
        f"answer-{qid}",
        form,
        work,
        gettext("Your answer is published."),
        f"question-{qid}",
    )


@bp.post("/tasks/<number>/objections")
@login_required
def object_(number: str):
    form = ObjectionForm(prefix="obj")
    _checked(number, form)
    with unit_of_work(form) as work:
        questions.submit_objection(db(), viewer(), number, form.text.data)
    return _outcome(
        number,
        "object",
        form,
        work,
        gettext("Your objection is sent to the applicant and published without your name."),
        "objections",
    )


@bp.post("/tasks/<number>/objections/<int:oid>/reply")
@login_required
def reply(number: str, oid: int):
    form = ReplyForm(prefix=f"r{oid}")
    _checked(number, form)
    with unit_of_work(form) as work:
        questions.reply(db(), viewer(), number, oid, form.reply.data)
    return _outcome(
        number,
        f"reply-{oid}",
        form,
        work,
        gettext("Your reply is published."),
        f"objection-{oid}",
    )
