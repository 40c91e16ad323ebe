"""The draw record, the result and the receipts' public key on the API."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from flask import jsonify, url_for

from bidding import sealed, serializers, visibility
from bidding.api import schemas as s
from bidding.api.common import bp
from bidding.draws import records
from bidding.notices import issue
from market.api.openapi import operation
from market.validation import NotFound
from market.web import db, lang, load_task, viewer


@operation(
    bp,
    "/tasks/<number>/draw",
    "GET",
    summary="The public draw record (commitment; "
    "receipts with agencies from opening; seed, key and draws from the first draw, "
    "except while a panel marks: then to regulators and the operator only; a task decided "
    "without a draw never reveals its seed, and its record verifies as 'no draw')",
    tag="results",
    response=s.DrawRecord,
)
def get_draw_record(number: str):
    task = load_task(number)
    reader = visibility.reader_of(db(), viewer(), task)
    return jsonify(records.draw_record(db(), task, with_draws=visibility.sees_panel(reader, task)))


@operation(
    bp,
    "/tasks/<number>/award",
    "GET",
    summary="The ranking and the award candidate, with every number needed to recompute them",
    tag="results",
    response=s.Result,
)
def get_award(number: str):
    return jsonify(serializers.result(db(), load_task(number)))


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


@operation(
    bp,
    "/tasks/<number>/award/notice",
    "GET",
    summary="The award notice (中选通知书) of a final award, with its printable page and PDF "
    "(404 while no award is final)",
    tag="results",
    response=s.AwardNoticeDocument,
)
def get_award_notice(number: str):
    task = load_task(number)
    doc = issue.award_notice(db(), task, lang())
    if doc is None:
        raise NotFound(number)
    data = {
        k: v.isoformat() if isinstance(v, datetime) else v
        for k, v in dataclasses.asdict(doc).items()
        if k not in ("verify_path", "sign_within_days")
    }
    data["html_url"] = url_for("bidding.award_notice", number=task.number)
    data["pdf_url"] = url_for("bidding.award_notice_pdf", number=task.number)
    return jsonify(data)
