"""Shared column helpers and the scope contract every model declares.

Each model in this package states how it is scoped (R-ORG-4), so that one mechanism
(app.security.scope) can filter lists, detail pages, actions, related choices, posted
foreign keys, exports and the API alike:

* ``scope_clause(scope)`` -> SQL condition a row must satisfy to be visible, or
* ``scope_global = True`` for reference data every signed-in user may read
  (write access to it is then a matter of permissions, not of scope).

A model that declares neither is refused by the scoped data interface.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, DateTime


def utcnow() -> datetime:
    """Now, as naive UTC (creation and change times, the audit log), from the one
    injectable clock (app.clock)."""
    from app import clock

    return clock.current().utc()


def _zone() -> Any:
    from zoneinfo import ZoneInfo

    from flask import current_app, has_app_context

    return ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Shanghai")
                    if has_app_context() else "Asia/Shanghai")


def local_now() -> datetime:
    """Wall-clock time of the estates (config TIMEZONE, default Asia/Shanghai; Hong Kong
    has the same offset and neither has daylight saving). Workflow times, deadlines and
    printed forms use it, because the working-day calendar is local."""
    return utc_to_local(utcnow()).replace(microsecond=0)


def utc_to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(_zone()).replace(tzinfo=None)


def local_to_utc(moment: datetime) -> datetime:
    """A wall-clock time of the estates as the naive UTC that `created_at` and `updated_at`
    store, so the two conventions are never compared directly."""
    return moment.replace(tzinfo=_zone()).astimezone(timezone.utc).replace(tzinfo=None)


class TimestampMixin:
    """Creation and change times; who changed what lives in the audit log."""

    created_at = Column(DateTime, default=utcnow, nullable=False)
    updated_at = Column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)


def choice_label(choices: dict, value: str | None) -> str:
    """Translated label of a stored choice code (codes stay English in the database)."""
    if value is None:
        return ""
    label = choices.get(value)
    return str(label) if label is not None else value


class DocumentMixin:
    """What every workflow document shows of itself: its state in the reader's language
    (from its workflow declaration) and its form number."""

    @property
    def state_label(self) -> str:
        from app.workflows.engine import workflow_of

        return workflow_of(self).state_label(self.state)

    def __repr__(self) -> str:
        return self.number or f"#{self.id}"


def row_version(item: Any) -> str:
    """The version of a row as an edit form or an ETag carries it.

    Documents count their versions (`version_id_col`); other rows are versioned by a digest
    of their stored values, so any committed change makes an older form or ETag stale.
    """
    import hashlib

    from sqlalchemy import inspect as sa_inspect

    mapper = sa_inspect(type(item))
    if mapper.version_id_col is not None:
        return f"v{getattr(item, mapper.get_property_by_column(mapper.version_id_col).key)}"
    state = sa_inspect(item)
    parts = []
    for attr in mapper.column_attrs:
        history = state.attrs[attr.key].history
        # The committed value: what the database holds, not a half-posted form.
        value = (history.deleted or history.unchanged or history.added or [None])[0] \
            if history.has_changes() else getattr(item, attr.key)
        parts.append(f"{attr.key}={value!r}")
    return "h" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
