"""The audit log as people read it, read-only (no add, edit or delete route exists).

Each entry reads as a sentence in the reader's language: local time, the person's name,
the record's name ("Complaint TS-2026-0001") and the changed fields with the labels their
pages use. Document and field labels come from the registered views, so a new page brings
its labels along. Private values are masked as the viewer may read them (R-RES-2) on the
list, the detail page and the export; rows are scoped like every other table (R-ORG-4)
by `AuditLog.scope_clause`, applied by the scoped interface.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from inspect import getattr_static
from typing import Any, Callable, Iterable, Mapping

from flask import current_app, g
from flask_appbuilder import Model, ModelView
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from app.models import AuditLog
from app.security import permissions as P
from app.security.names import full_name
from app.security.privacy import reveal_changes
from app.security.scope import ScopedInterface
from app.views.base import ScopedModelView
from app.workflows.registry import document_models, registered

EMPTY = "—"
ARROW = "→"
# Records with no page of their own, and FAB's user and role pages, whose titles are
# "List Users": the name of one such record.
TITLES = {
    "ab_user": _l("User"), "ab_role": _l("Role"), "ab_group": _l("Group"),
    "deadline_timer": _l("Deadline"),
    "escalation": _l("Escalation"), "form_counter": _l("Form number counter"),
    "work_order_photo": _l("Work order photo"),
    "compensation_evidence": _l("Compensation evidence"),
    "workflow_history": _l("Workflow step"),
    "communication_suggestion": _l("Suggestion"),
}
# Columns of records with no page of their own, named in the log as people say them.
COLUMNS = {
    "communication_suggestion": {
        "summary": _l("Summary"), "report": _l("Communication report"),
        "text": _l("Suggestion"), "decision": _l("Decision"),
        "note": _l("Reason or instructions"), "department": _l("Department that acts"),
        "due_date": _l("Due date"), "reconsider_on": _l("Look at it again on"),
        "decided_at": _l("Decided at"), "decided_by": _l("Decided by"),
    },
    "deadline_timer": {
        "policy": _l("Deadline"), "doc_type": _l("Document"), "status": _l("Status"),
        "handler_user": _l("Handler"), "started_at": _l("Started at"), "due_at": _l("Due"),
        "warn_at": _l("Warning due"), "next_check_at": _l("Next check"),
        "warned_at": _l("Warned at"), "breached_at": _l("Overdue since"),
        "level": _l("Escalation level"), "closed_at": _l("Closed at"),
    },
}
ACTIONS = {
    "create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"),
    "login": _l("Signed in"), "login_failed": _l("Failed sign-in"),
    "logout": _l("Signed out"), "export": _l("Exported"),
}
_ID_SUFFIX = re.compile(r" \(#\d+\)$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?$")


# --- labels, from the registered views ------------------------------------------------------

@dataclass
class Labels:
    """Document titles per table, column labels per table and across all views, and list
    titles per view class (what an export exported)."""

    titles: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    any_columns: dict[str, Any] = field(default_factory=dict)
    views: dict[str, Any] = field(default_factory=dict)


def _translated(labels: Mapping[str, Any] | None) -> dict[str, Any]:
    """Labels a view declares (lazy, translated); FAB's generated ones are plain English."""
    return {k: v for k, v in (labels or {}).items() if isinstance(v, LazyString)}


def _collect_labels(views: Iterable[Any]) -> Labels:
    labels = Labels()
    for view in views:
        table = getattr(getattr(getattr(view, "datamodel", None), "obj", None),
                        "__tablename__", None)
        if not isinstance(view, ModelView) or not table:
            continue
        labels.views[type(view).__name__] = view.list_title
        own = _translated(view.label_columns)
        labels.columns.setdefault(table, {})
        labels.columns[table] = {**own, **labels.columns[table]}
        labels.any_columns = {**own, **labels.any_columns}
        if type(view).__module__.startswith("flask_appbuilder."):
            continue  # "List Users": TITLES names one user
        singular = getattr(view, "document_label", None)
        if singular is not None or table not in labels.titles:
            labels.titles[table] = singular or view.list_title
    return labels


def labels() -> Labels:
    """Computed once per app: views do not change after start-up."""
    cached = current_app.extensions.get("audit_labels")
    if cached is None:
        cached = current_app.extensions["audit_labels"] = _collect_labels(
            current_app.appbuilder.baseviews)
    return cached


def table_title(table: str) -> str:
    title = TITLES.get(table) or labels().titles.get(table)
    return str(title) if title is not None else table


