"""Related agencies on the API: the legal representative's identity (declared by the agency,
verified by a regulator; never echoed), relations of control, and findings of false declarations
(docs/rules.md §5)."""

from __future__ import annotations

from flask import jsonify, request

from market import relations, serializers
from market.api import api
from market.api import schemas as s
from market.api.openapi import operation
from market.api.problems import parse_body
from market.web import acting_user, db, unit_of_work


def _identity(agency_id: int) -> dict:
    return serializers.representative_identity(
        *relations.identity_for(db(), acting_user(), agency_id)
    )


@operation(
    api,
    "/agencies/<int:agency_id>/representative-identity",
    "GET",
    summary="Whether the agency declared its legal representative's identity and whether a "
    "regulator verified it (the agency itself and regulators covering it; never the number)",
    tag="related agencies",
    response=s.RepresentativeIdentity,
    auth=True,
)
def get_representative_identity(agency_id: int):
    return jsonify(_identity(agency_id))


@operation(
    api,
    "/agencies/<int:agency_id>/representative-identity",
    "PUT",
    summary="The agency declares its legal representative's identity document (kept only as a "
    "keyed hash; a new one needs verifying again)",
    tag="related agencies",
    body=s.IdentityIn,
    response=s.RepresentativeIdentity,
    auth=True,
)
def put_representative_identity(agency_id: int):
    data = parse_body(s.IdentityIn)
    with unit_of_work():
        relations.declare_identity(db(), acting_user(), agency_id, data.document_type, data.number)
    return jsonify(_identity(agency_id))


@operation(
    api,
    "/agencies/<int:agency_id>/representative-identity/verify",
    "POST",
    summary="A regulator verifies the agency's representative identity: the number from the "
    "documents it checked must be the one declared (or is recorded, when none was)",
    tag="related agencies",
    body=s.IdentityVerificationIn,
    response=s.RepresentativeIdentity,
    auth=True,
)
def verify_representative_identity(agency_id: int):
    data = parse_body(s.IdentityVerificationIn)
    with unit_of_work():
        relations.verify_identity(
            db(), acting_user(), agency_id, data.document_type, data.number, data.basis
        )
    return jsonify(_identity(agency_id))


@operation(
    api,
    "/relations",
    "GET",
    summary="Relations of control: an agency's own, or those in a regulator's jurisdiction",
    tag="related agencies",
    response=s.AgencyRelationList,
    query={"agency": "an agency id, to narrow the list to it"},
    auth=True,
)
def list_relations():
    agency = request.args.get("agency", "")
    rows = relations.relations_for(db(), acting_user(), int(agency) if agency.isdigit() else None)
    return jsonify({"items": [serializers.agency_relation(r) for r in rows]})


@operation(
    api,
    "/relations",
    "POST",
    summary="A regulator records a relation of control with its basis (established: both bids "
    "are invalid at opening), or an agency declares one of its own (only flagged)",
    tag="related agencies",
    body=s.RelationIn,
    response=s.AgencyRelation,
    status=201,
    auth=True,
)
def create_relation():
    data = parse_body(s.RelationIn)
    actor = acting_user()
    with unit_of_work():
        row = relations.record_relation(db(), actor, data.model_dump())
        body = serializers.agency_relation(relations.relation_row(db(), row))
    return jsonify(body), 201


@operation(
    api,
    "/relations/<int:relation_id>/revoke",
    "POST",
    summary="Take a relation off the record, with a reason (a regulator covering both agencies, "
    "or the agency that declared it)",
    tag="related agencies",
    body=s.ReasonIn,
    response=s.AgencyRelation,
    auth=True,
)
def revoke_relation(relation_id: int):
    data = parse_body(s.ReasonIn)
    actor = acting_user()
    with unit_of_work():
        row = relations.revoke_relation(db(), actor, relation_id, data.reason)
        body = serializers.agency_relation(relations.relation_row(db(), row))
    return jsonify(body)


@operation(
    api,
    "/agencies/<int:agency_id>/false-declarations",
    "GET",
    summary="Findings that the agency's declarations were false (the agency itself and "
    "regulators covering it)",
    tag="related agencies",
    response=s.DeclarationFindingList,
    auth=True,
)
def list_false_declarations(agency_id: int):
    rows = relations.findings_for(db(), acting_user(), agency_id)
    return jsonify({"items": [serializers.declaration_finding(r) for r in rows]})


@operation(
    api,
    "/agencies/<int:agency_id>/false-declarations",
    "POST",
    summary="A regulator records that a declaration of the agency (its representative's identity, "
    "or a relation it declared) was false: a misconduct ground; the declaration stops counting",
    tag="related agencies",
    body=s.FalseDeclarationIn,
    response=s.DeclarationFinding,
    status=201,
    auth=True,
)
def record_false_declaration(agency_id: int):
    data = parse_body(s.FalseDeclarationIn)
    actor = acting_user()
    with unit_of_work():
        finding = relations.record_false_declaration(db(), actor, agency_id, data.model_dump())
        body = serializers.declaration_finding(relations.finding_row(db(), finding))
    return jsonify(body), 201
