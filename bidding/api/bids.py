"""Bids on the API: submitting, changing, withdrawing, their files; reading them; the abnormally
low bids' explanations and validity decisions."""

from __future__ import annotations

from flask import jsonify, request

from bidding import attachments as bid_attachments
from bidding import sealed, serializers, validity, visibility
from bidding.api import schemas as s
from bidding.api.common import bp
from bidding.models import Bid
from bidding.policy import SECTION
from market import attachments, clock, task_queries
from market.accounts import require_kind
from market.api import tasks as task_api
from market.api.openapi import operation
from market.api.problems import parse_body
from market.models import OrgKind, Task
from market.web import (
    acting_user,
    attachment_policy,
    db,
    list_cursor,
    load_task,
    open_due,
    policy_section,
    send_attachment,
    translate,
    unit_of_work,
    upload_dir,
    uploaded_files,
    viewer,
)


def _opened_bid(receipt: str) -> Bid:
    """The bid with this receipt on an opened task; before opening a bid is indistinguishable
    from no bid at all (404 either way)."""
    return visibility.opened_bid(db(), receipt, load_task)[0]


def _acknowledgement(ack: sealed.Acknowledgement) -> dict:
    return {
        "content": ack.content,
        "receipt": ack.receipt,
        "signature": ack.signature,
        "public_key_pem": ack.public_key_pem,
        "version": ack.version,
        "submitted_at": ack.submitted_at.isoformat(),
    }


def _bid_entry(bid: Bid) -> dict:
    task = db().get(Task, bid.task_id)
    view = serializers.task_bids(db(), task, visibility.reader_of(db(), viewer(), task), translate)
    return next(item for item in view["items"] if item["receipt"] == bid.receipt)


# --- bidders ----------------------------------------------------------------------------------------


@operation(
    bp,
    "/tasks/<number>/bids",
    "POST",
    summary="Submit a sealed bid (or a sign-up at "
    "the fixed fee for a random draw) before the deadline; returns the signed receipt",
    tag="bids",
    body=s.BidIn,
    response=s.Acknowledgement,
    status=201,
    auth=True,
)
def submit_bid(number: str):
    data = parse_body(s.BidIn)
    actor = acting_user()
    task_queries.load(db(), actor, number)
    with unit_of_work():
        ack = sealed.submit_bid(db(), actor, number, **data.submission())
    return jsonify(_acknowledgement(ack)), 201


@operation(
    bp,
    "/tasks/<number>/bids/mine",
    "PUT",
    summary="Change my bid before the deadline "
    "(a new version and a new receipt; the last version counts)",
    tag="bids",
    body=s.BidIn,
    response=s.Acknowledgement,
    auth=True,
)
def change_bid(number: str):
    data = parse_body(s.BidIn)
    actor = acting_user()
    task_queries.load(db(), actor, number)
    with unit_of_work():
        ack = sealed.change_bid(db(), actor, number, **data.submission())
    return jsonify(_acknowledgement(ack))


@operation(
    bp,
    "/tasks/<number>/bids/mine",
    "DELETE",
    summary="Withdraw my bid before the deadline",
    tag="bids",
    response=s.Withdrawal,
    auth=True,
)
def withdraw_bid(number: str):
    actor = acting_user()
    task_queries.load(db(), actor, number)
    with unit_of_work():
        receipt = sealed.withdraw_bid(db(), actor, number)
    return jsonify({"receipt": receipt, "withdrawn_at": clock.now().isoformat()})


@operation(
    bp,
    "/tasks/<number>/bids/mine/attachments",
    "POST",
    summary="Upload PDF, PNG or "
    "JPEG files for my bid (multipart/form-data, one or more `file` parts; all or none are kept) "
    "while the task is open; put their sha256 in the bid's attachment_sha256s",
    tag="bids",
    response=s.BidAttachmentList,
    status=201,
    auth=True,
    upload=True,
    upload_many=True,
)
def upload_bid_attachment(number: str):
    actor = acting_user()
    task_queries.load(db(), actor, number)
    files = uploaded_files()
    with unit_of_work():
        rows = bid_attachments.upload_many(
            db(), actor, number, files, upload_dir(), attachment_policy()
        )
        body = {"items": [attachments.describe(row) for row in rows]}
    return jsonify(body), 201


@operation(
    bp,
    "/tasks/<number>/bids/mine/attachments/<sha256>",
    "DELETE",
    summary="Remove one of my bid's files while the task is open (not one my standing bid "
    "attaches: change the bid without it first)",
    tag="bids",
    status=204,
    auth=True,
)
def remove_bid_attachment(number: str, sha256: str):
    actor = acting_user()
    task_queries.load(db(), actor, number)
    with unit_of_work():
        bid_attachments.remove(db(), actor, number, sha256)
    return "", 204


