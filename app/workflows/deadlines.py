"""Deadline (SLA) engine: arm timers from declared transitions, warn before breach and
escalate on breach up the policy's chain, exactly once per level.

* Policies are data (DeadlinePolicy, seeded from RULES.md, edited by admins).
* `due_at` is computed once, on the estate's working-day calendar, and stored: a later
  change of policy or calendar does not move a deadline someone was already given.
* `flask sla tick` runs every minute from cron, on any number of hosts at once. Each tick
  claims due timers row by row (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at
  a time through BEGIN IMMEDIATE) and the unique (timer, level) constraint on Escalation is
  the last line of defence, so every warning and every level happens exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable

from flask import current_app
from sqlalchemy import create_engine, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models.base import local_now
from app.models.org import Estate
from app.models.workflow import DeadlinePolicy, DeadlineTimer, Escalation, Notification
from app.security import permissions as P
from app.workflows import staffing
from app.workflows.calendar import WorkingCalendar, add_duration
from app.workflows.registry import all_policies


def seed_policies(session: Session) -> int:
    """Create the declared default policies (RULES.md) that do not exist yet; admin edits
    are kept. The defaults live in each document type's declaration."""
    have = set(session.scalars(select(DeadlinePolicy.key)))
    added = 0
    for doc_type, p in all_policies():
        if p.key not in have:
            session.add(DeadlinePolicy(key=p.key, doc_type=doc_type, name=p.name, rule=p.rule,
                                       amount=p.amount, unit=p.unit, warn_share=p.warn_share,
                                       escalation_chain=p.chain,
                                       escalation_step_minutes=p.step_minutes))
            have.add(p.key)
            added += 1
    session.flush()
    return added


# --- arming, meeting and cancelling ------------------------------------------------------

def company_policy_of(doc: Any) -> str | None:
    """The complaint procedure (preset) of the company the document's estate belongs to."""
    estate = getattr(doc, "estate", None)
    try:
        return estate.office.branch.company.complaint_policy
    except AttributeError:
        return None


def _policy(session: Session, key: str, preset: str | None = None) -> DeadlinePolicy | None:
    """The active policy `key`; a company on a preset procedure uses `key@preset` when
    that policy exists (RULES.md §5: presets are data beside the default)."""
    keys = [f"{key}@{preset}", key] if preset and preset != "default" else [key]
    policies = {p.key: p for p in session.scalars(select(DeadlinePolicy).where(
        DeadlinePolicy.key.in_(keys)))}
    for candidate in keys:
        if candidate in policies:
            policy = policies[candidate]
            return policy if policy.active else None
    return None


def arm(session: Session, doc: Any, key: str, start: datetime,
        handler_user_id: int | None = None, due_at: datetime | None = None
        ) -> DeadlineTimer | None:
    """Start the deadline `key` for `doc` from `start`; None when the policy is switched off.
    `due_at` is a deadline agreed with the customer (the policy still gives the warning
    share and the escalation chain). Raises CalendarUnknownYear when the deadline falls
    into an unknown year."""
    policy = _policy(session, key, company_policy_of(doc))
    if policy is None:
        return None
    estate = doc.estate
    due = due_at or add_duration(estate.region, start, policy.amount, policy.unit, session)
    share = min(max(policy.warn_share, 0.0), 1.0)
    if policy.unit in ("working_days", "working_hours") and due_at is None:
        # Warn when that share of the *working* time has passed, during working hours.
        calendar = WorkingCalendar(estate.region, session)
        warn = calendar.add_working_time(start, calendar.working_time(start, due) * share)
    else:
        warn = start + (due - start) * share
    if doc.id is None:
        session.flush()
    timer = DeadlineTimer(policy=policy, doc_type=doc.__workflow__, doc_id=doc.id,
                          estate_id=estate.id, department_id=getattr(doc, "department_id", None),
                          handler_user_id=handler_user_id, started_at=start, due_at=due,
                          warn_at=warn, next_check_at=min(warn, due), status="armed", level=0)
    session.add(timer)
    return timer


