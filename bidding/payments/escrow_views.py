"""The card payment page (`escrow`): `/contracts/<id>/pay` shows a contract's card payment into
escrow to its parties and the regulators covering the task, and to a member of the applicant the
card form — Stripe.js's card Element (`market/static/escrow-pay.js`), the page's only scripts from
another origin, for which its policy alone is opened (`market.security_headers.allow_stripe`).

The script asks the API to start the payment and to charge the tokenised card
(`bidding.payments.escrow_api`), completes a card's authentication with `confirmCardPayment`,
then posts the form here (`settle`): the server reads the PaymentIntent back from Stripe and
answers with what Stripe says. A contract not paid by card is refused (422) with the reason,
and shows no card form."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SubmitField

from bidding.models import Contract
from bidding.payments import escrow, escrow_serializers
from market import security_headers
from market.models import Task
from market.web import db, translate, unit_of_work, viewer

bp = Blueprint("escrow", __name__)


class SettleForm(FlaskForm):
    submit = SubmitField()


class RetryForm(FlaskForm):
    submit = SubmitField()


def settings() -> escrow.Settings:
    return escrow.Settings.from_config(current_app.config)


def stripe_js_url() -> str:
    config = current_app.config
    return config["STRIPE_JS_URL"] or config["STRIPE_API_BASE"].rstrip("/") + "/js.stripe.com/v3/"


def _page(contract_id: int, failure: str | None = None, status: int = 200):
    contract, task = escrow.load(db(), viewer(), contract_id)
    state = escrow_serializers.card_state(db(), contract, task, settings(), viewer(), translate)
    if state["method"] != "card":
        status = 422
    if state["may_pay"]:
        security_headers.allow_stripe(
            security_headers.origin(stripe_js_url()),
            security_headers.origin(current_app.config["STRIPE_API_BASE"]),
        )
    return render_template(
        "bidding/payments/escrow/pay.html",
        p=state,
        failure=failure,
        settle_form=SettleForm(formdata=None),
        retry_form=RetryForm(formdata=None),
        stripe_js=stripe_js_url(),
        publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"],
    ), status


@bp.get("/contracts/<int:contract_id>/pay")
def pay_page(contract_id: int):
    return _page(contract_id)


def _redirect(contract_id: int):
    return redirect(url_for("escrow.pay_page", contract_id=contract_id))


@bp.post("/contracts/<int:contract_id>/pay/settle")
@login_required
def settle(contract_id: int):
    escrow.load(db(), viewer(), contract_id)
    form = SettleForm()
    if not form.validate_on_submit():
        return _page(contract_id, gettext("The form expired: reload the page."), 400)
    with unit_of_work(keep_errors=True) as work:
        attempt = escrow.settle(db(), viewer(), contract_id, settings())
    if work.failed:
        return _page(contract_id, " ".join(work.messages), work.status)
    if attempt.error is not None:
        return _page(contract_id, translate(attempt.message), 422)
    if attempt.payment is not None and attempt.payment.state == "succeeded":
        flash(
            gettext("Paid: the platform holds the price in escrow until the work is accepted."),
            "success",
        )
    elif attempt.intent is not None and attempt.intent.needs_action:
        return _page(contract_id, translate(escrow.AUTHENTICATING), 422)
    else:
        return _page(
            contract_id, gettext("The card was not charged yet: enter the card and pay."), 422
        )
    return _redirect(contract_id)


@bp.post("/contracts/<int:contract_id>/pay/refunds/retry")
@login_required
def retry_refunds(contract_id: int):
    escrow.load(db(), viewer(), contract_id)
    form = RetryForm()
    if not form.validate_on_submit():
        return _page(contract_id, gettext("The form expired: reload the page."), 400)
    with unit_of_work(keep_errors=True) as work:
        errors = escrow.retry_refunds(db(), viewer(), contract_id)
    if work.failed:
        return _page(contract_id, " ".join(work.messages), work.status)
    if errors:
        return _page(contract_id, translate(errors[0].message), 503)
    flash(gettext("The refund is made."), "success")
    return _redirect(contract_id)


def contract_section(contract: Contract, task: Task) -> Markup:
    """The card payment's section of the contract page (`bidding.contract_sections`): for a
    contract paid by card, once signed."""
    if contract.signed_at is None or not escrow.by_card(task, contract, settings()):
        return Markup("")
    state = escrow_serializers.card_state(db(), contract, task, settings(), viewer(), translate)
    return Markup(render_template("bidding/payments/escrow/_section.html", p=state))