@operation(
    bp,
    "/tasks/<number>/bids/mine/attachments",
    "GET",
    summary="The files my agency uploaded for its bid on a task",
    tag="bids",
    response=s.BidAttachmentList,
    auth=True,
)
def list_bid_attachments(number: str):
    actor = acting_user()
    load_task(number)
    return jsonify(
        {"items": [attachments.describe(a) for a in bid_attachments.mine(db(), actor, number)]}
    )


@operation(
    bp,
    "/tasks/<number>/bid-attachments/<sha256>",
    "GET",
    summary="Download a bid's "
    "file: its agency any time; the applicant and regulators once the bids are opened",
    tag="bids",
    auth=True,
    download=True,
)
def download_bid_attachment(number: str, sha256: str):
    task = load_task(number)
    db().refresh(task)
    row, path = bid_attachments.readable(db(), viewer(), task, sha256, upload_dir())
    return send_attachment(row, path)


@operation(
    bp,
    "/tasks/<number>/bids/mine",
    "GET",
    summary="My bid on a task, every receipt and "
    "signature, and whether I can bid (with the reasons when I cannot)",
    tag="bids",
    response=s.MyBidOnTask,
    auth=True,
)
def get_my_bid(number: str):
    actor = acting_user()
    org = require_kind(db(), actor, OrgKind.agency)
    task = load_task(number)
    bid = sealed.own_bid(db(), actor, number)
    versions = sealed.own_versions(db(), actor, number)
    return jsonify(
        serializers.own_bid(
            db(), task, org, bid, versions, sealed.platform_public_key_pem(), translate
        )
    )


@operation(
    bp,
    "/bids/mine",
    "GET",
    summary="My agency's bids across tasks",
    tag="bids",
    response=s.MyBidList,
    query={**task_api.FILTER_DOCS, **task_api.PAGE_DOCS},
    auth=True,
)
def list_my_bids():
    org = require_kind(db(), acting_user(), OrgKind.agency)
    wanted = task_queries.parse_filter(db(), request.args, statuses=task_queries.PUBLIC_STATUSES)
    cursor, limit = list_cursor()
    query = task_queries.filtered(visibility.own_bids_query(org), wanted)
    found = task_queries.paged(db(), query, cursor=cursor, limit=limit)
    open_due([task for _bid, task in found.rows])
    return jsonify(task_api.page_json(found, serializers.my_bids(db(), found.rows, translate)))


@operation(
    bp,
    "/tasks/<number>/bids",
    "GET",
    summary="A task's bids: before opening one sealed "
    "answer for everyone that reveals nothing (not even whether a bid exists); after "
    "opening, receipts with agencies and validity, and prices, proposals and explanations "
    "for those entitled",
    tag="bids",
    response=s.TaskBids,
)
def list_task_bids(number: str):
    task = load_task(number)
    reader = visibility.reader_of(db(), viewer(), task)
    return jsonify(serializers.task_bids(db(), task, reader, translate))


# --- abnormally low bids ------------------------------------------------------------------------------


@operation(
    bp,
    "/bids/<bid_ref>/explanation",
    "POST",
    summary="The bidder explains its abnormally "
    "low price in writing (after opening, before the due time); {bid_ref} is the receipt",
    tag="bids",
    body=s.ExplanationIn,
    response=s.BidEntry,
    auth=True,
)
def explain_bid(bid_ref: str):
    data = parse_body(s.ExplanationIn)
    bid = _opened_bid(bid_ref)
    with unit_of_work():
        validity.submit_explanation(db(), acting_user(), bid.id, data.explanation)
    return jsonify(_bid_entry(bid))


@operation(
    bp,
    "/bids/<bid_ref>/validity",
    "POST",
    summary="The applicant accepts the explanation "
    "or rules the bid invalid, with a published reason; {bid_ref} is the receipt",
    tag="bids",
    body=s.ValidityIn,
    response=s.BidEntry,
    auth=True,
)
def decide_validity(bid_ref: str):
    data = parse_body(s.ValidityIn)
    bid = _opened_bid(bid_ref)
    with unit_of_work():
        validity.decide_explanation(
            db(),
            acting_user(),
            bid.id,
            accept=data.accept,
            reason=data.reason,
            policy=policy_section(SECTION.name),
        )
    return jsonify(_bid_entry(bid))
