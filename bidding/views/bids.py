"""Bidders' pages: submitting, changing and withdrawing a bid and its files; explaining an
abnormally low bid and the applicant's decision on it; an agency's bids."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template
from flask_babel import gettext, ngettext
from flask_login import login_required

from bidding import attachments as bid_attachments
from bidding import sealed, serializers, validity, visibility
from bidding.forms import BidForm, ExplanationForm, ValidityForm, WithdrawForm
from bidding.labels import BID_STAGE_LABELS, STATE_LABELS
from bidding.models import Bid
from bidding.policy import SECTION
from bidding.views.common import bp, task_page_with_failure, task_url
from market import task_queries
from market.models import Method, OrgKind, Task
from market.validation import N_, Invalid, Message, NotFound
from market.views import list_options
from market.web import (
    attachment_policy,
    db,
    flash_outcome,
    list_page,
    load_task,
    open_due,
    policy_section,
    send_attachment,
    translate,
    unit_of_work,
    upload_dir,
    uploaded_files,
    viewer,
    viewer_org,
)

BID_RENAMES = {"price_fen": "price"}


@bp.post("/tasks/<number>/bid")
@login_required
def submit(number: str):
    task = load_task(number)
    form = BidForm(prefix="bid")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form, renames=BID_RENAMES) as work:
        ack = sealed.submit_bid(db(), viewer(), number, **form.to_data())
    if work.failed:
        return task_page_with_failure(number, "bid", form, work)
    if task.method == Method.random:  # a sign-up at the fixed fee, no sealed price
        message = gettext(
            "Your sign-up for the random draw is received. Receipt: %(receipt)s",
            receipt=ack.receipt,
        )
    else:
        message = gettext("Your sealed bid is received. Receipt: %(receipt)s", receipt=ack.receipt)
    flash(message, "success")
    return redirect(task_url(number, "my-bid"))


@bp.post("/tasks/<number>/bid/change")
@login_required
def change(number: str):
    task = load_task(number)
    form = BidForm(prefix="bid")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form, renames=BID_RENAMES) as work:
        ack = sealed.change_bid(db(), viewer(), number, **form.to_data())
    if work.failed:
        return task_page_with_failure(number, "bid", form, work)
    changed = (
        N_("Your sign-up is changed (version %(v)d). New receipt: %(receipt)s")
        if task.method == Method.random
        else N_("Your bid is changed (version %(v)d). New receipt: %(receipt)s")
    )
    flash(translate(Message(changed, {"v": ack.version, "receipt": ack.receipt})), "success")
    return redirect(task_url(number, "my-bid"))


@bp.post("/tasks/<number>/bid/attachments")
@login_required
def upload_attachment(number: str):
    load_task(number)
    files = uploaded_files()
    with unit_of_work(keep_errors=True) as work:
        rows = bid_attachments.upload_many(
            db(), viewer(), number, files, upload_dir(), attachment_policy()
        )
    flash_outcome(work)
    if not work.failed:
        flash(
            ngettext(
                "The file is uploaded and ticked in your bid's form below: submitting the bid "
                "attaches it.",
                "%(num)d files are uploaded and ticked in your bid's form below: submitting "
                "the bid attaches them.",
                len(rows),
            ),
            "success",
        )
    return redirect(task_url(number, "my-bid"))


@bp.post("/tasks/<number>/bid/attachments/<sha256>/remove")
@login_required
def remove_attachment(number: str, sha256: str):
    load_task(number)
    with unit_of_work(keep_errors=True) as work:
        row = bid_attachments.remove(db(), viewer(), number, sha256)
    flash_outcome(work)
    if not work.failed:
        flash(gettext("The file %(name)s is removed.", name=row.filename), "success")
    return redirect(task_url(number, "my-bid"))


@bp.get("/tasks/<number>/bid-attachments/<sha256>")
def download_attachment(number: str, sha256: str):
    task = load_task(number)
    db().refresh(task)
    try:
        row, path = bid_attachments.readable(db(), viewer(), task, sha256, upload_dir())
    except NotFound:
        abort(404)
    return send_attachment(row, path)


@bp.post("/tasks/<number>/bid/withdraw")
@login_required
def withdraw(number: str):
    task = load_task(number)
    form = WithdrawForm(prefix="withdraw")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        if not form.confirm.data:
            raise Invalid(
                {"confirm": [Message(N_("Tick the box to confirm that you withdraw your bid."))]}
            )
        receipt = sealed.withdraw_bid(db(), viewer(), number)
    if work.failed:
        return task_page_with_failure(number, "withdraw", form, work)
    withdrawn = (
        N_("Your sign-up %(receipt)s is withdrawn.")
        if task.method == Method.random
        else N_("Your bid %(receipt)s is withdrawn.")
    )
    flash(translate(Message(withdrawn, {"receipt": receipt})), "success")
    return redirect(task_url(number, "my-bid"))


def _opened_bid(receipt: str) -> tuple[Bid, Task]:
    try:
        return visibility.opened_bid(db(), receipt, load_task)
    except NotFound:
        abort(404)  # before opening a bid is indistinguishable from no bid


@bp.post("/bids/<receipt>/explain")
@login_required
def explain(receipt: str):
    bid, task = _opened_bid(receipt)
    key = receipt[:16]
    form = ExplanationForm(prefix=f"x{key}")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        validity.submit_explanation(db(), viewer(), bid.id, form.explanation.data)
    if work.failed:
        return task_page_with_failure(task.number, f"explain-{key}", form, work)
    flash(gettext("Your explanation is sent to the applicant."), "success")
    return redirect(task_url(task.number))


@bp.post("/bids/<receipt>/decide")
@login_required
def decide(receipt: str):
    bid, task = _opened_bid(receipt)
    key = receipt[:16]
    form = ValidityForm(prefix=f"v{key}")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        if form.decision.data not in ("accept", "reject"):
            raise Invalid({"decision": [Message(N_("Choose a decision."))]})
        validity.decide_explanation(
            db(),
            viewer(),
            bid.id,
            accept=form.decision.data == "accept",
            reason=form.reason.data,
            policy=policy_section(SECTION.name),
        )
    if work.failed:
        return task_page_with_failure(task.number, f"decide-{key}", form, work)
    flash(gettext("The decision is published."), "success")
    return redirect(task_url(task.number))


def _grouped(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """The page's bids by where each stands, in `serializers.BID_STAGES` order, empty groups
    left out."""
    groups = [(s, [r for r in rows if r["bid_stage"] == s]) for s in serializers.BID_STAGES]
    return [(stage, items) for stage, items in groups if items]


@bp.get("/my/bids")
@login_required
def my_bids():
    org = viewer_org()
    if org.kind != OrgKind.agency:
        abort(403)
    asked = list_page(task_queries.PUBLIC_STATUSES)
    found = task_queries.Page([], 0, None)
    if asked.wanted is not None:
        query = task_queries.filtered(visibility.own_bids_query(org), asked.wanted)
        found = task_queries.paged(db(), query, offset=asked.offset, limit=asked.per_page)
        open_due([task for _bid, task in found.rows])
    return render_template(
        "bidding/my_bids.html",
        groups=_grouped(serializers.my_bids(db(), found.rows, translate)),
        stage_labels=BID_STAGE_LABELS,
        state_labels=STATE_LABELS,
        options=list_options(task_queries.PUBLIC_STATUSES),
        **asked.template_args(found.total),
    ), 422 if asked.errors else 200
