"""Appeals against ratings, misconduct records and their proposals, and commendations on the JSON
API: thin handlers over `ratings.appeals` and `ratings.records`, shaped by
`ratings.review_serializers`."""

from __future__ import annotations

from flask import Flask, jsonify, request

from market import clock
from market.accounts import organization_of
from market.api import api_blueprint
from market.api.openapi import operation
from market.api.problems import parse_body
from market.extensions import csrf
from market.models import Task
from market.permissions import is_regulator
from market.validation import MAX_ID, Checker
from market.web import acting_user, db, policy_section, unit_of_work, viewer
from ratings import appeals, records
from ratings import review_schemas as s
from ratings import review_serializers as ser
from ratings.credit_policy import SECTION as CREDIT
from ratings.models import Rating
from ratings.policy import SECTION

bp = api_blueprint("ratings_review_api", __name__)


def init_app(app: Flask) -> None:
    # Like the core API: token clients skip CSRF, cookie sessions are checked by the blueprint.
    csrf.exempt(bp)
    app.register_blueprint(bp)


def _appeal(row) -> dict:
    rating = db().get(Rating, row.rating_id)
    return ser.appeal(db(), row, rating, db().get(Task, rating.task_id), clock.now())


def _agency_arg():
    check = Checker()
    wanted = check.integer("agency_id", request.args.get("agency_id"), minimum=1, maximum=MAX_ID)
    check.raise_if_any()
    return records.get_agency(db(), wanted)


@operation(
    bp,
    "/ratings/<int:rating_id>/appeal",
    "POST",
    summary="The rated side appeals a published, not voided rating to the regulators covering "
    "its task, within the appeal period after publication (10 working days by default); once "
    "per rating",
    tag="ratings",
    body=s.AppealIn,
    response=s.Appeal,
    status=201,
    auth=True,
)
def file_appeal(rating_id: int):
    data = parse_body(s.AppealIn)
    actor = acting_user()
    with unit_of_work():
        row = appeals.file_appeal(db(), actor, rating_id, data.reason, policy_section(SECTION.name))
    return jsonify(_appeal(row)), 201


@operation(
    bp,
    "/rating-appeals",
    "GET",
    summary="A regulator's queue of appeals against ratings of tasks in its jurisdiction (oldest "
    "first; state undecided or decided, overdue marked); an organization's own appeals",
    tag="ratings",
    response=s.AppealList,
    query={"state": "A regulator's tab: undecided (the default) or decided"},
    auth=True,
)
def list_appeals():
    actor = acting_user()
    now = clock.now()
    if is_regulator(db(), actor):
        found = appeals.queue(db(), actor, request.args.get("state") or appeals.UNDECIDED)
        items = [ser.appeal(db(), a, r, t, now) for a, r, t in found["rows"]]
        return jsonify({"state": found["state"], "counts": found["counts"], "items": items})
    own = appeals.own_appeals(db(), organization_of(db(), actor))
    items = [ser.appeal(db(), a, r, t, now) for a, r, t in own]
    return jsonify({"state": None, "counts": None, "items": items})


@operation(
    bp,
    "/rating-appeals/<int:appeal_id>/decision",
    "POST",
    summary="A regulator covering the rating's task upholds the rating or voids it, with a "
    "written reason; a voided rating stays visible, marked voided, and stops counting",
    tag="ratings",
    body=s.AppealDecisionIn,
    response=s.Appeal,
    auth=True,
)
def decide_appeal(appeal_id: int):
    data = parse_body(s.AppealDecisionIn)
    actor = acting_user()
    with unit_of_work():
        row = appeals.decide(db(), actor, appeal_id, data.decision, data.reason)
    return jsonify(_appeal(row))


@operation(
    bp,
    "/misconduct-records",
    "GET",
    summary="An agency's misconduct records, newest first: general and serious ones for "
    "everyone; minor ones, never published, only for the agency itself and the regulators "
    "covering it",
    tag="ratings",
    response=s.MisconductRecordList,
    query={"agency_id": "The agency (required)"},
)
def list_misconduct_records():
    agency = _agency_arg()
    rows = records.visible_records(db(), viewer(), agency, policy_section(CREDIT.name))
    return jsonify({"items": [ser.record(r) for r in rows]})


@operation(
    bp,
    "/misconduct-records",
    "POST",
    summary="A regulator whose jurisdiction covers the agency's region records its misconduct "
    "(minor, general or serious) with the legal basis and the facts; its credit file counts it",
    tag="ratings",
    body=s.MisconductRecordIn,
    response=s.MisconductRecord,
    status=201,
    auth=True,
)
def record_misconduct():
    data = parse_body(s.MisconductRecordIn)
    actor = acting_user()
    with unit_of_work():
        row = records.record_misconduct(
            db(),
            actor,
            data.agency_id,
            data.severity,
            data.legal_basis,
            data.facts,
            data.collusion,
        )
    return jsonify(ser.record(row)), 201


@operation(
    bp,
    "/misconduct-proposals",
    "GET",
    summary="A regulator's misconduct-record proposals about agencies in its jurisdiction "
    "(oldest first; state undecided or decided)",
    tag="ratings",
    response=s.MisconductProposalList,
    query={"state": "undecided (the default) or decided"},
    auth=True,
)
def list_proposals():
    actor = acting_user()
    found = records.proposal_queue(db(), actor, request.args.get("state") or "undecided")
    items = [ser.proposal(db(), p) for p, _ in found["rows"]]
    return jsonify({"state": found["state"], "counts": found["counts"], "items": items})


@operation(
    bp,
    "/misconduct-proposals/<int:proposal_id>/decision",
    "POST",
    summary="A regulator covering the agency decides a misconduct-record proposal: recorded "
    "(severity, legal basis, facts) or dismissed with a reason",
    tag="ratings",
    body=s.ProposalDecisionIn,
    response=s.MisconductProposal,
    auth=True,
)
def decide_proposal(proposal_id: int):
    data = parse_body(s.ProposalDecisionIn)
    actor = acting_user()
    with unit_of_work():
        row = records.decide_proposal(
            db(),
            actor,
            proposal_id,
            data.decision,
            severity=data.severity,
            legal_basis=data.legal_basis,
            facts=data.facts,
            reason=data.reason,
            collusion=data.collusion,
        )
    return jsonify(ser.proposal(db(), row))


@operation(
    bp,
    "/commendations",
    "GET",
    summary="An agency's commendations by regulators, newest first (public)",
    tag="ratings",
    response=s.CommendationList,
    query={"agency_id": "The agency (required)"},
)
def list_commendations():
    agency = _agency_arg()
    return jsonify({"items": [ser.commendation(r) for r in records.commendations_of(db(), agency)]})


@operation(
    bp,
    "/commendations",
    "POST",
    summary="A regulator whose jurisdiction covers the agency's region commends it, with a "
    "public reason; its credit file counts it",
    tag="ratings",
    body=s.CommendationIn,
    response=s.Commendation,
    status=201,
    auth=True,
)
def commend():
    data = parse_body(s.CommendationIn)
    actor = acting_user()
    with unit_of_work():
        row = records.commend(db(), actor, data.agency_id, data.reason)
    return jsonify(ser.commendation(row)), 201
