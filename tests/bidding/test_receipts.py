"""Bid receipts reproduce the test vector of tests/data; their signatures prove what was acknowledged."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bidding import receipts as r

VECTORS_PATH = Path(__file__).resolve().parents[1] / "data" / "draw-vectors.json"
VECTOR: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))["receipt"]
CONTENT: dict[str, Any] = VECTOR["content"]
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
SIGNATURE = r.sign_receipt(KEY, VECTOR["receipt"])  # Ed25519 signatures are deterministic


def vector_content(**changes: Any) -> dict[str, Any]:
    """``receipt_content`` called with the vector's arguments, some of them changed."""
    arguments: dict[str, Any] = {
        "task_number": CONTENT["task"],
        "agency_uscc": CONTENT["agency"],
        "version": CONTENT["version"],
        "price_fen": CONTENT["price_fen"],
        "duration_days": CONTENT["duration_days"],
        "proposal_text": VECTOR["proposal_text"],
        "attachment_sha256s": CONTENT["attachments"],
        "nonce": CONTENT["nonce"],
    }
    arguments.update(changes)
    return r.receipt_content(**arguments)


# --- the vector --------------------------------------------------------------------------------


def test_proposal_hash_matches_vector() -> None:
    assert r.proposal_sha256(VECTOR["proposal_text"]) == CONTENT["proposal_sha256"]


def test_receipt_content_matches_vector() -> None:
    assert vector_content() == CONTENT


def test_jcs_matches_vector() -> None:
    assert r.jcs(CONTENT) == VECTOR["jcs"].encode("utf-8")


def test_receipt_matches_vector() -> None:
    assert r.receipt(CONTENT) == VECTOR["receipt"]
    assert r.receipt(vector_content()) == VECTOR["receipt"]


# --- normalization -----------------------------------------------------------------------------


def test_line_breaks_and_unicode_forms_do_not_change_the_proposal_hash() -> None:
    text = VECTOR["proposal_text"]
    assert r.proposal_sha256(text.replace("\n", "\r\n")) == CONTENT["proposal_sha256"]
    assert r.proposal_sha256(text.replace("\n", "\r")) == CONTENT["proposal_sha256"]
    assert r.proposal_sha256("Cafe\u0301") == r.proposal_sha256("Caf\u00e9")


def test_normalize_proposal_turns_crlf_and_lone_cr_into_lf_and_composes() -> None:
    assert r.normalize_proposal("a\r\nb\rc\nd\r\r\n") == "a\nb\nc\nd\n\n"
    assert r.normalize_proposal("e\u0301") == "\u00e9"


def test_proposal_hash_is_sha256_of_normalized_utf8() -> None:
    assert r.proposal_sha256("甲\r\n") == hashlib.sha256("甲\n".encode()).hexdigest()


def test_attachments_are_sorted_so_upload_order_does_not_matter() -> None:
    files = [hashlib.sha256(name).hexdigest() for name in (b"b.pdf", b"a.pdf", b"c.dwg")]
    content = vector_content(attachment_sha256s=files)
    assert content["attachments"] == sorted(files)
    assert r.receipt(content) == r.receipt(vector_content(attachment_sha256s=reversed(files)))


def test_new_nonce_is_32_fresh_lowercase_hex_characters() -> None:
    nonces = {r.new_nonce() for _ in range(8)}
    assert len(nonces) == 8
    assert all(re.fullmatch(r"[0-9a-f]{32}", nonce) for nonce in nonces)


