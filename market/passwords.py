"""Password hashing with Argon2id (memory-hard); cost parameters come from configuration."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from market.validation import N_, Checker

_hasher = PasswordHasher()


def configure(time_cost: int, memory_kib: int) -> None:
    """Set the cost; tests use cheap parameters, production the library's defaults or more."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def check_policy(checker: Checker, name: str, password: object, *, min_length: int,
                 max_length: int) -> str | None:
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


# A hash to verify against when the account does not exist, so timing does not reveal it.
def dummy_verify(password: str) -> None:
    verify_password(_hasher.hash("not-a-real-password"), password)
