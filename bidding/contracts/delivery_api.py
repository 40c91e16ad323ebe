"""A contract's delivery on bidding's JSON API blueprint (`bidding.api.bp`): thin handlers over
`bidding.contracts.delivery`; who may see it is `bidding.visibility.sees_delivery`'s to say (the
parties and covering regulators; anyone else gets 404), and what they see is
`delivery_serializers`'."""

from __future__ import annotations

from flask import jsonify, request

from bidding import visibility
from bidding.api.common import bp
from bidding.contracts import delivery, delivery_serializers
from bidding.contracts import delivery_schemas as s
from bidding.policy import SECTION
from market import clock
from market.api.openapi import operation
from market.api.problems import parse_body
from market.web import (
    acting_user,
    attachment_policy,
    db,
    policy_section,
    send_attachment,
    unit_of_work,
    upload_dir,
    uploaded_file,
    uploaded_files,
    viewer,
)


def _state(contract_id: int) -> dict:
    contract, task, reader = delivery.readable(db(), viewer(), contract_id)
    return delivery_serializers.state(
        db(), contract, task, reader, clock.now(), policy_section(SECTION.name)
    )


@operation(
    bp,
    "/contracts/<int:contract_id>/deliverables",
    "GET",
    summary="A contract's deliveries, their decisions, the acceptance and (budget) the payment, "
    "with what the reader may do now: to the two parties and covering regulators only",
    tag="contracts",
    response=s.ContractDelivery,
    auth=True,
)
def get_delivery(contract_id: int):
    return jsonify(_state(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/deliverables",
    "POST",
    summary="The contracted agency delivers the work (multipart/form-data: a `note` and one or "
    "more PDF, PNG or JPEG `file` parts) while the signed contract is at work; the applicant "
    "decides within the acceptance period",
    tag="contracts",
    response=s.DeliverableOut,
    status=201,
    auth=True,
    upload=True,
    upload_many=True,
    form=s.DeliveryFields,
)
def deliver(contract_id: int):
    actor = acting_user()
    files = uploaded_files()
    with unit_of_work():
        row = delivery.deliver(
            db(),
            actor,
            contract_id,
            request.form.get("note"),
            files,
            upload_dir(),
            attachment_policy(),
            policy_section(SECTION.name),
        )
        body = delivery_serializers.deliverable(db(), row, clock.now())
    return jsonify(body), 201


@operation(
    bp,
    "/deliverables/<int:deliverable_id>/accept",
    "POST",
    summary="The applicant accepts the delivery awaiting its decision (multipart/form-data: a "
    "`report`, required for budget and state-owned tasks, and an optional `file` of it)",
    tag="contracts",
    response=s.ContractDelivery,
    auth=True,
    upload=True,
    form=s.AcceptanceFields,
    file_optional=True,
)
def accept(deliverable_id: int):
    actor = acting_user()
    name, data = uploaded_file()
    with unit_of_work():
        contract = delivery.accept(
            db(),
            actor,
            deliverable_id,
            request.form.get("report"),
            policy_section(SECTION.name),
            report_file=(name, data) if name else None,
            upload_dir=upload_dir(),
            attachment_policy=attachment_policy(),
        )
        contract_id = contract.id
    return jsonify(_state(contract_id))


@operation(
    bp,
    "/deliverables/<int:deliverable_id>/revision",
    "POST",
    summary="The applicant asks for a revision of the delivery awaiting its decision, with its "
    "reason (at most the policy's rounds: then accept, or terminate)",
    tag="contracts",
    body=s.RevisionIn,
    response=s.ContractDelivery,
    auth=True,
)
def request_revision(deliverable_id: int):
    data = parse_body(s.RevisionIn)
    actor = acting_user()
    with unit_of_work():
        row = delivery.request_revision(
            db(), actor, deliverable_id, data.reason, policy_section(SECTION.name)
        )
        contract_id = row.contract_id
    return jsonify(_state(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/payment",
    "POST",
    summary="The department records the payment of its accepted budget contract (the contract's "
    "price): the day it paid and the treasury or budget reference",
    tag="contracts",
    body=s.PaymentIn,
    response=s.ContractDelivery,
    auth=True,
)
def record_payment(contract_id: int):
    data = parse_body(s.PaymentIn)
    actor = acting_user()
    with unit_of_work():
        delivery.record_payment(
            db(), actor, contract_id, data.paid_on, data.reference, policy_section(SECTION.name)
        )
    return jsonify(_state(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/delivery/files/<sha256>",
    "GET",
    summary="Download a delivered file or the acceptance report's file: the parties and "
    "covering regulators only",
    tag="contracts",
    auth=True,
    download=True,
)
def download_file(contract_id: int, sha256: str):
    contract, task, reader = delivery.readable(db(), viewer(), contract_id)
    row = visibility.readable_delivery_file(db(), reader, task, contract, sha256)
    return send_attachment(row, delivery.stored_path(row, upload_dir()))
