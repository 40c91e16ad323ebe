"""The delivery section of a contract (`bidding/contracts/_delivery.html`), on a page of its own
until the contract page includes it, and the forms it posts to. Who may see it is
`bidding.visibility.sees_delivery`'s to say (anyone else gets 404); what they see is
`delivery_serializers`'; the rules are `bidding.contracts.delivery`'s. A refused form shows the
page again with what was typed and the messages next to their fields."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required

from bidding import visibility
from bidding.contracts import delivery, delivery_serializers
from bidding.contracts.delivery_forms import (
    AcceptanceForm,
    DeliveryForm,
    PaymentForm,
    RevisionForm,
)
from bidding.models import Deliverable
from bidding.policy import SECTION
from market import clock
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
    uploaded_files,
    viewer,
)

bp = Blueprint("bidding_delivery", __name__)


def context(contract_id: int, failed: dict | None = None, errors: dict | None = None) -> dict:
    """What `_delivery.html` shows the reader (404 for anyone who may not see it): the state,
    blank forms (or the failed one as typed) and the reasons an action is not open now."""
    try:
        contract, task, reader = delivery.readable(db(), viewer(), contract_id)
    except NotFound:
        abort(404)
    now = clock.now()
    policy = policy_section(SECTION.name)
    state = delivery_serializers.state(db(), contract, task, reader, now, policy)
    forms = {
        "deliver": DeliveryForm(formdata=None, prefix="dl"),
        "accept": AcceptanceForm(formdata=None, prefix="ac"),
        "revision": RevisionForm(formdata=None, prefix="rv"),
        "payment": PaymentForm(formdata=None, prefix="pay"),
    }
    forms.update(failed or {})
    forms["accept"].report.flags.needed = state["report_required"]
    notes = []
    if visibility.is_contract_agency(reader, contract):
        refusal = delivery.delivery_refusal(task, contract, now)
        if refusal is not None and state["accepted_at"] is None:
            notes.append(gettext(refusal))
    waiting = next((d for d in state["deliverables"] if d["id"] == state["pending_id"]), None)
    if visibility.is_contract_applicant(reader, contract) and waiting is not None:
        pending = db().get(Deliverable, waiting["id"])
        refusal = delivery.decision_refusal(task, contract, pending, now)
        if refusal is not None:
            notes.append(translate(refusal))
        elif state["can_accept"] and not state["can_request_revision"]:
            notes.append(translate(delivery.revision_refusal(contract, policy)))
    return {
        "dl": state,
        "forms": forms,
        "errors": errors or {},
        "notes": notes,
        "waiting": waiting,
        "is_applicant": visibility.is_contract_applicant(reader, contract),
    }


def _page(contract_id: int, failed: dict | None = None, errors: dict | None = None, status=200):
    ctx = context(contract_id, failed, errors)
    return render_template("bidding/contracts/delivery.html", **ctx), status


def _outcome(contract_id: int, key: str, form, work: Work, success: str):
    if work.failed:
        return _page(contract_id, {key: form}, {key: work.messages}, work.status)
    flash(success, "success")
    return redirect(url_for("bidding_delivery.page", contract_id=contract_id) + "#delivery")


def _contract_of(deliverable_id: int) -> int:
    row = db().get(Deliverable, deliverable_id)
    if row is None:
        abort(404)
    return row.contract_id


@bp.get("/contracts/<int:contract_id>/delivery")
@login_required
def page(contract_id: int):
    return _page(contract_id)


@bp.post("/contracts/<int:contract_id>/deliverables")
@login_required
def deliver(contract_id: int):
    form = DeliveryForm(prefix="dl")
    if not form.validate_on_submit():
        abort(400)
    files = uploaded_files()
    with unit_of_work(form) as work:
        delivery.deliver(
            db(),
            viewer(),
            contract_id,
            form.note.data,
            files,
            upload_dir(),
            attachment_policy(),
            policy_section(SECTION.name),
        )
    return _outcome(
        contract_id,
        "deliver",
        form,
        work,
        gettext("The work is delivered: the applicant accepts it or asks for a revision."),
    )


@bp.post("/deliverables/<int:deliverable_id>/accept")
@login_required
def accept(deliverable_id: int):
    contract_id = _contract_of(deliverable_id)
    form = AcceptanceForm(prefix="ac")
    if not form.validate_on_submit():
        abort(400)
    name, data = uploaded_file()
    with unit_of_work(form) as work:
        delivery.accept(
            db(),
            viewer(),
            deliverable_id,
            form.report.data,
            policy_section(SECTION.name),
            report_file=(name, data) if name else None,
            upload_dir=upload_dir(),
            attachment_policy=attachment_policy(),
        )
    return _outcome(contract_id, "accept", form, work, gettext("The delivery is accepted."))


@bp.post("/deliverables/<int:deliverable_id>/revision")
@login_required
def request_revision(deliverable_id: int):
    contract_id = _contract_of(deliverable_id)
    form = RevisionForm(prefix="rv")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        delivery.request_revision(
            db(), viewer(), deliverable_id, form.reason.data, policy_section(SECTION.name)
        )
    return _outcome(
        contract_id,
        "revision",
        form,
        work,
        gettext("The revision is asked for: the agency delivers again."),
    )


@bp.post("/contracts/<int:contract_id>/payment")
@login_required
def record_payment(contract_id: int):
    form = PaymentForm(prefix="pay")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        delivery.record_payment(
            db(),
            viewer(),
            contract_id,
            (form.paid_on.data or "").strip(),
            form.reference.data,
            policy_section(SECTION.name),
        )
    return _outcome(contract_id, "payment", form, work, gettext("The payment is recorded."))


@bp.get("/contracts/<int:contract_id>/delivery/files/<sha256>")
@login_required
def download_file(contract_id: int, sha256: str):
    try:
        contract, task, reader = delivery.readable(db(), viewer(), contract_id)
        row = visibility.readable_delivery_file(db(), reader, task, contract, sha256)
        path = delivery.stored_path(row, upload_dir())
    except NotFound:
        abort(404)
    return send_attachment(row, path)


def delivery_link(task) -> str | None:
    """The delivery page of `task`'s contract when the reader may see it (for the task page)."""
    if task.awarded_at is None:
        return None
    contract = delivery.contract_of(db(), task)
    if contract is None:
        return None
    reader = visibility.reader_of(db(), viewer(), task)
    if not visibility.sees_delivery(reader, contract):
        return None
    return url_for("bidding_delivery.page", contract_id=contract.id)
