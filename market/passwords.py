"""Password hashing with Argon2id (memory-hard); cost parameters come from configuration."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from market.validation import N_, Checker

_hasher = PasswordHasher()


def configure(time_cost: int, memory_kib: int) -> None:
    """Set the cost; tests use cheap parameters, production the library's defaults or more."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
    _dummy_hash = None


def check_policy(
    checker: Checker, name: str, password: object, *, min_length: int, max_length: int
) -> str | None:
    """Length only, no composition rules (NIST SP 800-63B)."""
    if not isinstance(password, str) or not password:
        checker.add(name, N_("This field is required."))
        return None
    if len(password) < min_length:
        checker.add(name, N_("A password needs at least %(min)d characters."), min=min_length)
    elif len(password) > max_length:
        checker.add(name, N_("A password has at most %(max)d characters."), max=max_length)
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


# A hash to verify against when the account does not exist, so timing does not reveal it. It is
# made once: hashing it on every call would make an unknown e-mail twice as slow as a known one.
_dummy_hash: str | None = None


def dummy_verify(password: str) -> None:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not-a-real-password")
    verify_password(_dummy_hash, password)
