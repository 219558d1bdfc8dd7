"""Customer-service register pages and API (顾客服务信息登记表, R-CS-1..6): thin
declarations on the shared workflow views. Registration goes through the engine (form
number, who received it, first history row); dispatch with the internal liaison slip, the
handling plan, urges, answers, closing and the one-click conversion into a work order or a
complaint are transitions. The contact's phone is masked for roles that do not need it
(R-RES-2)."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.routing import BuildError
from wtforms.fields import BooleanField, SelectField

from app.models import ServiceRecord
from app.models.complaint import CONTACT_SOURCES
from app.models.service_record import RECORD_KINDS
from app.security import permissions as P
from app.views.widgets import datetime_field
from app.views.workflow import (
    DOCUMENT_ENDPOINTS,
    WorkflowModelView,
    WorkflowRestApi,
    documents,
)
from app.workflows.service_record import SERVICE_RECORD

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "kind": _l("Kind"), "kind_label": _l("Kind"), "source": _l("Source"),
    "source_label": _l("Source"), "estate": _l("Estate"), "unit": _l("Unit"),
    "resident": _l("Resident"), "contact_name": _l("Contact"),
    "contact_phone": _l("Contact phone"), "content": _l("What the customer said"),
    "urgent": _l("Urgent"), "relayed_orally": _l("Relayed orally"),
    "received_at": _l("Received at"), "received_by": _l("Received by"),
    "registering_department": _l("Receiving department"),
    "department": _l("Handling department"), "liaison_note": _l("Liaison note"),
    "dispatched_at": _l("Dispatched at"), "reply_due_at": _l("Reply due"),
    "plan_method": _l("Method"), "plan_schedule": _l("Schedule"),
    "plan_commitment": _l("Commitment to the customer"), "committed_at": _l("Committed by"),
    "plan_submitted_at": _l("Plan submitted at"), "plan_submitted_by": _l("Plan submitted by"),
    "customer_told_at": _l("Customer told at"), "urge_count": _l("Times urged"),
    "last_urged_at": _l("Last urged at"), "reply": _l("Answer or result"),
    "handled_at": _l("Handled at"), "handled_by": _l("Handled by"),
    "closed_at": _l("Closed at"), "work_order": _l("Work order"),
    "complaint": _l("Complaint"), "revisits": _l("Revisits"), "version": _l("Version"),
}


def document_link(doc: Any) -> Markup | str:
    """The number of a linked document as a link to its detail page (R-CS-1: a converted
    entry keeps its link), or the bare number when that page is not available."""
    if doc is None:
        return ""
    endpoint = DOCUMENT_ENDPOINTS.get(getattr(doc, "__workflow__", ""))
    try:
        url = url_for(endpoint, pk=doc.id) if endpoint else None
    except BuildError:
        url = None
    if url is None:
        return str(doc)
    return Markup('<a href="{url}">{number}</a>').format(url=url, number=str(doc))


def document_links(docs: Any) -> Markup:
    return Markup(", ").join(document_link(d) for d in docs or [])


class ServiceRecordView(WorkflowModelView):
    """The register: the front desk records every contact (R-CS-1), dispatches it to a
    department with an internal liaison slip (R-CS-2), tracks it to the answer and
    closes it into the revisit scope (R-CS-6)."""

    datamodel = documents(ServiceRecord)
    workflow = SERVICE_RECORD
    class_permission_name = P.SERVICE_RECORD
    list_columns = ["number", "received_at", "estate", "unit", "kind_label", "source_label",
                    "urgent", "department", "state_label"]
    search_columns = ["number", "kind", "source", "estate", "unit", "state", "received_at",
                      "department", "urgent", "content"]
    order_columns = ["number", "received_at"]
    base_order = ("received_at", "desc")
    add_columns = ["kind", "source", "urgent", "relayed_orally", "estate", "unit", "resident",
                   "contact_name", "contact_phone", "content", "received_at"]
    edit_columns = ["contact_name", "contact_phone", "content"]
    show_fieldsets = [
        (_l("Register entry"), {"fields": [
            "number", "state_label", "kind_label", "source_label", "urgent",
            "relayed_orally", "estate", "unit", "resident", "contact_name", "contact_phone",
            "content", "received_at", "received_by", "registering_department"]}),
        (_l("Internal liaison slip"), {"after": ("dispatch",), "fields": [
            "department", "liaison_note", "dispatched_at", "reply_due_at"]}),
        (_l("Handling plan"), {"after": ("submit_plan",), "fields": [
            "plan_method", "plan_schedule", "plan_commitment", "committed_at",
            "plan_submitted_by", "plan_submitted_at", "customer_told_at", "urge_count",
            "last_urged_at"]}),
        (_l("Answer and follow-up"), {"after": ("answer_on_spot", "handle"), "fields": [
            "reply", "handled_by", "handled_at", "closed_at", "work_order", "complaint",
            "revisits"]}),
    ]
    add_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=list(RECORD_KINDS.items())),
        "source": SelectField(_l("Source"), choices=list(CONTACT_SOURCES.items()),
                              default="phone"),
        "urgent": BooleanField(_l("Urgent")),
        "relayed_orally": BooleanField(_l("Relayed orally")),
        # Empty means "now" (the engine fills it); a past time for contacts taken on paper.
        "received_at": datetime_field(_l("Received at")),
    }
    description_columns = {
        # R-CS-2
        "relayed_orally": _l("An urgent matter may be relayed to the department by word of "
                             "mouth; it is still recorded here."),
        "received_at": _l("Leave empty for now; fill in for a contact taken earlier."),
        "contact_name": _l("Empty: the resident's name."),
        "contact_phone": _l("Empty: the resident's phone."),
    }
    # Yes / No columns (urgent, relayed orally) read through the base view's formatter.
    formatters_columns = {"work_order": document_link, "complaint": document_link,
                          "revisits": document_links}
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Customer-service register")
    document_label = _l("Register entry")
    # R-CS-1: a converted entry opens the new work order or complaint.
    lands_on = {"to_work_order": "work_order", "to_complaint": "complaint"}
    export_columns = ["number", "received_at", "estate.name", "kind_label", "source_label",
                      "urgent", "contact_name", "contact_phone", "content", "department.name",
                      "state_label"]


class ServiceRecordApi(WorkflowRestApi):
    resource_name = "service_record"
    datamodel = documents(ServiceRecord)
    workflow = SERVICE_RECORD
    class_permission_name = P.SERVICE_RECORD
    list_columns = ["id", "number", "state", "version", "kind", "source", "urgent",
                    "relayed_orally", "estate.id", "estate.name", "unit.id", "unit.number",
                    "department.id", "department.name", "received_at", "reply_due_at",
                    "committed_at"]
    show_columns = list_columns + [
        "resident.id", "contact_name", "contact_phone", "content", "received_by.id",
        "registering_department.id", "liaison_note", "dispatched_at", "plan_method",
        "plan_schedule", "plan_commitment", "plan_submitted_at", "customer_told_at",
        "urge_count", "last_urged_at", "reply", "handled_at", "closed_at", "work_order.id",
        "work_order.number", "complaint.id", "complaint.number"]
    add_columns = ["kind", "source", "urgent", "relayed_orally", "estate", "unit", "resident",
                   "contact_name", "contact_phone", "content", "received_at"]
    edit_columns = ["contact_name", "contact_phone", "content"]
    search_columns = ["number", "kind", "source", "estate", "state", "received_at",
                      "department", "urgent"]
    choice_columns = {"kind": RECORD_KINDS, "source": CONTACT_SOURCES}
