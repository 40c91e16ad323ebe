"""Credit repair's API (docs/rules.md §6): `GET/POST /api/v1/repair-applications` and
`POST /api/v1/repair-applications/{id}/decide`. The rules are `ratings.repair`'s."""

from __future__ import annotations

from flask import jsonify, request
from pydantic import BaseModel, Field

from bidding.api.schemas import AgencyRef, Strict
from market import clock
from market.api import api_blueprint
from market.api.openapi import operation
from market.api.problems import parse_body
from market.permissions import is_regulator
from market.web import acting_user, db, policy_section, unit_of_work
from ratings import repair
from ratings.credit_policy import SECTION as CREDIT
from ratings.models import MisconductRecord
from ratings.repair_policy import SECTION

bp = api_blueprint("repair_api", __name__)


class RepairApplyIn(Strict):
    record_id: int | None = Field(None, description="The agency's own misconduct record")
    evidence: str | None = Field(
        None, description="How the misconduct was corrected (required, at most 5000 characters)"
    )
    commitment: str | None = Field(
        None,
        description="The public credit commitment, published with the decision (required, at "
        "most 2000 characters)",
    )


class RepairDecisionIn(Strict):
    decision: str | None = Field(None, description="repaired or refused")
    reason: str | None = Field(
        None, description="Why it is refused (required then, at most 2000); optional to repair"
    )


class RepairRecord(BaseModel):
    id: int
    severity: str = Field(description="general or serious (a minor record is never repaired)")
    legal_basis: str
    facts: str
    decided_at: str
    repaired_at: str | None


class RepairApplicationOut(BaseModel):
    id: int
    record: RepairRecord
    agency: AgencyRef
    evidence: str
    commitment: str
    applied_at: str
    decide_by: str = Field(description="the end of the decision period (10 working days)")
    overdue: bool
    decided_at: str | None
    decision: str | None = Field(description="repaired or refused, once decided")
    reason: str | None


class RepairApplicationList(BaseModel):
    state: str | None = Field(
        description="a regulator's tab: pending or decided; null for an agency"
    )
    counts: dict[str, int] | None
    items: list[RepairApplicationOut]


def _out(row) -> dict:
    record = db().get(MisconductRecord, row.record_id)
    return repair.describe(db(), row, record, clock.now())


@operation(
    bp,
    "/repair-applications",
    "GET",
    summary="A regulator's queue of credit repair applications of agencies it covers (oldest "
    "first; state pending or decided, overdue marked); an agency's own applications",
    tag="ratings",
    response=RepairApplicationList,
    query={"state": "A regulator's tab: pending (the default) or decided"},
    auth=True,
)
def list_repair_applications():
    actor = acting_user()
    now = clock.now()
    if is_regulator(db(), actor):
        found = repair.queue(db(), actor, request.args.get("state") or repair.PENDING)
        items = [repair.describe(db(), a, r, now) for a, r, _o in found["rows"]]
        return jsonify({"state": found["state"], "counts": found["counts"], "items": items})
    items = [repair.describe(db(), a, r, now) for a, r in repair.own(db(), actor.organization_id)]
    return jsonify({"state": None, "counts": None, "items": items})


@operation(
    bp,
    "/repair-applications",
    "POST",
    summary="An agency applies to repair one of its misconduct records (general from 3 months "
    "after it, serious from 12), with evidence of correction and a public credit commitment; "
    "one pending application per record",
    tag="ratings",
    body=RepairApplyIn,
    response=RepairApplicationOut,
    status=201,
    auth=True,
)
def apply_for_repair():
    data = parse_body(RepairApplyIn)
    actor = acting_user()
    with unit_of_work():
        row = repair.apply(
            db(),
            actor,
            data.record_id,
            data.evidence,
            data.commitment,
            policy_section(SECTION.name),
            policy_section(CREDIT.name),
        )
    return jsonify(_out(row)), 201


@operation(
    bp,
    "/repair-applications/<int:application_id>/decide",
    "POST",
    summary="A regulator covering the agency repairs the record (it stops counting and is no "
    "longer published) or refuses with a reason",
    tag="ratings",
    body=RepairDecisionIn,
    response=RepairApplicationOut,
    auth=True,
)
def decide_repair(application_id: int):
    data = parse_body(RepairDecisionIn)
    actor = acting_user()
    with unit_of_work():
        row = repair.decide(db(), actor, application_id, data.decision, data.reason)
    return jsonify(_out(row))
