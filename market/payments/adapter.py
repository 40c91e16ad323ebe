"""The Stripe adapter (docs/rules.md §7): PaymentIntents captured at once, refunds, and the lists
reconciliation reads, through the real `stripe` library configured per call (`Gateway.from_config`:
the API base — localstripe locally, Stripe in production — the secret key and a timeout).

It knows payments only by an opaque `reference` (``contract:7``) kept in the PaymentIntent's
metadata; what the reference stands for is the caller's business. Every failure is one of four
kinds, each with a translatable message shown to the payer (`PaymentError`): the card was
declined, its authentication failed, Stripe did not answer (refused connection, timeout), or
Stripe refused the request (a programming or configuration error, logged in full).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import stripe

from market.validation import N_

log = logging.getLogger(__name__)

#: `PaymentError.kind`.
DECLINED, AUTHENTICATION, UNREACHABLE, REFUSED = (
    "declined",
    "authentication_failed",
    "unreachable",
    "refused",
)
MESSAGES = {
    DECLINED: N_("The card was declined. Nothing was charged; try another card."),
    AUTHENTICATION: N_(
        "The card's authentication failed. Nothing was charged; try again or use another card."
    ),
    UNREACHABLE: N_(
        "The card payment service cannot be reached now. Nothing was charged; try "
        "again in a few minutes."
    ),
    REFUSED: N_("The card payment service refused the request. Nothing was charged."),
}
CURRENCY = "cny"


class PaymentError(Exception):
    """A call to Stripe that failed; `kind` is one of DECLINED, AUTHENTICATION, UNREACHABLE,
    REFUSED and `message` its untranslated msgid."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail

    @property
    def message(self) -> str:
        return MESSAGES[self.kind]


@dataclass(frozen=True)
class Intent:
    """What the platform needs of a PaymentIntent."""

    id: str
    status: str
    amount_fen: int
    reference: str | None
    client_secret: str | None
    #: The last attempt's failure kind (DECLINED or AUTHENTICATION) or None.
    failure: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    @property
    def needs_action(self) -> bool:
        return self.status == "requires_action"


@dataclass(frozen=True)
class Refund:
    id: str
    payment_intent: str | None
    amount_fen: int
    status: str
    reference: str | None


def _failure_kind(error: dict | None) -> str | None:
    if not error:
        return None
    code = error.get("code") if isinstance(error, dict) else getattr(error, "code", None)
    if code in ("payment_intent_authentication_failure", "authentication_required"):
        return AUTHENTICATION
    return DECLINED


def plain(obj) -> dict:
    """A Stripe object as a plain dict (webhook payloads already are)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def _intent(obj) -> Intent:
    obj = plain(obj)
    metadata = obj.get("metadata") or {}
    return Intent(
        id=obj["id"],
        status=obj["status"],
        amount_fen=int(obj["amount"]),
        reference=metadata.get("reference"),
        client_secret=obj.get("client_secret"),
        failure=_failure_kind(obj.get("last_payment_error")),
    )


def _refund(obj) -> Refund:
    obj = plain(obj)
    metadata = obj.get("metadata") or {}
    return Refund(
        id=obj["id"],
        payment_intent=obj.get("payment_intent"),
        amount_fen=int(obj["amount"]),
        status=obj.get("status") or "succeeded",
        reference=metadata.get("reference"),
    )


def _mapped(exc: stripe.StripeError) -> PaymentError:
    if isinstance(exc, stripe.APIConnectionError):
        return PaymentError(UNREACHABLE, str(exc))
    if isinstance(exc, stripe.CardError):
        if exc.code in ("payment_intent_authentication_failure", "authentication_required"):
            return PaymentError(AUTHENTICATION, str(exc))
        return PaymentError(DECLINED, str(exc))
    log.error("Stripe refused a request: %s", exc)
    return PaymentError(REFUSED, str(exc))


@dataclass(frozen=True)
class Gateway:
    """Stripe, as one deployment configures it."""

    api_base: str
    secret_key: str
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config) -> Gateway:
        return cls(
            api_base=config["STRIPE_API_BASE"],
            secret_key=config["STRIPE_SECRET_KEY"],
            timeout=float(config.get("STRIPE_TIMEOUT", 10)),
        )

    def client(self) -> stripe.StripeClient:
        # A client per call: nothing global in the `stripe` module is set, so two apps (a test's
        # and the demo's) never share a base or a key.
        return stripe.StripeClient(
            self.secret_key,
            base_addresses={"api": self.api_base},
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=self.timeout),
        )

    def _call(self, what, *args, **kwargs):
        try:
            return what(self.client())(*args, **kwargs)
        except stripe.StripeError as exc:
            raise _mapped(exc) from exc

    def create_intent(self, *, reference: str, amount_fen: int, idempotency_key: str) -> Intent:
        """A PaymentIntent for `amount_fen` in CNY, captured as soon as the card is charged."""
        obj = self._call(
            lambda c: c.v1.payment_intents.create,
            params={
                "amount": amount_fen,
                "currency": CURRENCY,
                "capture_method": "automatic",
                "metadata": {"reference": reference},
            },
            options={"idempotency_key": idempotency_key},
        )
        return _intent(obj)

    def retrieve_intent(self, intent_id: str) -> Intent:
        return _intent(self._call(lambda c: c.v1.payment_intents.retrieve, intent_id))

    def confirm_with_card(self, intent_id: str, card_token: str, *, reference: str) -> Intent:
        """Charge the card the browser's Stripe.js tokenised: the token is saved as the source
        of a customer of its own (a declined card is refused here), then the intent confirmed
        with it. A card that needs authentication leaves the intent `requires_action`, for the
        browser's `confirmCardPayment`; a declined charge raises DECLINED."""
        customer = plain(
            self._call(
                lambda c: c.v1.customers.create,
                params={"source": card_token, "metadata": {"reference": reference}},
            )
        )
        self._call(
            lambda c: c.v1.payment_intents.update,
            intent_id,
            params={"customer": customer["id"], "payment_method": customer["default_source"]},
        )
        return _intent(self._call(lambda c: c.v1.payment_intents.confirm, intent_id))

    def refund(
        self, *, intent_id: str, amount_fen: int, reference: str, idempotency_key: str
    ) -> Refund:
        obj = self._call(
            lambda c: c.v1.refunds.create,
            params={
                "payment_intent": intent_id,
                "amount": amount_fen,
                "metadata": {"reference": reference},
            },
            options={"idempotency_key": idempotency_key},
        )
        return _refund(obj)

    def _all(self, resource) -> list:
        rows, after = [], None
        while True:
            params = {"limit": 100}
            if after:
                params["starting_after"] = after
            page = self._call(lambda c: resource(c).list, params=params)
            rows.extend(plain(row) for row in page.data)
            if not page.has_more or not page.data:
                return rows
            after = page.data[-1]["id"]

    def intents(self) -> list[Intent]:
        """Every PaymentIntent that carries a reference (the platform's)."""
        return [
            _intent(obj)
            for obj in self._all(lambda c: c.v1.payment_intents)
            if (obj.get("metadata") or {}).get("reference")
        ]

    def refunds(self) -> list[Refund]:
        return [_refund(obj) for obj in self._all(lambda c: c.v1.refunds)]
