"""Complaint statistics (R-CP-8, R-RV-4): monthly per management office, quarterly per
branch — complaints by class, processing rate, processing timeliness rate, revisit rate
(target 100 %) and the valid-complaint rate against households (target at most 1 %).

Counted over complaints received in the period, inside the reader's scope:
* processed: resolved or closed;
* timely: class deadlines (`cp.major`, `cp.general`, `cp.no_responsibility`,
  `cp.assist_*`) met without a breach, out of those met or breached;
* revisited: resolved complaints with a recorded revisit;
* valid: responsible complaints (major and general) per household of the estates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Branch,
    Complaint,
    DeadlinePolicy,
    DeadlineTimer,
    Estate,
    Office,
    Revisit,
)
from app.security.scope import Scope, apply_scope

CLASS_POLICIES = ("cp.major", "cp.general", "cp.no_responsibility", "cp.assist_inside",
                  "cp.assist_outside")
REVISIT_TARGET = Decimal("100")
VALID_RATE_TARGET = Decimal("1")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """A month ("2026-11") or a quarter ("2026-Q4")."""

    start: date
    end: date  # exclusive
    label: str
    quarterly: bool

    @classmethod
    def parse(cls, text: str) -> "Period":
        text = (text or "").strip().upper()
        month = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        quarter = re.fullmatch(r"(\d{4})-Q([1-4])", text)
        if month and 1 <= int(month.group(2)) <= 12:
            year, number = int(month.group(1)), int(month.group(2))
            start = date(year, number, 1)
            end = date(year + (number == 12), number % 12 + 1, 1)
            return cls(start, end, f"{year}-{number:02d}", False)
        if quarter:
            year, number = int(quarter.group(1)), int(quarter.group(2))
            start = date(year, 3 * number - 2, 1)
            end = date(year + (number == 4), (3 * number) % 12 + 1, 1)
            return cls(start, end, f"{year}-Q{number}", True)
        raise PeriodError(text)


@dataclass
class Row:
    name: str
    households: int = 0
    total: int = 0
    by_class: dict[str, int] = field(default_factory=dict)
    processed: int = 0
    timely: int = 0
    timed: int = 0
    resolved: int = 0
    revisited: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))

    @property
    def processing_rate(self) -> Decimal | None:
        return self._rate(self.processed, self.total)

    @property
    def timeliness_rate(self) -> Decimal | None:
        return self._rate(self.timely, self.timed)

    @property
    def revisit_rate(self) -> Decimal | None:
        return self._rate(self.revisited, self.resolved)

    @property
    def valid_rate(self) -> Decimal | None:
        valid = self.by_class.get("major", 0) + self.by_class.get("general", 0)
        if not self.households:
            return None
        return (Decimal(valid) * 100 / Decimal(self.households)).quantize(Decimal("0.01"))

    @property
    def revisit_on_target(self) -> bool:
        return self.revisit_rate is None or self.revisit_rate >= REVISIT_TARGET

    @property
    def valid_on_target(self) -> bool:
        return self.valid_rate is None or self.valid_rate <= VALID_RATE_TARGET


def complaint_statistics(session: Session, scope: Scope, period: Period) -> list[Row]:
    """One row per office (month) or branch (quarter) the reader can see."""
    start = datetime.combine(period.start, datetime.min.time())
    end = datetime.combine(period.end, datetime.min.time())
    group = Office.branch_id if period.quarterly else Estate.office_id
    names = {key: name for key, name in session.execute(
        select(Branch.id, Branch.name) if period.quarterly else select(Office.id, Office.name))}
    estates = apply_scope(select(Estate.id, group, Estate.household_count)
                          .join(Office, Office.id == Estate.office_id), Estate, scope)
    estate_group: dict[int, int] = {}
    rows: dict[int, Row] = {}
    for estate_id, group_id, households in session.execute(estates):
        estate_group[estate_id] = group_id
        row = rows.setdefault(group_id, Row(names.get(group_id, str(group_id))))
        row.households += households or 0
    complaints = session.execute(apply_scope(
        select(Complaint.id, Complaint.estate_id, Complaint.complaint_class, Complaint.state,
               Complaint.resolved_at), Complaint, scope)
        .where(Complaint.received_at >= start, Complaint.received_at < end)).all()
    of_complaint: dict[int, Row] = {}
    resolved_ids: set[int] = set()
    for complaint_id, estate_id, cls, state, resolved_at in complaints:
        row = rows.get(estate_group.get(estate_id))
        if row is None:
            continue
        of_complaint[complaint_id] = row
        row.total += 1
        key = cls or "unclassified"
        row.by_class[key] = row.by_class.get(key, 0) + 1
        if resolved_at is not None or state == "closed":
            row.processed += 1
        if resolved_at is not None:
            row.resolved += 1
            resolved_ids.add(complaint_id)
    if of_complaint:
        ids = list(of_complaint)
        timers = session.execute(
            select(DeadlineTimer.doc_id, DeadlineTimer.status, DeadlineTimer.breached_at)
            .join(DeadlinePolicy)
            .where(DeadlineTimer.doc_type == "complaint", DeadlineTimer.doc_id.in_(ids),
                   func.substr(DeadlinePolicy.key, 1, 3) == "cp.",
                   DeadlinePolicy.key != "cp.reply")).all()
        for doc_id, status, breached_at in timers:
            row = of_complaint[doc_id]
            if breached_at is not None or status == "met":
                row.timed += 1
                row.timely += breached_at is None
        revisited = session.scalars(
            select(Revisit.complaint_id).where(Revisit.complaint_id.in_(ids),
                                               Revisit.state.in_(("done", "problem_found")))
            .distinct())
        for complaint_id in revisited:
            if complaint_id in resolved_ids:
                of_complaint[complaint_id].revisited += 1
    return sorted(rows.values(), key=lambda r: r.name)

