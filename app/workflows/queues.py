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
from sqlalchemy import String, case, func, literal, select, union_all
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

    @property
    def due_today(self) -> bool:
        if self.due_at is None or self.overdue:
            return False
        return self.due_at.date() == self._now.date()

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


PAGE_SIZE = 50


def _due_clause(due: str, due_at: Any, level: Any, now: datetime) -> Any:
    if due == "escalated":
        return level > 0
    if due == "overdue":
        return due_at < now
    end_of_day = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return (due_at >= now) & (due_at < end_of_day)


def _candidates(session: Session, actor: Actor, kind: str, code: str, document: Any,
                now: datetime, *, estate_id: int | None, category: str | None,
                state: str | None, due: str | None) -> Any | None:
    """(doc_type, doc_id, due_at, level) of one type's open documents in this queue, or
    None when the type has no place in it. Only ids and deadlines: the page's documents
    are loaded once the page is known."""
    model, workflow = document.model, document.workflow
    if not actor.can("can_read", workflow.resource):
        return None
    open_states = [s for s in workflow.states if s not in workflow.final]
    if kind == MY_WORK:
        # Only what the person can act on now: decided by the state, from the table.
        open_states = [s for s in open_states if engine.can_act(workflow, s, actor)]
    if state:
        open_states = [s for s in open_states if s == state]
    located = hasattr(model, "estate_id")  # reports and their summaries belong to offices
    if not open_states or (category and not hasattr(model, "category")) or \
            (estate_id and not located):
        return None
    timers = (select(DeadlineTimer.doc_id.label("doc_id"),
                     func.min(DeadlineTimer.due_at).label("due_at"),
                     func.max(DeadlineTimer.level).label("level"))
              .where(DeadlineTimer.doc_type == code, DeadlineTimer.status == "armed")
              .group_by(DeadlineTimer.doc_id).subquery())
    level = func.coalesce(timers.c.level, 0)
    query = (select(literal(code, String).label("doc_type"), model.id.label("doc_id"),
                    timers.c.due_at.label("due_at"), level.label("level"))
             .select_from(model).outerjoin(timers, timers.c.doc_id == model.id)
             .where(model.state.in_(open_states)))
    query = apply_scope(query, model, actor.scope)
    if estate_id:
        query = query.where(model.estate_id == estate_id)
    if category:
        query = query.where(model.category == category)
    handler_col = getattr(model, workflow.handler_attr) if workflow.handler_attr else None
    if kind == MY_WORK:
        if handler_col is not None:
            query = query.where((handler_col == actor.user_id) | handler_col.is_(None))
    elif not actor.scope.unrestricted and hasattr(model, "department_id"):
        # A type without a handling department is the whole scope's business.
        mine = model.department_id.in_(actor.scope.department_ids)
        if actor.scope.managed_office_ids and located:
            mine = mine | model.estate_id.in_(_managed_estates(session, actor))
        query = query.where(mine)
    if due:
        query = query.where(_due_clause(due, timers.c.due_at, level, now))
    return query


def queue(session: Session, actor: Actor, kind: str, now: datetime, *,
          estate_id: int | None = None, category: str | None = None,
          state: str | None = None, doc_type: str | None = None,
          due: str | None = None, type_labels: dict[str, str] | None = None,
          offset: int = 0, limit: int = PAGE_SIZE) -> list[QueueRow]:
    """One page of a queue for `actor`, sorted for work in the database: overdue first,
    then escalated, then the soonest due, then the rest; `due` (DUE_FILTERS) keeps the
    rows due today, overdue or escalated. Ask for one row more than a page to know
    whether there is a next one."""
    parts = []
    for code, document in document_types().items():
        if not document.in_queues or (doc_type and code != doc_type):
            continue
        part = _candidates(session, actor, kind, code, document, now, estate_id=estate_id,
                           category=category, state=state, due=due)
        if part is not None:
            parts.append(part)
    if not parts:
        return []
    rows = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    page = session.execute(
        select(rows.c.doc_type, rows.c.doc_id, rows.c.due_at, rows.c.level)
        .order_by(case((rows.c.due_at < now, 0), else_=1),
                  case((rows.c.level > 0, 0), else_=1),
                  case((rows.c.due_at.is_(None), 1), else_=0), rows.c.due_at,
                  rows.c.doc_id, rows.c.doc_type)
        .offset(max(0, offset)).limit(max(1, limit))).all()
    return _rows(session, page, now, type_labels or {})


def _rows(session: Session, page: list[Any], now: datetime,
          type_labels: dict[str, str]) -> list[QueueRow]:
    """The page's documents, one query per type on it."""
    types = document_types()
    wanted: dict[str, list[int]] = {}
    for code, doc_id, _due, _level in page:
        wanted.setdefault(code, []).append(doc_id)
    docs = {(code, d.id): d for code, ids in wanted.items()
            for d in session.scalars(select(types[code].model)
                                     .where(types[code].model.id.in_(ids)))}
    result = []
    for code, doc_id, due_at, level in page:
        doc = docs.get((code, doc_id))
        if doc is None:
            continue
        workflow = types[code].workflow
        row = QueueRow(code, doc, type_labels.get(code, code),
                       workflow.state_label(doc.state), due_at, level or 0,
                       getattr(doc, workflow.handler_attr[:-3], None)
                       if workflow.handler_attr else None)
        row._now = now
        result.append(row)
    return result


def _managed_estates(session: Session, actor: Actor) -> list[int]:
    return list(session.scalars(select(Estate.id).where(
        Estate.office_id.in_(actor.scope.managed_office_ids))))
