"""Bidding's JSON API under /api/v1: thin handlers over the services; what a reader sees is
decided by `bidding.serializers`.

A bid is addressed by its receipt (``/bids/{id}``, ``bid_id`` in marks), its public identifier
from opening on; row ids are never shown (see `bidding.serializers`).
"""

from __future__ import annotations

from flask import jsonify
from sqlmodel import select

from bidding import attachments as bid_attachments
from bidding import marking, sealed, serializers, validity, visibility
from bidding.api import schemas as s
from bidding.draws import records
from bidding.models import Bid
from bidding.policy import SECTION
from market import attachments, clock, task_queries
from market.accounts import require_kind
from market.api import api_blueprint
from market.api.openapi import operation
from market.api.problems import parse_body
from market.models import OrgKind, Task
from market.validation import N_, Forbidden, NotFound
from market.web import (
    attachment_policy,
    db,
    policy_registry,
    policy_section,
    send_attachment,
    translate,
    upload_dir,
    uploaded_file,
    viewer,
)

bp = api_blueprint("bidding_api", __name__)


def _actor():
    user = viewer()
    if user is None:
        raise Forbidden(N_("Please log in first."))
    return user


def _load(number: str) -> Task:
    """The task if the reader may see it (drafts: their applicant only), opened lazily when its
    deadline has passed (DESIGN §4)."""
    task = task_queries.load(db(), viewer(), number)
    if task_queries.open_if_due(db(), [task], policy_registry()):
        db().commit()
    return task


def _opened_bid(receipt: str) -> Bid:
    """The bid with this receipt on an opened task; before opening a bid is indistinguishable
    from no bid at all (404 either way)."""
    return visibility.opened_bid(db(), receipt, _load)[0]


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
    actor = _actor()
    task_queries.load(db(), actor, number)
    ack = sealed.submit_bid(
        db(),
        actor,
        number,
        price_fen=data.price_fen,
        duration_days=data.duration_days,
        proposal_text=data.proposal_text or "",
        attachment_sha256s=data.attachment_sha256s,
    )
    db().commit()
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
    actor = _actor()
    task_queries.load(db(), actor, number)
    ack = sealed.change_bid(
        db(),
        actor,
        number,
        price_fen=data.price_fen,
        duration_days=data.duration_days,
        proposal_text=data.proposal_text or "",
        attachment_sha256s=data.attachment_sha256s,
    )
    db().commit()
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
    actor = _actor()
    task_queries.load(db(), actor, number)
    receipt = sealed.withdraw_bid(db(), actor, number)
    db().commit()
    return jsonify({"receipt": receipt, "withdrawn_at": clock.now().isoformat()})


@operation(
    bp,
    "/tasks/<number>/bids/mine/attachments",
    "POST",
    summary="Upload a PDF, PNG or "
    "JPEG file for my bid (multipart/form-data, field `file`) while the task is open; put "
    "its sha256 in the bid's attachment_sha256s",
    tag="bids",
    response=s.BidAttachment,
    status=201,
    auth=True,
)
def upload_bid_attachment(number: str):
    actor = _actor()
    task_queries.load(db(), actor, number)
    filename, data = uploaded_file()
    row = bid_attachments.upload(
        db(), actor, number, filename, data, upload_dir(), attachment_policy()
    )
    body = attachments.describe(row)
    db().commit()
    return jsonify(body), 201


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
    actor = _actor()
    _load(number)
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
)
def download_bid_attachment(number: str, sha256: str):
    task = _load(number)
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
    actor = _actor()
    org = require_kind(db(), actor, OrgKind.agency)
    task = _load(number)
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
    auth=True,
)
def list_my_bids():
    org = require_kind(db(), _actor(), OrgKind.agency)
    tasks = [task for _bid, task in visibility.own_bids(db(), org)]
    if task_queries.open_if_due(db(), list(tasks), policy_registry()):
        db().commit()
    return jsonify({"items": serializers.my_bids(db(), org, translate)})


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
    task = _load(number)
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
    validity.submit_explanation(db(), _actor(), bid.id, data.explanation)
    db().commit()
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
    validity.decide_explanation(
        db(),
        _actor(),
        bid.id,
        accept=data.accept,
        reason=data.reason,
        policy=policy_section(SECTION.name),
    )
    db().commit()
    return jsonify(_bid_entry(bid))


# --- results ------------------------------------------------------------------------------------------


@operation(
    bp,
    "/tasks/<number>/draw",
    "GET",
    summary="The public draw record (commitment; "
    "receipts with agencies from opening; seed, key and draws from the first draw)",
    tag="results",
    response=s.DrawRecord,
)
def get_draw_record(number: str):
    return jsonify(records.draw_record(db(), _load(number)))


@operation(
    bp,
    "/tasks/<number>/award",
    "GET",
    summary="The ranking and the award candidate, with every number needed to recompute them",
    tag="results",
    response=s.Result,
)
def get_award(number: str):
    return jsonify(serializers.result(db(), _load(number)))


@operation(
    bp,
    "/receipts/public-key",
    "GET",
    summary="The platform's Ed25519 public key that signs bid receipts",
    tag="results",
    response=s.PublicKey,
)
def get_public_key():
    return jsonify(
        {
            "algorithm": "Ed25519",
            "public_key_pem": sealed.platform_public_key_pem(),
            "signed_message": "the 64 ASCII characters of the receipt (lowercase hex); "
            "the signature is standard base64",
        }
    )


# --- experts ------------------------------------------------------------------------------------------


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
    expert = require_kind(db(), _actor(), OrgKind.expert)
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
    actor = _actor()
    _load(number)
    marking.declare_no_conflict(db(), actor, number, data.statement)
    db().commit()
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
    actor = _actor()
    _load(number)
    marking.recuse(db(), actor, number, data.statement, policy=policy_section(SECTION.name))
    db().commit()
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
    actor = _actor()
    task = _load(number)
    bid = db().exec(select(Bid).where(Bid.task_id == task.id, Bid.receipt == data.bid_id)).first()
    # An unknown receipt gets the service's own refusal for "not a valid bid of this task".
    row = marking.submit_mark(
        db(),
        actor,
        number,
        bid.id if bid else -1,
        data.mark,
        data.comment,
        policy=policy_section(SECTION.name),
    )
    db().commit()
    return jsonify(
        {
            "task": number,
            "bid_id": data.bid_id,
            "mark": row.mark,
            "comment": row.comment,
            "marked_at": row.marked_at.isoformat(),
        }
    ), 201
