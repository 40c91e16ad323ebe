"""The clock seam: all domain code reads the time here, so tests can freeze and move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


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


def use(clock: Clock) -> Clock:
    """Install `clock`; returns the previous one so a caller can restore it."""
    global _clock
    previous, _clock = _clock, clock
    return previous
