"""Append-only audit log (security baseline): every create, update and delete, sign-ins,
sign-outs and exports, each with where the record belongs so that it is scoped (R-ORG-4)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from sqlalchemy import JSON, Column, DateTime, Integer, String, event, or_

from app.models.base import local_now

if TYPE_CHECKING:
    from app.security.scope import Scope


class AuditLog(Model):
    """One row per changed record per flush, or per event (sign-in, export). Rows are never
    updated nor deleted.

    `estate_id`, `department_id` and `office_id` say where the record belonged when it
    changed. They are plain indexed integers, not foreign keys: an append-only row must not
    stop an estate from being deleted, nor be rewritten when it is.
    """

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, default=local_now, nullable=False, index=True)
    user_id = Column(Integer, nullable=True, index=True)
    username = Column(String(256), nullable=False, default="")
    # create / update / delete, or an event: login / login_failed / logout / export
    action = Column(String(20), nullable=False)
    table_name = Column(String(100), nullable=False, index=True)
    row_id = Column(String(100), nullable=False, index=True)
    changes = Column(JSON, nullable=False, default=dict)
    record_name = Column(String(200), nullable=True)  # the record's name then (kept on delete)
    estate_id = Column(Integer, nullable=True, index=True)
    department_id = Column(Integer, nullable=True, index=True)
    office_id = Column(Integer, nullable=True, index=True)
    client_addr = Column(String(64), nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        """Rows of the viewer's estates, departments and managed offices, and their own
        actions. Rows that belong nowhere (company set-up, users, roles, other people's
        sign-ins) match none of these: only unrestricted scopes (admin, GM) see them."""
        return or_(cls.estate_id.in_(scope.estate_ids),
                   cls.department_id.in_(scope.department_ids),
                   cls.office_id.in_(scope.managed_office_ids),
                   cls.user_id.in_(scope.me))

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
