"""What a person may do and see, remembered by each process until something it depends on
changes.

Every authenticated request used to ask the database the same questions: the public
role's permissions, the person's roles' permissions, their row scope (three statements)
and whether their credential was signed out — seven of the twelve statements of a REST
list. The answers change only when an administrator edits roles, permissions, accounts,
staff profiles or the organisation, or when someone signs out. Each such write raises one
counter in the database (`access_epoch`) in the same transaction, so every process on
every host sees the change with that transaction's commit; a request reads the counter
once (one primary-key read) and answers from the process's memory while it is unchanged.

Writes are recognised by their SQL (ORM flushes, Core statements and plain SQL alike),
so no path around the ORM can leave a stale answer behind.
"""
from __future__ import annotations

import re
import secrets
import threading
from typing import Any, Callable, Hashable, TypeVar

from flask import g, has_request_context
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

T = TypeVar("T")

# Tables whose writes change an answer; for some, only writes to these columns do (a
# sign-in updates ab_user.last_login: no access changes with it).
WATCHED: dict[str, frozenset[str] | None] = {
    "ab_user": frozenset({"active", "id"}),
    "ab_user_role": None, "ab_role": None, "ab_permission": None, "ab_view_menu": None,
    "ab_permission_view": None, "ab_permission_view_role": None,
    "ab_group": None, "ab_user_group": None, "ab_group_role": None,
    "staff_profile": None, "staff_profile_office": None, "staff_profile_branch": None,
    "staff_profile_estate": None, "staff_profile_department": None,
    "org_office": frozenset({"branch_id", "id"}),
    "org_estate": frozenset({"office_id", "id"}),
    "org_department": frozenset({"office_id", "id"}),
    "revoked_credential": None,
}
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?',
                    re.IGNORECASE)
_SET = re.compile(r"\bSET\s+(.*?)(?:\bWHERE\b|$)", re.IGNORECASE | re.DOTALL)
MAX_ENTRIES = 20_000  # people × questions per process; past it, start again


class _Memory:
    """The process's answers for one epoch of one database."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.epoch: tuple[str, int] | None = None
        self.answers: dict[Hashable, Any] = {}

    def forget(self) -> None:
        with self.lock:
            self.epoch, self.answers = None, {}


_memory = _Memory()


def _changes_access(statement: str) -> bool:
    head = statement.lstrip()[:7].upper()
    if not head.startswith(("INSERT", "UPDATE", "DELETE")):
        return False
    match = _WRITE.match(statement)
    if match is None or match.group(1).lower() not in WATCHED:
        return False
    columns = WATCHED[match.group(1).lower()]
    if columns is None or not head.startswith("UPDATE"):
        return True
    assignments = _SET.search(statement)
    if assignments is None:
        return True
    names = {part.split("=")[0].strip().strip('"').lower()
             for part in assignments.group(1).split(",") if "=" in part}
    return bool(names & columns)


def _has_epoch_table(conn: Any, cursor: Any) -> bool:
    """Known once per connection; missing only while the migrations build the schema."""
    if conn.info.get("access_epoch"):
        return True
    probe = cursor.connection.cursor()
    try:
        probe.execute("SELECT name FROM sqlite_master WHERE name = 'access_epoch'"
                      if conn.dialect.name == "sqlite"
                      else "SELECT to_regclass('access_epoch')")
        found = (probe.fetchone() or (None,))[0] is not None
    finally:
        probe.close()
    if found:
        conn.info["access_epoch"] = True
    return found


def _after_cursor_execute(conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
    if not _changes_access(statement) or not _has_epoch_table(conn, cursor):
        return
    # Same DBAPI connection, same transaction; a cursor of its own keeps the statement's
    # result (INSERT … RETURNING) intact. A new random value, not the next number: a
    # transaction that raised it and then rolled back leaves a value nobody reuses, so
    # answers computed inside it are never taken for committed ones.
    bump = cursor.connection.cursor()
    try:
        bump.execute(f"UPDATE access_epoch SET version = {secrets.randbits(62)} WHERE id = 1")
    finally:
        bump.close()
    _memory.forget()  # this process knows at once; the others at the commit


def install(engine: Engine) -> None:
    """Watch every statement of the app's engine (once per engine)."""
    if not event.contains(engine, "after_cursor_execute", _after_cursor_execute):
        event.listen(engine, "after_cursor_execute", _after_cursor_execute)


def _current_epoch(session: Any) -> tuple[str, int] | None:
    """(database, counter), read once per request; None outside a request (commands and
    jobs ask the database) or where the row is missing."""
    if not has_request_context():
        return None
    known = g.get("_access_epoch", False)
    if known is not False:
        return known
    with session.no_autoflush:
        version = session.execute(text("SELECT version FROM access_epoch WHERE id = 1")
                                  ).scalar()
    # Several apps of one process (tests, tools) may each have a database of their own.
    epoch = None if version is None else (str(session.get_bind().engine.url), version)
    g._access_epoch = epoch
    return epoch


def remembered(session: Any, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`'s answer for `key`, from memory while nothing it depends on changed."""
    epoch = _current_epoch(session)
    if epoch is None:
        return compute()
    with _memory.lock:
        if _memory.epoch != epoch:
            _memory.epoch, _memory.answers = epoch, {}
        elif key in _memory.answers:
            return _memory.answers[key]
    answer = compute()
    with _memory.lock:
        if _memory.epoch == epoch:
            if len(_memory.answers) >= MAX_ENTRIES:
                _memory.answers = {}
            _memory.answers[key] = answer
    return answer


def forget() -> None:
    """Drop every remembered answer of this process (tests; after a restore)."""
    _memory.forget()
