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

import hashlib
from datetime import datetime
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime
from sqlalchemy import inspect as sa_inspect

from app import clock


def local_now() -> datetime:
    """The estates' wall-clock time, to the second, from the one injectable clock
    (app.clock). Every stored time uses it: one convention, local time."""
    return clock.now()


class TimestampMixin:
    """Creation and change times; who changed what lives in the audit log."""

    created_at = Column(DateTime, default=local_now, nullable=False)
    updated_at = Column(DateTime, default=local_now, onupdate=local_now, nullable=False)


def choice_label(choices: dict, value: str | None) -> str:
    """Translated label of a stored choice code (codes stay English in the database)."""
    if value is None:
        return ""
    label = choices.get(value)
    return str(label) if label is not None else value


class DocumentMixin:
    """What every workflow document shows of itself: its state in the reader's language
    (from its workflow declaration) and its form number."""

    # Set by the registry when the type is declared (app/workflows/registry.py: declare).
    workflow_table: Any = None

    @property
    def state_label(self) -> str:
        return self.workflow_table.state_label(self.state)

    def __repr__(self) -> str:
        return self.number or f"#{self.id}"


def document_model(doc_type: str | None) -> type | None:
    """The model class of a document type (its `__workflow__`), found among the mapped
    models, so that rows naming a type (notifications, history) can load their document."""
    return next((mapper.class_ for mapper in Model.registry.mappers
                 if doc_type and getattr(mapper.class_, "__workflow__", None) == doc_type),
                None)


def row_version(item: Any) -> str:
    """The version of a row as an edit form or an ETag carries it.

    Documents count their versions (`version_id_col`); other rows are versioned by a digest
    of their stored values, so any committed change makes an older form or ETag stale.
    """
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
