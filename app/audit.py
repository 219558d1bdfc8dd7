"""Writes the audit log (security baseline) from SQLAlchemy's flush events.

Written with a plain INSERT on the flushing connection in `after_flush`, so that the log
row commits or rolls back together with the change it describes and ids of new rows are
known. Secrets (password hashes) and login counters are never recorded.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import g, has_request_context
from sqlalchemy import event, inspect as sa_inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import MANYTOMANY

from app.models.audit import AuditLog
from app.models.base import utcnow

IGNORED_FIELDS = {"password", "login_count", "fail_login_count", "last_login", "changed_on",
                  "changed_by_fk", "changed_by", "created_on", "created_by_fk", "created_by",
                  "updated_at", "created_at"}
AUDITED_FAB_TABLES = {"ab_user", "ab_role"}


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
        if rel.direction is not MANYTOMANY or rel.key in IGNORED_FIELDS:
            continue
        hist = state.attrs[rel.key].history
        if hist.has_changes():
            before = list(hist.unchanged or []) + list(hist.deleted or [])
            after = list(hist.unchanged or []) + list(hist.added or [])
            result[rel.key] = [_plain(before), _plain(after)]
    return result


def _actor() -> tuple[int | None, str]:
    if has_request_context():
        from flask import current_app

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
                         "row_id": row_id, "changes": changes})
    if rows:
        user_id, username = _actor()
        now = utcnow()
        for row in rows:
            row.update(at=now, user_id=user_id, username=username)
        session.connection().execute(AuditLog.__table__.insert(), rows)


def install_audit_listener() -> None:
    """Idempotent: one listener for every session of the process."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
