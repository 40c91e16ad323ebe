"""The payments on the JSON API (`contract_payments_api`): a contract's payments, recording,
confirming, refusing and correcting a recorded payment, an agency's money summary and the
operators' settlement — thin handlers over `bidding.payments.recorded` and `recorded_money`. Who
may see a contract's payments is `bidding.visibility.sees_delivery`'s to say (anyone else gets
404)."""

from __future__ import annotations

from flask import Flask, current_app, jsonify

from bidding.contracts import delivery
from bidding.payments import recorded, recorded_money
from bidding.payments import schemas as s
from bidding.payments.views import audit_settlement, yuan_plain
from bidding.policy import SECTION
from market.api import api_blueprint
from market.api.openapi import operation
from market.api.problems import parse_body
from market.extensions import csrf
from market.models import OrgKind
from market.permissions import is_operator
from market.validation import N_, Forbidden
from market.web import (
    acting_user,
    db,
    policy_section,
    translate,
    unit_of_work,
    viewer,
    viewer_org,
)

bp = api_blueprint("contract_payments_api", __name__)

ONLY_AGENCIES = N_("Only an agency has a money summary.")
ONLY_OPERATORS = N_("Only operators read the settlement.")


def init_app(app: Flask) -> None:
    # Like the core API: token clients skip CSRF, cookie sessions are checked by the blueprint.
    csrf.exempt(bp)
    app.register_blueprint(bp)


def _state(contract_id: int) -> dict:
    contract, task, reader = delivery.readable(db(), viewer(), contract_id)
    state = recorded_money.contract_state(db(), contract, task, reader, current_app.config)
    if state["record_refusal"] is not None:
        state["record_refusal"] = translate(state["record_refusal"])
    return state


@operation(
    bp,
    "/contracts/<int:contract_id>/payments",
    "GET",
    summary="A contract's payment method and why, its payments (card or recorded) with their "
    "states, and its ledger transactions in fen: to the two parties and covering regulators only",
    tag="payments",
    response=s.ContractPayments,
    auth=True,
)
def get_payments(contract_id: int):
    return jsonify(_state(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/payments/record",
    "POST",
    summary="The applicant records its payment of the contract's price made outside the "
    "platform (a budget contract: by budget code once accepted; otherwise, when it is not paid "
    "by card, by bank transfer or budget code once signed), once",
    tag="payments",
    body=s.RecordIn,
    response=s.ContractPayments,
    status=201,
    auth=True,
)
def record(contract_id: int):
    data = parse_body(s.RecordIn)
    actor = acting_user()
    with unit_of_work():
        recorded.record(
            db(),
            actor,
            contract_id,
            means=data.means,
            reference=data.reference,
            paid_on=data.paid_on,
            policy=policy_section(SECTION.name),
            config=current_app.config,
        )
    return jsonify(_state(contract_id)), 201


@operation(
    bp,
    "/contracts/<int:contract_id>/payments/confirm",
    "POST",
    summary="The contracted agency confirms it received the recorded payment",
    tag="payments",
    response=s.ContractPayments,
    auth=True,
)
def confirm(contract_id: int):
    actor = acting_user()
    with unit_of_work():
        recorded.confirm(db(), actor, contract_id)
    return jsonify(_state(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/payments/not-received",
    "POST",
    summary="The contracted agency says the recorded payment has not arrived, and why; the "
    "applicant is notified and corrects its record",
    tag="payments",
    body=s.NotReceivedIn,
    response=s.ContractPayments,
    auth=True,
)
def not_received(contract_id: int):
    data = parse_body(s.NotReceivedIn)
    actor = acting_user()
    with unit_of_work():
        recorded.not_received(db(), actor, contract_id, data.reason)
    return jsonify(_state(contract_id))


@operation(
    bp,
    "/contracts/<int:contract_id>/payments/correct",
    "POST",
    summary="The applicant corrects a payment record the agency has not received (the means, "
    "reference and day; the amount stays the price); the agency confirms again",
    tag="payments",
    body=s.RecordIn,
    response=s.ContractPayments,
    auth=True,
)
def correct(contract_id: int):
    data = parse_body(s.RecordIn)
    actor = acting_user()
    with unit_of_work():
        recorded.correct(
            db(),
            actor,
            contract_id,
            means=data.means,
            reference=data.reference,
            paid_on=data.paid_on,
            policy=policy_section(SECTION.name),
        )
    return jsonify(_state(contract_id))


@operation(
    bp,
    "/payments/summary",
    "GET",
    summary="The agency's money on the ledger: held in escrow for it, released (payable, not "
    "yet paid out), recorded awaiting its confirmation, received, clawback owed; in total and "
    "per contract (agency users only)",
    tag="payments",
    response=s.MoneySummary,
    auth=True,
)
def summary():
    acting_user()
    org = viewer_org()
    if org is None or org.kind != OrgKind.agency:
        raise Forbidden(ONLY_AGENCIES)
    return jsonify(recorded_money.agency_money(db(), org))


@operation(
    bp,
    "/settlement",
    "GET",
    summary="The released amounts per agency (payable balances, with its name, USCC and "
    "contracts), for the bank payout; operators only, each read audited",
    tag="payments",
    response=s.Settlement,
    auth=True,
)
def settlement():
    acting_user()
    if not is_operator(db(), viewer()):
        raise Forbidden(ONLY_OPERATORS)
    with unit_of_work():
        rows = recorded_money.settlement(db())
        audit_settlement(rows, "api")
    return jsonify(
        {
            "total_fen": sum(r["amount_fen"] for r in rows),
            "rows": [{**r, "amount_yuan": yuan_plain(r["amount_fen"])} for r in rows],
        }
    )
