"""Satisfaction surveys (顾客满意度调查, R-SV): the questionnaire, the survey itself, the
estates it covers with their sample sizes, and one questionnaire copy per sampled household.

A survey keeps the questionnaire items it was approved with (`items`, a copy): editing the
questionnaire afterwards gives it a new version and never changes a running survey (R-SV-6).
Each household's copy carries a unique code, printed as text and QR code, by which paper
answers are entered and online answers are made (R-SV-4).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label
from app.models.org import Estate, Office, Unit
from app.models.resident import Resident

if TYPE_CHECKING:
    from app.security.scope import Scope

SURVEY_KINDS = {"unified": _l("Unified (by the company)"),
                "outsourced": _l("Outsourced (third party)"),
                "independent": _l("Independent (by a branch)")}
PRESETS = {"default": _l("Company procedure"), "iso": _l("ISO procedure")}
METHODS = {"questionnaire": _l("Questionnaire"), "interview": _l("Interview"),
           "phone": _l("Telephone"), "online": _l("Online")}
CHANNELS = {"paper": _l("Paper"), "online": _l("Online")}
FORM_STATES = {"issued": _l("Issued"), "returned": _l("Returned")}

# R-SV-6: the default items of a new questionnaire, in three languages.
DEFAULT_ITEMS = (
    {"key": "power", "en": "Power supply", "zh_Hans": "供电", "zh_Hant": "供電"},
    {"key": "water", "en": "Water supply", "zh_Hans": "供水", "zh_Hant": "供水"},
    {"key": "security", "en": "Fire and public security", "zh_Hans": "消防治安",
     "zh_Hant": "消防治安"},
    {"key": "sanitation", "en": "Sanitation", "zh_Hans": "卫生", "zh_Hant": "衛生"},
    {"key": "greening", "en": "Greening", "zh_Hans": "绿化", "zh_Hant": "綠化"},
    {"key": "facilities", "en": "Public facilities", "zh_Hans": "公共设施",
     "zh_Hant": "公共設施"},
    {"key": "repair", "en": "Repair service", "zh_Hans": "维修服务", "zh_Hant": "維修服務"},
    {"key": "attitude", "en": "Service attitude", "zh_Hans": "服务态度",
     "zh_Hant": "服務態度"},
)


def item_label(item: dict, locale: str) -> str:
    """An item's label in `locale` (zh_Hans, zh_Hant, en), falling back to Chinese."""
    return item.get(locale) or item.get("zh_Hans") or item.get("en") or item["key"]


class Questionnaire(TimestampMixin, Model):
    """The items residents rate (R-SV-6); an admin edits them, each edit is a new version."""

    __tablename__ = "survey_questionnaire"
    scope_global = True  # company-wide reference data; editing is a permission

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    version = Column(Integer, nullable=False, default=1)
    items = Column(JSON, nullable=False, default=lambda: [dict(i) for i in DEFAULT_ITEMS])

    def __repr__(self) -> str:
        return f"{self.name} v{self.version}"


