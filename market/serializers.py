"""What each audience may see, decided in one place and used by pages, API and exports alike."""

from __future__ import annotations

from market import agencies, catalog, regions
from market.agencies import AgencyCard
from market.models import (
    AuditEvent,
    Organization,
    Qualification,
    RepresentativeIdentity,
    ServiceItem,
    User,
)
from market.models.relations import REGULATOR
from market.relations import FindingRow, RelationRow

PUBLIC = "public"
PRIVATE = "private"  # the organization itself, operators and regulators


def service_item(item: ServiceItem) -> dict:
    return {
        "code": item.code,
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "category": item.category,
        "legal_basis_zh": item.legal_basis_zh,
        "legal_basis_en": item.legal_basis_en,
        "approval_item_zh": item.approval_item_zh,
        "approval_item_en": item.approval_item_en,
        "approving_department_zh": item.approving_department_zh,
        "approving_department_en": item.approving_department_en,
        "time_limit_wd": item.time_limit_wd,
        "workflow_zh": item.workflow_zh,
        "workflow_en": item.workflow_en,
        "conditions_zh": item.conditions_zh,
        "conditions_en": item.conditions_en,
        "fee_standard": item.fee_standard,
        "fee_note_zh": item.fee_note_zh,
        "fee_note_en": item.fee_note_en,
        "required_qualifications": item.required_qualifications,
        "abolished_zh": item.abolished_zh,
        "abolished_en": item.abolished_en,
        "department_commissioned": item.department_commissioned,
        "updated_at": item.updated_at.isoformat(),
    }


def organization(org: Organization, audience: str = PUBLIC) -> dict:
    """What a business licence makes public; contact details only for the private audience."""
    data = {
        "id": org.id,
        "kind": org.kind,
        "name": org.name,
        "uscc": org.uscc,
        "legal_representative": org.legal_representative,
        "region_code": org.region_code,
        "region_name": regions.name(org.region_code),
        "address": org.address,
        "description": org.description,
        "listed_at": org.listed_at.isoformat() if org.listed_at else None,
        "commitment_signed_at": org.commitment_signed_at.isoformat()
        if org.commitment_signed_at
        else None,
        "commitment_version": org.commitment_version,
        "grade": org.grade,
        "removed": org.removed_at is not None,
        # The standing's public flags (docs/rules.md §6), each with its date.
        "removed_at": org.removed_at.isoformat() if org.removed_at else None,
        "suspended_until": org.suspended_until.isoformat() if org.suspended_until else None,
        "warned_since": org.warned_since.isoformat() if org.warned_since else None,
        "honour_roll_since": org.honour_roll_since.isoformat()[:7]
        if org.honour_roll_since
        else None,
    }
    if audience == PRIVATE:
        data.update(
            {
                "contact_name": org.contact_name,
                "contact_phone": org.contact_phone,
                "contact_email": org.contact_email,
            }
        )
    return data


def qualification(q: Qualification, audience: str = PUBLIC) -> dict:
    """A declared qualification; the regulator's reason for a rejection is for the agency itself
    (and regulators), the public sees that it was rejected."""
    kind = catalog.qualification_type(q.type_code)
    data = {
        "id": q.id,
        "type": q.type_code,
        "type_name_zh": kind["name_zh"] if kind else None,
        "type_name_en": kind["name_en"] if kind else None,
        "grade": q.grade,
        "grade_name_zh": catalog.grade_name(q.type_code, q.grade, "zh") or None,
        "grade_name_en": catalog.grade_name(q.type_code, q.grade, "en") or None,
        "scope": q.scope,
        "name": q.name,
        "certificate_no": q.certificate_no,
        "issuer": q.issuer,
        "valid_from": q.valid_from.isoformat() if q.valid_from else None,
        "valid_until": q.valid_until.isoformat() if q.valid_until else None,
        "verification": agencies.state_of(q),
        "verified_at": q.verified_at.isoformat() if q.verified_at else None,
        "rejected_at": q.rejected_at.isoformat() if q.rejected_at else None,
    }
    if audience == PRIVATE:
        data["rejection_reason"] = q.rejection_reason or None
    return data


def own_professional(p) -> dict:
    """A professional as its agency reads it back: never the ID number, only whether one is
    stored."""
    return {
        "id": p.id,
        "name": p.name,
        "certificate": p.certificate,
        "certificate_no": p.certificate_no,
        "has_id_number": bool(p.id_number),
    }


def agency_service(s, item) -> dict:
    """A service item an agency offers: its time, scope and price range in fen (public)."""
    return {
        "service_item": item.code,
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "commitment_days": s.commitment_days,
        "commitment_scope": s.commitment_scope,
        "price_min_fen": s.price_min_fen,
        "price_max_fen": s.price_max_fen,
    }


def agency(card: AgencyCard, audience: str = PUBLIC) -> dict:
    data = organization(card.org, audience)
    data["services"] = [agency_service(s, item) for s, item in card.services]
    data["qualifications"] = [qualification(q, audience) for q in card.qualifications]
    data["professionals"] = [
        {
            "name": p.name,
            "certificate": p.certificate,
            "certificate_no": p.certificate_no,
            **({"id_number": p.id_number} if audience == PRIVATE else {}),
        }
        for p in card.professionals
    ]
    return data


