"""The customer-service information register (顾客服务信息登记表, R-CS-1..6).

Every contact with the service centre is one entry: its type and source (R-CS-1), the
department it was dispatched to with an internal liaison slip (内部联络单, R-CS-2), the
reply deadline the agent set for an inquiry (R-CS-3), the handling plan a department
submits when handling takes long and the record that the customer was told (R-CS-4), and
the urges of a missed commitment (R-CS-5). An entry can become a work order or a
complaint, keeping the link. States move only through app/workflows/service_record.py.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    or_,
)
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label, local_now
from app.models.complaint import CONTACT_SOURCES, Complaint
from app.models.org import Department, Estate, Unit
from app.models.resident import Resident
from app.models.work_order import WorkOrder

if TYPE_CHECKING:
    from app.security.scope import Scope

RECORD_KINDS = {
    "service_request": _l("Service request"), "inquiry": _l("Inquiry"),
    "suggestion": _l("Suggestion"), "complaint": _l("Complaint"),
}


class ServiceRecord(DocumentMixin, TimestampMixin, Model):
    """One entry of the customer-service register."""

    __tablename__ = "service_record"
    __table_args__ = (Index("ix_service_record_received", "received_at", "id"),)  # the list
    time_windows = {"received_at": "past", "reply_due_at": "ahead"}  # app.security.bounds
    masked_columns = {"contact_phone": "phone"}  # R-RES-2, see app.security.privacy
    __workflow__ = "service_record"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="recorded")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    kind = Column(String(20), nullable=False, default="service_request")
    source = Column(String(20), nullable=False, default="phone")
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True, index=True)
    unit = relationship(Unit)
    resident_id = Column(Integer, ForeignKey("resident.id"), nullable=True, index=True)
    resident = relationship(Resident)
    contact_name = Column(String(100), nullable=True)
    contact_phone = Column(String(40), nullable=True)
    content = Column(Text, nullable=False)
    urgent = Column(Boolean, nullable=False, default=False)
    relayed_orally = Column(Boolean, nullable=False, default=False)  # R-CS-2: urgent
    received_at = Column(DateTime, nullable=False, default=local_now)
    received_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    received_by = relationship("User", foreign_keys=[received_by_id])
    registering_department_id = Column(Integer, ForeignKey("org_department.id"),
                                       nullable=True, index=True)
    registering_department = relationship(Department,
                                          foreign_keys=[registering_department_id])

    # Dispatch with the internal liaison slip (R-CS-2) and the inquiry deadline (R-CS-3)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True, index=True)
    department = relationship(Department, foreign_keys=[department_id])
    liaison_note = Column(Text, nullable=True)
    dispatched_at = Column(DateTime, nullable=True)
    reply_due_at = Column(DateTime, nullable=True)

    # Handling plan (R-CS-4)
    plan_method = Column(Text, nullable=True)
    plan_schedule = Column(Text, nullable=True)
    plan_commitment = Column(Text, nullable=True)
    committed_at = Column(DateTime, nullable=True)
    plan_submitted_at = Column(DateTime, nullable=True)
    plan_submitted_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    plan_submitted_by = relationship("User", foreign_keys=[plan_submitted_by_id])
    customer_told_at = Column(DateTime, nullable=True)

    # Urges (R-CS-5), the answer and closing
    urge_count = Column(Integer, nullable=False, default=0)
    last_urged_at = Column(DateTime, nullable=True)
    reply = Column(Text, nullable=True)
    handled_at = Column(DateTime, nullable=True)
    handled_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    handled_by = relationship("User", foreign_keys=[handled_by_id])
    closed_at = Column(DateTime, nullable=True)

    # One click into a work order or a complaint, keeping the link (R-CS-1)
    work_order_id = Column(Integer, ForeignKey("work_order.id"), nullable=True, index=True)
    work_order = relationship(WorkOrder, backref="service_records")
    complaint_id = Column(Integer, ForeignKey("complaint.id"), nullable=True, index=True)
    complaint = relationship(Complaint, backref="service_records")

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.estate_id.in_(scope.estate_ids) & or_(
            cls.department_id.in_(scope.department_ids),
            cls.registering_department_id.in_(scope.department_ids),
            cls.estate.has(Estate.office_id.in_(scope.managed_office_ids)))

    @property
    def kind_label(self) -> str:
        return choice_label(RECORD_KINDS, self.kind)

    @property
    def source_label(self) -> str:
        return choice_label(CONTACT_SOURCES, self.source)