def column_label(table: str, column: str) -> str:
    """The label a page uses for `column` (or for its relation: unit_id reads "Unit")."""
    keys = [column, f"{column}_label"] + ([column[:-3]] if column.endswith("_id") else [])
    known = labels()
    for source in (COLUMNS.get(table, {}), known.columns.get(table, {}), known.any_columns):
        for key in keys:
            if key in source:
                return str(source[key])
    return column.replace("_", " ").capitalize()


# --- values ----------------------------------------------------------------------------------

@cache
def _models_by_table() -> dict[str, type]:
    return {m.class_.__tablename__: m.class_ for m in Model.registry.mappers
            if getattr(m.class_, "__tablename__", None)}


def model_of(table: str) -> type | None:
    return _models_by_table().get(table)


def local_time(at: datetime | None) -> str:
    """A stored time (the estates' wall clock, app.clock) as the log shows it."""
    return at.strftime("%Y-%m-%d %H:%M") if at is not None else ""


def _choice_label(model: type, column: str, value: Any) -> str | None:
    """A stored code ("owner", "classified") as its page shows it, through the model's own
    `<column>_label` property, so codes never reach a Chinese page in English."""
    if not isinstance(getattr_static(model, f"{column}_label", None), property):
        return None
    try:
        probe = model()
        setattr(probe, column, value)
        return str(getattr(probe, f"{column}_label"))
    except (AttributeError, KeyError, LookupError, TypeError, ValueError):
        return None


def _reference_name(model: type, column: str, value: Any) -> str | None:
    """A foreign key as the name of what it points to (a person's name, a unit)."""
    table_column = getattr(model, "__table__", None)
    table_column = table_column.c.get(column) if table_column is not None else None
    if table_column is None or not table_column.foreign_keys or not isinstance(value, int):
        return None
    target_table = next(iter(table_column.foreign_keys)).column.table.name
    if target_table == "ab_user":
        return person_name(value, "")
    target = model_of(target_table)
    found = current_app.appbuilder.session.get(target, value) if target else None
    return str(found) if found is not None else f"#{value}"


