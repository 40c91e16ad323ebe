"""Outage notices (docs/rules.md §4, outage): public to read; an operator publishes one."""

from __future__ import annotations

from flask import jsonify

from market import outages
from market.api import api
from market.api import schemas as s
from market.api.openapi import operation
from market.api.problems import parse_body
from market.web import acting_user, db, unit_of_work


@operation(
    api,
    "/outage-notices",
    "GET",
    summary="Published notices of platform outages, the newest first",
    tag="outages",
    response=s.OutageNoticeList,
)
def list_outage_notices():
    session = db()
    return jsonify(
        {
            "items": [
                outages.describe(session, n, with_moves=False) for n in outages.notices(session)
            ]
        }
    )


@operation(
    api,
    "/outage-notices/<int:notice_id>",
    "GET",
    summary="An outage notice with every deadline it extended",
    tag="outages",
    response=s.OutageNotice,
)
def get_outage_notice(notice_id: int):
    session = db()
    return jsonify(outages.describe(session, outages.get_notice(session, notice_id)))


@operation(
    api,
    "/outage-notices",
    "POST",
    summary="An operator publishes an outage notice and extends every deadline the outage caught "
    "by the given working days",
    tag="outages",
    body=s.OutageNoticeIn,
    response=s.OutageNotice,
    status=201,
    auth=True,
)
def publish_outage_notice():
    data = parse_body(s.OutageNoticeIn)
    with unit_of_work():
        notice = outages.record(db(), acting_user(), data.model_dump())
    return jsonify(outages.describe(db(), notice)), 201
