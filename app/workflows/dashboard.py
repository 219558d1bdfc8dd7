"""The home page's figures, computed in SQL within the reader's scope: queue health for
whoever works a department queue, the complaint KPIs of R-CP-8, satisfaction by estate with
its trend (R-SV-5), the revisit processing rate (R-RV-4) and compensation totals for those
who read them."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.models.compensation import CompensationClaim
from app.models.org import Estate
from app.models.survey import Survey
from app.models.workflow import DeadlineTimer
from app.security import permissions as P
from app.security.scope import Scope, apply_scope
from app.workflows.complaint_report import Period, Row, complaint_statistics
from app.workflows.revisit import ProcessingRate, month_of, processing_rate

OPEN_CLAIM_STATES = ("under_review", "awaiting_approval")


@dataclass
class QueueHealth:
    open: int = 0  # documents with a running deadline
    due_today: int = 0
    overdue: int = 0
    escalated: int = 0


def queue_health(session: Session, scope: Scope, now: datetime) -> QueueHealth:
    """Running deadlines of the reader's departments (or, for a director, of the estates
    of the offices they manage; everyone's for the company's management)."""
    timers = select(DeadlineTimer.doc_type, DeadlineTimer.doc_id, DeadlineTimer.due_at,
                    DeadlineTimer.level).where(DeadlineTimer.status == "armed")
    if not scope.unrestricted:
        managed = select(Estate.id).where(Estate.office_id.in_(scope.managed_office_ids))
        timers = timers.where(or_(DeadlineTimer.department_id.in_(scope.department_ids),
                                  DeadlineTimer.estate_id.in_(managed)))
    timers = timers.subquery()
    end_of_day = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    documents = session.scalar(select(func.count()).select_from(
        select(timers.c.doc_type, timers.c.doc_id).distinct().subquery()))
    row = session.execute(select(
        func.count().filter(and_(timers.c.due_at >= now, timers.c.due_at < end_of_day)),
        func.count().filter(timers.c.due_at < now),
        func.count().filter(timers.c.level > 0))).one()
    return QueueHealth(int(documents or 0), *[int(v or 0) for v in row])


def complaint_kpis(session: Session, scope: Scope, today: date) -> tuple[str, list[Row]]:
    """This month's R-CP-8 rates per office the reader sees."""
    period = Period.parse(f"{today.year}-{today.month}")
    return period.label, complaint_statistics(session, scope, period)


@dataclass
class EstateSatisfaction:
    estate: str
    estate_id: int
    latest: Decimal | None = None
    trend: list[tuple[str, Decimal]] = field(default_factory=list)


def satisfaction_by_estate(session: Session, scope: Scope) -> list[EstateSatisfaction]:
    """Per estate, the overall rate of each scored survey covering it, oldest first."""
    surveys = apply_scope(select(Survey.period_start, Survey.results)
                          .where(Survey.state.in_(("scoring", "reported", "closed")),
                                 Survey.results.isnot(None))
                          .order_by(Survey.period_start, Survey.id), Survey, scope)
    rates: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for start, results in session.execute(surveys):
        for estate_id, summary in (results or {}).get("estates", {}).items():
            if summary.get("overall") is not None:
                rates[int(estate_id)].append((f"{start:%Y-%m}", Decimal(summary["overall"])))
    names = dict(session.execute(select(Estate.id, Estate.name)
                                 .where(Estate.id.in_(list(rates)))).all())
    return [EstateSatisfaction(names.get(estate_id, f"#{estate_id}"), estate_id,
                               points[-1][1], points[-6:])
            for estate_id, points in sorted(rates.items(), key=lambda kv: names.get(kv[0], ""))]


@dataclass
class CompensationTotals:
    paid_this_year: Decimal = Decimal("0")
    paid_count: int = 0
    waiting_amount: Decimal = Decimal("0")
    waiting_count: int = 0


def compensation_totals(session: Session, scope: Scope, today: date) -> CompensationTotals:
    start = datetime(today.year, 1, 1)
    paid = apply_scope(select(func.coalesce(func.sum(CompensationClaim.paid_amount), 0),
                              func.count())
                       .where(CompensationClaim.paid_at >= start), CompensationClaim, scope)
    waiting = apply_scope(select(func.coalesce(func.sum(CompensationClaim.amount), 0),
                                 func.count())
                          .where(CompensationClaim.state.in_(OPEN_CLAIM_STATES)),
                          CompensationClaim, scope)
    paid_sum, paid_count = session.execute(paid).one()
    waiting_sum, waiting_count = session.execute(waiting).one()
    return CompensationTotals(Decimal(paid_sum), int(paid_count), Decimal(waiting_sum),
                              int(waiting_count))


def revisit_processing(session: Session, scope: Scope, now: datetime) -> ProcessingRate:
    """This month's revisit processing rate (R-RV-4) per office the reader sees, with the
    link to the revisits it counts (due this month)."""
    period = month_of(now)
    return processing_rate(session, scope, period.start, period.end)


def revisit_list_filter(rate: ProcessingRate) -> str:
    """Query string of the revisit list showing the revisits a rate counts: due within
    [start, end). FAB's "greater than" is strict, hence the second before the start."""
    after = (rate.start - timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    before = rate.end.strftime("%Y-%m-%d %H:%M:%S")
    return urlencode({"_flt_1_due_at": after, "_flt_2_due_at": before})


def paid_this_year_filter(today: date) -> str:
    """Query string of the claim list showing the claims paid this year (FAB's "greater
    than" is strict: the last second of the year before)."""
    return urlencode({"_flt_1_paid_at": f"{today.year - 1}-12-31 23:59:59"})


def dashboard(session: Session, scope: Scope, now: datetime, can: Any) -> dict[str, Any]:
    """The sections the reader's permissions open (`can(permission)`), each computed in
    SQL over their scope."""
    figures: dict[str, Any] = {}
    if can(P.DEPARTMENT_QUEUE) or can((P.READ, P.QUEUE)):
        figures["queue"] = queue_health(session, scope, now)
        figures["queue_path"] = ("/queue/department" if can(P.DEPARTMENT_QUEUE)
                                 else "/queue/mine")
    if can(P.COMPLAINT_REPORT):
        figures["kpi_period"], figures["kpis"] = complaint_kpis(session, scope, now.date())
    if can((P.READ, P.SURVEY)):
        figures["satisfaction"] = satisfaction_by_estate(session, scope)
    if can((P.READ, P.REVISIT)):
        figures["revisits"] = revisit_processing(session, scope, now)
        figures["revisit_filter"] = revisit_list_filter(figures["revisits"])
    if can((P.READ, P.COMPENSATION)):
        figures["compensation"] = compensation_totals(session, scope, now.date())
        figures["paid_filter"] = paid_this_year_filter(now.date())
    return figures
