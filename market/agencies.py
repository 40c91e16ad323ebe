"""Zero-barrier agency entry and the public agency directory.

An agency is listed the moment it registers: no fee, no approval, no quota, and no condition on
region, industry or size. What it declares is published as declared ("self-declared") until a
regulator verifies a qualification.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, func, select

from market import audit, catalog, clock, identity, regions, relations, search
from market.accounts import (
    Policy,
    check_phone,
    check_region,
    check_user_fields,
    new_user,
    registration_refusal,
)
from market.models import (
    AgencyService,
    AuditEvent,
    Organization,
    OrgKind,
    Professional,
    Qualification,
    ServiceItem,
    User,
)
from market.permissions import is_regulator, regulator_covers
from market.validation import N_, Checker, Forbidden, Invalid, Message, NotFound

#: The commitment statement (承诺制) an agency signs; its version is stored with the signature.
COMMITMENT_VERSION = "2026-1"
MAX_ROWS = 50
MAX_PRICE_FEN = 10**12


def _rows(data: dict, key: str) -> list[dict]:
    rows = data.get(key) or []
    if not isinstance(rows, list):
        return []
    # Form rows left entirely blank are not rows.
    return [
        r for r in rows if isinstance(r, dict) and any(str(v or "").strip() for v in r.values())
    ]


def check_service(checker: Checker, session: Session, prefix: str, row: dict) -> dict:
    """One service item an agency offers: the item of the catalog, the committed time and scope,
    and the price range in fen."""
    item = None
    code = row.get("service_item")
    if not code:
        checker.add(prefix + "service_item", N_("Choose a service item."))
    else:
        item = session.exec(select(ServiceItem).where(ServiceItem.code == str(code))).first()
        if item is None:
            checker.add(prefix + "service_item", N_("Unknown service item."))
    days = checker.integer(
        prefix + "commitment_days", row.get("commitment_days"), minimum=1, maximum=3650
    )
    scope = checker.text(
        prefix + "commitment_scope", row.get("commitment_scope"), max_length=500, multiline=True
    )
    low = checker.money(prefix + "price_min_fen", row.get("price_min_fen"), maximum=MAX_PRICE_FEN)
    high = checker.money(prefix + "price_max_fen", row.get("price_max_fen"), maximum=MAX_PRICE_FEN)
    if low is not None and high is not None and low > high:
        checker.add(prefix + "price_max_fen", N_("The highest price is below the lowest price."))
    return {"item": item, "days": days, "scope": scope, "low": low, "high": high}


def _check_services(checker: Checker, session: Session, rows: list[dict]) -> list[dict]:
    clean, seen = [], set()
    if not rows:
        checker.add("services", N_("Offer at least one service item."))
    for i, row in enumerate(rows[:MAX_ROWS]):
        one = check_service(checker, session, f"services.{i}.", row)
        if one["item"] is not None:
            if one["item"].id in seen:
                checker.add(f"services.{i}.service_item", N_("This service item is listed twice."))
            seen.add(one["item"].id)
        clean.append(one)
    if len(rows) > MAX_ROWS:
        checker.add("services", N_("At most %(max)d rows."), max=MAX_ROWS)
    return clean


def check_professional(checker: Checker, prefix: str, row: dict) -> dict:
    """One registered professional: name, certificate and its number, and the resident ID number
    (optional, checked with its check character; personal data, never public)."""
    id_number = identity.check_resident_id(checker, prefix + "id_number", row.get("id_number"))
    return {
        "name": checker.text(
            prefix + "name", row.get("name"), max_length=50, markup=False, identity=True
        ),
        "certificate": checker.text(
            prefix + "certificate", row.get("certificate"), max_length=100, markup=False
        ),
        "certificate_no": checker.text(
            prefix + "certificate_no", row.get("certificate_no"), max_length=50, markup=False
        ),
        "id_number": id_number,
    }


def _check_professionals(checker: Checker, rows: list[dict]) -> list[dict]:
    clean = [
        check_professional(checker, f"professionals.{i}.", row)
        for i, row in enumerate(rows[:MAX_ROWS])
    ]
    if len(rows) > MAX_ROWS:
        checker.add("professionals", N_("At most %(max)d rows."), max=MAX_ROWS)
    return clean


def check_qualification(checker: Checker, prefix: str, row: dict, free_text: bool = False) -> dict:
    """One declared qualification: a type of the catalog (with a grade and a scope where the type
    has them), certificate number, issuer and validity. A row that names no type but only a
    free-text `name` (registration, with `free_text`, keeps it for older clients) is matched to a type by that name
    as migration 0009 matched the older declarations; what matches no type is kept and flagged for
    the agency to choose its type."""
    today = clock.now().date()
    type_code = row.get("type")
    grade = row.get("grade") or None
    scope = checker.text(prefix + "scope", row.get("scope"), max_length=200, required=False)
    if type_code or not free_text or not row.get("name"):
        kind = catalog.qualification_type(str(type_code or ""))
        if not type_code:
            checker.add(prefix + "type", N_("Choose the type of qualification."))
        elif kind is None:
            checker.add(prefix + "type", N_("Unknown type of qualification."))
        elif kind["grades"] and grade not in catalog.grade_codes(kind["code"]):
            checker.add(prefix + "grade", N_("Choose the grade stated on the certificate."))
        elif not kind["grades"] and grade:
            checker.add(prefix + "grade", N_("This type of qualification has no grades."))
        name = catalog.type_label(kind["code"], grade) if kind else ""
    else:
        name = checker.text(prefix + "name", row.get("name"), max_length=100, markup=False)
        type_code, grade = catalog.match_free_text(name or "")
        kind = catalog.qualification_type(type_code)
    valid_from = checker.date(prefix + "valid_from", row.get("valid_from"), required=False)
    valid_until = checker.date(prefix + "valid_until", row.get("valid_until"), required=False)
    if valid_until is not None and valid_until < today:
        checker.add(prefix + "valid_until", N_("This qualification has already expired."))
    elif valid_from is not None and valid_until is not None and valid_until < valid_from:
        checker.add(prefix + "valid_until", N_("The end of validity is before its start."))
    return {
        "type_code": kind["code"] if kind else None,
        "grade": grade if kind and kind["grades"] else None,
        "scope": scope or "",
        "name": name,
        "certificate_no": checker.text(
            prefix + "certificate_no", row.get("certificate_no"), max_length=50, markup=False
        ),
        "issuer": checker.text(
            prefix + "issuer", row.get("issuer"), max_length=100, markup=False, identity=True
        ),
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


def _check_qualifications(checker: Checker, rows: list[dict]) -> list[dict]:
    clean = [
        check_qualification(checker, f"qualifications.{i}.", row, free_text=True)
        for i, row in enumerate(rows[:MAX_ROWS])
    ]
    if len(rows) > MAX_ROWS:
        checker.add("qualifications", N_("At most %(max)d rows."), max=MAX_ROWS)
    return clean


#: What an agency changes on its own profile; the name, the USCC and the legal representative
#: come from the business licence and are not among them.
PROFILE_FIELDS = (
    "region_code",
    "address",
    "description",
    "contact_name",
    "contact_phone",
    "contact_email",
)
#: Shown to the agency and those who see personal data only: the public history says that they
#: changed, never what they were or are.
PRIVATE_PROFILE_FIELDS = ("contact_name", "contact_phone", "contact_email")
#: The audit events an agency's public history shows.
HISTORY_ACTIONS = (
    "agency.profile_changed",
    "agency.service_offered",
    "agency.service_changed",
    "agency.service_withdrawn",
    "agency.professional_added",
    "agency.professional_changed",
    "agency.professional_removed",
)


def _check_profile(checker: Checker, data: dict) -> dict:
    return {
        "region_code": check_region(checker, "region_code", data.get("region_code")),
        "address": checker.text(
            "address", data.get("address"), max_length=200, required=False, markup=False
        ),
        "description": checker.text(
            "description", data.get("description"), max_length=2000, required=False, multiline=True
        ),
        "contact_name": checker.text(
            "contact_name", data.get("contact_name"), max_length=50, markup=False, identity=True
        ),
        "contact_phone": check_phone(
            checker, "contact_phone", data.get("contact_phone"), required=True
        ),
        "contact_email": checker.text(
            "contact_email", data.get("contact_email"), max_length=254, required=False
        ),
    }


def register_agency(
    session: Session, data: dict, policy: Policy = Policy(), checks: Sequence[Callable] = ()
) -> User:
    """Register an agency and its administrator; listed at once. All or nothing."""
    checker = Checker()
    name = checker.text("name", data.get("name"), max_length=100, markup=False, identity=True)
    uscc = checker.uscc("uscc", data.get("uscc"))
    refusal = registration_refusal(session, uscc, checks) if uscc else None
    if refusal is not None:
        checker.add("uscc", refusal.msgid, **refusal.params)
    elif uscc and session.exec(select(Organization.id).where(Organization.uscc == uscc)).first():
        checker.add(
            "uscc",
            N_("An organization with this unified social credit code is already registered."),
        )
    org_fields = {
        "legal_representative": checker.text(
            "legal_representative",
            data.get("legal_representative"),
            max_length=50,
            markup=False,
            identity=True,
        ),
        **_check_profile(checker, data),
    }
    # Optional at entry (zero barriers), and on the profile later; kept only as a keyed hash.
    document = identity.check_document(
        checker,
        "representative_id_type",
        "representative_id_number",
        data.get("representative_id_type"),
        data.get("representative_id_number"),
        required=False,
    )
    services = _check_services(checker, session, _rows(data, "services"))
    professionals = _check_professionals(checker, _rows(data, "professionals"))
    qualifications = _check_qualifications(checker, _rows(data, "qualifications"))
    if data.get("commitment") is not True:
        checker.add("commitment", N_("The commitment statement must be signed to register."))
    user_fields = check_user_fields(checker, session, data, policy)
    checker.raise_if_any()

    now = clock.now()
    org = Organization(
        kind=OrgKind.agency,
        name=name,
        uscc=uscc,
        created_at=now,
        listed_at=now,
        commitment_signed_at=now,
        commitment_version=COMMITMENT_VERSION,
        **org_fields,
    )
    session.add(org)
    session.flush()
    for s in services:
        session.add(
            AgencyService(
                organization_id=org.id,
                service_item_id=s["item"].id,
                commitment_days=s["days"],
                commitment_scope=s["scope"],
                price_min_fen=s["low"],
                price_max_fen=s["high"],
            )
        )
    for p in professionals:
        session.add(Professional(organization_id=org.id, **p))
    for q in qualifications:
        session.add(Qualification(organization_id=org.id, **q))
    user = new_user(org, user_fields)
    session.add(user)
    session.flush()
    audit.record(
        session,
        "agency.registered",
        "organization",
        org.id,
        {
            "name": name,
            "uscc": uscc,
            "commitment_version": COMMITMENT_VERSION,
            "services": [s["item"].code for s in services],
            "qualifications": [q["name"] for q in qualifications],
        },
        actor_user_id=user.id,
        actor_org_id=org.id,
    )
    if document is not None:
        relations.store_declared_identity(session, org, user, document)
    search.index(session, "agencies", org.id)
    return user


def _regulated_qualification(
    session: Session, actor: User, qualification_id: int, agency_id: int | None
) -> tuple[Qualification, Organization]:
    q = session.get(Qualification, qualification_id)
    if q is None or (agency_id is not None and q.organization_id != agency_id):
        raise NotFound()
    agency = session.get(Organization, q.organization_id)
    if not regulator_covers(session, actor, region_code=agency.region_code):
        raise Forbidden(N_("This agency is outside your jurisdiction."))
    return q, agency


def _summary(q: Qualification) -> dict:
    return {
        "type": q.type_code,
        "grade": q.grade,
        "scope": q.scope,
        "name": q.name,
        "certificate_no": q.certificate_no,
        "issuer": q.issuer,
        "valid_from": q.valid_from.isoformat() if q.valid_from else None,
        "valid_until": q.valid_until.isoformat() if q.valid_until else None,
    }


def verify_qualification(
    session: Session, actor: User, qualification_id: int, agency_id: int | None = None
) -> Qualification:
    """A regulator whose jurisdiction covers the agency's region marks a qualification verified
    (also one it rejected before, which then stands again). A declaration without a type cannot
    be verified: there is nothing structured to check against the certificate."""
    q, agency = _regulated_qualification(session, actor, qualification_id, agency_id)
    if q.type_code is None:
        raise Invalid({"": [Message(N_("The agency has not chosen the type yet."))]})
    if q.verified_at is None:
        q.verified_at = clock.now()
        q.verified_by_user_id = actor.id
        q.rejected_at, q.rejected_by_user_id, q.rejection_reason = None, None, ""
        session.add(q)
        audit.record(
            session,
            "qualification.verified",
            "qualification",
            q.id,
            {"agency": agency.id, "name": q.name, "certificate_no": q.certificate_no},
            actor_user_id=actor.id,
            actor_org_id=actor.organization_id,
        )
        search.index(session, "agencies", agency.id)
    return q


def reject_qualification(
    session: Session,
    actor: User,
    qualification_id: int,
    reason: object,
    agency_id: int | None = None,
) -> Qualification:
    """A regulator rejects a declared qualification with a reason the agency sees; a rejected
    qualification counts for no task until the agency changes it and it is verified, or a
    regulator verifies it after all."""
    q, agency = _regulated_qualification(session, actor, qualification_id, agency_id)
    checker = Checker()
    text = checker.text("reason", reason, max_length=500, multiline=True)
    checker.raise_if_any()
    q.rejected_at = clock.now()
    q.rejected_by_user_id = actor.id
    q.rejection_reason = text
    q.verified_at, q.verified_by_user_id = None, None
    session.add(q)
    audit.record(
        session,
        "qualification.rejected",
        "qualification",
        q.id,
        {"agency": agency.id, "name": q.name, "reason": text},
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    search.index(session, "agencies", agency.id)
    return q


QUEUE_STATES = ("self_declared", "needs_type", "rejected", "verified")


def state_of(q: Qualification) -> str:
    """ "needs_type" (the agency must choose its type or grade), "rejected", "verified" or
    "self_declared" (waiting for a regulator)."""
    if needs_type(q):
        return "needs_type"
    if q.rejected_at is not None:
        return "rejected"
    return "verified" if q.verified_at else "self_declared"


@dataclass
class Queue:
    state: str
    rows: list[tuple[Qualification, Organization]]
    counts: dict[str, int]


def regulator_queue(session: Session, actor: User, state: str = "self_declared") -> Queue:
    """The declared qualifications of the agencies in a regulator's jurisdiction in one state
    (by default those waiting for a decision), with the count of each state."""
    if not is_regulator(session, actor):
        raise Forbidden(N_("Only regulators verify qualifications."))
    if state not in QUEUE_STATES:
        raise Invalid({"state": [Message(N_("Unknown state."))]})
    rows = session.exec(
        select(Qualification, Organization)
        .join(Organization, Organization.id == Qualification.organization_id)
        .order_by(Qualification.id)
    ).all()
    covered = [
        (q, o) for q, o in rows if regulator_covers(session, actor, region_code=o.region_code)
    ]
    counts = dict.fromkeys(QUEUE_STATES, 0)
    for q, _o in covered:
        counts[state_of(q)] += 1
    return Queue(state, [(q, o) for q, o in covered if state_of(q) == state], counts)


def needs_type(q: Qualification) -> bool:
    """Whether the agency must still choose the type (or the grade) of a declaration."""
    return q.type_code is None or (bool(catalog.grade_codes(q.type_code)) and q.grade is None)


def _agency_acting_for_itself(
    session: Session, actor: User, agency_id: int, refusal: str
) -> Organization:
    org = session.get(Organization, agency_id)
    if org is None or org.kind != OrgKind.agency:
        raise NotFound()
    if actor.organization_id != org.id:
        raise Forbidden(refusal)
    return org


def _row_of(session: Session, org: Organization, model, row_id: int):
    """The agency's own row of `model` (a qualification, a professional); NotFound otherwise."""
    row = session.get(model, row_id)
    if row is None or row.organization_id != org.id:
        raise NotFound()
    return row


