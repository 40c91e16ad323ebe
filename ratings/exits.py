"""Exit rules (docs/rules.md §6, "Lists and exit rules"): credit warning (信用警示), suspension from
selection (暂停参与选取资格) and removal (清退), and the appeals against them.

Each rule fires when its condition is **entered**, never again merely because it still holds:

- a **warning** when the stored grade enters D (`ratings.signals.standing_changed`), ended when it
  leaves D; entering D again later is a new warning;
- a **suspension** (only when the `exits` policy's `auto_suspension` is 1) when the score enters
  below 50, when an upheld conduct complaint makes the third within 12 months, or a serious
  misconduct record the second within 24 months: `until` = its start + 6 months, at 00:00
  Asia/Shanghai (`ratings.credit.ends_at`). The agency's `suspended_until` is the latest `until`
  of the suspensions in force, so a second cause never shortens it and a later one extends it;
- a **removal** is always *proposed* with notice to the agency — on a serious-dishonesty listing
  (for its duration), on the lapse of a legally required qualification (expired or revoked: the
  daily sweep), or on a business licence's cancellation recorded by a regulator or an operator —
  and takes effect only when a regulator covering the agency's region confirms it: `removed_at`
  is set and the agency's open bids are withdrawn. It ends when its cause ends (the listing is
  lifted or over, the qualification renewed), on an appeal overturned, or when a covering
  regulator reinstates the agency.

A **legally required** qualification is a declared one whose type a service item the agency offers
lists among its legally required qualifications held by the firm (`ServiceItem.
required_qualifications`, holder "firm", from the catalog's legal bases): it lapses when no
declaration of that type is in force (`valid_until` passed) and unrejected (a regulator's
rejection is the revocation).

The agency's columns (`warned_since`, `suspended_until`, `removed_at`) are always derived from its
actions in force (`_refresh_flags`), so ending one action never clears what another holds.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bidding import sealed
from bidding.eligibility import valid_on
from bidding.models import Complaint
from bidding.models.objections import UPHELD as COMPLAINT_UPHELD
from market import audit, clock, holidays
from market.jobs import each_due
from market.models import (
    AgencyService,
    Jurisdiction,
    Organization,
    OrgKind,
    Qualification,
    ServiceItem,
    User,
)
from market.notifications.services import shown_value
from market.permissions import is_operator, is_regulator, regulator_covers
from market.validation import N_, Checker, Forbidden, Invalid, Message, NotFound
from market.workdays import shanghai_date
from ratings import exits_notifying as notifying
from ratings.appeals import lock, row_by_id
from ratings.credit import ends_at
from ratings.exits_policy import DEFAULT_POLICY, ExitsPolicy
from ratings.models import MisconductRecord
from ratings.models.credit import SERIOUS
from ratings.models.exits import (
    APPEAL_DECISIONS,
    CAUSE_ENDED,
    CONDUCT_COMPLAINTS,
    CONFIRMED,
    DISHONESTY_LIST,
    DISMISSED,
    GRADE_D,
    IN_FORCE,
    LEFT_CONDITION,
    LICENCE_CANCELLED,
    OVERTURNED,
    PROPOSED,
    QUALIFICATION_EXPIRED,
    QUALIFICATION_REVOKED,
    REINSTATED,
    REMOVAL,
    SCORE_BELOW,
    SERIOUS_RECORDS,
    SUSPENSION,
    WARNING,
    ExitAction,
    ExitAppeal,
    ExitNotice,
)
from ratings.records import require_covering
from ratings.standing import registry_for

log = logging.getLogger(__name__)

MAX_REASON = 2000
MAX_REFERENCE = 100
#: Messages of the registration check, one per cause (the USCC's agency is removed); only a
#: listing has a known end.
_REFUSALS = {
    DISHONESTY_LIST: N_(
        "This unified social credit code belongs to an agency removed from the platform while it "
        "is on the serious-dishonesty list, until %(until)s: it may not register again before "
        "then."
    ),
    QUALIFICATION_EXPIRED: N_(
        "This unified social credit code belongs to an agency removed from the platform because a "
        "legally required qualification expired: it may not register again while the cause lasts."
    ),
    QUALIFICATION_REVOKED: N_(
        "This unified social credit code belongs to an agency removed from the platform because a "
        "legally required qualification was revoked: it may not register again while the cause "
        "lasts."
    ),
    LICENCE_CANCELLED: N_(
        "This unified social credit code belongs to an agency removed from the platform because "
        "its business licence was cancelled: it may not register again while the cause lasts."
    ),
}
_REFUSAL_NO_END = N_(
    "This unified social credit code belongs to an agency removed from the platform while it is "
    "on the serious-dishonesty list: it may not register again while the listing lasts."
)


def policy_for(session: Session) -> ExitsPolicy:
    """The app's `exits` section for a handler holding only a session (defaults otherwise)."""
    registry = registry_for(session)
    if registry is None:
        return DEFAULT_POLICY
    return registry.section("exits")


