"""Request and response shapes of the core API (documentation and type checks).

Field rules (lengths, USCC, duplicates…) are checked by the services, so that the form and the API
give the same specific messages; these models only fix the shape.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool


class Strict(BaseModel):
    """A request body: no unknown field, and JSON's own types only (strict mode: `true` is no
    integer, `"50000"` and `1.0` are none either, a list must be a list)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class LoginIn(Strict):
    email: str
    password: str
    totp: str | None = None


class UserFields(Strict):
    user_name: str | None = None
    email: str | None = None
    phone: str | None = None
    password: str | None = None


REGION_CODE = (
    "six-digit administrative division code of GB/T 2260 (a province 220000, a city 220100, a "
    "district or county 220102); a code that names no division is refused"
)


class EnterpriseIn(UserFields):
    name: str | None = None
    uscc: str | None = None
    legal_representative: str | None = None
    region_code: str | None = Field(default=None, description=REGION_CODE)


class EnterpriseRegistrationIn(EnterpriseIn):
    """POST /organizations without a kind, or with kind "enterprise" (the endpoint checks)."""

    kind: Literal["enterprise"] | None = None


class AgencyServiceIn(Strict):
    service_item: str | None = None
    commitment_days: int | None = None
    commitment_scope: str | None = None
    price_min_fen: int | None = None
    price_max_fen: int | None = None


class ProfessionalIn(Strict):
    name: str | None = None
    certificate: str | None = None
    certificate_no: str | None = None
    id_number: str | None = None


class QualificationIn(Strict):
    """A declared qualification: its `type` (a code of `GET /qualification-types`), with `grade`
    and `scope` where the type has them. At registration a free-text `name` without a type is
    still taken, matched to a type by its words or left for the agency to choose the type."""

    type: str | None = None
    grade: str | None = None
    scope: str | None = None
    name: str | None = None
    certificate_no: str | None = None
    issuer: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None


class QualificationChange(Strict):
    """A qualification as the agency declares it on its own: always by type."""

    type: str | None = None
    grade: str | None = None
    scope: str | None = None
    certificate_no: str | None = None
    issuer: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None


class ServiceChange(Strict):
    """A service item the agency offers, changed: its time, scope and prices (in fen)."""

    commitment_days: int | None = None
    commitment_scope: str | None = None
    price_min_fen: int | None = None
    price_max_fen: int | None = None


class OwnProfessional(BaseModel):
    id: int
    name: str
    certificate: str
    certificate_no: str
    has_id_number: bool = Field(description="whether an ID number is stored; it is never shown")


class OwnProfessionalList(BaseModel):
    items: list[OwnProfessional]


class ProfileChange(Strict):
    """What an agency changes on its own profile (not its name, USCC or legal representative)."""

    region_code: str | None = None
    address: str | None = None
    description: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None


class AgencyIn(EnterpriseIn):
    address: str | None = None
    description: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    services: list[AgencyServiceIn] = []
    professionals: list[ProfessionalIn] = []
    qualifications: list[QualificationIn] = []
    # A signature is an explicit JSON true: lax parsing would take "yes" or 1 for one.
    commitment: StrictBool = False
    #: Optional: the legal representative's identity document, kept only as a keyed hash.
    representative_id_type: str | None = None
    representative_id_number: str | None = None


class IdentityIn(Strict):
    """The legal representative's identity document; the number is never stored or echoed."""

    document_type: str | None = Field(
        None, description="resident_id (the default), travel_permit or passport"
    )
    number: str | None = None


class IdentityVerificationIn(IdentityIn):
    """The number as on the documents the regulator checked, and what it checked."""

    basis: str | None = None


class RelationIn(Strict):
    """`first` holds a controlling share in (``holding``) or manages (``management``) `second`."""

    kind: str | None = Field(None, description="holding or management")
    first_uscc: str | None = None
    second_uscc: str | None = None
    basis: str | None = Field(
        None, description="The basis or source (a regulator), or the agency's statement"
    )


class FalseDeclarationIn(Strict):
    declaration: str | None = Field(None, description="representative_identity or relation")
    relation_id: int | None = Field(None, description="For a relation: the one it declared")
    task: str | None = Field(None, description="The task on which it came to light, if any")
    statement: str | None = None


class OperatorCreatedIn(UserFields):
    """POST /organizations by an operator: a department, regulator, expert or operator (an
    agency registers at /agencies; the service names the kinds it takes)."""

    kind: str = Field(json_schema_extra={"not": {"enum": ["enterprise", "agency"]}})
    name: str | None = None
    region_code: str | None = Field(default=None, description=REGION_CODE)
    categories: list[str] = []
    region_prefixes: list[str] = Field(
        default=[],
        description="a regulator's jurisdiction: provinces (2 digits, 22) and cities (4 digits, "
        "2201) of GB/T 2260; none = everywhere; a prefix that selects no division is refused",
    )


