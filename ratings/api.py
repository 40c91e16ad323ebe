"""Ratings on the JSON API (`/api/v1/ratings`): thin handlers over `ratings.ratings`; who reads
which rating is `ratings.ratings.visible`'s to say (published ones anyone, unpublished ones their
author's organization only)."""

from __future__ import annotations

from flask import jsonify

from bidding.policy import SECTION
from market.api import api_blueprint
from market.api.openapi import operation
from market.api.problems import parse_body
from market.validation import Invalid, Message, NotFound
from market.web import acting_user, db, int_arg, policy_section, unit_of_work, viewer
from ratings import ratings, serializers
from ratings import schemas as s
from ratings.models.ratings import DIMENSIONS

bp = api_blueprint("ratings_api", __name__)


@operation(
    bp,
    "/ratings",
    "GET",
    summary="Ratings, newest first (at most 100): of an agency by applicants (`agency_id`), of an "
    "applicant by agencies (`applicant_id`), of a contract (`contract_id`). Published ones only, "
    "except the reader's organization's own (double-blind until both sides rated or the period "
    "ended)",
    tag="ratings",
    response=s.RatingList,
    query={
        "agency_id": "The rated agency's organization id",
        "applicant_id": "The rated applicant's organization id",
        "contract_id": "The contract's id",
    },
)
def list_ratings():
    filters = {
        name: int_arg(name, None, minimum=1)
        for name in ("agency_id", "applicant_id", "contract_id")
    }
    rows = ratings.listing(db(), viewer(), **filters)
    return jsonify({"ratings": serializers.many(db(), rows, viewer())})


@operation(
    bp,
    "/ratings",
    "POST",
    summary="The actor's organization rates the other side of an accepted contract, once, within "
    "the rating period (15 working days after acceptance): five dimensions of 1–5 stars and an "
    "optional comment; published when the other side has rated too, or when the period ends",
    tag="ratings",
    body=s.RatingIn,
    response=s.RatingOut,
    status=201,
    auth=True,
)
def rate():
    data = parse_body(s.RatingIn)
    actor = acting_user()
    values = {d: getattr(data, d) for d in DIMENSIONS}
    with unit_of_work():
        try:
            row = ratings.rate(
                db(), actor, data.contract_id, values, data.comment, policy_section(SECTION.name)
            )
        except NotFound:  # the contract is named in the body: a 404 is kept for paths
            raise Invalid({"contract_id": [Message(ratings.NO_CONTRACT)]}) from None
        body = serializers.rating(db(), row, actor)
    return jsonify(body), 201


@operation(
    bp,
    "/ratings/<int:rating_id>/reply",
    "POST",
    summary="The rated organization replies publicly, once, to a published rating",
    tag="ratings",
    body=s.ReplyIn,
    response=s.RatingOut,
    auth=True,
)
def reply(rating_id: int):
    data = parse_body(s.ReplyIn)
    actor = acting_user()
    with unit_of_work():
        row = ratings.reply(db(), actor, rating_id, data.reply)
        body = serializers.rating(db(), row, actor)
    return jsonify(body)
