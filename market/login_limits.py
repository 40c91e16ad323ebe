"""Login throttling that slows guessing down but never locks anyone out (docs/rules.md §10).

Counters. Failed logins are counted in two fixed windows on the platform clock: a minute, and the
policy's long window (a few minutes). When a window's allowance is spent, the next attempt waits
until that window ends, so no wait is longer than the long window and every wait is stated
(Retry-After and a message). Nothing locks an account.

Whose counters. A device that has not logged in to the account before is counted per account
(the e-mail address as typed) and per address. A device that has holds a device cookie (OWASP's
"device cookies"): signed with a key derived from the app's secret, bound to the account and to
its password hash, and dated. It is exempt from the account's and the address's counters, so
no burst of wrong passwords from elsewhere — nor from the same office or carrier address — keeps
the owner out, and is counted on a small counter of its own instead, so a stolen cookie still
guesses slowly. The cookie opens nothing by itself; it only spares its device the wait. It stops
counting as soon as the password changes, and after the policy's number of days.

Attempts in flight. An attempt is counted as it starts, before its password is checked, so that
guesses sent in parallel cannot all pass the check while the first ones are being verified; it
is given back when it succeeds or is refused. Counters live in the rate-limit storage
(`RATELIMIT_STORAGE_URI`: memory, or Redis shared by every worker), keyed by window on the
platform clock; the storage's own expiry only clears old windows away.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from itsdangerous import BadData, URLSafeSerializer

from market import clock
from market.accounts import Policy, password_mark
from market.models import User
from market.validation import N_, Message

MINUTE = 60
DAY = 86_400
#: Keeps device cookies apart from anything else signed with the app's secret.
DEVICE_SALT = "market.login-device"


class Counters(Protocol):
    """What the counters need of a storage: `limits`' storage (Flask-Limiter's) provides it."""

    def incr(self, key: str, expiry: int, amount: int = 1) -> int: ...

    def get(self, key: str) -> int: ...


@dataclass(frozen=True)
class Attempt:
    """A login attempt as counted: the windows it was counted in, and how long it must wait
    (0: it may go on; it then stays counted as a failure unless it succeeds)."""

    windows: tuple[tuple[str, int], ...]
    wait: int

    @property
    def message(self) -> Message:
        return Message(
            N_("Too many failed logins. Please wait %(seconds)d seconds, then try again."),
            {"seconds": self.wait},
        )


def _tiers(policy: Policy, scope: str) -> tuple[tuple[int, int], ...]:
    """(window in seconds, failures it allows) of each window of `scope`."""
    long = policy.login_long_window_seconds
    return {
        "account": (
            (MINUTE, policy.login_account_per_minute),
            (long, policy.login_account_per_long_window),
        ),
        "address": (
            (MINUTE, policy.login_address_per_minute),
            (long, policy.login_address_per_long_window),
        ),
        "device": (
            (MINUTE, policy.login_device_per_minute),
            (long, policy.login_device_per_long_window),
        ),
    }[scope]


def _digest(text: str) -> str:
    # Keys hold no e-mail address or device id in the clear, and fit any storage's key rules.
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def begin(
    counters: Counters,
    policy: Policy,
    *,
    email: str,
    address: str,
    device: str | None,
    purpose: str = "login",
) -> Attempt:
    """Count a login attempt before its password is checked. `device` is the id of a valid device
    cookie of the account (`trusted_device`), or None for a new device. Another `purpose` counts
    on counters of its own with the same numbers: "reset", the requests for a password-reset
    mail (each is spent, never given back)."""
    if device is not None:
        scopes = [("device", device)]
    else:
        scopes = [("account", (email or "").strip().lower()), ("address", address)]
    now = clock.now().timestamp()
    windows, wait = [], 0
    for scope, identity in scopes:
        for seconds, allowed in _tiers(policy, scope):
            index = int(now // seconds)
            key = f"{purpose}:{scope}:{_digest(identity)}:{seconds}:{index}"
            windows.append((key, seconds))
            started = counters.incr(f"{key}:started", seconds)
            pending = started - counters.get(f"{key}:given-back")
            if pending > allowed:
                wait = max(wait, math.ceil((index + 1) * seconds - now))
    attempt = Attempt(tuple(windows), wait)
    if wait:
        _give_back(counters, attempt)  # a refused attempt checked nothing, so it is no failure
    return attempt


def succeeded(counters: Counters, attempt: Attempt) -> None:
    """Uncount an attempt that logged in: only failures slow anyone down."""
    _give_back(counters, attempt)


def _give_back(counters: Counters, attempt: Attempt) -> None:
    for key, seconds in attempt.windows:
        counters.incr(f"{key}:given-back", seconds)


# --- device cookies -----------------------------------------------------------------------------


def _serializer(secret_keys: Sequence[str | bytes]) -> URLSafeSerializer:
    # Oldest key first, newest last: itsdangerous signs with the last and accepts any.
    return URLSafeSerializer(list(secret_keys), salt=DEVICE_SALT)


def device_cookie(secret_keys: Sequence[str | bytes], user: User, policy: Policy) -> str:
    """A new device cookie for `user`, good for the policy's number of days (a fresh device id,
    so a device's own counter starts anew at each successful login)."""
    return _serializer(secret_keys).dumps(
        {
            "u": user.id,
            "d": secrets.token_urlsafe(16),
            "p": password_mark(user),
            "x": int(clock.now().timestamp()) + policy.login_device_days * DAY,
        }
    )


def trusted_device(
    secret_keys: Sequence[str | bytes], cookie: str | None, user: User | None
) -> str | None:
    """The device id of `cookie` if it is a valid, unexpired device cookie of `user` under its
    current password, else None (a new device)."""
    if not cookie or user is None:
        return None
    try:
        data = _serializer(secret_keys).loads(cookie)
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    device, expires = data.get("d"), data.get("x")
    if data.get("u") != user.id or data.get("p") != password_mark(user):
        return None
    if not isinstance(expires, int) or expires <= clock.now().timestamp():
        return None
    return device if isinstance(device, str) and device else None
