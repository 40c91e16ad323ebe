"""Appeals against ratings (docs/rules.md §6): the rated side appeals a published rating once,
within `appeal_wd` working days of its publication, with a reason; a regulator whose jurisdiction
covers the rating's task (`market.suspensions.covers`) upholds it or voids it with a written
reason within `appeal_decision_wd`. A voided rating stays visible, marked voided, and its credit
event (`rating:<id>`) stops counting (`ratings.credit_events.void`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from market import audit, clock, holidays, suspensions
from market.models import Organization, Task, User
from market.permissions import is_regulator
from market.validation import MAX_ID, N_, Checker, Forbidden, NotFound
from ratings import credit_events
from ratings import review_notifying as notifying
from ratings.models import Rating, RatingAppeal
from ratings.models.ratings import UPHELD, VOIDED
from ratings.policy import RatingsPolicy

#: An appeal's reason and a decision's reason, in characters.
MAX_REASON = 2000
DECISIONS = (UPHELD, VOIDED)
#: The regulator's queue tabs.
UNDECIDED, DECIDED = "undecided", "decided"
QUEUE_STATES = (UNDECIDED, DECIDED)


def rating_source(rating: Rating) -> str:
    """The source of the rating's credit event."""
    return f"rating:{rating.id}"


def row_by_id(session: Session, model: type, value: object):
    """The row of `model` with id `value`, or None (a malformed id finds nothing)."""
    check = Checker()
    wanted = check.integer("id", value, minimum=1, maximum=MAX_ID)
    return session.get(model, wanted) if check.ok("id") else None


