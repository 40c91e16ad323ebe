"""Card payments into escrow on the JSON API (`escrow_api`, under /api/v1): thin handlers over
`bidding.payments.escrow`. A failed attempt (declined, authentication failed) is recorded, then
answered 422, and Stripe unreachable 503, each with its message; nothing is paid."""

from __future__ import annotations

from flask import current_app, jsonify

from bidding.payments import escrow, escrow_serializers
from bidding.payments import escrow_schemas as s
from market.api import api_blueprint
from market.api.openapi import operation
from market.api.problems import parse_body, problem
from market.payments.adapter import UNREACHABLE
from market.web import acting_user, db, translate, unit_of_work, viewer

bp = api_blueprint("escrow_api", __name__)


def settings() -> escrow.Settings:
    return escrow.Settings.from_config(current_app.config)


def _failure(attempt: escrow.Attempt):
    status = 503 if attempt.error.kind == UNREACHABLE else 422
    title = "Service Unavailable" if status == 503 else "Unprocessable Content"
    return problem(status, title, translate(attempt.message), kind=attempt.error.kind)


def _step(attempt: escrow.Attempt):
    if attempt.error is not None:
        return _failure(attempt)
    intent = attempt.intent
    paid = attempt.payment is not None and attempt.payment.state == "succeeded"
    return jsonify(
        {
            "payment_id": None if attempt.payment is None else attempt.payment.id,
            "status": None if intent is None else intent.status,
            "paid": paid,
            "requires_action": intent is not None and intent.needs_action,
            "client_secret": None if intent is None or paid else intent.client_secret,
        }
    )


@operation(
    bp,
    "/contracts/<int:contract_id>/payments/card",
    "GET",
    summary="A contract's card payment into escrow: how it is paid, what escrow holds, was "
    "released and refunded, each attempt and refund (its parties and the regulators covering "
    "the task)",
    tag="payments",
    response=s.CardPayment,
)
def card_payment(contract_id: int):
    contract, task = escrow.load(db(), viewer(), contract_id)
    return jsonify(
        escrow_serializers.card_state(db(), contract, task, settings(), viewer(), translate)
    )


@operation(
    bp,
    "/contracts/<int:contract_id>/payments/card",
    "POST",
    summary="The applicant starts paying a signed contract by card: the pending PaymentIntent "
    "(made now, or the one made before: asking again reuses it) and its client secret. Refused "
    "for a contract not paid by card (budget funding, escrow off, above the card limit)",
    tag="payments",
    response=s.CardStart,
    auth=True,
    errors=(503,),
)
def start_card_payment(contract_id: int):
    actor = acting_user()
    with unit_of_work():
        attempt = escrow.start(db(), actor, contract_id, settings())
    if attempt.error is not None:
        return _failure(attempt)
    intent = attempt.intent
    return jsonify(
        {
            "payment_id": attempt.payment.id,
            "payment_intent": intent.id,
            "status": intent.status,
            "client_secret": None if intent.succeeded else intent.client_secret,
            "publishable_key": current_app.config["STRIPE_PUBLISHABLE_KEY"],
            "amount_fen": intent.amount_fen,
        }
    )


@operation(
    bp,
    "/contracts/<int:contract_id>/payments/card/confirm",
    "POST",
    summary="Charge the card Stripe.js tokenised for the pending PaymentIntent: paid into escrow, "
    "or awaiting the card's authentication (requires_action), or refused (422: declined; 503: "
    "Stripe unreachable)",
    tag="payments",
    body=s.CardConfirmIn,
    response=s.CardStep,
    auth=True,
    errors=(503,),
)
def confirm_card_payment(contract_id: int):
    data = parse_body(s.CardConfirmIn)
    actor = acting_user()
    with unit_of_work():
        attempt = escrow.confirm_card(db(), actor, contract_id, data.card_token, settings())
    return _step(attempt)


@operation(
    bp,
    "/contracts/<int:contract_id>/payments/card/settle",
    "POST",
    summary="Read the pending PaymentIntent back from Stripe and act on what Stripe says: paid "
    "into escrow, the attempt failed (422), or still awaiting authentication",
    tag="payments",
    response=s.CardStep,
    auth=True,
    errors=(503,),
)
def settle_card_payment(contract_id: int):
    actor = acting_user()
    with unit_of_work():
        attempt = escrow.settle(db(), actor, contract_id, settings())
    return _step(attempt)


@operation(
    bp,
    "/contracts/<int:contract_id>/payments/card/refunds/retry",
    "POST",
    summary="A party asks Stripe again for the refunds of a terminated contract that Stripe "
    "could not be asked for (503 while it still cannot)",
    tag="payments",
    response=s.RefundRetry,
    auth=True,
    errors=(503,),
)
def retry_card_refunds(contract_id: int):
    actor = acting_user()
    with unit_of_work():
        errors = escrow.retry_refunds(db(), actor, contract_id)
    if errors:
        return problem(
            503, "Service Unavailable", translate(errors[0].message), kind=errors[0].kind
        )
    return jsonify({"pending": 0})
