"""The contract's pages: the contract (both parties and the regulators covering the task) with its
forms, its generated document as a printable page, the uploaded document's download, and a
party's own contracts. The rules are `bidding.contracts.services`'; what a reader sees,
`bidding.contracts.serializers`'.

Forms post to their own URLs; on an error the contract page is rendered again with the typed
values and the messages next to their fields, answered with the failure's status."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup

from bidding import visibility
from bidding.contracts import document, serializers
from bidding.contracts import services as contracts
from bidding.contracts.forms import (
    ConfirmTerminationForm,
    ProposeTerminationForm,
    RegulatorTerminationForm,
    SignForm,
    UseGeneratedForm,
    WithdrawTerminationForm,
)
from bidding.payments import escrow
from bidding.policy import SECTION
from market import clock
from market.forms import amounts_in_fen
from market.models import OrgKind, Task
from market.validation import NotFound
from market.web import (
    Work,
    attachment_policy,
    db,
    policy_section,
    send_attachment,
    translate,
    unit_of_work,
    upload_dir,
    uploaded_file,
    viewer,
    viewer_org,
)

bp = Blueprint("bidding_contracts", __name__)

#: The kinds of organization that are parties to contracts.
PARTIES = (OrgKind.agency, OrgKind.enterprise, OrgKind.department)

FORMS = {
    "sign": SignForm,
    "generated": UseGeneratedForm,
    "propose": ProposeTerminationForm,
    "confirm": ConfirmTerminationForm,
    "withdraw": WithdrawTerminationForm,
    "terminate": RegulatorTerminationForm,
}


def _policy():
    return policy_section(SECTION.name)


def _page(contract_id: int, failed: dict | None = None, status: int = 200):
    """The contract page; `failed` = {"key": form, "errors": messages} keeps a refused form."""
    row, task = contracts.load(db(), viewer(), contract_id)
    reader = visibility.reader_of(db(), viewer(), task)
    data = serializers.contract(
        db(), row, task, reader, clock.now(), _policy(), viewer(), translate
    )
    forms = {key: cls(formdata=None, prefix=key) for key, cls in FORMS.items()}
    errors = {}
    if failed:
        if failed["form"] is not None:
            forms[failed["key"]] = failed["form"]
        errors[failed["key"]] = failed["errors"]
    # The document shown now is the one a confirmation confirms.
    forms["sign"].document_sha256.data = data["document"]["sha256"]
    return render_template(
        "bidding/contracts/contract.html",
        c=data,
        task=task,
        forms=forms,
        errors=errors,
        sections=[
            hook(row, task) for hook in current_app.extensions.get("bidding.contract_sections", [])
        ],
        # A contract paid by card into escrow: its termination names the refund to the payer.
        card=escrow.by_card(task, row, escrow.Settings.from_config(current_app.config)),
    ), status


def task_panel(task: Task) -> Markup:
    """The contracts section of the task page (a `market.views.task_panels` hook): a link for
    the parties and regulators, and to everyone the signed contract's date, price and parties."""
    if task.publicity_at is None:  # no award was ever final before publicity
        return Markup("")
    reader = visibility.reader_of(db(), viewer(), task)
    section = serializers.task_contracts(db(), task, reader, clock.now())
    if not section["own"] and not section["signed"]:
        return Markup("")
    return Markup(
        render_template("bidding/contracts/_task_contracts.html", task=task, section=section)
    )


@bp.get("/contracts/<int:contract_id>")
def contract_page(contract_id: int):
    return _page(contract_id)


def _outcome(contract_id: int, key: str, form, work: Work, success: str, anchor: str):
    if work.failed:
        return _page(contract_id, {"key": key, "form": form, "errors": work.messages}, work.status)
    flash(success, "success")
    return redirect(url_for("bidding_contracts.contract_page", contract_id=contract_id) + anchor)


def _checked(contract_id: int, key: str):
    """The posted form `key`, after checking the reader may read the contract at all (404) and
    the form's CSRF token (400)."""
    contracts.load(db(), viewer(), contract_id)
    form = FORMS[key](prefix=key)
    if not form.validate_on_submit():
        abort(400)
    return form