def own_agency(session: Session, actor: User, agency_id: int) -> Organization:
    return _agency_acting_for_itself(
        session, actor, agency_id, N_("Only the agency itself may change its qualifications.")
    )


def qualifications_of(session: Session, agency_id: int) -> list[Qualification]:
    return list(
        session.exec(
            select(Qualification)
            .where(Qualification.organization_id == agency_id)
            .order_by(Qualification.id)
        )
    )


def declare_qualification(
    session: Session, actor: User, agency_id: int, data: dict
) -> Qualification:
    """The agency declares one more qualification, self-declared until a regulator verifies it."""
    org = own_agency(session, actor, agency_id)
    checker = Checker()
    clean = check_qualification(checker, "", data)
    if len(qualifications_of(session, org.id)) >= MAX_ROWS:
        checker.add("qualifications", N_("At most %(max)d rows."), max=MAX_ROWS)
    checker.raise_if_any()
    q = Qualification(organization_id=org.id, **clean)
    session.add(q)
    session.flush()
    audit.record(
        session,
        "qualification.declared",
        "qualification",
        q.id,
        {"agency": org.id, **_summary(q)},
        actor_user_id=actor.id,
        actor_org_id=org.id,
    )
    search.index(session, "agencies", org.id)
    return q


def _own_qualification(
    session: Session, actor: User, agency_id: int, qualification_id: int
) -> tuple[Organization, Qualification]:
    org = own_agency(session, actor, agency_id)
    return org, _row_of(session, org, Qualification, qualification_id)


