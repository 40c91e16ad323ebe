"""The honour roll (守信典型名单, docs/rules.md §6), published monthly by the sweep
`ratings.honour_roll` (`publish_roll`, just after 00:00 Shanghai on the 1st).

The computation of a month, as of 00:00 Shanghai of its 1st:

1. records each listed agency's grade as of that moment (`HonourGrade`, computed from its credit
   events by `ratings.credit.score`, so it can be recomputed from the credit file);
2. puts on the roll every agency with grade A in each of the latest `grade_a_months` monthly
   records (this month's and the ones before it, none missing), at least `min_contracts`
   contracts accepted in the `window_months` before, for at least `min_applicants` different
   applicants, and no misconduct record (not repaired by then) nor complaint upheld against its
   conduct decided in that window;
3. stores each entry with those numbers, writes `Organization.honour_roll_since` (the month its
   current run began; None for an agency the roll omits), and notifies and audits each entry
   into and exit from the roll.

A month is computed once: a second run finds its roll and changes nothing.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time

from sqlalchemy import func, text
from sqlmodel import Session, select

from bidding.models import Complaint, Contract
from bidding.models.objections import UPHELD
from market import audit, clock, regions, search
from market.models import Organization, OrgKind
from market.policy import Registry
from market.validation import N_, Checker
from ratings import honour_notifying
from ratings.credit import SHANGHAI, add_months, local_date, score
from ratings.credit_policy import SECTION as CREDIT_SECTION
from ratings.credit_policy import CreditPolicy
from ratings.honour_policy import SECTION, HonourPolicy
from ratings.models import HonourEntry, HonourGrade, HonourRoll, MisconductRecord
from ratings.standing import AGENCY_INDEX, events_of

log = logging.getLogger(__name__)

GRADE_A = "A"


def month_of(moment: datetime) -> date:
    """The first day of the Shanghai month of `moment`."""
    return local_date(moment).replace(day=1)


def start_of(month: date) -> datetime:
    """00:00 Asia/Shanghai of `month`'s first day."""
    return datetime.combine(month.replace(day=1), time(0), SHANGHAI)


def _months_back(month: date, count: int) -> list[date]:
    """`month` and the `count - 1` months before it, latest first."""
    return [add_months(month, -i) for i in range(count)]


def record_grades(session: Session, month: date, policy: CreditPolicy) -> int:
    """Each listed agency's grade as of the start of `month`, written once; returns how many were
    written now."""
    as_of = start_of(month)
    done = set(session.exec(select(HonourGrade.agency_id).where(HonourGrade.month == month)))
    agencies = session.exec(
        select(Organization.id)
        .where(Organization.kind == OrgKind.agency, Organization.listed_at.is_not(None))
        .order_by(Organization.id)
    ).all()
    written = 0
    for agency_id in agencies:
        if agency_id in done:
            continue
        file = score(events_of(session, agency_id), as_of, policy)
        session.add(
            HonourGrade(
                month=month, agency_id=agency_id, score_milli=file.score_milli, grade=file.grade
            )
        )
        written += 1
    session.flush()
    return written


def numbers_of(session: Session, agency_id: int, month: date, policy: HonourPolicy) -> dict:
    """What the rule reads of one agency for `month`: its grades by month, the contracts accepted
    in the window and their applicants, its misconduct records and upheld conduct complaints."""
    as_of = start_of(month)
    window_from = start_of(add_months(month, -policy.window_months))
    months = _months_back(month, policy.grade_a_months)
    grades = dict(
        session.exec(
            select(HonourGrade.month, HonourGrade.grade).where(
                HonourGrade.agency_id == agency_id, HonourGrade.month.in_(months)
            )
        ).all()
    )
    accepted = (
        Contract.agency_id == agency_id,
        Contract.accepted_at >= window_from,
        Contract.accepted_at < as_of,
    )
    contracts, applicants = session.exec(
        select(func.count(Contract.id), func.count(Contract.applicant_org_id.distinct())).where(
            *accepted
        )
    ).one()
    records = session.exec(
        select(func.count(MisconductRecord.id)).where(
            MisconductRecord.agency_id == agency_id,
            MisconductRecord.decided_at >= window_from,
            MisconductRecord.decided_at < as_of,
            (MisconductRecord.repaired_at.is_(None)) | (MisconductRecord.repaired_at > as_of),
        )
    ).one()
    complaints = session.exec(
        select(func.count(Complaint.id)).where(
            Complaint.conduct_agency_id == agency_id,
            Complaint.decision == UPHELD,
            Complaint.decided_at >= window_from,
            Complaint.decided_at < as_of,
        )
    ).one()
    return {
        "grades": {m.isoformat()[:7]: grades.get(m) for m in months},
        "contracts_accepted": contracts,
        "applicants": applicants,
        "misconduct_records": records,
        "upheld_conduct_complaints": complaints,
        "window_from": window_from.isoformat(),
        "as_of": as_of.isoformat(),
    }


