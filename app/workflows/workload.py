"""Each technician's open repair work, for whoever dispatches a repair (R-WO-2).

The dispatch form lists the people its technician choice offers, each with the work
orders still open on them (not closed or cancelled), how many of those have a running
deadline already past, and the nearest deadline still ahead. One grouped query, whatever
the number of people, through the row scope of the person dispatching: a dispatcher counts
only the work orders they may read.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from app.models import WorkOrder
from app.models.workflow import DeadlineTimer
from app.security.scope import Scope, apply_scope
from app.workflows.work_order import WORK_ORDER


@dataclass(frozen=True)
class Workload:
    user_id: int
    name: str
    open_count: int = 0
    overdue_count: int = 0
    next_due_at: datetime | None = None


def technician_workload(session: Session, people: Mapping[int, str], now: datetime,
                        scope: Scope | None = None) -> list[Workload]:
    """One row per person of `people` ({user id: name}, in the order given)."""
    if not people:
        return []
    open_states = [s for s in WORK_ORDER.states if s not in WORK_ORDER.final]
    overdue = case((DeadlineTimer.due_at < now, WorkOrder.id))
    ahead = case((DeadlineTimer.due_at >= now, DeadlineTimer.due_at))
    query = (select(WorkOrder.technician_id, func.count(distinct(WorkOrder.id)),
                    func.count(distinct(overdue)), func.min(ahead))
             .select_from(WorkOrder)
             .outerjoin(DeadlineTimer, and_(DeadlineTimer.doc_type == WORK_ORDER.doc_type,
                                            DeadlineTimer.doc_id == WorkOrder.id,
                                            DeadlineTimer.status == "armed"))
             .where(WorkOrder.technician_id.in_(list(people)),
                    WorkOrder.state.in_(open_states))
             .group_by(WorkOrder.technician_id))
    counts = {user_id: (open_count, overdue_count, next_due)
              for user_id, open_count, overdue_count, next_due
              in session.execute(apply_scope(query, WorkOrder, scope))}
    return [Workload(user_id, name, *counts.get(user_id, (0, 0, None)))
            for user_id, name in people.items()]
