"""The serious-dishonesty list (严重失信主体名单, docs/rules.md §6).

A listing is proposed — automatically when a regulator records a *serious* misconduct record or
one flagged as confirmed collusion (a handler of `ratings.signals.misconduct_recorded`), or by a
covering regulator by hand — and decided only after the agency had its say: a regulator whose
jurisdiction covers the agency's region issues the **notice** (reason, legal basis, the agency's
rights and the deadline, `statement_wd` working days, Shanghai calendar); a hand-made proposal
issues it at once. The agency states its case once, strictly before the deadline. From the
statement, or from the deadline when none came, a covering regulator decides: **listed** (the law
or regulation providing for the list, the facts, start and end dates, the removal conditions) or
**dismissed** with a reason. A listing is a `DishonestyEntry`; entries are also imported from other
authorities' decisions (`ratings.dishonesty_import`). An entry applies while
``starts_at <= now < ends_at`` and it is not lifted; `Organization.dishonest_until` is the latest
end of the agency's entries in force (bidding refuses bids before it), recomputed on each listing
and lift. An entry that runs to its end needs no action: everything compares with now.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from market import attachments, audit, clock, holidays, search
from market.attachments import AttachmentPolicy
from market.models import Organization, OrgKind, User
from market.permissions import is_operator, is_regulator
from market.validation import N_, Checker, Forbidden, Invalid, Message, NotFound
from market.workdays import SHANGHAI, end_of_day, shanghai_date
from ratings import dishonesty_notifying as notifying
from ratings.appeals import lock, row_by_id
from ratings.dishonesty_policy import DishonestyPolicy
from ratings.models import DishonestyEntry, DishonestyProposal, MisconductRecord
from ratings.models.credit import SERIOUS
from ratings.models.dishonesty import (
    BY_REGULATOR,
    COLLUSION,
    DECISION,
    DISMISSED,
    LISTED,
    SERIOUS_RECORD,
)
from ratings.records import covers_agency, require_covering
from ratings.signals import dishonesty_lifted, dishonesty_listed
from ratings.standing import AGENCY_INDEX

DECISIONS = (LISTED, DISMISSED)
MAX_REASON = 2000
MAX_BASIS = 1000
MAX_FACTS = 5000
MAX_CONDITIONS = 2000
MAX_NAME = 200
MAX_REF = 100
#: The regulator's queue tabs.
TO_NOTIFY, NOTICE_PERIOD, TO_DECIDE, DECIDED = "to_notify", "notice_period", "to_decide", "decided"
QUEUE_STATES = (TO_NOTIFY, NOTICE_PERIOD, TO_DECIDE, DECIDED)


# --- reading ----------------------------------------------------------------------------------


def start_of_day(d: date) -> datetime:
    """00:00 Asia/Shanghai of `d`, as aware UTC."""
    return end_of_day(d - timedelta(days=1))


def shown_time(moment: datetime) -> str:
    """A moment as messages show it: Asia/Shanghai, a midnight as 24:00 of the day it ends."""
    local = moment.astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return (local - timedelta(days=1)).strftime("%Y-%m-%d 24:00")
    return local.strftime("%Y-%m-%d %H:%M")


def start_date(starts_at: datetime) -> date:
    """The first Shanghai day an entry applies."""
    return shanghai_date(starts_at)


def last_day(ends_at: datetime) -> date:
    """The last Shanghai day an entry applies (it ends at 24:00 of that day)."""
    return shanghai_date(ends_at - timedelta(microseconds=1))


def add_years(d: date, years: int) -> date:
    """The same day `years` later; 29 February maps to 28 February."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def in_force(now: datetime):
    """The SQL condition of an entry that applies at `now`."""
    return (
        (DishonestyEntry.starts_at <= now)
        & (DishonestyEntry.ends_at > now)
        & DishonestyEntry.lifted_at.is_(None)
    )


def is_in_force(entry: DishonestyEntry, now: datetime) -> bool:
    return entry.lifted_at is None and entry.starts_at <= now < entry.ends_at


