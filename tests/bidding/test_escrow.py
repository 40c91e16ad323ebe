"""Card payments into escrow (docs/rules.md §7), with the real `stripe` library against the
session's localstripe: pay, release, refunds, failures, webhooks (duplicated, reordered, forged,
stale), chargebacks and reconciliation. After each scenario the ledger sums to zero and the
contract's balances are exact."""

from __future__ import annotations

import time

import pytest
import requests
from sqlmodel import select

from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.models import ContractPayment
from bidding.payments import escrow
from bidding.policy import DEFAULT_POLICY
from market import ledger
from market.models import AuditEvent, Notification, StripeEvent
from market.payments.adapter import Gateway
from market.payments.reconciliation import reconcile
from tests.bidding.contract_support import deliver_for_tests, signed_contract_for_tests
from tests.bidding.escrow_support import (
    AUTHENTICATED_CARD,
    DECLINED_CARD,
    authenticate,
    balances,
    card_token,
    deliver_event,
    event,
    intent_object,
)
from tests.conftest import free_port

PRICE = 1_000_000  # the lowest bid, what the contract says
DECLINED = "The card was declined. Nothing was charged; try another card."
AUTH_FAILED = (
    "The card's authentication failed. Nothing was charged; try again or use another card."
)
UNREACHABLE = (
    "The card payment service cannot be reached now. Nothing was charged; try again in a few "
    "minutes."
)
NOT_CARD = (
    "This contract is not paid by card: its payer records the payment (budget code or bank "
    "transfer)."
)


@pytest.fixture
def settings(app):
    return escrow.Settings.from_config(app.config)


@pytest.fixture
def signed(world, db, frozen):
    return signed_contract_for_tests(world, db, frozen, "private")


def pay(db, signed, settings, localstripe, number="4242424242424242"):
    attempt = escrow.start(db, signed.applicant, signed.contract.id, settings)
    assert attempt.error is None
    attempt = escrow.confirm_card(
        db, signed.applicant, signed.contract.id, card_token(localstripe, number), settings
    )
    db.commit()
    return attempt


def accept(db, signed, upload_dir):
    row = deliver_for_tests(db, signed, upload_dir)
    delivery.accept(db, signed.applicant, row.id, None, DEFAULT_POLICY)
    db.commit()


def escrow_of(signed):
    return f"escrow:contract:{signed.contract.id}"


def payable_of(signed):
    return f"payable:org:{signed.contract.agency_id}"


def clawback_of(signed):
    return f"clawback:org:{signed.contract.agency_id}"


def kinds(db, org_id):
    return sorted(
        n.kind for n in db.exec(select(Notification).where(Notification.kind.startswith("escrow.")))
    )


def test_pay_into_escrow_then_release_on_acceptance(
    app, db, signed, settings, localstripe, stripe_gateway
):
    attempt = pay(db, signed, settings, localstripe)
    assert attempt.error is None and attempt.intent.status == "succeeded"
    payment = attempt.payment
    assert (payment.state, payment.amount_fen) == ("succeeded", PRICE)
    assert balances(db, signed.contract) == {"stripe": PRICE, escrow_of(signed): -PRICE}
    assert escrow.held(db, signed.contract) == PRICE
    assert escrow.refusal(db, signed.task, signed.contract, settings) == escrow.ALREADY_PAID
    # Stripe's webhook says the same afterwards: stored, processed, nothing posted twice.
    body = event(
        "payment_intent.succeeded", intent_object(stripe_gateway, payment.payment_intent_id)
    )
    client = app.test_client()
    response = deliver_event(client, body)
    assert response.status_code == 200
    assert response.get_json()["outcome"] == f"payment {payment.payment_intent_id}: already posted"
    again = deliver_event(client, body)
    assert again.get_json()["processed"] is False
    assert len(db.exec(select(StripeEvent).where(StripeEvent.event_id == body["id"])).all()) == 1
    assert balances(db, signed.contract) == {"stripe": PRICE, escrow_of(signed): -PRICE}
    accept(db, signed, app.config["UPLOAD_DIR"])
    assert balances(db, signed.contract) == {"stripe": PRICE, payable_of(signed): -PRICE}
    db.refresh(payment)
    assert payment.released_at is not None
    assert kinds(db, signed.contract.agency_id) == ["escrow.paid", "escrow.released"]
    assert ledger.total(db) == 0