def shanghai_text(moment: datetime) -> str:
    """A moment as every page shows it: Asia/Shanghai, 24:00 for a midnight that ends a day."""
    return shown_value("at_at", moment.isoformat())


# --- reading ---------------------------------------------------------------------------------


def in_force(action: ExitAction, now: datetime) -> bool:
    """Whether the action applies at `now`: a warning or suspension not ended (a suspension
    before its `until`), a removal confirmed and not ended."""
    if action.ended_at is not None:
        return False
    if action.kind == REMOVAL:
        return action.state == CONFIRMED
    if action.kind == SUSPENSION:
        return action.until is None or now < action.until
    return True


def actions_of(session: Session, agency_id: int) -> list[ExitAction]:
    return list(
        session.exec(
            select(ExitAction)
            .where(ExitAction.agency_id == agency_id)
            .order_by(col(ExitAction.started_at).desc(), col(ExitAction.id).desc())
        )
    )


def appeal_of(session: Session, action_id: int) -> ExitAppeal | None:
    return session.exec(select(ExitAppeal).where(ExitAppeal.action_id == action_id)).first()


def get_action(session: Session, action_id: object) -> ExitAction:
    row = row_by_id(session, ExitAction, action_id)
    if row is None:
        raise NotFound()
    return row


def get_appeal(session: Session, appeal_id: object) -> ExitAppeal:
    row = row_by_id(session, ExitAppeal, appeal_id)
    if row is None:
        raise NotFound()
    return row


def sees_all(session: Session, viewer: User | None, agency: Organization) -> bool:
    """The agency itself and the regulators covering its region see every action, proposals and
    dismissals included, and the appeals; the public sees the actions in force only."""
    if viewer is None:
        return False
    if viewer.organization_id == agency.id:
        return True
    return regulator_covers(session, viewer, region_code=agency.region_code)


def visible_actions(
    session: Session, viewer: User | None, agency: Organization, now: datetime
) -> list[ExitAction]:
    rows = actions_of(session, agency.id)
    if sees_all(session, viewer, agency):
        return rows
    return [a for a in rows if in_force(a, now)]


def appeal_due(session: Session, action: ExitAction, policy: ExitsPolicy) -> datetime:
    """The end of the appeal period: 24:00 of the `appeal_wd`-th working day after the action."""
    return holidays.load(session).add_working_days(action.started_at, policy.appeal_wd)


def covering_regulators(session: Session, agency: Organization) -> list[int]:
    """The regulator organizations whose jurisdiction covers the agency's region, in id order."""
    region = agency.region_code
    out = set()
    for row in session.exec(
        select(Jurisdiction)
        .join(Organization, Organization.id == Jurisdiction.organization_id)
        .where(Organization.kind == OrgKind.regulator)
    ):
        if row.region_prefix is None or (
            region is not None and region.startswith(row.region_prefix)
        ):
            out.add(row.organization_id)
    return sorted(out)


# --- the agency's columns, derived from its actions ------------------------------------------


def _refresh_flags(session: Session, agency: Organization, now: datetime) -> None:
    """Write the agency's standing columns from its actions in force (never from one action
    alone, so ending one leaves what another holds)."""
    session.flush()
    rows = [a for a in actions_of(session, agency.id) if a.ended_at is None]
    warnings = [a.started_at for a in rows if a.kind == WARNING]
    suspensions = [a.until for a in rows if a.kind == SUSPENSION and a.until is not None]
    removals = [a.decided_at for a in rows if a.kind == REMOVAL and a.state == CONFIRMED]
    agency.warned_since = min(warnings) if warnings else None
    agency.suspended_until = max(suspensions) if suspensions else None
    agency.removed_at = min(removals) if removals else None
    session.add(agency)
    session.flush()


