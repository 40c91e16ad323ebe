"""The exit rules on the JSON API (docs/rules.md §6): thin handlers over `ratings.exits`."""

from __future__ import annotations

from flask import Flask, jsonify

from market import clock
from market.api import api_blueprint
from market.api.openapi import operation
from market.api.problems import parse_body
from market.extensions import csrf
from market.models import Organization
from market.web import acting_user, db, policy_section, unit_of_work, viewer
from ratings import exits, records
from ratings import exits_schemas as s
from ratings.exits_policy import SECTION

bp = api_blueprint("exits_api", __name__)


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)


def _action(row) -> dict:
    agency = db().get(Organization, row.agency_id)
    policy = policy_section(SECTION.name)
    return exits.serialize_action(db(), row, agency, clock.now(), True, policy)


@operation(
    bp,
    "/agencies/<int:agency_id>/exit-actions",
    "GET",
    summary="An agency's standing (warning, suspension, removal) and its exit actions, newest "
    "first: those in force for everyone; every action, with its appeal, for the agency itself "
    "and the regulators covering its region",
    tag="exits",
    response=s.ExitActionList,
)
def list_actions(agency_id: int):
    agency = records.get_agency(db(), agency_id)
    policy = policy_section(SECTION.name)
    return jsonify(exits.standing_file(db(), viewer(), agency, clock.now(), policy))


@operation(
    bp,
    "/exit-actions/<int:action_id>/appeal",
    "POST",
    summary="The agency appeals one of its exit actions (a warning, a suspension, a removal "
    "proposal or removal) once, with its reason, within 10 working days of it",
    tag="exits",
    body=s.ReasonIn,
    response=s.ExitAppeal,
    status=201,
    auth=True,
)
def appeal(action_id: int):
    data = parse_body(s.ReasonIn)
    actor = acting_user()
    with unit_of_work():
        row = exits.file_appeal(db(), actor, action_id, data.reason, policy_section(SECTION.name))
    agency = db().get(Organization, row.agency_id)
    return jsonify(exits.serialize_appeal(row, agency, clock.now())), 201


def _decide(action_id: int, decide) -> tuple:
    data = parse_body(s.ReasonIn)
    actor = acting_user()
    with unit_of_work():
        row = decide(db(), actor, action_id, data.reason)
    return jsonify(_action(row))


@operation(
    bp,
    "/exit-actions/<int:action_id>/confirm",
    "POST",
    summary="A regulator covering the agency's region confirms a removal proposal, with its "
    "reason: the agency is removed and its open bids are withdrawn",
    tag="exits",
    body=s.ReasonIn,
    response=s.ExitAction,
    auth=True,
)
def confirm(action_id: int):
    return _decide(action_id, exits.confirm)


@operation(
    bp,
    "/exit-actions/<int:action_id>/dismiss",
    "POST",
    summary="A regulator covering the agency's region dismisses a removal proposal with its reason",
    tag="exits",
    body=s.ReasonIn,
    response=s.ExitAction,
    auth=True,
)
def dismiss(action_id: int):
    return _decide(action_id, exits.dismiss)


@operation(
    bp,
    "/exit-actions/<int:action_id>/reinstate",
    "POST",
    summary="A regulator covering the agency's region ends a removal in force whose cause ended, "
    "with its reason: the agency is reinstated",
    tag="exits",
    body=s.ReasonIn,
    response=s.ExitAction,
    auth=True,
)
def reinstate(action_id: int):
    return _decide(action_id, exits.reinstate)


@operation(
    bp,
    "/exit-appeals/<int:appeal_id>/decide",
    "POST",
    summary="A regulator covering the agency's region upholds the action appealed or overturns "
    "it (it ends), with a written reason",
    tag="exits",
    body=s.AppealDecisionIn,
    response=s.ExitAppeal,
    auth=True,
)
def decide_appeal(appeal_id: int):
    data = parse_body(s.AppealDecisionIn)
    actor = acting_user()
    with unit_of_work():
        row = exits.decide_appeal(db(), actor, appeal_id, data.decision, data.reason)
    agency = db().get(Organization, row.agency_id)
    return jsonify(exits.serialize_appeal(row, agency, clock.now()))


@operation(
    bp,
    "/agencies/<int:agency_id>/licence-cancellation",
    "POST",
    summary="A regulator covering the agency's region, or an operator, records the cancellation "
    "of the agency's business licence (day and reference): its removal is proposed",
    tag="exits",
    body=s.LicenceCancellationIn,
    response=s.ExitAction,
    status=201,
    auth=True,
)
def licence_cancellation(agency_id: int):
    data = parse_body(s.LicenceCancellationIn)
    actor = acting_user()
    with unit_of_work():
        row = exits.record_licence_cancellation(
            db(),
            actor,
            agency_id,
            data.cancelled_on,
            data.reference,
            policy_section(SECTION.name),
        )
    return jsonify(_action(row)), 201


@operation(
    bp,
    "/exit-queue",
    "GET",
    summary="A regulator's queue: removal proposals to confirm and appeals against exit actions "
    "to decide, of the agencies its jurisdiction covers, oldest first, overdue marked",
    tag="exits",
    response=s.ExitQueue,
    auth=True,
)
def queue():
    actor = acting_user()
    now = clock.now()
    found = exits.queue(db(), actor)
    policy = policy_section(SECTION.name)
    return jsonify(
        {
            "proposals": [
                exits.serialize_action(db(), a, o, now, True, policy) for a, o in found["proposals"]
            ],
            "appeals": [exits.serialize_appeal(p, o, now) for p, _a, o in found["appeals"]],
        }
    )
