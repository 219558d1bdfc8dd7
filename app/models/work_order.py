"""Work orders (维修工单): a repair from the report to the filed form (R-WO-1..7).

The columns are what the paper repair form, dispatch slip and service slip carry; the
state moves only through the workflow declared in app/workflows/work_order.py.
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
    LargeBinary,
    Numeric,
    String,
    Text,
    or_,
)
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label, local_now
from app.models.org import Department, Estate, Unit
from app.models.resident import Resident

if TYPE_CHECKING:
    from app.security.scope import Scope

SOURCES = {
    "resident_phone": _l("Resident, by phone"),
    "resident_visit": _l("Resident, in person"),
    "staff": _l("Staff member"),
}
CATEGORIES = {
    "safety_facility": _l("Safety facility"),
    "water_leak": _l("Water leak"),
    "electrical": _l("Electrical"),
    "plumbing": _l("Plumbing"),
    "public_area": _l("Public area"),
    "doors_windows": _l("Doors and windows"),
    "other": _l("Other"),
}
PAYMENT_METHODS = {
    "cash": _l("Cash"), "wechat": _l("WeChat Pay"), "alipay": _l("Alipay"),
    "card": _l("Bank card"), "octopus": _l("Octopus"), "free": _l("No charge"),
}
SATISFACTION = {
    "very_satisfied": _l("Very satisfied"), "satisfied": _l("Satisfied"),
    "neutral": _l("Basically satisfied"), "dissatisfied": _l("Dissatisfied"),
}


class WorkOrder(DocumentMixin, TimestampMixin, Model):
    """One repair job. Visible to the estate's staff of the handling (engineering) and the
    registering (customer service) department, and to the technician it is dispatched to."""

    __tablename__ = "work_order"
    time_windows = {"reported_at": "past", "appointment_at": "ahead"}  # app.security.bounds
    masked_columns = {"contact_phone": "phone"}  # R-RES-2, see app.security.privacy
    __workflow__ = "work_order"
    # The queue by estate and state; the list's default order, newest first.
    __table_args__ = (Index("ix_work_order_queue", "estate_id", "state"),
                      Index("ix_work_order_reported", "reported_at", "id"))

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="registered")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    # Registration (报修单)
    source = Column(String(20), nullable=False, default="resident_phone")
    category = Column(String(20), nullable=False, default="other")
    emergency = Column(Boolean, nullable=False, default=False)
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True, index=True)
    unit = relationship(Unit)
    resident_id = Column(Integer, ForeignKey("resident.id"), nullable=True, index=True)
    resident = relationship(Resident)
    contact_name = Column(String(100), nullable=True)
    contact_phone = Column(String(40), nullable=True)
    location = Column(String(200), nullable=True)  # public area: where exactly
    description = Column(Text, nullable=False)
    reported_at = Column(DateTime, nullable=False, default=local_now)
    registered_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    registered_by = relationship("User", foreign_keys=[registered_by_id])
    registering_department_id = Column(Integer, ForeignKey("org_department.id"),
                                       nullable=True, index=True)
    registering_department = relationship(Department,
                                          foreign_keys=[registering_department_id])

    # Dispatch (派工)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True, index=True)
    department = relationship(Department, foreign_keys=[department_id])
    technician_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    technician = relationship("User", foreign_keys=[technician_id])
    dispatched_at = Column(DateTime, nullable=True)
    accepted_at = Column(DateTime, nullable=True)
    arrived_at = Column(DateTime, nullable=True)
    appointment_at = Column(DateTime, nullable=True)

    # On site: quote and consent (R-WO-3), not fixable now (R-WO-4)
    labour_hours = Column(Numeric(6, 2), nullable=True)
    materials = Column(Text, nullable=True)
    fee = Column(Numeric(10, 2), nullable=True)
    customer_consent = Column(Boolean, nullable=False, default=False)
    decline_reason = Column(Text, nullable=True)
    not_fixable_reason = Column(Text, nullable=True)

    # Done, accepted, paid (R-WO-5)
    work_done = Column(Text, nullable=True)
    completed_at = Column(DateTime, nullable=True)
    signed_by = Column(String(100), nullable=True)
    customer_accepted_at = Column(DateTime, nullable=True)
    satisfaction = Column(String(20), nullable=True)
    customer_remarks = Column(Text, nullable=True)
    amount_paid = Column(Numeric(10, 2), nullable=True)
    payment_method = Column(String(20), nullable=True)
    received_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    received_by = relationship("User", foreign_keys=[received_by_id])
    handed_to_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    handed_to = relationship("User", foreign_keys=[handed_to_id])
    paid_at = Column(DateTime, nullable=True)
    invoice_number = Column(String(40), nullable=True)
    invoice_issued_at = Column(DateTime, nullable=True)
    closed_at = Column(DateTime, nullable=True)
    cancel_reason = Column(Text, nullable=True)

    # Repair notice 維修通知單 (R-WO-6): signed by the CS supervisor; when Engineering cannot
    # come at once the supervisor sets the visit time and the agent tells the resident.
    notice_signed_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    notice_signed_by = relationship("User", foreign_keys=[notice_signed_by_id])
    notice_signed_at = Column(DateTime, nullable=True)
    notice_visit_at = Column(DateTime, nullable=True)
    resident_told_at = Column(DateTime, nullable=True)

    photos = relationship("WorkOrderPhoto", back_populates="work_order",
                          cascade="all, delete-orphan", order_by="WorkOrderPhoto.id")

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return or_(
            cls.estate_id.in_(scope.estate_ids) & (
                cls.department_id.in_(scope.department_ids)
                | cls.registering_department_id.in_(scope.department_ids)),
            cls.estate_id.in_(scope.estate_ids) & cls.estate.has(
                Estate.office_id.in_(scope.managed_office_ids)),
            cls.technician_id.in_(scope.me),
        )

    @property
    def category_label(self) -> str:
        return choice_label(CATEGORIES, self.category)

    @property
    def source_label(self) -> str:
        return choice_label(SOURCES, self.source)

    @property
    def satisfaction_label(self) -> str:
        return choice_label(SATISFACTION, self.satisfaction)

    @property
    def payment_method_label(self) -> str:
        return choice_label(PAYMENT_METHODS, self.payment_method)


class WorkOrderPhoto(Model):
    """A photo of the fault or of the result; stored in the database so that a backup is
    complete. Size and type are checked before it gets here (config PHOTO_*)."""

    __tablename__ = "work_order_photo"

    id = Column(Integer, primary_key=True)
    work_order_id = Column(Integer, ForeignKey("work_order.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    work_order = relationship(WorkOrder, back_populates="photos")
    filename = Column(String(200), nullable=False)
    content_type = Column(String(40), nullable=False)
    size = Column(Integer, nullable=False)
    data = Column(LargeBinary, nullable=False)
    uploaded_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    uploaded_at = Column(DateTime, nullable=False)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.work_order.has(WorkOrder.scope_clause(scope))