def get_proposal(session: Session, proposal_id: object) -> DishonestyProposal:
    row = row_by_id(session, DishonestyProposal, proposal_id)
    if row is None:
        raise NotFound()
    return row


def get_entry(session: Session, entry_id: object) -> DishonestyEntry:
    row = row_by_id(session, DishonestyEntry, entry_id)
    if row is None:
        raise NotFound()
    return row


def state_of(proposal: DishonestyProposal, now: datetime) -> str:
    if proposal.decided_at is not None:
        return DECIDED
    if proposal.notice_at is None:
        return TO_NOTIFY
    if proposal.statement_at is None and now < proposal.statement_due:
        return NOTICE_PERIOD
    return TO_DECIDE


def decidable_from(proposal: DishonestyProposal) -> datetime | None:
    """When the proposal may be decided: its statement, or else its statement deadline."""
    if proposal.notice_at is None:
        return None
    return proposal.statement_at or proposal.statement_due


def sees_proposal(session: Session, user: User | None, proposal: DishonestyProposal) -> bool:
    """The agency itself (once noticed) and the regulators covering it; nobody else."""
    if user is None:
        return False
    if user.organization_id == proposal.agency_id:
        return proposal.notice_at is not None
    agency = session.get(Organization, proposal.agency_id)
    return covers_agency(session, user, agency)


def entry_of(session: Session, proposal: DishonestyProposal) -> DishonestyEntry | None:
    return session.exec(
        select(DishonestyEntry).where(DishonestyEntry.proposal_id == proposal.id)
    ).first()


def queue(session: Session, regulator: User, state: str, now: datetime) -> dict:
    """The proposals about agencies in the regulator's jurisdiction, oldest first, by state."""
    if not is_regulator(session, regulator):
        raise Forbidden(N_("Only a regulator may do this."))
    state = state if state in QUEUE_STATES else TO_DECIDE
    rows = session.exec(
        select(DishonestyProposal, Organization)
        .join(Organization, Organization.id == DishonestyProposal.agency_id)
        .order_by(DishonestyProposal.proposed_at, DishonestyProposal.id)
    ).all()
    mine = [(p, o) for p, o in rows if covers_agency(session, regulator, o)]
    counts = {s: sum(1 for p, _ in mine if state_of(p, now) == s) for s in QUEUE_STATES}
    return {
        "state": state,
        "counts": counts,
        "rows": [(p, o) for p, o in mine if state_of(p, now) == state],
    }


def own_proposals(session: Session, org: Organization | None) -> list[DishonestyProposal]:
    """An agency's proposals once noticed, newest first (an automatic proposal the regulator has
    not yet noticed is not the agency's to read)."""
    if org is None:
        return []
    return list(
        session.exec(
            select(DishonestyProposal)
            .where(
                DishonestyProposal.agency_id == org.id, DishonestyProposal.notice_at.is_not(None)
            )
            .order_by(DishonestyProposal.notice_at.desc(), DishonestyProposal.id.desc())
        )
    )


def entries_of_agency(session: Session, agency_id: int) -> list[DishonestyEntry]:
    return list(
        session.exec(
            select(DishonestyEntry)
            .where(DishonestyEntry.agency_id == agency_id)
            .order_by(DishonestyEntry.starts_at.desc(), DishonestyEntry.id.desc())
        )
    )


