"""Monthly communication reports and their summaries (沟通信息报告, R-CS-7), as tables a
department head can read.

A report, filed by its author::

    draft --file--> filed --(taken into a submitted summary)--> summarised
    filed --return--> draft (the summariser asks for more, with a reason)

A summary, by the office director (the office's reports) or Quality (the company's)::

    draft --submit--> awaiting decision --conclude--> decided
    awaiting decision --decide on a suggestion--> (stays; one decision per step)
    awaiting decision --return--> draft (with a reason)

Leadership records a decision on every suggestion — of the reports and of the summariser —
before the summary is decided: rejected (with the reason), act now (a department and a due
date: an improvement action opens at once), or act later (the date to look at it again).
"""
from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask_appbuilder.security.sqla.models import Role, assoc_user_role
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Department, StaffProfile
from app.models.communication import (
    DECISIONS,
    LEVELS_OF_SUMMARY,
    MONTH,
    CommunicationReport,
    CommunicationSummary,
    ImprovementAction,
    Suggestion,
)
from app.models.staff import profile_departments, profile_offices
from app.security import permissions as P
from app.security.actor import Actor
from app.workflows import engine
from app.workflows.engine import InvalidData
from app.workflows.registry import DocumentType, Menu, declare
from app.workflows.table import Context, Field, Transition, Workflow

REPORT_STATES = {"draft": _l("Draft"), "filed": _l("Filed"),
                 "summarised": _l("Taken into the summary")}
SUMMARY_STATES = {"draft": _l("Draft"), "awaiting_decision": _l("Awaiting leadership's decisions"),
                  "decided": _l("Decided")}

# Every management level files (seed 000 篇2 §6.1): supervisors of the office and up.
FILERS = (P.ROLE_CS_SUPERVISOR, P.ROLE_REPAIR_LEAD, P.ROLE_PROPERTY_OFFICER,
          P.ROLE_QUALITY_OFFICER)
SUMMARISERS = (P.ROLE_OFFICE_DIRECTOR, P.ROLE_QUALITY_OFFICER)
LEADERSHIP = (P.ROLE_DEPUTY_GM,)  # the general manager includes it
# The level a report is filed at, from the author's highest role.
LEVEL_OF_ROLE = ((P.ROLE_GM, "company"), (P.ROLE_DEPUTY_GM, "company"),
                 (P.ROLE_OFFICE_DIRECTOR, "office"), (P.ROLE_DEPARTMENT_HEAD, "department"),
                 (P.ROLE_CS_CENTRE_MANAGER, "department"))


def check_month(month: str | None, now: datetime) -> str | None:
    """A month such as 2026-11, not after the current one."""
    if not month or not MONTH.match(month.strip()):
        return _("Enter the month such as %(example)s.", example=f"{now:%Y-%m}")
    if month.strip() > f"{now:%Y-%m}":
        return _("A report covers a month that has begun.")
    return None


def role_names(session: Session, user_id: int | None) -> set[str]:
    if user_id is None:
        return set()
    return set(session.scalars(select(Role.name).join(
        assoc_user_role, assoc_user_role.c.role_id == Role.id)
        .where(assoc_user_role.c.user_id == user_id)))


def _where_they_work(session: Session, user_id: int) -> tuple[int | None, int | None]:
    """(office, department) of a person's staff profile: their first department, else the
    first office they direct."""
    row = session.execute(
        select(Department.office_id, Department.id)
        .join(profile_departments, profile_departments.c.department_id == Department.id)
        .join(StaffProfile, StaffProfile.id == profile_departments.c.profile_id)
        .where(StaffProfile.user_id == user_id).order_by(Department.id)).first()
    if row is not None:
        return row[0], row[1]
    office = session.scalar(
        select(profile_offices.c.office_id)
        .join(StaffProfile, StaffProfile.id == profile_offices.c.profile_id)
        .where(StaffProfile.user_id == user_id).order_by(profile_offices.c.office_id))
    return office, None


