"""What a satisfaction survey leads to once its answers are in (R-SV-8, R-SV-9):

* the open letter to residents (致业主的一封信) answering the concentrated issues, drafted
  by customer service or quality, approved by the management representative, posted, then
  sent with the statistics to Quality (R-SV-8);
* corrective actions (纠正措施), one per unsatisfied item of an estate, with an owner, a
  department and a due date; once corrected, a targeted revisit follows (R-SV-9).

Both are documents on the workflow engine (app/workflows/survey_follow_up.py) and are seen
by whoever sees their survey: its office and the estates it covers (R-ORG-4).
"""
from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import get_locale
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    select,
)
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin
from app.models.org import Department, Estate, Unit
from app.models.survey import Survey, item_label

if TYPE_CHECKING:
    from app.security.scope import Scope


def _surveys_in(scope: "Scope"):
    """Ids of the surveys `scope` sees (the survey's own scope clause)."""
    return select(Survey.id).where(Survey.scope_clause(scope))


class OpenLetter(DocumentMixin, TimestampMixin, Model):
    """The open letter to residents about a survey's concentrated issues (R-SV-8)."""

    __tablename__ = "survey_open_letter"
    __workflow__ = "survey_letter"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="draft")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    survey_id = Column(Integer, ForeignKey("survey.id"), nullable=False, index=True)
    survey = relationship(Survey, backref="open_letters")
    title = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    # The concentrated issues the letter answers, one a line; proposed from the results
    # when the letter is drafted, then the drafter's to edit.
    issues = Column(Text, nullable=True)
    drafted_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    drafted_by = relationship("User", foreign_keys=[drafted_by_id])
    submitted_at = Column(DateTime, nullable=True)
    approved_at = Column(DateTime, nullable=True)
    approved_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    posted_at = Column(DateTime, nullable=True)
    sent_to_quality_at = Column(DateTime, nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.survey_id.in_(_surveys_in(scope))

    @property
    def estate(self) -> Estate | None:
        """The survey's first estate: its calendar times the deadlines, its script and
        office head the printed letter."""
        return self.survey.estate if self.survey is not None else None

    @property
    def collection_closed_at(self) -> datetime | None:
        """R-SV-8: the letter is due within 2 weeks of the collection closing."""
        return self.survey.collection_closed_at if self.survey is not None else None

    @property
    def office(self):
        return self.survey.office if self.survey is not None else None


class CorrectiveAction(DocumentMixin, TimestampMixin, Model):
    """One unsatisfied item of one estate turned into a corrective action (R-SV-9)."""

    __tablename__ = "survey_corrective_action"
    __workflow__ = "survey_action"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="open")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    survey_id = Column(Integer, ForeignKey("survey.id"), nullable=False, index=True)
    survey = relationship(Survey, backref="corrective_actions")
    item_key = Column(String(40), nullable=False)
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True, index=True)
    unit = relationship(Unit)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=False,
                           index=True)
    department = relationship(Department, foreign_keys=[department_id])
    # The department of the person who raised it (Customer Service first): the revisit's.
    registering_department_id = Column(Integer, ForeignKey("org_department.id"),
                                       nullable=True, index=True)
    registering_department = relationship(Department,
                                          foreign_keys=[registering_department_id])
    owner_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    owner = relationship("User", foreign_keys=[owner_id])
    # The item's figures in the estate when the action was raised (from the results).
    unsatisfied = Column(Integer, nullable=True)
    rate = Column(String(40), nullable=True)  # exact decimal, as text
    issue = Column(Text, nullable=True)
    due_date = Column(Date, nullable=False)
    measure = Column(Text, nullable=True)
    corrected_at = Column(DateTime, nullable=True)
    verified_at = Column(DateTime, nullable=True)
    verified_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    verified_by = relationship("User", foreign_keys=[verified_by_id])
    raised_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    raised_by = relationship("User", foreign_keys=[raised_by_id])

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.survey_id.in_(_surveys_in(scope)) | cls.owner_id.in_(scope.me)

    @property
    def due_at(self) -> datetime | None:
        """The end of the due day: the deadline the owner was given."""
        return datetime.combine(self.due_date, time(23, 59)) if self.due_date else None

    @property
    def item_text(self) -> str:
        """The item's label in the reader's language."""
        return self.item_name(str(get_locale() or "zh_Hans"))

    def item_name(self, locale: str = "zh_Hans") -> str:
        items = {i["key"]: i for i in (self.survey.items or [])} if self.survey else {}
        item = items.get(self.item_key)
        return item_label(item, locale) if item else (self.item_key or "")