def open_timers(session: Session, doc: Any, keys: Iterable[str] | None = None):
    query = (select(DeadlineTimer).join(DeadlinePolicy)
             .where(DeadlineTimer.doc_type == doc.__workflow__, DeadlineTimer.doc_id == doc.id,
                    DeadlineTimer.status == "armed"))
    if keys is not None:
        query = query.where(DeadlinePolicy.key.in_(list(keys)))
    return list(session.scalars(query))


def close(session: Session, doc: Any, keys: Iterable[str] | None, status: str,
          now: datetime) -> int:
    timers = open_timers(session, doc, keys)
    for timer in timers:
        timer.status, timer.closed_at, timer.next_check_at = status, now, None
    return len(timers)


def on_transition(doc: Any, transition: Any, context: Any) -> None:
    """Called by the workflow engine inside the transition's database transaction."""
    session, now = context.session, context.now
    follow_document(session, doc, context.workflow)
    if transition.meets:
        close(session, doc, transition.meets, "met", now)
    if transition.cancels:
        close(session, doc, None if transition.cancels == ("*",) else transition.cancels,
              "cancelled", now)
    for spec in transition.arms:
        if spec.when is not None and not spec.when(doc):
            continue
        close(session, doc, [spec.policy], "cancelled", now)  # re-armed: the new one counts
        arm_spec(session, doc, spec, now)


def follow_document(session: Session, doc: Any, workflow: Any) -> None:
    """Running deadlines follow the document: the person it is with now (dispatch,
    reassignment) hears the warning and the first breach, and its department's head the
    next level, even for a deadline armed before anyone was named (R-WO-2)."""
    handler = getattr(doc, workflow.handler_attr, None) if workflow.handler_attr else None
    department = getattr(doc, "department_id", None)
    if handler is None and department is None:
        return
    for timer in open_timers(session, doc):
        if handler is not None:
            timer.handler_user_id = handler
        if department is not None:
            timer.department_id = department


def arm_spec(session: Session, doc: Any, spec: Any, now: datetime) -> DeadlineTimer | None:
    """Arm a declared `Arm` (workflow declarations) for `doc`."""
    if spec.when is not None and not spec.when(doc):
        return None
    start = (getattr(doc, spec.start) if spec.start else None) or now
    handler = getattr(doc, spec.handler) if spec.handler else None
    due_at = getattr(doc, spec.due) if spec.due else None
    if spec.due and due_at is None:
        return None  # nothing was agreed: no deadline to keep
    return arm(session, doc, spec.policy, start, handler, due_at=due_at)


# --- ticking -----------------------------------------------------------------------------

@dataclass
class TickResult:
    checked: int = 0
    warnings: int = 0
    escalations: int = 0
    notifications: int = 0
    levels: list[tuple[int, int]] = field(default_factory=list)  # (timer id, level)
    # Who hears of a level, per (target, handler, department, estate): one query per
    # distinct answer in a batch instead of one per timer and level.
    audience: dict[tuple, list[int]] = field(default_factory=dict, repr=False)


def recipients(session: Session, timer: DeadlineTimer, target: str) -> list[int]:
    """User ids who hear about `timer` at escalation level `target`."""
    if target == "handler":
        return [timer.handler_user_id] if timer.handler_user_id else []
    if target == "department_head":
        if timer.department_id is None:
            return []
        return staffing.in_department(session, (P.ROLE_DEPARTMENT_HEAD,
                                                P.ROLE_CS_CENTRE_MANAGER), timer.department_id)
    if target == "office_director":
        office_id = session.scalar(select(Estate.office_id).where(Estate.id == timer.estate_id))
        return staffing.directing_office(session, (P.ROLE_OFFICE_DIRECTOR,), office_id)
    if target == "general_manager":
        return staffing.anywhere(session, (P.ROLE_GM,))
    return []


