"""Mail for residents (邮件收发, R-FD-5).

The gate guard brings the post or a courier's delivery to the service centre as a batch:
the guard counts and signs, the centre's agent counts face to face and signs (the counts
must agree). Each piece is registered for its addressee unit and waits at the centre until
the addressee, or a member of the household, signs for it personally: on the tablet's
signature pad (kept as a PNG image) or on the printed signing list. Staff never sign for a
resident. Pieces left uncollected are reminded once. Seen by the estate's office.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import deferred, relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label
from app.models.org import Estate, Unit
from app.models.resident import Resident

if TYPE_CHECKING:
    from app.security.scope import Scope

MAIL_SOURCES = {
    "post_office": _l("Post office"),
    "courier": _l("Courier company"),
    "other": _l("Other"),
}
MAIL_KINDS = {
    "letter": _l("Letter"),
    "registered": _l("Registered mail"),
    "parcel": _l("Parcel"),
    "express": _l("Express delivery"),
    "periodical": _l("Newspaper or magazine"),
}
SIGNED_ON = {
    "tablet": _l("Signed on the tablet"),
    "paper": _l("Signed on paper"),
}


class MailItem(DocumentMixin, TimestampMixin, Model):
    """One piece of mail for a unit, waiting at the service centre until its addressee
    (or a member of the household) signs for it."""

    __tablename__ = "mail_item"
    # The list, newest first; the uncollected pieces of an estate, oldest first.
    __table_args__ = (Index("ix_mail_item_created", "created_at", "id"),
                      Index("ix_mail_item_estate_state", "estate_id", "state", "created_at"))
    __workflow__ = "mail_item"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="waiting")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    batch_id = Column(Integer, ForeignKey("mail_batch.id"), nullable=False, index=True)
    batch = relationship("MailBatch", back_populates="items")
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False)
    estate = relationship(Estate)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False, index=True)
    unit = relationship(Unit)
    addressee_id = Column(Integer, ForeignKey("resident.id"), nullable=True, index=True)
    addressee = relationship(Resident, foreign_keys=[addressee_id])
    # As written on the envelope; filled from the addressee when left empty (never stays so).
    addressee_name = Column(String(100), nullable=True)
    kind = Column(String(20), nullable=False, default="letter")
    tracking_number = Column(String(60), nullable=True)
    registered_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    registered_by = relationship("User", foreign_keys=[registered_by_id])
    # The collection: always a resident of the unit, never a member of staff (R-FD-5).
    collector_id = Column(Integer, ForeignKey("resident.id"), nullable=True, index=True)
    collector = relationship(Resident, foreign_keys=[collector_id])
    collector_name = Column(String(100), nullable=True)
    signed_on = Column(String(10), nullable=True)
    signature_png = deferred(Column(LargeBinary, nullable=True))
    paper_sheet = Column(String(60), nullable=True)
    collected_at = Column(DateTime, nullable=True)
    handed_over_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    handed_over_by = relationship("User", foreign_keys=[handed_over_by_id])
    reminded_at = Column(DateTime, nullable=True)
    returned_at = Column(DateTime, nullable=True)

    @classmethod
    def scope_clause(cls, scope: Scope):
        return cls.estate_id.in_(scope.estate_ids)

    @property
    def kind_label(self) -> str:
        return choice_label(MAIL_KINDS, self.kind)

    @property
    def signed_on_label(self) -> str:
        return choice_label(SIGNED_ON, self.signed_on)

    @property
    def signature_ref(self) -> int | None:
        """The piece's id when a signature drawn on the tablet is kept (the detail page
        shows it from there), else None."""
        return self.id if self.signed_on == "tablet" else None


class MailBatch(DocumentMixin, TimestampMixin, Model):
    """What the gate guard brought to the service centre at one time, counted and signed
    for by both."""

    __tablename__ = "mail_batch"
    __table_args__ = (Index("ix_mail_batch_brought", "brought_at", "id"),)
    __workflow__ = "mail_batch"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="brought")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    source = Column(String(20), nullable=False, default="post_office")
    carrier = Column(String(100), nullable=True)  # the post office or courier company
    guard_count = Column(Integer, nullable=False)
    brought_at = Column(DateTime, nullable=False)
    brought_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    brought_by = relationship("User", foreign_keys=[brought_by_id])
    centre_count = Column(Integer, nullable=True)
    received_at = Column(DateTime, nullable=True)
    received_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    received_by = relationship("User", foreign_keys=[received_by_id])
    items = relationship(MailItem, back_populates="batch", order_by=MailItem.id)

    @classmethod
    def scope_clause(cls, scope: Scope):
        return cls.estate_id.in_(scope.estate_ids)

    @property
    def source_label(self) -> str:
        return choice_label(MAIL_SOURCES, self.source)
