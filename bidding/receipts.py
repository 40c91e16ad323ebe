"""Bid receipts of docs/rules.md §5: what a bidder gets back for each submission, and their signature.

A **receipt** is ``hex(SHA-256(JCS(content)))`` where JCS is RFC 8785 canonical JSON (the
``rfc8785`` package) of::

    {"task": task number, "agency": USCC, "version": n, "price_fen": int, "duration_days": int,
     "proposal_sha256": hex SHA-256 of the proposal in NFC with LF line breaks,
     "attachments": sorted hex SHA-256 of each file, "nonce": 32 lowercase hex characters}

The bidder receives the content and the receipt and can recompute one from the other; at opening
every receipt is published with its agency and becomes an input of the draw key (see docs/draw.md and `bidding.draws.spec`).
The nonce makes a receipt unguessable, so publishing it reveals nothing about a price.

**What is signed.** The platform signs each receipt with Ed25519. The signed message is exactly the
64 ASCII bytes of the receipt's lowercase hex string (``receipt_hex.encode("ascii")``), not the 32
raw digest bytes and not the content: anyone holding the receipt text, the signature and the
platform's public key can check it with any Ed25519 tool, and the receipt already binds the content.
Signatures travel as standard base64 (RFC 4648 §4, with padding) of the 64-byte Ed25519 signature.

Everything here is pure: no Flask, no database, no clock. Where the signing key is kept is the
caller's business (outside the database, like the seed key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "jcs",
    "load_or_create_signing_key",
    "new_nonce",
    "normalize_proposal",
    "private_key_pem",
    "proposal_sha256",
    "public_key_pem",
    "receipt",
    "receipt_content",
    "sign_receipt",
    "verify_receipt_signature",
]

_HEX64 = re.compile(r"[0-9a-f]{64}")
_NONCE = re.compile(r"[0-9a-f]{32}")
# RFC 8785 numbers are IEEE doubles: beyond 2**53 an integer would no longer be exact.
_MAX_JSON_INT = 2**53 - 1
_ED25519_SIGNATURE_BYTES = 64
_ED25519_RAW_KEY_BYTES = 32


def normalize_proposal(text: str) -> str:
    """The proposal as hashed: Unicode NFC, CRLF and lone CR turned into LF.

    A bidder's editor, browser or OS must not change the hash of the same proposal.
    """
    if not isinstance(text, str):
        raise ValueError("proposal text must be a string")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def proposal_sha256(text: str) -> str:
    """Lowercase hex SHA-256 of the UTF-8 bytes of the normalized proposal."""
    return hashlib.sha256(normalize_proposal(text).encode("utf-8")).hexdigest()


def new_nonce() -> str:
    """A fresh nonce: 16 random bytes as 32 lowercase hex characters."""
    return secrets.token_hex(16)


def _int_field(name: str, value: Any, minimum: int) -> int:
    # bool is an int in Python, and JCS would write it as true/false: refuse it explicitly.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if not minimum <= value <= _MAX_JSON_INT:
        raise ValueError(f"{name} must be between {minimum} and {_MAX_JSON_INT}, got {value}")
    return value


def _text_field(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    return value


def receipt_content(
    task_number: str,
    agency_uscc: str,
    version: int,
    price_fen: int,
    duration_days: int,
    proposal_text: str,
    attachment_sha256s: Iterable[str],
    nonce: str,
) -> dict[str, Any]:
    """The content a receipt is the hash of, validated so that the same bid always hashes the same.

    Attachment hashes are sorted (the order of upload must not matter) and must already be
    lowercase hex, like every hash in the design: silently lowering them would hand the bidder a
    content that differs from what its own tool computed.
    """
    attachments = sorted(attachment_sha256s)
    for digest in attachments:
        if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
            raise ValueError(f"attachment hash is not 64 lowercase hex characters: {digest!r}")
    if not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
        raise ValueError("nonce must be 32 lowercase hex characters")
    return {
        "task": _text_field("task_number", task_number),
        "agency": _text_field("agency_uscc", agency_uscc),
        "version": _int_field("version", version, 1),
        "price_fen": _int_field("price_fen", price_fen, 0),
        "duration_days": _int_field("duration_days", duration_days, 1),
        "proposal_sha256": proposal_sha256(proposal_text),
        "attachments": attachments,
        "nonce": nonce,
    }


def jcs(content: dict[str, Any]) -> bytes:
    """RFC 8785 canonical JSON of ``content`` (UTF-8 bytes)."""
    return rfc8785.dumps(content)


def receipt(content: dict[str, Any]) -> str:
    """The receipt of ``content``: lowercase hex SHA-256 of its JCS."""
    return hashlib.sha256(jcs(content)).hexdigest()


def _receipt_message(receipt_hex: str) -> bytes:
    if not isinstance(receipt_hex, str) or not _HEX64.fullmatch(receipt_hex):
        raise ValueError("receipt must be 64 lowercase hex characters")
    return receipt_hex.encode("ascii")


def sign_receipt(private_key: Ed25519PrivateKey, receipt_hex: str) -> str:
    """Base64 Ed25519 signature over the ASCII bytes of ``receipt_hex`` (see the module doc)."""
    return base64.b64encode(private_key.sign(_receipt_message(receipt_hex))).decode("ascii")


def _load_public_key(key: str | bytes | Ed25519PublicKey) -> Ed25519PublicKey:
    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, str):
        key = key.encode("ascii")
    if isinstance(key, bytes) and len(key) == _ED25519_RAW_KEY_BYTES:
        return Ed25519PublicKey.from_public_bytes(key)
    loaded = serialization.load_pem_public_key(key)
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("public key is not an Ed25519 key")
    return loaded


def verify_receipt_signature(
    public_key_pem_or_raw: str | bytes | Ed25519PublicKey,
    receipt_hex: str,
    signature_b64: str,
) -> bool:
    """Whether ``signature_b64`` is the platform's signature of ``receipt_hex``.

    The key is a PEM (str or bytes), the 32 raw public-key bytes, or a key object. Anything wrong on
    the bidder's side (a malformed receipt, bad base64, a signature of the wrong length or that does
    not verify) gives ``False``; an unusable *key* raises ``ValueError``, because that is a
    configuration error and not evidence about the receipt.
    """
    public_key = _load_public_key(public_key_pem_or_raw)
    try:
        message = _receipt_message(receipt_hex)
        signature = base64.b64decode(signature_b64, validate=True)
    except (ValueError, TypeError, binascii.Error):
        return False
    if len(signature) != _ED25519_SIGNATURE_BYTES:
        return False
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def load_or_create_signing_key(pem_bytes: bytes | None) -> Ed25519PrivateKey:
    """The platform's signing key from an unencrypted PKCS#8 PEM, or a new key when ``None``.

    A new key must be stored (see :func:`private_key_pem`) before its first signature is handed out,
    or the bidders' receipts can no longer be checked against the published public key.
    """
    if pem_bytes is None:
        return Ed25519PrivateKey.generate()
    key = serialization.load_pem_private_key(pem_bytes, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("signing key is not an Ed25519 key")
    return key


def private_key_pem(private_key: Ed25519PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM of the signing key, for storage outside the database."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_key_pem(private_key: Ed25519PrivateKey) -> str:
    """SubjectPublicKeyInfo PEM of the public half, the form the platform publishes."""
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