def _new_action(
    session: Session,
    agency: Organization,
    kind: str,
    cause: str,
    source: str,
    at: datetime,
    *,
    state: str = IN_FORCE,
    until: datetime | None = None,
    details: dict | None = None,
    qualification_id: int | None = None,
    actor: User | None = None,
) -> ExitAction | None:
    """Write the action once per (agency, kind, source); None when that fact was acted on."""
    seen = session.exec(
        select(ExitAction.id).where(
            ExitAction.agency_id == agency.id, ExitAction.kind == kind, ExitAction.source == source
        )
    ).first()
    if seen is not None:
        return None
    row = ExitAction(
        agency_id=agency.id,
        kind=kind,
        cause=cause,
        source=source,
        details=details or {},
        state=state,
        started_at=at,
        until=until,
        qualification_id=qualification_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        f"exits.{kind}_{'proposed' if state == PROPOSED else 'started'}",
        "organization",
        agency.id,
        {
            "action": row.id,
            "cause": cause,
            "source": source,
            "until": until.isoformat() if until else None,
            **(details or {}),
        },
        actor_user_id=actor.id if actor else None,
        actor_org_id=actor.organization_id if actor else None,
    )
    _refresh_flags(session, agency, at)
    return row


def _end(session: Session, action: ExitAction, at: datetime, reason: str, actor=None) -> None:
    action.ended_at, action.end_reason = at, reason
    session.add(action)
    audit.record(
        session,
        f"exits.{action.kind}_ended",
        "organization",
        action.agency_id,
        {"action": action.id, "reason": reason},
        actor_user_id=actor.id if actor else None,
        actor_org_id=actor.organization_id if actor else None,
    )
    agency = session.get(Organization, action.agency_id)
    _refresh_flags(session, agency, at)


# --- warnings and suspensions ------------------------------------------------------------------


def _suspend(
    session: Session,
    agency: Organization,
    cause: str,
    source: str,
    at: datetime,
    policy: ExitsPolicy,
    details: dict,
) -> ExitAction | None:
    if not policy.auto_suspension:
        return None
    until = ends_at(at, policy.suspension_months)
    row = _new_action(session, agency, SUSPENSION, cause, source, at, until=until, details=details)
    if row is not None:
        extra = {"threshold": f"{policy.suspension_below_milli / 1000:.3f}"}
        extra.update(count=details.get("count"), months=details.get("months"))
        notifying.to_agency(
            session,
            notifying.SUSPENDED[cause],
            row,
            started_at=at.isoformat(),
            until_at=until.isoformat(),
            appeal_by_at=appeal_due(session, row, policy).isoformat(),
            **extra,
        )
    return row


def on_standing_changed(
    agency_id: int, *, session: Session, before: tuple, after: tuple, at: datetime, **_ignored
) -> None:
    """`ratings.signals.standing_changed` handler: grade D entered or left; score entered below
    the threshold."""
    policy = policy_for(session)
    agency = session.get(Organization, agency_id)
    (score_before, grade_before), (score_after, grade_after) = before, after
    if grade_after == "D" and grade_before != "D":
        row = _new_action(
            session,
            agency,
            WARNING,
            GRADE_D,
            f"standing:{at.isoformat()}",
            at,
            details={"score_milli": score_after, "grade_before": grade_before},
        )
        if row is not None:
            notifying.to_agency(
                session,
                notifying.WARNED,
                row,
                started_at=at.isoformat(),
                appeal_by_at=appeal_due(session, row, policy).isoformat(),
            )
    elif grade_before == "D" and grade_after != "D":
        for row in actions_of(session, agency_id):
            if row.kind == WARNING and row.ended_at is None:
                _end(session, row, at, LEFT_CONDITION)
                notifying.to_agency(session, notifying.WARNING_ENDED, row, ended_at=at.isoformat())
    threshold = policy.suspension_below_milli
    if (
        score_after is not None
        and score_after < threshold
        and (score_before is None or score_before >= threshold)
    ):
        _suspend(
            session,
            agency,
            SCORE_BELOW,
            f"standing:{at.isoformat()}",
            at,
            policy,
            {"score_milli": score_after, "score_before_milli": score_before},
        )