def change_qualification(
    session: Session, actor: User, agency_id: int, qualification_id: int, data: dict
) -> Qualification:
    """The agency changes a declaration; a changed one is self-declared again (its verification
    or rejection lapses) until a regulator verifies it anew."""
    org, q = _own_qualification(session, actor, agency_id, qualification_id)
    checker = Checker()
    clean = check_qualification(checker, "", data)
    checker.raise_if_any()
    before = _summary(q)
    for name, value in clean.items():
        setattr(q, name, value)
    after = _summary(q)
    diff = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
    if diff:
        q.verified_at, q.verified_by_user_id = None, None
        q.rejected_at, q.rejected_by_user_id, q.rejection_reason = None, None, ""
        session.add(q)
        audit.record(
            session,
            "qualification.changed",
            "qualification",
            q.id,
            {"agency": org.id, "changes": diff},
            actor_user_id=actor.id,
            actor_org_id=org.id,
        )
        search.index(session, "agencies", org.id)
    return q


def remove_qualification(
    session: Session, actor: User, agency_id: int, qualification_id: int
) -> None:
    """The agency withdraws a declaration; the audit log keeps what it was."""
    org, q = _own_qualification(session, actor, agency_id, qualification_id)
    summary = _summary(q)
    session.delete(q)
    session.flush()
    audit.record(
        session,
        "qualification.removed",
        "qualification",
        qualification_id,
        {"agency": org.id, **summary},
        actor_user_id=actor.id,
        actor_org_id=org.id,
    )
    search.index(session, "agencies", org.id)


