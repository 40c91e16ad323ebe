"""Related-agency pages (docs/rules.md §5): an agency declares its legal representative's identity
and its own relations of control; a regulator verifies identities, records relations with their
basis, and records declarations found false. The rules are in `market.relations`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from market import relations, serializers
from market.forms import (
    FalseDeclarationForm,
    IdentityForm,
    IdentityVerificationForm,
    RelationForm,
)
from market.identity import DOCUMENT_TYPES
from market.models import OrgKind
from market.permissions import is_regulator
from market.web import Work, db, flash_outcome, unit_of_work, viewer, viewer_org

bp = Blueprint("relations", __name__)


def _common(forms: dict, work: Work) -> dict:
    """What both pages show: the reader's relations and findings, the forms, errors and labels."""
    return {
        "relations": [
            serializers.agency_relation(r) for r in relations.relations_for(db(), viewer())
        ],
        "findings": [
            serializers.declaration_finding(r) for r in relations.findings_for(db(), viewer())
        ],
        "forms": forms,
        "errors": work.messages,
        "document_types": DOCUMENT_TYPES,
        "relation_kinds": relations.RELATION_KINDS,
        "declarations": relations.DECLARATIONS,
    }


# --- the agency's own page ------------------------------------------------------------------------


def _own_agency():
    org = viewer_org()
    if org is None or org.kind != OrgKind.agency:
        abort(403)
    return org


def _agency_page(forms: dict | None = None, work: Work | None = None):
    org = _own_agency()
    _, row = relations.identity_for(db(), viewer(), org.id)
    forms = {
        "identity": IdentityForm(formdata=None, prefix="identity"),
        "relation": RelationForm(formdata=None, prefix="relation"),
        **(forms or {}),
    }
    work = work or Work()
    return render_template(
        "market/related_agency.html",
        org=org,
        identity=serializers.representative_identity(org, row),
        **_common(forms, work),
    ), work.status


@bp.get("/account/related")
@login_required
def agency_page():
    return _agency_page()


@bp.post("/account/related/identity")
@login_required
def declare_identity():
    org = _own_agency()
    form = IdentityForm(prefix="identity")
    with unit_of_work(form) as work:
        relations.declare_identity(
            db(), viewer(), org.id, form.document_type.data, form.number.data
        )
    if work.failed:
        return _agency_page({"identity": form}, work)
    flash(
        gettext("Your legal representative's identity is declared; a regulator may verify it."),
        "success",
    )
    return redirect(url_for("relations.agency_page"))


@bp.post("/account/related/relations")
@login_required
def declare_relation():
    _own_agency()
    form = RelationForm(prefix="relation")
    with unit_of_work(form) as work:
        relations.record_relation(db(), viewer(), _relation_data(form))
    if work.failed:
        return _agency_page({"relation": form}, work)
    flash(
        gettext("The relation is declared. A self-declared relation is only flagged for review."),
        "success",
    )
    return redirect(url_for("relations.agency_page"))


@bp.post("/account/related/relations/<int:relation_id>/withdraw")
@login_required
def withdraw_relation(relation_id: int):
    _own_agency()
    with unit_of_work(keep_errors=True) as work:
        relations.revoke_relation(db(), viewer(), relation_id, request.form.get("reason"))
    flash_outcome(work, gettext("The declaration is withdrawn."))
    return redirect(url_for("relations.agency_page"), 303 if work.failed else 302)


def _relation_data(form: RelationForm) -> dict:
    return {
        "kind": form.kind.data,
        "first_uscc": form.first_uscc.data,
        "second_uscc": form.second_uscc.data,
        "basis": form.basis.data,
    }


# --- the regulator's page -------------------------------------------------------------------------


def _regulator():
    if not is_regulator(db(), viewer()):
        abort(403)  # "outside your jurisdiction" is the services' message, for a regulator


def _regulator_page(forms: dict | None = None, work: Work | None = None):
    _regulator()
    verify = IdentityVerificationForm(formdata=None, prefix="verify")
    verify.uscc.data = request.args.get("verify", "")[:40]
    forms = {
        "verify": verify,
        "relation": RelationForm(formdata=None, prefix="relation"),
        "finding": FalseDeclarationForm(formdata=None, prefix="finding"),
        **(forms or {}),
    }
    work = work or Work()
    return render_template(
        "market/regulator_related.html",
        pending=[
            (serializers.representative_identity(o, r), o)
            for r, o in relations.identities_to_verify(db(), viewer())
        ],
        **_common(forms, work),
    ), work.status


@bp.get("/regulator/related")
@login_required
def regulator_page():
    return _regulator_page()


@bp.post("/regulator/related/identities")
@login_required
def verify_identity():
    _regulator()
    form = IdentityVerificationForm(prefix="verify")
    with unit_of_work(form) as work:
        agency = relations.find_agency(db(), form.uscc.data)
        relations.verify_identity(
            db(), viewer(), agency.id, form.document_type.data, form.number.data, form.basis.data
        )
    if work.failed:
        return _regulator_page({"verify": form}, work)
    flash(gettext("The legal representative's identity is verified."), "success")
    return redirect(url_for("relations.regulator_page"))


@bp.post("/regulator/related/relations")
@login_required
def record_relation():
    _regulator()
    form = RelationForm(prefix="relation")
    with unit_of_work(form) as work:
        relations.record_relation(db(), viewer(), _relation_data(form))
    if work.failed:
        return _regulator_page({"relation": form}, work)
    flash(
        gettext(
            "The relation is recorded: at opening, bids of both agencies on one task are invalid."
        ),
        "success",
    )
    return redirect(url_for("relations.regulator_page"))


@bp.post("/regulator/related/relations/<int:relation_id>/revoke")
@login_required
def revoke_relation(relation_id: int):
    _regulator()
    with unit_of_work(keep_errors=True) as work:
        relations.revoke_relation(db(), viewer(), relation_id, request.form.get("reason"))
    flash_outcome(work, gettext("The relation is taken off the record."))
    return redirect(url_for("relations.regulator_page"), 303 if work.failed else 302)


@bp.post("/regulator/related/false-declarations")
@login_required
def record_false_declaration():
    _regulator()
    form = FalseDeclarationForm(prefix="finding")
    with unit_of_work(form) as work:
        agency = relations.find_agency(db(), form.uscc.data)
        relations.record_false_declaration(
            db(),
            viewer(),
            agency.id,
            {
                "declaration": form.declaration.data,
                "relation_id": form.relation_id.data,
                "task": form.task.data,
                "statement": form.statement.data,
            },
        )
    if work.failed:
        return _regulator_page({"finding": form}, work)
    flash(gettext("The false declaration is recorded as a misconduct ground."), "success")
    return redirect(url_for("relations.regulator_page"))