def on_complaint_decided(complaint: Complaint, *, session: Session, **_ignored) -> None:
    """`bidding.signals.complaint_decided` handler: the upheld conduct complaint that makes the
    `complaints_count`-th within `complaints_months` suspends (that one only, never a later one
    while the count still holds)."""
    if complaint.decision != COMPLAINT_UPHELD or complaint.conduct_agency_id is None:
        return
    policy = policy_for(session)
    now = clock.now()
    decided = session.exec(
        select(Complaint.decided_at).where(
            Complaint.conduct_agency_id == complaint.conduct_agency_id,
            Complaint.decision == COMPLAINT_UPHELD,
            col(Complaint.decided_at).is_not(None),
        )
    ).all()
    count = sum(1 for at in decided if now < ends_at(at, policy.complaints_months))
    if count != policy.complaints_count:
        return
    agency = session.get(Organization, complaint.conduct_agency_id)
    _suspend(
        session,
        agency,
        CONDUCT_COMPLAINTS,
        f"complaint:{complaint.id}",
        now,
        policy,
        {"count": count, "months": policy.complaints_months, "complaint": complaint.id},
    )


def on_misconduct_recorded(record: MisconductRecord, *, session: Session, **_ignored) -> None:
    """`ratings.signals.misconduct_recorded` handler: the serious record that makes the
    `serious_count`-th within `serious_months` suspends."""
    if record.severity != SERIOUS:
        return
    policy = policy_for(session)
    now = clock.now()
    decided = session.exec(
        select(MisconductRecord.decided_at).where(
            MisconductRecord.agency_id == record.agency_id,
            MisconductRecord.severity == SERIOUS,
        )
    ).all()
    count = sum(1 for at in decided if now < ends_at(at, policy.serious_months))
    if count != policy.serious_count:
        return
    agency = session.get(Organization, record.agency_id)
    _suspend(
        session,
        agency,
        SERIOUS_RECORDS,
        f"record:{record.id}",
        now,
        policy,
        {"count": count, "months": policy.serious_months, "record": record.id},
    )


# --- removals ----------------------------------------------------------------------------------


def _propose(
    session: Session,
    agency: Organization,
    cause: str,
    source: str,
    now: datetime,
    policy: ExitsPolicy,
    *,
    until: datetime | None = None,
    details: dict | None = None,
    qualification_id: int | None = None,
    actor: User | None = None,
    **shown: object,
) -> ExitAction | None:
    row = _new_action(
        session,
        agency,
        REMOVAL,
        cause,
        source,
        now,
        state=PROPOSED,
        until=until,
        details=details,
        qualification_id=qualification_id,
        actor=actor,
    )
    if row is not None:
        notifying.to_agency(
            session,
            notifying.PROPOSED[cause],
            row,
            appeal_by_at=appeal_due(session, row, policy).isoformat(),
            **shown,
        )
    return row


def on_dishonesty_listed(
    agency_id: int, *, session: Session, entry, starts_at: datetime, ends_at: datetime | None, **_
) -> None:
    """`ratings.signals.dishonesty_listed` handler: the listing proposes the agency's removal for
    its duration."""
    agency = session.get(Organization, agency_id)
    _propose(
        session,
        agency,
        DISHONESTY_LIST,
        f"dishonesty:{entry.id}",
        clock.now(),
        policy_for(session),
        until=ends_at,
        details={
            "entry": entry.id,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat() if ends_at else None,
        },
    )


def on_dishonesty_lifted(agency_id: int, *, session: Session, entry, at: datetime, **_) -> None:
    """`ratings.signals.dishonesty_lifted` handler: the listing's removal (proposed or confirmed)
    ends with it."""
    for row in actions_of(session, agency_id):
        if row.kind == REMOVAL and row.source == f"dishonesty:{entry.id}" and row.ended_at is None:
            _end_removal(session, row, at, CAUSE_ENDED)


def _end_removal(session: Session, row: ExitAction, at: datetime, reason: str, actor=None) -> None:
    was_confirmed = row.state == CONFIRMED
    _end(session, row, at, reason, actor)
    if was_confirmed:
        notifying.to_agency(session, notifying.REMOVAL_ENDED, row, ended_at=at.isoformat())


