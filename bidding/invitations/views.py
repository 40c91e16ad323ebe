"""The invitation section of a direct task's page (included by bidding's task panel), the forms
it posts to, and an agency's invitations. What a reader sees is decided by `bidding.visibility`
and shown through `bidding.invitations.serializers`; the rules are
`bidding.invitations.services`'."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template
from flask_babel import gettext
from flask_login import login_required

from bidding import visibility
from bidding.forms import AcceptInvitationForm, DeclineInvitationForm, InviteAgencyForm
from bidding.invitations import serializers
from bidding.invitations import services as invitations
from bidding.policy import SECTION
from bidding.views.common import task_page_with_failure, task_url
from market import clock
from market.accounts import require_kind
from market.models import OrgKind, Task
from market.models.tasks import Method
from market.web import (
    Work,
    db,
    load_task,
    policy_section,
    task_policy,
    translate,
    unit_of_work,
    viewer,
    viewer_org,
)

bp = Blueprint("bidding_invitations", __name__)

ACCEPT_RENAMES = {"price_fen": "price"}


def context(task: Task) -> dict | None:
    """What the included template `bidding/_invitations.html` shows the reader; None for a task
    that is no direct selection."""
    if task.method != Method.direct or task.published_at is None:
        return None
    reader = visibility.reader_of(db(), viewer(), task)
    now = clock.now()
    items = serializers.task_invitations(db(), task, reader, now)
    latest = items[-1] if items else None
    refusal = invitations.invite_refusal(db(), task, now)
    forms = {
        "accept": AcceptInvitationForm(formdata=None, prefix="inv"),
        "decline": DeclineInvitationForm(formdata=None, prefix="dec"),
        "invite": InviteAgencyForm(formdata=None, prefix="invite"),
    }
    forms.update(g.get("bidding_forms", {}))
    own_applicant = visibility.is_applicant(reader)
    return {
        "items": items,
        "answerable": latest is not None and latest["mine"] and latest["state"] == "pending",
        "can_invite": own_applicant and refusal is None,
        "invite_refusal": translate(refusal) if own_applicant and refusal else None,
        "forms": forms,
        "errors": g.get("bidding_errors", {}),
        "cap_fen": task.price_cap_fen,
        "service_days": task.service_days,
    }


def _outcome(number: str, key: str, form, work: Work, success: str):
    if work.failed:
        return task_page_with_failure(number, key, form, work)
    flash(success, "success")
    return redirect(task_url(number, "invitation"))


def _checked(number: str, form) -> None:
    load_task(number)
    if not form.validate_on_submit():
        abort(400)


@bp.post("/tasks/<number>/invitation/accept")
@login_required
def accept(number: str):
    form = AcceptInvitationForm(prefix="inv")
    _checked(number, form)
    with unit_of_work(form, renames=ACCEPT_RENAMES) as work:
        invitations.accept(
            db(), viewer(), number, **form.to_data(), policy=policy_section(SECTION.name)
        )
    return _outcome(
        number,
        "accept",
        form,
        work,
        gettext("You accepted the invitation: your agency is the award candidate."),
    )


@bp.post("/tasks/<number>/invitation/decline")
@login_required
def decline(number: str):
    form = DeclineInvitationForm(prefix="dec")
    _checked(number, form)
    with unit_of_work(form) as work:
        invitations.decline(db(), viewer(), number, form.reason.data)
    return _outcome(number, "decline", form, work, gettext("You declined the invitation."))


@bp.post("/tasks/<number>/invitations")
@login_required
def invite(number: str):
    form = InviteAgencyForm(prefix="invite")
    _checked(number, form)
    with unit_of_work(form) as work:
        row = invitations.invite(
            db(),
            viewer(),
            number,
            (form.agency_id.data or "").strip() or None,
            policy_section(SECTION.name),
            task_policy(),
        )
        # After a failed task, the invitation is on the task posted again.
        number = db().get(Task, row.task_id).number
    return _outcome(number, "invite", form, work, gettext("The agency is invited."))


@bp.get("/invitations")
@login_required
def my_invitations():
    org = viewer_org()
    if org is None or org.kind != OrgKind.agency:
        abort(403)
    agency = require_kind(db(), viewer(), OrgKind.agency)
    reader = visibility.Reader(visibility.BIDDER, agency.id, agency.kind)
    rows = serializers.own_invitations(db(), agency, reader, clock.now())
    return render_template("bidding/my_invitations.html", rows=rows)
