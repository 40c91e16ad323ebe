"""The draw record, the result and the receipts' public key on the API."""

from __future__ import annotations

from flask import jsonify

from bidding import sealed, serializers, visibility
from bidding.api import schemas as s
from bidding.api.common import bp
from bidding.draws import records
from market.api.openapi import operation
from market.web import db, load_task, viewer


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
