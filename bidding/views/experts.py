"""An expert's panels: declaring no conflict or recusing, and marking the proposals."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required
from sqlmodel import select

from bidding import marking, serializers
from bidding.forms import DeclarationForm, MarkForm, RecusalForm
from bidding.models import Bid
from bidding.policy import SECTION
from bidding.views.common import bp
from market.models import OrgKind, Task
from market.web import Work, db, load_task, policy_section, unit_of_work, viewer, viewer_org


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


def _checked_expert(number: str, form):
    """The expert's organization, once the task is visible to it and the form well-formed."""
    org = _expert_or_403()
    load_task(number)
    if not form.validate_on_submit():
        abort(400)
    return org


def _panel_outcome(org, number: str, key: str, form, work: Work, success: str):
    """The panels page again with the failed form, or a redirect to the panel on success."""
    if work.failed:
        return _panels_page(org, {key: form}, {key: work.messages}, work.status)
    flash(success, "success")
    return redirect(url_for("bidding.expert_panels") + f"#panel-{number}")


@bp.post("/expert/panels/<number>/declare")
@login_required
def panel_declare(number: str):
    form = DeclarationForm(prefix=f"d{number}")
    org = _checked_expert(number, form)
    with unit_of_work(form) as work:
        marking.declare_no_conflict(db(), viewer(), number, form.statement.data)
    return _panel_outcome(
        org,
        number,
        f"declare-{number}",
        form,
        work,
        gettext("Your declaration is recorded. You may now mark the bids."),
    )


@bp.post("/expert/panels/<number>/recuse")
@login_required
def panel_recuse(number: str):
    form = RecusalForm(prefix=f"r{number}")
    org = _checked_expert(number, form)
    with unit_of_work(form) as work:
        marking.recuse(
            db(), viewer(), number, form.statement.data, policy=policy_section(SECTION.name)
        )
    return _panel_outcome(
        org,
        number,
        f"recuse-{number}",
        form,
        work,
        gettext("You have recused yourself; the next expert of the drawn order is called."),
    )


@bp.post("/expert/panels/<number>/mark/<receipt>")
@login_required
def panel_mark(number: str, receipt: str):
    form = MarkForm(prefix=f"m{receipt[:16]}")
    org = _checked_expert(number, form)
    with unit_of_work(form) as work:
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
    return _panel_outcome(
        org, number, f"mark-{receipt[:16]}", form, work, gettext("Your mark is recorded.")
    )
