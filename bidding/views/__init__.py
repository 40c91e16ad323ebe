"""Bidding's pages: the bids section of the task page (through market's task-page hook), the draw
record, the result, an agency's bids and an expert's panels. What a reader sees is decided by
`bidding.serializers`.

Forms post to their own URLs; on an error the task page is rendered again with the typed values
and the messages next to their fields (the failed form travels in `g.bidding_forms`).
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup
from sqlmodel import select

from bidding import attachments as bid_attachments
from bidding import marking, panel, sealed, serializers, validity, visibility
from bidding.draws import records
from bidding.forms import (
    BidForm,
    DeclarationForm,
    ExplanationForm,
    MarkForm,
    RecusalForm,
    ValidityForm,
    WithdrawForm,
)
from bidding.labels import GROUND_LABELS, NUMBER_LABELS, STATE_LABELS, fraction_text
from bidding.models import Bid
from bidding.policy import SECTION
from bidding.questions import views as question_views
from market import attachments, clock, lifecycle, task_queries
from market.forms import attach_errors
from market.models import OrgKind, Task
from market.validation import N_, Forbidden, Invalid, Message, NotFound
from market.views import fen_to_yuan
from market.web import (
    attachment_policy,
    db,
    policy_registry,
    policy_section,
    send_attachment,
    translate,
    upload_dir,
    uploaded_file,
    viewer,
    viewer_org,
)

bp = Blueprint("bidding", __name__)


def _forms_for(task: Task, mine: dict | None, bids: dict) -> dict:
    """Blank forms for what the reader may do, replaced by a failed form from this request."""
    forms: dict = {}
    if mine is not None:
        bid = mine["bid"]
        form = BidForm(formdata=None, prefix="bid")
        if bid is not None and bid["withdrawn_at"] is None:
            form.price.data = fen_to_yuan(bid["price_fen"]).replace(",", "")
            form.duration_days.data = str(bid["duration_days"])
            form.proposal_text.data = bid["proposal_text"]
            form.attachments.data = "\n".join(bid.get("attachments") or [])
        forms["bid"] = form
        forms["withdraw"] = WithdrawForm(formdata=None, prefix="withdraw")
    for item in bids.get("items", []):
        key = item["receipt"][:16]
        forms[f"explain-{key}"] = ExplanationForm(formdata=None, prefix=f"x{key}")
        forms[f"decide-{key}"] = ValidityForm(formdata=None, prefix=f"v{key}")
    forms.update(g.get("bidding_forms", {}))
    return forms


def task_panel(task: Task) -> Markup:
    """The bids section of the task page (a `market.views.task_panels` hook)."""
    if task.published_at is None:
        return Markup("")
    user, org = viewer(), viewer_org()
    reader = visibility.reader_of(db(), user, task)
    bids = serializers.task_bids(db(), task, reader, translate)
    mine = None
    if org is not None and org.kind == OrgKind.agency:
        own = sealed.own_bid(db(), user, task.number)
        versions = sealed.own_versions(db(), user, task.number)
        mine = serializers.own_bid(
            db(), task, org, own, versions, sealed.platform_public_key_pem(), translate
        )
        mine["files"] = [attachments.describe(a) for a in attachments.bid_files(db(), task, org.id)]
    on_panel = visibility.is_panellist(db(), reader, task)
    result = serializers.result(db(), task)
    own_applicant = visibility.is_applicant(reader)
    stage = _stage(task, bids, result)
    return Markup(
        render_template(
            "bidding/_task_panel.html",
            task=task,
            bids=bids,
            mine=mine,
            result=result,
            own_applicant=own_applicant,
            on_panel=on_panel,
            stage=stage,
            forms=_forms_for(task, mine, bids),
            errors=g.get("bidding_errors", {}),
            number_labels=NUMBER_LABELS,
            ground_labels=GROUND_LABELS,
            state_labels=STATE_LABELS,
            actions=_actions(task, bids, own_applicant),
            qa=question_views.context(task),
        )
    )


def _actions(task: Task, bids: dict, own_applicant: bool) -> dict[str, dict[str, bool]]:
    """Per receipt: may the reader explain it (its bidder, before the due time) or decide it
    (the applicant, once explained or overdue)? The services check again on submission."""
    now = clock.now()
    out = {}
    for b in bids.get("items", []):
        e = b["explanation"]
        pending = (
            e is not None
            and e["decision"] is None
            and visibility.opened(task)
            and lifecycle.status(task) == lifecycle.OPENED
        )
        due = datetime.fromisoformat(e["due_at"]) if e else None
        out[b["receipt"]] = {
            "explain": pending and b["own"] and not e["explained"] and now < due,
            "decide": pending and own_applicant and (e["explained"] or now >= due),
        }
    return out


def _stage(task: Task, bids: dict, result: dict) -> str:
    """Where an opened task stands, for the reader: sealed, validity, panel, result, failed."""
    if bids["sealed"]:
        return "sealed"
    if task.failed_at is not None:
        return "failed"
    if result["published"]:
        return "result"
    if bids.get("validity_final_at") is None:
        return "validity"
    if panel.needs_panel(task):
        return "panel"
    return "other"


def _task_page(number: str, status: int):
    """The market task page again, showing the failed form kept in `g.bidding_forms`."""
    from market.views.tasks import task_detail

    return task_detail(number), status


def _failed(number: str, key: str, form, exc: Exception, renames: dict | None = None):
    db().rollback()
    if isinstance(exc, Invalid):
        leftover = attach_errors(form, exc, translate, renames or {})
        status = 422
    else:
        leftover = [translate(exc.message)]
        status = 403
    g.bidding_forms = {**g.get("bidding_forms", {}), key: form}
    g.bidding_errors = {**g.get("bidding_errors", {}), key: leftover}
    return _task_page(number, status)


def _task_url(number: str, anchor: str = "bids") -> str:
    return url_for("tasks.task_detail", number=number) + "#" + anchor


def _visible(number: str) -> Task:
    try:
        task = task_queries.load(db(), viewer(), number)
    except NotFound:
        abort(404)
    if task_queries.open_if_due(db(), [task], policy_registry()):
        db().commit()
    return task


# --- bidders -------------------------------------------------------------------------------------

BID_RENAMES = {"price_fen": "price"}


@bp.post("/tasks/<number>/bid")
@login_required
def submit(number: str):
    _visible(number)
    form = BidForm(prefix="bid")
    if not form.validate_on_submit():
        abort(400)
    try:
        ack = sealed.submit_bid(db(), viewer(), number, **form.to_data())
    except (Invalid, Forbidden) as exc:
        return _failed(number, "bid", form, exc, BID_RENAMES)
    db().commit()
    flash(
        gettext("Your sealed bid is received. Receipt: %(receipt)s", receipt=ack.receipt), "success"
    )
    return redirect(_task_url(number, "my-bid"))


@bp.post("/tasks/<number>/bid/change")
@login_required
def change(number: str):
    _visible(number)
    form = BidForm(prefix="bid")
    if not form.validate_on_submit():
        abort(400)
    try:
        ack = sealed.change_bid(db(), viewer(), number, **form.to_data())
    except (Invalid, Forbidden) as exc:
        return _failed(number, "bid", form, exc, BID_RENAMES)
    db().commit()
    flash(
        gettext(
            "Your bid is changed (version %(v)d). New receipt: %(receipt)s",
            v=ack.version,
            receipt=ack.receipt,
        ),
        "success",
    )
    return redirect(_task_url(number, "my-bid"))


@bp.post("/tasks/<number>/bid/attachments")
@login_required
def upload_attachment(number: str):
    _visible(number)
    filename, data = uploaded_file()
    try:
        row = bid_attachments.upload(
            db(), viewer(), number, filename, data, upload_dir(), attachment_policy()
        )
    except Invalid as exc:
        db().rollback()
        for messages in exc.errors.values():
            for m in messages:
                flash(translate(m), "error")
        return redirect(_task_url(number, "my-bid"))
    except Forbidden as exc:
        db().rollback()
        flash(translate(exc.message), "error")
        return redirect(_task_url(number, "my-bid"))
    digest = row.sha256
    db().commit()
    flash(
        gettext("The file is uploaded. Add its SHA-256 to your bid: %(sha256)s", sha256=digest),
        "success",
    )
    return redirect(_task_url(number, "my-bid"))


@bp.get("/tasks/<number>/bid-attachments/<sha256>")
def download_attachment(number: str, sha256: str):
    task = _visible(number)
    db().refresh(task)
    try:
        row, path = bid_attachments.readable(db(), viewer(), task, sha256, upload_dir())
    except NotFound:
        abort(404)
    return send_attachment(row, path)


@bp.post("/tasks/<number>/bid/withdraw")
@login_required
def withdraw(number: str):
    _visible(number)
    form = WithdrawForm(prefix="withdraw")
    if not form.validate_on_submit():
        abort(400)
    try:
        receipt = sealed.withdraw_bid(db(), viewer(), number)
    except Forbidden as exc:
        return _failed(number, "withdraw", form, exc)
    db().commit()
    flash(gettext("Your bid %(receipt)s is withdrawn.", receipt=receipt), "success")
    return redirect(_task_url(number, "my-bid"))


def _opened_bid(receipt: str) -> tuple[Bid, Task]:
    try:
        return visibility.opened_bid(db(), receipt, _visible)
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
    try:
        validity.submit_explanation(db(), viewer(), bid.id, form.explanation.data)
    except (Invalid, Forbidden) as exc:
        return _failed(task.number, f"explain-{key}", form, exc)
    db().commit()
    flash(gettext("Your explanation is sent to the applicant."), "success")
    return redirect(_task_url(task.number))


@bp.post("/bids/<receipt>/decide")
@login_required
def decide(receipt: str):
    bid, task = _opened_bid(receipt)
    key = receipt[:16]
    form = ValidityForm(prefix=f"v{key}")
    if not form.validate_on_submit():
        abort(400)
    if form.decision.data not in ("accept", "reject"):
        exc = Invalid({"decision": [Message(N_("Choose a decision."))]})
        return _failed(task.number, f"decide-{key}", form, exc)
    try:
        validity.decide_explanation(
            db(),
            viewer(),
            bid.id,
            accept=form.decision.data == "accept",
            reason=form.reason.data,
            policy=policy_section(SECTION.name),
        )
    except (Invalid, Forbidden) as exc:
        return _failed(task.number, f"decide-{key}", form, exc)
    db().commit()
    flash(gettext("The decision is published."), "success")
    return redirect(_task_url(task.number))


@bp.get("/my/bids")
@login_required
def my_bids():
    org = viewer_org()
    if org.kind != OrgKind.agency:
        abort(403)
    tasks = [task for _bid, task in visibility.own_bids(db(), org)]
    if task_queries.open_if_due(db(), list(tasks), policy_registry()):
        db().commit()
    return render_template(
        "bidding/my_bids.html",
        rows=serializers.my_bids(db(), org, translate),
        state_labels=STATE_LABELS,
    )


# --- results -------------------------------------------------------------------------------------


@bp.get("/tasks/<number>/draw")
def draw_record(number: str):
    task = _visible(number)
    return render_template("bidding/draw.html", task=task, record=records.draw_record(db(), task))


@bp.get("/tasks/<number>/award")
def award(number: str):
    task = _visible(number)
    return render_template(
        "bidding/award.html",
        task=task,
        result=serializers.result(db(), task),
        number_labels=NUMBER_LABELS,
    )


# --- experts -------------------------------------------------------------------------------------


def _expert_or_403():
    org = viewer_org()
    if org.kind != OrgKind.expert:
        abort(403)
    return org


@bp.get("/expert/panels")
@login_required
def expert_panels():
    org = _expert_or_403()
    return _panels_page(org, {}, {}, 200)


def _panels_page(org, failed_forms: dict, errors: dict, status: int):
    panels = serializers.expert_panels(db(), org)
    forms = {}
    for p in panels:
        forms[f"declare-{p['task']}"] = DeclarationForm(formdata=None, prefix=f"d{p['task']}")
        forms[f"recuse-{p['task']}"] = RecusalForm(formdata=None, prefix=f"r{p['task']}")
        for b in p["bids"]:
            form = MarkForm(formdata=None, prefix=f"m{b['receipt'][:16]}")
            form.bid.data = b["receipt"]
            forms[f"mark-{b['receipt'][:16]}"] = form
    forms.update(failed_forms)
    return render_template(
        "bidding/expert_panels.html", panels=panels, forms=forms, errors=errors
    ), status


def _panel_action(number: str, key: str, form, action, success: str):
    org = _expert_or_403()
    _visible(number)
    if not form.validate_on_submit():
        abort(400)
    try:
        action()
    except (Invalid, Forbidden) as exc:
        db().rollback()
        if isinstance(exc, Invalid):
            leftover = attach_errors(form, exc, translate, {})
            status = 422
        else:
            leftover, status = [translate(exc.message)], 403
        return _panels_page(org, {key: form}, {key: leftover}, status)
    db().commit()
    flash(success, "success")
    return redirect(url_for("bidding.expert_panels") + f"#panel-{number}")


@bp.post("/expert/panels/<number>/declare")
@login_required
def panel_declare(number: str):
    form = DeclarationForm(prefix=f"d{number}")
    return _panel_action(
        number,
        f"declare-{number}",
        form,
        lambda: marking.declare_no_conflict(db(), viewer(), number, form.statement.data),
        gettext("Your declaration is recorded. You may now mark the bids."),
    )


@bp.post("/expert/panels/<number>/recuse")
@login_required
def panel_recuse(number: str):
    form = RecusalForm(prefix=f"r{number}")
    return _panel_action(
        number,
        f"recuse-{number}",
        form,
        lambda: marking.recuse(
            db(), viewer(), number, form.statement.data, policy=policy_section(SECTION.name)
        ),
        gettext("You have recused yourself; the next expert of the drawn order is called."),
    )


@bp.post("/expert/panels/<number>/mark/<receipt>")
@login_required
def panel_mark(number: str, receipt: str):
    form = MarkForm(prefix=f"m{receipt[:16]}")

    def act():
        task = db().exec(select(Task).where(Task.number == number)).one()
        bid = db().exec(select(Bid).where(Bid.task_id == task.id, Bid.receipt == receipt)).first()
        marking.submit_mark(
            db(),
            viewer(),
            number,
            bid.id if bid else -1,
            form.mark.data,
            form.comment.data,
            policy=policy_section(SECTION.name),
        )

    return _panel_action(
        number, f"mark-{receipt[:16]}", form, act, gettext("Your mark is recorded.")
    )


# --- navigation ----------------------------------------------------------------------------------


def nav_links(org) -> list[tuple[str, str]]:
    """Links bidding adds to the header (a `market.views.nav_links` hook)."""
    if org is None:
        return []
    if org.kind == OrgKind.agency:
        return [(url_for("bidding.my_bids"), gettext("My bids"))]
    if org.kind == OrgKind.expert:
        return [(url_for("bidding.expert_panels"), gettext("My panels"))]
    return []


def init_views(app) -> None:
    """Register the pages, and bidding's section of the task page and header links through the
    hooks market reads (`market.views.task_panels`, `market.views.nav_links`)."""
    app.register_blueprint(bp)
    app.register_blueprint(question_views.bp)
    app.jinja_env.filters["fraction"] = fraction_text
    app.extensions.setdefault("market.task_panels", []).append(task_panel)
    app.extensions.setdefault("market.nav_links", []).append(nav_links)
