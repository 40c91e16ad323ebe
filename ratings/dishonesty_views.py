"""Pages of the serious-dishonesty list: the public list (`/lists/dishonest`, paged) and its CSV
and JSON downloads; the agency's proposals with the notice and its statement form
(`/account/dishonesty`); the regulator's queue with the notice and decision forms; the imports
with their reports; and a section of the agency's public page (a `market.agency_sections` hook)
flagging a listing in force, with the covering regulator's forms to propose a listing or lift one.
The rules are `ratings.dishonesty`'s and `ratings.dishonesty_import`'s.

A form refused by the service shows its page again, with what was typed and the messages next to
the fields, answered with the failure's status."""

from __future__ import annotations

import csv
import io
import json
from math import ceil

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup

from market import clock, security_headers
from market.accounts import organization_of
from market.models import Organization, OrgKind
from market.permissions import is_regulator
from market.validation import Forbidden, Message, NotFound
from market.views import public
from market.web import (
    attachment_policy,
    db,
    int_arg,
    policy_section,
    translate,
    unit_of_work,
    upload_dir,
    viewer,
)
from ratings import dishonesty, records
from ratings import dishonesty_import as importing
from ratings import dishonesty_serializers as ser
from ratings.dishonesty_forms import (
    DecisionForm,
    ImportForm,
    LiftForm,
    NoticeForm,
    ProposeForm,
    StatementForm,
)
from ratings.dishonesty_policy import SECTION

bp = Blueprint("dishonesty", __name__)
PER_PAGE = 20


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.extensions.setdefault("market.agency_sections", []).append(agency_section)
    app.extensions.setdefault("market.nav_links", []).append(nav_links)


def nav_links(org) -> list:
    """The public list for everyone (`org` is None for a visitor); a regulator's queue and the
    imports; an agency's notices."""
    links = [(url_for("dishonesty.public_list"), gettext("Dishonesty list"))]
    if org is None:
        return links
    if org.kind == OrgKind.regulator:
        links.append((url_for("dishonesty.queue"), gettext("Dishonesty proposals")))
    if org.kind in (OrgKind.regulator, OrgKind.operator):
        links.append((url_for("dishonesty.imports"), gettext("List imports")))
    if org.kind == OrgKind.agency:
        links.append((url_for("dishonesty.my_proposals"), gettext("Dishonesty notices")))
    return links


def _policy():
    return policy_section(SECTION.name)


def _reason_text(reason: dict) -> tuple[str, str]:
    """A refused row's reason: its column and its message, translated."""
    return reason["field"], translate(Message(reason["msgid"], reason["params"]))


# --- the public list ------------------------------------------------------------------------------


@bp.get("/lists/dishonest")
def public_list():
    now = clock.now()
    total = dishonesty.in_force_count(db(), now)
    pages = max(1, ceil(total / PER_PAGE))
    page = int_arg("page", 1, minimum=1, maximum=pages)
    rows = dishonesty.in_force_slice(db(), now, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    return render_template(
        "ratings/dishonesty/list.html",
        entries=[ser.entry(r) for r in rows],
        total=total,
        page=page,
        pages=pages,
    )


def _download_rows() -> list[dict]:
    rows = dishonesty.in_force_slice(db(), clock.now())
    return [{k: ser.entry(r)[k] for k in ser.PUBLIC_FIELDS} for r in rows]


@bp.get("/lists/dishonest.csv")
def public_list_csv():
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ser.PUBLIC_FIELDS)
    writer.writeheader()
    writer.writerows(_download_rows())
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = "attachment; filename=dishonest.csv"
    return response


@bp.get("/lists/dishonest.json")
def public_list_json():
    body = json.dumps(
        {"as_of": clock.now().isoformat(), "items": _download_rows()}, ensure_ascii=False
    )
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = "attachment; filename=dishonest.json"
    return response


# --- the agency -----------------------------------------------------------------------------------


def _my_page(forms: dict | None = None, errors: dict | None = None, status: int = 200):
    org = organization_of(db(), viewer())
    if org is None or org.kind != OrgKind.agency:
        abort(403)
    now = clock.now()
    items = []
    for row in dishonesty.own_proposals(db(), org):
        data = ser.proposal(db(), row, now)
        key = f"statement-{row.id}"
        data["can_state"] = (
            row.decided_at is None and row.statement_at is None and now < row.statement_due
        )
        data["form"] = (forms or {}).get(key) or StatementForm(formdata=None, prefix=f"st{row.id}")
        data["errors"] = (errors or {}).get(key, [])
        items.append(data)
    entries = [ser.entry(e) for e in dishonesty.entries_of_agency(db(), org.id)]
    return render_template(
        "ratings/dishonesty/my_proposals.html", items=items, entries=entries
    ), status


