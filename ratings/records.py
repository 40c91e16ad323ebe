"""Misconduct records and commendations of agencies (docs/rules.md §6), made by a regulator whose
jurisdiction covers the agency's region (`market.permissions.regulator_covers`).

A record is minor, general or serious, with its legal basis and facts; it is made directly or by
deciding a `MisconductProposal` (recorded, or dismissed with a reason), and writes its credit
event (`misconduct:<id>`) in the same transaction. A minor record is never published: the public
learns of it only through its points in the credit file. General and serious records, and
commendations (`commendation:<id>`), are public. Who sees which is `visible_records`' rule."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from market import audit, clock
from market.models import Organization, OrgKind, User
from market.permissions import is_regulator, regulator_covers
from market.validation import N_, Checker, Forbidden, NotFound
from ratings import credit_events
from ratings import review_notifying as notifying
from ratings.appeals import lock, row_by_id
from ratings.credit import ends_at
from ratings.credit_policy import CreditPolicy
from ratings.models import Commendation, MisconductProposal, MisconductRecord
from ratings.models.credit import (
    COMMENDATION,
    GENERAL,
    MINOR,
    MISCONDUCT_GENERAL,
    MISCONDUCT_MINOR,
    MISCONDUCT_SERIOUS,
    SERIOUS,
)
from ratings.models.misconduct import DISMISSED, RECORDED
from ratings.signals import misconduct_recorded

SEVERITIES = (MINOR, GENERAL, SERIOUS)
#: The severities the public sees (a minor record's details are never published).
PUBLIC_SEVERITIES = (GENERAL, SERIOUS)
EVENT_KIND = {
    MINOR: MISCONDUCT_MINOR,
    GENERAL: MISCONDUCT_GENERAL,
    SERIOUS: MISCONDUCT_SERIOUS,
}
PROPOSAL_DECISIONS = (RECORDED, DISMISSED)
MAX_TEXT = 5000
MAX_BASIS = 1000


def get_agency(session: Session, agency_id: object) -> Organization:
    """The agency with this id; anything else is `NotFound`."""
    org = row_by_id(session, Organization, agency_id)
    if org is None or org.kind != OrgKind.agency:
        raise NotFound()
    return org


def covers_agency(session: Session, user: User | None, agency: Organization) -> bool:
    return regulator_covers(session, user, region_code=agency.region_code)


def require_covering(session: Session, regulator: User | None, agency: Organization) -> None:
    if not covers_agency(session, regulator, agency):
        raise Forbidden(
            N_("Only a regulator whose jurisdiction covers this agency's region may do this.")
        )


def _agency_field(session: Session, check: Checker, agency_id: object) -> Organization | None:
    if agency_id in (None, ""):
        check.add("agency_id", N_("This field is required."))
        return None
    org = row_by_id(session, Organization, agency_id)
    if org is None or org.kind != OrgKind.agency:
        check.add("agency_id", N_("No such agency."))
        return None
    return org


def _write_record(
    session: Session,
    regulator: User,
    agency: Organization,
    severity: str,
    basis: str,
    facts: str,
    proposal: MisconductProposal | None,
    collusion: bool = False,
) -> MisconductRecord:
    now = clock.now()
    row = MisconductRecord(
        agency_id=agency.id,
        severity=severity,
        legal_basis=basis,
        facts=facts,
        decided_at=now,
        decided_by_user_id=regulator.id,
        decided_by_org_id=regulator.organization_id,
        proposal_id=proposal.id if proposal is not None else None,
        collusion=collusion,
    )
    session.add(row)
    session.flush()
    credit_events.record(
        session,
        agency.id,
        EVENT_KIND[severity],
        now,
        f"misconduct:{row.id}",
        {"record": row.id, "severity": severity},
    )
    # The audit log is read by everyone: a minor record's basis and facts stay out of it.
    details = {"record": row.id, "severity": severity, "proposal": row.proposal_id}
    if collusion:
        details["collusion"] = True
    if severity in PUBLIC_SEVERITIES:
        details.update(legal_basis=basis, facts=facts)
    audit.record(
        session,
        "misconduct.recorded",
        "organization",
        agency.id,
        details,
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
    )
    notifying.misconduct_recorded(session, row)
    misconduct_recorded.send(row, session=session)
    return row


def _check_record(check: Checker, severity: object, basis: object, facts: object):
    if severity in (None, ""):
        check.add("severity", N_("This field is required."))
    elif severity not in SEVERITIES:
        check.add("severity", N_("Choose minor, general or serious."))
    clean_basis = check.text("legal_basis", basis, max_length=MAX_BASIS, multiline=True)
    clean_facts = check.text("facts", facts, max_length=MAX_TEXT, multiline=True)
    return clean_basis, clean_facts


def _collusion(check: Checker, value: object) -> bool:
    if value in (None, ""):
        return False
    if not isinstance(value, bool):
        check.add("collusion", N_("Must be true or false."))
        return False
    return value


def record_misconduct(
    session: Session,
    regulator: User,
    agency_id: object,
    severity: object,
    legal_basis: object,
    facts: object,
    collusion: object = False,
) -> MisconductRecord:
    """A regulator covering the agency records its misconduct: severity, legal basis, facts, and
    whether it is confirmed collusion (which proposes a serious-dishonesty listing)."""
    if not is_regulator(session, regulator):
        raise Forbidden(N_("Only a regulator may do this."))
    check = Checker()
    agency = _agency_field(session, check, agency_id)
    if agency is not None:
        require_covering(session, regulator, agency)
    basis, text = _check_record(check, severity, legal_basis, facts)
    colluded = _collusion(check, collusion)
    check.raise_if_any()
    return _write_record(session, regulator, agency, severity, basis, text, None, colluded)


def get_proposal(session: Session, proposal_id: object) -> MisconductProposal:
    row = row_by_id(session, MisconductProposal, proposal_id)
    if row is None:
        raise NotFound()
    return row


def decide_proposal(
    session: Session,
    regulator: User,
    proposal_id: object,
    decision: object,
    *,
    severity: object = None,
    legal_basis: object = None,
    facts: object = None,
    reason: object = None,
    collusion: object = False,
) -> MisconductProposal:
    """Decide a proposal: record it (severity, legal basis and facts, the proposal's facts
    when none are given) or dismiss it with a reason."""
    proposal = lock(session, MisconductProposal, get_proposal(session, proposal_id).id)
    agency = session.get(Organization, proposal.agency_id)
    require_covering(session, regulator, agency)
    if proposal.decided_at is not None:
        raise Forbidden(N_("This proposal has already been decided."))
    check = Checker()
    if decision in (None, ""):
        check.add("decision", N_("This field is required."))
        check.raise_if_any()
    if decision not in PROPOSAL_DECISIONS:
        check.add("decision", N_("Choose recorded or dismissed."))
        check.raise_if_any()
    now = clock.now()
    if decision == DISMISSED:
        text = check.text("reason", reason, max_length=MAX_TEXT, multiline=True)
        check.raise_if_any()
        proposal.dismissed_reason = text
    else:
        if facts in (None, "") or (isinstance(facts, str) and not facts.strip()):
            facts = proposal.facts
        basis, clean_facts = _check_record(check, severity, legal_basis, facts)
        colluded = _collusion(check, collusion)
        check.raise_if_any()
    proposal.decided_at, proposal.decision = now, decision
    proposal.decided_by_user_id = regulator.id
    session.add(proposal)
    session.flush()
    if decision == RECORDED:
        _write_record(session, regulator, agency, severity, basis, clean_facts, proposal, colluded)
    else:
        audit.record(
            session,
            "misconduct.proposal_dismissed",
            "organization",
            agency.id,
            {"proposal": proposal.id, "reason": proposal.dismissed_reason},
            actor_user_id=regulator.id,
            actor_org_id=regulator.organization_id,
        )
    return proposal


def proposal_queue(session: Session, regulator: User, state: str) -> dict:
    """The proposals about agencies in the regulator's jurisdiction, oldest first."""
    if not is_regulator(session, regulator):
        raise Forbidden(N_("Only a regulator may do this."))
    state = state if state in ("undecided", "decided") else "undecided"
    rows = session.exec(
        select(MisconductProposal, Organization)
        .join(Organization, Organization.id == MisconductProposal.agency_id)
        .order_by(MisconductProposal.proposed_at, MisconductProposal.id)
    ).all()
    mine = [(p, o) for p, o in rows if covers_agency(session, regulator, o)]
    counts = {
        "undecided": sum(1 for p, _ in mine if p.decided_at is None),
        "decided": sum(1 for p, _ in mine if p.decided_at is not None),
    }
    wanted = [(p, o) for p, o in mine if (p.decided_at is None) == (state == "undecided")]
    return {"state": state, "counts": counts, "rows": wanted}


