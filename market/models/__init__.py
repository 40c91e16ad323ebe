"""The platform core's tables. Importing this package registers them on the shared metadata."""
from market.models.accounts import (
    ApiToken,
    ExpertCategory,
    Jurisdiction,
    Organization,
    OrgKind,
    Role,
    User,
)
from market.models.agencies import AgencyService, Professional, Qualification
from market.models.audit import AuditCheckpoint, AuditEvent, AuditHead
from market.models.calendar import CalendarDay, CalendarYear
from market.models.catalog import ServiceItem

__all__ = [
    "AgencyService",
    "ApiToken",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditHead",
    "CalendarDay",
    "CalendarYear",
    "ExpertCategory",
    "Jurisdiction",
    "Organization",
    "OrgKind",
    "Professional",
    "Qualification",
    "Role",
    "ServiceItem",
    "User",
]
