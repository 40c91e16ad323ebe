"""The pairs of bidders flagged at opening as possibly related, on the API."""

from __future__ import annotations

from flask import jsonify

from bidding import serializers, visibility
from bidding.api import schemas as s
from bidding.api.common import bp
from market.api.openapi import operation
from market.validation import N_, Forbidden
from market.web import acting_user, db, load_task, translate


@operation(
    bp,
    "/tasks/<number>/relation-flags",
    "GET",
    summary="Pairs of bidders flagged at opening as possibly related on self-declared or "
    "unverified grounds (both bids stand), for the applicant and the regulators of the task's "
    "jurisdiction; before opening one sealed answer",
    tag="results",
    response=s.RelationFlags,
    auth=True,
)
def get_relation_flags(number: str):
    actor = acting_user()
    task = load_task(number)
    reader = visibility.reader_of(db(), actor, task)
    flags = serializers.relation_flags(db(), task, reader, translate)
    if flags is None:
        raise Forbidden(
            N_(
                "Only the applicant and the regulators whose jurisdiction covers the task see "
                "its related-agency flags."
            )
        )
    return jsonify(flags)