def _record_level(session: Session, timer: DeadlineTimer, level: int, target: str,
                  now: datetime, result: TickResult) -> None:
    """One Escalation row per (timer, level), inserted with ON CONFLICT DO NOTHING: if
    another tick got there first nothing is written and nobody is notified twice."""
    key = (target, timer.handler_user_id, timer.department_id, timer.estate_id)
    if key not in result.audience:
        with session.no_autoflush:
            result.audience[key] = recipients(session, timer, target)
    users = result.audience[key]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    inserted = session.execute(
        insert(Escalation.__table__)
        .values(timer_id=timer.id, level=level, target=target, at=now, notified_user_ids=users)
        .on_conflict_do_nothing(index_elements=["timer_id", "level"])
        .returning(Escalation.__table__.c.id)).scalar()
    if inserted is None:
        return
    kind = "warning" if level == 0 else "breach"
    for user_id in users:
        session.add(Notification(user_id=user_id, at=now, kind=kind, doc_type=timer.doc_type,
                                 doc_id=timer.doc_id, level=level, timer_id=timer.id))
    result.notifications += len(users)
    result.levels.append((timer.id, level))
    if level == 0:
        result.warnings += 1
    else:
        result.escalations += 1


def process_timer(session: Session, timer: DeadlineTimer, now: datetime,
                  result: TickResult) -> None:
    policy = timer.policy
    result.checked += 1
    if now < timer.due_at:
        if timer.warned_at is None and now >= timer.warn_at:
            _record_level(session, timer, 0, "handler", now, result)
            timer.warned_at = now
        timer.next_check_at = timer.due_at
        return
    if timer.breached_at is None:
        timer.breached_at = now
    chain = policy.chain
    step = timedelta(minutes=max(policy.escalation_step_minutes, 1))
    timer.next_check_at = None
    for level in range(timer.level + 1, len(chain) + 1):
        level_due = timer.due_at + step * (level - 1)
        if level_due > now:
            timer.next_check_at = level_due
            break
        _record_level(session, timer, level, chain[level - 1], now, result)
        timer.level = level


def _due_query(now: datetime, batch: int, dialect: str):
    query = (select(DeadlineTimer)
             .where(DeadlineTimer.status == "armed", DeadlineTimer.next_check_at <= now)
             .order_by(DeadlineTimer.next_check_at, DeadlineTimer.id).limit(batch))
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=DeadlineTimer)
    return query


def tick_in_session(session: Session, now: datetime, batch: int = 500) -> TickResult:
    """One pass over due timers inside the caller's transaction (tests, small jobs)."""
    result = TickResult()
    while True:
        timers = list(session.scalars(_due_query(now, batch, session.get_bind().dialect.name)))
        for timer in timers:
            process_timer(session, timer, now, result)
        session.flush()
        if len(timers) < batch:
            return result


def tick_engine(url: str):
    """The engine ticks run on. On SQLite each batch takes the write lock up front (BEGIN
    IMMEDIATE) and waits for it, so two ticks never read the same due timers."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 60, "isolation_level": None})

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection):  # noqa: ANN001
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def tick(now: datetime | None = None, *, url: str | None = None, batch: int = 500) -> TickResult:
    """Process every due timer, one committed batch at a time (what cron runs)."""
    now = now or local_now()
    engine = tick_engine(url or current_app.config["SQLALCHEMY_DATABASE_URI"])
    total = TickResult()
    try:
        with Session(engine) as session:
            while True:
                with session.begin():
                    timers = list(session.scalars(_due_query(now, batch, engine.dialect.name)))
                    part = TickResult()
                    for timer in timers:
                        process_timer(session, timer, now, part)
                total.checked += part.checked
                total.warnings += part.warnings
                total.escalations += part.escalations
                total.notifications += part.notifications
                total.levels += part.levels
                if len(timers) < batch:
                    return total
    finally:
        engine.dispose()
