"""Revisits (回访, R-RV, R-WO-7) and the rectification notices they issue.

A revisit is created by the document it follows up (a completed repair now; complaints
later), is due by a deadline policy, and is assigned so that each role meets its share of
revisits (office director 10 %, CS supervisor 30 %, repair lead 60 %, data in Settings).
A revisit that finds a problem issues a rectification notice to the technician, due within
24 hours (R-WO-7, R-RV-3).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text, or_
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label
from app.models.org import Department, Estate, Unit
from app.models.work_order import SATISFACTION, WorkOrder

if TYPE_CHECKING:
    from app.security.scope import Scope

MODES = {"phone": _l("Phone"), "visit": _l("Visit"), "letter": _l("Letter"),
         "online": _l("Online")}
REVISIT_ROLES = {"office_director": _l("Office director"),
                 "cs_supervisor": _l("CS supervisor"), "repair_lead": _l("Repair lead")}


class Revisit(DocumentMixin, TimestampMixin, Model):
    __tablename__ = "revisit"
    __workflow__ = "revisit"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="due")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    work_order_id = Column(Integer, ForeignKey("work_order.id"), nullable=True, index=True)
    work_order = relationship(WorkOrder, backref="revisits")
    # A revisit follows a repair (R-WO-7), a complaint (R-CP-7) or a register entry (R-CS-6).
    complaint_id = Column(Integer, ForeignKey("complaint.id"), nullable=True, index=True)
    complaint = relationship("Complaint", backref="revisits")
    service_record_id = Column(Integer, ForeignKey("service_record.id"), nullable=True,
                               index=True)
    service_record = relationship("ServiceRecord", backref="revisits")
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True)
    unit = relationship(Unit)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True)
    department = relationship(Department)
    assigned_role = Column(String(20), nullable=False)
    assignee_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    assignee = relationship("User", foreign_keys=[assignee_id])
    due_at = Column(DateTime, nullable=True)

    mode = Column(String(10), nullable=True)
    revisited_at = Column(DateTime, nullable=True)
    revisitee = Column(String(100), nullable=True)  # who answered and signed
    repair_checked = Column(Boolean, nullable=False, default=False)
    charge_verified = Column(Boolean, nullable=False, default=False)
    feedback = Column(Text, nullable=True)
    suggestions = Column(Text, nullable=True)
    satisfaction = Column(String(20), nullable=True)
    problem = Column(Text, nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return or_(
            cls.estate_id.in_(scope.estate_ids) & (
                cls.department_id.in_(scope.department_ids)
                | cls.estate.has(Estate.office_id.in_(scope.managed_office_ids))
                | cls.work_order.has(WorkOrder.registering_department_id.in_(
                    scope.department_ids))),
            cls.assignee_id.in_(scope.me),
        )

    @property
    def assigned_role_label(self) -> str:
        return choice_label(REVISIT_ROLES, self.assigned_role)

    @property
    def satisfaction_label(self) -> str:
        return choice_label(SATISFACTION, self.satisfaction)

    @property
    def mode_label(self) -> str:
        return choice_label(MODES, self.mode)


class RectificationNotice(DocumentMixin, TimestampMixin, Model):
    """Written rectification notice (整改通知) to the technician, due within 24 hours."""

    __tablename__ = "rectification_notice"
    __workflow__ = "rectification"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="issued")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    revisit_id = Column(Integer, ForeignKey("revisit.id"), nullable=False, index=True)
    revisit = relationship(Revisit, backref="rectifications")
    work_order_id = Column(Integer, ForeignKey("work_order.id"), nullable=True)
    work_order = relationship(WorkOrder)
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False)
    estate = relationship(Estate)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True)
    department = relationship(Department)
    technician_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    technician = relationship("User", foreign_keys=[technician_id])
    issued_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    issued_at = Column(DateTime, nullable=False)
    problem = Column(Text, nullable=False)
    action_taken = Column(Text, nullable=True)
    rectified_at = Column(DateTime, nullable=True)
    verified_at = Column(DateTime, nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return or_(
            cls.estate_id.in_(scope.estate_ids) & (
                cls.department_id.in_(scope.department_ids)
                | cls.estate.has(Estate.office_id.in_(scope.managed_office_ids))),
            cls.technician_id.in_(scope.me), cls.issued_by_id.in_(scope.me),
        )
