"""Credit repair (信用修复, docs/rules.md §6).

The agency applies to repair one of its misconduct records — a general one from
`general_after_months` (3) after it was recorded, a serious one from `serious_after_months` (12);
a minor one is never repaired, its own 3 months end it — with evidence of correction and a public
credit commitment; one application per record waits at a time, and after a refusal the agency
waits `wait_after_refusal_months` (1). A regulator whose jurisdiction covers the agency's region
decides within `decision_wd` working days (10; overdue after, it may still decide): **repaired**
(the record's `repaired_at` is set and its credit event voided through `ratings.credit_events`, so
it stops counting and is no longer published) or **refused** with a reason. The commitment is
published with the decision. Every step is audited and notified.

Publication (`published`): a general or serious record is public while not repaired and within its
maximum period (the credit section's `general_months`, `serious_months`: 12 and 36 months, to
00:00 Shanghai of the same day); the agency itself and the regulators covering it see every record.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from market import audit, clock, holidays
from market.dashboard import Item
from market.models import Jurisdiction, Organization, OrgKind, User
from market.permissions import is_regulator, jurisdiction_clause
from market.validation import N_, Checker, Forbidden, Message, NotFound
from ratings import credit_events
from ratings import repair_notifying as notifying
from ratings.appeals import lock, row_by_id
from ratings.credit import ends_at, local_date
from ratings.credit_policy import CreditPolicy
from ratings.models import MisconductRecord, RepairApplication
from ratings.models.credit import GENERAL, MINOR, SERIOUS
from ratings.models.repair import REFUSED, REPAIRED
from ratings.records import covers_agency, get_agency, published_until
from ratings.repair_policy import RepairPolicy

MAX_EVIDENCE = 5000
MAX_COMMITMENT = 2000
MAX_REASON = 2000
DECISIONS = (REPAIRED, REFUSED)
PENDING, DECIDED = "pending", "decided"
QUEUE_STATES = (PENDING, DECIDED)


def record_source(record: MisconductRecord) -> str:
    return f"misconduct:{record.id}"


def repairable_from(record: MisconductRecord, policy: RepairPolicy) -> datetime | None:
    """The first moment the record may be repaired (00:00 Shanghai), None for a minor one."""
    months = {
        GENERAL: policy.general_after_months,
        SERIOUS: policy.serious_after_months,
    }.get(record.severity)
    return ends_at(record.decided_at, months) if months is not None else None


def _day(moment: datetime) -> str:
    return local_date(moment).isoformat()


def pending_of(session: Session, record: MisconductRecord) -> RepairApplication | None:
    return session.exec(
        select(RepairApplication).where(
            RepairApplication.record_id == record.id, RepairApplication.decided_at.is_(None)
        )
    ).first()


def last_refusal(session: Session, record: MisconductRecord) -> RepairApplication | None:
    return session.exec(
        select(RepairApplication)
        .where(RepairApplication.record_id == record.id, RepairApplication.decision == REFUSED)
        .order_by(RepairApplication.decided_at.desc())
    ).first()


def refusal(
    session: Session,
    record: MisconductRecord,
    now: datetime,
    policy: RepairPolicy,
    credit: CreditPolicy,
):
    """Why the record's agency may not apply now: (msgid, params), or None."""
    if record.repaired_at is not None:
        return N_("This record is already repaired."), {}
    if record.severity == MINOR:
        return (
            N_(
                "A minor record cannot be repaired: it stops counting by itself on %(date)s "
                "(00:00)."
            ),
            {"date": _day(ends_at(record.decided_at, credit.minor_months))},
        )
    ends = published_until(record, credit)
    if now >= ends:
        return (
            N_("This record no longer counts nor is published since %(date)s: nothing to repair."),
            {"date": _day(ends)},
        )
    start = repairable_from(record, policy)
    if now < start:
        return (
            N_("This record may be repaired from %(date)s (00:00, Asia/Shanghai)."),
            {"date": _day(start)},
        )
    if pending_of(session, record) is not None:
        return N_("An application to repair this record is already waiting for a decision."), {}
    refused = last_refusal(session, record)
    if refused is not None:
        again = ends_at(refused.decided_at, policy.wait_after_refusal_months)
        if now < again:
            return (
                N_("Repair of this record was refused; you may apply again from %(date)s."),
                {"date": _day(again)},
            )
    return None