def history_entry(entry: dict) -> dict:
    """One change of an agency's profile as its public history shows it."""
    return {**entry, "at": entry["at"].isoformat()}


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def representative_identity(org: Organization, row: RepresentativeIdentity | None) -> dict:
    """The state of an agency's declared representative identity, for the agency itself and the
    regulators covering it: never the number, nor its digest."""
    if row is None:
        verification = None
    elif row.found_false_at is not None:
        verification = "found_false"
    else:
        verification = "verified" if row.verified_at else "self_declared"
    return {
        "agency_id": org.id,
        "declared": row is not None and row.found_false_at is None,
        "document_type": row.document_type if row else None,
        "source": row.source if row else None,
        "declared_at": _iso(row.declared_at) if row else None,
        "verification": verification,
        "verified_at": _iso(row.verified_at) if row else None,
        "verification_basis": row.verification_basis if row else None,
        "found_false_at": _iso(row.found_false_at) if row else None,
    }


def _org_ref(org: Organization) -> dict:
    return {"id": org.id, "name": org.name, "uscc": org.uscc}


def agency_relation(row: RelationRow) -> dict:
    """A relation of control, for the agencies concerned and the regulators covering them."""
    r = row.relation
    return {
        "id": r.id,
        "kind": r.kind,
        "first": _org_ref(row.first),
        "second": _org_ref(row.second),
        "source": r.source,
        "established": r.source == REGULATOR and r.revoked_at is None,
        "basis": r.basis,
        "recorded_at": _iso(r.recorded_at),
        "recorded_by_org_id": r.recorded_by_org_id,
        "revoked_at": _iso(r.revoked_at),
        "revoked_reason": r.revoked_reason,
    }


def declaration_finding(row: FindingRow) -> dict:
    """A finding of a false declaration, for the agency concerned and the regulators covering it."""
    f = row.finding
    return {
        "id": f.id,
        "agency": _org_ref(row.agency),
        "declaration": f.declaration,
        "relation_id": f.relation_id,
        "task": row.task_number,
        "statement": f.statement,
        "found_at": _iso(f.found_at),
        "found_by_org_id": f.found_by_org_id,
    }


def user_self(user: User, org: Organization) -> dict:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "organization": organization(org, PRIVATE),
        "second_factor": user.totp_secret is not None,
    }


def user_account(user: User, org: Organization) -> dict:
    """An account as operators see it (the list of accounts, disabling one)."""
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "organization_id": org.id,
        "organization_kind": org.kind,
        "organization_name": org.name,
        "second_factor": user.totp_secret is not None,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        "disabled_at": user.disabled_at.isoformat() if user.disabled_at else None,
        "disabled_reason": user.disabled_reason,
    }


def audit_event(ev: AuditEvent) -> dict:
    return {
        "seq": ev.seq,
        "at": ev.at.isoformat(),
        "action": ev.action,
        "actor_user_id": ev.actor_user_id,
        "actor_org_id": ev.actor_org_id,
        "object_type": ev.object_type,
        "object_id": ev.object_id,
        "data": ev.data,
        "prev_hash": ev.prev_hash,
        "hash": ev.hash,
    }


def task(
    t,
    item: ServiceItem,
    applicant: Organization,
    *,
    status: str,
    amendments: list | None = None,
    exclusions: list | None = None,
    attachments: list | None = None,
    timeline: dict | None = None,
) -> dict:
    """A task as anyone may read it once published (drafts only reach their applicant).

    Nothing about bids is here: what bidders did is added by `bidding` per audience, after opening.
    """

    def iso(value):
        return value.isoformat() if value else None

    return {
        "number": t.number,
        "status": status,
        "title": t.title,
        "description": t.description,
        "service_item": item.code,
        "service_item_name_zh": item.name_zh,
        "service_item_name_en": item.name_en,
        "applicant": {"id": applicant.id, "name": applicant.name, "kind": applicant.kind},
        "project_code": t.project_code,
        "approval_item": t.approval_item,
        "funding": t.funding,
        "budget_code": t.budget_code,
        "method": t.method,
        "price_cap_fen": t.price_cap_fen,
        "fixed_fee_fen": t.fixed_fee_fen,
        "min_bids": t.min_bids,
        "weight_price": t.weight_price,
        "weight_credit": t.weight_credit,
        "weight_quality": t.weight_quality,
        "panel_size": t.panel_size,
        "invited_agency_id": t.invited_agency_id,
        "service_days": t.service_days,
        "bidding_wd": t.bidding_wd,
        "required_qualifications": t.required_qualifications,
        "reposted_from_id": t.reposted_from_id,
        "published_at": iso(t.published_at),
        "deadline_at": iso(t.deadline_at),
        "deadline_calendar_fallback": t.deadline_calendar_fallback,
        "opened_at": iso(t.opened_at),
        "failed_at": iso(t.failed_at),
        "publicity_ends_at": iso(t.publicity_ends_at),
        "cancelled_at": iso(t.cancelled_at),
        "cancel_reason": t.cancel_reason if t.cancelled_at or t.cancel_requested_at else None,
        "cancel_requested_at": iso(t.cancel_requested_at),
        "amendments": [
            {
                "at": iso(a.at),
                "reason": a.reason,
                "changes": a.changes,
                "deadline_extended_to": iso(a.deadline_extended_to),
                "outage_notice_id": a.outage_notice_id,
            }
            for a in (amendments or [])
        ],
        "exclusions": [
            {"agency_id": e.agency_id, "ground": e.ground, "statement": e.statement}
            for e in (exclusions or [])
        ],
        "attachments": [
            {
                "sha256": a.sha256,
                "filename": a.filename,
                "size": a.size,
                "content_type": a.content_type,
                "uploaded_at": iso(a.uploaded_at),
            }
            for a in (attachments or [])
        ],
        **({"timeline": timeline} if timeline is not None else {}),
    }
