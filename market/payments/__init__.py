"""Card payments through Stripe (docs/rules.md §7): `adapter` (the one place that talks to
Stripe, keyed by an opaque reference, knowing nothing of what is paid for), `webhooks` (Stripe's
signed events, stored by id and processed once, announced as `market.signals.payment_*`) and
`reconciliation` (the ledger's card payments and refunds against Stripe's own lists)."""

#: The ledger's `LedgerTransaction.kind`s of card money, each keyed by Stripe's own id (its
#: `external_ref`): a payment captured (the PaymentIntent), a refund (the refund), a chargeback
#: lost (the dispute). The escrow workflow posts them; reconciliation reads them back.
CARD_PAYMENT, CARD_REFUND, CHARGEBACK = "card_payment", "card_refund", "chargeback"
