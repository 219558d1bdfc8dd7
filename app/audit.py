"""Writes the audit log (security baseline) from SQLAlchemy's flush events, and records
the events that change no row: sign-in, failed sign-in, sign-out and exports.

Row changes are written with a plain INSERT on the flushing connection in `after_flush`, so
that the log row commits or rolls back together with the change it describes and ids of
new rows are known. Each row also records where the record belongs (estate, department,
office: the audit log is scoped like everything else, R-ORG-4), the record's name as it
was (a deleted record cannot be looked up later) and the client's address. Secrets
(password hashes) and login counters are never recorded. How a row reads is
app/views/audit.py's business.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterator, Mapping

from flask import current_app, g, has_request_context, request
from flask_login import user_logged_out
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE

from app.models.audit import AuditLog
from app.models.base import local_now
from app.workflows.registry import document_models

IGNORED_FIELDS = {"password", "login_count", "fail_login_count", "last_login", "changed_on",
                  "changed_by_fk", "changed_by", "created_on", "created_by_fk", "created_by",
                  "updated_at", "created_at",
                  "version"}  # the optimistic-lock counter, bumped by every change
AUDITED_FAB_TABLES = {"ab_user", "ab_role", "ab_group"}  # who may do what
# Both sides of a many-to-many: recorded once, on the side people edit (a user's roles,
# a group's roles), not again as the role's whole member list.
MIRRORED_RELATIONSHIPS = {("ab_role", "user"), ("ab_role", "groups")}

# Where a record belongs: these tables are places themselves, and these columns point to
# one (directly, or as e.g. registering_department_id).
PLACE_TABLES = {"org_estate": "estate_id", "org_department": "department_id",
                "org_office": "office_id"}
PLACE_KEYS = ("estate_id", "department_id", "office_id")
PLACE_DEPTH = 3  # resident -> unit -> building -> estate
EMPTY_PLACE: dict[str, int | None] = {key: None for key in PLACE_KEYS}


def _is_audited(obj: Any) -> bool:
    table = getattr(obj, "__tablename__", "")
    if isinstance(obj, AuditLog) or not table:
        return False
    return type(obj).__module__.startswith("app.models") or table in AUDITED_FAB_TABLES


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"  # photos and evidence files: their size, not content
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    if isinstance(value, (list, tuple, set)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, Mapping):  # JSON columns (a workflow step's data) stay JSON
        return {str(k): _plain(v) for k, v in value.items()}
    ident = sa_inspect(value, raiseerr=False)
    if ident is not None and getattr(ident, "identity", None):
        return f"{value} (#{ident.identity[0]})"
    return str(value)


def _changes(obj: Any, action: str) -> dict[str, list[Any]]:
    state = sa_inspect(obj)
    result: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in IGNORED_FIELDS:
            continue
        hist = state.attrs[attr.key].history
        if action == "create":
            new = getattr(obj, attr.key)
            if new is not None:
                result[attr.key] = [None, _plain(new)]
        elif action == "delete":
            old = (hist.unchanged or hist.deleted or [None])[0]
            if old is not None:
                result[attr.key] = [_plain(old), None]
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if _plain(old) != _plain(new):
                result[attr.key] = [_plain(old), _plain(new)]
    for rel in state.mapper.relationships:
        if rel.direction is not MANYTOMANY or rel.key in IGNORED_FIELDS \
                or (obj.__tablename__, rel.key) in MIRRORED_RELATIONSHIPS:
            continue
        hist = state.attrs[rel.key].history
        if hist.has_changes():
            before = list(hist.unchanged or []) + list(hist.deleted or [])
            after = list(hist.unchanged or []) + list(hist.added or [])
            result[rel.key] = [_plain(before), _plain(after)]
    return result


# --- where a record belongs ----------------------------------------------------------------

def _is_fab_model(cls: type) -> bool:
    return cls.__module__.startswith("flask_appbuilder.")


def _own_place(obj: Any) -> dict[str, int]:
    """The place ids a record carries itself: an estate is its own estate; a complaint has
    estate_id and department_id (or registering_department_id when not dispatched yet)."""
    place: dict[str, int] = {}
    own_key = PLACE_TABLES.get(getattr(obj, "__tablename__", ""))
    if own_key and isinstance(getattr(obj, "id", None), int):
        place[own_key] = obj.id
    names = [attr.key for attr in sa_inspect(type(obj)).column_attrs]
    for key in PLACE_KEYS:
        candidates = [n for n in names if n == key] + [n for n in names
                                                        if n.endswith(f"_{key}")]
        for name in candidates:
            if key in place:
                break
            value = getattr(obj, name, None)
            if isinstance(value, int):
                place[key] = value
    return place


def document_of(obj: Any) -> Any | None:
    """The workflow document a row hangs from by (doc_type, doc_id): history rows,
    notifications."""
    doc_type, doc_id = getattr(obj, "doc_type", None), getattr(obj, "doc_id", None)
    session = object_session(obj)
    if not doc_type or doc_id is None or session is None:
        return None

    model = document_models().get(doc_type)
    return session.get(model, doc_id) if model is not None else None


def _parents(obj: Any) -> Iterator[Any]:
    """Records `obj` hangs from, nearest first: many-to-one references (not people), the
    document of a history row, then the first department / estate / office of a staff
    profile."""
    mapper = sa_inspect(type(obj))
    for rel in mapper.relationships:
        if rel.direction is MANYTOONE and not _is_fab_model(rel.mapper.class_):
            parent = getattr(obj, rel.key, None)
            if parent is not None:
                yield parent
    document = document_of(obj)
    if document is not None:
        yield document
    for rel in mapper.relationships:
        if rel.direction is MANYTOMANY and rel.mapper.class_.__tablename__ in PLACE_TABLES:
            members = [m for m in getattr(obj, rel.key) or [] if m.id is not None]
            if members:
                yield min(members, key=lambda m: m.id)


def place_of(obj: Any, depth: int = PLACE_DEPTH) -> dict[str, int]:
    """Where a record belongs: its own estate / department / office ids, else those of the
    nearest record it hangs from (a unit's building, a resident's unit, a photo's work
    order, a history row's document). Empty for records that belong nowhere (company
    set-up, users, roles), which only unrestricted scopes then see."""
    place = _own_place(obj)
    if "estate_id" in place or "department_id" in place or depth == 0:
        return place
    for parent in _parents(obj):
        found = place_of(parent, depth - 1)
        if found:
            return {**found, **place}
    return place


def _record_name(obj: Any) -> str | None:
    """The record's name as people know it (a form number, a resident's name), kept
    because a deleted record cannot be looked up later. History rows take their
    document's name."""
    target = document_of(obj)
    target = obj if target is None else target
    if type(target).__repr__ is object.__repr__:
        return None
    return str(target)[:200] or None


