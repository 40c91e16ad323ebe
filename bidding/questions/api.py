"""Questions about a task and objections to its announcement, on bidding's JSON API blueprint
(`bidding.api.bp`): thin handlers over `bidding.questions.services`; what a reader sees is decided by
`bidding.questions.serializers`."""

from __future__ import annotations

from flask import jsonify

from bidding import visibility
from bidding.api.common import bp
from bidding.models import AnnouncementObjection, TaskQuestion
from bidding.questions import schemas as s
from bidding.questions import serializers as qa_serializers
from bidding.questions import services as questions
from market import clock, holidays, task_queries
from market.api.openapi import operation
from market.api.problems import parse_body
from market.models import Task
from market.web import acting_user, db, load_task, unit_of_work, viewer


def _reader(task: Task):
    return visibility.reader_of(db(), viewer(), task)


def question_list(task: Task) -> dict:
    reader = _reader(task)
    closes = (
        questions.questions_close_at(holidays.load(db()), task.deadline_at)
        if task.deadline_at is not None
        else None
    )
    return {
        "task": task.number,
        "questions_close_at": closes.isoformat() if closes else None,
        "can_ask": questions.ask_refusal(db(), task, clock.now()) is None,
        "items": qa_serializers.questions(questions.task_questions(db(), task), reader),
    }


def objection_list(task: Task) -> dict:
    reader = _reader(task)
    return {
        "task": task.number,
        "objections_close_at": task.deadline_at.isoformat() if task.deadline_at else None,
        "can_object": questions.object_refusal(task, clock.now()) is None,
        "items": qa_serializers.objections(db(), questions.task_objections(db(), task), reader),
    }


# --- questions ------------------------------------------------------------------------------------


@operation(
    bp,
    "/tasks/<number>/questions",
    "GET",
    summary="A task's questions and the applicant's answers, public; the askers are anonymous",
    tag="questions",
    response=s.QuestionList,
)
def list_questions(number: str):
    return jsonify(question_list(load_task(number)))


@operation(
    bp,
    "/tasks/<number>/questions",
    "POST",
    summary="A listed agency asks a question "
    "(until 24:00 of the working day before the deadline's day); the asker stays "
    "anonymous",
    tag="questions",
    body=s.QuestionIn,
    response=s.Question,
    status=201,
    auth=True,
)
def ask_question(number: str):
    data = parse_body(s.QuestionIn)
    actor = acting_user()
    task = task_queries.load(db(), actor, number)
    with unit_of_work():
        row = questions.ask(db(), actor, number, data.question)
    return jsonify(qa_serializers.question(row, _reader(task))), 201


@operation(
    bp,
    "/tasks/<number>/questions/<int:qid>/answer",
    "POST",
    summary="The applicant answers a question, publicly and once, before the deadline",
    tag="questions",
    body=s.AnswerIn,
    response=s.Question,
    auth=True,
)
def answer_question(number: str, qid: int):
    data = parse_body(s.AnswerIn)
    actor = acting_user()
    task = task_queries.load(db(), actor, number)
    with unit_of_work():
        row = questions.answer(db(), actor, number, qid, data.answer)
    row = db().get(TaskQuestion, row.id)
    return jsonify(qa_serializers.question(row, _reader(task)))


# --- objections -----------------------------------------------------------------------------------


@operation(
    bp,
    "/tasks/<number>/objections",
    "GET",
    summary="Objections to a task's announcement "
    "and the applicant's replies; the objector is shown to the applicant and regulators "
    "from opening on",
    tag="questions",
    response=s.ObjectionList,
)
def list_objections(number: str):
    return jsonify(objection_list(load_task(number)))


@operation(
    bp,
    "/tasks/<number>/objections",
    "POST",
    summary="A listed agency objects to the announcement's conditions, until the deadline",
    tag="questions",
    body=s.ObjectionIn,
    response=s.Objection,
    status=201,
    auth=True,
)
def submit_objection(number: str):
    data = parse_body(s.ObjectionIn)
    actor = acting_user()
    task = task_queries.load(db(), actor, number)
    with unit_of_work():
        row = questions.submit_objection(db(), actor, number, data.text)
    return jsonify(qa_serializers.objection(row, _reader(task))), 201


@operation(
    bp,
    "/tasks/<number>/objections/<int:oid>/reply",
    "POST",
    summary="The applicant replies to an objection, publicly and once",
    tag="questions",
    body=s.ReplyIn,
    response=s.Objection,
    auth=True,
)
def reply_objection(number: str, oid: int):
    data = parse_body(s.ReplyIn)
    actor = acting_user()
    task = task_queries.load(db(), actor, number)
    with unit_of_work():
        row = questions.reply(db(), actor, number, oid, data.reply)
    row = db().get(AnnouncementObjection, row.id)
    items = qa_serializers.objections(db(), [row], _reader(task))
    return jsonify(items[0])