def test_asking_again_reuses_the_pending_intent(db, signed, settings):
    first = escrow.start(db, signed.applicant, signed.contract.id, settings)
    second = escrow.start(db, signed.applicant, signed.contract.id, settings)
    assert first.intent.id == second.intent.id
    assert first.payment.id == second.payment.id
    rows = db.exec(select(ContractPayment).where(ContractPayment.contract_id == signed.contract.id))
    assert len(rows.all()) == 1
    assert balances(db, signed.contract) == {}


def test_only_the_applicant_pays(as_, db, signed):
    refused = as_(signed.agency).post(f"/api/v1/contracts/{signed.contract.id}/payments/card")
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == "Only a member of the applicant pays the contract."
    assert db.exec(select(ContractPayment)).all() == []


def test_declined_card_posts_nothing_and_stays_payable(app, db, signed, settings, localstripe):
    attempt = pay(db, signed, settings, localstripe, DECLINED_CARD)
    assert attempt.error.kind == "declined"
    assert attempt.message == DECLINED
    assert attempt.payment.state == "failed" and attempt.payment.failure == DECLINED
    assert balances(db, signed.contract) == {}
    assert escrow.refusal(db, signed.task, signed.contract, settings) is None
    logged = db.exec(select(AuditEvent).where(AuditEvent.action == "escrow.attempt_failed")).all()
    assert [e.data["kind"] for e in logged] == ["declined"]
    # A new attempt with a good card pays.
    assert pay(db, signed, settings, localstripe).payment.state == "succeeded"
    assert balances(db, signed.contract) == {"stripe": PRICE, escrow_of(signed): -PRICE}
    assert ledger.total(db) == 0


def test_declined_card_through_the_api(as_, db, signed, localstripe):
    client = as_(signed.applicant)
    url = f"/api/v1/contracts/{signed.contract.id}/payments/card"
    started = client.post(url)
    assert started.status_code == 200
    assert started.get_json()["client_secret"].startswith(started.get_json()["payment_intent"])
    token = card_token(localstripe, DECLINED_CARD)
    refused = client.post(url + "/confirm", json={"card_token": token})
    assert refused.status_code == 422
    assert refused.get_json()["detail"] == DECLINED
    state = client.get(url).get_json()
    assert state["may_pay"] is True and state["paid"] is False
    assert [a["state"] for a in state["attempts"]] == ["failed"]
    assert state["attempts"][0]["failure"] == DECLINED
    again = client.post(url).get_json()
    assert again["payment_intent"] != started.get_json()["payment_intent"]
    paid = client.post(url + "/confirm", json={"card_token": card_token(localstripe)})
    assert paid.status_code == 200
    assert paid.get_json()["paid"] is True
    assert ledger.total(db) == 0


def test_authentication_failure_posts_nothing(db, signed, settings, localstripe):
    attempt = pay(db, signed, settings, localstripe, AUTHENTICATED_CARD)
    assert attempt.error is None and attempt.intent.needs_action
    authenticate(localstripe, attempt.intent.id, attempt.intent.client_secret, success=False)
    settled = escrow.settle(db, signed.applicant, signed.contract.id, settings)
    assert settled.error.kind == "authentication_failed"
    assert settled.message == AUTH_FAILED
    assert settled.payment.state == "failed"
    assert balances(db, signed.contract) == {}
    assert escrow.refusal(db, signed.task, signed.contract, settings) is None
    assert ledger.total(db) == 0


def test_completed_authentication_pays(db, signed, settings, localstripe):
    attempt = pay(db, signed, settings, localstripe, AUTHENTICATED_CARD)
    authenticate(localstripe, attempt.intent.id, attempt.intent.client_secret, success=True)
    settled = escrow.settle(db, signed.applicant, signed.contract.id, settings)
    assert settled.error is None and settled.payment.state == "succeeded"
    assert balances(db, signed.contract) == {"stripe": PRICE, escrow_of(signed): -PRICE}


