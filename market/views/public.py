"""Pages anyone can read: catalog, agency directory, policy, published audit heads, calendar."""

from __future__ import annotations

import math

from flask import Blueprint, abort, current_app, render_template, request
from sqlmodel import func, select

from market import agencies, catalog, clock, holidays, records, regions, serializers
from market import policy as policies
from market.models import AuditCheckpoint, ServiceItem
from market.permissions import sees_personal_data
from market.policy import ACCOUNTS, TASKS
from market.validation import Invalid, NotFound
from market.web import (
    db,
    error_messages,
    int_arg,
    policy_registry,
    policy_section,
    translate,
    viewer,
)
from market.workdays import SHANGHAI

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    counts = {
        "agencies": db()
        .exec(select(func.count()).select_from(agencies.listed_agencies_query().subquery()))
        .one(),
        "items": db().exec(select(func.count(ServiceItem.id))).one(),
    }
    return render_template("market/index.html", counts=counts)


@bp.get("/service-items")
def catalog_list():
    category = request.args.get("category") or None
    q = (request.args.get("q") or "").strip()[:100] or None
    items = catalog.list_items(db(), category, q)
    return render_template("market/catalog.html", items=items, category=category, q=q or "")


@bp.get("/service-items/<code>")
def catalog_item(code: str):
    try:
        item = catalog.get_item(db(), code)
    except NotFound:
        abort(404)
    offered = (
        db()
        .exec(
            select(func.count()).select_from(
                agencies.listed_agencies_query(service_item=code).subquery()
            )
        )
        .one()
    )
    return render_template("market/catalog_item.html", item=item, offered=offered)


@bp.get("/agencies")
def directory():
    filters = {
        "service_item": request.args.get("service_item") or None,
        "qualification": (request.args.get("qualification") or "").strip()[:100] or None,
        "name": (request.args.get("name") or "").strip()[:100] or None,
        "region": (request.args.get("region") or "").strip()[:20] or None,
    }
    errors: list[str] = []
    try:
        agencies.check_region_filter(filters["region"])
    except Invalid as exc:
        errors = error_messages(exc)
    page = int_arg("page", 1, minimum=1)
    per_page = current_app.config["PAGE_SIZE"]
    if errors:
        cards, total = [], 0
    else:
        cards, total = agencies.directory_page(db(), page=page, per_page=per_page, **filters)
    items = catalog.list_items(db())
    return render_template(
        "market/directory.html",
        cards=cards,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        filters=filters,
        args={k: v for k, v in filters.items() if v},
        items=items,
        regions=regions.prefix_choices(),
        errors=errors,
        now=clock.now(),
    ), (422 if errors else 200)


@bp.get("/agencies/<int:agency_id>")
def agency_profile(agency_id: int):
    try:
        org = agencies.get_listed_agency(db(), agency_id)
    except NotFound:
        abort(404)
    card = agencies.load_card(db(), org)
    audience = (
        serializers.PRIVATE if sees_personal_data(db(), viewer(), org) else serializers.PUBLIC
    )
    return render_template(
        "market/agency.html",
        card=card,
        agency=serializers.agency(card, audience),
        history=agencies.profile_history(db(), org.id),
        sections=organization_sections(org) + agency_sections(org),
    )


@bp.get("/organizations/<int:org_id>")
def organization_page(org_id: int):
    """An applicant's (or agency's) public page: what its licence makes public, and its record."""
    try:
        org = records.organization(db(), org_id)
    except NotFound:
        abort(404)
    return render_template(
        "market/organization.html",
        organization=serializers.organization(org),
        entries=records.describe(records.record(db(), org), translate),
        sections=organization_sections(org),
    )


def agency_sections(org) -> list:
    """What upper packages add to an agency's profile only (callables org -> HTML in
    `app.extensions["market.agency_sections"]`: ratings' credit, misconduct records and
    commendations)."""
    return [hook(org) for hook in current_app.extensions.get("market.agency_sections", [])]


def organization_sections(org) -> list:
    """What upper packages add to an agency's profile and an organization's public page (each a
    callable org -> HTML in `app.extensions["market.organization_sections"]`: ratings' ratings)."""
    return [hook(org) for hook in current_app.extensions.get("market.organization_sections", [])]


@bp.get("/policy")
def policy():
    registry = policy_registry()
    current, created = policies.record(db(), registry)  # recorded now if not the latest
    if created:
        db().commit()
    return render_template(
        "market/policy.html",
        policy=policy_section(ACCOUNTS.name),
        tp=policy_section(TASKS.name),
        in_force=policies.describe(registry, current, policies.history(db()), translate),
    )


@bp.get("/audit/checkpoints")
def checkpoints():
    rows = db().exec(select(AuditCheckpoint).order_by(AuditCheckpoint.day.desc()).limit(366)).all()
    return render_template("market/checkpoints.html", rows=rows)


@bp.get("/calendar")
@bp.get("/calendar/<int:year>")
def calendar(year: int | None = None):
    year = year or clock.now().astimezone(SHANGHAI).year
    if not 2000 <= year <= 2100:
        abort(404)
    return render_template(
        "market/calendar.html",
        year=year,
        days=holidays.days_of_year(db(), year),
        known=year in holidays.known_years(db()),
    )
