"""The payments pages (docs/rules.md §7): a contract's payments (`/contracts/<id>/payments`,
with the forms that record, confirm, refuse and correct a recorded payment), an agency's money
(`/payments`), and the operators' settlement file (`/operator/settlement.csv`). Who may see a
contract's payments is `bidding.visibility.sees_delivery`'s to say (anyone else gets 404); the
rules are `bidding.payments.recorded`'s; a refused form shows the page again with what was typed
and the messages next to their fields."""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup

from bidding import visibility
from bidding.contracts import delivery
from bidding.models import Contract
from bidding.models.payments import BUDGET_CODE
from bidding.payments import recorded, recorded_money
from bidding.payments.forms import (
    MEANS_LABELS,
    ConfirmForm,
    CorrectionForm,
    NotReceivedForm,
    RecordForm,
)
from bidding.policy import SECTION
from market import audit
from market.models import OrgKind, Task
from market.validation import NotFound
from market.views.admin import operator_required
from market.web import Work, db, policy_section, translate, unit_of_work, viewer, viewer_org

bp = Blueprint("contract_payments", __name__)
settlement_bp = Blueprint("settlement", __name__)

#: The settlement file's columns, in order.
SETTLEMENT_COLUMNS = (
    "agency_id",
    "agency_name",
    "uscc",
    "amount_fen",
    "amount_yuan",
    "contracts",
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(settlement_bp)
    app.extensions.setdefault("bidding.contract_sections", []).append(contract_section)
    app.extensions.setdefault("market.nav_links", []).append(nav_links)


def nav_links(org) -> list:
    """An agency's money and the operators' settlement file in the top navigation."""
    if org is None:
        return []
    if org.kind == OrgKind.agency:
        return [(url_for("contract_payments.money"), gettext("Payments"))]
    if org.kind == OrgKind.operator:
        return [(url_for("settlement.settlement_csv"), gettext("Settlement file"))]
    return []


def contract_section(contract: Contract, task: Task) -> Markup:
    """A link to the contract's payments on its page (a `bidding.contract_sections` hook), for
    those who may see them, once both sides confirmed."""
    reader = visibility.reader_of(db(), viewer(), task)
    if contract.signed_at is None or not visibility.sees_delivery(reader, contract):
        return Markup("")
    return Markup(render_template("bidding/payments/_contract_section.html", contract=contract))


def _forms() -> dict:
    return {
        "record": RecordForm(formdata=None, prefix="rec"),
        "correct": CorrectionForm(formdata=None, prefix="cor"),
        "confirm": ConfirmForm(formdata=None, prefix="cf"),
        "not_received": NotReceivedForm(formdata=None, prefix="nr"),
    }


def _page(contract_id: int, failed: dict | None = None, errors: dict | None = None, status=200):
    try:
        contract, task, reader = delivery.readable(db(), viewer(), contract_id)
    except NotFound:
        abort(404)
    state = recorded_money.contract_state(db(), contract, task, reader, current_app.config)
    forms = _forms()
    forms.update(failed or {})
    budget = state["why"] == recorded.BUDGET
    for key in ("record", "correct"):
        form = forms[key]
        if budget:
            form.means.choices = [(BUDGET_CODE, MEANS_LABELS[BUDGET_CODE])]
        if key == "correct" and "correct" not in (failed or {}):
            mine = next((p for p in state["payments"] if p["method"] == "recorded"), None)
            if mine is not None:
                form.means.data = mine["means"]
                form.reference.data = mine["reference"]
                form.paid_on.data = mine["paid_on"]
    refusal = state["record_refusal"]
    return render_template(
        "bidding/payments/contract.html",
        p=state,
        forms=forms,
        errors=errors or {},
        refusal=translate(refusal) if refusal else None,
        card_limit_fen=int(current_app.config["CARD_LIMIT_FEN"]),
        means_labels=MEANS_LABELS,
    ), status


def _outcome(contract_id: int, key: str, form, work: Work, success: str):
    if work.failed:
        return _page(contract_id, {key: form}, {key: work.messages}, work.status)
    flash(success, "success")
    return redirect(url_for("contract_payments.page", contract_id=contract_id))


@bp.get("/contracts/<int:contract_id>/payments")
@login_required
def page(contract_id: int):
    return _page(contract_id)


@bp.post("/contracts/<int:contract_id>/payments/record")
@login_required
def record(contract_id: int):
    form = RecordForm(prefix="rec")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        recorded.record(
            db(),
            viewer(),
            contract_id,
            means=form.means.data,
            reference=form.reference.data,
            paid_on=(form.paid_on.data or "").strip(),
            policy=policy_section(SECTION.name),
            config=current_app.config,
        )
    return _outcome(
        contract_id,
        "record",
        form,
        work,
        gettext("The payment is recorded: the agency confirms its receipt."),
    )


@bp.post("/contracts/<int:contract_id>/payments/correct")
@login_required
def correct(contract_id: int):
    form = CorrectionForm(prefix="cor")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        recorded.correct(
            db(),
            viewer(),
            contract_id,
            means=form.means.data,
            reference=form.reference.data,
            paid_on=(form.paid_on.data or "").strip(),
            policy=policy_section(SECTION.name),
        )
    return _outcome(
        contract_id,
        "correct",
        form,
        work,
        gettext("The payment record is corrected: the agency confirms its receipt."),
    )


@bp.post("/contracts/<int:contract_id>/payments/confirm")
@login_required
def confirm(contract_id: int):
    form = ConfirmForm(prefix="cf")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        recorded.confirm(db(), viewer(), contract_id)
    return _outcome(contract_id, "confirm", form, work, gettext("The receipt is confirmed."))


@bp.post("/contracts/<int:contract_id>/payments/not-received")
@login_required
def not_received(contract_id: int):
    form = NotReceivedForm(prefix="nr")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        recorded.not_received(db(), viewer(), contract_id, form.reason.data)
    return _outcome(
        contract_id,
        "not_received",
        form,
        work,
        gettext("The applicant is told that the payment has not arrived."),
    )


@bp.get("/payments")
@login_required
def money():
    org = viewer_org()
    if org is None or org.kind != OrgKind.agency:
        abort(403)
    return render_template("bidding/payments/money.html", m=recorded_money.agency_money(db(), org))


# --- the settlement file -----------------------------------------------------------------------


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def yuan_plain(fen: int) -> str:
    """Fen as yuan with two decimals and no thousands separator: 123450 → "1234.50"."""
    yuan, rest = divmod(fen, 100)
    return f"{yuan}.{rest:02d}"


def settlement_rows(rows: list[dict]) -> list[list[str]]:
    return [
        [
            str(r["agency_id"]),
            _cell(r["agency_name"]),
            _cell(r["uscc"]),
            str(r["amount_fen"]),
            yuan_plain(r["amount_fen"]),
            " ".join(r["references"]),
        ]
        for r in rows
    ]


def audit_settlement(rows: list[dict], form: str) -> None:
    """Record who took the settlement file and what it held (in the caller's unit of work)."""
    user = viewer()
    audit.record(
        db(),
        "payment.settlement_downloaded",
        "settlement",
        form,
        {
            "agencies": len(rows),
            "total_fen": sum(r["amount_fen"] for r in rows),
            "rows": [[r["agency_id"], r["amount_fen"]] for r in rows],
        },
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
    )


@settlement_bp.get("/operator/settlement.csv")
@operator_required
def settlement_csv():
    with unit_of_work():
        rows = recorded_money.settlement(db())
        audit_settlement(rows, "csv")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SETTLEMENT_COLUMNS)
    writer.writerows(settlement_rows(rows))
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=settlement.csv"},
    )