def value_text(model: type | None, column: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(model, column, v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {value_text(None, k, v)}" for k, v in value.items())
    if model is not None:
        shown = _choice_label(model, column, value) or _reference_name(model, column, value)
        if shown is not None:
            return shown
    if isinstance(value, str):
        time = _ISO_TIME.match(value)
        if time:
            return f"{time.group(1)} {time.group(2)}"
        return _ID_SUFFIX.sub("", value)
    return str(value)


# --- people ----------------------------------------------------------------------------------

def _name_cache() -> dict[int, str]:
    return g.setdefault("_audit_names", {})


def remember_people(entries: Iterable[AuditLog]) -> None:
    """Load the names of everybody on a page in one query."""
    names = _name_cache()
    wanted = {e.user_id for e in entries if e.user_id is not None} - set(names)
    if wanted:
        for user in current_app.appbuilder.session.scalars(
                select(User).where(User.id.in_(wanted))):
            names[user.id] = full_name(user)


def person_name(user_id: int | None, login: str) -> str:
    """The display name (李晓燕, Anna Wong); the login when the account is gone."""
    if user_id is None:
        return login
    names = _name_cache()
    if user_id not in names:

        user = current_app.appbuilder.session.get(User, user_id)
        names[user_id] = full_name(user) if user is not None else login
    return names[user_id] or login


def who(entry: AuditLog) -> str:
    if entry.action == "login_failed":
        return _("Someone")
    if entry.user_id is None and entry.username in ("", "system"):
        return _("The system")
    return person_name(entry.user_id, entry.username)


# --- what changed ----------------------------------------------------------------------------

def _pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return value[0], value[1]
    return None, value


def _collection_change(before: list, after: list) -> str:
    """Many-to-many changes (a user's roles, a role's permissions) as what was added and
    removed, not two long lists."""
    old = [_ID_SUFFIX.sub("", str(v)) for v in before or []]
    new = [_ID_SUFFIX.sub("", str(v)) for v in after or []]
    parts = []
    added = [v for v in new if v not in old]
    removed = [v for v in old if v not in new]
    if added:
        parts.append(_("added %(items)s", items=", ".join(added)))
    if removed:
        parts.append(_("removed %(items)s", items=", ".join(removed)))
    return "; ".join(parts) or EMPTY


def change_lines(entry: AuditLog) -> list[str]:
    """One line per changed field, labelled as on the record's page and masked as the
    viewer may read it: "Phone 138****5678 → 139****1234"."""
    model = model_of(entry.table_name)
    changes = reveal_changes(entry.table_name, entry.changes or {})
    keys = {c.key for c in model.__table__.primary_key} if model is not None else {"id"}
    lines = []
    for column, value in changes.items():
        if column in keys:
            continue  # the record's own id: its name says which record it is
        label = column_label(entry.table_name, column)
        old, new = _pair(value)
        if isinstance(old, list) or isinstance(new, list):
            lines.append(f"{label}: {_collection_change(old, new)}")
        elif entry.action == "create":
            lines.append(f"{label}: {value_text(model, column, new)}")
        elif entry.action == "delete":
            lines.append(f"{label}: {value_text(model, column, old)}")
        else:
            lines.append(f"{label} {value_text(model, column, old)} {ARROW} "
                         f"{value_text(model, column, new)}")
    return lines


# --- workflow steps: history rows read as the step taken ---------------------------------------

def _step(entry: AuditLog) -> tuple[Any, Any, dict] | None:
    """(workflow, transition name, revealed history values) of a history row's creation."""
    if entry.table_name != "workflow_history" or entry.action != "create":
        return None

    values = {k: _pair(v)[1] for k, v in reveal_changes(entry.table_name,
                                                         entry.changes or {}).items()}
    workflow = registered().get(values.get("doc_type"))
    return (workflow, values.get("transition"), values) if workflow else None


def _document(entry: AuditLog, workflow: Any) -> str:

    model = document_models().get(workflow.doc_type)
    title = table_title(model.__tablename__) if model is not None else workflow.doc_type
    doc_id = (entry.changes or {}).get("doc_id", [None, ""])
    return f"{title} {entry.record_name or '#' + str(_pair(doc_id)[1])}"


def _field_value(spec: Any, model: type | None, value: Any) -> str:
    """A step's field value: a choice as its label, a reference (technician, department)
    as the name of what the document column it fills points to."""
    if spec.kind == "choice" and isinstance(spec.choices, Mapping) and value in spec.choices:
        return str(spec.choices[value])
    return value_text(model, spec.target_attr or spec.name, value)


def step_lines(workflow: Any, transition: Any, values: dict) -> tuple[str | None, list[str]]:
    """The step's state change, then its fields under their form labels and the comment."""
    state = None
    if values.get("from_state"):
        before = workflow.state_label(values["from_state"])
        after = workflow.state_label(values.get("to_state"))
        state = " ".join((_("State"), before, ARROW, after))
    specs = {f.name: f for f in transition.fields} if transition is not None else {}
    model = next((m for m in _models_by_table().values()
                  if getattr(m, "__workflow__", None) == workflow.doc_type), None)
    data = values.get("data")
    lines = []
    # Rows written before JSON data was kept as JSON carry it as text: shown without it.
    for name, value in (data if isinstance(data, Mapping) else {}).items():
        spec = specs.get(name)
        label = str(spec.label) if spec is not None else column_label(
            getattr(model, "__tablename__", ""), name)
        shown = _field_value(spec, model, value) if spec is not None \
            else value_text(model, name, value)
        lines.append(f"{label}: {shown}")
    if values.get("comment"):
        lines.append(_("Comment") + f": {values['comment']}")
    return state, lines


def _step_sentence(entry: AuditLog, when: str, person: str) -> str | None:
    step = _step(entry)
    if step is None:
        return None
    workflow, name, values = step
    what = _document(entry, workflow)
    if name == "create":
        return _("%(when)s %(who)s registered %(what)s", when=when, who=person, what=what)
    transition = workflow.get(name)
    label = str(transition.label) if transition is not None else name
    details = "; ".join(step_lines(workflow, transition, values)[1])
    if details:
        return _("%(when)s %(who)s took the step '%(step)s' on %(what)s: %(details)s",
                 when=when, who=person, step=label, what=what, details=details)
    return _("%(when)s %(who)s took the step '%(step)s' on %(what)s",
             when=when, who=person, step=label, what=what)


# --- the sentence ------------------------------------------------------------------------------

def record_title(entry: AuditLog) -> str:
    """ "Complaint TS-2026-0001": the document label and the record's name; a workflow
    step names its document."""
    step = _step(entry)
    if step is not None:
        return _document(entry, step[0])
    if not entry.table_name:
        return ""
    return f"{table_title(entry.table_name)} {entry.record_name or '#' + entry.row_id}"


def _event_sentence(entry: AuditLog, when: str, person: str) -> str | None:
    addr = entry.client_addr or _("an unknown address")
    changes = entry.changes or {}
    if entry.action == "login":
        return _("%(when)s %(who)s signed in from %(addr)s", when=when, who=person, addr=addr)
    if entry.action == "login_failed":
        return _("%(when)s %(who)s failed to sign in as %(login)s from %(addr)s",
                 when=when, who=person, login=changes.get("login") or entry.username,
                 addr=addr)
    if entry.action == "logout":
        return _("%(when)s %(who)s signed out", when=when, who=person)
    if entry.action == "export":
        view_title = labels().views.get(changes.get("view"))
        what = str(view_title) if view_title is not None else table_title(entry.table_name)
        rows = int(changes.get("rows") or 0)
        kind = "Excel" if changes.get("format") == "xlsx" else "CSV"  # file formats' names
        if rows == 1:
            return _("%(when)s %(who)s exported %(what)s (%(kind)s, 1 row)", when=when,
                     who=person, what=what, kind=kind)
        return _("%(when)s %(who)s exported %(what)s (%(kind)s, %(n)d rows)", when=when,
                 who=person, what=what, kind=kind, n=rows)
    return None


def describe(entry: AuditLog) -> str:
    """The entry as one sentence in the reader's language."""
    when, person = local_time(entry.at), who(entry)
    sentence = _event_sentence(entry, when, person) or _step_sentence(entry, when, person)
    if sentence is not None:
        return sentence
    what = record_title(entry)
    if entry.action == "create":
        return _("%(when)s %(who)s created %(what)s", when=when, who=person, what=what)
    if entry.action == "delete":
        return _("%(when)s %(who)s deleted %(what)s", when=when, who=person, what=what)
    lines = change_lines(entry)
    if lines:
        return _("%(when)s %(who)s changed %(what)s: %(changes)s", when=when, who=person,
                 what=what, changes="; ".join(lines))
    return _("%(when)s %(who)s changed %(what)s", when=when, who=person, what=what)


def details(entry: AuditLog) -> list[str]:
    """The structured changes of the detail page and the export, one line each."""
    step = _step(entry)
    if step is not None:
        workflow, name, values = step
        state, lines = step_lines(workflow, workflow.get(name), values)
        return ([state] if state else []) + lines
    if entry.action in ("create", "update", "delete"):
        return change_lines(entry)
    return []


# --- the pages ---------------------------------------------------------------------------------

RENDERED: dict[str, Callable[[AuditLog], Any]] = {
    "entry": describe,
    "local_time": lambda e: local_time(e.at),
    "person": who,
    "action_label": lambda e: str(ACTIONS.get(e.action, e.action)),
    "record": record_title,
    "details": lambda e: "\n".join(details(e)),
}


class AuditInterface(ScopedInterface):
    """Scoped like every table; the read-only columns above are rendered here, and the
    names of everybody on a page (or in an export) are loaded in one query."""
    def query(self, *args: Any, **kwargs: Any):
        count, items = super().query(*args, **kwargs)
        remember_people(items)
        return count, items

    def _get_attr_value(self, item: Any, col: str) -> Any:
        render = RENDERED.get(col)
        return render(item) if render is not None else super()._get_attr_value(item, col)


class AuditLogView(ScopedModelView):
    datamodel = AuditInterface(AuditLog)
    class_permission_name = P.AUDIT_LOG
    base_permissions = ["can_read", "can_export"]
    list_columns = ["entry"]
    show_columns = ["entry", "local_time", "person", "action_label", "record",
                    "client_addr", "details"]
    export_columns = ["local_time", "person", "action_label", "record", "client_addr",
                      "entry", "details"]
    # Never the changes: a "contains" filter on them would spell out a masked phone.
    search_columns = ["at", "username", "action", "table_name", "row_id", "client_addr"]
    base_order = ("id", "desc")
    label_columns = {
        "entry": _l("Entry"), "local_time": _l("Time"), "person": _l("Person"),
        "action_label": _l("Action"), "record": _l("Record"),
        "client_addr": _l("Client address"), "details": _l("Changes"),
        "at": _l("Time"), "username": _l("User"), "action": _l("Action"),
        "table_name": _l("Table"), "row_id": _l("Row"),
    }
    list_title = show_title = _l("Audit log")

    def export_value(self, item: Any, column: str) -> str:
        if column == "details":
            return "; ".join(details(item))
        value = self.datamodel._get_attr_value(item, column)
        return "" if value is None else str(value)
