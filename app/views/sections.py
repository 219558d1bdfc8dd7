"""Which sections of a document's detail page to show: the ones the document has reached.

A section of a view's `show_fieldsets` may declare `"after": ("arrive", ...)`, the
transitions that fill it. It is shown once one of them has happened (the engine's history
says so), or as soon as one of its fields holds a value somebody entered. A section without
"after" is part of the registration form and is reached from the start.

Within a shown section, empty fields are left out, and a value still at its column default
(a yes/no never answered, a counter at 0) counts only once a step that sets it has
happened: a customer's consent never asked is "not reached", not "No". Which step sets a
field is read from the workflow table (its fields, `set_now`, `set_actor`); a field that
only an effect sets follows its section.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.workflow import WorkflowHistory
from app.workflows.table import Workflow

AFTER = "after"
_NOTHING = object()

_writers_cache: dict[str, dict[str, frozenset[str]]] = {}


def writers(workflow: Workflow) -> dict[str, frozenset[str]]:
    """Document attribute -> the transitions that write it, from the table."""
    cached = _writers_cache.get(workflow.doc_type)
    if cached is not None:
        return cached
    found: dict[str, set[str]] = {}
    for t in workflow.transitions:
        attrs = {f.target_attr for f in t.fields if f.target_attr}
        for attr in attrs | set(t.set_now) | set(t.set_actor):
            found.setdefault(attr, set()).add(t.name)
    cached = {attr: frozenset(names) for attr, names in found.items()}
    _writers_cache[workflow.doc_type] = cached
    return cached


def check_declarations(fieldsets: Sequence | None, workflow: Workflow) -> None:
    """Fail at start-up on a section naming a transition the table does not have."""
    for title, fieldset in fieldsets or []:
        for name in fieldset.get(AFTER, ()):
            if workflow.get(name) is None:
                raise ValueError(f"{workflow.doc_type}: section {title!s} is declared after "
                                 f"{name!r}, which is not a transition of the table")


def happened(session: Session, workflow: Workflow, doc_id: int) -> set[str]:
    """The transitions taken so far by one document (one query)."""
    return set(session.scalars(
        select(WorkflowHistory.transition).distinct()
        .where(WorkflowHistory.doc_type == workflow.doc_type,
               WorkflowHistory.doc_id == doc_id)))


def _value(item: Any, column: str) -> Any:
    value = item
    for part in column.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    if callable(value) and not hasattr(value, "__len__"):
        value = value()  # FAB shows what a method column returns
    return value


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, (str, list, tuple, set, dict)) or hasattr(value, "__len__"):
        return len(value) == 0
    return False


def _at_default(item: Any, column: str, value: Any) -> bool:
    """False, or the column's own default (0 for a counter): nobody entered it."""
    if value is False:
        return True
    if "." in column or isinstance(value, bool):
        return False
    mapped = sa_inspect(type(item), raiseerr=False)
    col = mapped.columns.get(column) if mapped is not None else None
    default = getattr(col, "default", None) if col is not None else None
    if default is None or not getattr(default, "is_scalar", False):
        return False
    return value == default.arg


def _field_writers(table: dict[str, frozenset[str]], column: str) -> frozenset[str]:
    base = column[:-len("_label")] if column.endswith("_label") else column
    return table.get(base, frozenset()) | table.get(f"{base}_id", frozenset())


def reached_fieldsets(fieldsets: Iterable, item: Any, workflow: Workflow,
                      taken: set[str]) -> list:
    """`fieldsets` cut to what `item` has reached, given the transitions `taken`; the
    "after" declarations are left out of the result (FAB's template does not know them)."""
    table = writers(workflow)
    shown = []
    for title, fieldset in fieldsets:
        after = fieldset.get(AFTER)
        reached = after is None or bool(set(after) & taken)
        fields, entered = [], False
        for column in fieldset.get("fields", []):
            value = _value(item, column)
            if _empty(value):
                continue
            if not _at_default(item, column, value):
                fields.append(column)
                entered = True
                continue
            steps = _field_writers(table, column)
            if steps & taken:
                fields.append(column)
                entered = True
            elif not steps and reached:
                fields.append(column)
        if fields and (reached or entered):
            shown.append((title, {k: v for k, v in fieldset.items() if k != AFTER}
                          | {"fields": fields}))
    return shown