# --- the agency's own profile -------------------------------------------------------------------


def own_profile(session: Session, actor: User, agency_id: int) -> Organization:
    return _agency_acting_for_itself(
        session, actor, agency_id, N_("Only the agency itself may change its profile.")
    )


def change_profile(session: Session, actor: User, agency_id: int, data: dict) -> Organization:
    """The agency changes its address, description, contact and region, with the checks of
    registration; the audit records what changed, and of the private contact fields only that
    they changed."""
    org = own_profile(session, actor, agency_id)
    checker = Checker()
    clean = _check_profile(checker, data)
    checker.raise_if_any()
    changes, private = {}, []
    for name in PROFILE_FIELDS:
        old, new = getattr(org, name), clean[name]
        if (old or None) == (new or None):
            continue
        if name in PRIVATE_PROFILE_FIELDS:
            private.append(name)
        else:
            changes[name] = {"old": old, "new": new}
        setattr(org, name, new)
    if changes or private:
        session.add(org)
        audit.record(
            session,
            "agency.profile_changed",
            "organization",
            org.id,
            {"changes": changes, "private_changed": private},
            actor_user_id=actor.id,
            actor_org_id=org.id,
        )
        search.index(session, "agencies", org.id)
    return org


def services_of(session: Session, agency_id: int) -> list[tuple[AgencyService, ServiceItem]]:
    return list(
        session.exec(
            select(AgencyService, ServiceItem)
            .join(ServiceItem)
            .where(AgencyService.organization_id == agency_id)
            .order_by(ServiceItem.code)
        )
    )