def record_licence_cancellation(
    session: Session,
    actor: User | None,
    agency_id: object,
    cancelled_on: object,
    reference: object,
    policy: ExitsPolicy = DEFAULT_POLICY,
) -> ExitAction:
    """A regulator covering the agency's region, or an operator, records that the agency's business
    licence was cancelled (the day, and the registration authority's reference): its removal is
    proposed."""
    agency = row_by_id(session, Organization, agency_id)
    if agency is None or agency.kind != OrgKind.agency:
        raise NotFound()
    if not (
        is_operator(session, actor)
        or regulator_covers(session, actor, region_code=agency.region_code)
    ):
        raise Forbidden(
            N_("Only an operator or a regulator whose jurisdiction covers this agency may do this.")
        )
    c = Checker()
    day = _day(c, "cancelled_on", cancelled_on)
    if day is not None and day > shanghai_date(clock.now()):
        c.add("cancelled_on", N_("The day of the cancellation cannot be in the future."))
    ref = c.text("reference", reference, max_length=MAX_REFERENCE, markup=False)
    c.raise_if_any()
    row = _propose(
        session,
        agency,
        LICENCE_CANCELLED,
        f"licence:{ref}",
        clock.now(),
        policy,
        details={"cancelled_on": day.isoformat(), "reference": ref},
        actor=actor,
        day=day.isoformat(),
        reference=ref,
    )
    if row is None:
        raise Invalid(
            {"reference": [Message(N_("This cancellation is already recorded for this agency."))]}
        )
    return row


def _day(c: Checker, name: str, value: object) -> date | None:
    if value in (None, ""):
        c.add(name, N_("This field is required."))
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        c.add(name, N_("Enter a date as YYYY-MM-DD."))
        return None


def _reason(c: Checker, value: object) -> str | None:
    return c.text("reason", value, max_length=MAX_REASON, multiline=True)


def _pending_removal(
    session: Session, regulator: User | None, action_id: object, reason: object
) -> tuple[ExitAction, Organization, str | None]:
    """The removal proposal a covering regulator decides, locked, its agency and the clean reason;
    refused unless it is still pending."""
    action = get_action(session, action_id)
    agency = session.get(Organization, action.agency_id)
    require_covering(session, regulator, agency)
    c = Checker()
    clean = _reason(c, reason)
    c.raise_if_any()
    action = lock(session, ExitAction, action.id)
    if action.kind != REMOVAL or action.state != PROPOSED or action.ended_at is not None:
        raise Forbidden(N_("Only a pending removal proposal can be confirmed or dismissed."))
    return action, agency, clean


def confirm(
    session: Session, regulator: User | None, action_id: object, reason: object
) -> ExitAction:
    """A covering regulator confirms a proposed removal: `removed_at` is set and every open bid of
    the agency is withdrawn (bidding's withdrawal; each bid's history, withdrawal included, is
    published when its task opens — the audit log records only how many, since which tasks an
    agency bid on is sealed until opening)."""
    action, agency, clean = _pending_removal(session, regulator, action_id, reason)
    now = clock.now()
    action.state, action.decided_at = CONFIRMED, now
    action.decided_by_user_id, action.decision_reason = regulator.id, clean
    session.add(action)
    withdrawn = sealed.withdraw_all_open(session, agency, now)
    audit.record(
        session,
        "exits.removal_confirmed",
        "organization",
        agency.id,
        {"action": action.id, "reason": clean, "bids_withdrawn": withdrawn},
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
    )
    _refresh_flags(session, agency, now)
    notifying.to_agency(session, notifying.CONFIRMED, action, reason=clean)
    return action


def dismiss(
    session: Session, regulator: User | None, action_id: object, reason: object
) -> ExitAction:
    action, agency, clean = _pending_removal(session, regulator, action_id, reason)
    now = clock.now()
    action.state, action.decided_at = DISMISSED, now
    action.decided_by_user_id, action.decision_reason = regulator.id, clean
    action.ended_at, action.end_reason = now, DISMISSED
    session.add(action)
    audit.record(
        session,
        "exits.removal_dismissed",
        "organization",
        agency.id,
        {"action": action.id, "reason": clean},
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
    )
    _refresh_flags(session, agency, now)
    notifying.to_agency(session, notifying.DISMISSED, action, reason=clean)
    return action


def reinstate(
    session: Session, regulator: User | None, action_id: object, reason: object
) -> ExitAction:
    """A covering regulator ends a confirmed removal whose cause ended (a licence restored, a
    qualification renewed before the sweep saw it), with its reason: the agency is reinstated."""
    action = get_action(session, action_id)
    agency = session.get(Organization, action.agency_id)
    require_covering(session, regulator, agency)
    c = Checker()
    clean = _reason(c, reason)
    c.raise_if_any()
    action = lock(session, ExitAction, action.id)
    if action.kind != REMOVAL or action.state != CONFIRMED or action.ended_at is not None:
        raise Forbidden(N_("Only a removal in force can be ended by reinstating the agency."))
    action.decision_reason = f"{action.decision_reason}\n\n{clean}"
    _end_removal(session, action, clock.now(), REINSTATED, regulator)
    return action


