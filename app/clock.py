"""The one clock of the product, injectable.

Everything that needs the time asks `app.models.base.utcnow()` or `local_now()`, which
read this clock. Tests and tools freeze or move it with `frozen_at(...)` instead of patching
modules one by one, so every part of a request sees the same time.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone
from typing import Iterator


class SystemClock:
    """The machine's time, as naive UTC."""

    def utc(self) -> datetime:
        return datetime.now(timezone.utc).replace(tzinfo=None)


class FrozenClock:
    """A clock that stands still until moved: for tests, demos and replays."""

    def __init__(self, utc: datetime) -> None:
        self.now = utc

    def utc(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> "FrozenClock":
        self.now += timedelta(**delta)
        return self


_clock: ContextVar[SystemClock | FrozenClock] = ContextVar("clock", default=SystemClock())


def current() -> SystemClock | FrozenClock:
    return _clock.get()


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
