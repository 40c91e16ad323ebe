"""Two-way double-blind ratings (服务评价) of an accepted contract's parties (docs/rules.md §6).

- `rate`: a member of either party of an accepted contract rates the other side once, while the
  rating period after acceptance is open (`bidding.contracts.delivery.rating_ends_at`): five
  dimensions of 1–5 whole stars and an optional comment. Under the task's row lock, so two first
  ratings of one side, or the two sides' ratings, are decided one after the other; the unique
  constraint (contract, side) stands behind it.
- Double-blind: a rating is read by its author's organization only until it is published, and
  published when the other side rates too (both at once) or when the period ends
  (`publish_ratings`, swept). Publishing a rating of the agency (`BY_APPLICANT`) records its
  credit event through `ratings.credit_events.record`, once.
- `reply`: the rated side replies publicly, once, to a published rating.
- `visible` / `listing`: who reads which rating — published ones anyone, unpublished ones their
  author's organization only (not the other side, not a regulator).

Every write runs in the caller's transaction and appends to the audit log; the content of a
rating reaches the log (which every reader sees) only at publication.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from fractions import Fraction

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bidding.contracts import delivery
from bidding.locking import lock_task
from bidding.models import Contract
from bidding.policy import BiddingPolicy
from market import audit, clock
from market.jobs import each_due
from market.models import Organization, Task, User
from market.validation import N_, Checker, Forbidden, Invalid, Message, NotFound
from market.workdays import shanghai_date
from ratings import credit_events, notifying
from ratings.models.credit import RATING
from ratings.models.ratings import BY_AGENCY, BY_APPLICANT, DIMENSIONS, Rating

log = logging.getLogger(__name__)

COMMENT_MAX = REPLY_MAX = 2000
#: The most rows one listing answers (newest first).
LIST_MAX = 100

ONLY_PARTIES = N_("Only the applicant and the contracted agency rate each other.")
NOT_ACCEPTED = N_("A contract is rated once its work is accepted.")
WINDOW_CLOSED = N_("The rating period of this contract ended on %(date)s.")
ALREADY_RATED = N_("Your organization has already rated this contract.")
STARS = N_("Give 1 to 5 stars (a whole number).")
ONLY_RATED = N_("Only the rated organization replies to a rating.")
NOT_PUBLISHED = N_("A rating is replied to once it is published.")
ALREADY_REPLIED = N_("This rating already has its reply.")
#: The API's answer to a contract it may not name (the same for one that does not exist).
NO_CONTRACT = N_("Your organization is party to no contract with this id.")


def side_of(user: User, contract: Contract) -> str | None:
    """The side `user` rates from (`BY_APPLICANT` or `BY_AGENCY`), or None for a non-party."""
    if user.organization_id == contract.applicant_org_id:
        return BY_APPLICANT
    if user.organization_id == contract.agency_id:
        return BY_AGENCY
    return None


def stars(rating: Rating) -> Fraction:
    """A rating's stars: the mean of its five dimensions, exactly."""
    return Fraction(sum(getattr(rating, d) for d in DIMENSIONS), len(DIMENSIONS))


def of_contract(session: Session, contract_id: int) -> list[Rating]:
    return list(
        session.exec(select(Rating).where(Rating.contract_id == contract_id).order_by(Rating.id))
    )


def ends_at(session: Session, contract: Contract, policy: BiddingPolicy) -> datetime | None:
    return delivery.rating_ends_at(session, contract, policy)


def rating_refusal(
    session: Session, user: User, contract: Contract, policy: BiddingPolicy, now: datetime
) -> Message | None:
    """Why `user` cannot rate `contract` now, or None."""
    side = side_of(user, contract)
    if side is None:
        return Message(ONLY_PARTIES)
    if contract.accepted_at is None:
        return Message(NOT_ACCEPTED)
    end = ends_at(session, contract, policy)
    if now >= end:
        # The last day of the period (it ends at 24:00 of that day, as the pages say).
        last_day = shanghai_date(end - timedelta(microseconds=1))
        return Message(WINDOW_CLOSED, {"date": last_day.isoformat()})
    if any(r.side == side for r in of_contract(session, contract.id)):
        return Message(ALREADY_RATED)
    return None