# --- the registration check ----------------------------------------------------------------


def registration_check(session: Session, uscc: str, at: datetime) -> Message | None:
    """`market.registration_checks` entry: the same USCC may not register again while its
    agency's removal lasts (the organization keeps its row: once the cause ends, the removal
    ends and the agency, with its accounts and history, is back; a second row is never made)."""
    agency = session.exec(select(Organization).where(Organization.uscc == uscc)).first()
    if agency is None or agency.removed_at is None:
        return None
    for row in actions_of(session, agency.id):
        if row.kind == REMOVAL and in_force(row, at):
            if row.cause == DISHONESTY_LIST and row.until is None:
                return Message(_REFUSAL_NO_END)
            if row.cause == DISHONESTY_LIST:
                return Message(_REFUSALS[row.cause], {"until": shanghai_text(row.until)})
            return Message(_REFUSALS[row.cause])
    return None


# --- the daily sweep -----------------------------------------------------------------------


def required_types(session: Session, agency_id: int) -> set[str]:
    """The qualification types the law requires of the firm itself for the service items the
    agency offers (a person's certificate is its professional's, and the firm may replace the
    person: a bid checks that, `bidding.eligibility`)."""
    items = session.exec(
        select(ServiceItem.required_qualifications)
        .join(AgencyService, AgencyService.service_item_id == ServiceItem.id)
        .where(AgencyService.organization_id == agency_id)
    ).all()
    return {
        q["type"]
        for rows in items
        for q in rows or []
        if q.get("type") and q.get("holder") == "firm"
    }


def _holds(session: Session, agency_id: int, type_code: str, day: date) -> bool:
    rows = session.exec(
        select(Qualification).where(
            Qualification.organization_id == agency_id,
            Qualification.type_code == type_code,
            col(Qualification.rejected_at).is_(None),
        )
    ).all()
    return any(valid_on(q, day) for q in rows)


def check_qualification(session: Session, q: Qualification, policy: ExitsPolicy) -> bool:
    """Notice ahead of expiry (once per expiry date), or a removal proposal once it lapsed."""
    now = clock.now()
    today = shanghai_date(now)
    if q.type_code is None or q.type_code not in required_types(session, q.organization_id):
        return False
    agency = session.get(Organization, q.organization_id)
    if agency.kind != OrgKind.agency:
        return False
    if q.rejected_at is not None or (q.valid_until is not None and q.valid_until < today):
        if _holds(session, agency.id, q.type_code, today):
            return False
        cause = QUALIFICATION_REVOKED if q.rejected_at is not None else QUALIFICATION_EXPIRED
        row = _propose(
            session,
            agency,
            cause,
            f"qualification:{q.id}:{q.valid_until}:{cause}",
            now,
            policy,
            details={"qualification": q.id, "name": q.name, "valid_until": str(q.valid_until)},
            qualification_id=q.id,
            qualification=q.name,
            day=str(q.valid_until),
        )
        return row is not None
    if q.valid_until is None or (q.valid_until - today).days > policy.expiry_notice_days:
        return False
    seen = session.exec(
        select(ExitNotice.id).where(
            ExitNotice.qualification_id == q.id, ExitNotice.valid_until == q.valid_until
        )
    ).first()
    if seen is not None:
        return False
    session.add(
        ExitNotice(
            qualification_id=q.id, valid_until=q.valid_until, agency_id=agency.id, sent_at=now
        )
    )
    session.flush()
    audit.record(
        session,
        "exits.expiry_notice",
        "organization",
        agency.id,
        {"qualification": q.id, "valid_until": q.valid_until.isoformat()},
    )
    notifying.notify_agency(
        session,
        notifying.EXPIRING,
        agency.id,
        qualification=q.name,
        certificate=q.certificate_no,
        day=q.valid_until.isoformat(),
    )
    return True


def end_if_cause_over(session: Session, action: ExitAction) -> bool:
    """A removal whose cause ended: its listing is over, or its qualification is held again."""
    action = lock(session, ExitAction, action.id)
    if action.kind != REMOVAL or action.ended_at is not None:
        return False
    now = clock.now()
    over = False
    if action.cause == DISHONESTY_LIST:
        over = action.until is not None and action.until <= now
    elif action.cause in (QUALIFICATION_EXPIRED, QUALIFICATION_REVOKED):
        q = session.get(Qualification, action.qualification_id)
        over = q is not None and _holds(session, action.agency_id, q.type_code, shanghai_date(now))
    if over:
        _end_removal(session, action, now, CAUSE_ENDED)
    return over


