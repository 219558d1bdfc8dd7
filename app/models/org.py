"""Organisation tree (R-ORG-1, R-ORG-2): company -> branch -> office -> estate -> building
-> unit, and the departments of each office."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import relationship

from app.models.base import TimestampMixin, choice_label

if TYPE_CHECKING:
    from app.security.scope import Scope

COMPLAINT_POLICIES = {
    "default": _l("Standard procedure (same day / 2 days / 3 days)"),
    "ordinary_serious": _l("Ordinary and serious complaints (1 day / 3 days / 48 hours)"),
    "vanke": _l("Three classes, response within 8 working hours"),
    "reply_24h": _l("Reply within 24 hours"),
}
REGIONS = {"mainland": _l("Mainland China"), "hong_kong": _l("Hong Kong")}
# Money of an estate: yuan on the mainland, Hong Kong dollars in Hong Kong (amounts of
# fees, payments and claims are in the estate's currency).
CURRENCIES = {"CNY": _l("Yuan (CNY)"), "HKD": _l("Hong Kong dollars (HKD)")}
REGION_CURRENCY = {"mainland": "CNY", "hong_kong": "HKD"}


def _currency_of_region(context) -> str:
    return REGION_CURRENCY.get(context.get_current_parameters().get("region"), "CNY")


SCRIPTS = {"zh_Hans": _l("Simplified Chinese"), "zh_Hant": _l("Traditional Chinese")}
ESTATE_KINDS = {
    "residential": _l("Residential estate"),
    "office_tower": _l("Office tower"),
    "shopping_centre": _l("Shopping centre"),
}
DEPARTMENT_KINDS = {
    "customer_service": _l("Customer Service"),
    "engineering": _l("Engineering (M&E)"),
    "environment": _l("Environment"),
    "security": _l("Security department"),
    "finance": _l("Finance"),
    "quality": _l("Quality"),
    "administration": _l("Administration department"),
    "marketing": _l("Marketing"),
}


class Company(TimestampMixin, Model):
    """Management company (管理公司): the root of the tree, reference data for everyone."""

    __tablename__ = "org_company"
    scope_global = True

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    hotline = Column(String(40), nullable=False, default="")
    # Which complaint procedure the company follows (RULES.md §5: the default and presets).
    complaint_policy = Column(String(20), nullable=False, default="default",
                              server_default="default")

    @property
    def complaint_policy_label(self) -> str:
        return choice_label(COMPLAINT_POLICIES, self.complaint_policy)

    def __repr__(self) -> str:
        return self.name


class Branch(TimestampMixin, Model):
    """Branch company (物业分公司)."""

    __tablename__ = "org_branch"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id = Column(Integer, primary_key=True)
    company_id = Column(Integer, ForeignKey("org_company.id"), nullable=False)
    company = relationship(Company, backref="branches")
    name = Column(String(200), nullable=False)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.id.in_(select(Office.branch_id).where(Office.id.in_(scope.office_ids)))

    def __repr__(self) -> str:
        return self.name


class Office(TimestampMixin, Model):
    """Management office (管理处 / 项目部): runs one or more estates and owns departments."""

    __tablename__ = "org_office"
    __table_args__ = (UniqueConstraint("branch_id", "name"),)

    id = Column(Integer, primary_key=True)
    branch_id = Column(Integer, ForeignKey("org_branch.id"), nullable=False)
    branch = relationship(Branch, backref="offices")
    name = Column(String(200), nullable=False)
    phone = Column(String(40), nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.id.in_(scope.office_ids)

    def __repr__(self) -> str:
        return self.name


class Estate(TimestampMixin, Model):
    """Estate (小区 / 大厦 / 购物中心). Move-in date and households drive survey rules."""

    __tablename__ = "org_estate"

    id = Column(Integer, primary_key=True)
    office_id = Column(Integer, ForeignKey("org_office.id"), nullable=False, index=True)
    office = relationship(Office, backref="estates")
    code = Column(String(20), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    kind = Column(String(20), nullable=False, default="residential")
    region = Column(String(20), nullable=False, default="mainland")
    script = Column(String(10), nullable=False, default="zh_Hans")
    currency = Column(String(3), nullable=False, default=_currency_of_region,
                      server_default="CNY")
    address = Column(String(300), nullable=True)
    move_in_date = Column(Date, nullable=True)
    household_count = Column(Integer, nullable=False, default=0)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.id.in_(scope.estate_ids)

    @property
    def kind_label(self) -> str:
        return choice_label(ESTATE_KINDS, self.kind)

    @property
    def region_label(self) -> str:
        return choice_label(REGIONS, self.region)

    @property
    def currency_label(self) -> str:
        return choice_label(CURRENCIES, self.currency)

    def __repr__(self) -> str:
        return self.name


class Building(TimestampMixin, Model):
    """Building (楼栋 / 大廈 / 座) of an estate."""

    __tablename__ = "org_building"
    __table_args__ = (UniqueConstraint("estate_id", "name"),)
    display_loads = ("estate",)  # what __repr__ reads, loaded with a list's rows

    id = Column(Integer, primary_key=True)
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False)
    estate = relationship(Estate, backref="buildings")
    name = Column(String(100), nullable=False)
    floors = Column(Integer, nullable=False, default=1)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.estate_id.in_(scope.estate_ids)

    def __repr__(self) -> str:
        return f"{self.estate} {self.name}" if self.estate else self.name


class Unit(TimestampMixin, Model):
    """Unit (单元 / 單位): a flat, an office suite or a shop."""

    __tablename__ = "org_unit"
    __table_args__ = (UniqueConstraint("building_id", "number"),)
    display_loads = ("building",)  # what __repr__ reads, loaded with a list's rows

    id = Column(Integer, primary_key=True)
    building_id = Column(Integer, ForeignKey("org_building.id"), nullable=False, index=True)
    building = relationship(Building, backref="units")
    number = Column(String(40), nullable=False)
    floor = Column(Integer, nullable=True)
    area_m2 = Column(Integer, nullable=True)
    occupied = Column(Boolean, nullable=False, default=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.building_id.in_(
            select(Building.id).where(Building.estate_id.in_(scope.estate_ids)))

    @property
    def estate(self) -> Estate | None:
        return self.building.estate if self.building else None

    def __repr__(self) -> str:
        return f"{self.building} {self.number}" if self.building else self.number


class Department(TimestampMixin, Model):
    """Department (部门) of an office: the owner of a queue (R-ORG-2)."""

    __tablename__ = "org_department"
    __table_args__ = (UniqueConstraint("office_id", "kind", "name"),)

    id = Column(Integer, primary_key=True)
    office_id = Column(Integer, ForeignKey("org_office.id"), nullable=False)
    office = relationship(Office, backref="departments")
    kind = Column(String(30), nullable=False)
    name = Column(String(200), nullable=False)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.id.in_(scope.department_ids)

    @property
    def kind_label(self) -> str:
        return choice_label(DEPARTMENT_KINDS, self.kind)

    def __repr__(self) -> str:
        return f"{self.office} · {self.name}" if self.office else self.name