def test_a_second_submit_after_stripe_charged_settles_instead_of_failing(
    db, signed, settings, localstripe, stripe_gateway
):
    started = escrow.start(db, signed.applicant, signed.contract.id, settings)
    stripe_gateway.confirm_with_card(
        started.intent.id, card_token(localstripe), reference=f"contract:{signed.contract.id}"
    )
    again = escrow.confirm_card(
        db, signed.applicant, signed.contract.id, card_token(localstripe), settings
    )
    assert again.error is None and again.payment.state == "succeeded"
    assert balances(db, signed.contract) == {"stripe": PRICE, escrow_of(signed): -PRICE}
    assert ledger.total(db) == 0


def test_stripe_unreachable(app, as_, db, signed, settings, monkeypatch):
    closed = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", closed)
    previous = escrow.use(Gateway.from_config(app.config))
    try:
        attempt = escrow.start(db, signed.applicant, signed.contract.id, settings)
        assert attempt.error.kind == "unreachable" and attempt.message == UNREACHABLE
        assert attempt.payment.state == "failed"
        db.commit()
        response = as_(signed.applicant).post(
            f"/api/v1/contracts/{signed.contract.id}/payments/card"
        )
        assert response.status_code == 503
        assert response.get_json()["detail"] == UNREACHABLE
    finally:
        escrow.use(previous)
    assert balances(db, signed.contract) == {}
    assert escrow.refusal(db, signed.task, signed.contract, settings) is None
    assert ledger.total(db) == 0


def _regulator_terminates(db, world, signed, refund_fen=None):
    contracts.terminate_by_regulator(
        db, world.regulator, signed.contract.id, "机构严重违约。", "agency", refund_fen
    )
    db.commit()


def test_full_refund_on_termination(app, db, world, signed, settings, localstripe):
    paid = pay(db, signed, settings, localstripe).payment
    _regulator_terminates(db, world, signed)
    assert balances(db, signed.contract) == {}
    (row,) = escrow.refunds(db, signed.contract)
    assert (row.state, row.amount_fen, row.cause) == ("succeeded", PRICE, "termination")
    db.refresh(paid)
    assert paid.refunded_fen == PRICE
    # Stripe's refund event afterwards changes nothing.
    refund = {
        "id": row.refund_id,
        "object": "refund",
        "amount": PRICE,
        "payment_intent": paid.payment_intent_id,
        "status": "succeeded",
        "metadata": {"reference": f"contract:{signed.contract.id}"},
    }
    response = deliver_event(app.test_client(), event("refund.created", refund))
    assert response.get_json()["outcome"] == f"refund {row.refund_id}: already posted"
    assert balances(db, signed.contract) == {}
    assert kinds(db, signed.contract.agency_id) == ["escrow.paid", "escrow.refunded"]
    assert ledger.total(db) == 0


def test_partial_refund_decided_at_termination(as_, db, world, signed, settings, localstripe):
    pay(db, signed, settings, localstripe)
    client = as_(world.regulator)
    url = f"/api/v1/contracts/{signed.contract.id}/termination/regulator"
    body = {"reason": "部分完成。", "fault_party": "neither"}
    refused = client.post(url, json={**body, "refund_fen": PRICE + 1})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["refund"] == [
        "The refund to the payer is an amount from 0 to the contract's price (10,000.00 yuan)."
    ]
    done = client.post(url, json={**body, "refund_fen": 300_000})
    assert done.status_code == 200
    assert balances(db, signed.contract) == {"stripe": 700_000, payable_of(signed): -700_000}
    assert [r.amount_fen for r in escrow.refunds(db, signed.contract)] == [300_000]
    assert ledger.total(db) == 0


def test_refund_when_stripe_is_unreachable_waits_and_is_asked_again(
    app, db, world, signed, settings, localstripe, stripe_gateway
):
    pay(db, signed, settings, localstripe)
    escrow.use(Gateway(f"http://127.0.0.1:{free_port()}", "sk_test_local"))
    _regulator_terminates(db, world, signed)
    (row,) = escrow.refunds(db, signed.contract)
    assert (row.state, row.failure) == ("pending", UNREACHABLE)
    assert balances(db, signed.contract) == {"stripe": PRICE, escrow_of(signed): -PRICE}
    escrow.use(stripe_gateway)
    assert escrow.retry_refunds(db, signed.applicant, signed.contract.id) == []
    db.commit()
    db.refresh(row)
    assert row.state == "succeeded"
    assert balances(db, signed.contract) == {}
    assert ledger.total(db) == 0