class ServiceItemPatch(Strict):
    name_zh: str | None = None
    name_en: str | None = None
    category: str | None = None
    legal_basis_zh: str | None = None
    legal_basis_en: str | None = None
    approval_item_zh: str | None = None
    approval_item_en: str | None = None
    approving_department_zh: str | None = None
    approving_department_en: str | None = None
    time_limit_wd: int | None = None
    workflow_zh: list[str] | None = None
    workflow_en: list[str] | None = None
    conditions_zh: str | None = None
    conditions_en: str | None = None
    fee_standard: str | None = None
    fee_note_zh: str | None = None
    fee_note_en: str | None = None
    department_commissioned: bool | None = None


class TokenIn(Strict):
    name: str


class PasswordChangeIn(Strict):
    current_password: str
    new_password: str


class PasswordResetRequestIn(Strict):
    email: str


class PasswordResetIn(Strict):
    token: str
    password: str


class SecondFactorOnIn(Strict):
    secret: str
    code: str


class PasswordConfirmIn(Strict):
    password: str


class DisableUserIn(Strict):
    reason: str


class CalendarDayIn(Strict):
    day: str
    is_workday: bool
    name: str | None = None
    mark_year_known: bool = False


# --- responses ---------------------------------------------------------------------------------


class Organization(BaseModel):
    id: int
    kind: str
    name: str
    uscc: str | None
    legal_representative: str | None
    region_code: str | None
    region_name: str | None = Field(
        description="the division's official name, province first (吉林省 长春市 南关区)"
    )
    listed_at: str | None
    honour_roll_since: str | None = Field(
        None, description="YYYY-MM: the first month of its current run on the honour roll"
    )
    contact_phone: str | None = None
    contact_email: str | None = None


class Me(BaseModel):
    id: int
    name: str
    email: str
    role: str
    organization: Organization
    second_factor: bool


class SessionState(BaseModel):
    csrf_token: str | None = Field(
        description=(
            "the token a browser's session sends as X-CSRFToken with its writes; null for a "
            "request with a Bearer token, which needs none"
        )
    )
    user: Me | None