def _service_summary(s: AgencyService) -> dict:
    return {
        "commitment_days": s.commitment_days,
        "commitment_scope": s.commitment_scope,
        "price_min_fen": s.price_min_fen,
        "price_max_fen": s.price_max_fen,
    }


def _record_service(session, actor, org, action, code, data) -> None:
    audit.record(
        session,
        action,
        "organization",
        org.id,
        {"service_item": code, **data},
        actor_user_id=actor.id,
        actor_org_id=org.id,
    )
    search.index(session, "agencies", org.id)


def offer_service(session: Session, actor: User, agency_id: int, data: dict) -> AgencyService:
    """The agency offers one more service item, with the checks of registration (audited)."""
    org = own_profile(session, actor, agency_id)
    checker = Checker()
    clean = check_service(checker, session, "", data)
    offered = services_of(session, org.id)
    if clean["item"] is not None and any(i.id == clean["item"].id for _s, i in offered):
        checker.add("service_item", N_("You offer this service item already; change it instead."))
    if len(offered) >= MAX_ROWS:
        checker.add("services", N_("At most %(max)d rows."), max=MAX_ROWS)
    checker.raise_if_any()
    row = AgencyService(
        organization_id=org.id,
        service_item_id=clean["item"].id,
        commitment_days=clean["days"],
        commitment_scope=clean["scope"],
        price_min_fen=clean["low"],
        price_max_fen=clean["high"],
    )
    session.add(row)
    session.flush()
    _record_service(
        session, actor, org, "agency.service_offered", clean["item"].code, _service_summary(row)
    )
    return row