def qualifies(numbers: dict, policy: HonourPolicy) -> bool:
    return (
        all(g == GRADE_A for g in numbers["grades"].values())
        and numbers["contracts_accepted"] >= policy.min_contracts
        and numbers["applicants"] >= policy.min_applicants
        and numbers["misconduct_records"] == 0
        and numbers["upheld_conduct_complaints"] == 0
    )


def _candidates(session: Session, month: date, policy: HonourPolicy) -> list[int]:
    """The agencies graded A in every month the rule reads (one grouped read)."""
    months = _months_back(month, policy.grade_a_months)
    return list(
        session.exec(
            select(HonourGrade.agency_id)
            .where(HonourGrade.month.in_(months), HonourGrade.grade == GRADE_A)
            .group_by(HonourGrade.agency_id)
            .having(func.count(HonourGrade.id) == len(months))
            .order_by(HonourGrade.agency_id)
        ).all()
    )


#: The PostgreSQL advisory lock of the roll's computation (an arbitrary constant of this sweep).
ROLL_LOCK = 0x484F4E52  # "HONR"


def sole_publisher(session: Session) -> bool:
    """Whether this transaction may compute the roll: on PostgreSQL it takes the transaction's
    advisory lock of the roll, without waiting (a second scheduler finds it taken and does
    nothing); SQLite's transactions begin IMMEDIATE, so the second waits and then finds the
    roll."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ROLL_LOCK}).scalar()
    )


def publish_roll(session: Session, registry: Registry) -> int:
    """Sweep: compute and publish this month's roll unless it exists; returns 1 when it published
    one, else 0. The caller (the scheduler's runner) commits."""
    if not sole_publisher(session):
        return 0  # another scheduler is computing the roll right now
    now = clock.now()
    month = month_of(now)
    if session.exec(select(HonourRoll.id).where(HonourRoll.month == month)).first() is not None:
        return 0
    policy: HonourPolicy = registry.section(SECTION.name)
    record_grades(session, month, registry.section(CREDIT_SECTION.name))
    roll = HonourRoll(
        month=month,
        as_of=start_of(month),
        published_at=now,
        rule={
            "grade_a_months": policy.grade_a_months,
            "min_contracts": policy.min_contracts,
            "min_applicants": policy.min_applicants,
            "window_months": policy.window_months,
        },
    )
    session.add(roll)
    session.flush()
    entered = []
    on_roll = set()
    for agency_id in _candidates(session, month, policy):
        numbers = numbers_of(session, agency_id, month, policy)
        if not qualifies(numbers, policy):
            continue
        org = session.get(Organization, agency_id)
        if org.honour_roll_since is None:
            org.honour_roll_since = month
            session.add(org)
            entered.append(org)
        on_roll.add(agency_id)
        session.add(
            HonourEntry(
                roll_id=roll.id, agency_id=agency_id, since=org.honour_roll_since, numbers=numbers
            )
        )
    left = session.exec(
        select(Organization)
        .where(Organization.honour_roll_since.is_not(None))
        .order_by(Organization.id)
    ).all()
    left = [org for org in left if org.id not in on_roll]
    for org in left:
        org.honour_roll_since = None
        session.add(org)
    session.flush()
    audit.record(
        session,
        "honour.published",
        "honour_roll",
        month.isoformat()[:7],
        {"entries": sorted(on_roll), "rule": roll.rule},
    )
    for org in entered:
        audit.record(session, "honour.entered", "organization", org.id, {"month": str(month)})
        honour_notifying.entered(session, org, month)
    for org in left:
        audit.record(session, "honour.left", "organization", org.id, {"month": str(month)})
        honour_notifying.left(session, org, month)
    # The badge in search results is part of the agency's search document.
    changed = sorted({org.id for org in entered} | {org.id for org in left})
    if changed:
        search.index_many(session, AGENCY_INDEX, changed)
    log.info("honour roll %s: %d entries", month, len(on_roll))
    return 1


def latest_roll(session: Session, month: date | None = None) -> HonourRoll | None:
    """The roll of `month` (its first day), or the latest one published."""
    query = select(HonourRoll)
    if month is not None:
        return session.exec(query.where(HonourRoll.month == month)).first()
    return session.exec(query.order_by(HonourRoll.month.desc())).first()


def rolls(session: Session) -> list[HonourRoll]:
    return list(session.exec(select(HonourRoll).order_by(HonourRoll.month.desc())))


def entries_of(session: Session, roll: HonourRoll) -> list[tuple[HonourEntry, Organization]]:
    return list(
        session.exec(
            select(HonourEntry, Organization)
            .join(Organization, Organization.id == HonourEntry.agency_id)
            .where(HonourEntry.roll_id == roll.id)
            .order_by(Organization.name, Organization.id)
        ).all()
    )


def on_honour_as_of(agency_ids: list[int], *, session: Session, at: datetime, **_ignored):
    """`bidding.signals.honour_as_of` handler: of `agency_ids`, those on the roll in force at `at`
    (the latest published at or before it); {agency id: True/False} for each."""
    roll = session.exec(
        select(HonourRoll).where(HonourRoll.published_at <= at).order_by(HonourRoll.month.desc())
    ).first()
    listed = set()
    if roll is not None:
        listed = set(
            session.exec(
                select(HonourEntry.agency_id).where(
                    HonourEntry.roll_id == roll.id, HonourEntry.agency_id.in_(agency_ids)
                )
            )
        )
    return {a: a in listed for a in agency_ids}


_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


def parse_month(text: str | None) -> date | None:
    """A month as typed ("2026-11"), its first day; None for nothing typed. Anything else is
    refused with the field's message."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if _MONTH.fullmatch(text):
        try:
            return date(int(text[:4]), int(text[5:]), 1)
        except ValueError:
            pass
    checker = Checker()
    checker.add("month", N_("Give a month as YYYY-MM, for example 2026-11."))
    checker.raise_if_any()
    return None  # unreachable: raise_if_any raised


def public_roll(session: Session, month_text: str | None) -> dict:
    """The roll of the month typed (the latest one by default) as everyone reads it: its month,
    its publication, the rule it applied, its entries with the numbers behind each, and the months
    of every roll (the picker). A month without a roll is refused with the field's message; before
    any roll, the roll is None."""
    month = parse_month(month_text)
    roll = latest_roll(session, month)
    if roll is None and month is not None:
        checker = Checker()
        checker.add(
            "month", N_("No honour roll was published for %(month)s."), month=month_text.strip()
        )
        checker.raise_if_any()
    return {
        "months": [r.month.isoformat()[:7] for r in rolls(session)],
        "roll": None if roll is None else serialize_roll(session, roll),
    }


def serialize_roll(session: Session, roll: HonourRoll) -> dict:
    return {
        "month": roll.month.isoformat()[:7],
        "as_of": roll.as_of.isoformat(),
        "published_at": roll.published_at.isoformat(),
        "rule": roll.rule,
        "entries": [
            {
                "agency": {"id": org.id, "name": org.name, "uscc": org.uscc},
                "region_name": regions.name(org.region_code),
                "since": entry.since.isoformat()[:7],
                "numbers": entry.numbers,
            }
            for entry, org in entries_of(session, roll)
        ],
    }


CSV_HEADER = [
    "month",
    "agency_id",
    "name",
    "uscc",
    "since",
    "grades",
    "contracts_accepted",
    "applicants",
    "misconduct_records",
    "upheld_conduct_complaints",
]


def csv_rows(roll: dict) -> list[list[str]]:
    """The roll as CSV rows, header first; the grades as "2026-11:A;2026-10:A;…"."""
    rows = [CSV_HEADER]
    for e in roll["entries"]:
        n = e["numbers"]
        rows.append(
            [
                roll["month"],
                str(e["agency"]["id"]),
                e["agency"]["name"],
                e["agency"]["uscc"] or "",
                e["since"],
                ";".join(f"{m}:{g}" for m, g in n["grades"].items()),
                str(n["contracts_accepted"]),
                str(n["applicants"]),
                str(n["misconduct_records"]),
                str(n["upheld_conduct_complaints"]),
            ]
        )
    return rows