@bp.post("/contracts/<int:contract_id>/sign")
@login_required
def sign(contract_id: int):
    form = _checked(contract_id, "sign")
    with unit_of_work(form, renames={"document_sha256": "shown_document"}) as work:
        row = contracts.sign(
            db(), viewer(), contract_id, _policy(), form.document_sha256.data or None
        )
    if not work.failed and row.signed_at is not None:
        success = gettext("The contract is signed by both sides.")
    else:
        success = gettext("Your side confirmed the contract; it is signed once the other does.")
    return _outcome(contract_id, "sign", form, work, success, "#signing")


@bp.post("/contracts/<int:contract_id>/document")
@login_required
def upload_document(contract_id: int):
    contracts.load(db(), viewer(), contract_id)
    filename, data = uploaded_file()
    with unit_of_work(keep_errors=True) as work:
        contracts.upload_document(
            db(),
            viewer(),
            contract_id,
            filename,
            data,
            upload_dir(),
            _policy(),
            attachment_policy(),
        )
    if work.failed:
        failed = {"key": "upload", "form": None, "errors": work.messages}
        return _page(contract_id, failed, work.status)
    flash(gettext("The contract document is uploaded."), "success")
    return redirect(
        url_for("bidding_contracts.contract_page", contract_id=contract_id) + "#document"
    )


@bp.post("/contracts/<int:contract_id>/document/generated")
@login_required
def use_generated(contract_id: int):
    form = _checked(contract_id, "generated")
    with unit_of_work(form) as work:
        contracts.use_generated_document(db(), viewer(), contract_id, _policy())
    success = gettext("The contract uses the generated document again.")
    return _outcome(contract_id, "generated", form, work, success, "#document")


@bp.get("/contracts/<int:contract_id>/document")
def document_page(contract_id: int):
    row, task = contracts.load(db(), viewer(), contract_id)
    generated = document.generate(db(), row, _policy())
    return render_template(
        "bidding/contracts/document.html", contract=row, task=task, generated=generated
    )


@bp.get("/contracts/<int:contract_id>/document/file")
def document_file(contract_id: int):
    try:
        row, path = contracts.document_file(db(), viewer(), contract_id, upload_dir())
    except NotFound:
        abort(404)
    return send_attachment(row, path)


@bp.post("/contracts/<int:contract_id>/termination")
@login_required
def propose_termination(contract_id: int):
    form = _checked(contract_id, "propose")
    with unit_of_work(form) as work:
        refund = amounts_in_fen({"refund": form.refund.data})["refund"]
        contracts.propose_termination(db(), viewer(), contract_id, form.reason.data, refund)
    success = gettext("Your proposal to end the contract awaits the other side's agreement.")
    return _outcome(contract_id, "propose", form, work, success, "#termination")


@bp.post("/contracts/<int:contract_id>/termination/confirm")
@login_required
def confirm_termination(contract_id: int):
    form = _checked(contract_id, "confirm")
    with unit_of_work(form) as work:
        contracts.confirm_termination(db(), viewer(), contract_id)
    success = gettext("The contract is terminated by agreement.")
    return _outcome(contract_id, "confirm", form, work, success, "#termination")


@bp.post("/contracts/<int:contract_id>/termination/withdraw")
@login_required
def withdraw_termination(contract_id: int):
    form = _checked(contract_id, "withdraw")
    with unit_of_work(form) as work:
        contracts.withdraw_termination(db(), viewer(), contract_id)
    success = gettext("Your proposal to end the contract is withdrawn.")
    return _outcome(contract_id, "withdraw", form, work, success, "#termination")


@bp.post("/contracts/<int:contract_id>/termination/regulator")
@login_required
def terminate(contract_id: int):
    form = _checked(contract_id, "terminate")
    with unit_of_work(form) as work:
        refund = amounts_in_fen({"refund": form.refund.data})["refund"]
        contracts.terminate_by_regulator(
            db(), viewer(), contract_id, form.reason.data, form.fault_party.data, refund
        )
    success = gettext("The contract is terminated.")
    return _outcome(contract_id, "terminate", form, work, success, "#termination")


@bp.get("/contracts")
@login_required
def my_contracts():
    org = viewer_org()
    if org is None or org.kind not in PARTIES:
        abort(403)
    rows = serializers.own_contracts(db(), org, clock.now())
    return render_template("bidding/contracts/my_contracts.html", rows=rows)
