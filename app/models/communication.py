"""Monthly communication reports (沟通信息报告, R-CS-7): what each management level heard
from customers in a month and what it suggests.

Every month each level — company leaders, department heads, the office director and the
office's professional supervisors — files a report. The office director summarises the
office's reports, Quality the company's (leaders and department heads), adding suggestions
of their own; leadership then records a decision on every suggestion: rejected, act now
or act later. "Act now" opens an improvement action for a department, with a due date the
deadline engine watches.

Who sees what (R-ORG-4): a report is read by its author and by the director of its office;
reports of the company and department levels — the ones Quality summarises — by everyone
who may read reports in their office. Summaries are read in their office (the company's
summary by all who may read summaries); improvement actions by their department and
office.
"""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
    select,
)
from sqlalchemy.orm import object_session, relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label
from app.models.org import Department, Estate, Office

if TYPE_CHECKING:
    from app.security.scope import Scope

# The management levels that file a report every month (seed 000 篇2 §6.1 a).
LEVELS = {
    "company": _l("Company leadership"),
    "department": _l("Department head"),
    "office": _l("Head of the management office"),
    "supervisor": _l("Supervisor of the management office"),
}
# Who summarises which levels (§6.2): the office director the office's, Quality the company's.
SUMMARY_KINDS = {"office": _l("The office's reports"), "company": _l("The company's reports")}
LEVELS_OF_SUMMARY = {"office": ("office", "supervisor"), "company": ("company", "department")}
# Leadership's decision on each suggestion (§6.2).
DECISIONS = {
    "rejected": _l("Rejected"),
    "act_now": _l("Act now"),
    "act_later": _l("Act later, when the time is right"),
}
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_start(month: str) -> date:
    """The first day of a "2026-11" month (checked by the workflow before it is stored)."""
    year, number = MONTH.match(month).groups()
    return date(int(year), int(number), 1)


class CommunicationReport(DocumentMixin, TimestampMixin, Model):
    """One person's communication report for one month."""

    __tablename__ = "communication_report"
    __table_args__ = (
        UniqueConstraint("author_id", "month", name="uq_communication_report_author_month"),
        Index("ix_communication_report_month", "month", "id"),
    )
    __workflow__ = "communication_report"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="draft")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    month = Column(String(7), nullable=False)  # "2026-11"
    level = Column(String(20), nullable=False, default="supervisor")
    author_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    author = relationship("User", foreign_keys=[author_id])
    office_id = Column(Integer, ForeignKey("org_office.id"), nullable=True, index=True)
    office = relationship(Office)  # none for the company's leaders
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True,
                           index=True)
    department = relationship(Department)
    customers_contacted = Column(Integer, nullable=False, default=0)
    ways = Column(String(200), nullable=True)  # visits, forums, calls…
    opinions = Column(Text, nullable=False)  # what customers said
    suggestions_text = Column(Text, nullable=True)  # one suggestion a line
    filed_at = Column(DateTime, nullable=True)
    summary_id = Column(Integer, ForeignKey("communication_summary.id"), nullable=True,
                        index=True)
    summary = relationship("CommunicationSummary", foreign_keys=[summary_id],
                           back_populates="reports")

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        own = cls.author_id.in_(scope.me)
        directed = cls.office_id.in_(scope.managed_office_ids)
        summarised_by_quality = and_(cls.level.in_(LEVELS_OF_SUMMARY["company"]),
                                     or_(cls.office_id.is_(None),
                                         cls.office_id.in_(scope.office_ids)))
        return or_(own, directed, summarised_by_quality)

    estate = None  # an office's (or the company's), not an estate's: shown without one

    @property
    def level_label(self) -> str:
        return choice_label(LEVELS, self.level)

    @property
    def suggestion_lines(self) -> list[str]:
        return [line.strip() for line in (self.suggestions_text or "").splitlines()
                if line.strip()]


