"""Visitors at the gate (来访人士接待, R-FD-1): the gate guard asks the visitor's name and
calls the service centre; the centre checks with the resident or the department visited
and answers; the guard admits the visitor or turns them away. Every step's time is kept,
and the day's visitors of an estate make its visitor log. Seen by the estate's office.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label
from app.models.org import Department, Estate, Unit

if TYPE_CHECKING:
    from app.security.scope import Scope

# What the guard picks at the gate: a short list, one tap each.
VISIT_PURPOSES = {
    "visit": _l("Visiting a resident"),
    "delivery": _l("Delivery"),
    "repair": _l("Repair or installation"),
    "business": _l("Business with the office"),
    "moving": _l("Moving in or out"),
    "other": _l("Other"),
}


class Visitor(DocumentMixin, TimestampMixin, Model):
    """One visitor (or a party of visitors) at an estate's gate, from the guard's call to
    the centre until they are admitted, turned away or have left."""

    __tablename__ = "visitor"
    # The list, newest call first; an estate's visitor log of one day.
    __table_args__ = (Index("ix_visitor_called", "called_at", "id"),
                      Index("ix_visitor_estate_called", "estate_id", "called_at"))
    __workflow__ = "visitor"
    # An ID card or a car plate, read in full by the gate and the service centre only
    # (app.security.privacy), on every surface.
    masked_columns = {"id_or_plate": "id_number"}

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="called")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False)
    estate = relationship(Estate)
    visitor_name = Column(String(100), nullable=False)
    party_size = Column(Integer, nullable=False, default=1)
    purpose = Column(String(30), nullable=False, default="visit")
    id_or_plate = Column(String(40), nullable=True)  # ID card or car plate, when shown
    # Whom they visit: a unit (its residents), or a department of the office.
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True, index=True)
    unit = relationship(Unit)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True,
                           index=True)
    department = relationship(Department)
    called_at = Column(DateTime, nullable=False)  # the guard's call to the centre
    called_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    called_by = relationship("User", foreign_keys=[called_by_id])
    answered_at = Column(DateTime, nullable=True)
    answered_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    answered_by = relationship("User", foreign_keys=[answered_by_id])
    checked_with = Column(String(100), nullable=True)  # the resident or colleague asked
    refusal_reason = Column(String(200), nullable=True)
    admitted_at = Column(DateTime, nullable=True)
    turned_away_at = Column(DateTime, nullable=True)
    gate_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    gate_by = relationship("User", foreign_keys=[gate_by_id])
    left_at = Column(DateTime, nullable=True)

    @classmethod
    def scope_clause(cls, scope: Scope):
        """The estate's office sees its gate: the estates of the person's scope."""
        return cls.estate_id.in_(scope.estate_ids)

    @property
    def purpose_label(self) -> str:
        return choice_label(VISIT_PURPOSES, self.purpose)

    @property
    def whom(self) -> str:
        """Whom the visitor came to see, as the log reads it."""
        parts = []
        if self.unit is not None:
            building = self.unit.building
            parts.append(f"{building.name} {self.unit.number}" if building else
                         self.unit.number)
        if self.department is not None:
            parts.append(self.department.name)
        return " · ".join(parts)