def prepare_report(report: CommunicationReport, actor: Actor, session: Session,
                   now: datetime) -> None:
    """The author files for themselves, at the level of their role, for their office; one
    report a person a month."""
    errors: dict[str, str] = {}
    problem = check_month(report.month, now)
    if problem:
        errors["month"] = problem
    if (report.customers_contacted or 0) < 0:
        errors["customers_contacted"] = _("Enter a number of 0 or more.")
    if not (report.opinions or "").strip():
        errors["opinions"] = _("This field is required.")
    report.author_id = report.author_id or actor.user_id
    if report.author_id is None:
        errors["author"] = _("A report is filed by a member of staff.")
    if errors:
        raise InvalidData(next(iter(errors.values())), errors)
    report.month = report.month.strip()
    roles = role_names(session, report.author_id)
    report.level = next((level for role, level in LEVEL_OF_ROLE if role in roles),
                        "supervisor")
    if report.level == "company":
        report.office_id = report.department_id = None
    else:
        report.office_id, report.department_id = _where_they_work(session, report.author_id)
    existing = session.scalar(select(CommunicationReport.number).where(
        CommunicationReport.author_id == report.author_id,
        CommunicationReport.month == report.month))
    if existing:
        message = _("You have already filed a report for this month: %(number)s.",
                    number=existing)
        raise InvalidData(message, {"month": message})


def _by_author(doc: Any, ctx: Context) -> str | None:
    if ctx.actor.is_system or ctx.actor.user_id == doc.author_id:
        return None
    return _("Only its author does this.")


def _by_the_summary(doc: Any, ctx: Context) -> str | None:
    if not ctx.actor.is_system:
        return _("This happens by itself when the summary is submitted.")
    return None


def _detach(report: Any, ctx: Context) -> None:
    """A report sent back for more leaves the summary until it is filed again."""
    report.summary_id = None


REPORT = Workflow(
    doc_type="communication_report", resource=P.COMMUNICATION_REPORT, states=REPORT_STATES,
    initial="draft", number_prefix="CR", final=("summarised",), prepare=prepare_report,
    handler_attr="author_id",
    transitions=(
        Transition("file", _l("File the report"), ("draft",), "filed", FILERS,
                   guards=(_by_author,), set_now=("filed_at",), icon="fa-send"),
        Transition("return", _l("Return for more"), ("filed",), "draft", SUMMARISERS,
                   comment_required=True, effects=(_detach,), icon="fa-undo"),
        Transition("summarise", _l("Taken into the summary"), ("filed",), "summarised", (),
                   guards=(_by_the_summary,), icon="fa-compress"),
    ),
)


# --- summaries -----------------------------------------------------------------------------

def prepare_summary(summary: CommunicationSummary, actor: Actor, session: Session,
                    now: datetime) -> None:
    """The director summarises the office they direct; Quality the company. One summary of
    each a month."""
    errors: dict[str, str] = {}
    problem = check_month(summary.month, now)
    if problem:
        errors["month"] = problem
    if not (summary.analysis or "").strip():
        errors["analysis"] = _("This field is required.")
    if errors:
        raise InvalidData(next(iter(errors.values())), errors)
    summary.month = summary.month.strip()
    summary.author_id = summary.author_id or actor.user_id
    managed = sorted(actor.scope.managed_office_ids) if not actor.is_system else []
    if summary.office_id is not None or managed:
        summary.kind = "office"
        summary.office_id = summary.office_id or managed[0]
        if not actor.is_system and summary.office_id not in managed:
            message = _("Summarise the reports of an office you direct.")
            raise InvalidData(message, {"office": message})
    else:
        summary.kind = "company"
    existing = session.scalar(select(CommunicationSummary.number).where(
        CommunicationSummary.kind == summary.kind,
        CommunicationSummary.office_id.is_(None) if summary.office_id is None
        else CommunicationSummary.office_id == summary.office_id,
        CommunicationSummary.month == summary.month))
    if existing:
        message = _("This month's summary already exists: %(number)s.", number=existing)
        raise InvalidData(message, {"month": message})