class TokenEntry(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None
    revoked: bool


class TokenList(BaseModel):
    items: list[TokenEntry]


class QualificationVerified(BaseModel):
    id: int
    verification: str
    verified_at: str


class RejectionIn(Strict):
    reason: str | None = None


class QualificationGrade(BaseModel):
    code: str
    name_zh: str
    name_en: str


class QualificationType(BaseModel):
    code: str
    name_zh: str
    name_en: str
    holder: str
    grades: list[QualificationGrade]
    scope: bool


class QualificationTypeList(BaseModel):
    items: list[QualificationType]


class AgencyService(BaseModel):
    service_item: str
    name_zh: str
    name_en: str
    commitment_days: int
    commitment_scope: str
    price_min_fen: int
    price_max_fen: int


class Qualification(BaseModel):
    id: int
    type: str | None
    type_name_zh: str | None
    type_name_en: str | None
    grade: str | None
    grade_name_zh: str | None
    grade_name_en: str | None
    scope: str
    name: str
    certificate_no: str
    issuer: str
    valid_from: str | None
    valid_until: str | None
    #: needs_type, self_declared, verified or rejected
    verification: str
    verified_at: str | None
    rejected_at: str | None
    #: For the agency itself and regulators only.
    rejection_reason: str | None = None


class QualificationList(BaseModel):
    items: list[Qualification]


class QueueAgency(BaseModel):
    id: int
    name: str
    region_code: str


class QueuedQualification(Qualification):
    agency: QueueAgency


class QualificationQueue(BaseModel):
    state: str
    #: How many declarations of each state the regulator's jurisdiction holds.
    counts: dict[str, int]
    items: list[QueuedQualification]


class Agency(Organization):
    removed_at: str | None = Field(None, description="removed from the platform since (§6)")
    suspended_until: str | None = Field(
        None, description="suspended from selection until (a past moment: the suspension ended)"
    )
    warned_since: str | None = Field(None, description="a credit warning (grade D) since")
    services: list[AgencyService]
    qualifications: list[Qualification]


class HistoryEntry(BaseModel):
    at: str
    action: str = Field(
        description="agency.profile_changed, agency.service_offered, agency.service_changed "
        "or agency.service_withdrawn"
    )
    changes: dict[str, dict] = Field(description="public fields: {field: {old, new}}")
    private_changed: list[str] = Field(
        description="private fields (contact) that changed; their values are never shown"
    )
    service_item: str | None = Field(description="the service item of a service's change")
    service_name_zh: str | None
    service_name_en: str | None
    service: dict[str, int | str] = Field(
        description="an offered or withdrawn service: its time, scope and prices (fen)"
    )
    professional: dict[str, str] | None = Field(
        description="a professional's name, certificate and number (never the ID number)"
    )


class AgencyHistory(BaseModel):
    items: list[HistoryEntry]


#: A search's count when too many documents match to count them all (docs/rules.md §8).
TOTAL_ESTIMATED = Field(
    default=False,
    description="with q: true when more documents match than are counted (1,000): total is "
    "then a lower bound ('more than total'), and so are the facet counts, counted over the "
    "first matches only; false: total and the facet counts are exact",
)


class AgencyPage(BaseModel):
    items: list[Agency]
    total: int
    next_cursor: str | None
    total_estimated: bool = TOTAL_ESTIMATED


class RepresentativeIdentity(BaseModel):
    """The state of a declaration: never the number, nor its hash."""

    agency_id: int
    declared: bool
    document_type: str | None
    source: str | None
    declared_at: str | None
    verification: str | None = Field(description="self_declared, verified or found_false")
    verified_at: str | None
    verification_basis: str | None
    found_false_at: str | None


class OrgRef(BaseModel):
    id: int
    name: str
    uscc: str | None


class RecordEntry(BaseModel):
    kind: str = Field(description="late_signing, late_payment, …")
    at: str
    task: str | None
    text: str = Field(description="The fact in the reader's language")


class OrganizationRecord(BaseModel):
    organization: OrgRef
    items: list[RecordEntry] = Field(description="Newest first")


class AgencyRelation(BaseModel):
    id: int
    kind: str
    first: OrgRef
    second: OrgRef
    source: str = Field(description="regulator (established) or declared (flagged only)")
    established: bool
    basis: str
    recorded_at: str
    recorded_by_org_id: int
    revoked_at: str | None
    revoked_reason: str | None


class AgencyRelationList(BaseModel):
    items: list[AgencyRelation]


class DeclarationFinding(BaseModel):
    id: int
    agency: OrgRef
    declaration: str
    relation_id: int | None
    task: str | None
    statement: str
    found_at: str
    found_by_org_id: int


class DeclarationFindingList(BaseModel):
    items: list[DeclarationFinding]


class ServiceItem(BaseModel):
    code: str
    name_zh: str
    name_en: str
    category: str
    legal_basis_zh: str
    time_limit_wd: int
    workflow_zh: list[str]
    fee_standard: str
    required_qualifications: list[dict]
    department_commissioned: bool


class ServiceItemList(BaseModel):
    items: list[ServiceItem]
    #: With q: how many service items match.
    total: int | None = None
    total_estimated: bool = TOTAL_ESTIMATED


class Created(BaseModel):
    id: int
    totp_secret: str | None = None


class Token(BaseModel):
    id: int
    name: str
    prefix: str
    token: str | None = None


class AuditEvent(BaseModel):
    seq: int
    at: str
    action: str
    object_type: str
    object_id: str
    data: dict
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEvent]
    next_cursor: str | None


class Checkpoint(BaseModel):
    day: str
    seq: int
    hash: str


class CheckpointList(BaseModel):
    items: list[Checkpoint]


class CalendarYear(BaseModel):
    year: int
    known: bool
    days: list[dict]


class PlatformClock(BaseModel):
    now: str
    demo_clock: bool
    demo_offset_seconds: int


class CalendarDaySet(BaseModel):
    day: str
    is_workday: bool
    name: str | None


class TaskIn(Strict):
    service_item: str | None = None
    title: str | None = None
    description: str | None = None
    project_code: str | None = None
    approval_item: str | None = None
    funding: str | None = None
    budget_code: str | None = None
    method: str | None = None
    price_cap_fen: int | None = None
    fixed_fee_fen: int | None = None
    min_bids: int | None = None
    weight_price: int | None = None
    weight_credit: int | None = None
    weight_quality: int | None = None
    panel_size: int | None = None
    invited_agency_id: int | None = None
    service_days: int | None = None
    bidding_wd: int | None = None
    required_qualifications: list[str] | None = Field(
        None,
        description=(
            "Types of qualification among the service item's legal ones (GET "
            '/qualification-types), each once: "surveying", or "surveying:A" for grade A '
            "or higher"
        ),
    )


class AmendmentIn(TaskIn):
    reason: str | None = None


class ReasonIn(Strict):
    reason: str | None = None


class ExclusionIn(Strict):
    agency_id: int
    ground: str
    statement: str | None = None


class TimelineStage(BaseModel):
    #: posted, bidding, opening, validity, panel, publicity, award, contract, delivery,
    #: acceptance; suspended (in force, or ended); or failed, terminated, cancelled (the end).
    stage: str
    at: str | None
    due_at: str | None
    #: done, current or upcoming.
    state: str
    #: The award stage once final: the award notice's number.
    notice_number: str | None = None
    #: A suspension: when it ended (None while in force).
    until: str | None = None