def _whereabouts(obj: Any) -> dict[str, Any]:
    """Place and name of a changed record. A reference that cannot be followed any more
    (ORM-level error) leaves the row placeless: visible to admins only, never lost."""
    try:
        return {**EMPTY_PLACE, **place_of(obj), "record_name": _record_name(obj)}
    except sa_exc.InvalidRequestError:
        return {**EMPTY_PLACE, "record_name": None}


def _client_addr() -> str | None:
    return (request.remote_addr or None) if has_request_context() else None


def _actor() -> tuple[int | None, str]:
    if has_request_context():

        user = current_app.appbuilder.sm.current_user
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id, user.username
    user = g.get("user") if g else None
    if user is not None and getattr(user, "id", None):
        return user.id, user.username
    return None, "system"


def _after_flush(session: Session, flush_context: Any) -> None:  # noqa: ARG001
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty),
                            ("delete", session.deleted)):
        for obj in objects:
            if not _is_audited(obj):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=True):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            pk = sa_inspect(obj).mapper.primary_key_from_instance(obj)
            row_id = ",".join(str(i) for i in pk)
            rows.append({"action": action, "table_name": obj.__tablename__,
                         "row_id": row_id, "changes": changes, **_whereabouts(obj)})
    if rows:
        user_id, username = _actor()
        now, addr = local_now(), _client_addr()
        for row in rows:
            row.update(at=now, user_id=user_id, username=username, client_addr=addr)
        session.connection().execute(AuditLog.__table__.insert(), rows)


# --- events that change no row ------------------------------------------------------------

def record_event(action: str, *, table_name: str = "", row_id: Any = "",
                 changes: Mapping[str, Any] | None = None,
                 actor: tuple[int | None, str] | None = None,
                 record_name: str | None = None, place: Mapping[str, int] | None = None,
                 session: Session | None = None, commit: bool = True) -> AuditLog:
    """Record something that is not a row change (sign-in, failed sign-in, sign-out,
    export) with who, when and from where. `actor` is (user id, login), by default whoever
    is acting now. Committed at once unless `commit` is False: a failed sign-in or an
    export changes nothing else that could carry it."""
    user_id, username = actor if actor is not None else _actor()
    entry = AuditLog(at=local_now(), user_id=user_id, username=(username or "")[:256],
                     action=action, table_name=table_name, row_id=str(row_id or "")[:100],
                     changes=dict(changes or {}), record_name=record_name,
                     client_addr=_client_addr(), **{**EMPTY_PLACE, **(place or {})})
    session = session or current_app.appbuilder.session
    session.add(entry)
    if commit:
        session.commit()
    return entry


def record_login(login: str | None, user: Any) -> Any:
    """Record the outcome of a password check (form and REST API alike) and pass it on.
    A failure is recorded under the login that was tried, with no user id: nobody was
    authenticated."""
    if user is not None:
        record_event("login", table_name="ab_user", row_id=user.id,
                     actor=(user.id, user.username), record_name=str(user)[:200])
    else:
        tried = (login or "")[:256]
        record_event("login_failed", table_name="ab_user", actor=(None, tried),
                     changes={"login": tried})
    return user


def record_export(view: Any, count: int, fmt: str = "csv") -> None:
    """Record an export (CSV or xlsx): what was exported (the view names it in the
    reader's language later) and how many rows."""
    record_event("export", table_name=view.datamodel.obj.__tablename__,
                 changes={"format": fmt, "rows": count, "view": type(view).__name__})


def _on_logout(sender: Any, user: Any = None, **extra: Any) -> None:  # noqa: ARG001
    """flask_login's user_logged_out signal, sent by FAB's logout route."""
    if user is not None and getattr(user, "id", None) is not None:
        record_event("logout", table_name="ab_user", row_id=user.id,
                     actor=(user.id, user.username), record_name=str(user)[:200])


def install_audit_listener() -> None:
    """Idempotent: one listener for every session of the process, one for sign-outs."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    user_logged_out.connect(_on_logout)  # blinker connects a receiver once