def reports_to_take(summary: CommunicationSummary,
                    session: Session) -> list[CommunicationReport]:
    """Filed reports of the month and of the levels the summary covers, not yet in one."""
    query = select(CommunicationReport).where(
        CommunicationReport.month == summary.month, CommunicationReport.state == "filed",
        CommunicationReport.summary_id.is_(None),
        CommunicationReport.level.in_(LEVELS_OF_SUMMARY[summary.kind]))
    if summary.kind == "office":
        query = query.where(CommunicationReport.office_id == summary.office_id)
    return list(session.scalars(query.order_by(CommunicationReport.id)))


def held_reports(summary: Any, session: Session) -> list[CommunicationReport]:
    return list(session.scalars(select(CommunicationReport).where(
        CommunicationReport.summary_id == summary.id).order_by(CommunicationReport.id)))


def gather_reports(summary: CommunicationSummary,
                   session: Session) -> list[CommunicationReport]:
    """The reports the summary holds, after taking in those filed since."""
    for report in reports_to_take(summary, session):
        report.summary_id = summary.id
    session.flush()
    return held_reports(summary, session)


def _after_summary_created(summary: CommunicationSummary, actor: Actor, session: Session,
                           now: datetime) -> None:
    session.flush()
    gather_reports(summary, session)


def _has_suggestions(summary: Any, ctx: Context) -> str | None:
    reports = held_reports(summary, ctx.session) + reports_to_take(summary, ctx.session)
    if any(r.suggestion_lines for r in reports) or summary.proposal_lines or \
            any(s.decision for s in summary.suggestions):
        return None
    return _("There is nothing for leadership to decide: add the improvement suggestions "
             "the reports lead to.")


def _take_in_reports(summary: Any, ctx: Context) -> None:
    """Submitting takes in the reports filed meanwhile and lists every suggestion —
    each report's and the summariser's — for leadership; decisions already recorded stay."""
    reports = gather_reports(summary, ctx.session)
    wanted = [(r.id, line) for r in reports for line in r.suggestion_lines]
    wanted += [(None, line) for line in summary.proposal_lines]
    existing = {(s.report_id, s.text): s for s in summary.suggestions}
    for key, suggestion in existing.items():
        if key not in wanted and suggestion.decision is None:
            ctx.session.delete(suggestion)
    for report_id, text in wanted:
        if (report_id, text) not in existing:
            ctx.session.add(Suggestion(summary_id=summary.id, report_id=report_id, text=text))
    for report in reports:
        if report.state == "filed":
            engine.apply(report, "summarise", actor=Actor.system(), session=ctx.session,
                         now=ctx.now)
    ctx.session.flush()
    ctx.session.expire(summary, ["suggestions"])


def _undecided(summary: Any, session: Session) -> dict[str, str]:
    return {str(s.id): s.text[:80] for s in summary.suggestions if s.decision is None}


def _departments(summary: Any, session: Session) -> dict[str, str]:
    """The departments of the summary's office (every office's for the company)."""
    query = select(Department).order_by(Department.office_id, Department.id)
    if summary.office_id is not None:
        query = query.where(Department.office_id == summary.office_id)
    return {str(d.id): d.name for d in session.scalars(query)}


def _decision_is_complete(summary: Any, ctx: Context) -> str | None:
    """Act now: who and by when; act later: when to look again; rejected: why."""
    data = ctx.data
    today = ctx.now.date()
    if data["decision"] == "act_now":
        if not data.get("department") or not data.get("due_date"):
            return _("To act now, choose the department that acts and the due date.")
        if data["due_date"] < today:
            return _("The due date cannot be in the past.")
    elif data["decision"] == "act_later":
        if not data.get("reconsider_on") or data["reconsider_on"] <= today:
            return _("To act later, give the date to look at it again, after today.")
    elif not data.get("note"):
        return _("Give the reason for rejecting the suggestion.")
    return None


