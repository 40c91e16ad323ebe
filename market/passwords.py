"""Password hashing with Argon2id (memory-hard); cost parameters come from configuration.

A password is Unicode text normalised to NFC before it is checked or hashed, so the same
characters typed composed on one system and decomposed on another are the same password.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from market.validation import N_, Checker

_hasher = PasswordHasher()

#: The passwords most often found in breaches, from zxcvbn's maintained frequency list, case-folded
#: (NIST SP 800-63B asks to refuse them; they are the first an attacker tries).
COMMON_PASSWORDS = frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"])


def configure(time_cost: int, memory_kib: int) -> None:
    """Set the cost; tests use cheap parameters, production the library's defaults or more."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
    _dummy_hash = None


def normalize(password: str) -> str:
    return unicodedata.normalize("NFC", password)


def is_common(password: str) -> bool:
    return normalize(password).casefold() in COMMON_PASSWORDS


def check_policy(
    checker: Checker,
    name: str,
    password: object,
    *,
    min_length: int,
    max_length: int,
    email: str | None = None,
) -> str | None:
    """A length, no composition rules (NIST SP 800-63B); neither the account's e-mail address
    (nor its part before the @) nor a common password. Returns the password in NFC."""
    if not isinstance(password, str) or not password:
        checker.add(name, N_("This field is required."))
        return None
    password = normalize(password)
    if len(password) < min_length:
        checker.add(name, N_("A password needs at least %(min)d characters."), min=min_length)
    elif len(password) > max_length:
        checker.add(name, N_("A password has at most %(max)d characters."), max=max_length)
    elif email and password.casefold() in {
        email.casefold(),
        email.rpartition("@")[0].casefold(),
    }:
        checker.add(
            name, N_("A password may not be your e-mail address or the part of it before the @.")
        )
    elif is_common(password):
        checker.add(
            name, N_("This password is one of the most common ones; please choose another.")
        )
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(normalize(password))


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_and_update(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """Whether `password` is the one hashed, and the hash to store instead, if any: a hash of
    older cost parameters, or one made from the password as typed before passwords were
    normalised, is replaced by a current hash of the NFC form."""
    nfc = normalize(password)
    if _verify(stored_hash, nfc):
        return True, hash_password(nfc) if needs_rehash(stored_hash) else None
    # A hash of non-NFC input (made before normalisation) only matches the text as typed.
    if nfc != password and _verify(stored_hash, password):
        return True, hash_password(nfc)
    return False, None


def verify_password(stored_hash: str, password: str) -> bool:
    return verify_and_update(stored_hash, password)[0]


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


# A hash to verify against when the account does not exist, so timing does not reveal it. It is
# made once: hashing it on every call would make an unknown e-mail twice as slow as a known one.
_dummy_hash: str | None = None


def dummy_verify(password: str) -> None:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not-a-real-password")
    verify_and_update(_dummy_hash, password)
