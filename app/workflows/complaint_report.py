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

from sqlalchemy import case, func, select
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
    """One row per office (month) or branch (quarter) the reader can see: four grouped
    queries whatever the number of complaints (no list of ids travels to the database)."""
    start = datetime.combine(period.start, datetime.min.time())
    end = datetime.combine(period.end, datetime.min.time())
    group = Office.branch_id if period.quarterly else Estate.office_id
    names = {key: name for key, name in session.execute(
        select(Branch.id, Branch.name) if period.quarterly else select(Office.id, Office.name))}
    estates = apply_scope(select(group, func.sum(Estate.household_count))
                          .join(Office, Office.id == Estate.office_id), Estate, scope)
    rows: dict[int, Row] = {}
    for group_id, households in session.execute(estates.group_by(group)):
        rows[group_id] = Row(names.get(group_id, str(group_id)), households=households or 0)

    def in_period(query):
        """Complaints received in the period, in scope, of estates in scope."""
        query = (query.join(Estate, Estate.id == Complaint.estate_id)
                 .join(Office, Office.id == Estate.office_id)
                 .where(Complaint.received_at >= start, Complaint.received_at < end))
        return apply_scope(apply_scope(query, Complaint, scope), Estate, scope)

    resolved = Complaint.resolved_at.is_not(None)
    processed = resolved | (Complaint.state == "closed")
    for group_id, cls, total, done, closed in session.execute(in_period(
            select(group, Complaint.complaint_class, func.count(Complaint.id),
                   func.sum(case((processed, 1), else_=0)),
                   func.sum(case((resolved, 1), else_=0))).select_from(Complaint))
            .group_by(group, Complaint.complaint_class)):
        row = rows.get(group_id)
        if row is None:
            continue
        key = cls or "unclassified"
        row.by_class[key] = row.by_class.get(key, 0) + total
        row.total += total
        row.processed += done or 0
        row.resolved += closed or 0
    timed = (DeadlineTimer.breached_at.is_not(None)) | (DeadlineTimer.status == "met")
    for group_id, timed_count, timely_count in session.execute(in_period(
            select(group, func.sum(case((timed, 1), else_=0)),
                   func.sum(case((timed & DeadlineTimer.breached_at.is_(None), 1), else_=0)))
            .select_from(DeadlineTimer)
            .join(Complaint, (Complaint.id == DeadlineTimer.doc_id)
                  & (DeadlineTimer.doc_type == "complaint"))
            .join(DeadlinePolicy, DeadlinePolicy.id == DeadlineTimer.policy_id))
            .where(func.substr(DeadlinePolicy.key, 1, 3) == "cp.",
                   DeadlinePolicy.key != "cp.reply")
            .group_by(group)):
        if group_id in rows:
            rows[group_id].timed += timed_count or 0
            rows[group_id].timely += timely_count or 0
    revisited = (select(Revisit.id).where(Revisit.complaint_id == Complaint.id,
                                          Revisit.state.in_(("done", "problem_found")))
                 .exists())
    for group_id, count in session.execute(in_period(
            select(group, func.count(Complaint.id)).select_from(Complaint))
            .where(resolved, revisited)
            .group_by(group)):
        if group_id in rows:
            rows[group_id].revisited += count
    return sorted(rows.values(), key=lambda r: r.name)
