"""The exit rules' notifications (docs/rules.md §6): every action is told to its agency with its
reason; an appeal to the covering regulators. One kind per cause, so each text is a whole sentence
in the reader's language (a notification's data is never translated)."""

from __future__ import annotations

from sqlmodel import Session

from market.notifications import notify, notify_orgs, register_kind
from market.validation import N_
from ratings.models.exits import (
    CONDUCT_COMPLAINTS,
    DISHONESTY_LIST,
    LICENCE_CANCELLED,
    QUALIFICATION_EXPIRED,
    QUALIFICATION_REVOKED,
    SCORE_BELOW,
    SERIOUS_RECORDS,
    ExitAction,
    ExitAppeal,
)

WARNED = "exits.warning"
WARNING_ENDED = "exits.warning_ended"
SUSPENDED = {
    SCORE_BELOW: "exits.suspended_score",
    CONDUCT_COMPLAINTS: "exits.suspended_complaints",
    SERIOUS_RECORDS: "exits.suspended_serious",
}
PROPOSED = {
    DISHONESTY_LIST: "exits.removal_proposed_dishonesty",
    QUALIFICATION_EXPIRED: "exits.removal_proposed_expired",
    QUALIFICATION_REVOKED: "exits.removal_proposed_revoked",
    LICENCE_CANCELLED: "exits.removal_proposed_licence",
}
CONFIRMED = "exits.removal_confirmed"
DISMISSED = "exits.removal_dismissed"
REMOVAL_ENDED = "exits.removal_ended"
EXPIRING = "exits.qualification_expiring"
APPEAL_FILED = "exits.appeal_filed"
APPEAL_UPHELD = "exits.appeal_upheld"
APPEAL_OVERTURNED = "exits.appeal_overturned"


def standing_link(data: dict) -> tuple[str, dict]:
    return ("exits.standing", {"agency_id": data["agency_id"]})


def queue_link(data: dict) -> tuple[str, dict]:
    return ("exits.queue", {})


register_kind(
    WARNED,
    subject=N_("A credit warning is in force for your agency"),
    body=N_(
        "Your agency's credit grade entered D on %(started_at)s: a credit warning is shown to "
        "applicants until the grade leaves D. You may appeal it until %(appeal_by_at)s."
    ),
    link=standing_link,
)
register_kind(
    WARNING_ENDED,
    subject=N_("Your agency's credit warning ended"),
    body=N_("The credit warning of your agency ended on %(ended_at)s."),
    link=standing_link,
)
register_kind(
    SUSPENDED[SCORE_BELOW],
    subject=N_("Your agency is suspended from selection"),
    body=N_(
        "Your agency's credit score entered below %(threshold)s on %(started_at)s: it may not bid "
        "or be invited until %(until_at)s; running contracts continue. You may appeal until "
        "%(appeal_by_at)s."
    ),
    link=standing_link,
)
register_kind(
    SUSPENDED[CONDUCT_COMPLAINTS],
    subject=N_("Your agency is suspended from selection"),
    body=N_(
        "%(count)s complaints about your agency's conduct were upheld within %(months)s months: "
        "it may not bid or be invited until %(until_at)s; running contracts continue. You may "
        "appeal until %(appeal_by_at)s."
    ),
    link=standing_link,
)
register_kind(
    SUSPENDED[SERIOUS_RECORDS],
    subject=N_("Your agency is suspended from selection"),
    body=N_(
        "%(count)s serious misconduct records of your agency were made within %(months)s months: "
        "it may not bid or be invited until %(until_at)s; running contracts continue. You may "
        "appeal until %(appeal_by_at)s."
    ),
    link=standing_link,
)
register_kind(
    PROPOSED[DISHONESTY_LIST],
    subject=N_("Your agency's removal from the platform is proposed"),
    body=N_(
        "Your agency was put on the serious-dishonesty list: its removal from the platform is "
        "proposed to the regulator. You may appeal until %(appeal_by_at)s."
    ),
    link=standing_link,
)
register_kind(
    PROPOSED[QUALIFICATION_EXPIRED],
    subject=N_("Your agency's removal from the platform is proposed"),
    body=N_(
        "Your agency's legally required qualification %(qualification)s expired on %(day)s: its "
        "removal from the platform is proposed to the regulator. Renew the qualification, or "
        "appeal until %(appeal_by_at)s."
    ),
    link=standing_link,
)
register_kind(
    PROPOSED[QUALIFICATION_REVOKED],
    subject=N_("Your agency's removal from the platform is proposed"),
    body=N_(
        "Your agency's legally required qualification %(qualification)s was revoked: its removal "
        "from the platform is proposed to the regulator. You may appeal until %(appeal_by_at)s."
    ),
    link=standing_link,
)
register_kind(
    PROPOSED[LICENCE_CANCELLED],
    subject=N_("Your agency's removal from the platform is proposed"),
    body=N_(
        "Your agency's business licence was recorded as cancelled on %(day)s (reference "
        "%(reference)s): its removal from the platform is proposed to the regulator. You may "
        "appeal until %(appeal_by_at)s."
    ),
    link=standing_link,
)
register_kind(
    CONFIRMED,
    subject=N_("Your agency was removed from the platform"),
    body=N_(
        "A regulator confirmed your agency's removal: %(reason)s. Its open bids were withdrawn; "
        "it may not bid or be invited while the cause lasts."
    ),
    link=standing_link,
)
register_kind(
    DISMISSED,
    subject=N_("The proposed removal of your agency was dismissed"),
    body=N_("A regulator dismissed the proposed removal of your agency: %(reason)s"),
    link=standing_link,
)
register_kind(
    REMOVAL_ENDED,
    subject=N_("Your agency's removal ended"),
    body=N_(
        "The cause of your agency's removal ended on %(ended_at)s: it may bid and be invited again."
    ),
    link=standing_link,
)
register_kind(
    EXPIRING,
    subject=N_("A required qualification of your agency expires soon"),
    body=N_(
        "Your agency's qualification %(qualification)s (certificate %(certificate)s), which the "
        "law requires for services it offers, expires after %(day)s. Renew it and update its "
        "validity, or its removal from the platform will be proposed."
    ),
    link=standing_link,
)
register_kind(
    APPEAL_FILED,
    subject=N_("An agency appealed an exit action"),
    body=N_("%(agency)s appealed an action on its standing; decide by %(decide_by_at)s."),
    link=queue_link,
)
register_kind(
    APPEAL_UPHELD,
    subject=N_("Your appeal against an exit action is decided"),
    body=N_("The regulator upheld the action: %(reason)s"),
    link=standing_link,
)
register_kind(
    APPEAL_OVERTURNED,
    subject=N_("Your appeal against an exit action is decided"),
    body=N_("The regulator overturned the action; it no longer applies: %(reason)s"),
    link=standing_link,
)


def to_agency(session: Session, kind: str, action: ExitAction, **data: object) -> None:
    notify(session, kind, org_id=action.agency_id, data={"agency_id": action.agency_id, **data})


def notify_agency(session: Session, kind: str, agency_id: int, **data: object) -> None:
    notify(session, kind, org_id=agency_id, data={"agency_id": agency_id, **data})


def appeal_filed(session: Session, regulators: list[int], appeal: ExitAppeal, agency: str) -> None:
    notify_orgs(
        session,
        APPEAL_FILED,
        regulators,
        task=None,
        data={
            "agency_id": appeal.agency_id,
            "agency": agency,
            "decide_by_at": appeal.decide_by.isoformat(),
        },
    )