def _own_service(
    session: Session, actor: User, agency_id: int, code: str
) -> tuple[Organization, AgencyService, ServiceItem]:
    org = own_profile(session, actor, agency_id)
    for row, item in services_of(session, org.id):
        if item.code == code:
            return org, row, item
    raise NotFound()


def change_service(
    session: Session, actor: User, agency_id: int, code: str, data: dict
) -> AgencyService:
    """The agency changes the time, scope or prices of a service item it offers (audited: the
    old and new values, all of them public)."""
    org, row, item = _own_service(session, actor, agency_id, code)
    checker = Checker()
    clean = check_service(checker, session, "", {**data, "service_item": code})
    checker.raise_if_any()
    before = _service_summary(row)
    row.commitment_days, row.commitment_scope = clean["days"], clean["scope"]
    row.price_min_fen, row.price_max_fen = clean["low"], clean["high"]
    after = _service_summary(row)
    diff = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
    if diff:
        session.add(row)
        _record_service(session, actor, org, "agency.service_changed", code, {"changes": diff})
    return row


def withdraw_service(session: Session, actor: User, agency_id: int, code: str) -> None:
    """The agency stops offering a service item; it keeps at least one, as at registration."""
    org, row, item = _own_service(session, actor, agency_id, code)
    if len(services_of(session, org.id)) == 1:
        raise Invalid({"services": [Message(N_("Offer at least one service item."))]})
    summary = _service_summary(row)
    session.delete(row)
    session.flush()
    _record_service(session, actor, org, "agency.service_withdrawn", code, summary)


