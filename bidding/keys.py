"""Keys kept outside the database: the draw-seed key and the platform's receipt-signing key.

The seed key is what keeps a seed secret between publication and the first draw: a database dump
or backup alone must not reveal it, so it never sits next to the ciphertext. It is SHA-256 of the
configured string ``DRAW_SEED_KEY``; when that is unset, a random string is made on first use and
kept in ``instance/draw_seed.key`` (copy it into ``DRAW_SEED_KEY`` to move it elsewhere). The
Ed25519 signing key lives at ``SIGNING_KEY_PATH`` and is made on first use too.

Like `market.clock`, the keys in force are installed once (by `bidding.init_app`) and read by the
services through `current()`, so the services need no Flask application to run.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bidding import receipts
from market.keyfiles import read_or_create

_NONCE_BYTES = 12


class Keys:
    """The seed key and the signing key of one deployment, loaded lazily and cached."""

    def __init__(
        self,
        draw_seed_key: str = "",
        seed_key_path: Path | str | None = None,
        signing_key_path: Path | str | None = None,
    ):
        if not draw_seed_key and seed_key_path is None:
            raise ValueError("give DRAW_SEED_KEY or a path to keep a generated one")
        if signing_key_path is None:
            raise ValueError("give SIGNING_KEY_PATH")
        self._configured = draw_seed_key
        self._seed_key_path = Path(seed_key_path) if seed_key_path else None
        self._signing_key_path = Path(signing_key_path)
        self._seed_key: bytes | None = None
        self._signing_key: Ed25519PrivateKey | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Mapping, instance_path: str | Path) -> Keys:
        return cls(
            draw_seed_key=config.get("DRAW_SEED_KEY") or "",
            seed_key_path=Path(instance_path) / "draw_seed.key",
            signing_key_path=config.get("SIGNING_KEY_PATH")
            or Path(instance_path) / "signing_key.pem",
        )

    def seed_key(self) -> bytes:
        """The 32-byte AES key: SHA-256 of the configured (or generated) string."""
        with self._lock:
            if self._seed_key is None:
                secret = self._configured
                if not secret:
                    data = read_or_create(
                        self._seed_key_path, lambda: (secrets.token_urlsafe(32) + "\n").encode()
                    )
                    secret = data.decode("ascii").strip()
                self._seed_key = hashlib.sha256(secret.encode("utf-8")).digest()
            return self._seed_key

    def signing_key(self) -> Ed25519PrivateKey:
        with self._lock:
            if self._signing_key is None:
                pem = read_or_create(
                    self._signing_key_path,
                    lambda: receipts.private_key_pem(receipts.load_or_create_signing_key(None)),
                )
                self._signing_key = receipts.load_or_create_signing_key(pem)
            return self._signing_key

    def public_key_pem(self) -> str:
        """The key that bidders check receipt signatures with; the platform publishes it."""
        return receipts.public_key_pem(self.signing_key())

    def encrypt_seed(self, seed: bytes, task_number: str) -> bytes:
        """Nonce ‖ AES-GCM(seed); the task number is bound in, so a seed cannot be moved to another
        task's row without failing decryption."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return nonce + AESGCM(self.seed_key()).encrypt(nonce, seed, task_number.encode("utf-8"))

    def decrypt_seed(self, blob: bytes, task_number: str) -> bytes:
        nonce, ciphertext = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
        return AESGCM(self.seed_key()).decrypt(nonce, ciphertext, task_number.encode("utf-8"))


_current: Keys | None = None


def use(keys: Keys | None) -> Keys | None:
    """Install `keys`; returns the previous ones so a caller (a test) can restore them."""
    global _current
    previous, _current = _current, keys
    return previous


def current() -> Keys:
    if _current is None:
        raise RuntimeError("bidding keys are not configured: call bidding.init_app(app) first")
    return _current
