"""The clock seam: all domain code reads the time here, so tests can freeze and move it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def outside_now(self) -> datetime:
        """The time devices outside the platform read (a phone's authenticator): the same as
        `now()` except under the demo clock, which moves the platform's time only."""
        return self.now()


class OffsetClock(Clock):
    """The real time moved by a fixed offset: the demo clock of demonstrations and staging
    (`DEMO_CLOCK_OFFSET`), so a deadline days away passes in minutes of a walk-through."""

    def __init__(self, offset: timedelta):
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def outside_now(self) -> datetime:
        return datetime.now(UTC)


_OFFSET = re.compile(r"([+-]?)(?:(\d{1,4})d)?(?:(\d{1,5})h)?(?:(\d{1,6})m)?")


def parse_offset(text: str) -> timedelta:
    """A demo clock offset such as "+3d", "-2h", "1d12h" or "90m" (days, hours, minutes; a sign
    first); "" or "0" is no offset. Raises ValueError naming the expected form."""
    text = (text or "").strip()
    if text in ("", "0"):
        return timedelta(0)
    match = _OFFSET.fullmatch(text)
    if match is None or not any(match.groups()[1:]):
        raise ValueError(
            f"DEMO_CLOCK_OFFSET: {text!r} is not an offset such as +3d, -2h, +1d12h or +90m"
        )
    sign, days, hours, minutes = match.groups()
    offset = timedelta(days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0))
    return -offset if sign == "-" else offset


class FrozenClock(Clock):
    """A clock that only moves when told to."""

    def __init__(self, at: datetime):
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a frozen clock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        self._at += timedelta(**delta)
        return self._at

    def now(self) -> datetime:
        return self._at


_clock: Clock = Clock()


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return _clock.now()


def outside_now() -> datetime:
    """The time of the world outside the platform (authenticator apps), timezone-aware UTC: the
    platform's time less any demo clock offset."""
    return _clock.outside_now()


def use(clock: Clock) -> Clock:
    """Install `clock`; returns the previous one so a caller can restore it."""
    global _clock
    previous, _clock = _clock, clock
    return previous
