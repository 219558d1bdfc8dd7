"""The one clock of the product, injectable, speaking the estates' wall-clock time.

Every stored time is naive local time of the estates (config TIMEZONE, default
Asia/Shanghai; Hong Kong has the same offset and neither has daylight saving): workflow
times, deadlines, creation and change times, the audit log, sign-in bookkeeping. One
convention, because the working-day calendar, the printed forms and the monthly statistics
are all local, and two conventions get compared by mistake.

Tests and tools freeze or move the clock with `using(FrozenClock(...))` instead of patching
modules one by one, so every part of a request sees the same time.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"
_zone = ZoneInfo(DEFAULT_ZONE)


def set_zone(name: str) -> None:
    """The estates' time zone (create_app passes config TIMEZONE)."""
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone


class SystemClock:
    """The machine's time, as the estates' naive wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc).astimezone(_zone).replace(tzinfo=None)


class FrozenClock:
    """A clock that stands still at a local time until moved: for tests, demos and replays."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def move(self, **delta: float) -> "FrozenClock":
        self.current += timedelta(**delta)
        return self

    def set(self, now: datetime) -> "FrozenClock":
        self.current = now
        return self


_clock: ContextVar[SystemClock | FrozenClock] = ContextVar("clock", default=SystemClock())


def current() -> SystemClock | FrozenClock:
    return _clock.get()


def now() -> datetime:
    """The estates' wall-clock time now, to the second (what every stored time holds)."""
    return _clock.get().now().replace(microsecond=0)


def utc_now() -> datetime:
    """Now as an aware UTC time: only for names and metadata read outside the product
    (backup archives), never stored in a table."""
    return _clock.get().now().replace(tzinfo=_zone).astimezone(timezone.utc)


@contextmanager
def using(clock: SystemClock | FrozenClock) -> Iterator[SystemClock | FrozenClock]:
    """Run the block with `clock` as the product's time."""
    token = _clock.set(clock)
    try:
        yield clock
    finally:
        _clock.reset(token)


def install(clock: SystemClock | FrozenClock) -> object:
    """Set the clock until `uninstall(token)` (fixtures that span several blocks)."""
    return _clock.set(clock)


def uninstall(token: object) -> None:
    _clock.reset(token)  # type: ignore[arg-type]