def daily_sweep(session: Session, policy: ExitsPolicy) -> int:
    """Sweep (daily, `ratings.exits_daily`): notices of required qualifications expiring within
    `expiry_notice_days`, removal proposals for those that lapsed, and the end of removals whose
    cause ended. Returns how many rows it acted on."""
    today = shanghai_date(clock.now())
    horizon = today + timedelta(days=policy.expiry_notice_days)
    due_q = select(Qualification).where(
        col(Qualification.type_code).is_not(None),
        or_(
            col(Qualification.rejected_at).is_not(None),
            col(Qualification.valid_until) <= horizon,
        ),
    )
    acted = each_due(
        session,
        due_q,
        lambda s, q: check_qualification(s, q, policy),
        key=Qualification.id,
        label="exits qualification",
        log=log,
    )
    due_removals = select(ExitAction).where(
        ExitAction.kind == REMOVAL,
        col(ExitAction.ended_at).is_(None),
        col(ExitAction.cause).in_((DISHONESTY_LIST, QUALIFICATION_EXPIRED, QUALIFICATION_REVOKED)),
    )
    acted += each_due(
        session, due_removals, end_if_cause_over, key=ExitAction.id, label="exits removal", log=log
    )
    return acted


# --- appeals -------------------------------------------------------------------------------