def lock(session: Session, model: type, row_id: int):
    """The row read again under its row lock (FOR UPDATE on PostgreSQL; SQLite's transactions
    are IMMEDIATE), so two decisions of the same row never both pass the 'undecided' check."""
    return session.exec(
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def get_published_rating(session: Session, rating_id: object) -> Rating:
    """A published rating; an unknown or still hidden one is `NotFound` (double-blind)."""
    row = row_by_id(session, Rating, rating_id)
    if row is None or row.published_at is None:
        raise NotFound()
    return row


def get_appeal(session: Session, appeal_id: object) -> RatingAppeal:
    row = row_by_id(session, RatingAppeal, appeal_id)
    if row is None:
        raise NotFound()
    return row


def appeal_of(session: Session, rating: Rating) -> RatingAppeal | None:
    return session.exec(select(RatingAppeal).where(RatingAppeal.rating_id == rating.id)).first()


def appeal_due(session: Session, rating: Rating, policy: RatingsPolicy) -> datetime:
    """The end of the appeal period: `appeal_wd` working days after publication."""
    return holidays.load(session).add_working_days(rating.published_at, policy.appeal_wd)


def is_overdue(appeal: RatingAppeal, now: datetime) -> bool:
    return appeal.decided_at is None and now >= appeal.decide_by


def appeal_refusal(
    session: Session, rating: Rating, org: Organization | None, now: datetime, policy: RatingsPolicy
) -> str | None:
    """Why `org` may not appeal the rating now (a msgid), or None."""
    if org is None or org.id != rating.rated_org_id:
        return N_("Only the rated side may appeal this rating.")
    if rating.voided_at is not None:
        return N_("This rating is already voided.")
    if appeal_of(session, rating) is not None:
        return N_("This rating has already been appealed; a rating is appealed once.")
    if now >= appeal_due(session, rating, policy):
        return N_("The appeal period of this rating is over.")
    return None


def file_appeal(
    session: Session, actor: User, rating_id: object, reason: object, policy: RatingsPolicy
) -> RatingAppeal:
    """The rated side appeals a published rating, with a reason read by the regulators."""
    rating = lock(session, Rating, get_published_rating(session, rating_id).id)
    org = session.get(Organization, actor.organization_id) if actor is not None else None
    now = clock.now()
    refusal = appeal_refusal(session, rating, org, now, policy)
    if refusal is not None:
        raise Forbidden(refusal)
    check = Checker()
    text = check.text("reason", reason, max_length=MAX_REASON, multiline=True)
    check.raise_if_any()
    row = RatingAppeal(
        rating_id=rating.id,
        appellant_org_id=org.id,
        filed_by_user_id=actor.id,
        reason=text,
        filed_at=now,
        decide_by=holidays.load(session).add_working_days(now, policy.appeal_decision_wd),
    )
    session.add(row)
    session.flush()
    task = session.get(Task, rating.task_id)
    audit.record(
        session,
        "rating.appealed",
        "rating",
        rating.id,
        {"appeal": row.id, "task": task.number},
        actor_user_id=actor.id,
        actor_org_id=org.id,
    )
    notifying.appeal_filed(session, task, row, org.name)
    return row


def _require_covering(session: Session, regulator: User, rating: Rating) -> Task:
    task = session.get(Task, rating.task_id)
    if not is_regulator(session, regulator) or not suspensions.covers(session, regulator, task):
        raise Forbidden(
            N_("Only a regulator whose jurisdiction covers this rating's task may do this.")
        )
    return task


def covers_appeal(session: Session, regulator: User, appeal: RatingAppeal) -> bool:
    rating = session.get(Rating, appeal.rating_id)
    task = session.get(Task, rating.task_id)
    return is_regulator(session, regulator) and suspensions.covers(session, regulator, task)


def queue(session: Session, regulator: User, state: str) -> dict:
    """The appeals about ratings of tasks in the regulator's jurisdiction, oldest first: those of
    `state` (undecided or decided) with their ratings and tasks, and the count of each state."""
    if not is_regulator(session, regulator):
        raise Forbidden(N_("Only a regulator may do this."))
    state = state if state in QUEUE_STATES else UNDECIDED
    rows = session.exec(
        select(RatingAppeal, Rating, Task)
        .join(Rating, Rating.id == RatingAppeal.rating_id)
        .join(Task, Task.id == Rating.task_id)
        .order_by(RatingAppeal.filed_at, RatingAppeal.id)
    ).all()
    covered: dict[int, bool] = {}
    mine = []
    for appeal, rating, task in rows:
        if task.id not in covered:
            covered[task.id] = suspensions.covers(session, regulator, task)
        if covered[task.id]:
            mine.append((appeal, rating, task))
    counts = {
        UNDECIDED: sum(1 for a, _, _ in mine if a.decided_at is None),
        DECIDED: sum(1 for a, _, _ in mine if a.decided_at is not None),
    }
    wanted = [row for row in mine if (row[0].decided_at is None) == (state == UNDECIDED)]
    return {"state": state, "counts": counts, "rows": wanted}


def own_appeals(session: Session, org: Organization) -> list[tuple[RatingAppeal, Rating, Task]]:
    """The appeals the organization filed, newest first."""
    return list(
        session.exec(
            select(RatingAppeal, Rating, Task)
            .join(Rating, Rating.id == RatingAppeal.rating_id)
            .join(Task, Task.id == Rating.task_id)
            .where(RatingAppeal.appellant_org_id == org.id)
            .order_by(RatingAppeal.filed_at.desc(), RatingAppeal.id.desc())
        )
    )


def decide(
    session: Session, regulator: User, appeal_id: object, decision: object, reason: object
) -> RatingAppeal:
    """Uphold the rating or void it, with a written reason (shown with a voided rating). Voiding
    marks the rating voided and voids its credit event in the same transaction."""
    appeal = lock(session, RatingAppeal, get_appeal(session, appeal_id).id)
    rating = session.get(Rating, appeal.rating_id)
    task = _require_covering(session, regulator, rating)
    if appeal.decided_at is not None:
        raise Forbidden(N_("This appeal has already been decided."))
    check = Checker()
    if decision in (None, ""):
        check.add("decision", N_("This field is required."))
    elif decision not in DECISIONS:
        check.add("decision", N_("Choose upheld or voided."))
    text = check.text("reason", reason, max_length=MAX_REASON, multiline=True)
    check.raise_if_any()
    now = clock.now()
    appeal.decided_at, appeal.decision, appeal.decision_reason = now, decision, text
    appeal.decided_by_user_id = regulator.id
    session.add(appeal)
    if decision == VOIDED:
        rating.voided_at, rating.void_reason = now, text
        session.add(rating)
        credit_events.void(session, rating_source(rating), now)
    session.flush()
    audit.record(
        session,
        "rating.appeal_decided",
        "rating",
        rating.id,
        {"appeal": appeal.id, "task": task.number, "decision": decision, "reason": text},
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
    )
    notifying.appeal_decided(session, task, appeal)
    return appeal


def received_ratings(session: Session, org: Organization) -> list[tuple[Rating, Task]]:
    """The published ratings the organization received, newest first (voided ones included)."""
    return list(
        session.exec(
            select(Rating, Task)
            .join(Task, Task.id == Rating.task_id)
            .where(Rating.rated_org_id == org.id, Rating.published_at.is_not(None))
            .order_by(Rating.published_at.desc(), Rating.id.desc())
        )
    )
