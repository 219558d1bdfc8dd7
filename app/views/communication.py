"""Pages and API of the monthly communication reports, their summaries and the improvement
actions leadership orders (R-CS-7). Thin: registration and every step go through the
engine (app/workflows/communication.py, app/workflows/improvement_action.py)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.exceptions import BadRequest
from wtforms import StringField

from app.models.base import local_now
from app.models.communication import (
    CommunicationReport,
    CommunicationSummary,
    ImprovementAction,
)
from app.security import permissions as P
from app.security.scope import apply_scope
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.communication import REPORT, SUMMARY, held_reports, reports_to_take
from app.workflows.improvement_action import ACTION

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "month": _l("Month"), "level": _l("Level"), "level_label": _l("Level"),
    "author": _l("Filed by"), "office": _l("Management office"),
    "department": _l("Department"), "customers_contacted": _l("Customers talked with"),
    "ways": _l("How"), "opinions": _l("What customers said"),
    "suggestions_text": _l("Suggestions, one a line"), "filed_at": _l("Filed at"),
    "summary": _l("Summary"), "kind": _l("Covers"), "kind_label": _l("Covers"),
    "analysis": _l("Analysis"), "proposals": _l("Further suggestions, one a line"),
    "submitted_at": _l("Submitted at"), "decided_at": _l("Decided at"),
    "decided_by": _l("Decided by"), "created_at": _l("Created at"),
    "task": _l("What to do"), "due_at": _l("Due"), "measure": _l("What was done"),
    "done_at": _l("Done at"), "done_by": _l("Done by"), "verified_at": _l("Verified at"),
    "verified_by": _l("Verified by"),
}


def last_month() -> str:
    """Reports are filed early in a month for the month before."""
    return f"{local_now().replace(day=1) - timedelta(days=1):%Y-%m}"


def month_field() -> StringField:
    return StringField(_l("Month"), default=last_month,
                       description=_l("The month the report covers, such as 2026-11."))


def _draft_only(item: Any) -> None:
    if item.state != "draft":
        raise BadRequest(description=_("Only a draft can be changed."))


class CommunicationReportView(WorkflowModelView):
    """Monthly communication reports: one a person a month, at every management level."""

    datamodel = documents(CommunicationReport)
    workflow = REPORT
    class_permission_name = P.COMMUNICATION_REPORT
    list_columns = ["number", "month", "author", "level_label", "office",
                    "customers_contacted", "state_label"]
    search_columns = ["number", "month", "author", "level", "office", "state"]
    order_columns = ["number", "month"]
    base_order = ("month", "desc")
    add_columns = ["month", "customers_contacted", "ways", "opinions", "suggestions_text"]
    edit_columns = add_columns[1:]  # the month is checked once, at registration
    show_fieldsets = [
        (_l("Communication report"), {"fields": [
            "number", "state_label", "month", "author", "level_label", "office",
            "department", "customers_contacted", "ways", "opinions", "suggestions_text",
            "created_at"]}),
        (_l("Filed"), {"after": ("file",), "fields": ["filed_at", "summary"]}),
    ]
    add_form_extra_fields = {"month": month_field()}
    description_columns = {
        "ways": _l("Visits, forums, calls, talks at the service centre…"),
        "suggestions_text": _l("Each line is decided on by leadership on its own."),
    }
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Communication reports")
    document_label = _l("Communication report")
    export_columns = ["number", "month", "level_label", "customers_contacted", "ways",
                      "opinions", "suggestions_text", "state_label"]

    def pre_update(self, item: CommunicationReport) -> None:
        super().pre_update(item)
        _draft_only(item)


class CommunicationReportApi(WorkflowRestApi):
    resource_name = "communication_report"
    datamodel = documents(CommunicationReport)
    workflow = REPORT
    class_permission_name = P.COMMUNICATION_REPORT
    list_columns = ["id", "number", "state", "version", "month", "level", "author.id",
                    "office.id", "department.id", "customers_contacted", "filed_at",
                    "summary_id"]
    show_columns = list_columns + ["ways", "opinions", "suggestions_text"]
    add_columns = ["month", "customers_contacted", "ways", "opinions", "suggestions_text"]
    edit_columns = add_columns[1:]  # the month is checked once, at registration
    order_columns = ["id", "number", "month"]

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        _draft_only(item)


class CommunicationSummaryView(WorkflowModelView):
    """A month's summary of the reports, and leadership's decision on every suggestion."""

    datamodel = documents(CommunicationSummary)
    workflow = SUMMARY
    class_permission_name = P.COMMUNICATION_SUMMARY
    show_template = "communication/summary_show.html"
    list_columns = ["number", "month", "kind_label", "office", "author", "state_label"]
    search_columns = ["number", "month", "kind", "office", "state"]
    order_columns = ["number", "month"]
    base_order = ("month", "desc")
    add_columns = ["month", "analysis", "proposals"]
    edit_columns = ["analysis", "proposals"]
    show_fieldsets = [
        (_l("Communication summary"), {"fields": [
            "number", "state_label", "month", "kind_label", "office", "author", "analysis",
            "proposals", "created_at"]}),
        (_l("Leadership's decisions"), {"after": ("submit",), "fields": [
            "submitted_at", "decided_by", "decided_at"]}),
    ]
    add_form_extra_fields = {"month": month_field()}
    description_columns = {
        "analysis": _l("What the month's reports say, taken together."),
        "proposals": _l("Improvement suggestions of your own; each line is decided on by "
                        "leadership."),
    }
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Communication summaries")
    document_label = _l("Communication summary")
    export_columns = ["number", "month", "kind_label", "office.name", "analysis",
                      "state_label"]

    def pre_update(self, item: CommunicationSummary) -> None:
        super().pre_update(item)
        _draft_only(item)

    def show_extra(self, item: CommunicationSummary, session: Any) -> dict[str, Any]:
        held = held_reports(item, session)
        waiting = reports_to_take(item, session) if item.state == "draft" else []
        # Only the reports the reader may read (a company summary spans every office).
        visible = set(session.scalars(apply_scope(
            select(CommunicationReport.id).where(
                CommunicationReport.id.in_([r.id for r in held + waiting])),
            CommunicationReport)))
        held = [r for r in held if r.id in visible]
        waiting = [r for r in waiting if r.id in visible]
        return {"summary_reports": held, "waiting_reports": waiting,
                "suggestions": item.suggestions}


class CommunicationSummaryApi(WorkflowRestApi):
    resource_name = "communication_summary"
    datamodel = documents(CommunicationSummary)
    workflow = SUMMARY
    class_permission_name = P.COMMUNICATION_SUMMARY
    list_columns = ["id", "number", "state", "version", "month", "kind", "office.id",
                    "author.id", "submitted_at", "decided_at"]
    show_columns = list_columns + ["analysis", "proposals", "decided_by.id"]
    add_columns = ["month", "analysis", "proposals"]
    edit_columns = ["analysis", "proposals"]
    order_columns = ["id", "number", "month"]

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        _draft_only(item)


class ImprovementActionView(WorkflowModelView):
    """The work leadership ordered: done by the department, verified by the summariser."""

    datamodel = documents(ImprovementAction)
    workflow = ACTION
    class_permission_name = P.IMPROVEMENT_ACTION
    list_columns = ["number", "department", "task", "due_at", "state_label"]
    search_columns = ["number", "department", "state", "due_at"]
    order_columns = ["number", "due_at"]
    base_order = ("created_at", "desc")
    show_fieldsets = [
        (_l("Improvement action"), {"fields": [
            "number", "state_label", "summary", "department", "task", "due_at",
            "created_at"]}),
        (_l("Done"), {"after": ("done",), "fields": [
            "measure", "done_by", "done_at", "verified_by", "verified_at"]}),
    ]
    label_columns = LABELS
    list_title = show_title = _l("Improvement actions")
    document_label = _l("Improvement action")
    export_columns = ["number", "department.name", "task", "due_at", "measure", "done_at",
                      "state_label"]
    base_permissions = [P.READ, P.EXPORT]  # created by leadership's decision


class ImprovementActionApi(WorkflowRestApi):
    resource_name = "improvement_action"
    datamodel = documents(ImprovementAction)
    workflow = ACTION
    class_permission_name = P.IMPROVEMENT_ACTION
    list_columns = ["id", "number", "state", "version", "summary_id", "suggestion_id",
                    "department.id", "task", "due_at", "done_at", "verified_at"]
    show_columns = list_columns + ["measure", "done_by.id", "verified_by.id"]
    order_columns = ["id", "number", "due_at"]
    base_permissions = [P.READ]
