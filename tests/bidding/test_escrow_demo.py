"""`flask seed demo` leaves a private contract paid by card into escrow when Stripe's stand-in
answers, and the same contract signed and awaiting its card payment when it does not
(bidding/payments/escrow_demo.py)."""

from __future__ import annotations

from sqlmodel import select

from bidding.contracts import delivery
from bidding.payments import escrow, escrow_demo
from market import ledger
from market.demo import load_all
from market.models import Task
from market.payments.adapter import Gateway
from tests.conftest import free_port


def _contract(db):
    task = db.exec(select(Task).where(Task.title == escrow_demo.TITLE)).one()
    return task, delivery.contract_of(db, task)


def test_the_demo_pays_a_contract_into_escrow(app, db, frozen, bidding_keys):
    lines = load_all(app, db)
    db.commit()
    task, contract = _contract(db)
    assert (
        f"card payment demo: contract {contract.id} paid into escrow with the card 4242…" in lines
    )
    assert ledger.balances(db, reference=f"contract:{contract.id}") == {
        f"escrow:contract:{contract.id}": -escrow_demo.PRICES[0],
        "stripe": escrow_demo.PRICES[0],
    }
    assert ledger.total(db) == 0
    assert "card payment demo already loaded" in load_all(app, db)


def test_without_stripe_the_demo_contract_awaits_its_card_payment(app, db, frozen, bidding_keys):
    previous = escrow.use(Gateway(f"http://127.0.0.1:{free_port()}", "sk_test_local"))
    try:
        lines = load_all(app, db)
    finally:
        escrow.use(previous)
    db.commit()
    task, contract = _contract(db)
    assert (
        f"card payment demo: contract {contract.id} signed, awaiting its card payment "
        "(Stripe: unreachable)"
    ) in lines
    settings = escrow.Settings.from_config(app.config)
    assert escrow.refusal(db, task, contract, settings) is None
    assert ledger.balances(db, reference=f"contract:{contract.id}") == {}