@bp.get("/account/dishonesty")
@login_required
def my_proposals():
    return _my_page()


@bp.post("/dishonesty-proposals/<int:proposal_id>/statement")
@login_required
def state_case(proposal_id: int):
    form = StatementForm(prefix=f"st{proposal_id}")
    if not form.validate_on_submit():
        abort(400)
    files = [
        (upload.filename, upload.read(attachment_policy().attachment_max_bytes + 1))
        for upload in request.files.getlist(form.files.name)
        if upload.filename
    ]
    with unit_of_work(form) as work:
        dishonesty.state_case(
            db(),
            viewer(),
            proposal_id,
            form.statement.data,
            files,
            upload_dir(),
            attachment_policy(),
        )
    if work.failed:
        if work.status == 404:
            abort(404)
        key = f"statement-{proposal_id}"
        return _my_page({key: form}, {key: work.messages}, work.status)
    flash(gettext("Your statement is sent to the regulator."), "success")
    return redirect(url_for("dishonesty.my_proposals") + f"#proposal-{proposal_id}")


@bp.get("/dishonesty-proposals/<int:proposal_id>/files/<sha256>")
@login_required
def statement_file(proposal_id: int, sha256: str):
    """A statement's PDF: for the agency and the regulators covering it."""
    try:
        described, path = dishonesty.statement_file(
            db(), viewer(), proposal_id, sha256, upload_dir()
        )
    except NotFound:
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=described["filename"],
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = security_headers.DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the regulator --------------------------------------------------------------------------------


def _regulator() -> None:
    if not is_regulator(db(), viewer()):
        abort(403)


def _queue_page(forms: dict | None = None, errors: dict | None = None, status: int = 200):
    _regulator()
    now = clock.now()
    found = dishonesty.queue(db(), viewer(), request.args.get("state") or "", now)
    rows = []
    for proposal, _agency in found["rows"]:
        data = ser.proposal(db(), proposal, now)
        data["notice_form"] = (forms or {}).get(f"notice-{proposal.id}") or NoticeForm(
            formdata=None, prefix=f"no{proposal.id}"
        )
        data["decision_form"] = (forms or {}).get(f"decision-{proposal.id}") or DecisionForm(
            formdata=None, prefix=f"de{proposal.id}"
        )
        data["errors"] = (errors or {}).get(proposal.id, [])
        rows.append(data)
    return render_template("ratings/dishonesty/queue.html", queue=found, rows=rows), status


@bp.get("/regulator/dishonesty-proposals")
@login_required
def queue():
    return _queue_page()


@bp.post("/regulator/dishonesty-proposals/<int:proposal_id>/notice")
@login_required
def issue_notice(proposal_id: int):
    _regulator()
    form = NoticeForm(prefix=f"no{proposal_id}")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        dishonesty.issue_notice(
            db(),
            viewer(),
            proposal_id,
            form.reason.data,
            form.legal_basis.data,
            form.facts.data,
            _policy(),
        )
    if work.failed:
        if work.status == 404:
            abort(404)
        return _queue_page(
            {f"notice-{proposal_id}": form}, {proposal_id: work.messages}, work.status
        )
    flash(gettext("The notice is issued to the agency."), "success")
    return redirect(url_for("dishonesty.queue", state=dishonesty.NOTICE_PERIOD))


@bp.post("/regulator/dishonesty-proposals/<int:proposal_id>/decision")
@login_required
def decide(proposal_id: int):
    _regulator()
    form = DecisionForm(prefix=f"de{proposal_id}")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        dishonesty.decide(
            db(),
            viewer(),
            proposal_id,
            form.decision.data,
            _policy(),
            legal_basis=form.legal_basis.data,
            facts=form.facts.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            removal_conditions=form.removal_conditions.data,
            reason=form.reason.data,
        )
    if work.failed:
        if work.status == 404:
            abort(404)
        return _queue_page(
            {f"decision-{proposal_id}": form}, {proposal_id: work.messages}, work.status
        )
    flash(gettext("The proposal is decided."), "success")
    return redirect(url_for("dishonesty.queue", state=dishonesty.DECIDED))


