"""The platform core's tables. Importing this package registers them on the shared metadata."""

from market.models.accounts import (
    ApiToken,
    ExpertCategory,
    Jurisdiction,
    Organization,
    OrgKind,
    RecoveryCode,
    Role,
    User,
)
from market.models.agencies import AgencyService, Professional, Qualification
from market.models.attachments import Attachment
from market.models.audit import AuditCheckpoint, AuditEvent, AuditHead
from market.models.calendar import CalendarDay, CalendarYear
from market.models.catalog import ServiceItem
from market.models.ledger import LedgerEntry, LedgerTransaction
from market.models.notifications import Notification
from market.models.outages import OutageMove, OutageNotice
from market.models.policy import PolicyVersion
from market.models.relations import AgencyRelation, DeclarationFinding, RepresentativeIdentity
from market.models.search import SearchOutbox
from market.models.stripe_events import StripeEvent
from market.models.tasks import (
    Funding,
    Method,
    Task,
    TaskAmendment,
    TaskExclusion,
    TaskSuspension,
)

__all__ = [
    "AgencyRelation",
    "AgencyService",
    "ApiToken",
    "Attachment",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditHead",
    "CalendarDay",
    "CalendarYear",
    "DeclarationFinding",
    "ExpertCategory",
    "Funding",
    "Jurisdiction",
    "LedgerEntry",
    "LedgerTransaction",
    "Method",
    "Notification",
    "Organization",
    "OrgKind",
    "OutageMove",
    "OutageNotice",
    "PolicyVersion",
    "Professional",
    "Qualification",
    "RecoveryCode",
    "RepresentativeIdentity",
    "Role",
    "SearchOutbox",
    "StripeEvent",
    "ServiceItem",
    "Task",
    "TaskAmendment",
    "TaskExclusion",
    "TaskSuspension",
    "User",
]
