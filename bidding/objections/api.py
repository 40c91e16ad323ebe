"""Objections to an award candidate, complaints, suspensions and decisions on bidding's JSON API
blueprint (`bidding.api.bp`): thin handlers over `bidding.objections.services`; what a reader sees
is decided by `bidding.visibility` and shown through `bidding.objections.serializers`.

The announcement's objections (before the deadline) are `/tasks/{number}/objections`
(`bidding.questions.api`); the result's are `/tasks/{number}/award/objections`.
"""

from __future__ import annotations

from flask import jsonify, request

from bidding import visibility
from bidding.api.common import bp
from bidding.models import Complaint, Objection
from bidding.objections import schemas as s
from bidding.objections import serializers
from bidding.objections import services as objections
from bidding.policy import SECTION
from market import clock
from market.accounts import organization_of
from market.api.openapi import operation
from market.api.problems import parse_body
from market.models import Task
from market.permissions import is_regulator
from market.validation import NotFound
from market.web import acting_user, db, load_task, policy_section, translate, unit_of_work, viewer


def _policy():
    return policy_section(SECTION.name)


def task_objections(task: Task) -> dict:
    reader = visibility.reader_of(db(), viewer(), task)
    return serializers.task_objections(db(), task, reader, clock.now(), _policy(), translate)


def _objection(row: Objection) -> dict:
    row = db().get(Objection, row.id)
    task = load_task(db().get(Task, row.task_id).number)
    reader = visibility.reader_of(db(), viewer(), task)
    return serializers.objection(db(), row, task, reader, clock.now(), _policy(), translate)


def _complaint(row: Complaint) -> dict:
    """The complaint as the reader may see it; a NotFound for anyone it is not for."""
    task = load_task(db().get(Task, row.task_id).number)
    reader = visibility.reader_of(db(), viewer(), task)
    if not visibility.sees_complaint(reader, row):
        raise NotFound()
    return serializers.complaint(db(), row, task, reader, clock.now())


@operation(
    bp,
    "/tasks/<number>/award/objections",
    "GET",
    summary="Objections to the task's award candidates: the objector sees its own, the applicant "
    "and the regulators covering the task every one; everyone sees the decisions of complaints "
    "and the suspensions",
    tag="objections",
    response=s.TaskObjections,
)
def list_award_objections(number: str):
    return jsonify(task_objections(load_task(number)))


@operation(
    bp,
    "/tasks/<number>/award/objections",
    "POST",
    summary="A bidder objects to the current award candidate during publicity (异议; 质疑 for a "
    "budget task), before its objection period ends; one awaiting its answer at a time",
    tag="objections",
    body=s.ObjectionIn,
    response=s.Objection,
    status=201,
    auth=True,
)
def file_objection(number: str):
    data = parse_body(s.ObjectionIn)
    actor = acting_user()
    load_task(number)
    with unit_of_work():
        row = objections.file_objection(db(), actor, number, data.grounds, _policy())
    return jsonify(_objection(row)), 201


@operation(
    bp,
    "/objections/<int:objection_id>/answer",
    "POST",
    summary="The applicant answers an objection to its award candidate; an answer after its due "
    "time is taken and marked late",
    tag="objections",
    body=s.AnswerIn,
    response=s.Objection,
    auth=True,
)
def answer_objection(objection_id: int):
    data = parse_body(s.AnswerIn)
    actor = acting_user()
    with unit_of_work():
        row = objections.answer_objection(db(), actor, objection_id, data.answer, _policy())
    return jsonify(_objection(row))


@operation(
    bp,
    "/complaints",
    "GET",
    summary="A regulator's queue of complaints in its jurisdiction (oldest first; state undecided "
    "or decided); an agency's own complaints; an applicant's about its tasks",
    tag="objections",
    response=s.ComplaintList,
    query={"state": "A regulator's tab: undecided (the default) or decided"},
    auth=True,
)
def list_complaints():
    actor = acting_user()
    now = clock.now()
    if is_regulator(db(), actor):
        queue = objections.queue(db(), actor, request.args.get("state") or objections.UNDECIDED)
        return jsonify(
            {
                "state": queue["state"],
                "counts": queue["counts"],
                "items": serializers.queue_rows(db(), queue, now),
            }
        )
    items = []
    for row, task in visibility.own_complaints(db(), organization_of(db(), actor)):
        reader = visibility.reader_of(db(), actor, task)
        items.append(serializers.complaint(db(), row, task, reader, now))
    return jsonify({"state": None, "counts": None, "items": items})


@operation(
    bp,
    "/complaints",
    "POST",
    summary="The objector complains to the regulator about its objection's answer (or its lapse), "
    "within the complaint period and before the contract is signed; once per objection",
    tag="objections",
    body=s.ComplaintIn,
    response=s.Complaint,
    status=201,
    auth=True,
)
def file_complaint():
    data = parse_body(s.ComplaintIn)
    actor = acting_user()
    with unit_of_work():
        row = objections.file_complaint(db(), actor, data.objection_id, data.grounds, _policy())
    return jsonify(_complaint(row)), 201


@operation(
    bp,
    "/complaints/<int:complaint_id>",
    "GET",
    summary="A complaint: to its complainant, the task's applicant and the regulators covering "
    "the task (anyone else: 404); its decision is public on the task's objections",
    tag="objections",
    response=s.Complaint,
    auth=True,
)
def get_complaint(complaint_id: int):
    acting_user()
    return jsonify(_complaint(objections.get_complaint(db(), complaint_id)))


@operation(
    bp,
    "/complaints/<int:complaint_id>/decision",
    "POST",
    summary="A regulator covering the task decides a complaint: upheld (the award candidate is "
    "revoked and the next in line follows) or dismissed, with a published reason; the suspension "
    "that waited for it ends",
    tag="objections",
    body=s.DecisionIn,
    response=s.Complaint,
    auth=True,
)
def decide_complaint(complaint_id: int):
    data = parse_body(s.DecisionIn)
    actor = acting_user()
    with unit_of_work():
        row = objections.decide(
            db(),
            actor,
            complaint_id,
            data.decision,
            data.reason,
            data.conduct_agency_id,
            _policy(),
        )
    return jsonify(_complaint(row))


@operation(
    bp,
    "/tasks/<number>/suspension",
    "POST",
    summary="A regulator covering the task suspends it, with a published reason, optionally "
    "waiting for one of its complaints",
    tag="objections",
    body=s.SuspensionIn,
    response=s.TaskObjections,
    status=201,
    auth=True,
)
def suspend_task(number: str):
    data = parse_body(s.SuspensionIn)
    actor = acting_user()
    load_task(number)
    with unit_of_work():
        objections.suspend_task(db(), actor, number, data.reason, data.complaint_id)
    return jsonify(task_objections(load_task(number))), 201


@operation(
    bp,
    "/tasks/<number>/resumption",
    "POST",
    summary="A regulator covering the task ends its suspension, with a published reason",
    tag="objections",
    body=s.ResumptionIn,
    response=s.TaskObjections,
    auth=True,
)
def resume_task(number: str):
    data = parse_body(s.ResumptionIn)
    actor = acting_user()
    load_task(number)
    with unit_of_work():
        objections.resume_task(db(), actor, number, data.reason)
    return jsonify(task_objections(load_task(number)))