class CommunicationSummary(DocumentMixin, TimestampMixin, Model):
    """A month's summary of reports with the suggestions leadership decides on."""

    __tablename__ = "communication_summary"
    __table_args__ = (Index("ix_communication_summary_month", "month", "id"),)
    __workflow__ = "communication_summary"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="draft")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    month = Column(String(7), nullable=False)
    kind = Column(String(20), nullable=False, default="office")
    office_id = Column(Integer, ForeignKey("org_office.id"), nullable=True, index=True)
    office = relationship(Office)  # none for the company's summary
    author_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    author = relationship("User", foreign_keys=[author_id])
    analysis = Column(Text, nullable=False)
    proposals = Column(Text, nullable=True)  # the summariser's own suggestions, one a line
    submitted_at = Column(DateTime, nullable=True)
    decided_at = Column(DateTime, nullable=True)
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    reports = relationship(CommunicationReport, foreign_keys=[CommunicationReport.summary_id],
                           back_populates="summary", order_by=CommunicationReport.id)
    suggestions = relationship("Suggestion", back_populates="summary",
                               order_by="Suggestion.id")

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return or_(cls.office_id.in_(scope.office_ids), cls.office_id.is_(None))

    estate = None  # an office's (or the company's), not an estate's: shown without one

    @property
    def kind_label(self) -> str:
        return choice_label(SUMMARY_KINDS, self.kind)

    @property
    def proposal_lines(self) -> list[str]:
        return [line.strip() for line in (self.proposals or "").splitlines() if line.strip()]

    @property
    def undecided(self) -> list["Suggestion"]:
        return [s for s in self.suggestions if s.decision is None]


class Suggestion(TimestampMixin, Model):
    """One suggestion of a report or of the summariser, and leadership's decision on it."""

    __tablename__ = "communication_suggestion"

    id = Column(Integer, primary_key=True)
    summary_id = Column(Integer, ForeignKey("communication_summary.id"), nullable=False,
                        index=True)
    summary = relationship(CommunicationSummary, back_populates="suggestions")
    report_id = Column(Integer, ForeignKey("communication_report.id"), nullable=True,
                       index=True)  # none: the summariser's own
    report = relationship(CommunicationReport)
    text = Column(Text, nullable=False)
    decision = Column(String(20), nullable=True)
    note = Column(Text, nullable=True)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True,
                           index=True)  # who acts, when leadership says act now
    department = relationship(Department)
    due_date = Column(Date, nullable=True)
    reconsider_on = Column(Date, nullable=True)  # act later: when to look at it again
    decided_at = Column(DateTime, nullable=True)
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.summary_id.in_(select(CommunicationSummary.id).where(
            CommunicationSummary.scope_clause(scope)))

    @property
    def decision_label(self) -> str:
        return choice_label(DECISIONS, self.decision) if self.decision else ""


class ImprovementAction(DocumentMixin, TimestampMixin, Model):
    """Work leadership ordered on a suggestion ("act now"): a department carries it out by
    the due date, the summariser verifies it."""

    __tablename__ = "improvement_action"
    __table_args__ = (Index("ix_improvement_action_created", "created_at", "id"),)
    __workflow__ = "improvement_action"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="open")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    suggestion_id = Column(Integer, ForeignKey("communication_suggestion.id"), nullable=False,
                           index=True)
    suggestion = relationship(Suggestion, backref="actions")
    summary_id = Column(Integer, ForeignKey("communication_summary.id"), nullable=False,
                        index=True)
    summary = relationship(CommunicationSummary)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=False,
                           index=True)
    department = relationship(Department)
    task = Column(Text, nullable=False)
    due_at = Column(DateTime, nullable=False)  # the end of the due date leadership set
    measure = Column(Text, nullable=True)
    done_at = Column(DateTime, nullable=True)
    done_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    done_by = relationship("User", foreign_keys=[done_by_id])
    verified_at = Column(DateTime, nullable=True)
    verified_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    verified_by = relationship("User", foreign_keys=[verified_by_id])

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        """The department that acts (its office's director included), and whoever wrote
        the summary: Quality verifies the work its company summary led to."""
        summarised = select(CommunicationSummary.id).where(
            CommunicationSummary.author_id.in_(scope.me))
        return or_(cls.department_id.in_(scope.department_ids),
                   cls.summary_id.in_(summarised))

    @property
    def estate(self) -> Estate | None:
        """The deadline engine reads the working-day calendar's region and the office to
        escalate to through an estate: the first estate of the acting department's office
        stands for the office (its estates share region and director)."""
        session = object_session(self)
        if session is None or self.department_id is None:
            return None
        office_id = session.scalar(select(Department.office_id)
                                   .where(Department.id == self.department_id))
        return session.scalar(select(Estate).where(Estate.office_id == office_id)
                              .order_by(Estate.id).limit(1))
