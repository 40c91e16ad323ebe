"""The serious-dishonesty list on the JSON API: the public list (cursor pages), the proposals with
their notice, statement and decision, lifting an entry, and imports with their reports. Thin
handlers over `ratings.dishonesty` and `ratings.dishonesty_import`."""

from __future__ import annotations

from flask import Flask, jsonify, request

from market import clock
from market.accounts import organization_of
from market.api import api_blueprint
from market.api.openapi import operation
from market.api.problems import parse_body
from market.extensions import csrf
from market.permissions import is_regulator
from market.validation import NotFound
from market.web import (
    acting_user,
    attachment_policy,
    db,
    int_arg,
    policy_section,
    unit_of_work,
    upload_dir,
    uploaded_files,
    viewer,
)
from ratings import dishonesty
from ratings import dishonesty_import as importing
from ratings import dishonesty_schemas as s
from ratings import dishonesty_serializers as ser
from ratings.dishonesty_policy import SECTION

bp = api_blueprint("dishonesty_api", __name__)


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)


def _policy():
    return policy_section(SECTION.name)


def _proposal(row) -> dict:
    return ser.proposal(db(), row, clock.now())


@operation(
    bp,
    "/lists/dishonest",
    "GET",
    summary="The serious-dishonesty list: the entries in force now (decided here or imported "
    "from other authorities), newest first, by cursor",
    tag="lists",
    response=s.EntryPage,
    query={"cursor": "from next_cursor", "limit": "1–100"},
)
def public_list():
    cursor = int_arg("cursor", None, minimum=1)
    limit = int_arg("limit", 20, minimum=1, maximum=100)
    now = clock.now()
    rows, more = dishonesty.public_page(db(), now, after=cursor, limit=limit)
    return jsonify(
        {
            "items": [ser.entry(r) for r in rows],
            "total": dishonesty.in_force_count(db(), now),
            "next_cursor": str(more) if more else None,
        }
    )


@operation(
    bp,
    "/lists/dishonest/<int:entry_id>/lift",
    "POST",
    summary="A regulator covering the agency lifts an entry in force early, its removal "
    "conditions met (reason required)",
    tag="lists",
    body=s.LiftIn,
    response=s.Entry,
    auth=True,
)
def lift(entry_id: int):
    data = parse_body(s.LiftIn)
    actor = acting_user()
    with unit_of_work():
        row = dishonesty.lift(db(), actor, entry_id, data.reason)
    return jsonify(ser.entry(row))


@operation(
    bp,
    "/lists/dishonest/imports",
    "GET",
    summary="The imports of other authorities' lists, newest first (operators and regulators)",
    tag="lists",
    response=s.ImportList,
    auth=True,
)
def list_imports():
    rows = importing.imports(db(), acting_user())
    return jsonify({"items": [ser.import_(r) for r in rows]})


@operation(
    bp,
    "/lists/dishonest/imports",
    "POST",
    summary="An operator or a regulator imports a list decided by other authorities (CSV or "
    "JSON; columns uscc, name, authority, decision_ref, legal_basis, facts, starts_on, ends_on, "
    "removal_conditions): each row checked, the valid new ones imported in one transaction, the "
    "report stored",
    tag="lists",
    response=s.Import,
    status=201,
    auth=True,
    upload=True,
)
def import_list():
    actor = acting_user()
    upload = request.files.get("file")
    filename = upload.filename if upload is not None else ""
    content = upload.read(importing.MAX_BYTES + 1) if upload is not None else b""
    with unit_of_work():
        row = importing.import_file(db(), actor, content, filename)
    return jsonify(ser.import_(row)), 201


@operation(
    bp,
    "/lists/dishonest/imports/<int:import_id>",
    "GET",
    summary="One import with its report (operators and regulators)",
    tag="lists",
    response=s.Import,
    auth=True,
)
def get_import(import_id: int):
    return jsonify(ser.import_(importing.get_import(db(), acting_user(), import_id)))