def test_refund_event_before_the_payment_event(
    app, db, signed, settings, localstripe, stripe_gateway
):
    """Stripe charged the card and refunded part of it, and the refund's event arrives first
    (the payer's page never came back): the refund proves the payment, so both are posted; the
    payment's event, late, changes nothing."""
    started = escrow.start(db, signed.applicant, signed.contract.id, settings)
    db.commit()
    reference = f"contract:{signed.contract.id}"
    stripe_gateway.confirm_with_card(
        started.intent.id, card_token(localstripe), reference=reference
    )
    refund = stripe_gateway.refund(
        intent_id=started.intent.id, amount_fen=250_000, reference=reference, idempotency_key="r1"
    )
    client = app.test_client()
    refund_body = {
        "id": refund.id,
        "object": "refund",
        "amount": 250_000,
        "payment_intent": started.intent.id,
        "status": "succeeded",
        "metadata": {"reference": reference},
    }
    first = deliver_event(client, event("refund.created", refund_body))
    assert first.status_code == 200
    assert balances(db, signed.contract) == {"stripe": 750_000, escrow_of(signed): -750_000}
    late = event("payment_intent.succeeded", intent_object(stripe_gateway, started.intent.id))
    assert deliver_event(client, late).get_json()["outcome"].endswith("already posted")
    assert (
        deliver_event(client, event("refund.updated", refund_body)).get_json()["outcome"]
        == f"refund {refund.id}: already posted"
    )
    assert balances(db, signed.contract) == {"stripe": 750_000, escrow_of(signed): -750_000}
    (row,) = escrow.refunds(db, signed.contract)
    assert (row.cause, row.state, row.refund_id) == ("stripe", "succeeded", refund.id)
    # The payer's page, afterwards, finds it paid.
    assert escrow.settle(db, signed.applicant, signed.contract.id, settings).payment.state == (
        "succeeded"
    )
    assert ledger.total(db) == 0


def _dispute(signed, intent_id, status, amount=PRICE):
    return {
        "id": f"dp_{signed.contract.id}",
        "object": "dispute",
        "amount": amount,
        "charge": "ch_x",
        "payment_intent": intent_id,
        "status": status,
    }


def test_chargeback_before_release_comes_from_escrow(app, db, signed, settings, localstripe):
    paid = pay(db, signed, settings, localstripe).payment
    client = app.test_client()
    opened = deliver_event(
        client,
        event("charge.dispute.created", _dispute(signed, paid.payment_intent_id, "needs_response")),
    )
    assert opened.get_json()["outcome"] == f"dispute dp_{signed.contract.id}: opened, nothing moves"
    assert balances(db, signed.contract) == {"stripe": PRICE, escrow_of(signed): -PRICE}
    lost = event("charge.dispute.closed", _dispute(signed, paid.payment_intent_id, "lost"))
    assert deliver_event(client, lost).status_code == 200
    assert (
        deliver_event(client, {**lost, "id": lost["id"] + "_again"}).get_json()["outcome"]
        == f"dispute dp_{signed.contract.id}: already posted"
    )
    assert balances(db, signed.contract) == {}
    assert ledger.total(db) == 0


def test_chargeback_after_release_goes_to_clawback(app, db, signed, settings, localstripe):
    paid = pay(db, signed, settings, localstripe).payment
    accept(db, signed, app.config["UPLOAD_DIR"])
    lost = event("charge.dispute.closed", _dispute(signed, paid.payment_intent_id, "lost"))
    assert deliver_event(app.test_client(), lost).status_code == 200
    assert balances(db, signed.contract) == {
        payable_of(signed): -PRICE,
        clawback_of(signed): PRICE,
    }
    assert ledger.total(db) == 0