class NextDeadline(BaseModel):
    stage: str
    at: str
    #: Whole working days left before it (market/workdays.py).
    working_days: int


class Timeline(BaseModel):
    stages: list[TimelineStage]
    next_deadline: NextDeadline | None


class DashboardTask(BaseModel):
    number: str
    title: str | None


class DashboardItem(BaseModel):
    #: What kind of action (a stable code: answer_questions, sign_contract, …).
    kind: str
    #: The action, in the reader's language.
    action: str
    task: DashboardTask | None
    due_at: str | None
    #: Whole working days left before `due_at` (market/workdays.py); None without a deadline.
    working_days_left: int | None
    overdue: bool
    #: Years without a loaded official calendar the count assumed weekends only for.
    weekends_only_years: list[int]
    #: The page where the action is done.
    url: str


class Dashboard(BaseModel):
    items: list[DashboardItem]


class Task(BaseModel):
    number: str
    status: str
    title: str
    description: str
    service_item: str
    applicant: dict
    funding: str
    method: str
    price_cap_fen: int | None
    fixed_fee_fen: int | None
    min_bids: int
    service_days: int
    published_at: str | None
    deadline_at: str | None
    deadline_calendar_fallback: bool
    amendments: list[dict]
    exclusions: list[dict]
    attachments: list[dict] = []
    #: The stages with their dates (a single task's representation; lists leave it out).
    timeline: Timeline | None = None


class Attachment(BaseModel):
    sha256: str
    filename: str
    size: int
    content_type: str
    uploaded_at: str


class AttachmentList(BaseModel):
    items: list[Attachment]


class AmendmentList(BaseModel):
    items: list[dict]


class TaskPage(BaseModel):
    items: list[Task]
    next_cursor: str | None
    #: How many tasks the whole filtered list holds (a full-text search with q leaves it out).
    total: int | None = None
    total_estimated: bool = TOTAL_ESTIMATED


class MyTask(Task):
    #: How many bids stood at opening; null while the task is sealed (before its opening).
    bids: int | None
    #: Its questions awaiting the applicant's answer.
    unanswered_questions: int


class MyTaskPage(BaseModel):
    items: list[MyTask]
    next_cursor: str | None
    total: int


class PolicySetting(BaseModel):
    key: str
    label: str
    #: As in the policy document: shares as "p/q" strings, a mapping's keys as strings.
    value: int | str | dict[str, int | str]


class PolicySection(BaseModel):
    name: str
    title: str
    settings: list[PolicySetting]
    #: Labels of the codes used as keys of a mapping setting (e.g. the funding kinds).
    value_labels: dict[str, str]


class PolicyVersion(BaseModel):
    version: int
    #: SHA-256 (lowercase hex) of `document`'s UTF-8 bytes.
    sha256: str
    recorded_at: str
    #: Every section's settings as canonical JSON (RFC 8785): {section: {setting: value}}.
    document: str


class PolicyInForce(PolicyVersion):
    sections: list[PolicySection]
    #: The versions before this one, newest first.
    earlier: list[PolicyVersion]


class PolicyVersionList(BaseModel):
    items: list[PolicyVersion]


class Accepted(BaseModel):
    detail: str


class SecondFactorSetup(BaseModel):
    secret: str
    otpauth_uri: str


class RecoveryCodes(BaseModel):
    recovery_codes: list[str]


class UserAccount(BaseModel):
    id: int
    name: str
    email: str
    organization_id: int
    organization_kind: str
    organization_name: str
    second_factor: bool
    last_login_at: str | None
    disabled_at: str | None
    disabled_reason: str | None


class UserAccountList(BaseModel):
    items: list[UserAccount]


# --- outage notices ------------------------------------------------------------------------------


class OutageNoticeIn(Strict):
    #: ISO 8601; without an offset, read in Asia/Shanghai.
    started_at: str
    ended_at: str
    reason: str
    #: Working days, 1 to 10 (the service says which bound a value breaks).
    extension_wd: int = Field(description="Working days to extend by, 1 to 10")


class OutageMove(BaseModel):
    task_number: str
    task_title: str
    #: "task_deadline", "explanation", "invitation", or a later stage's own deadline.
    deadline: str
    old_at: str
    new_at: str


class OutageNoticeSummary(BaseModel):
    id: int
    started_at: str
    ended_at: str
    reason: str
    extension_wd: int
    window_ends_at: str
    published_at: str


class OutageNotice(OutageNoticeSummary):
    moves: list[OutageMove]


class OutageNoticeList(BaseModel):
    items: list[OutageNoticeSummary]


class Health(BaseModel):
    """The process serves requests (nothing else is checked: no database, no login)."""

    status: Literal["ok"]