def public_page(
    session: Session, now: datetime, *, after: int | None = None, limit: int = 50
) -> tuple[list[DishonestyEntry], int | None]:
    """The entries in force now, newest first (by id), `limit` after the cursor `after` (an
    entry id); the next cursor, or None on the last page."""
    query = select(DishonestyEntry).where(in_force(now))
    if after is not None:
        query = query.where(DishonestyEntry.id < after)
    rows = list(session.exec(query.order_by(DishonestyEntry.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def in_force_count(session: Session, now: datetime) -> int:
    return session.exec(
        select(func.count()).select_from(DishonestyEntry).where(in_force(now))
    ).one()


def in_force_slice(
    session: Session, now: datetime, *, offset: int = 0, limit: int | None = None
) -> list[DishonestyEntry]:
    """The entries in force at `now`, newest first (by id), `limit` from `offset`."""
    query = (
        select(DishonestyEntry)
        .where(in_force(now))
        .order_by(DishonestyEntry.id.desc())
        .offset(offset)
    )
    return list(session.exec(query if limit is None else query.limit(limit)))


def registration_check(session: Session, uscc: str, at: datetime) -> Message | None:
    """A `market.registration_checks` hook: refuses a USCC with an entry in force at `at`."""
    if not uscc:
        return None
    entry = session.exec(
        select(DishonestyEntry)
        .where(DishonestyEntry.uscc == uscc.strip().upper(), in_force(at))
        .order_by(DishonestyEntry.ends_at.desc(), DishonestyEntry.id)
    ).first()
    if entry is None:
        return None
    return Message(
        N_(
            "This USCC is on the serious-dishonesty list until %(until)s "
            "(decided by %(authority)s)."
        ),
        {"until": last_day(entry.ends_at).isoformat(), "authority": entry.authority},
    )


# --- applying an entry --------------------------------------------------------------------------


def refresh_until(session: Session, agency_id: int, now: datetime) -> datetime | None:
    """Set the agency's `dishonest_until` to the latest end of its entries in force (None when
    none is) and reindex it for search."""
    latest = session.exec(
        select(func.max(DishonestyEntry.ends_at)).where(
            DishonestyEntry.agency_id == agency_id, in_force(now)
        )
    ).one()
    org = session.get(Organization, agency_id)
    org.dishonest_until = latest
    session.add(org)
    session.flush()
    search.index_many(session, AGENCY_INDEX, [agency_id])
    return latest


def apply_entry(session: Session, entry: DishonestyEntry, now: datetime) -> None:
    """An entry with an agency that applies now: `dishonest_until` and the signal."""
    if entry.agency_id is None or not is_in_force(entry, now):
        return
    refresh_until(session, entry.agency_id, now)
    dishonesty_listed.send(
        entry.agency_id,
        session=session,
        entry=entry,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
    )


# --- proposals ------------------------------------------------------------------------------------


def on_misconduct_recorded(record: MisconductRecord, *, session: Session, **_ignored) -> None:
    """A serious record, or one of confirmed collusion, proposes a listing (to be noticed by a
    covering regulator); a general or minor record proposes nothing."""
    if record.severity != SERIOUS and not record.collusion:
        return
    proposal = DishonestyProposal(
        agency_id=record.agency_id,
        source=COLLUSION if record.collusion else SERIOUS_RECORD,
        record_id=record.id,
        reason="",
        legal_basis=record.legal_basis,
        facts=record.facts,
        proposed_at=clock.now(),
    )
    session.add(proposal)
    session.flush()
    audit.record(
        session,
        "dishonesty.proposed",
        "organization",
        record.agency_id,
        {"proposal": proposal.id, "source": proposal.source, "record": record.id},
    )


def _check_notice(check: Checker, reason, legal_basis, facts):
    return (
        check.text("reason", reason, max_length=MAX_REASON, multiline=True),
        check.text("legal_basis", legal_basis, max_length=MAX_BASIS, multiline=True),
        check.text("facts", facts, max_length=MAX_FACTS, multiline=True),
    )


def _notice(session, regulator, proposal, reason, basis, facts, policy, now) -> None:
    proposal.reason, proposal.legal_basis, proposal.facts = reason, basis, facts
    proposal.notice_at, proposal.notice_by_user_id = now, regulator.id
    proposal.statement_due = holidays.load(session).add_working_days(now, policy.statement_wd)
    session.add(proposal)
    session.flush()
    audit.record(
        session,
        "dishonesty.notice_issued",
        "organization",
        proposal.agency_id,
        {
            "proposal": proposal.id,
            "reason": reason,
            "legal_basis": basis,
            "facts": facts,
            "statement_due": proposal.statement_due.isoformat(),
        },
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
    )
    notifying.notice_issued(session, proposal)


def propose(
    session: Session,
    regulator: User,
    agency_id: object,
    reason: object,
    legal_basis: object,
    facts: object,
    policy: DishonestyPolicy,
) -> DishonestyProposal:
    """A covering regulator proposes a listing by hand; its notice is issued at once."""
    if not is_regulator(session, regulator):
        raise Forbidden(N_("Only a regulator may do this."))
    check = Checker()
    agency = None
    if agency_id in (None, ""):
        check.add("agency_id", N_("This field is required."))
    else:
        agency = row_by_id(session, Organization, agency_id)
        if agency is None or agency.kind != OrgKind.agency:
            check.add("agency_id", N_("No such agency."))
            agency = None
    if agency is not None:
        require_covering(session, regulator, agency)
    clean = _check_notice(check, reason, legal_basis, facts)
    check.raise_if_any()
    now = clock.now()
    proposal = DishonestyProposal(
        agency_id=agency.id,
        source=BY_REGULATOR,
        reason=clean[0],
        legal_basis=clean[1],
        facts=clean[2],
        proposed_at=now,
        proposed_by_user_id=regulator.id,
    )
    session.add(proposal)
    session.flush()
    audit.record(
        session,
        "dishonesty.proposed",
        "organization",
        agency.id,
        {"proposal": proposal.id, "source": BY_REGULATOR},
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
    )
    _notice(session, regulator, proposal, *clean, policy, now)
    return proposal


def issue_notice(
    session: Session,
    regulator: User,
    proposal_id: object,
    reason: object,
    legal_basis: object,
    facts: object,
    policy: DishonestyPolicy,
) -> DishonestyProposal:
    """A covering regulator issues the notice of an automatic proposal: the reason (required),
    the legal basis and the facts (the record's unless given)."""
    proposal = lock(session, DishonestyProposal, get_proposal(session, proposal_id).id)
    agency = session.get(Organization, proposal.agency_id)
    require_covering(session, regulator, agency)
    if proposal.decided_at is not None:
        raise Forbidden(N_("This proposal has already been decided."))
    if proposal.notice_at is not None:
        raise Forbidden(N_("The notice of this proposal has already been issued."))
    if legal_basis in (None, "") or (isinstance(legal_basis, str) and not legal_basis.strip()):
        legal_basis = proposal.legal_basis
    if facts in (None, "") or (isinstance(facts, str) and not facts.strip()):
        facts = proposal.facts
    check = Checker()
    clean = _check_notice(check, reason, legal_basis, facts)
    check.raise_if_any()
    _notice(session, regulator, proposal, *clean, policy, clock.now())
    return proposal


def statement_file_checks(
    check: Checker, files, policy: AttachmentPolicy
) -> list[tuple[bytes, dict]]:
    """The statement's files, each a PDF within the attachment limits: (bytes, description)."""
    files = [(name, data) for name, data in files or () if name or data]
    if len(files) > policy.attachment_max_files:
        check.add("file", N_("At most %(max)d files."), max=policy.attachment_max_files)
        return []
    out = []
    for name, data in files:
        try:
            content_type, clean = attachments.check_file(name, data, policy)
        except Invalid as refused:
            for message in refused.errors.get("file", []):
                check.add("file", message.msgid, **dict(message.params))
            continue
        if content_type != "application/pdf":
            check.add("file", N_("A statement's files are PDF files."))
            continue
        out.append((data, {"filename": clean, "size": len(data)}))
    return out


def state_case(
    session: Session,
    actor: User,
    proposal_id: object,
    statement: object,
    files=(),
    upload_dir=None,
    attachment_policy: AttachmentPolicy | None = None,
) -> DishonestyProposal:
    """The agency states its case once, strictly before the deadline of its notice, with
    optional PDF files."""
    proposal = lock(session, DishonestyProposal, get_proposal(session, proposal_id).id)
    if actor is None or actor.organization_id != proposal.agency_id or proposal.notice_at is None:
        raise NotFound()
    if proposal.decided_at is not None:
        raise Forbidden(N_("This proposal has already been decided."))
    if proposal.statement_at is not None:
        raise Forbidden(N_("Your agency has already stated its case; it is stated once."))
    now = clock.now()
    if now >= proposal.statement_due:
        raise Forbidden(
            Message(
                N_("The period to state your case ended at %(due)s (Asia/Shanghai)."),
                {"due": shown_time(proposal.statement_due)},
            )
        )
    check = Checker()
    text = check.text("statement", statement, max_length=MAX_FACTS, multiline=True)
    checked = statement_file_checks(check, files, attachment_policy or AttachmentPolicy())
    check.raise_if_any()
    stored = []
    for data, described in checked:
        stored.append({"sha256": attachments.store(upload_dir, data), **described})
    proposal.statement, proposal.statement_at, proposal.statement_by_user_id = text, now, actor.id
    proposal.statement_files = stored
    session.add(proposal)
    session.flush()
    agency = session.get(Organization, proposal.agency_id)
    audit.record(
        session,
        "dishonesty.statement",
        "organization",
        agency.id,
        {"proposal": proposal.id, "files": [f["sha256"] for f in stored]},
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    notifying.statement_received(session, proposal, agency)
    return proposal


def statement_file(
    session: Session, user: User | None, proposal_id: object, sha256: str, upload_dir
) -> tuple[dict, object]:
    """One of a statement's files and its path, for the agency and the covering regulators."""
    proposal = get_proposal(session, proposal_id)
    if not sees_proposal(session, user, proposal):
        raise NotFound()
    for described in proposal.statement_files or []:
        if described["sha256"] == sha256:
            return described, attachments.path_for(upload_dir, sha256)
    raise NotFound()


def _check_period(check: Checker, starts_on, ends_on, today: date, max_years: int, *, earliest):
    start = check.date("starts_on", starts_on)
    end = check.date("ends_on", ends_on)
    if start is not None and start > today:
        check.add("starts_on", N_("A listing starts on %(today)s or earlier."), today=today)
    if start is not None and earliest is not None and start < earliest:
        check.add(
            "starts_on",
            N_("A listing starts on %(earliest)s or later (the notice's date)."),
            earliest=earliest,
        )
    if start is not None and end is not None:
        if end <= start:
            check.add("ends_on", N_("The end date must be after the start date."))
        elif end > add_years(start, max_years):
            check.add(
                "ends_on",
                N_("A listing lasts at most %(years)d years: end on %(latest)s or earlier."),
                years=max_years,
                latest=add_years(start, max_years),
            )
    if end is not None and start is not None and end < today:
        check.add("ends_on", N_("The end date is already past."))
    return start, end


def decide(
    session: Session,
    regulator: User,
    proposal_id: object,
    decision: object,
    policy: DishonestyPolicy,
    *,
    legal_basis: object = None,
    facts: object = None,
    starts_on: object = None,
    ends_on: object = None,
    removal_conditions: object = None,
    reason: object = None,
) -> DishonestyProposal:
    """A covering regulator decides, once the agency stated its case or its deadline passed:
    listed (the law or regulation providing for the list, the facts — the notice's unless given —
    start and end dates, removal conditions) or dismissed with a reason."""
    proposal = lock(session, DishonestyProposal, get_proposal(session, proposal_id).id)
    agency = session.get(Organization, proposal.agency_id)
    require_covering(session, regulator, agency)
    if proposal.decided_at is not None:
        raise Forbidden(N_("This proposal has already been decided."))
    if proposal.notice_at is None:
        raise Forbidden(N_("Issue the notice first: the agency has the right to state its case."))
    now = clock.now()
    if proposal.statement_at is None and now < proposal.statement_due:
        raise Forbidden(
            Message(
                N_(
                    "The agency may state its case until %(due)s; the proposal may be "
                    "decided from then, or as soon as its statement is in (Asia/Shanghai)."
                ),
                {"due": shown_time(proposal.statement_due)},
            )
        )
    check = Checker()
    if decision in (None, ""):
        check.add("decision", N_("This field is required."))
        check.raise_if_any()
    if decision not in DECISIONS:
        check.add("decision", N_("Choose listed or dismissed."))
        check.raise_if_any()
    if decision == DISMISSED:
        text = check.text("reason", reason, max_length=MAX_REASON, multiline=True)
        check.raise_if_any()
        proposal.dismissed_reason = text
    else:
        if facts in (None, "") or (isinstance(facts, str) and not facts.strip()):
            facts = proposal.facts
        basis = check.text("legal_basis", legal_basis, max_length=MAX_BASIS, multiline=True)
        clean_facts = check.text("facts", facts, max_length=MAX_FACTS, multiline=True)
        conditions = check.text(
            "removal_conditions", removal_conditions, max_length=MAX_CONDITIONS, multiline=True
        )
        start, end = _check_period(
            check,
            starts_on,
            ends_on,
            shanghai_date(now),
            policy.max_years,
            earliest=shanghai_date(proposal.notice_at),
        )
        check.raise_if_any()
    proposal.decided_at, proposal.decision, proposal.decided_by_user_id = (
        now,
        decision,
        regulator.id,
    )
    session.add(proposal)
    session.flush()
    actor = {"actor_user_id": regulator.id, "actor_org_id": regulator.organization_id}
    if decision == DISMISSED:
        audit.record(
            session,
            "dishonesty.dismissed",
            "organization",
            agency.id,
            {"proposal": proposal.id, "reason": proposal.dismissed_reason},
            **actor,
        )
        notifying.dismissed(session, proposal)
        return proposal
    authority = session.get(Organization, regulator.organization_id)
    entry = DishonestyEntry(
        agency_id=agency.id,
        uscc=agency.uscc or "",
        name=agency.name,
        authority=authority.name,
        authority_org_id=authority.id,
        legal_basis=basis,
        facts=clean_facts,
        removal_conditions=conditions,
        starts_at=start_of_day(start),
        ends_at=end_of_day(end),
        source=DECISION,
        proposal_id=proposal.id,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        "dishonesty.listed",
        "organization",
        agency.id,
        {
            "proposal": proposal.id,
            "entry": entry.id,
            "legal_basis": basis,
            "facts": clean_facts,
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
            "removal_conditions": conditions,
        },
        **actor,
    )
    apply_entry(session, entry, now)
    notifying.listed(session, entry)
    return proposal


def may_lift(session: Session, user: User | None, entry: DishonestyEntry) -> bool:
    """A regulator covering the entry's agency; for an imported entry that matched no agency,
    any regulator or an operator."""
    if entry.agency_id is None:
        return is_regulator(session, user) or is_operator(session, user)
    return covers_agency(session, user, session.get(Organization, entry.agency_id))


def lift(session: Session, actor: User, entry_id: object, reason: object) -> DishonestyEntry:
    """Lift an entry in force early, its removal conditions met (a reason is required)."""
    entry = lock(session, DishonestyEntry, get_entry(session, entry_id).id)
    if not may_lift(session, actor, entry):
        raise Forbidden(
            N_("Only a regulator whose jurisdiction covers this agency's region may do this.")
        )
    now = clock.now()
    if not is_in_force(entry, now):
        raise Forbidden(N_("This listing is not in force."))
    check = Checker()
    text = check.text("reason", reason, max_length=MAX_REASON, multiline=True)
    check.raise_if_any()
    entry.lifted_at, entry.lifted_reason, entry.lifted_by_user_id = now, text, actor.id
    session.add(entry)
    session.flush()
    audit.record(
        session,
        "dishonesty.lifted",
        "organization" if entry.agency_id else "dishonesty_entry",
        entry.agency_id or entry.id,
        {"entry": entry.id, "reason": text},
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    if entry.agency_id is not None:
        refresh_until(session, entry.agency_id, now)
        dishonesty_lifted.send(entry.agency_id, session=session, entry=entry, at=now)
        notifying.lifted(session, entry)
    return entry
