"""The contract's pages: the contract (both parties and the regulators covering the task), its
generated document as a printable page, and a party's own contracts. The rules are
`bidding.contracts.services`'; what a reader sees, `bidding.contracts.serializers`'."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import login_required

from bidding import visibility
from bidding.contracts import document, serializers
from bidding.contracts import services as contracts
from bidding.policy import SECTION
from market import clock
from market.models import OrgKind
from market.web import db, policy_section, viewer, viewer_org

bp = Blueprint("bidding_contracts", __name__)

#: The kinds of organization that are parties to contracts.
PARTIES = (OrgKind.agency, OrgKind.enterprise, OrgKind.department)


def _policy():
    return policy_section(SECTION.name)


@bp.get("/contracts/<int:contract_id>")
def contract_page(contract_id: int):
    row, task = contracts.load(db(), viewer(), contract_id)
    reader = visibility.reader_of(db(), viewer(), task)
    data = serializers.contract(db(), row, task, reader, clock.now(), _policy())
    return render_template("bidding/contracts/contract.html", c=data, contract=row, task=task)


@bp.get("/contracts/<int:contract_id>/document")
def document_page(contract_id: int):
    row, task = contracts.load(db(), viewer(), contract_id)
    generated = document.generate(db(), row, _policy())
    return render_template(
        "bidding/contracts/document.html", contract=row, task=task, generated=generated
    )


@bp.get("/contracts")
@login_required
def my_contracts():
    org = viewer_org()
    if org is None or org.kind not in PARTIES:
        abort(403)
    rows = serializers.own_contracts(db(), org, clock.now())
    return render_template("bidding/contracts/my_contracts.html", rows=rows)
