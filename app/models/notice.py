"""Notices to residents (物业服务信息告知, R-CS-8): what a management office publishes to the
residents of an estate — the service content, the service and complaint hotline, paid
services and their fees, the company's commitments, estate rules, the fee accounts.

Each is approved before it is published and carries the hotline. A published notice is
changed by drafting its next edition, which replaces it once published: every edition is
kept, each pointing at the one it replaced. Seen by the estate's office (R-ORG-4).
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
    String,
    Text,
    select,
)
from sqlalchemy.orm import object_session, relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label
from app.models.org import Department, Estate

if TYPE_CHECKING:
    from app.security.scope import Scope

# R-CS-8 (seed 000 篇2 §4.1 a–f): what a notice tells the residents.
NOTICE_KINDS = {
    "service_content": _l("Service content and responsibilities"),
    "contact": _l("Service and complaint hotline, contacts"),
    "paid_services": _l("Paid services and fees"),
    "commitments": _l("Service commitments"),
    "estate_rules": _l("Estate rules"),
    "fee_accounts": _l("Income and spending of the service fee"),
}
# How it reaches them (§4.2).
NOTICE_CHANNELS = {
    "notice_board": _l("Notice board"),
    "household": _l("To every household"),
    "signboard": _l("Signboard at a fixed place"),
    "broadcast": _l("Broadcast or estate website"),
    "oral": _l("Told in person"),
}


class Notice(DocumentMixin, TimestampMixin, Model):
    """One edition of a notice to the residents of an estate."""

    __tablename__ = "notice"
    # The list, newest first.
    __table_args__ = (Index("ix_notice_created", "created_at", "id"),)
    __workflow__ = "notice"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="draft")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True,
                           index=True)
    department = relationship(Department)  # the drafter's: responsible for the notice
    kind = Column(String(30), nullable=False, default="service_content")
    channel = Column(String(30), nullable=False, default="notice_board")
    title = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    hotline = Column(String(40), nullable=True)  # R-CS-8: printed on every notice
    edition = Column(Integer, nullable=False, default=1)
    previous_id = Column(Integer, ForeignKey("notice.id"), nullable=True, index=True)
    previous = relationship("Notice", remote_side=[id], foreign_keys=[previous_id])
    drafted_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    drafted_by = relationship("User", foreign_keys=[drafted_by_id])
    submitted_at = Column(DateTime, nullable=True)
    approved_at = Column(DateTime, nullable=True)
    approved_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    published_at = Column(DateTime, nullable=True)
    withdrawn_at = Column(DateTime, nullable=True)
    replaced_at = Column(DateTime, nullable=True)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        """The estate's office sees its notices: the estates of the person's scope."""
        return cls.estate_id.in_(scope.estate_ids)

    @property
    def kind_label(self) -> str:
        return choice_label(NOTICE_KINDS, self.kind)

    @property
    def channel_label(self) -> str:
        return choice_label(NOTICE_CHANNELS, self.channel)

    @property
    def next_edition(self) -> "Notice | None":
        """The newest edition drafted from this one (where "new edition" lands)."""
        session = object_session(self)
        if session is None or self.id is None:
            return None
        return session.scalar(select(Notice).where(Notice.previous_id == self.id)
                              .order_by(Notice.id.desc()))
