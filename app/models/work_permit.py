"""Contractor work permits 工作證 (R-FD-3): a department of the estate's office asks for
work permits for a contractor's staff; Finance takes the fee, Security vets and fills the
permits, Customer Service stamps them, Administration laminates them and Customer Service
hands them out, all within 30 minutes.

One request lists one or more workers, each with the ID number and the photo the permit
card carries. ID numbers are private like phones (R-RES-2): masked for roles without the
right to read them, on every surface (app/security/privacy.py, kind "id_number").
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import deferred, relationship

from app.models.base import DocumentMixin, TimestampMixin
from app.models.org import Department, Estate

if TYPE_CHECKING:
    from app.security.scope import Scope


class WorkPermit(DocumentMixin, TimestampMixin, Model):
    """One request for work permits: the contractor, its staff, the fee and each step's
    time and person."""

    __tablename__ = "work_permit"
    # The list, newest first.
    __table_args__ = (Index("ix_work_permit_created", "created_at", "id"),)
    __workflow__ = "work_permit"
    masked_columns = {"person_in_charge_phone": "phone"}

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="draft")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    # The requesting department (R-FD-3 step 1): of the estate's office.
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True,
                           index=True)
    department = relationship(Department)
    company = Column(String(200), nullable=False)  # the contractor
    person_in_charge = Column(String(100), nullable=False)
    person_in_charge_phone = Column(String(40), nullable=True)
    work = Column(String(200), nullable=True)  # what they come to do, and where
    fee = Column(Numeric(12, 2), nullable=False)  # the production fee handed in (工本費)

    requested_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    submitted_at = Column(DateTime, nullable=True)
    receipt_number = Column(String(40), nullable=True)
    blank_permits = Column(Integer, nullable=True)
    fee_taken_at = Column(DateTime, nullable=True)
    fee_taken_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    fee_taken_by = relationship("User", foreign_keys=[fee_taken_by_id])
    valid_until = Column(Date, nullable=True)
    vetted_at = Column(DateTime, nullable=True)
    vetted_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    vetted_by = relationship("User", foreign_keys=[vetted_by_id])
    refused_at = Column(DateTime, nullable=True)
    refusal_reason = Column(Text, nullable=True)
    stamped_at = Column(DateTime, nullable=True)
    stamped_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    stamped_by = relationship("User", foreign_keys=[stamped_by_id])
    laminated_at = Column(DateTime, nullable=True)
    laminated_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    laminated_by = relationship("User", foreign_keys=[laminated_by_id])
    handed_to = Column(String(100), nullable=True)
    handed_out_at = Column(DateTime, nullable=True)
    handed_out_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    handed_out_by = relationship("User", foreign_keys=[handed_out_by_id])
    cancelled_at = Column(DateTime, nullable=True)
    remarks = Column(Text, nullable=True)

    workers = relationship("WorkPermitWorker", back_populates="permit",
                           cascade="all, delete-orphan", order_by="WorkPermitWorker.id")

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        """The estate's office sees its permits: the estates of the person's scope."""
        return cls.estate_id.in_(scope.estate_ids)

    @property
    def worker_count(self) -> int:
        return len(self.workers)

    @property
    def fee_text(self) -> str:
        """The fee in the estate's currency (yuan, or Hong Kong dollars in Hong Kong)."""
        from app.workflows.money import money_text
        return money_text(self.fee, getattr(self.estate, "currency", None))


class WorkPermitWorker(Model):
    """One worker of a request: what the permit card carries. The photo is stored in the
    database, like work-order photos, so that a backup is complete."""

    __tablename__ = "work_permit_worker"
    masked_columns = {"id_number": "id_number"}

    id = Column(Integer, primary_key=True)
    permit_id = Column(Integer, ForeignKey("work_permit.id", ondelete="CASCADE"),
                       nullable=False, index=True)
    permit = relationship(WorkPermit, back_populates="workers")
    name = Column(String(100), nullable=False)
    id_number = Column(String(30), nullable=False)
    card_number = Column(String(30), nullable=True)  # filled in by Security
    photo_filename = Column(String(200), nullable=False)
    photo_content_type = Column(String(40), nullable=False)
    photo_size = Column(Integer, nullable=False)
    photo_data = deferred(Column(LargeBinary, nullable=False))  # read when shown
    added_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    added_at = Column(DateTime, nullable=False)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.permit.has(WorkPermit.scope_clause(scope))

    def __repr__(self) -> str:
        return self.name or f"#{self.id}"
