"""Telephone installation for shopping-centre tenants (电话安装业务登记表, R-FD-6).

Path A (``bureau``): the tenant applies at the telecom bureau and pays its initial fee
there (recorded, not collected by us), hands a copy of the registration form to its
department, pays materials and labour to Finance and gives the copies and the receipt to
the electricians, who install once the bureau's line reaches the building.
Path B (``centre``): the tenant buys a line the centre applied for: a written application
signed by its department's manager, a copy to General Affairs, the initial fee plus
materials and labour paid to Finance, the receipt to General Affairs, then the
electricians install. The amounts are settings; each registration keeps the ones it was
given. Seen by the estate's office (R-ORG-4).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label
from app.models.org import Department, Estate, Unit

if TYPE_CHECKING:
    from app.security.scope import Scope

PATHS = {
    "bureau": _l("Tenant applies at the telecom bureau"),
    "centre": _l("Tenant buys a line the centre applied for"),
}


class PhoneInstallation(DocumentMixin, TimestampMixin, Model):
    """One tenant's telephone line, from registration to installation."""

    __tablename__ = "phone_installation"
    __table_args__ = (Index("ix_phone_installation_created", "created_at", "id"),)
    __workflow__ = "phone_installation"
    masked_columns = {"contact_phone": "phone"}  # R-RES-2, see app.security.privacy

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="registered")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False, index=True)
    unit = relationship(Unit)  # the shop or counter
    # The tenant's own department in the centre (所属部门): its manager signs path B.
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=False,
                           index=True)
    department = relationship(Department)
    tenant = Column(String(200), nullable=False)  # the shop or brand (厂家)
    contact = Column(String(100), nullable=False)
    contact_phone = Column(String(40), nullable=True)
    path = Column(String(10), nullable=False, default="bureau")
    # The amounts of the settings when it was registered (R-FD-6).
    bureau_fee = Column(Numeric(12, 2), nullable=True)  # A: paid at the bureau
    initial_fee = Column(Numeric(12, 2), nullable=True)  # B: part of the centre's fee
    materials_fee = Column(Numeric(12, 2), nullable=False)  # materials and labour
    fee_due = Column(Numeric(12, 2), nullable=False)  # what Finance takes
    bureau_applied_at = Column(DateTime, nullable=True)
    bureau_receipt = Column(String(100), nullable=True)
    application_signed_at = Column(DateTime, nullable=True)
    application_signed_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True,
                                      index=True)
    application_signed_by = relationship("User", foreign_keys=[application_signed_by_id])
    filed_at = Column(DateTime, nullable=True)  # B: the copy with General Affairs
    receipt_number = Column(String(40), nullable=True)
    amount_paid = Column(Numeric(12, 2), nullable=True)
    paid_at = Column(DateTime, nullable=True)
    received_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    received_by = relationship("User", foreign_keys=[received_by_id])
    handed_over_at = Column(DateTime, nullable=True)  # A: copies and receipt to electricians
    receipt_filed_at = Column(DateTime, nullable=True)  # B: receipt to General Affairs
    line_ready_at = Column(DateTime, nullable=True)
    installed_at = Column(DateTime, nullable=True)
    installed_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    installed_by = relationship("User", foreign_keys=[installed_by_id])
    registered_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    registered_by = relationship("User", foreign_keys=[registered_by_id])

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        """The estate's office sees its tenants' installations."""
        return cls.estate_id.in_(scope.estate_ids)

    @property
    def path_label(self) -> str:
        return choice_label(PATHS, self.path)
