"""Pages of the exit rules (docs/rules.md §6): the agency's "standing and exit actions" page
(`/agencies/<id>/standing`: its actions with dates and causes, the appeal form for the agency, the
regulator's decisions and the licence-cancellation form), the regulator's queue
(`/regulator/exits`), and the public flags on the agency's profile (a `market.agency_sections`
hook). The rules are `ratings.exits`'.

A form refused by the service shows its page again, with what was typed and the messages next to
the fields, answered with the failure's status."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup

from market import clock
from market.models import Organization, OrgKind
from market.permissions import is_operator, is_regulator, regulator_covers
from market.validation import NotFound
from market.web import db, policy_section, unit_of_work, viewer
from ratings import exits, records
from ratings.exits_forms import (
    ExitAppealDecisionForm,
    ExitAppealForm,
    LicenceCancellationForm,
    ReinstateForm,
    RemovalDecisionForm,
)
from ratings.exits_policy import SECTION

bp = Blueprint("exits", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.extensions.setdefault("market.agency_sections", []).append(agency_section)
    app.extensions.setdefault("market.nav_links", []).append(nav_links)


def nav_links(org) -> list:
    if org is not None and org.kind == OrgKind.regulator:
        return [(url_for("exits.queue"), gettext("Exit actions"))]
    if org is not None and org.kind == OrgKind.agency:
        return [(url_for("exits.standing", agency_id=org.id), gettext("Standing and exit actions"))]
    return []


def _policy():
    return policy_section(SECTION.name)


def _agency(agency_id: int) -> Organization:
    try:
        return records.get_agency(db(), agency_id)
    except NotFound:
        abort(404)


def _standing_page(
    agency_id: int, forms: dict | None = None, errors: dict | None = None, status=200
):
    agency = _agency(agency_id)
    user = viewer()
    now = clock.now()
    file = exits.standing_file(db(), user, agency, now, _policy())
    own = user is not None and user.organization_id == agency.id
    covering = regulator_covers(db(), user, region_code=agency.region_code)
    forms, errors = forms or {}, errors or {}
    for item in file["items"]:
        n = item["id"]
        item["errors"] = (
            errors.get(f"appeal-{n}", [])
            + errors.get(f"decide-{n}", [])
            + errors.get(f"reinstate-{n}", [])
        )
        item["can_appeal"] = (
            own
            and item["appeal"] is None
            and item["state"] != "dismissed"
            and now < exits.appeal_due(db(), db().get(exits.ExitAction, n), _policy())
        )
        if (
            user is None
        ):  # a visitor may do nothing here: a form would put a CSRF token in its session
            continue
        item["appeal_form"] = forms.get(f"appeal-{n}") or ExitAppealForm(
            formdata=None, prefix=f"ap{n}"
        )
        item["decision_form"] = forms.get(f"decide-{n}") or RemovalDecisionForm(
            formdata=None, prefix=f"rd{n}"
        )
        item["reinstate_form"] = forms.get(f"reinstate-{n}") or ReinstateForm(
            formdata=None, prefix=f"ri{n}"
        )
        appeal = item["appeal"]
        if appeal is not None:
            item["appeal_decision_form"] = forms.get(
                f"appeal-decision-{appeal['id']}"
            ) or ExitAppealDecisionForm(formdata=None, prefix=f"ad{appeal['id']}")
            item["appeal_errors"] = errors.get(f"appeal-decision-{appeal['id']}", [])
    licence_form = (
        forms.get("licence") or LicenceCancellationForm(formdata=None, prefix="lc")
        if user is not None
        else None
    )
    return render_template(
        "ratings/exits/standing.html",
        agency=agency,
        file=file,
        own=own,
        covering=covering,
        may_record_licence=covering or is_operator(db(), user),
        licence_form=licence_form,
        licence_errors=errors.get("licence", []),
    ), status


@bp.get("/agencies/<int:agency_id>/standing")
def standing(agency_id: int):
    return _standing_page(agency_id)


def _act(agency_id: int, key: str, form, act, success: str, anchor: str):
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        act()
    if work.failed:
        if work.status == 404:
            abort(404)
        return _standing_page(agency_id, {key: form}, {key: work.messages}, work.status)
    flash(success, "success")
    return redirect(url_for("exits.standing", agency_id=agency_id) + anchor)


def _action(action_id: int):
    try:
        return exits.get_action(db(), action_id)
    except NotFound:
        abort(404)


@bp.post("/exit-actions/<int:action_id>/appeal")
@login_required
def appeal(action_id: int):
    action = _action(action_id)
    form = ExitAppealForm(prefix=f"ap{action_id}")
    return _act(
        action.agency_id,
        f"appeal-{action_id}",
        form,
        lambda: exits.file_appeal(db(), viewer(), action_id, form.reason.data, _policy()),
        gettext("Your appeal is filed with the regulator."),
        f"#action-{action_id}",
    )


@bp.post("/exit-actions/<int:action_id>/decision")
@login_required
def decide_removal(action_id: int):
    action = _action(action_id)
    form = RemovalDecisionForm(prefix=f"rd{action_id}")
    decide = exits.confirm if form.confirm.data else exits.dismiss
    return _act(
        action.agency_id,
        f"decide-{action_id}",
        form,
        lambda: decide(db(), viewer(), action_id, form.reason.data),
        gettext("The decision is recorded."),
        f"#action-{action_id}",
    )


@bp.post("/exit-actions/<int:action_id>/reinstate")
@login_required
def reinstate(action_id: int):
    action = _action(action_id)
    form = ReinstateForm(prefix=f"ri{action_id}")
    return _act(
        action.agency_id,
        f"reinstate-{action_id}",
        form,
        lambda: exits.reinstate(db(), viewer(), action_id, form.reason.data),
        gettext("The agency is reinstated."),
        f"#action-{action_id}",
    )


@bp.post("/exit-appeals/<int:appeal_id>/decision")
@login_required
def decide_appeal(appeal_id: int):
    try:
        appeal = exits.get_appeal(db(), appeal_id)
    except NotFound:
        abort(404)
    form = ExitAppealDecisionForm(prefix=f"ad{appeal_id}")
    return _act(
        appeal.agency_id,
        f"appeal-decision-{appeal_id}",
        form,
        lambda: exits.decide_appeal(
            db(), viewer(), appeal_id, form.decision.data, form.reason.data
        ),
        gettext("The decision is recorded."),
        f"#action-{appeal.action_id}",
    )


@bp.post("/agencies/<int:agency_id>/licence-cancellation")
@login_required
def licence_cancellation(agency_id: int):
    form = LicenceCancellationForm(prefix="lc")
    return _act(
        agency_id,
        "licence",
        form,
        lambda: exits.record_licence_cancellation(
            db(), viewer(), agency_id, form.cancelled_on.data, form.reference.data, _policy()
        ),
        gettext("The cancellation is recorded; the agency's removal is proposed."),
        "#licence",
    )


@bp.get("/regulator/exits")
@login_required
def queue():
    if not is_regulator(db(), viewer()):
        abort(403)
    now = clock.now()
    found = exits.queue(db(), viewer())
    proposals = [
        exits.serialize_action(db(), a, o, now, True, _policy()) for a, o in found["proposals"]
    ]
    appeals = [exits.serialize_appeal(p, o, now) for p, _a, o in found["appeals"]]
    return render_template("ratings/exits/queue.html", proposals=proposals, appeals=appeals)


def agency_section(org: Organization) -> Markup:
    """The agency's public flags (warning, suspension, removal) with their dates and a link to
    its standing page (a `market.agency_sections` hook)."""
    now = clock.now()
    return Markup(
        render_template(
            "ratings/exits/_flags.html",
            agency=org,
            flags=exits.flags(org, now),
        )
    )