def test_won_dispute_moves_nothing(app, db, signed, settings, localstripe):
    paid = pay(db, signed, settings, localstripe).payment
    won = event("charge.dispute.closed", _dispute(signed, paid.payment_intent_id, "won"))
    assert (
        deliver_event(app.test_client(), won).get_json()["outcome"].endswith("won, nothing moves")
    )
    assert balances(db, signed.contract) == {"stripe": PRICE, escrow_of(signed): -PRICE}


def test_forged_signature_is_refused_and_changes_nothing(app, db, signed, settings, localstripe):
    paid = pay(db, signed, settings, localstripe).payment
    lost = event("charge.dispute.closed", _dispute(signed, paid.payment_intent_id, "lost"))
    response = deliver_event(app.test_client(), lost, secret="whsec_forged")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert db.exec(select(StripeEvent).where(StripeEvent.event_id == lost["id"])).first() is None
    assert balances(db, signed.contract) == {"stripe": PRICE, escrow_of(signed): -PRICE}
    unsigned = app.test_client().post("/stripe/webhook", json=lost)
    assert unsigned.status_code == 400


def test_stale_timestamp_is_refused(app, db, signed, settings, localstripe):
    paid = pay(db, signed, settings, localstripe).payment
    lost = event("charge.dispute.closed", _dispute(signed, paid.payment_intent_id, "lost"))
    response = deliver_event(app.test_client(), lost, at=int(time.time()) - 301)
    assert response.status_code == 400
    assert balances(db, signed.contract) == {"stripe": PRICE, escrow_of(signed): -PRICE}


def test_an_event_for_no_payment_is_stored_and_ignored(app, db):
    body = event("payment_intent.succeeded", {"id": "pi_unknown", "amount": 100, "metadata": {}})
    response = deliver_event(app.test_client(), body)
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "ignored: no payment knows intent pi_unknown"
    assert ledger.total(db) == 0


def test_no_card_for_a_budget_contract(world, db, frozen, as_, settings):
    budget = signed_contract_for_tests(world, db, frozen, "budget")
    assert escrow.refusal(db, budget.task, budget.contract, settings) == escrow.NOT_CARD
    client = as_(budget.applicant)
    page = client.get(f"/contracts/{budget.contract.id}/pay")
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert NOT_CARD in text and 'id="escrow-pay"' not in text
    refused = client.post(f"/api/v1/contracts/{budget.contract.id}/payments/card")
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"": [NOT_CARD]}
    contract_page = client.get(f"/contracts/{budget.contract.id}").get_data(as_text=True)
    assert f'href="/contracts/{budget.contract.id}/pay"' not in contract_page


def test_the_card_page(as_, db, signed, localstripe):
    page = as_(signed.applicant).get(f"/contracts/{signed.contract.id}/pay")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="escrow-pay"' in text
    assert f'<script src="{localstripe}/js.stripe.com/v3/"></script>' in text
    policy = page.headers["Content-Security-Policy"]
    assert f"script-src 'self' {localstripe}" in policy
    assert f"connect-src 'self' {localstripe}" in policy
    agency = as_(signed.agency).get(f"/contracts/{signed.contract.id}/pay")
    assert agency.status_code == 200
    assert 'id="escrow-pay"' not in agency.get_data(as_text=True)
    assert localstripe not in agency.headers["Content-Security-Policy"]
    contract_page = as_(signed.applicant).get(f"/contracts/{signed.contract.id}")
    assert f"/contracts/{signed.contract.id}/pay" in contract_page.get_data(as_text=True)
    assert localstripe not in contract_page.headers["Content-Security-Policy"]