def professionals_of(session: Session, agency_id: int) -> list[Professional]:
    return list(
        session.exec(
            select(Professional)
            .where(Professional.organization_id == agency_id)
            .order_by(Professional.id)
        )
    )


def _professional_summary(p: Professional) -> dict:
    """What the public profile shows of a professional: never the ID number."""
    return {"name": p.name, "certificate": p.certificate, "certificate_no": p.certificate_no}


def _record_professional(session, actor, org, action, pid: int, summary: dict, extra: dict) -> None:
    audit.record(
        session,
        action,
        "organization",
        org.id,
        {"professional_id": pid, "professional": summary, **extra},
        actor_user_id=actor.id,
        actor_org_id=org.id,
    )
    search.index(session, "agencies", org.id)


def add_professional(session: Session, actor: User, agency_id: int, data: dict) -> Professional:
    """The agency registers one more professional, with the checks of registration (audited;
    of the ID number only that one was given)."""
    org = own_profile(session, actor, agency_id)
    checker = Checker()
    clean = check_professional(checker, "", data)
    if len(professionals_of(session, org.id)) >= MAX_ROWS:
        checker.add("professionals", N_("At most %(max)d rows."), max=MAX_ROWS)
    checker.raise_if_any()
    p = Professional(organization_id=org.id, **clean)
    session.add(p)
    session.flush()
    private = ["id_number"] if p.id_number else []
    _record_professional(
        session,
        actor,
        org,
        "agency.professional_added",
        p.id,
        _professional_summary(p),
        {"private_changed": private},
    )
    return p


def _own_professional(
    session: Session, actor: User, agency_id: int, professional_id: int
) -> tuple[Organization, Professional]:
    org = own_profile(session, actor, agency_id)
    return org, _row_of(session, org, Professional, professional_id)


def change_professional(
    session: Session, actor: User, agency_id: int, professional_id: int, data: dict
) -> Professional:
    """The agency changes a professional. The ID number is never shown back, so an empty one
    keeps the number stored; a new one is checked and recorded as changed, not by its value."""
    org, p = _own_professional(session, actor, agency_id, professional_id)
    checker = Checker()
    clean = check_professional(checker, "", data)
    checker.raise_if_any()
    before = _professional_summary(p)
    p.name, p.certificate, p.certificate_no = (
        clean["name"],
        clean["certificate"],
        clean["certificate_no"],
    )
    after = _professional_summary(p)
    diff = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
    private = []
    if clean["id_number"] is not None and clean["id_number"] != p.id_number:
        p.id_number = clean["id_number"]
        private.append("id_number")
    if diff or private:
        session.add(p)
        _record_professional(
            session,
            actor,
            org,
            "agency.professional_changed",
            p.id,
            after,
            {"changes": diff, "private_changed": private},
        )
    return p


def remove_professional(
    session: Session, actor: User, agency_id: int, professional_id: int
) -> None:
    """The agency removes a professional; the audit log keeps who it was (not the ID number)."""
    org, p = _own_professional(session, actor, agency_id, professional_id)
    summary = _professional_summary(p)
    session.delete(p)
    session.flush()
    _record_professional(
        session, actor, org, "agency.professional_removed", professional_id, summary, {}
    )


def profile_history(session: Session, agency_id: int, limit: int = 100) -> list[dict]:
    """The public history of an agency's profile, newest first: what changed and when; of the
    private fields only their names (the audit never holds their values)."""
    events = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == "organization",
            AuditEvent.object_id == str(agency_id),
            AuditEvent.action.in_(HISTORY_ACTIONS),
        )
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    ).all()
    codes = {e.data["service_item"] for e in events if e.data.get("service_item")}
    names = {
        i.code: i for i in session.exec(select(ServiceItem).where(ServiceItem.code.in_(codes)))
    }
    return [
        {
            "at": e.at,
            "action": e.action,
            "service_item": e.data.get("service_item"),
            "service_name_zh": getattr(names.get(e.data.get("service_item")), "name_zh", None),
            "service_name_en": getattr(names.get(e.data.get("service_item")), "name_en", None),
            "changes": e.data.get("changes", {}),
            "private_changed": e.data.get("private_changed", []),
            "service": {k: e.data[k] for k in e.data if k.startswith(("commitment", "price"))},
            "professional": e.data.get("professional"),
        }
        for e in events
    ]


