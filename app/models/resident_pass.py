"""Resident passes 業戶證 (R-FD-2): the passes of one household, made before move-in from the
members Sales reported, handed over and signed for at move-in, kept track of until the
household moves out.

A `HouseholdPass` is the household's document (one per unit and move-in); each physical pass
is a `PassCard` with a number unique in its estate, the member it is made for, whether it is
free or charged, and what became of it (handed over, lost, returned). The free allowance
and the fee of a charged pass are settings read when the document is opened and kept on
it, so a printed sign-off sheet always adds up. Seen by the estate's office (R-ORG-4).
"""
from __future__ import annotations

from decimal import Decimal
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
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label
from app.models.org import Estate, Unit
from app.models.resident import Resident

if TYPE_CHECKING:
    from app.security.scope import Scope

CARD_STATES = {
    "made": _l("Made, not yet handed over"),
    "issued": _l("Handed over"),
    "lost": _l("Lost"),
    "returned": _l("Returned"),
    "void": _l("Void"),
}
# Passes a resident holds (lost and returned ones no longer open the gate).
HELD = ("made", "issued")


class HouseholdPass(DocumentMixin, TimestampMixin, Model):
    """The resident passes of one household (unit) from move-in to move-out."""

    __tablename__ = "household_pass"
    # The list, newest first.
    __table_args__ = (Index("ix_household_pass_created", "created_at", "id"),)
    __workflow__ = "household_pass"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="draft")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False, index=True)
    unit = relationship(Unit)
    # The rule's numbers as they stood when the document was opened (settings).
    free_per_member = Column(Integer, nullable=False, default=3)
    fee_each = Column(Numeric(12, 2), nullable=False, default=Decimal(50))
    receipt_number = Column(String(40), nullable=True)  # the latest receipt Finance issued
    prepared_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    prepared_by = relationship("User", foreign_keys=[prepared_by_id])
    ready_at = Column(DateTime, nullable=True)
    paid_at = Column(DateTime, nullable=True)
    signed_by = Column(String(100), nullable=True)  # the resident who signed the sheet
    issued_at = Column(DateTime, nullable=True)
    issued_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    closed_at = Column(DateTime, nullable=True)

    cards = relationship("PassCard", back_populates="household_pass",
                         order_by="PassCard.id", cascade="all, delete-orphan")

    @classmethod
    def scope_clause(cls, scope: Scope):
        """The estate's office sees its households' passes."""
        return cls.estate_id.in_(scope.estate_ids)

    @property
    def live_cards(self) -> list[PassCard]:
        return [card for card in self.cards if card.state != "void"]

    @property
    def charged_count(self) -> int:
        return sum(1 for card in self.live_cards if card.charged)

    @property
    def free_count(self) -> int:
        return sum(1 for card in self.live_cards if not card.charged)

    @property
    def amount(self) -> Decimal:
        """What the household pays for its charged passes."""
        return sum((card.fee for card in self.live_cards if card.charged), Decimal("0.00"))

    @property
    def fee_text(self) -> str:
        """The fee of an extra pass in the estate's currency."""
        from app.workflows.money import money_text
        return money_text(self.fee_each, self.estate.currency if self.estate else None)

    @property
    def amount_text(self) -> str:
        from app.workflows.money import money_text
        return money_text(self.amount, self.estate.currency if self.estate else None)

    @property
    def unpaid_amount(self) -> Decimal:
        return sum((card.fee for card in self.live_cards
                    if card.charged and not card.receipt_number), Decimal("0.00"))


class PassCard(TimestampMixin, Model):
    """One resident pass: its number in the estate, whose it is, free or charged."""

    __tablename__ = "pass_card"
    __table_args__ = (UniqueConstraint("estate_id", "number", name="uq_pass_card_number"),)

    id = Column(Integer, primary_key=True)
    household_pass_id = Column(Integer, ForeignKey("household_pass.id"), nullable=False,
                               index=True)
    household_pass = relationship(HouseholdPass, back_populates="cards")
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    number = Column(String(30), nullable=False)
    resident_id = Column(Integer, ForeignKey("resident.id"), nullable=False, index=True)
    resident = relationship(Resident)
    charged = Column(Boolean, nullable=False, default=False)
    fee = Column(Numeric(12, 2), nullable=False, default=Decimal("0.00"))
    receipt_number = Column(String(40), nullable=True)
    state = Column(String(20), nullable=False, default="made")
    replaces_id = Column(Integer, ForeignKey("pass_card.id"), nullable=True, index=True)
    replaces = relationship("PassCard", remote_side=[id])
    made_at = Column(DateTime, nullable=True)
    issued_at = Column(DateTime, nullable=True)
    lost_at = Column(DateTime, nullable=True)
    returned_at = Column(DateTime, nullable=True)

    @classmethod
    def scope_clause(cls, scope: Scope):
        return cls.estate_id.in_(scope.estate_ids)

    @property
    def state_label(self) -> str:
        return choice_label(CARD_STATES, self.state)

    @property
    def fee_text(self) -> str:
        """The fee in the estate's currency; empty for a free pass."""
        from app.workflows.money import money_text
        doc = self.household_pass
        return money_text(self.fee, doc.estate.currency) if self.charged and doc else ""

    def __repr__(self) -> str:
        return self.number
