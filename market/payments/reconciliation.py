"""Reconciliation (docs/rules.md §7): the ledger's card payments and refunds against Stripe's own
PaymentIntents and Refunds. `flask --app wsgi payments reconcile` prints every difference — a
payment or refund on one side only, or of another amount — and exits non-zero when there is one.

Compared are the PaymentIntents that carry a `reference` (the platform's) and succeeded, and the
succeeded refunds of those intents; the ledger side is its `card_payment` and `card_refund`
transactions, by their Stripe id (`external_ref`), each counted by its `stripe` entry."""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session, select

from market.models.ledger import LedgerEntry, LedgerTransaction
from market.payments import CARD_PAYMENT, CARD_REFUND
from market.payments.adapter import Gateway, PaymentError


@dataclass(frozen=True)
class Difference:
    #: "payment" or "refund"; the Stripe id; what the ledger and Stripe say (None: nothing).
    what: str
    stripe_id: str
    ledger_fen: int | None
    stripe_fen: int | None
    reference: str | None

    def __str__(self) -> str:
        if self.ledger_fen is None:
            problem = f"at Stripe ({self.stripe_fen} fen), missing from the ledger"
        elif self.stripe_fen is None:
            problem = f"in the ledger ({self.ledger_fen} fen), missing at Stripe"
        else:
            problem = f"amounts differ: ledger {self.ledger_fen} fen, Stripe {self.stripe_fen} fen"
        return f"{self.what} {self.stripe_id} ({self.reference or 'no reference'}): {problem}"


def _ledger(session: Session, kind: str) -> dict[str, tuple[int, str]]:
    """{Stripe id: (what reached the `stripe` account, in fen, unsigned; the reference)}."""
    rows = session.exec(
        select(LedgerTransaction.external_ref, LedgerTransaction.reference, LedgerEntry.amount_fen)
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerTransaction.kind == kind, LedgerEntry.account == "stripe")
    ).all()
    found: dict[str, tuple[int, str]] = {}
    for external_ref, reference, amount in rows:
        before = found.get(external_ref, (0, reference))[0]
        found[external_ref] = (before + abs(int(amount)), reference)
    return found


def _compare(what, ledger: dict, stripe_side: dict) -> list[Difference]:
    out = []
    for key in sorted(set(ledger) | set(stripe_side)):
        mine, theirs = ledger.get(key), stripe_side.get(key)
        if mine is not None and theirs is not None and mine[0] == theirs[0]:
            continue
        reference = (mine or theirs)[1]
        out.append(
            Difference(
                what,
                key,
                None if mine is None else mine[0],
                None if theirs is None else theirs[0],
                reference,
            )
        )
    return out


def reconcile(session: Session, gateway: Gateway) -> list[Difference]:
    """Every difference between the ledger and Stripe (raises `PaymentError` when Stripe does
    not answer)."""
    intents = {i.id: i for i in gateway.intents()}
    paid = {i.id: (i.amount_fen, i.reference) for i in intents.values() if i.succeeded}
    refunds = {
        r.id: (r.amount_fen, r.reference or intents[r.payment_intent].reference)
        for r in gateway.refunds()
        if r.status == "succeeded" and r.payment_intent in intents
    }
    return _compare("payment", _ledger(session, CARD_PAYMENT), paid) + _compare(
        "refund", _ledger(session, CARD_REFUND), refunds
    )


payments_cli = AppGroup("payments", help="Card payments (Stripe).")


@payments_cli.command("reconcile")
def reconcile_command() -> None:
    """Compare the ledger's card payments and refunds with Stripe's; exit 1 on any difference."""
    database = current_app.extensions["market.db"]
    try:
        with database.transaction() as session:
            differences = reconcile(session, Gateway.from_config(current_app.config))
    except PaymentError as exc:
        click.echo(f"Stripe did not answer: {exc.detail}", err=True)
        sys.exit(2)
    for difference in differences:
        click.echo(str(difference))
    if differences:
        click.echo(f"{len(differences)} difference(s).", err=True)
        sys.exit(1)
    click.echo("The ledger and Stripe agree.")


#: How long `payments local-webhook` waits for localstripe to answer.
LOCAL_WEBHOOK_WAIT_SECONDS = 30


@payments_cli.command("local-webhook")
@click.argument("url")
def local_webhook_command(url: str) -> None:
    """Tell localstripe (STRIPE_API_BASE, local runs only) to send its events to URL, signed with
    STRIPE_WEBHOOK_SECRET; waits for it to start. `make run` calls it."""
    config = current_app.config
    if config.get("PRODUCTION"):
        click.echo("local-webhook configures Stripe's local stand-in only.", err=True)
        sys.exit(2)
    target = config["STRIPE_API_BASE"].rstrip("/") + "/_config/webhooks/zjm"
    body = urllib.parse.urlencode({"url": url, "secret": config["STRIPE_WEBHOOK_SECRET"]}).encode()
    deadline = time.monotonic() + LOCAL_WEBHOOK_WAIT_SECONDS
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(target, data=body), timeout=2):
                click.echo(f"localstripe sends its events to {url}")
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            if time.monotonic() > deadline:
                click.echo(f"localstripe did not answer at {target}: {exc}", err=True)
                sys.exit(1)
            time.sleep(0.2)  # waiting for the process `make run` started beside this one


def init_app(app) -> None:
    app.cli.add_command(payments_cli)
