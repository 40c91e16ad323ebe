"""Who may act on what: plain functions, checked server-side for each object."""

from __future__ import annotations

from sqlmodel import Session, select

from market.models import Jurisdiction, Organization, OrgKind, User


def kind_of(session: Session, user: User | None) -> str | None:
    if user is None:
        return None
    org = session.get(Organization, user.organization_id)
    return org.kind if org else None


def is_operator(session: Session, user: User | None) -> bool:
    return kind_of(session, user) == OrgKind.operator


def is_regulator(session: Session, user: User | None) -> bool:
    return kind_of(session, user) == OrgKind.regulator


def regulator_covers(
    session: Session,
    user: User | None,
    *,
    category: str | None = None,
    region_code: str | None = None,
) -> bool:
    """Whether a regulator's jurisdiction covers a service category and a region.

    A jurisdiction row with NULL category (or region prefix) covers every category (region).
    """
    if not is_regulator(session, user):
        return False
    for row in session.exec(
        select(Jurisdiction).where(Jurisdiction.organization_id == user.organization_id)
    ):
        category_ok = row.category is None or category is None or row.category == category
        region_ok = row.region_prefix is None or (
            region_code is not None and region_code.startswith(row.region_prefix)
        )
        if category_ok and region_ok:
            return True
    return False


def sees_personal_data(session: Session, viewer: User | None, org: Organization) -> bool:
    """Members of the organization, operators and regulators; never the public."""
    if viewer is None:
        return False
    if viewer.organization_id == org.id:
        return True
    return kind_of(session, viewer) in (OrgKind.operator, OrgKind.regulator)