# --- directory -------------------------------------------------------------------------------


@dataclass
class AgencyCard:
    org: Organization
    services: list[tuple[AgencyService, ServiceItem]]
    qualifications: list[Qualification]
    professionals: list[Professional]


def check_region_filter(value: str | None) -> str | None:
    """A directory's region filter: the prefix of a province, a city or a division (22, 2201,
    220102); anything else is refused rather than silently matching nothing."""
    if not value:
        return None
    if regions.by_prefix(value) is None:
        raise Invalid(
            {
                "region": [
                    Message(
                        N_("%(region)s selects no province, city or administrative division."),
                        {"region": value[:20]},
                    )
                ]
            }
        )
    return value


def listed_agencies_query(
    service_item: str | None = None,
    qualification: str | None = None,
    name: str | None = None,
    region: str | None = None,
):
    query = select(Organization).where(
        Organization.kind == OrgKind.agency,
        Organization.listed_at.is_not(None),
        Organization.removed_at.is_(None),
    )
    if service_item:
        query = query.where(
            Organization.id.in_(
                select(AgencyService.organization_id)
                .join(ServiceItem)
                .where(ServiceItem.code == service_item)
            )
        )
    if qualification:
        query = query.where(
            Organization.id.in_(
                select(Qualification.organization_id).where(
                    func.lower(Qualification.name).contains(qualification.lower(), autoescape=True)
                )
            )
        )
    if name:
        query = query.where(func.lower(Organization.name).contains(name.lower(), autoescape=True))
    if region:
        query = query.where(Organization.region_code.startswith(region, autoescape=True))
    return query


def count_listed(session: Session, **filters) -> int:
    query = listed_agencies_query(**filters)
    return session.exec(select(func.count()).select_from(query.subquery())).one()


def directory_page(
    session: Session, *, page: int = 1, per_page: int = 20, **filters
) -> tuple[list[AgencyCard], int]:
    query = listed_agencies_query(**filters)
    total = count_listed(session, **filters)
    orgs = session.exec(
        query.order_by(Organization.listed_at.desc(), Organization.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return load_cards(session, orgs), total


def load_card(session: Session, org: Organization) -> AgencyCard:
    return load_cards(session, [org])[0]


def load_cards(session: Session, orgs: list[Organization]) -> list[AgencyCard]:
    """The cards of `orgs`, in their order: three queries for the whole page, not three per
    agency."""
    ids = [o.id for o in orgs]
    if not ids:
        return []
    services: dict[int, list] = {i: [] for i in ids}
    for service, item in session.exec(
        select(AgencyService, ServiceItem)
        .join(ServiceItem)
        .where(AgencyService.organization_id.in_(ids))
        .order_by(ServiceItem.code, AgencyService.id)
    ).all():
        services[service.organization_id].append((service, item))
    quals: dict[int, list] = {i: [] for i in ids}
    for qual in session.exec(
        select(Qualification)
        .where(Qualification.organization_id.in_(ids))
        .order_by(Qualification.id)
    ).all():
        quals[qual.organization_id].append(qual)
    pros: dict[int, list] = {i: [] for i in ids}
    for pro in session.exec(
        select(Professional).where(Professional.organization_id.in_(ids)).order_by(Professional.id)
    ).all():
        pros[pro.organization_id].append(pro)
    return [AgencyCard(o, services[o.id], quals[o.id], pros[o.id]) for o in orgs]


def get_listed_agency(session: Session, agency_id: int) -> Organization:
    org = session.get(Organization, agency_id)
    if org is None or org.kind != OrgKind.agency or org.listed_at is None:
        raise NotFound()
    return org
