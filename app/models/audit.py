"""Append-only audit log (security baseline): every create, update and delete."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import JSON, Column, DateTime, Integer, String, event

from app.models.base import utcnow


class AuditLog(Model):
    """One row per changed record per flush. Rows are never updated nor deleted."""

    __tablename__ = "audit_log"
    scope_global = True  # readable only by roles granted the audit view

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, default=utcnow, nullable=False, index=True)
    user_id = Column(Integer, nullable=True, index=True)
    username = Column(String(256), nullable=False, default="")
    action = Column(String(10), nullable=False)  # create / update / delete
    table_name = Column(String(100), nullable=False, index=True)
    row_id = Column(String(100), nullable=False, index=True)
    changes = Column(JSON, nullable=False, default=dict)

    def __repr__(self) -> str:
        return f"{self.action} {self.table_name}#{self.row_id}"


class AuditLogImmutable(RuntimeError):
    """Raised when code tries to rewrite history."""


@event.listens_for(AuditLog, "before_update")
def _refuse_update(mapper, connection, target) -> None:  # noqa: ARG001
    raise AuditLogImmutable("audit log rows cannot be changed")


@event.listens_for(AuditLog, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:  # noqa: ARG001
    raise AuditLogImmutable("audit log rows cannot be deleted")
