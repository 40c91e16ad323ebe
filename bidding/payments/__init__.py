"""Contract payments (docs/rules.md §7): by card through Stripe into escrow, or recorded by the
payer and confirmed by the agency; the money is on `market.ledger` under ``contract:<id>``."""
