"""Complaints (投诉, R-CP-1..9), collective cases and the director's daily sign-off.

A complaint records what the paper complaint register (投诉信息登记表) carries: when and
where it happened, who or which department it is about, what happened, what the customer
wants and how to reach them (R-CP-1); an immediate reply or an agreed reply time (R-CP-2);
then the supervisor's classification (R-CP-3, R-CP-4). Its state moves only through
app/workflows/complaint.py. Complaint content and the complainant's contact are private
(R-RES-2): visible within scope, phones masked for roles that do not need them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    or_,
)
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label, local_now
from app.models.org import Department, Estate, Office, Unit
from app.models.resident import Resident

if TYPE_CHECKING:
    from app.security.scope import Scope

# Where a contact came from (R-CS-1): the register and complaints share them.
CONTACT_SOURCES = {
    "visit": _l("Visit"), "phone": _l("Phone call"), "letter": _l("Letter"),
    "relay": _l("Entrusted relay"), "higher_authority": _l("Referred by a higher authority"),
    "online": _l("Online"),
}
# The matter a complaint is about: complaints of one estate on the same matter at the same
# time are detected as a collective case (R-CP-4 e).
MATTERS = {
    "repairs": _l("Repairs and maintenance"), "water_power": _l("Water and power supply"),
    "lifts": _l("Lifts"), "cleaning": _l("Cleaning and greening"),
    "security": _l("Security and access"), "parking": _l("Parking"),
    "noise": _l("Noise and neighbours"), "fees": _l("Fees and charges"),
    "staff": _l("Staff attitude"), "building_quality": _l("Building quality"),
    "public_facilities": _l("Public facilities"), "other": _l("Other"),
}
CLASSES = {
    "major": _l("Major complaint"), "general": _l("General complaint"),
    "no_responsibility": _l("No-responsibility complaint"),
    "assist": _l("Assist complaint"),
}
# R-CP-4: any of these makes a responsible complaint major.
MAJOR_CRITERIA = {
    "a": _l("(a) Promised or contracted service not delivered, raised repeatedly"),
    "b": _l("(b) Major economic loss or personal injury caused by the company"),
    "c": _l("(c) Not reasonably resolved within one month"),
    "d": _l("(d) Taken up by a government body or exposed by the media"),
    "e": _l("(e) Collective: five or more households on the same matter"),
}
ASSIST_SCOPES = {"inside": _l("Inside the estate"), "outside": _l("Outside the estate")}


class Complaint(DocumentMixin, TimestampMixin, Model):
    """One complaint, from registration to the customer's satisfaction (R-CP-7)."""

    __tablename__ = "complaint"
    time_windows = {"event_time": "past", "received_at": "past", "agreed_reply_at": "ahead",
                    "customer_requested_by": "ahead", "site_visit_at": "ahead"}
    masked_columns = {"complainant_phone": "phone"}  # R-RES-2, see app.security.privacy
    __workflow__ = "complaint"
    # Collective detection (R-CP-4); the list's default order, newest first.
    __table_args__ = (Index("ix_complaint_collective", "estate_id", "matter", "received_at"),
                      Index("ix_complaint_received", "received_at", "id"))

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="registered")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    # Registration (R-CP-1)
    source = Column(String(20), nullable=False, default="phone")
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True, index=True)
    unit = relationship(Unit)
    resident_id = Column(Integer, ForeignKey("resident.id"), nullable=True, index=True)
    resident = relationship(Resident)
    complainant_name = Column(String(100), nullable=False)
    complainant_phone = Column(String(40), nullable=False)
    event_time = Column(DateTime, nullable=False)
    event_place = Column(String(200), nullable=False)
    subject = Column(String(200), nullable=False)  # the person or department complained about
    subject_department_id = Column(Integer, ForeignKey("org_department.id"),
                                   nullable=True, index=True)
    subject_department = relationship(Department, foreign_keys=[subject_department_id])
    matter = Column(String(30), nullable=False, default="other")
    description = Column(Text, nullable=False)  # what happened
    customer_request = Column(Text, nullable=False)  # what the customer wants
    received_at = Column(DateTime, nullable=False, default=local_now)
    received_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    received_by = relationship("User", foreign_keys=[received_by_id])
    registering_department_id = Column(Integer, ForeignKey("org_department.id"),
                                       nullable=True, index=True)
    registering_department = relationship(Department,
                                          foreign_keys=[registering_department_id])
    # R-CP-2: an immediate reply, or a reply time agreed with the complainant.
    immediate_reply = Column(Text, nullable=True)
    agreed_reply_at = Column(DateTime, nullable=True)
    customer_requested_by = Column(DateTime, nullable=True)  # general: the customer's date

    # Transfer to the responsible person (投诉处理回单)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True, index=True)
    department = relationship(Department, foreign_keys=[department_id])
    handler_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    handler = relationship("User", foreign_keys=[handler_id])
    transferred_at = Column(DateTime, nullable=True)

    # Classification (R-CP-3, R-CP-4)
    complaint_class = Column(String(20), nullable=True)
    class_reason = Column(Text, nullable=True)
    major_criteria = Column(String(20), nullable=True)  # e.g. "a,d"
    assist_scope = Column(String(10), nullable=True)
    developer_caused = Column(Boolean, nullable=False, default=False)
    classified_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    classified_by = relationship("User", foreign_keys=[classified_by_id])
    classified_at = Column(DateTime, nullable=True)
    collective = Column(Boolean, nullable=False, default=False)
    auto_upgraded_at = Column(DateTime, nullable=True)
    gm_received_at = Column(DateTime, nullable=True)  # major: in the GM's hands (R-CP-5)
    gm_received_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    gm_received_by = relationship("User", foreign_keys=[gm_received_by_id])

    # Replies, site visits, developer follow-up (R-CP-2, R-CP-9, R-CP-3)
    replied_at = Column(DateTime, nullable=True)
    reply = Column(Text, nullable=True)
    site_visit_at = Column(DateTime, nullable=True)  # committed by a supervisor only
    resident_told_at = Column(DateTime, nullable=True)
    forwarded_to_developer_at = Column(DateTime, nullable=True)
    developer_followup = Column(Text, nullable=True)

    # Handling and closing (R-CP-7)
    result = Column(Text, nullable=True)
    resolved_at = Column(DateTime, nullable=True)
    resolved_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
    reopened_count = Column(Integer, nullable=False, default=0)
    closed_at = Column(DateTime, nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        in_estate = cls.estate_id.in_(scope.estate_ids)
        return or_(
            in_estate & (cls.department_id.in_(scope.department_ids)
                         | cls.registering_department_id.in_(scope.department_ids)
                         | cls.subject_department_id.in_(scope.department_ids)
                         | cls.estate.has(Estate.office_id.in_(scope.managed_office_ids))),
            cls.handler_id.in_(scope.me),
        )

    @property
    def class_label(self) -> str:
        return choice_label(CLASSES, self.complaint_class)

    @property
    def matter_label(self) -> str:
        return choice_label(MATTERS, self.matter)

    @property
    def source_label(self) -> str:
        return choice_label(CONTACT_SOURCES, self.source)

    @property
    def assist_scope_label(self) -> str:
        return choice_label(ASSIST_SCOPES, self.assist_scope)

    @property
    def criteria_labels(self) -> str:
        codes = [c for c in (self.major_criteria or "").split(",") if c]
        return "; ".join(choice_label(MAJOR_CRITERIA, c) for c in codes)


collective_members = Table(
    "collective_case_complaint", Model.metadata,
    Column("case_id", Integer, ForeignKey("collective_case.id", ondelete="CASCADE"),
           primary_key=True),
    Column("complaint_id", Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
           primary_key=True, index=True),  # a complaint's cases, by the complaint
)


class CollectiveCase(DocumentMixin, TimestampMixin, Model):
    """Complaints of five or more households of one estate on the same matter within the
    configured window, proposed as one collective (major) case (R-CP-4 e); a supervisor
    confirms or dismisses the proposal."""

    __tablename__ = "collective_case"
    __table_args__ = (Index("ix_collective_case_detected", "detected_at", "id"),)  # the list
    __workflow__ = "collective_case"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(20), nullable=False, default="proposed")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True, index=True)
    department = relationship(Department)
    matter = Column(String(30), nullable=False)
    detected_at = Column(DateTime, nullable=False)
    household_count = Column(Integer, nullable=False)
    complaints = relationship(Complaint, secondary=collective_members,
                              order_by=Complaint.received_at)
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    decided_at = Column(DateTime, nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.estate_id.in_(scope.estate_ids) & (
            cls.department_id.in_(scope.department_ids)
            | cls.estate.has(Estate.office_id.in_(scope.managed_office_ids)))

    @property
    def matter_label(self) -> str:
        return choice_label(MATTERS, self.matter)


class RegisterSignOff(Model):
    """The office director's daily sign-off of the complaint register (R-CP-6)."""

    __tablename__ = "complaint_register_signoff"
    __table_args__ = (UniqueConstraint("office_id", "day", name="uq_signoff_office_day"),)

    id = Column(Integer, primary_key=True)
    office_id = Column(Integer, ForeignKey("org_office.id"), nullable=False)
    office = relationship(Office)
    day = Column(Date, nullable=False)
    complaint_count = Column(Integer, nullable=False, default=0)
    signed_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    signed_by = relationship("User", foreign_keys=[signed_by_id])
    signed_at = Column(DateTime, nullable=False)
    remark = Column(String(500), nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.office_id.in_(scope.office_ids)
