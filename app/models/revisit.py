"""Revisits (回访, R-RV, R-WO-7), the routine revisit schedules and the rectification
notices revisits issue.

A revisit is created by the document it follows up (a completed repair, a handled complaint,
a register entry), by a routine schedule (office director household visits, property
officers by area, the residents' forum, R-RV-1) or for a new resident; its `subject` says
which (R-RV-1). It is due by a deadline policy and assigned so that each role meets its
share of repair revisits (office director 10 %, CS supervisor 30 %, repair lead 60 %, data
in Settings). The record (R-RV-2): mode, time, revisitor, content, feedback, satisfaction,
and for a question that cannot be answered at once a promised reply time. A revisit that
finds a problem issues a rectification notice to the technician, reopens the complaint, or
for a routine revisit spawns a new work order (R-WO-7, R-RV-3).
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
    Table,
    Text,
    and_,
    or_,
)
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label
from app.models.org import Building, Department, Estate, Office, Unit
from app.models.resident import Resident
from app.models.work_order import SATISFACTION, WorkOrder

if TYPE_CHECKING:
    from app.security.scope import Scope

MODES = {"phone": _l("Phone"), "visit": _l("Visit"), "letter": _l("Letter"),
         "online": _l("Online")}
# What a revisit follows up (R-RV-1). Revisits without a source document (routine visits,
# new residents, the forum) spawn a new work order when they find a problem (R-RV-3).
SUBJECTS = {
    "repair": _l("Repair"), "complaint": _l("Complaint"),
    "service_record": _l("Customer-service entry"),
    "corrective_action": _l("Survey corrective action"),
    "new_resident": _l("New resident"),
    "routine_director": _l("Office director household visit"),
    "routine_officer": _l("Property officer area visit"),
    "forum": _l("Residents' forum"),
}
ROUTINE_SUBJECTS = ("routine_director", "routine_officer", "forum", "new_resident")
REVISIT_ROLES = {"office_director": _l("Office director"),
                 "cs_supervisor": _l("CS supervisor"), "repair_lead": _l("Repair lead"),
                 "property_officer": _l("Property officer")}


class Revisit(DocumentMixin, TimestampMixin, Model):
    __tablename__ = "revisit"
    __workflow__ = "revisit"
    __table_args__ = (Index("ix_revisit_subject_unit", "subject", "unit_id"),)

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="due")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    work_order_id = Column(Integer, ForeignKey("work_order.id"), nullable=True, index=True)
    work_order = relationship(WorkOrder, foreign_keys=[work_order_id], backref="revisits")
    # A revisit follows a repair (R-WO-7), a complaint (R-CP-7) or a register entry (R-CS-6).
    complaint_id = Column(Integer, ForeignKey("complaint.id"), nullable=True, index=True)
    complaint = relationship("Complaint", backref="revisits")
    service_record_id = Column(Integer, ForeignKey("service_record.id"), nullable=True,
                               index=True)
    service_record = relationship("ServiceRecord", backref="revisits")
    corrective_action_id = Column(Integer, ForeignKey("survey_corrective_action.id"),
                                  nullable=True, index=True)
    corrective_action = relationship("CorrectiveAction", backref="revisits")
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True, index=True)
    unit = relationship(Unit)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True, index=True)
    department = relationship(Department)
    assigned_role = Column(String(20), nullable=False)
    assignee_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    assignee = relationship("User", foreign_keys=[assignee_id])
    due_at = Column(DateTime, nullable=True, index=True)
    subject = Column(String(20), nullable=False, default="repair")
    # Routine revisits: the schedule and period that made it, once per unit (R-RV-1).
    schedule_id = Column(Integer, ForeignKey("revisit_schedule.id"), nullable=True, index=True)
    schedule = relationship("RevisitSchedule", back_populates="revisits")
    period = Column(String(10), nullable=True)  # "2026-03", "2026-Q2"
    routine_key = Column(String(80), nullable=True, unique=True)
    resident_id = Column(Integer, ForeignKey("resident.id"), nullable=True, index=True)
    resident = relationship(Resident)
    # The work order a problem found on a routine revisit spawned (R-RV-3).
    new_work_order_id = Column(Integer, ForeignKey("work_order.id"), nullable=True, index=True)
    new_work_order = relationship(WorkOrder, foreign_keys=[new_work_order_id])

    mode = Column(String(10), nullable=True)
    revisited_at = Column(DateTime, nullable=True)
    revisitee = Column(String(100), nullable=True)  # who answered and signed
    repair_checked = Column(Boolean, nullable=False, default=False)
    charge_verified = Column(Boolean, nullable=False, default=False)
    feedback = Column(Text, nullable=True)
    suggestions = Column(Text, nullable=True)
    satisfaction = Column(String(20), nullable=True)
    problem = Column(Text, nullable=True)
    # The record (R-RV-2): who revisited, what was discussed, a promised reply.
    revisitor_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    revisitor = relationship("User", foreign_keys=[revisitor_id])
    content = Column(Text, nullable=True)
    open_question = Column(Text, nullable=True)
    promised_reply_at = Column(DateTime, nullable=True)
    reply = Column(Text, nullable=True)
    replied_at = Column(DateTime, nullable=True)

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

    @property
    def subject_label(self) -> str:
        return choice_label(SUBJECTS, self.subject)


SCHEDULE_KINDS = {
    "director": _l("Office director household visits"),
    "officer": _l("Property officer area visits"),
    "forum": _l("Residents' forum"),
}
SUBJECT_OF_KIND = {"director": "routine_director", "officer": "routine_officer",
                   "forum": "forum"}

schedule_buildings = Table(
    "revisit_schedule_building", Model.metadata,
    Column("schedule_id", Integer, ForeignKey("revisit_schedule.id", ondelete="CASCADE"),
           primary_key=True),
    Column("building_id", Integer, ForeignKey("org_building.id"), primary_key=True,
           index=True),
)


class RevisitSchedule(TimestampMixin, Model):
    """A routine revisit plan (R-RV-1): office director household visits (a yearly count
    per household, for an estate or a whole office), a property officer's quarterly visits
    of an area (an estate, optionally some of its buildings), or the residents' forum of an
    estate each quarter. A periodic job turns it into revisit tasks."""

    __tablename__ = "revisit_schedule"

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)
    office_id = Column(Integer, ForeignKey("org_office.id"), nullable=True, index=True)
    office = relationship(Office)
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=True, index=True)
    estate = relationship(Estate)
    buildings = relationship(Building, secondary=schedule_buildings)
    person_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    person = relationship("User", foreign_keys=[person_id])
    yearly_count = Column(Integer, nullable=False, default=1)
    active = Column(Boolean, nullable=False, default=True)
    note = Column(String(300), nullable=True)
    revisits = relationship(Revisit, back_populates="schedule")

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        """An estate's schedule with the estate; an office-wide one with the offices the
        reader manages (an office director sees only their offices' schedules)."""
        return or_(cls.estate_id.in_(scope.estate_ids),
                   and_(cls.estate_id.is_(None), cls.office_id.in_(scope.managed_office_ids)))

    @property
    def kind_label(self) -> str:
        return choice_label(SCHEDULE_KINDS, self.kind)

    @property
    def subject(self) -> str:
        return SUBJECT_OF_KIND.get(self.kind, "routine_officer")

    @property
    def area_label(self) -> str:
        place = self.estate.name if self.estate else (self.office.name if self.office else "")
        if self.buildings:
            place += ": " + ", ".join(b.name for b in self.buildings)
        return place

    def __repr__(self) -> str:
        return f"{self.kind_label} {self.area_label}".strip()


class RectificationNotice(DocumentMixin, TimestampMixin, Model):
    """Written rectification notice (整改通知) to the technician, due within 24 hours."""

    __tablename__ = "rectification_notice"
    __table_args__ = (Index("ix_rectification_notice_issued", "issued_at", "id"),)  # the list
    __workflow__ = "rectification"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="issued")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    revisit_id = Column(Integer, ForeignKey("revisit.id"), nullable=False, index=True)
    revisit = relationship(Revisit, backref="rectifications")
    work_order_id = Column(Integer, ForeignKey("work_order.id"), nullable=True, index=True)
    work_order = relationship(WorkOrder)
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True, index=True)
    department = relationship(Department)
    technician_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    technician = relationship("User", foreign_keys=[technician_id])
    issued_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
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
