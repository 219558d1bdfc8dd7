"""Revisit pages and API (R-RV-1..4) and the routine revisit schedules (R-RV-1): thin
declarations on the shared views. Revisits are made and changed by the engine; schedules
are plain data an office director keeps, checked by the revisit service."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, SelectField

from app.models import Revisit
from app.models.revisit import SCHEDULE_KINDS, RevisitSchedule
from app.security import permissions as P
from app.views.base import ScopedModelView, scoped
from app.views.work_order import LABELS as WORK_ORDER_LABELS
from app.views.work_order import _yes_no
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.revisit import REVISIT, SCHEDULE, check_schedule

LABELS = {
    **WORK_ORDER_LABELS,
    "subject_label": _l("Subject"), "subject": _l("Subject"), "revisitor": _l("Revisitor"),
    "content": _l("Content discussed"), "open_question": _l("Question to answer later"),
    "promised_reply_at": _l("Reply promised by"), "reply": _l("Reply given"),
    "replied_at": _l("Replied at"), "complaint": _l("Complaint"),
    "service_record": _l("Customer-service entry"), "schedule": _l("Revisit schedule"),
    "period": _l("Period"), "new_work_order": _l("New work order"),
}


class RevisitView(WorkflowModelView):
    """Revisits of repairs (R-WO-7), complaints (R-CP-7), register entries (R-CS-6),
    routine visits and new residents (R-RV-1)."""

    datamodel = documents(Revisit)
    workflow = REVISIT
    class_permission_name = P.REVISIT
    exclude_route_methods = {"add", "edit", "delete"}  # created and changed by the engine
    list_columns = ["number", "subject_label", "estate", "unit", "work_order",
                    "assigned_role_label", "assignee", "due_at", "state_label"]
    search_columns = ["number", "subject", "estate", "state", "assignee", "due_at",
                      "work_order", "period"]
    show_fieldsets = [
        (_l("Revisit"), {"fields": [
            "number", "state_label", "subject_label", "work_order", "complaint",
            "service_record", "schedule", "period", "estate", "unit", "resident",
            "assigned_role_label", "assignee", "due_at"]}),
        (_l("Record"), {"after": ("record", "record_problem"), "fields": [
            "mode_label", "revisited_at", "revisitor", "revisitee", "content",
            "repair_checked", "charge_verified", "satisfaction_label", "feedback",
            "suggestions", "problem", "new_work_order"]}),
        (_l("Promised reply"), {"after": ("record",), "fields": [
            "open_question", "promised_reply_at", "reply", "replied_at"]}),
    ]
    base_order = ("due_at", "asc")
    formatters_columns = {"repair_checked": _yes_no, "charge_verified": _yes_no}
    label_columns = LABELS
    list_title = show_title = _l("Revisits")
    document_label = _l("Revisit")


class RevisitApi(WorkflowRestApi):
    resource_name = "revisit"
    datamodel = documents(Revisit)
    workflow = REVISIT
    class_permission_name = P.REVISIT
    include_route_methods = {"get", "get_list", "info", "transitions", "transition",
                             "history", "pdf"}
    list_columns = show_columns = [
        "id", "number", "state", "version", "subject", "estate.id", "unit.id",
        "work_order.id", "work_order.number", "complaint.id", "service_record.id",
        "schedule.id", "period", "resident.id", "assigned_role", "assignee.id", "due_at",
        "mode", "revisited_at", "revisitor.id", "revisitee", "content", "satisfaction",
        "feedback", "problem", "open_question", "promised_reply_at", "reply", "replied_at",
        "new_work_order.id"]


class RevisitScheduleView(ScopedModelView):
    """Routine revisit schedules (R-RV-1), kept by office directors for their offices'
    estates; the periodic job turns them into revisit tasks."""

    datamodel = scoped(RevisitSchedule)
    class_permission_name = SCHEDULE
    list_columns = ["kind_label", "office", "estate", "person", "yearly_count", "active"]
    show_columns = ["kind_label", "office", "estate", "buildings", "person", "yearly_count",
                    "active", "note", "created_at", "updated_at"]
    add_columns = edit_columns = ["kind", "office", "estate", "buildings", "person",
                                  "yearly_count", "active", "note"]
    search_columns = ["kind", "office", "estate", "person", "active"]
    base_order = ("id", "asc")
    add_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=list(SCHEDULE_KINDS.items()),
                            default="director"),
        # A checkbox: unticked means paused, which FAB's required check would refuse.
        "active": BooleanField(_l("Active"), default=True),
    }
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "office": _l("For office director visits of every estate of the office; "
                     "otherwise the estate's office."),
        "estate": _l("Required for area visits and the forum."),
        "buildings": _l("Area visits only: some buildings of the estate; empty: all."),
        "person": _l("Empty: the least-loaded person of the right role."),
        "yearly_count": _l("Office director visits per household and year (1 or 2)."),
    }
    label_columns = {
        "kind": _l("Kind"), "kind_label": _l("Kind"), "office": _l("Management office"),
        "estate": _l("Estate"), "buildings": _l("Buildings"), "person": _l("Revisitor"),
        "yearly_count": _l("Visits per household and year"), "active": _l("Active"),
        "note": _l("Note"), "created_at": _l("Created at"), "updated_at": _l("Last changed"),
    }
    formatters_columns = {"active": _yes_no}
    list_title = show_title = add_title = edit_title = _l("Revisit schedules")

    def pre_add(self, item: Any) -> None:
        super().pre_add(item)
        check_schedule(item)

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        check_schedule(item)
