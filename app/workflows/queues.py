"""Queues over every document type: "My work" for everyone, the department queue for heads.

* My work: open documents in the person's scope that they can act on now (they hold a
  transition out of the current state) and that are with them or with nobody yet.
* Department queue: every open document of the person's departments (office directors:
  of their offices), whoever holds it.

Rows carry the nearest running deadline, the time left and the escalation level; overdue
and escalated rows come first, then the soonest due. Filters: estate, category, state and
document type. Scope comes from `apply_scope`, the one row-scope mechanism.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Estate
from app.models.workflow import DeadlineTimer
from app.security.actor import Actor
from app.security.scope import apply_scope
from app.workflows import engine
from app.workflows.registry import document_types

MY_WORK = "mine"
DEPARTMENT = "department"


@dataclass
class QueueRow:
    doc_type: str
    doc: Any
    type_label: str
    state_label: str
    due_at: datetime | None
    level: int
    handler: Any

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < self._now

    def minutes_left(self) -> int | None:
        if self.due_at is None:
            return None
        return int((self.due_at - self._now).total_seconds() // 60)

    _now: datetime = datetime.min

    def sort_key(self) -> tuple:
        far = datetime.max
        return (not self.overdue, self.level == 0, self.due_at or far, self.doc.id)


# The home page's queue figures open the queue filtered to what they count.
DUE_FILTERS = {"today": _l("Due today"), "overdue": _l("Overdue"),
               "escalated": _l("Escalated")}


def _due_matches(row: QueueRow, due: str, now: datetime) -> bool:
    if due == "escalated":
        return row.level > 0
    if row.due_at is None:
        return False
    if due == "overdue":
        return row.due_at < now
    end_of_day = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return now <= row.due_at < end_of_day


def queue(session: Session, actor: Actor, kind: str, now: datetime, *,
          estate_id: int | None = None, category: str | None = None,
          state: str | None = None, doc_type: str | None = None,
          due: str | None = None,
          type_labels: dict[str, str] | None = None) -> list[QueueRow]:
    """The rows of one queue for `actor`, sorted for work; `due` (DUE_FILTERS) keeps the
    rows due today, overdue or escalated."""
    rows: list[QueueRow] = []
    for code, document in document_types().items():
        if not document.in_queues or (doc_type and code != doc_type):
            continue
        model, workflow = document.model, document.workflow
        if not actor.can("can_read", workflow.resource):
            continue
        open_states = [s for s in workflow.states if s not in workflow.final]
        query = apply_scope(select(model), model, actor.scope).where(
            model.state.in_(open_states))
        if estate_id:
            query = query.where(model.estate_id == estate_id)
        if state:
            query = query.where(model.state == state)
        if category:
            if not hasattr(model, "category"):
                continue
            query = query.where(model.category == category)
        handler_col = getattr(model, workflow.handler_attr) if workflow.handler_attr else None
        if kind == MY_WORK:
            if handler_col is not None:
                query = query.where((handler_col == actor.user_id) | handler_col.is_(None))
        elif not actor.scope.unrestricted and hasattr(model, "department_id"):
            # A type without a handling department is the whole scope's business.
            mine = model.department_id.in_(actor.scope.department_ids)
            if actor.scope.managed_office_ids:
                mine = mine | model.estate_id.in_(_managed_estates(session, actor))
            query = query.where(mine)
        docs = list(session.scalars(query.limit(2000)))
        if kind == MY_WORK:
            docs = [d for d in docs if engine.can_act(workflow, d.state, actor)]
        if not docs:
            continue
        timers = {doc_id: (due, level) for doc_id, due, level in session.execute(
            select(DeadlineTimer.doc_id, func.min(DeadlineTimer.due_at),
                   func.max(DeadlineTimer.level))
            .where(DeadlineTimer.doc_type == code, DeadlineTimer.status == "armed",
                   DeadlineTimer.doc_id.in_([d.id for d in docs]))
            .group_by(DeadlineTimer.doc_id))}
        label = (type_labels or {}).get(code, code)
        for doc in docs:
            due_at, level = timers.get(doc.id, (None, 0))
            row = QueueRow(code, doc, label, workflow.state_label(doc.state), due_at,
                           level or 0, getattr(doc, workflow.handler_attr[:-3], None)
                           if workflow.handler_attr else None)
            row._now = now
            if due is None or _due_matches(row, due, now):
                rows.append(row)
    rows.sort(key=QueueRow.sort_key)
    return rows


def _managed_estates(session: Session, actor: Actor) -> list[int]:
    return list(session.scalars(select(Estate.id).where(
        Estate.office_id.in_(actor.scope.managed_office_ids))))
