"""Published ratings for the appeal tests, made directly on a signed contract (the rating
services are another room's), with the credit event the credit engine would have written."""

from __future__ import annotations

from market import clock
from ratings import credit_events
from ratings.models import Rating
from ratings.models.credit import RATING
from ratings.models.ratings import BY_AGENCY, BY_APPLICANT
from tests.bidding.contract_support import signed_contract_for_tests


def published_rating(db, signed, *, by_applicant: bool = True, stars: int = 2) -> Rating:
    """A rating of the contract's agency by its applicant (or the reverse), published now."""
    contract, task = signed.contract, signed.task
    rater, rated = (
        (signed.applicant, signed.agency) if by_applicant else (signed.agency, signed.applicant)
    )
    now = clock.now()
    row = Rating(
        contract_id=contract.id,
        task_id=task.id,
        side=BY_APPLICANT if by_applicant else BY_AGENCY,
        rater_org_id=rater.organization_id,
        rated_org_id=rated.organization_id,
        rated_by_user_id=rater.id,
        quality=stars,
        timeliness=stars,
        attitude=stars,
        fees=stars,
        conduct=stars,
        comment="服务拖延，沟通不畅",
        created_at=now,
        published_at=now,
    )
    db.add(row)
    db.flush()
    if by_applicant:
        credit_events.record(
            db, rated.organization_id, RATING, now, f"rating:{row.id}", {"stars": f"{stars}/1"}
        )
    db.commit()
    return row


def rated_contract(world, db, frozen):
    signed = signed_contract_for_tests(world, db, frozen)
    return signed, published_rating(db, signed)
