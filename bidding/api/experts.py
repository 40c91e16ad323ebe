"""An expert's panels on the API: declaring, recusing, marking."""

from __future__ import annotations

from flask import jsonify
from sqlmodel import select

from bidding import marking, serializers, visibility
from bidding.api import schemas as s
from bidding.api.common import bp
from bidding.models import Bid
from bidding.policy import SECTION
from market.accounts import require_kind
from market.api.openapi import operation
from market.api.problems import parse_body
from market.models import OrgKind, Task
from market.validation import NotFound
from market.web import acting_user, db, load_task, policy_section, unit_of_work, viewer


@operation(
    bp,
    "/experts/panels",
    "GET",
    summary="The panels I was called onto, with the "
    "proposals to mark once I declared no conflict of interest",
    tag="experts",
    response=s.PanelList,
    auth=True,
)
def list_my_panels():
    expert = require_kind(db(), acting_user(), OrgKind.expert)
    return jsonify({"items": serializers.expert_panels(db(), expert)})


def _panel(number: str) -> dict:
    require_kind(db(), viewer(), OrgKind.expert)
    task = db().exec(select(Task).where(Task.number == number)).one()
    member = visibility.panel_seat(db(), visibility.reader_of(db(), viewer(), task), task)
    if member is None:
        raise NotFound()
    return serializers.panel_view(db(), member, task)


@operation(
    bp,
    "/tasks/<number>/panel/declaration",
    "POST",
    summary="Declare no conflict of interest with any bidder (needed before marking)",
    tag="experts",
    body=s.StatementIn,
    response=s.Panel,
    auth=True,
)
def declare(number: str):
    data = parse_body(s.StatementIn)
    actor = acting_user()
    load_task(number)
    with unit_of_work():
        marking.declare_no_conflict(db(), actor, number, data.statement)
    return jsonify(_panel(number))


@operation(
    bp,
    "/tasks/<number>/panel/recusal",
    "POST",
    summary="Recuse myself for a conflict "
    "of interest (before marking); the next expert of the drawn order is called",
    tag="experts",
    body=s.StatementIn,
    response=s.Panel,
    auth=True,
)
def recuse(number: str):
    data = parse_body(s.StatementIn)
    actor = acting_user()
    load_task(number)
    with unit_of_work():
        marking.recuse(db(), actor, number, data.statement, policy=policy_section(SECTION.name))
    return jsonify(_panel(number))


@operation(
    bp,
    "/tasks/<number>/panel/marks",
    "POST",
    summary="Mark a valid bid's proposal "
    "0–100 (once); the last mark of a complete panel makes the result",
    tag="experts",
    body=s.MarkIn,
    response=s.Mark,
    status=201,
    auth=True,
)
def give_mark(number: str):
    data = parse_body(s.MarkIn)
    actor = acting_user()
    task = load_task(number)
    bid = db().exec(select(Bid).where(Bid.task_id == task.id, Bid.receipt == data.bid_id)).first()
    # An unknown receipt gets the service's own refusal for "not a valid bid of this task".
    with unit_of_work():
        row = marking.submit_mark(
            db(),
            actor,
            number,
            bid.id if bid else -1,
            data.mark,
            data.comment,
            policy=policy_section(SECTION.name),
        )
    return jsonify(
        {
            "task": number,
            "bid_id": data.bid_id,
            "mark": row.mark,
            "comment": row.comment,
            "marked_at": row.marked_at.isoformat(),
        }
    ), 201
