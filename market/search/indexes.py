"""The core's indexes: the agency directory and the service catalog.

Documents hold only what the public pages show. Standing that lapses by itself (a suspension or a
listing that ends, a removal that takes effect) is stored as timestamps and turned into a filter at
query time, never into a stored flag.
"""

from __future__ import annotations

from sqlmodel import Session, select

from market import regions
from market.models import AgencyService, Organization, OrgKind, Qualification, ServiceItem
from market.search.registry import (
    Condition,
    Document,
    IndexSpec,
    SearchField,
    SortOption,
    State,
    StateOption,
    epoch,
    register_index,
)
from market.validation import N_


def _int(doc_id: str | int) -> int | None:
    try:
        return int(doc_id)
    except (TypeError, ValueError):
        return None


# --- agencies ------------------------------------------------------------------------------------


def build_agency(session: Session, doc_id: str) -> Document | None:
    org_id = _int(doc_id)
    org = session.get(Organization, org_id) if org_id is not None else None
    if org is None or org.kind != OrgKind.agency or org.listed_at is None:
        return None
    items = session.exec(
        select(ServiceItem)
        .join(AgencyService)
        .where(AgencyService.organization_id == org.id)
        .order_by(ServiceItem.code)
    ).all()
    quals = session.exec(
        select(Qualification)
        .where(Qualification.organization_id == org.id)
        .order_by(Qualification.id)
    ).all()
    return Document(
        id=str(org.id),
        text={
            "name": org.name,
            # One field a language, so a page shows the reader's snippet only.
            "services_zh": "；".join(i.name_zh for i in items),
            "services_en": "; ".join(i.name_en for i in items),
            "qualifications": "；".join(q.name for q in quals),
            "description": org.description or "",
            # Stored, not searched: the honour-roll badge of a hit (the first month of its run).
            "honour_roll_since": org.honour_roll_since.isoformat()[:7]
            if org.honour_roll_since
            else "",
        },
        terms={
            "service_item": [i.code for i in items],
            "qualification": [q.name for q in quals],
            "verified_qualification": [q.name for q in quals if q.verified_at is not None],
            "grade": [org.grade] if org.grade else [],
            # The province's, the city's and its own prefix, so region=22 finds it as 2201 does.
            "region": [r.prefix for r in regions.chain(org.region_code)],
        },
        numbers={
            "listed_at": epoch(org.listed_at),
            "credit": org.credit_score_milli,
            "suspended_until": epoch(org.suspended_until),
            "dishonest_until": epoch(org.dishonest_until),
            "removed_at": epoch(org.removed_at),
        },
    )


def agency_ids(session: Session):
    return session.exec(
        select(Organization.id)
        .where(Organization.kind == OrgKind.agency, Organization.listed_at.is_not(None))
        .order_by(Organization.id)
    )


AGENCIES = IndexSpec(
    name="agencies",
    label=N_("Agencies"),
    build=build_agency,
    ids=agency_ids,
    searchable=(
        SearchField("name", "A"),
        SearchField("services_zh", "B"),
        SearchField("services_en", "B"),
        SearchField("qualifications", "B"),
        SearchField("description", "D"),
    ),
    title="name",
    snippets=("services_zh", "services_en", "qualifications"),
    filters={
        "service_item": N_("Service item"),
        "qualification": N_("Qualification"),
        "verified_qualification": N_("Verified by a regulator"),
        "grade": N_("Credit grade"),
        "region": N_("Region"),
    },
    numbers=("listed_at", "credit", "suspended_until", "dishonest_until", "removed_at"),
    sorts={
        "newest": SortOption("listed_at", True, N_("Newest")),
        "credit": SortOption("credit", True, N_("Credit score")),
    },
    states={
        "standing": State(
            N_("Standing"),
            {
                "eligible": StateOption(
                    N_("May bid now"),
                    (
                        Condition("suspended_until", "missing_or_before_now"),
                        Condition("dishonest_until", "missing_or_before_now"),
                    ),
                ),
                "suspended": StateOption(
                    N_("Suspended now"), (Condition("suspended_until", "after_now"),)
                ),
            },
        )
    },
    always=(Condition("removed_at", "missing_or_after_now"),),
    browse_sort="newest",
    link=lambda hit: ("public.agency_profile", {"agency_id": int(hit.id)}),
)


# --- service items -------------------------------------------------------------------------------


def build_service_item(session: Session, doc_id: str) -> Document | None:
    item_id = _int(doc_id)
    item = session.get(ServiceItem, item_id) if item_id is not None else None
    if item is None:
        return None
    return Document(
        id=str(item.id),
        text={
            "code": item.code,
            "name_zh": item.name_zh,
            "name_en": item.name_en,
            "approval_item_zh": item.approval_item_zh,
            "approval_item_en": item.approval_item_en,
            "legal_basis_zh": item.legal_basis_zh,
            "legal_basis_en": item.legal_basis_en,
            "department_zh": item.approving_department_zh,
            "department_en": item.approving_department_en,
        },
        terms={
            "category": [item.category],
            "department_commissioned": ["true" if item.department_commissioned else "false"],
        },
        numbers={"updated_at": epoch(item.updated_at), "time_limit_wd": item.time_limit_wd},
    )


def service_item_ids(session: Session):
    return session.exec(select(ServiceItem.id).order_by(ServiceItem.id))


SERVICE_ITEMS = IndexSpec(
    name="service-items",
    label=N_("Service catalog"),
    build=build_service_item,
    ids=service_item_ids,
    searchable=(
        SearchField("code", "A"),
        SearchField("name_zh", "A"),
        SearchField("name_en", "A"),
        SearchField("approval_item_zh", "B"),
        SearchField("approval_item_en", "B"),
        SearchField("legal_basis_zh", "C"),
        SearchField("legal_basis_en", "C"),
        SearchField("department_zh", "C"),
        SearchField("department_en", "C"),
    ),
    title="name_zh",
    title_en="name_en",
    snippets=("approval_item_zh", "approval_item_en"),
    filters={
        "category": N_("Category"),
        "department_commissioned": N_("Commissioned by the department"),
    },
    numbers=("updated_at", "time_limit_wd"),
    sorts={
        "newest": SortOption("updated_at", True, N_("Recently updated")),
        "time_limit": SortOption("time_limit_wd", False, N_("Shortest time limit")),
    },
    link=lambda hit: ("public.catalog_item", {"code": hit.data.get("code", "")}),
)


register_index(AGENCIES)
register_index(SERVICE_ITEMS)
