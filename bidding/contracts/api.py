"""Contracts on bidding's JSON API blueprint (`bidding.api.bp`): thin handlers over
`bidding.contracts.services`; who may read a contract is decided by `bidding.visibility`, what
the reader sees by `bidding.contracts.serializers`."""

from __future__ import annotations

from flask import jsonify

from bidding import visibility
from bidding.api.common import bp
from bidding.contracts import schemas as s
from bidding.contracts import serializers
from bidding.contracts import services as contracts
from bidding.policy import SECTION
from market import clock
from market.api.openapi import operation
from market.api.problems import parse_body
from market.models import Organization
from market.validation import N_, Forbidden
from market.web import (
    acting_user,
    attachment_policy,
    db,
    load_task,
    policy_section,
    translate,
    unit_of_work,
    upload_dir,
    uploaded_file,
    viewer,
)

NOT_A_PARTY = N_("Only agencies, enterprises and departments are parties to contracts.")


def _policy():
    return policy_section(SECTION.name)


def _shown(contract_id: int) -> dict:
    row, task = contracts.load(db(), viewer(), contract_id)
    reader = visibility.reader_of(db(), viewer(), task)
    return serializers.contract(
        db(), row, task, reader, clock.now(), _policy(), viewer(), translate
    )


@operation(
    bp,
    "/contracts",
    "GET",
    summary="The contracts the reader's organization is a party to, newest first",
    tag="contracts",
    response=s.OwnContracts,
    auth=True,
)
def own_contracts():
    actor = acting_user()
    org = db().get(Organization, actor.organization_id)
    if org.kind not in ("agency", "enterprise", "department"):
        raise Forbidden(NOT_A_PARTY)
    return jsonify({"items": serializers.own_contracts(db(), org, clock.now())})


@operation(
    bp,
    "/tasks/<number>/contracts",
    "GET",
    summary="A task's signed contracts as everyone sees them: the date, the price and the parties",
    tag="contracts",
    response=s.SignedContracts,
)
def task_signed_contracts(number: str):
    task = load_task(number)
    return jsonify({"task": task.number, "items": serializers.public_signed(db(), task)})


@operation(
    bp,
    "/contracts/<int:contract_id>",
    "GET",
    summary="A contract: to its two parties and the regulators covering its task (404 to "
    "anyone else; the public sees a signed contract's date, price and parties on the task's "
    "result)",
    tag="contracts",
    response=s.Contract,
)
def get_contract(contract_id: int):
    return jsonify(_shown(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/sign",
    "POST",
    summary="The reader's side (a member of the agency or of the applicant) confirms the "
    "contract before sign_by (the applicant also later, once the agency has); again changes "
    "nothing; refused while the task is suspended or a complaint awaits its decision. The "
    "second confirmation signs it",
    tag="contracts",
    body=s.SignIn,
    response=s.Contract,
    auth=True,
)
def sign_contract(contract_id: int):
    data = parse_body(s.SignIn)
    actor = acting_user()
    with unit_of_work():
        contracts.sign(db(), actor, contract_id, _policy(), data.document_sha256)
    return jsonify(_shown(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/document",
    "POST",
    summary="The applicant uploads the contract document, a PDF (multipart/form-data, a `file` "
    "part), before signing closes; a confirmation given to the previous document is cleared",
    tag="contracts",
    response=s.Contract,
    auth=True,
    upload=True,
)
def upload_contract_document(contract_id: int):
    actor = acting_user()
    filename, data = uploaded_file()
    with unit_of_work():
        contracts.upload_document(
            db(), actor, contract_id, filename, data, upload_dir(), _policy(), attachment_policy()
        )
    return jsonify(_shown(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/document/generated",
    "POST",
    summary="The applicant goes back to the document generated from the template",
    tag="contracts",
    response=s.Contract,
    auth=True,
)
def use_generated_contract_document(contract_id: int):
    actor = acting_user()
    with unit_of_work():
        contracts.use_generated_document(db(), actor, contract_id, _policy())
    return jsonify(_shown(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/termination",
    "POST",
    summary="One side of a signed contract proposes ending it by agreement, with its reason",
    tag="contracts",
    body=s.ProposeTerminationIn,
    response=s.Contract,
    auth=True,
)
def propose_termination(contract_id: int):
    data = parse_body(s.ProposeTerminationIn)
    actor = acting_user()
    with unit_of_work():
        contracts.propose_termination(db(), actor, contract_id, data.reason, data.refund_fen)
    return jsonify(_shown(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/termination/confirm",
    "POST",
    summary="The other side agrees: the contract is terminated, nobody at fault",
    tag="contracts",
    response=s.Contract,
    auth=True,
)
def confirm_termination(contract_id: int):
    actor = acting_user()
    with unit_of_work():
        contracts.confirm_termination(db(), actor, contract_id)
    return jsonify(_shown(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/termination/withdraw",
    "POST",
    summary="The side that proposed ending the contract withdraws its proposal",
    tag="contracts",
    response=s.Contract,
    auth=True,
)
def withdraw_termination(contract_id: int):
    actor = acting_user()
    with unit_of_work():
        contracts.withdraw_termination(db(), actor, contract_id)
    return jsonify(_shown(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/termination/regulator",
    "POST",
    summary="A regulator covering the task terminates a signed contract, with its reason and "
    "the party at fault (agency, applicant or neither)",
    tag="contracts",
    body=s.RegulatorTerminationIn,
    response=s.Contract,
    auth=True,
)
def terminate_contract(contract_id: int):
    data = parse_body(s.RegulatorTerminationIn)
    actor = acting_user()
    with unit_of_work():
        contracts.terminate_by_regulator(
            db(), actor, contract_id, data.reason, data.fault_party, data.refund_fen
        )
    return jsonify(_shown(contract_id))