def _record_decision(summary: Any, ctx: Context) -> None:
    """The decision is the suggestion's; acting now opens the work at once."""
    data = ctx.data
    suggestion = ctx.session.get(Suggestion, int(data["suggestion"]))
    suggestion.decision = data["decision"]
    suggestion.note = data.get("note")
    suggestion.decided_at = ctx.now
    suggestion.decided_by_id = ctx.actor.user_id
    if data["decision"] == "act_now":
        suggestion.department_id = int(data["department"])
        suggestion.due_date = data["due_date"]
        ctx.session.flush()
        action = ImprovementAction(
            suggestion_id=suggestion.id, summary_id=summary.id,
            department_id=suggestion.department_id,
            task="\n\n".join(filter(None, (suggestion.text, data.get("note")))),
            due_at=datetime.combine(data["due_date"], time(23, 59)))
        engine.create(action, actor=ctx.actor, session=ctx.session, now=ctx.now,
                      comment=summary.number)
    elif data["decision"] == "act_later":
        suggestion.reconsider_on = data["reconsider_on"]


def _every_suggestion_decided(summary: Any, ctx: Context) -> str | None:
    """R-CS-7: leadership decides on every suggestion, one by one."""
    left = len(summary.undecided)
    if left:
        return _("%(n)d suggestions still wait for a decision.", n=left)
    return None


SUMMARY = Workflow(
    doc_type="communication_summary", resource=P.COMMUNICATION_SUMMARY,
    states=SUMMARY_STATES, initial="draft", number_prefix="CM", final=("decided",),
    prepare=prepare_summary, after_create=_after_summary_created, handler_attr="author_id",
    transitions=(
        Transition("submit", _l("Submit to leadership"), ("draft",), "awaiting_decision",
                   SUMMARISERS, guards=(_by_author, _has_suggestions),
                   effects=(_take_in_reports,), set_now=("submitted_at",), icon="fa-send"),
        Transition("decide", _l("Decide on a suggestion"), ("awaiting_decision",), None,
                   LEADERSHIP, icon="fa-gavel",
                   fields=(Field("suggestion", _l("Suggestion"), "choice", choices=_undecided,
                                 attr=None),
                           Field("decision", _l("Decision"), "choice", choices=DECISIONS,
                                 attr=None),
                           Field("department", _l("Department that acts"), "choice",
                                 required=False, choices=_departments, attr=None),
                           Field("due_date", _l("Due date"), "date", required=False,
                                 attr=None),
                           Field("reconsider_on", _l("Look at it again on"), "date",
                                 required=False, attr=None),
                           Field("note", _l("Reason or instructions"), "textarea",
                                 required=False, attr=None)),
                   guards=(_decision_is_complete,), effects=(_record_decision,)),
        Transition("return", _l("Return for changes"), ("awaiting_decision",), "draft",
                   LEADERSHIP, comment_required=True, icon="fa-undo"),
        Transition("conclude", _l("Conclude the decisions"), ("awaiting_decision",),
                   "decided", LEADERSHIP, guards=(_every_suggestion_decided,),
                   set_now=("decided_at",), set_actor=("decided_by_id",),
                   icon="fa-check-circle"),
    ),
)


def _menu(name: str, label: Any, icon: str, order: int) -> Menu:
    return Menu(name, label, icon, P.MENU_SERVICE, _l("Customer service"), order=order)


REPORT_DOCUMENT = declare(DocumentType(
    workflow=REPORT, model=CommunicationReport, label=_l("Communication report"),
    view="app.views.communication:CommunicationReportView",
    api="app.views.communication:CommunicationReportApi",
    menu=_menu("Communication reports", _l("Communication reports"), "fa-comments", 66),
    grants={role: (P.READ, P.CREATE, P.EDIT) for role in FILERS},
))

SUMMARY_DOCUMENT = declare(DocumentType(
    workflow=SUMMARY, model=CommunicationSummary, label=_l("Communication summary"),
    view="app.views.communication:CommunicationSummaryView",
    api="app.views.communication:CommunicationSummaryApi",
    menu=_menu("Communication summaries", _l("Communication summaries"), "fa-list-alt", 67),
    grants={P.ROLE_OFFICE_DIRECTOR: (P.READ, P.CREATE, P.EDIT, P.EXPORT),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.CREATE, P.EDIT, P.EXPORT)},
))