def apply(
    session: Session,
    actor: User,
    record_id: object,
    evidence: object,
    commitment: object,
    policy: RepairPolicy,
    credit: CreditPolicy,
) -> RepairApplication:
    """The record's agency applies to repair it, with evidence of correction and a public credit
    commitment. A record of another organization is "no such record" (a field error)."""
    check = Checker()
    if record_id in (None, ""):
        check.add("record_id", N_("This field is required."))
        check.raise_if_any()
    record = row_by_id(session, MisconductRecord, record_id)
    if record is None or actor is None or actor.organization_id != record.agency_id:
        # A field of the body, not the path: the API's rule is 422 (the page's path says 404).
        check.add("record_id", N_("No such misconduct record of your agency."))
        check.raise_if_any()
    record = lock(session, MisconductRecord, record.id)
    now = clock.now()
    why = refusal(session, record, now, policy, credit)
    if why is not None:
        msgid, params = why
        raise Forbidden(Message(msgid, params))
    clean_evidence = check.text("evidence", evidence, max_length=MAX_EVIDENCE, multiline=True)
    clean_commitment = check.text(
        "commitment", commitment, max_length=MAX_COMMITMENT, multiline=True
    )
    check.raise_if_any()
    row = RepairApplication(
        record_id=record.id,
        agency_id=record.agency_id,
        evidence=clean_evidence,
        commitment=clean_commitment,
        applied_at=now,
        applied_by_user_id=actor.id,
        decide_by=holidays.load(session).add_working_days(now, policy.decision_wd),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "repair.applied",
        "organization",
        record.agency_id,
        {"application": row.id, "record": record.id, "severity": record.severity},
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    notifying.applied(session, row, regulators_covering(session, record.agency_id))
    return row


def regulators_covering(session: Session, agency_id: int) -> list[int]:
    """The regulator organizations whose jurisdiction covers the agency's region, in id order."""
    agency = session.get(Organization, agency_id)
    region = agency.region_code if agency is not None else None
    covering = set()
    for row in session.exec(
        select(Jurisdiction)
        .join(Organization, Organization.id == Jurisdiction.organization_id)
        .where(Organization.kind == OrgKind.regulator)
    ):
        if row.region_prefix is None or (
            region is not None and region.startswith(row.region_prefix)
        ):
            covering.add(row.organization_id)
    return sorted(covering)


def get_application(session: Session, application_id: object) -> RepairApplication:
    row = row_by_id(session, RepairApplication, application_id)
    if row is None:
        raise NotFound()
    return row


def readable(session: Session, user: User | None, row: RepairApplication) -> bool:
    """The agency that applied and the regulators covering it read an application."""
    if user is None:
        return False
    if user.organization_id == row.agency_id:
        return True
    return covers_agency(session, user, session.get(Organization, row.agency_id))


def application_for(session: Session, user: User | None, application_id: object):
    """The application, for a reader who may read it (anyone else: not found)."""
    row = get_application(session, application_id)
    if not readable(session, user, row):
        raise NotFound()
    return row


def is_overdue(row: RepairApplication, now: datetime) -> bool:
    return row.decided_at is None and now >= row.decide_by


def decide(
    session: Session, regulator: User, application_id: object, decision: object, reason: object
) -> RepairApplication:
    """Repair the record or refuse, with a reason (required to refuse). Repairing sets the record's
    `repaired_at` and voids its credit event in the same transaction."""
    row = get_application(session, application_id)
    agency = get_agency(session, row.agency_id)
    if not is_regulator(session, regulator) or not covers_agency(session, regulator, agency):
        if is_regulator(session, regulator) or readable(session, regulator, row):
            raise Forbidden(
                N_("Only a regulator whose jurisdiction covers this agency's region may do this.")
            )
        raise NotFound()
    row = lock(session, RepairApplication, row.id)
    if row.decided_at is not None:
        raise Forbidden(N_("This application has already been decided."))
    check = Checker()
    text = None
    if decision in (None, ""):
        check.add("decision", N_("This field is required."))
    elif decision not in DECISIONS:
        check.add("decision", N_("Choose repaired or refused."))
    elif decision == REFUSED or (isinstance(reason, str) and reason.strip()):
        # A reason is required to refuse; a note on a repair is optional.
        text = check.text("reason", reason, max_length=MAX_REASON, multiline=True)
    check.raise_if_any()
    now = clock.now()
    row.decided_at, row.decision, row.reason = now, decision, text
    row.decided_by_user_id, row.decided_by_org_id = regulator.id, regulator.organization_id
    session.add(row)
    record = lock(session, MisconductRecord, row.record_id)
    if decision == REPAIRED:
        record.repaired_at = now
        session.add(record)
        credit_events.void(session, record_source(record), now)
    session.flush()
    audit.record(
        session,
        f"repair.{decision}",
        "organization",
        row.agency_id,
        {
            "application": row.id,
            "record": record.id,
            "reason": text,
            # The commitment is published with the decision.
            "commitment": row.commitment,
        },
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
    )
    notifying.decided(session, row)
    return row


def queue(session: Session, regulator: User, state: str) -> dict:
    """The applications of agencies the regulator covers, oldest first: those of `state`
    (pending or decided) with their records and agencies, and the count of each state."""
    if not is_regulator(session, regulator):
        raise Forbidden(N_("Only a regulator may do this."))
    state = state if state in QUEUE_STATES else PENDING
    rows = session.exec(
        select(RepairApplication, MisconductRecord, Organization)
        .join(MisconductRecord, MisconductRecord.id == RepairApplication.record_id)
        .join(Organization, Organization.id == RepairApplication.agency_id)
        .order_by(RepairApplication.applied_at, RepairApplication.id)
    ).all()
    covered: dict[int, bool] = {}
    mine = []
    for app_row, record, org in rows:
        if org.id not in covered:
            covered[org.id] = covers_agency(session, regulator, org)
        if covered[org.id]:
            mine.append((app_row, record, org))
    counts = {
        PENDING: sum(1 for a, _, _ in mine if a.decided_at is None),
        DECIDED: sum(1 for a, _, _ in mine if a.decided_at is not None),
    }
    wanted = [r for r in mine if (r[0].decided_at is None) == (state == PENDING)]
    return {"state": state, "counts": counts, "rows": wanted}


def own(session: Session, org_id: int) -> list[tuple[RepairApplication, MisconductRecord]]:
    """The organization's applications, newest first."""
    return list(
        session.exec(
            select(RepairApplication, MisconductRecord)
            .join(MisconductRecord, MisconductRecord.id == RepairApplication.record_id)
            .where(RepairApplication.agency_id == org_id)
            .order_by(RepairApplication.applied_at.desc(), RepairApplication.id.desc())
        )
    )


def own_records(
    session: Session,
    org_id: int,
    now: datetime,
    policy: RepairPolicy,
    credit: CreditPolicy,
) -> list[tuple[MisconductRecord, object]]:
    """The organization's records, newest first, each with why it may not be repaired now
    ((msgid, params)) or None when it may."""
    rows = session.exec(
        select(MisconductRecord)
        .where(MisconductRecord.agency_id == org_id)
        .order_by(MisconductRecord.decided_at.desc(), MisconductRecord.id.desc())
    ).all()
    return [(r, refusal(session, r, now, policy, credit)) for r in rows]


def published_commitments(session: Session, agency_id: int) -> list[RepairApplication]:
    """The decided applications of the agency: their commitments are public, with the decision
    (not the record's details, which a repair stops publishing)."""
    return list(
        session.exec(
            select(RepairApplication)
            .where(
                RepairApplication.agency_id == agency_id, RepairApplication.decided_at.is_not(None)
            )
            .order_by(RepairApplication.decided_at.desc(), RepairApplication.id.desc())
        )
    )


def describe(
    session: Session, row: RepairApplication, record: MisconductRecord, now: datetime
) -> dict:
    """An application as its agency and the covering regulators read it."""
    agency = session.get(Organization, row.agency_id)
    return {
        "id": row.id,
        "record": {
            "id": record.id,
            "severity": record.severity,
            "legal_basis": record.legal_basis,
            "facts": record.facts,
            "decided_at": record.decided_at.isoformat(),
            "repaired_at": record.repaired_at.isoformat() if record.repaired_at else None,
        },
        "agency": {"id": agency.id, "name": agency.name, "uscc": agency.uscc},
        "evidence": row.evidence,
        "commitment": row.commitment,
        "applied_at": row.applied_at.isoformat(),
        "decide_by": row.decide_by.isoformat(),
        "overdue": is_overdue(row, now),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "decision": row.decision,
        "reason": row.reason,
    }


def repair_items(user: User, *, session: Session, org: Organization, **_ignored) -> list:
    """Dashboard: a regulator's pending repair applications of agencies it covers, due at their
    decision limit (`market.signals.action_items`)."""
    if org is None or org.kind != OrgKind.regulator:
        return []
    rows = session.exec(
        select(RepairApplication, Organization)
        .join(Organization, Organization.id == RepairApplication.agency_id)
        .where(
            RepairApplication.decided_at.is_(None),
            jurisdiction_clause(session, user, category=None, region_code=Organization.region_code),
        )
        .order_by(RepairApplication.decide_by, RepairApplication.id)
    ).all()
    return [
        Item(
            "repair_application",
            N_("Decide %(agency)s's credit repair application"),
            "repair.application_page",
            args={"application_id": row.id},
            due_at=row.decide_by,
            params={"agency": agency.name},
        )
        for row, agency in rows
    ]
