"""Form numbers per document type and year, unique and gap-free (e.g. WO-2026-000123).

A counter row updated with INSERT … ON CONFLICT DO UPDATE … RETURNING is atomic on both
databases (STACK.md: "max(number)+1" lost 70 % of concurrent inserts). The number is taken
inside the document's own transaction, so a rolled-back document frees its number again.
On SQLite the upsert must be the transaction's first statement: a transaction that read
first cannot upgrade its lock while another writer waits, and fails with "database is
locked" instead of waiting; `allocate_number` therefore starts a fresh transaction.
"""
from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models.workflow import FormCounter


def next_value(session: Session, prefix: str, year: int) -> int:
    """Atomically increment and return the counter for (prefix, year)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = FormCounter.__table__
    statement = (
        insert(table).values(prefix=prefix, year=year, last=1)
        .on_conflict_do_update(index_elements=["prefix", "year"],
                               set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    return int(session.execute(statement).scalar_one())


def format_number(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:06d}"


def allocate_number(session: Session, prefix: str, year: int) -> str:
    """Number for a new document; call it before any other statement of the transaction."""
    return format_number(prefix, year, next_value(session, prefix, year))