def test_every_field_changes_the_receipt() -> None:
    changes: dict[str, Any] = {
        "task_number": "ZJ-2026-000002",
        "agency_uscc": "91110000100000000X",
        "version": 2,
        "price_fen": 1850001,
        "duration_days": 11,
        "proposal_text": VECTOR["proposal_text"] + "。",
        "attachment_sha256s": ["0" * 64],
        "nonce": "f" * 32,
    }
    receipts = {r.receipt(vector_content(**{name: value})) for name, value in changes.items()}
    assert VECTOR["receipt"] not in receipts
    assert len(receipts) == len(changes)


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"version": True},
        {"version": 0},
        {"version": 1.0},
        {"price_fen": "1850000"},
        {"price_fen": -1},
        {"price_fen": 2**53},
        {"price_fen": False},
        {"duration_days": 0},
        {"duration_days": 10.5},
        {"nonce": "00112233445566778899AABBCCDDEEFF"},
        {"nonce": "0011"},
        {"attachment_sha256s": ["A" * 64]},
        {"attachment_sha256s": "0" * 64},
        {"task_number": ""},
        {"agency_uscc": None},
        {"proposal_text": None},
    ],
    ids=lambda changes: repr(changes)[:40],
)
def test_receipt_content_refuses_values_that_would_not_hash_canonically(
    changes: dict[str, Any],
) -> None:
    with pytest.raises(ValueError):
        vector_content(**changes)


# --- signatures --------------------------------------------------------------------------------


def test_signature_round_trip_with_pem_and_raw_public_keys() -> None:
    signature = r.sign_receipt(KEY, VECTOR["receipt"])
    raw = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = r.public_key_pem(KEY)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    for public_key in (pem, pem.encode("ascii"), raw, KEY.public_key()):
        assert r.verify_receipt_signature(public_key, VECTOR["receipt"], signature)


def test_what_is_signed_is_the_ascii_receipt_hex() -> None:
    signature = base64.b64decode(SIGNATURE, validate=True)
    KEY.public_key().verify(signature, VECTOR["receipt"].encode("ascii"))  # raises if not


def test_signature_of_another_receipt_does_not_verify() -> None:
    other = r.receipt(vector_content(price_fen=1))
    assert not r.verify_receipt_signature(r.public_key_pem(KEY), other, SIGNATURE)


@pytest.mark.parametrize("flip", [0, 10, 63])
def test_tampered_signature_does_not_verify(flip: int) -> None:
    raw = bytearray(base64.b64decode(SIGNATURE))
    raw[flip] ^= 0x01
    signature = base64.b64encode(bytes(raw)).decode("ascii")
    assert not r.verify_receipt_signature(r.public_key_pem(KEY), VECTOR["receipt"], signature)


@pytest.mark.parametrize(
    ("receipt_hex", "signature"),
    [
        (VECTOR["receipt"].upper(), SIGNATURE),
        (VECTOR["receipt"], SIGNATURE + "!"),
        (VECTOR["receipt"], SIGNATURE[:-4]),
        (VECTOR["receipt"], base64.b64encode(b"short").decode("ascii")),
        (VECTOR["receipt"], ""),
    ],
    ids=["uppercase-receipt", "bad-base64", "truncated", "short-signature", "empty-signature"],
)
def test_malformed_input_is_a_failed_verification_not_an_error(
    receipt_hex: str, signature: str
) -> None:
    assert not r.verify_receipt_signature(r.public_key_pem(KEY), receipt_hex, signature)


def test_signature_under_another_key_does_not_verify() -> None:
    signature = r.sign_receipt(Ed25519PrivateKey.generate(), VECTOR["receipt"])
    assert not r.verify_receipt_signature(r.public_key_pem(KEY), VECTOR["receipt"], signature)


def test_an_unusable_public_key_is_an_error() -> None:
    with pytest.raises(ValueError):
        r.verify_receipt_signature("not a key", VECTOR["receipt"], SIGNATURE)


def test_sign_receipt_refuses_something_that_is_not_a_receipt() -> None:
    with pytest.raises(ValueError):
        r.sign_receipt(KEY, "d2bb32e4")


def test_signing_key_survives_storage_as_pem() -> None:
    created = r.load_or_create_signing_key(None)
    loaded = r.load_or_create_signing_key(r.private_key_pem(created))
    assert r.public_key_pem(loaded) == r.public_key_pem(created)
    signature = r.sign_receipt(loaded, VECTOR["receipt"])
    assert r.verify_receipt_signature(r.public_key_pem(created), VECTOR["receipt"], signature)


def test_load_or_create_signing_key_refuses_a_key_of_another_type() -> None:
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError):
        r.load_or_create_signing_key(pem)