def test_reconciliation_reports_every_difference(
    app, db, signed, settings, localstripe, stripe_gateway
):
    assert requests.delete(f"{localstripe}/_config/data", timeout=10).status_code == 200
    paid = pay(db, signed, settings, localstripe).payment
    assert reconcile(db, stripe_gateway) == []
    reference = f"contract:{signed.contract.id}"
    refund = stripe_gateway.refund(
        intent_id=paid.payment_intent_id, amount_fen=100, reference=reference, idempotency_key="x"
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 1
    assert result.stdout == (
        f"refund {refund.id} ({reference}): at Stripe (100 fen), missing from the ledger\n"
    )
    body = {
        "id": refund.id,
        "object": "refund",
        "amount": 100,
        "payment_intent": paid.payment_intent_id,
        "status": "succeeded",
        "metadata": {"reference": reference},
    }
    deliver_event(app.test_client(), event("refund.created", body))
    result = runner.invoke(args=["payments", "reconcile"])
    assert (result.exit_code, result.stdout) == (0, "The ledger and Stripe agree.\n")
    assert ledger.total(db) == 0


def test_a_termination_by_agreement_refunds_what_its_proposal_names(
    as_, db, signed, settings, localstripe
):
    pay(db, signed, settings, localstripe)
    url = f"/api/v1/contracts/{signed.contract.id}/termination"
    proposed = as_(signed.agency).post(
        url, json={"reason": "双方协商一致。", "refund_fen": 600_000}
    )
    assert proposed.status_code == 200
    assert proposed.get_json()["termination_proposal"]["refund_fen"] == 600_000
    page = as_(signed.applicant, "zh").get(f"/contracts/{signed.contract.id}")
    assert "退还付款方 6,000.00 元，托管中的其余款项支付给中介机构。" in page.get_data(as_text=True)
    assert as_(signed.applicant).post(url + "/confirm").status_code == 200
    assert balances(db, signed.contract) == {"stripe": 400_000, payable_of(signed): -400_000}
    assert [r.amount_fen for r in escrow.refunds(db, signed.contract)] == [600_000]
    assert ledger.total(db) == 0


def test_the_refund_is_typed_in_yuan_on_the_regulators_form(
    as_, db, world, signed, settings, localstripe
):
    pay(db, signed, settings, localstripe)
    client = as_(world.regulator)
    form = client.get(f"/contracts/{signed.contract.id}").get_data(as_text=True)
    assert 'name="terminate-refund"' in form
    url = f"/contracts/{signed.contract.id}/termination/regulator"
    data = {"terminate-reason": "机构违约。", "terminate-fault_party": "agency"}
    refused = client.post(url, data={**data, "terminate-refund": "10000.01"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert (
        "The refund to the payer is an amount from 0 to the contract&#39;s price (10,000.00 yuan)."
        in text
    )
    assert 'value="10000.01"' in text
    done = client.post(url, data={**data, "terminate-refund": "2,500.50"})
    assert done.status_code == 302
    assert balances(db, signed.contract) == {"stripe": 749_950, payable_of(signed): -749_950}
    assert ledger.total(db) == 0


def test_a_budget_contracts_termination_asks_no_refund(world, db, frozen, as_):
    budget = signed_contract_for_tests(world, db, frozen, "budget")
    form = as_(world.regulator).get(f"/contracts/{budget.contract.id}").get_data(as_text=True)
    assert 'name="terminate-reason"' in form and 'name="terminate-refund"' not in form


def test_make_run_points_localstripes_webhooks_at_the_platform(app):
    result = app.test_cli_runner().invoke(
        args=["payments", "local-webhook", "http://127.0.0.1:5000/stripe/webhook"]
    )
    assert (result.exit_code, result.stdout) == (
        0,
        "localstripe sends its events to http://127.0.0.1:5000/stripe/webhook\n",
    )


def test_the_sweep_asks_stripe_again_for_pending_refunds(
    db, world, signed, settings, localstripe, stripe_gateway
):
    pay(db, signed, settings, localstripe)
    escrow.use(Gateway(f"http://127.0.0.1:{free_port()}", "sk_test_local"))
    _regulator_terminates(db, world, signed)
    assert escrow.retry_pending_refunds(db) == 0  # Stripe still unreachable: it waits
    (row,) = escrow.refunds(db, signed.contract)
    assert row.state == "pending"
    escrow.use(stripe_gateway)
    assert escrow.retry_pending_refunds(db) == 1
    assert escrow.retry_pending_refunds(db) == 0
    db.refresh(row)
    assert row.state == "succeeded"
    assert balances(db, signed.contract) == {}
    assert ledger.total(db) == 0
