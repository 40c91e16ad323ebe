"""Stripe's webhook (docs/rules.md §7): one endpoint, `POST /stripe/webhook`, exempt from CSRF
(Stripe cannot hold a form token) and authenticated instead by the `Stripe-Signature` header:
an HMAC of the raw body under `STRIPE_WEBHOOK_SECRET`, with a timestamp no older than
`TOLERANCE` seconds (`stripe.Webhook.construct_event`). A bad signature is answered 400 and
changes nothing.

Every event is stored by Stripe's event id (`StripeEvent`) in the transaction that processes it,
so an event delivered twice is processed once; processing announces what Stripe says happened as
`market.signals.payment_*`, keyed by Stripe's ids, so events that arrive late or out of order
leave the same state:

- `payment_intent.succeeded` → `payment_succeeded`;
- `refund.created` / `refund.updated` / `charge.refund.updated` (a refund that succeeded), and
  the refunds a `charge.refunded` lists → `payment_succeeded` first (a refund proves the payment;
  its handler posts the payment once, whichever came first), then `payment_refunded`;
- `charge.dispute.created` / `charge.dispute.closed` → `payment_succeeded` first, then
  `payment_disputed` (lost: the chargeback moves money; won or still open: nothing moves).

Any other event is stored and answered 200 with nothing done. A handler that raises rolls the
event back with its effects; Stripe delivers it again later.
"""

from __future__ import annotations

from datetime import UTC, datetime

import stripe
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from market import audit, clock, signals
from market.api.problems import problem
from market.extensions import csrf
from market.models import StripeEvent
from market.payments.adapter import plain
from market.web import db, unit_of_work

#: Seconds an event's signature stays good (Stripe's own default): an older replay is refused.
TOLERANCE = 300

bp = Blueprint("stripe_webhooks", __name__)


def _outcomes(results, default: str) -> str:
    said = [value for _, value in results if isinstance(value, str)]
    return "; ".join(said) if said else default


def _succeeded(session: Session, reference, *, amount_fen: int, intent_id: str) -> list:
    return signals.payment_succeeded.send(
        reference, session=session, amount_fen=amount_fen, external_ref=intent_id
    )


def _reference(obj: dict) -> str | None:
    return (obj.get("metadata") or {}).get("reference")


def _refund(session: Session, refund: dict, amount_of_payment: int | None) -> str:
    if refund.get("status") not in ("succeeded", None):
        return f"ignored: refund {refund['id']} is {refund.get('status')}"
    intent_id = refund.get("payment_intent")
    if not intent_id:
        return f"ignored: refund {refund['id']} names no payment intent"
    reference = _reference(refund)
    if amount_of_payment is not None:
        _succeeded(session, reference, amount_fen=amount_of_payment, intent_id=intent_id)
    results = signals.payment_refunded.send(
        reference,
        session=session,
        amount_fen=int(refund["amount"]),
        external_ref=refund["id"],
        payment_ref=intent_id,
    )
    return _outcomes(results, f"ignored: no payment knows intent {intent_id}")


def _apply(session: Session, event: dict) -> str:
    kind, obj = event["type"], event["data"]["object"]
    if kind == "payment_intent.succeeded":
        results = _succeeded(
            session,
            _reference(obj),
            amount_fen=int(obj.get("amount_received") or obj["amount"]),
            intent_id=obj["id"],
        )
        return _outcomes(results, f"ignored: no payment knows intent {obj['id']}")
    if kind in ("refund.created", "refund.updated", "charge.refund.updated"):
        return _refund(session, obj, None)
    if kind == "charge.refunded":
        listed = (obj.get("refunds") or {}).get("data") or []
        if not listed:
            return "ignored: the charge lists no refunds (refund.* events carry each)"
        said = []
        for refund in listed:
            refund = {
                **refund,
                "payment_intent": refund.get("payment_intent") or obj.get("payment_intent"),
            }
            said.append(_refund(session, refund, int(obj["amount"])))
        return "; ".join(said)
    if kind in ("charge.dispute.created", "charge.dispute.closed"):
        intent_id = obj.get("payment_intent")
        if not intent_id:
            return f"ignored: dispute {obj['id']} names no payment intent"
        lost = None if kind == "charge.dispute.created" else obj.get("status") == "lost"
        results = signals.payment_disputed.send(
            _reference(obj),
            session=session,
            amount_fen=int(obj["amount"]),
            external_ref=obj["id"],
            payment_ref=intent_id,
            lost=lost,
        )
        return _outcomes(results, f"ignored: no payment knows intent {intent_id}")
    return f"ignored: {kind} is not an event the platform acts on"


def process(session: Session, event: dict) -> tuple[StripeEvent, bool]:
    """Store and apply a verified event once: (its row, True) the first time; (the row stored
    before, False) for an event id already received, changing nothing."""
    existing = session.exec(select(StripeEvent).where(StripeEvent.event_id == event["id"])).first()
    if existing is not None:
        return existing, False
    row = StripeEvent(
        event_id=event["id"],
        type=event["type"][:64],
        stripe_created_at=datetime.fromtimestamp(int(event["created"]), UTC),
        received_at=clock.now(),
        payload=event,
    )
    try:
        with session.begin_nested():  # the same event delivered twice at once: one row wins
            session.add(row)
            session.flush()
    except IntegrityError:
        return session.exec(
            select(StripeEvent).where(StripeEvent.event_id == event["id"])
        ).one(), False
    row.outcome = _apply(session, event)
    row.processed_at = clock.now()
    audit.record(
        session,
        "stripe.event",
        "stripe_event",
        row.id,
        {"event": row.event_id, "type": row.type, "outcome": row.outcome},
    )
    return row, True


def verified(payload: bytes, header: str | None, secret: str) -> dict:
    """The event, if `header` signs `payload` under `secret` within the tolerance; raises
    `stripe.SignatureVerificationError` or ValueError otherwise."""
    event = stripe.Webhook.construct_event(payload, header, secret, tolerance=TOLERANCE)
    return plain(event)


@bp.post("/stripe/webhook")
def receive():
    try:
        event = verified(
            request.get_data(),
            request.headers.get("Stripe-Signature"),
            current_app.config["STRIPE_WEBHOOK_SECRET"],
        )
    except (ValueError, stripe.SignatureVerificationError) as exc:
        return problem(400, "Bad Request", f"The event is refused: {exc}")
    with unit_of_work():
        row, new = process(db(), event)
    return jsonify({"event": row.event_id, "processed": new, "outcome": row.outcome})


def init_app(app) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
