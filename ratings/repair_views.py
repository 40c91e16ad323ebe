"""Credit repair's pages (docs/rules.md §6): the agency's records with the application form
(`/account/credit-repair`), an application's page with the regulator's decision form, the
regulator's queue (overdue marked), the agency profile's published commitments, and the links in
the top navigation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup

from market import clock
from market.models import Organization, OrgKind
from market.permissions import is_regulator
from market.validation import Message, NotFound
from market.web import Work, db, policy_section, translate, unit_of_work, viewer, viewer_org
from ratings import repair
from ratings.credit_policy import SECTION as CREDIT
from ratings.models import MisconductRecord
from ratings.repair_forms import RepairApplyForm, RepairDecisionForm
from ratings.repair_policy import SECTION

bp = Blueprint("repair", __name__)


def _policies():
    return policy_section(SECTION.name), policy_section(CREDIT.name)


def nav_links(org) -> list[tuple[str, str]]:
    if org is None:
        return []
    if org.kind == OrgKind.agency:
        return [(url_for("repair.my_repairs"), gettext("Credit repair"))]
    if org.kind == OrgKind.regulator:
        return [(url_for("repair.queue_page"), gettext("Repair applications"))]
    return []


def _my_page(forms: dict | None = None, errors: dict | None = None, status: int = 200):
    org = viewer_org()
    if org is None or org.kind != OrgKind.agency:
        abort(403)
    policy, credit = _policies()
    now = clock.now()
    records = []
    for record, why in repair.own_records(db(), org.id, now, policy, credit):
        key = f"record-{record.id}"
        records.append(
            {
                "record": record,
                "refusal": translate_refusal(why),
                "form": (forms or {}).get(key)
                or RepairApplyForm(formdata=None, prefix=f"rp{record.id}"),
                "errors": (errors or {}).get(key, []),
            }
        )
    applications = [repair.describe(db(), a, r, now) for a, r in repair.own(db(), org.id)]
    return render_template(
        "ratings/repair/mine.html", records=records, applications=applications
    ), status


def translate_refusal(why) -> str | None:
    if why is None:
        return None
    msgid, params = why
    return translate(Message(msgid, params))


@bp.get("/account/credit-repair")
@login_required
def my_repairs():
    return _my_page()


@bp.post("/account/credit-repair/<int:record_id>")
@login_required
def apply(record_id: int):
    own = db().get(MisconductRecord, record_id)
    if own is None or own.agency_id != viewer().organization_id:
        abort(404)
    form = RepairApplyForm(prefix=f"rp{record_id}")
    if not form.validate_on_submit():
        abort(400)
    policy, credit = _policies()
    with unit_of_work(form) as work:
        row = repair.apply(
            db(), viewer(), record_id, form.evidence.data, form.commitment.data, policy, credit
        )
    if work.failed:
        key = f"record-{record_id}"
        return _my_page({key: form}, {key: work.messages}, work.status)
    flash(gettext("Your application is sent to the regulators."), "success")
    return redirect(url_for("repair.application_page", application_id=row.id))


@bp.get("/regulator/repair-applications")
@login_required
def queue_page():
    if not is_regulator(db(), viewer()):
        abort(403)
    found = repair.queue(db(), viewer(), request.args.get("state") or repair.PENDING)
    now = clock.now()
    rows = [repair.describe(db(), a, r, now) for a, r, _org in found["rows"]]
    return render_template("ratings/repair/queue.html", queue=found, rows=rows)


def _application_page(application_id: int, form=None, work: Work | None = None):
    try:
        row = repair.application_for(db(), viewer(), application_id)
    except NotFound:
        abort(404)
    record = db().get(MisconductRecord, row.record_id)
    user = viewer()
    deciding = is_regulator(db(), user) and row.decided_at is None
    return render_template(
        "ratings/repair/application.html",
        application=repair.describe(db(), row, record, clock.now()),
        deciding=deciding,
        form=form or RepairDecisionForm(formdata=None, prefix="dec"),
        errors=work.messages if work is not None else [],
    ), (work.status if work is not None else 200)


@bp.get("/repair-applications/<int:application_id>")
@login_required
def application_page(application_id: int):
    return _application_page(application_id)


@bp.post("/repair-applications/<int:application_id>/decision")
@login_required
def decide(application_id: int):
    form = RepairDecisionForm(prefix="dec")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        repair.decide(db(), viewer(), application_id, form.decision.data, form.reason.data)
    if work.failed:
        return _application_page(application_id, form, work)
    flash(gettext("The decision is recorded."), "success")
    return redirect(url_for("repair.application_page", application_id=application_id))


def agency_section(org: Organization) -> Markup:
    """On the agency's profile: its credit commitments, published with each decision."""
    rows = repair.published_commitments(db(), org.id)
    if not rows:
        return Markup("")
    return Markup(render_template("ratings/repair/_commitments.html", rows=rows))
