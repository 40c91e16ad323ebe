"""The bids section of the task page, added through market's task-page hook."""

from __future__ import annotations

from datetime import datetime

from flask import g, render_template
from flask_babel import gettext
from markupsafe import Markup

from bidding import panel, sealed, serializers, visibility
from bidding.contracts import delivery_views
from bidding.forms import BidForm, ExplanationForm, ValidityForm, WithdrawForm
from bidding.invitations import views as invitation_views
from bidding.labels import GROUND_LABELS, NUMBER_LABELS, STATE_LABELS
from bidding.questions import views as question_views
from market import attachments, clock, lifecycle
from market.models import Method, OrgKind, Task
from market.views import fen_to_yuan
from market.web import db, translate, viewer, viewer_org


def _forms_for(task: Task, mine: dict | None, bids: dict, actions: dict) -> dict:
    """Blank forms for what the reader may do (none for a visitor: a form would put a CSRF
    token in the visitor's session), replaced by a failed form from this request.

    The bid form holds the standing version, and lists the files the agency uploaded for the
    task that no version of its bid attached yet (with no standing bid: all its files), so that
    submitting the form attaches what was just uploaded: each file is a ticked checkbox."""
    forms: dict = {}
    if mine is not None:
        bid = mine["bid"]
        form = BidForm(formdata=None, prefix="bid")
        files = [f["sha256"] for f in mine["files"]]
        if bid is not None and bid["withdrawn_at"] is None:
            form.price.data = fen_to_yuan(bid["price_fen"]).replace(",", "")
            form.duration_days.data = str(bid["duration_days"])
            form.proposal_text.data = bid["proposal_text"]
            ever = {h for r in mine["receipts"] for h in r["content"]["attachments"]}
            files = list(bid.get("attachments") or []) + [h for h in files if h not in ever]
        form.attachments.data = files
        forms["bid"] = form
        forms["withdraw"] = WithdrawForm(formdata=None, prefix="withdraw")
    for item in bids.get("items", []):
        key, may = item["receipt"][:16], actions[item["receipt"]]
        if may["explain"]:
            forms[f"explain-{key}"] = ExplanationForm(formdata=None, prefix=f"x{key}")
        if may["decide"]:
            forms[f"decide-{key}"] = ValidityForm(formdata=None, prefix=f"v{key}")
    forms.update(g.get("bidding_forms", {}))
    if "withdraw" in forms and task.method == Method.random:  # a sign-up, not a sealed price
        forms["withdraw"].confirm.label.text = gettext(
            "Yes, withdraw my sign-up: it will not count unless I sign up again before the "
            "deadline."
        )
    return forms


def task_panel(task: Task) -> Markup:
    """The bids section of the task page (a `market.views.task_panels` hook)."""
    if task.published_at is None:
        return Markup("")
    user, org = viewer(), viewer_org()
    reader = visibility.reader_of(db(), user, task)
    bids = serializers.task_bids(db(), task, reader, translate)
    flags = serializers.relation_flags(db(), task, reader, translate)
    mine = None
    if org is not None and org.kind == OrgKind.agency:
        own = sealed.own_bid_on(db(), user, task)
        versions = sealed.versions_of(db(), own)
        mine = serializers.own_bid(
            db(), task, org, own, versions, sealed.platform_public_key_pem(), translate
        )
        mine["files"] = [attachments.describe(a) for a in attachments.bid_files(db(), task, org.id)]
    on_panel = visibility.is_panellist(db(), reader, task)
    result = serializers.result(db(), task)
    own_applicant = visibility.is_applicant(reader)
    stage = _stage(task, bids, result)
    actions = _actions(task, bids, own_applicant)
    return Markup(
        render_template(
            "bidding/_task_panel.html",
            task=task,
            bids=bids,
            flags=flags,
            mine=mine,
            result=result,
            own_applicant=own_applicant,
            on_panel=on_panel,
            stage=stage,
            forms=_forms_for(task, mine, bids, actions),
            errors=g.get("bidding_errors", {}),
            number_labels=NUMBER_LABELS,
            ground_labels=GROUND_LABELS,
            state_labels=STATE_LABELS,
            actions=actions,
            qa=question_views.context(task),
            inv=invitation_views.context(task),
            delivery_url=delivery_views.delivery_link(task),
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