def _check_stars(checker: Checker, values: dict) -> dict[str, int]:
    clean = {}
    for name in DIMENSIONS:
        value = values.get(name)
        number = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        if number is None or not 1 <= number <= 5:
            checker.add(name, STARS)
        else:
            clean[name] = number
    return clean


def rate(
    session: Session,
    actor: User,
    contract_id: int,
    values: dict,
    comment: object,
    policy: BiddingPolicy,
) -> Rating:
    """`actor`'s organization rates the other side of the contract `contract_id` (404 for a
    contract the actor may not see). Publishes both ratings when the other side has rated."""
    contract, task, _reader = delivery.readable(session, actor, contract_id, lock=True)
    now = clock.now()
    refusal = rating_refusal(session, actor, contract, policy, now)
    if refusal is not None:
        raise Forbidden(refusal)
    checker = Checker()
    clean = _check_stars(checker, values)
    text = checker.text("comment", comment, max_length=COMMENT_MAX, required=False, multiline=True)
    if checker.errors:
        raise Invalid(checker.errors)
    side = side_of(actor, contract)
    rated = contract.agency_id if side == BY_APPLICANT else contract.applicant_org_id
    row = Rating(
        contract_id=contract.id,
        task_id=task.id,
        side=side,
        rater_org_id=actor.organization_id,
        rated_org_id=rated,
        rated_by_user_id=actor.id,
        comment=text or "",
        created_at=now,
        **clean,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Forbidden(ALREADY_RATED) from None
    audit.record(
        session,
        "rating.rate",
        "rating",
        row.id,
        {"contract": contract.id, "task": task.number, "side": side},
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    both = of_contract(session, contract.id)
    if len(both) == 2:
        _publish(session, contract, task, both, now)
    else:
        notifying.rated(session, task, contract, row, ends_at(session, contract, policy))
    return row


def _publish(session: Session, contract: Contract, task, rows: list[Rating], now: datetime):
    """Publish the contract's unpublished `rows` at `now`: the audit event with their content,
    the rating of the agency's credit event, and the notice to both sides."""
    for row in rows:
        if row.published_at is not None:
            continue
        row.published_at = now
        session.add(row)
        session.flush()
        audit.record(
            session,
            "rating.publish",
            "rating",
            row.id,
            {
                "contract": contract.id,
                "task": task.number,
                "side": row.side,
                **{d: getattr(row, d) for d in DIMENSIONS},
                "comment": row.comment,
            },
        )
        if row.side == BY_APPLICANT:
            credit_events.record(
                session,
                contract.agency_id,
                RATING,
                at=now,
                source=f"rating:{row.id}",
                data={
                    "stars": str(stars(row)),
                    "price_fen": contract.price_fen,
                    "applicant_id": contract.applicant_org_id,
                    "contract_id": contract.id,
                },
            )
    notifying.published(session, task, contract)


def publish_if_due(session: Session, contract: Contract, policy: BiddingPolicy) -> bool:
    """Publish the contract's unpublished ratings once its rating period is over, as of its end;
    idempotent. The caller holds the task's row lock."""
    end = ends_at(session, contract, policy)
    if end is None or clock.now() < end:
        return False
    rows = [r for r in of_contract(session, contract.id) if r.published_at is None]
    if not rows:
        return False
    _publish(session, contract, session.get(Task, contract.task_id), rows, end)
    return True


def publish_ratings(session: Session, policy: BiddingPolicy) -> int:
    """Sweep: publish the ratings left unpublished when their contract's rating period ended.
    The period is in working days, which SQL does not count: the query bounds it by as many
    calendar days (never more than the working days), and `publish_if_due` decides each."""
    unpublished = select(Rating.contract_id).where(Rating.published_at.is_(None))
    due = select(Contract).where(
        Contract.id.in_(unpublished),
        Contract.accepted_at.is_not(None),
        Contract.accepted_at <= clock.now() - timedelta(days=policy.rating_wd),
    )

    def act(s: Session, row: Contract) -> bool:
        lock_task(s, s.get(Task, row.task_id).number)
        s.refresh(row)
        return publish_if_due(s, row, policy)

    return each_due(
        session,
        due,
        act,
        key=Contract.id,
        order=(Contract.accepted_at,),
        label="publishing the ratings of contract",
        log=log,
        skip_locked=False,
    )


def reply(session: Session, actor: User, rating_id: int, text: object) -> Rating:
    """The rated organization's one public reply to a published rating."""
    row = session.get(Rating, rating_id)
    if row is None or not visible(actor, row):
        raise NotFound()
    contract = session.get(Contract, row.contract_id)
    task = lock_task(session, session.get(Task, contract.task_id).number)
    session.refresh(row)
    if actor.organization_id != row.rated_org_id:
        raise Forbidden(ONLY_RATED)
    if row.published_at is None:
        raise Forbidden(NOT_PUBLISHED)
    if row.reply is not None:
        raise Forbidden(ALREADY_REPLIED)
    checker = Checker()
    clean = checker.text("reply", text, max_length=REPLY_MAX, multiline=True)
    if checker.errors:
        raise Invalid(checker.errors)
    row.reply, row.replied_at = clean, clock.now()
    session.add(row)
    session.flush()
    audit.record(
        session,
        "rating.reply",
        "rating",
        row.id,
        {"contract": contract.id, "task": task.number, "reply": clean},
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    notifying.replied(session, task, row)
    return row


# --- who reads what -------------------------------------------------------------------------------


def visible(viewer: User | None, row: Rating) -> bool:
    """Published: anyone. Before: its author's organization only (docs/rules.md §6)."""
    if row.published_at is not None:
        return True
    return viewer is not None and viewer.organization_id == row.rater_org_id


def _visible_clause(viewer: User | None):
    if viewer is None:
        return Rating.published_at.is_not(None)
    return or_(Rating.published_at.is_not(None), Rating.rater_org_id == viewer.organization_id)


def listing(
    session: Session,
    viewer: User | None,
    *,
    agency_id: int | None = None,
    applicant_id: int | None = None,
    contract_id: int | None = None,
) -> list[Rating]:
    """The ratings `viewer` may read, newest first (at most `LIST_MAX`): of an agency (by
    applicants), of an applicant (by agencies), of a contract (both sides)."""
    query = select(Rating).where(_visible_clause(viewer))
    if agency_id is not None:
        query = query.where(Rating.rated_org_id == agency_id, Rating.side == BY_APPLICANT)
    if applicant_id is not None:
        query = query.where(Rating.rated_org_id == applicant_id, Rating.side == BY_AGENCY)
    if contract_id is not None:
        query = query.where(Rating.contract_id == contract_id)
    order = (Rating.published_at.desc(), Rating.id.desc())
    return list(session.exec(query.order_by(*order).limit(LIST_MAX)))


def prompt_payment(rows: list[Rating]) -> tuple[Fraction, int] | None:
    """An applicant's prompt payment as agencies rated it: the mean of the timeliness and fees
    stars over `rows` (its published ratings by agencies) not voided, and how many; None without
    any."""
    counted = [r for r in rows if r.side == BY_AGENCY and r.voided_at is None]
    if not counted:
        return None
    return Fraction(sum(r.timeliness + r.fees for r in counted), 2 * len(counted)), len(counted)


def organizations(session: Session, rows: list[Rating]) -> dict[int, Organization]:
    ids = {r.rater_org_id for r in rows} | {r.rated_org_id for r in rows}
    if not ids:
        return {}
    return {o.id: o for o in session.exec(select(Organization).where(Organization.id.in_(ids)))}