def file_appeal(
    session: Session, actor: User | None, action_id: object, reason: object, policy: ExitsPolicy
) -> ExitAppeal:
    """The agency appeals one of its actions once, with its reason, until 24:00 of the
    `appeal_wd`-th working day after it; a covering regulator decides within
    `appeal_decision_wd` working days."""
    action = get_action(session, action_id)
    if actor is None or actor.organization_id != action.agency_id:
        raise NotFound()
    c = Checker()
    clean = _reason(c, reason)
    c.raise_if_any()
    action = lock(session, ExitAction, action.id)
    now = clock.now()
    if appeal_of(session, action.id) is not None:
        raise Forbidden(N_("Your agency has already appealed this action."))
    if action.state == DISMISSED:
        raise Forbidden(N_("This proposal was dismissed: there is nothing to appeal."))
    due = appeal_due(session, action, policy)
    if now >= due:
        raise Forbidden(
            Message(
                N_("The time to appeal this action ended at %(due)s."), {"due": shanghai_text(due)}
            )
        )
    row = ExitAppeal(
        action_id=action.id,
        agency_id=action.agency_id,
        reason=clean,
        filed_at=now,
        filed_by_user_id=actor.id,
        decide_by=holidays.load(session).add_working_days(now, policy.appeal_decision_wd),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "exits.appeal_filed",
        "organization",
        action.agency_id,
        {"action": action.id, "appeal": row.id},
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    agency = session.get(Organization, action.agency_id)
    notifying.appeal_filed(session, covering_regulators(session, agency), row, agency.name)
    return row


def decide_appeal(
    session: Session, regulator: User | None, appeal_id: object, decision: object, reason: object
) -> ExitAppeal:
    """A covering regulator upholds the action or overturns it (the action ends, the agency's
    flags are cleared as far as no other action holds them), with a written reason."""
    appeal = get_appeal(session, appeal_id)
    agency = session.get(Organization, appeal.agency_id)
    require_covering(session, regulator, agency)
    c = Checker()
    if decision not in APPEAL_DECISIONS:
        c.add("decision", N_("Choose a decision."))
    clean = _reason(c, reason)
    c.raise_if_any()
    appeal = lock(session, ExitAppeal, appeal.id)
    if appeal.decided_at is not None:
        raise Forbidden(N_("This appeal has already been decided."))
    now = clock.now()
    appeal.decided_at, appeal.decision = now, decision
    appeal.decision_reason, appeal.decided_by_user_id = clean, regulator.id
    session.add(appeal)
    audit.record(
        session,
        "exits.appeal_decided",
        "organization",
        agency.id,
        {"appeal": appeal.id, "decision": decision, "reason": clean},
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
    )
    action = lock(session, ExitAction, appeal.action_id)
    if decision == OVERTURNED and action.ended_at is None:
        _end(session, action, now, OVERTURNED, regulator)
    kind = notifying.APPEAL_OVERTURNED if decision == OVERTURNED else notifying.APPEAL_UPHELD
    notifying.to_agency(session, kind, action, reason=clean)
    return appeal


def is_overdue(appeal: ExitAppeal, now: datetime) -> bool:
    return appeal.decided_at is None and now >= appeal.decide_by


def queue(session: Session, regulator: User | None) -> dict:
    """A regulator's queue: removal proposals to confirm and appeals to decide, of the agencies
    its jurisdiction covers, oldest first."""
    if not is_regulator(session, regulator):
        raise Forbidden(N_("Only regulators have this queue."))
    proposals = session.exec(
        select(ExitAction, Organization)
        .join(Organization, Organization.id == ExitAction.agency_id)
        .where(
            ExitAction.kind == REMOVAL,
            ExitAction.state == PROPOSED,
            col(ExitAction.ended_at).is_(None),
        )
        .order_by(ExitAction.started_at, ExitAction.id)
    ).all()
    appeals = session.exec(
        select(ExitAppeal, ExitAction, Organization)
        .join(ExitAction, ExitAction.id == ExitAppeal.action_id)
        .join(Organization, Organization.id == ExitAppeal.agency_id)
        .where(col(ExitAppeal.decided_at).is_(None))
        .order_by(ExitAppeal.filed_at, ExitAppeal.id)
    ).all()

    def mine(org: Organization) -> bool:
        return regulator_covers(session, regulator, region_code=org.region_code)

    return {
        "proposals": [(a, o) for a, o in proposals if mine(o)],
        "appeals": [(p, a, o) for p, a, o in appeals if mine(o)],
    }


# --- serializing (one shape for pages and the API) -------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def agency_ref(agency: Organization) -> dict:
    return {"id": agency.id, "name": agency.name, "uscc": agency.uscc}


def serialize_appeal(appeal: ExitAppeal, agency: Organization, now: datetime) -> dict:
    return {
        "id": appeal.id,
        "action_id": appeal.action_id,
        "agency": agency_ref(agency),
        "reason": appeal.reason,
        "filed_at": appeal.filed_at.isoformat(),
        "decide_by": appeal.decide_by.isoformat(),
        "overdue": is_overdue(appeal, now),
        "decided_at": _iso(appeal.decided_at),
        "decision": appeal.decision,
        "decision_reason": appeal.decision_reason,
    }


def serialize_action(
    session: Session,
    action: ExitAction,
    agency: Organization,
    now: datetime,
    full: bool,
    policy: ExitsPolicy,
) -> dict:
    """An action as its audience reads it: `full` (the agency, its regulators) adds the appeal
    period and the appeal."""
    appeal = appeal_of(session, action.id) if full else None
    return {
        "id": action.id,
        "agency": agency_ref(agency),
        "kind": action.kind,
        "cause": action.cause,
        "state": action.state,
        "in_force": in_force(action, now),
        "details": action.details,
        "started_at": action.started_at.isoformat(),
        "until": _iso(action.until),
        "decided_at": _iso(action.decided_at),
        "decision_reason": action.decision_reason,
        "ended_at": _iso(action.ended_at),
        "end_reason": action.end_reason,
        "appeal_by": appeal_due(session, action, policy).isoformat() if full else None,
        "appeal": serialize_appeal(appeal, agency, now) if appeal is not None else None,
    }


def standing_file(
    session: Session, viewer: User | None, agency: Organization, now: datetime, policy: ExitsPolicy
) -> dict:
    """The agency's standing and its exit actions, for `viewer` (`GET .../exit-actions`)."""
    full = sees_all(session, viewer, agency)
    rows = visible_actions(session, viewer, agency, now)
    return {
        "agency": agency_ref(agency),
        "warned_since": _iso(agency.warned_since),
        "suspended_until": _iso(agency.suspended_until)
        if agency.suspended_until and now < agency.suspended_until
        else None,
        "removed_at": _iso(agency.removed_at),
        "items": [serialize_action(session, a, agency, now, full, policy) for a in rows],
    }


def flags(agency: Organization, now: datetime) -> dict:
    """The public flags of an agency's standing at `now` (pages, serializers, the directory)."""
    return {
        "warned_since": agency.warned_since,
        "suspended_until": agency.suspended_until
        if agency.suspended_until is not None and now < agency.suspended_until
        else None,
        "removed_at": agency.removed_at,
    }
