"""Newspaper and magazine subscriptions taken by the service centre for residents (R-FD-4).

The front desk asks the title and the period, checks availability and the monthly price
with the post office or the supplier, has the resident sign a confirmation (at least one
month, charged monthly), gets a purchase requisition approved, orders and registers the
subscription by unit. A cancellation needs the resident's signed notice, the supplier told
in writing and the register marked. Seen by the estate's office (R-ORG-4).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from flask_appbuilder import Model
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
)
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin
from app.models.org import Estate, Unit
from app.models.resident import Resident

if TYPE_CHECKING:
    from app.security.scope import Scope

# R-FD-4: the shortest subscription is the setting newspaper.minimum_months (one month);
# the longest a safeguard against a mistyped period (five years).
MAXIMUM_MONTHS = 60


def period_end(starts_on: date | None, months: int | None) -> date | None:
    """The last day of a subscription of `months` months from `starts_on`."""
    if starts_on is None or not months or months < 1:
        return None
    return starts_on + relativedelta(months=months) - timedelta(days=1)


class NewspaperSubscription(DocumentMixin, TimestampMixin, Model):
    """One resident's subscription to one newspaper or magazine, from request to its end."""

    __tablename__ = "newspaper_subscription"
    __table_args__ = (
        Index("ix_newspaper_subscription_created", "created_at", "id"),  # the list
        Index("ix_newspaper_subscription_register", "unit_id", "starts_on"),  # by unit
    )
    __workflow__ = "newspaper_subscription"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="requested")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)  # the register's
    unit = relationship(Unit)
    resident_id = Column(Integer, ForeignKey("resident.id"), nullable=True, index=True)
    resident = relationship(Resident)
    subscriber = Column(String(100), nullable=True)  # who signs; the resident by default
    title = Column(String(200), nullable=False)  # the newspaper or magazine
    starts_on = Column(Date, nullable=False)
    months = Column(Integer, nullable=False, default=1)
    ends_on = Column(Date, nullable=False)
    supplier = Column(String(200), nullable=True)  # post office or supplier asked
    unit_price = Column(Numeric(12, 2), nullable=True)  # per month, as suppliers quote
    total = Column(Numeric(12, 2), nullable=True)  # months × unit price
    checked_at = Column(DateTime, nullable=True)
    checked_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    checked_by = relationship("User", foreign_keys=[checked_by_id])
    confirmation_signed_at = Column(DateTime, nullable=True)
    requisition_submitted_at = Column(DateTime, nullable=True)
    requisition_approved_at = Column(DateTime, nullable=True)
    requisition_approved_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True,
                                        index=True)
    requisition_approved_by = relationship("User", foreign_keys=[requisition_approved_by_id])
    ordered_at = Column(DateTime, nullable=True)
    order_reference = Column(String(100), nullable=True)  # receipt or fax confirming it
    registered_at = Column(DateTime, nullable=True)
    cancel_from = Column(Date, nullable=True)
    cancel_notice_signed_at = Column(DateTime, nullable=True)
    supplier_notified_on = Column(Date, nullable=True)
    supplier_notice_reference = Column(String(100), nullable=True)
    register_marked_at = Column(DateTime, nullable=True)
    ended_at = Column(DateTime, nullable=True)
    handled_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    handled_by = relationship("User", foreign_keys=[handled_by_id])

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        """The estate's office sees its subscriptions."""
        return cls.estate_id.in_(scope.estate_ids)

    @property
    def computed_total(self) -> Decimal | None:
        """What the period costs at the checked price (months × monthly price)."""
        if self.unit_price is None or not self.months:
            return None
        return (Decimal(self.unit_price) * self.months).quantize(Decimal("0.01"))