class Survey(DocumentMixin, TimestampMixin, Model):
    """One satisfaction survey of an office's estates, from plan to report (R-SV-1..7)."""

    __tablename__ = "survey"
    __workflow__ = "survey"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="draft")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    title = Column(String(200), nullable=False)
    kind = Column(String(20), nullable=False, default="independent")
    preset = Column(String(10), nullable=False, default="default")
    office_id = Column(Integer, ForeignKey("org_office.id"), nullable=False, index=True)
    office = relationship(Office)
    purpose = Column(Text, nullable=False)
    method = Column(String(20), nullable=False, default="questionnaire")
    period_start = Column(Date, nullable=False)
    period_end = Column(Date, nullable=False)
    staff = Column(Text, nullable=True)
    statistics_method = Column(Text, nullable=True)
    support_work = Column(Text, nullable=True)
    questionnaire_id = Column(Integer, ForeignKey("survey_questionnaire.id"), nullable=False,
                              index=True)
    questionnaire = relationship(Questionnaire)
    estates = relationship(Estate, secondary="survey_estate", order_by=Estate.name)
    # The items as approved (R-SV-6: a running survey keeps its questionnaire).
    items = Column(JSON, nullable=True)
    questionnaire_version = Column(Integer, nullable=True)
    drafted_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    drafted_by = relationship("User", foreign_keys=[drafted_by_id])
    submitted_at = Column(DateTime, nullable=True)
    reviewed_at = Column(DateTime, nullable=True)
    approved_at = Column(DateTime, nullable=True)
    approved_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    # Sampling (R-SV-3): the seed reproduces the sample.
    forms_received_at = Column(DateTime, nullable=True)
    seed = Column(Integer, nullable=True)
    distributed_at = Column(DateTime, nullable=True)
    collection_closed_at = Column(DateTime, nullable=True)
    scored_at = Column(DateTime, nullable=True)
    overall_rate = Column(String(40), nullable=True)  # exact decimal, as text
    results = Column(JSON, nullable=True)  # per item and estate, computed at scoring
    analysis = Column(Text, nullable=True)
    improvements = Column(Text, nullable=True)
    reported_at = Column(DateTime, nullable=True)
    closed_at = Column(DateTime, nullable=True)

    # The report's comparisons: the latest scored survey per office in a year (R-SV-7).
    __table_args__ = (Index("ix_survey_state_period", "state", "period_start"),
                      Index("ix_survey_closed", "closed_at"))  # the archive, by age

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.office_id.in_(scope.office_ids) | cls.id.in_(
            select(SurveyEstate.survey_id).where(SurveyEstate.estate_id.in_(scope.estate_ids)))

    @property
    def estate(self) -> Estate | None:
        """The first estate covered: its calendar times the survey's deadlines and its
        office director hears of them."""
        return self.estates[0] if self.estates else None

    @property
    def kind_label(self) -> str:
        return choice_label(SURVEY_KINDS, self.kind)

    @property
    def preset_label(self) -> str:
        return choice_label(PRESETS, self.preset)

    @property
    def method_label(self) -> str:
        return choice_label(METHODS, self.method)


class SurveyEstate(Model):
    """An estate a survey covers, with the figures its sample size came from (R-SV-3)."""

    __tablename__ = "survey_estate"
    __table_args__ = (UniqueConstraint("survey_id", "estate_id"),)

    id = Column(Integer, primary_key=True)
    survey_id = Column(Integer, ForeignKey("survey.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    survey = relationship(Survey, viewonly=True)
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate, viewonly=True)
    # Filled when the sample is drawn (the rows themselves come from Survey.estates).
    households = Column(Integer, nullable=True)
    occupied_units = Column(Integer, nullable=True)
    required = Column(Integer, nullable=True)
    sampled = Column(Integer, nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.estate_id.in_(scope.estate_ids) | cls.survey.has(
            Survey.office_id.in_(scope.office_ids))

    def __repr__(self) -> str:
        return str(self.estate) if self.estate else f"#{self.estate_id}"


class SurveyForm(Model):
    """One sampled household's questionnaire: its code, and its answers once returned."""

    __tablename__ = "survey_form"
    __table_args__ = (UniqueConstraint("survey_id", "unit_id"),
                      Index("ix_survey_form_survey_state", "survey_id", "state"))
    masked_columns = {"resident_phone": "phone"}

    id = Column(Integer, primary_key=True)
    survey_id = Column(Integer, ForeignKey("survey.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    survey = relationship(Survey, backref="forms")
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False, index=True)
    unit = relationship(Unit)
    resident_id = Column(Integer, ForeignKey("resident.id"), nullable=True, index=True)
    resident = relationship(Resident)
    code = Column(String(16), nullable=False, unique=True)
    state = Column(String(10), nullable=False, default="issued")
    channel = Column(String(10), nullable=True)
    answers = Column(JSON, nullable=True)
    feedback = Column(Text, nullable=True)
    returned_at = Column(DateTime, nullable=True)
    entered_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    entered_by = relationship("User", foreign_keys=[entered_by_id])

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.estate_id.in_(scope.estate_ids) | cls.survey.has(
            Survey.office_id.in_(scope.office_ids))

    @property
    def resident_phone(self) -> str | None:
        return self.resident.phone if self.resident else None

    @property
    def state_label(self) -> str:
        return choice_label(FORM_STATES, self.state)

    @property
    def channel_label(self) -> str:
        return choice_label(CHANNELS, self.channel)

    def __repr__(self) -> str:
        return self.code