def record_of_proposal(session: Session, proposal: MisconductProposal) -> MisconductRecord | None:
    return session.exec(
        select(MisconductRecord).where(MisconductRecord.proposal_id == proposal.id)
    ).first()


def sees_all_records(session: Session, user: User | None, agency: Organization) -> bool:
    """The agency itself and the regulators covering it see its minor records too."""
    if user is None:
        return False
    return user.organization_id == agency.id or covers_agency(session, user, agency)


def published_until(record: MisconductRecord, credit: CreditPolicy) -> datetime | None:
    """When a general or serious record stops being published by itself: the end of its maximum
    period (`general_months`, `serious_months`); None for a minor record, never published."""
    months = {GENERAL: credit.general_months, SERIOUS: credit.serious_months}.get(record.severity)
    return ends_at(record.decided_at, months) if months is not None else None


def is_published(record: MisconductRecord, now: datetime, credit: CreditPolicy) -> bool:
    """Whether the public sees the record now: general or serious, not repaired (credit repair,
    `ratings.repair`), and within its maximum period."""
    if record.severity not in PUBLIC_SEVERITIES or record.repaired_at is not None:
        return False
    return now < published_until(record, credit)


def visible_records(
    session: Session, user: User | None, agency: Organization, credit: CreditPolicy
) -> list[MisconductRecord]:
    """The agency's misconduct records the reader may see, newest first: general and serious
    ones while published (`is_published`) for everyone; every record for the agency itself and
    the regulators covering it."""
    query = select(MisconductRecord).where(MisconductRecord.agency_id == agency.id)
    rows = list(
        session.exec(query.order_by(MisconductRecord.decided_at.desc(), MisconductRecord.id.desc()))
    )
    if sees_all_records(session, user, agency):
        return rows
    now = clock.now()
    return [r for r in rows if is_published(r, now, credit)]


