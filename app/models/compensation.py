"""Compensation claims, house return and exchange (R-CO-1..5), their evidence, and the
approval routing rules as data.

A claim hangs on its complaint. Customer Service gathers evidence and fills the complaint
handling form (投诉处理单) with a proposal; liability may be the contractor's, the
company's, the developer's or split between them, with the contractor's written
acknowledgement (or the supervising engineer's). Who reviews and who approves follows
`ApprovalRule` rows (seeded with R-CO-2..4: contractor up to 20,000 and company up to
10,000 yuan by the CS centre manager; above that reviewed by the manager and approved by
the deputy general manager; developer-related forwarded to the developer). States move
only through app/workflows/compensation.py.
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
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    or_,
    select,
)
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin, choice_label
from app.models.complaint import Complaint
from app.models.org import Department, Estate

if TYPE_CHECKING:
    from app.security.scope import Scope

CLAIM_KINDS = {"compensation": _l("Compensation"), "house_return": _l("House return"),
               "house_exchange": _l("House exchange")}
LIABILITIES = {"contractor": _l("Contractor"), "company": _l("Company"),
               "developer": _l("Developer"), "split": _l("Split")}
ACKNOWLEDGED_BY = {"contractor": _l("The contractor, in writing"),
                   "supervising_engineer": _l("The supervising engineer")}
EVIDENCE_KINDS = {"evidence": _l("Evidence"), "acknowledgement": _l("Written acknowledgement"),
                  "quality_station": _l("Quality supervision station confirmation")}
MONEY = Numeric(12, 2)
HOUSE_KINDS = ("house_return", "house_exchange")
PART_LIABILITIES = ("contractor", "company", "developer")  # the liable parts of a claim
PART_ATTRS = {"contractor": "contractor_amount", "company": "company_amount",
              "developer": "developer_amount"}


class CompensationClaim(DocumentMixin, TimestampMixin, Model):
    __tablename__ = "compensation_claim"
    masked_columns = {"claimant_phone": "phone"}  # R-RES-2, see app.security.privacy
    __workflow__ = "compensation"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(30), nullable=False, default="draft")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    kind = Column(String(20), nullable=False, default="compensation")
    complaint_id = Column(Integer, ForeignKey("complaint.id"), nullable=False, index=True)
    complaint = relationship(Complaint, backref="claims")
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True, index=True)
    department = relationship(Department)
    claimant_name = Column(String(100), nullable=False)
    claimant_phone = Column(String(40), nullable=True)
    loss_description = Column(Text, nullable=False)
    proposal = Column(Text, nullable=False)

    # Liability and amounts, exact decimals in yuan (R-CO-2..4)
    liability = Column(String(20), nullable=False, default="company")
    contractor_name = Column(String(200), nullable=True)
    contractor_amount = Column(MONEY, nullable=False, default=Decimal("0"))
    company_amount = Column(MONEY, nullable=False, default=Decimal("0"))
    developer_amount = Column(MONEY, nullable=False, default=Decimal("0"))
    amount = Column(MONEY, nullable=False)
    acknowledged_by = Column(String(30), nullable=True)
    acknowledged_by_name = Column(String(100), nullable=True)
    acknowledged_at = Column(DateTime, nullable=True)

    raised_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    submitted_at = Column(DateTime, nullable=True)
    # The route decided from ApprovalRule when submitted: role names, empty when none.
    reviewer_role = Column(String(60), nullable=True)
    approver_role = Column(String(60), nullable=True)
    reviewed_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    reviewed_at = Column(DateTime, nullable=True)
    approved_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    approved_at = Column(DateTime, nullable=True)
    rejected_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    rejected_by = relationship("User", foreign_keys=[rejected_by_id])
    rejected_at = Column(DateTime, nullable=True)
    rejection_reason = Column(Text, nullable=True)
    forwarded_to_developer_at = Column(DateTime, nullable=True)
    developer_reply = Column(Text, nullable=True)

    # Payment
    paid_amount = Column(MONEY, nullable=True)
    payment_method = Column(String(20), nullable=True)
    paid_at = Column(DateTime, nullable=True)
    payment_recorded_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    payment_recorded_by = relationship("User", foreign_keys=[payment_recorded_by_id])

    # House return or exchange (R-CO-5)
    quality_station_confirmed_at = Column(DateTime, nullable=True)
    quality_station_reference = Column(String(100), nullable=True)
    marketing_done_at = Column(DateTime, nullable=True)
    marketing_done_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    marketing_done_by = relationship("User", foreign_keys=[marketing_done_by_id])
    service_done_at = Column(DateTime, nullable=True)
    service_done_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    service_done_by = relationship("User", foreign_keys=[service_done_by_id])
    closed_at = Column(DateTime, nullable=True)

    evidence = relationship("CompensationEvidence", back_populates="claim",
                            cascade="all, delete-orphan", order_by="CompensationEvidence.id")

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        # A house return or exchange is processed by Marketing and Customer Service
        # together (R-CO-5): the office's Marketing department sees it too.
        marketing_offices = select(Department.office_id).where(
            Department.id.in_(scope.department_ids), Department.kind == "marketing")
        return or_(
            cls.estate_id.in_(scope.estate_ids) & (
                cls.department_id.in_(scope.department_ids)
                | cls.estate.has(Estate.office_id.in_(scope.managed_office_ids))
                | (cls.kind.in_(("house_return", "house_exchange"))
                   & cls.estate.has(Estate.office_id.in_(marketing_offices)))),
            cls.raised_by_id.in_(scope.me),
        )

    @property
    def kind_label(self) -> str:
        return choice_label(CLAIM_KINDS, self.kind)

    @property
    def liability_label(self) -> str:
        return choice_label(LIABILITIES, self.liability)


class CompensationEvidence(Model):
    """A file backing a claim: evidence, the written acknowledgement, the quality station's
    confirmation. Stored in the database so that a backup is complete."""

    __tablename__ = "compensation_evidence"

    id = Column(Integer, primary_key=True)
    claim_id = Column(Integer, ForeignKey("compensation_claim.id", ondelete="CASCADE"),
                      nullable=False, index=True)
    claim = relationship(CompensationClaim, back_populates="evidence")
    kind = Column(String(20), nullable=False, default="evidence")
    filename = Column(String(200), nullable=False)
    content_type = Column(String(60), nullable=False)
    size = Column(Integer, nullable=False)
    data = Column(LargeBinary, nullable=False)
    uploaded_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    uploaded_at = Column(DateTime, nullable=False)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        return cls.claim.has(CompensationClaim.scope_clause(scope))

    @property
    def kind_label(self) -> str:
        return choice_label(EVIDENCE_KINDS, self.kind)


class ApprovalRule(TimestampMixin, Model):
    """Who decides a liable part of a claim, by liability and amount (R-CO-2..4).

    For a part of `liability` the rule with the smallest `max_amount` at or above the part
    applies (an empty `max_amount` has no upper bound). `reviewer_role` reviews first when
    set; `approver_role` approves; `forward_to_developer` sends the part to the developer.
    """

    __tablename__ = "compensation_approval_rule"
    scope_global = True  # company-wide data; only admins hold write permission

    id = Column(Integer, primary_key=True)
    liability = Column(String(20), nullable=False, index=True)  # routing reads by liability
    max_amount = Column(MONEY, nullable=True)
    reviewer_role = Column(String(60), nullable=True)
    approver_role = Column(String(60), nullable=True)
    forward_to_developer = Column(Boolean, nullable=False, default=False)
    rule = Column(String(20), nullable=True)

    @property
    def liability_label(self) -> str:
        return choice_label(LIABILITIES, self.liability)

    def __repr__(self) -> str:
        limit = f"≤ {self.max_amount}" if self.max_amount is not None else "any amount"
        return f"{self.liability} {limit}"
