"""The legal representative's identity document, compared without being kept (docs/rules.md §5).

Two agencies are related when one person represents both, and a name is no identity: the number of
the representative's identity document is. It is personal data and must never be shown, so the
platform keeps only its keyed hash, HMAC-SHA-256 under a key kept outside the database: two
declarations of the same document give the same digest and can be compared, while a database dump
or backup alone cannot be searched for a number (a plain hash of an 18-digit number with a birth
date and a region in it would be brute-forced in minutes).

The key is SHA-256 of the configured string ``IDENTITY_HASH_KEY``; when that is unset, a random
string is made on first use and kept in ``instance/identity_hash.key`` (copy it into
``IDENTITY_HASH_KEY`` to move it elsewhere). Changing the key orphans every stored digest: no
declaration would match any other until every agency declared again.

Like `market.clock`, the key in force is installed once (by `market.create_core_app`) and read by
the services through `current()`, so they need no Flask application to run.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric

from market.keyfiles import read_or_create
from market.validation import N_, Checker

#: 居民身份证, checked with python-stdnum; the other documents a legal representative may hold
#: (港澳台居民来往内地通行证 or 居住证, a foreigner's passport) are taken as written.
RESIDENT_ID, TRAVEL_PERMIT, PASSPORT = "resident_id", "travel_permit", "passport"
DOCUMENT_TYPES = {
    RESIDENT_ID: N_("resident identity card"),
    TRAVEL_PERMIT: N_("Hong Kong, Macao or Taiwan travel permit or residence permit"),
    PASSPORT: N_("passport"),
}
_FREE_FORM = re.compile(r"[A-Z0-9]{5,30}")


@dataclass(frozen=True)
class Document:
    """A checked identity document; the number is left out of `repr` so no log or traceback
    shows it."""

    document_type: str
    number: str = field(repr=False)


def _resident_id(checker: Checker, name: str, raw: str) -> str | None:
    try:
        return ric.validate(raw)
    except stdnum_exc.InvalidLength:
        checker.add(name, N_("A resident identity card number has 18 characters."))
    except stdnum_exc.InvalidFormat:
        checker.add(
            name, N_("A resident identity card number is 17 digits followed by a digit or X.")
        )
    except stdnum_exc.InvalidChecksum:
        checker.add(
            name,
            N_(
                "The check character of this identity card number is wrong; please copy it "
                "again from the card."
            ),
        )
    except stdnum_exc.InvalidComponent:
        checker.add(name, N_("This identity card number has an invalid birth date or region code."))
    except stdnum_exc.ValidationError:
        checker.add(name, N_("Not a valid resident identity card number."))
    return None


def check_document(
    checker: Checker,
    type_name: str,
    number_name: str,
    document_type: object,
    number: object,
    *,
    required: bool = True,
) -> Document | None:
    """Check a declared identity document; no message ever repeats the number. An unnamed type
    is the resident identity card, which nearly every legal representative holds."""
    if number is None or (isinstance(number, str) and not number.strip()):
        if required:
            checker.add(number_name, N_("This field is required."))
        return None
    if document_type in (None, ""):
        document_type = RESIDENT_ID
    if document_type not in DOCUMENT_TYPES:
        checker.add(type_name, N_("Choose the kind of identity document."))
        return None
    if not isinstance(number, str) or len(number) > 60:
        checker.add(number_name, N_("Not a valid document number."))
        return None
    # Full-width digits and letters, spaces and hyphens as people type them off a card.
    raw = "".join(unicodedata.normalize("NFKC", number).upper().replace("-", "").split())
    if document_type == RESIDENT_ID:
        clean = _resident_id(checker, number_name, raw)
    elif _FREE_FORM.fullmatch(raw):
        clean = raw
    else:
        checker.add(number_name, N_("A document number has 5 to 30 letters and digits."))
        clean = None
    return None if clean is None else Document(str(document_type), clean)


def check_resident_id(checker: Checker, name: str, number: object) -> str | None:
    """An optional resident identity card number (a professional's), checked with its check
    character; the canonical number, or None when it is empty or refused."""
    document = check_document(checker, name, name, RESIDENT_ID, number, required=False)
    return None if document is None else document.number


def mentions(text: str | None, document: Document) -> bool:
    """Whether `text` (a statement someone will publish or log) contains the document's number."""
    if not text:
        return False
    squeezed = "".join(unicodedata.normalize("NFKC", text).upper().replace("-", "").split())
    return document.number in squeezed


class IdentityKey:
    """The HMAC key of one deployment, loaded lazily and cached."""

    def __init__(self, configured: str = "", key_path: Path | str | None = None):
        if not configured and key_path is None:
            raise ValueError("give IDENTITY_HASH_KEY or a path to keep a generated one")
        self._configured = configured
        self._key_path = Path(key_path) if key_path else None
        self._key: bytes | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Mapping, instance_path: str | Path) -> IdentityKey:
        return cls(
            configured=config.get("IDENTITY_HASH_KEY") or "",
            key_path=Path(instance_path) / "identity_hash.key",
        )

    def key(self) -> bytes:
        """The 32-byte HMAC key: SHA-256 of the configured (or generated) string."""
        with self._lock:
            if self._key is None:
                secret = self._configured
                if not secret:
                    data = read_or_create(
                        self._key_path, lambda: (secrets.token_urlsafe(32) + "\n").encode()
                    )
                    secret = data.decode("ascii").strip()
                self._key = hashlib.sha256(secret.encode("utf-8")).digest()
            return self._key

    def digest(self, document: Document) -> str:
        """HMAC-SHA-256 (lowercase hex) of "type:number": the one form a number is stored in."""
        message = f"{document.document_type}:{document.number}".encode()
        return hmac.new(self.key(), message, hashlib.sha256).hexdigest()


_current: IdentityKey | None = None


def use(key: IdentityKey | None) -> IdentityKey | None:
    """Install `key`; returns the previous one so a caller (a test) can restore it."""
    global _current
    previous, _current = _current, key
    return previous


def current() -> IdentityKey:
    if _current is None:
        raise RuntimeError("the identity hash key is not configured: create the app first")
    return _current


def digest(document: Document) -> str:
    """The stored form of `document`, under the key in force."""
    return current().digest(document)
