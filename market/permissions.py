"""Who may act on what: plain functions, checked server-side for each object."""

from __future__ import annotations

from sqlalchemy import and_, false, or_, true
from sqlmodel import Session, select

from market.models import Jurisdiction, Organization, OrgKind, ServiceItem, Task, User


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


def jurisdiction_clause(session: Session, user: User | None, *, category, region_code):
    """The SQL twin of `regulator_covers`: a condition on the SQL expressions `category` and
    `region_code` that holds where `user`'s jurisdiction covers them (false for anyone but a
    regulator). One read of the jurisdiction, so a list filters by it whatever its length."""
    if not is_regulator(session, user):
        return false()
    covered = []
    for row in session.exec(
        select(Jurisdiction).where(Jurisdiction.organization_id == user.organization_id)
    ):
        category_ok = (
            true()
            if row.category is None or category is None
            else or_(category.is_(None), category == row.category)
        )
        region_ok = (
            true()
            if row.region_prefix is None
            else and_(
                region_code.is_not(None), region_code.startswith(row.region_prefix, autoescape=True)
            )
        )
        covered.append(and_(category_ok, region_ok))
    return or_(false(), *covered)


def task_jurisdiction_clause(session: Session, user: User | None):
    """A condition on Task: the tasks `user`'s jurisdiction covers (the task's service category
    and its applicant's region, as `market.suspensions.covers` decides for one task)."""
    return jurisdiction_clause(
        session,
        user,
        category=select(ServiceItem.category)
        .where(ServiceItem.id == Task.service_item_id)
        .scalar_subquery(),
        region_code=select(Organization.region_code)
        .where(Organization.id == Task.applicant_org_id)
        .scalar_subquery(),
    )


def sees_personal_data(session: Session, viewer: User | None, org: Organization) -> bool:
    """Members of the organization, operators and regulators; never the public."""
    if viewer is None:
        return False
    if viewer.organization_id == org.id:
        return True
    return kind_of(session, viewer) in (OrgKind.operator, OrgKind.regulator)
