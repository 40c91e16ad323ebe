"""An expert's panels: declaring no conflict or recusing, and marking the proposals."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required
from sqlmodel import select

from bidding import marking, serializers
from bidding.forms import DeclarationForm, MarkForm, RecusalForm
from bidding.models import Bid
from bidding.views.common import _visible, bp
from market.forms import attach_errors
from market.models import OrgKind, Task
from market.validation import Forbidden, Invalid
from market.web import db, translate, viewer, viewer_org


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
        lambda: marking.recuse(db(), viewer(), number, form.statement.data),
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
            db(), viewer(), number, bid.id if bid else -1, form.mark.data, form.comment.data
        )

    return _panel_action(
        number, f"mark-{receipt[:16]}", form, act, gettext("Your mark is recorded.")
    )
