"""Residents of a unit (R-RES-1): owners, tenants, family members, shop tenants."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Integer, String, select
from sqlalchemy.orm import relationship

from app.models.base import TimestampMixin, choice_label
from app.models.org import Building, Unit
from app.security.privacy import mask_phone

if TYPE_CHECKING:
    from app.security.scope import Scope

SOURCES = {
    "sales": _l("From Sales before move-in"),
    "move_in": _l("Added at move-in"),
}

RELATIONS = {
    "owner": _l("Owner"),
    "tenant": _l("Tenant"),
    "family": _l("Family member"),
    "shop_tenant": _l("Shop tenant"),
}


class Resident(TimestampMixin, Model):
    """A person living in or trading from a unit. Personal data: see R-RES-2."""

    __tablename__ = "resident"
    # R-RES-2, see app.security.privacy: ID numbers as ID numbers, wherever they appear.
    masked_columns = {"phone": "phone", "id_number": "id_number"}

    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False, index=True)
    unit = relationship(Unit, backref="residents")
    name = Column(String(100), nullable=False, index=True)
    relation = Column(String(20), nullable=False, default="owner")
    phone = Column(String(40), nullable=True, index=True)
    company_name = Column(String(200), nullable=True)
    move_in_date = Column(Date, nullable=True)
    move_out_date = Column(Date, nullable=True)
    notes = Column(String(500), nullable=True)
    # R-FD-2: household members reported by Sales before move-in ("sales"), or found
    # missing at move-in ("move_in"); empty for residents registered otherwise.
    source = Column(String(20), nullable=True)
    kinship = Column(String(20), nullable=True)  # as Sales wrote it: 配偶, 子女…
    id_number = Column(String(40), nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.unit_id.in_(
            select(Unit.id).join(Building).where(Building.estate_id.in_(scope.estate_ids)))

    @property
    def relation_label(self) -> str:
        return choice_label(RELATIONS, self.relation)

    @property
    def source_label(self) -> str:
        return choice_label(SOURCES, self.source)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    def __repr__(self) -> str:
        return self.name
