"""The credit file of an agency (信用档案; docs/rules.md §6): its score as of a stated moment, the
lines that add up to it, the rating line's inputs, its counts and its grade history.

One serializer for two audiences: the public, and the agency itself with the regulators covering
its region (the detailed view). A minor misconduct record is never published: the public file
shows only its points, without its source or date; the detailed view shows them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from market import agencies, clock
from market.models import Organization, User
from market.permissions import regulator_covers
from market.validation import N_, Checker
from ratings import credit
from ratings.credit import CreditFile
from ratings.credit_policy import CreditPolicy
from ratings.models.credit import (
    ABANDONED,
    COMMENDATION,
    LATE,
    MISCONDUCT_GENERAL,
    MISCONDUCT_MINOR,
    MISCONDUCT_SERIOUS,
    ON_TIME,
    RATING,
    TERMINATED_FAULT,
    CreditEvent,
    CreditSnapshot,
    MisconductRecord,
)
from ratings.records import PUBLIC_SEVERITIES, is_published
from ratings.standing import file_of

#: What each line of the file is, in the reader's language.
LINE_LABELS = {
    credit.BASE: N_("Base score"),
    credit.RATINGS: N_("Ratings received"),
    credit.RATING_CLAMP: N_("Ratings: limit of the rating points"),
    ON_TIME: N_("Contract accepted on time"),
    credit.ON_TIME_CAP: N_("Contracts on time: limit of their points"),
    LATE: N_("Late delivery"),
    ABANDONED: N_("Award abandoned (contract not signed in time)"),
    TERMINATED_FAULT: N_("Contract terminated for the agency's fault"),
    MISCONDUCT_MINOR: N_("Minor misconduct record"),
    MISCONDUCT_GENERAL: N_("General misconduct record"),
    MISCONDUCT_SERIOUS: N_("Serious misconduct record"),
    COMMENDATION: N_("Commendation"),
    credit.COMMENDATION_CAP: N_("Commendations: limit of their points"),
    credit.CLAMP: N_("Score kept between 0 and 100"),
}
NOTE_LABELS = {
    credit.BELOW_MINIMUM: N_("contract below the minimum price: no points"),
    credit.SUPERSEDED: N_("replaced by the same applicant's later rating"),
}
#: Counted events shown on the file, in this order.
COUNTED = (RATING, ON_TIME, LATE, ABANDONED, TERMINATED_FAULT) + (
    MISCONDUCT_MINOR,
    MISCONDUCT_GENERAL,
    MISCONDUCT_SERIOUS,
    COMMENDATION,
)
BAD_AS_OF = N_("Give a date (2026-11-30) or a time with its offset (2026-11-30T08:00:00+08:00).")
FUTURE_AS_OF = N_("A credit file is computed as of now or an earlier moment, not a later one.")


def parse_as_of(value: object, now: datetime) -> datetime:
    """The `as_of` parameter: absent → now; a date → its end in Shanghai (its last moment), a
    time with its offset → itself. Later than now is refused."""
    if value in (None, ""):
        return now
    check = Checker()
    moment = None
    if isinstance(value, str) and len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and len(value) == 10:
            moment = datetime.combine(
                parsed.date(), datetime.max.time(), credit.SHANGHAI
            ).astimezone(UTC)
        elif parsed is not None and parsed.tzinfo is not None:
            moment = parsed.astimezone(UTC)
    if moment is None:
        check.add("as_of", BAD_AS_OF)
    elif moment > now:
        if len(value) == 10 and credit.local_date(now) == moment.astimezone(credit.SHANGHAI).date():
            moment = now  # today: as of now
        else:
            check.add("as_of", FUTURE_AS_OF)
    check.raise_if_any()
    return moment


def detailed_for(session: Session, user: User | None, org: Organization) -> bool:
    """The agency itself and the regulators covering its region see the detailed file."""
    if user is None:
        return False
    return user.organization_id == org.id or regulator_covers(
        session, user, region_code=org.region_code
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def describe(file: CreditFile, detailed: bool, unpublished: frozenset[str] = frozenset()) -> dict:
    """The file as plain data (the page's and the API's); the lines add up to `score_milli`.
    `unpublished` are the sources of records no longer published (repaired, or past their
    maximum period): the public file shows their lines' points only, as a minor record's."""
    lines = []
    for line in file.lines:
        hidden = (line.kind == MISCONDUCT_MINOR or line.source in unpublished) and not detailed
        lines.append(
            {
                "kind": line.kind,
                "points_milli": line.points_milli,
                "source": None if hidden else line.source,
                "at": None if hidden else _iso(line.at),
                "last_day": None if hidden or line.last_day is None else line.last_day.isoformat(),
                "note": line.note,
            }
        )
    return {
        "as_of": file.as_of.isoformat(),
        "score_milli": file.score_milli,
        "grade": file.grade,
        "detailed": detailed,
        "lines": lines,
        "rating_mean": str(file.rating_mean),
        "ratings": [
            {
                "source": r.source,
                "at": r.at.isoformat(),
                "stars": str(r.stars),
                "age_days": r.age_days,
                "weight": str(r.weight),
                "note": r.note,
            }
            for r in file.ratings
        ],
        "counts": {kind: file.counts.get(kind, 0) for kind in COUNTED},
    }


def history(session: Session, agency_id: int, limit: int = 365) -> list[dict]:
    """The agency's recorded standings (each recomputation that changed it), oldest first."""
    rows = session.exec(
        select(CreditSnapshot)
        .where(CreditSnapshot.agency_id == agency_id)
        .order_by(CreditSnapshot.at.desc(), CreditSnapshot.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "at": row.at.isoformat(),
            "score_milli": row.score_milli,
            "grade": row.grade,
            "policy_version": row.policy_version,
        }
        for row in reversed(rows)
    ]