@operation(
    bp,
    "/dishonesty-proposals",
    "GET",
    summary="A regulator's proposals of serious-dishonesty listings about agencies in its "
    "jurisdiction (oldest first, by state: to_notify, notice_period, to_decide, decided); an "
    "agency's own proposals once noticed",
    tag="lists",
    response=s.ProposalList,
    query={"state": "A regulator's tab (to_decide by default)"},
    auth=True,
)
def list_proposals():
    actor = acting_user()
    now = clock.now()
    if is_regulator(db(), actor):
        found = dishonesty.queue(db(), actor, request.args.get("state") or "", now)
        items = [_proposal(p) for p, _ in found["rows"]]
        return jsonify({"state": found["state"], "counts": found["counts"], "items": items})
    own = dishonesty.own_proposals(db(), organization_of(db(), actor))
    return jsonify({"state": None, "counts": None, "items": [_proposal(p) for p in own]})


@operation(
    bp,
    "/dishonesty-proposals",
    "POST",
    summary="A regulator covering the agency proposes a listing (reason, legal basis, facts); "
    "the notice goes to the agency at once, with its statement deadline",
    tag="lists",
    body=s.ProposalIn,
    response=s.Proposal,
    status=201,
    auth=True,
)
def propose():
    data = parse_body(s.ProposalIn)
    actor = acting_user()
    with unit_of_work():
        row = dishonesty.propose(
            db(), actor, data.agency_id, data.reason, data.legal_basis, data.facts, _policy()
        )
    return jsonify(_proposal(row)), 201


@operation(
    bp,
    "/dishonesty-proposals/<int:proposal_id>",
    "GET",
    summary="One proposal: for the agency (once noticed) and the regulators covering it",
    tag="lists",
    response=s.Proposal,
    auth=True,
)
def get_proposal(proposal_id: int):
    row = dishonesty.get_proposal(db(), proposal_id)
    if not dishonesty.sees_proposal(db(), viewer(), row):
        raise NotFound()
    return jsonify(_proposal(row))


@operation(
    bp,
    "/dishonesty-proposals/<int:proposal_id>/notice",
    "POST",
    summary="A regulator covering the agency issues the notice of an automatic proposal: the "
    "reason, the legal basis and the facts, the agency's rights and its statement deadline",
    tag="lists",
    body=s.NoticeIn,
    response=s.Proposal,
    auth=True,
)
def issue_notice(proposal_id: int):
    data = parse_body(s.NoticeIn)
    actor = acting_user()
    with unit_of_work():
        row = dishonesty.issue_notice(
            db(), actor, proposal_id, data.reason, data.legal_basis, data.facts, _policy()
        )
    return jsonify(_proposal(row))


@operation(
    bp,
    "/dishonesty-proposals/<int:proposal_id>/statement",
    "POST",
    summary="The agency states its case, once, before its statement deadline "
    "(multipart/form-data: a `statement` and optional PDF `file` parts)",
    tag="lists",
    response=s.Proposal,
    auth=True,
    upload=True,
    upload_many=True,
    form=s.StatementFields,
    file_optional=True,
)
def state_case(proposal_id: int):
    actor = acting_user()
    files = uploaded_files()
    with unit_of_work():
        row = dishonesty.state_case(
            db(),
            actor,
            proposal_id,
            request.form.get("statement"),
            files,
            upload_dir(),
            attachment_policy(),
        )
    return jsonify(_proposal(row))


@operation(
    bp,
    "/dishonesty-proposals/<int:proposal_id>/decision",
    "POST",
    summary="A regulator covering the agency decides, once the statement is in or its deadline "
    "passed: listed (the law providing for the list, facts, start and end dates, removal "
    "conditions) or dismissed with a reason",
    tag="lists",
    body=s.DecisionIn,
    response=s.Proposal,
    auth=True,
)
def decide(proposal_id: int):
    data = parse_body(s.DecisionIn)
    actor = acting_user()
    with unit_of_work():
        row = dishonesty.decide(
            db(),
            actor,
            proposal_id,
            data.decision,
            _policy(),
            legal_basis=data.legal_basis,
            facts=data.facts,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            removal_conditions=data.removal_conditions,
            reason=data.reason,
        )
    return jsonify(_proposal(row))
