"""The invitation of a direct selection on bidding's JSON API blueprint (`bidding.api.bp`): thin
handlers over `bidding.invitations.services`; what a reader sees is decided by
`bidding.visibility` and shown through `bidding.invitations.serializers`."""

from __future__ import annotations

from flask import jsonify

from bidding import visibility
from bidding.api.common import bp
from bidding.invitations import schemas as s
from bidding.invitations import serializers
from bidding.invitations import services as invitations
from bidding.models import Invitation
from bidding.policy import SECTION
from market import clock
from market.accounts import require_kind
from market.api.openapi import operation
from market.api.problems import parse_body
from market.models import OrgKind, Task
from market.web import (
    acting_user,
    db,
    load_task,
    policy_section,
    task_policy,
    unit_of_work,
    viewer,
)


def invitation_list(task: Task) -> dict:
    reader = visibility.reader_of(db(), viewer(), task)
    now = clock.now()
    return {
        "task": task.number,
        "can_invite": visibility.is_applicant(reader)
        and invitations.invite_refusal(db(), task, now) is None,
        "items": serializers.task_invitations(db(), task, reader, now),
    }


def _answered(row: Invitation) -> dict:
    """The invitation as the reader sees it, on its own task (after a failed task, the task
    posted again)."""
    row = db().get(Invitation, row.id)
    task = load_task(db().get(Task, row.task_id).number)
    reader = visibility.reader_of(db(), viewer(), task)
    latest = invitations.current(db(), task).id == row.id
    return serializers.invitation(db(), row, task, reader, clock.now(), latest)


@operation(
    bp,
    "/tasks/<number>/invitations",
    "GET",
    summary="A direct selection's invitations: every one to the applicant and regulators, its "
    "own to the invited agency, none to anyone else",
    tag="invitations",
    response=s.InvitationList,
)
def list_invitations(number: str):
    return jsonify(invitation_list(load_task(number)))


@operation(
    bp,
    "/invitations",
    "GET",
    summary="The invitations the reader's agency received, newest first",
    tag="invitations",
    response=s.OwnInvitations,
    auth=True,
)
def own_invitations():
    actor = acting_user()
    agency = require_kind(db(), actor, OrgKind.agency)
    reader = visibility.Reader(visibility.BIDDER, agency.id, agency.kind)
    return jsonify({"items": serializers.own_invitations(db(), agency, reader, clock.now())})


@operation(
    bp,
    "/tasks/<number>/invitations/accept",
    "POST",
    summary="The invited agency accepts at a price (fen, at most the cap) and a duration (at "
    "most the service period), before the deadline: it becomes the award candidate",
    tag="invitations",
    body=s.AcceptIn,
    response=s.Invitation,
    auth=True,
)
def accept_invitation(number: str):
    data = parse_body(s.AcceptIn)
    actor = acting_user()
    load_task(number)
    with unit_of_work():
        row = invitations.accept(
            db(),
            actor,
            number,
            data.price_fen,
            data.duration_days,
            policy_section(SECTION.name),
        )
    return jsonify(_answered(row))


@operation(
    bp,
    "/tasks/<number>/invitations/decline",
    "POST",
    summary="The invited agency declines, with its reason, before the deadline",
    tag="invitations",
    body=s.DeclineIn,
    response=s.Invitation,
    auth=True,
)
def decline_invitation(number: str):
    data = parse_body(s.DeclineIn)
    actor = acting_user()
    load_task(number)
    with unit_of_work():
        row = invitations.decline(db(), actor, number, data.reason)
    return jsonify(_answered(row))


@operation(
    bp,
    "/tasks/<number>/invitations",
    "POST",
    summary="After a decline, the applicant invites another listed agency while the task is "
    "open; the deadline moves to the policy's answer time",
    tag="invitations",
    body=s.InviteIn,
    response=s.Invitation,
    status=201,
    auth=True,
)
def invite_agency(number: str):
    data = parse_body(s.InviteIn)
    actor = acting_user()
    load_task(number)
    with unit_of_work():
        row = invitations.invite(
            db(), actor, number, data.agency_id, policy_section(SECTION.name), task_policy()
        )
    return jsonify(_answered(row)), 201