def credit_file(
    session: Session,
    user: User | None,
    agency_id: int,
    as_of: object,
    policy: CreditPolicy,
) -> dict:
    """An agency's credit file as of `as_of` (now when absent) for `user`'s audience."""
    now = clock.now()
    org = agencies.get_listed_agency(session, agency_id)
    moment = parse_as_of(as_of, now)
    file = file_of(session, org.id, moment, policy)
    detailed = detailed_for(session, user, org)
    return {
        "agency_id": org.id,
        "name": org.name,
        **describe(
            file, detailed, frozenset() if detailed else unpublished(session, org, now, policy)
        ),
        "stored": {
            "score_milli": org.credit_score_milli,
            "grade": org.grade,
            "computed_at": _iso(org.credit_computed_at),
            "policy_version": org.credit_policy_version,
        },
        "history": history(session, org.id),
        "voided_ratings": voided_ratings(session, org.id, moment),
    }


def unpublished(
    session: Session, org: Organization, now: datetime, policy: CreditPolicy
) -> frozenset[str]:
    """The credit-event sources of the agency's general and serious records that are no longer
    published now (repaired, or past their maximum period: `ratings.records.is_published`)."""
    rows = session.exec(
        select(MisconductRecord).where(
            MisconductRecord.agency_id == org.id,
            MisconductRecord.severity.in_(PUBLIC_SEVERITIES),
        )
    ).all()
    return frozenset(f"misconduct:{r.id}" for r in rows if not is_published(r, now, policy))


def voided_ratings(session: Session, agency_id: int, as_of: datetime) -> list[dict]:
    """The agency's ratings voided on appeal by `as_of`: shown as voided, no longer counted."""
    rows = session.exec(
        select(CreditEvent)
        .where(
            CreditEvent.agency_id == agency_id,
            CreditEvent.kind == RATING,
            CreditEvent.voided_at.is_not(None),
            CreditEvent.voided_at <= as_of,
        )
        .order_by(CreditEvent.voided_at, CreditEvent.id)
    ).all()
    return [
        {"source": r.source, "at": r.at.isoformat(), "voided_at": r.voided_at.isoformat()}
        for r in rows
    ]


def worked_examples(policy: CreditPolicy, now: datetime) -> list[dict]:
    """The policy page's examples, computed by the same pure function as every file."""
    day = 86_400
    price = {"price_fen": policy.min_contract_fen}

    def ago(days: int) -> datetime:
        return datetime.fromtimestamp(now.timestamp() - days * day, UTC)

    def rating(stars: str, days: int, applicant: int) -> credit.Event:
        data = {"stars": stars, "applicant_id": applicant, **price}
        return credit.Event(RATING, ago(days), data, source=f"example:{applicant}:{days}")

    examples = {
        N_("One five-star rating today"): [rating("5", 0, 1)],
        N_("A five-star rating a year old"): [rating("5", 365, 1)],
        N_("Two ratings today: 5 and 3 stars"): [rating("5", 0, 1), rating("3", 0, 2)],
        N_("Twelve contracts accepted on time"): [
            credit.Event(ON_TIME, ago(n), price, source=f"example:on_time:{n}") for n in range(12)
        ],
        N_("A late delivery and a general misconduct record"): [
            credit.Event(LATE, ago(10), {}, source="example:late"),
            credit.Event(MISCONDUCT_GENERAL, ago(5), {}, source="example:general"),
        ],
    }
    return [
        {"title": title, **describe(credit.score(events, now, policy), detailed=True)}
        for title, events in examples.items()
    ]


def points(value_milli: int) -> str:
    """Milli-points as points with three decimals and a sign: "+1.667", "−2.000"."""
    sign = "+" if value_milli > 0 else "−" if value_milli < 0 else ""
    return f"{sign}{abs(value_milli) // 1000}.{abs(value_milli) % 1000:03d}"


def score_text(value_milli: int | None) -> str:
    if value_milli is None:
        return ""
    return f"{value_milli // 1000}.{value_milli % 1000:03d}"