# --- imports --------------------------------------------------------------------------------------


def _imports_page(form=None, messages=None, status: int = 200):
    try:
        rows = importing.imports(db(), viewer())
    except Forbidden:
        abort(403)
    return render_template(
        "ratings/dishonesty/imports.html",
        rows=[ser.import_(r) for r in rows],
        form=form or ImportForm(formdata=None),
        errors=messages or [],
    ), status


@bp.get("/lists/dishonest/imports")
@login_required
def imports():
    return _imports_page()


@bp.post("/lists/dishonest/imports")
@login_required
def import_list():
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get(form.file.name)
    filename = upload.filename if upload is not None else ""
    content = upload.read(importing.MAX_BYTES + 1) if upload is not None else b""
    with unit_of_work(form) as work:
        row = importing.import_file(db(), viewer(), content, filename)
    if work.failed:
        if work.status == 403:
            abort(403)
        return _imports_page(form, work.messages, work.status)
    flash(gettext("The list is imported; its report follows."), "success")
    return redirect(url_for("dishonesty.import_report", import_id=row.id))


@bp.get("/lists/dishonest/imports/<int:import_id>")
@login_required
def import_report(import_id: int):
    try:
        row = importing.get_import(db(), viewer(), import_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    data = ser.import_(row)
    refused = [
        {"row": r["row"], "reasons": [_reason_text(x) for x in r["reasons"]]}
        for r in data["report"]["refused"]
    ]
    return render_template("ratings/dishonesty/import.html", item=data, refused=refused)


# --- the agency's public page ---------------------------------------------------------------------


def agency_section(org: Organization) -> Markup:
    """A listing in force flagged, the agency's entries, and for a regulator covering it the
    forms to propose a listing and to lift one (a `market.agency_sections` hook)."""
    user = viewer()
    now = clock.now()
    covering = records.covers_agency(db(), user, org)
    entries = dishonesty.entries_of_agency(db(), org.id)
    forms = g.get("dishonesty_forms", {})
    shown = []
    for e in entries:
        data = ser.entry(e)
        data["in_force"] = dishonesty.is_in_force(e, now)
        if covering:  # a form made for a visitor would put a CSRF token in its session
            data["lift_form"] = forms.get(f"lift-{e.id}") or LiftForm(
                formdata=None, prefix=f"li{e.id}"
            )
        shown.append(data)
    return Markup(
        render_template(
            "ratings/dishonesty/_agency.html",
            agency=org,
            entries=shown,
            in_force=[e for e in shown if e["in_force"]],
            covering=covering,
            propose_form=(forms.get("propose") or ProposeForm(formdata=None, prefix="dp"))
            if covering
            else None,
            errors=g.get("dishonesty_errors", {}),
        )
    )


def _agency_action(agency_id: int, key: str, form, act, success: str):
    _regulator()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        act()
    if work.failed:
        if work.status == 404:
            abort(404)
        g.dishonesty_forms = {key: form}
        g.dishonesty_errors = {key: work.messages}
        return public.agency_profile(agency_id), work.status
    flash(success, "success")
    return redirect(url_for("public.agency_profile", agency_id=agency_id) + "#dishonesty")


@bp.post("/agencies/<int:agency_id>/dishonesty-proposals")
@login_required
def propose(agency_id: int):
    form = ProposeForm(prefix="dp")
    return _agency_action(
        agency_id,
        "propose",
        form,
        lambda: dishonesty.propose(
            db(),
            viewer(),
            agency_id,
            form.reason.data,
            form.legal_basis.data,
            form.facts.data,
            _policy(),
        ),
        gettext("The listing is proposed and the notice sent to the agency."),
    )


@bp.post("/lists/dishonest/<int:entry_id>/lift")
@login_required
def lift(entry_id: int):
    try:
        entry = dishonesty.get_entry(db(), entry_id)
    except NotFound:
        abort(404)
    form = LiftForm(prefix=f"li{entry_id}")
    if entry.agency_id is None:
        abort(404)
    return _agency_action(
        entry.agency_id,
        f"lift-{entry_id}",
        form,
        lambda: dishonesty.lift(db(), viewer(), entry_id, form.reason.data),
        gettext("The listing is lifted."),
    )
