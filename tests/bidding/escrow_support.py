"""Helpers of the card payment tests: what the browser's Stripe.js does against localstripe
(tokenise a card, answer a card's authentication), Stripe's events built and signed with the
tests' webhook secret, and the ledger's balances of a contract."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from itertools import count

import requests

from bidding.payments import escrow
from market import ledger
from tests.conftest import STRIPE_WEBHOOK_SECRET

OK_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
AUTHENTICATED_CARD = "4000002760003184"
PUBLISHABLE_KEY = "pk_test_local"
_events = count(1)


def card_token(base: str, number: str = OK_CARD) -> str:
    """What Stripe.js's createToken does with the card Element's fields."""
    response = requests.post(
        f"{base}/v1/tokens",
        data={
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2030",
            "card[cvc]": "123",
            "key": PUBLISHABLE_KEY,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["id"]


def authenticate(base: str, intent_id: str, client_secret: str, success: bool) -> None:
    """What localstripe's Stripe.js does when the payer completes (or fails) 3-D Secure."""
    response = requests.post(
        f"{base}/v1/payment_intents/{intent_id}/_authenticate?success={str(success).lower()}",
        json={"key": PUBLISHABLE_KEY, "client_secret": client_secret},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def event(kind: str, obj: dict, *, created: int | None = None) -> dict:
    return {
        "id": f"evt_test_{next(_events)}_{int(time.time() * 1000)}",
        "object": "event",
        "type": kind,
        "created": int(time.time()) if created is None else created,
        "data": {"object": obj},
    }


def signed(body: dict, *, secret: str = STRIPE_WEBHOOK_SECRET, at: int | None = None):
    """The raw body and its Stripe-Signature header, as Stripe signs them."""
    payload = json.dumps(body).encode()
    at = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, f"t={at},v1={mac}"


def deliver_event(client, body: dict, **signing):
    payload, header = signed(body, **signing)
    return client.post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def intent_object(gateway, intent_id: str) -> dict:
    """The PaymentIntent as Stripe's event carries it."""
    client = gateway.client()
    return client.v1.payment_intents.retrieve(intent_id).to_dict()


def balances(db, contract) -> dict:
    """The contract's ledger balances that are not zero, by account."""
    found = ledger.balances(db, reference=escrow.reference(contract))
    return {name: value for name, value in found.items() if value}