def commend(session: Session, regulator: User, agency_id: object, reason: object) -> Commendation:
    """A regulator covering the agency commends it, with a reason (public)."""
    if not is_regulator(session, regulator):
        raise Forbidden(N_("Only a regulator may do this."))
    check = Checker()
    agency = _agency_field(session, check, agency_id)
    if agency is not None:
        require_covering(session, regulator, agency)
    text = check.text("reason", reason, max_length=MAX_TEXT, multiline=True)
    check.raise_if_any()
    now = clock.now()
    row = Commendation(
        agency_id=agency.id,
        reason=text,
        decided_at=now,
        decided_by_user_id=regulator.id,
        decided_by_org_id=regulator.organization_id,
    )
    session.add(row)
    session.flush()
    credit_events.record(
        session, agency.id, COMMENDATION, now, f"commendation:{row.id}", {"commendation": row.id}
    )
    audit.record(
        session,
        "commendation.recorded",
        "organization",
        agency.id,
        {"commendation": row.id, "reason": text},
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
    )
    notifying.commended(session, row)
    return row


def commendations_of(session: Session, agency: Organization) -> list[Commendation]:
    return list(
        session.exec(
            select(Commendation)
            .where(Commendation.agency_id == agency.id)
            .order_by(Commendation.decided_at.desc(), Commendation.id.desc())
        )
    )
