"""Work order, revisit and rectification pages and APIs (R-WO-1..7): thin declarations on
the shared workflow views. Registration goes through the engine (form number, emergency
deadline, first history row); every later step is a transition."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, request, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields import BooleanField, MultipleFileField, SelectField

from app.models import RectificationNotice, WorkOrder, WorkOrderPhoto
from app.models.base import local_now
from app.models.work_order import CATEGORIES, SOURCES
from app.security import permissions as P
from app.security.scope import apply_scope
from app.uploads import IMAGE_TYPES, UploadRefused, download_response, read_uploads
from app.views.widgets import datetime_field
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.engine import InvalidData
from app.workflows.revisit import RECTIFICATION
from app.workflows.work_order import WORK_ORDER
from app.workflows.workload import technician_workload

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "source": _l("Source"), "source_label": _l("Source"), "category": _l("Category"),
    "category_label": _l("Category"), "emergency": _l("Emergency"), "estate": _l("Estate"),
    "unit": _l("Unit"), "resident": _l("Resident"), "contact_name": _l("Contact"),
    "contact_phone": _l("Contact phone"), "location": _l("Location"),
    "description": _l("Description"), "reported_at": _l("Reported at"),
    "registered_by": _l("Registered by"), "registering_department": _l("Registered by department"),
    "department": _l("Handling department"), "technician": _l("Technician"),
    "dispatched_at": _l("Dispatched at"), "accepted_at": _l("Accepted at"),
    "arrived_at": _l("Arrived at"), "appointment_at": _l("Appointment"),
    "labour_hours": _l("Labour hours"), "materials": _l("Materials"), "fee": _l("Fee"),
    "customer_consent": _l("The customer agrees"), "decline_reason": _l("Reason declined"),
    "not_fixable_reason": _l("Why not fixable now"), "work_done": _l("Work done"),
    "completed_at": _l("Completed at"), "signed_by": _l("Signed by"),
    "customer_accepted_at": _l("Accepted by customer at"),
    "satisfaction_label": _l("Satisfaction"), "customer_remarks": _l("Customer remarks"),
    "amount_paid": _l("Amount received"), "payment_method_label": _l("Payment method"),
    "received_by": _l("Received by"), "handed_to": _l("Handed to property officer"),
    "paid_at": _l("Paid at"), "invoice_number": _l("Invoice number"),
    "invoice_issued_at": _l("Invoice issued at"), "closed_at": _l("Closed at"),
    "cancel_reason": _l("Reason cancelled"), "notice_signed_by": _l("Repair notice signed by"),
    "notice_signed_at": _l("Repair notice signed at"),
    "notice_visit_at": _l("Engineering visit time"), "resident_told_at": _l("Resident told at"),
    "photos": _l("Photos"), "photo_files": _l("Photos"), "version": _l("Version"),
    "due_at": _l("Due"),
    "assigned_role_label": _l("Revisit by"), "assignee": _l("Assigned to"),
    "work_order": _l("Work order"), "mode_label": _l("Mode"),
    "revisited_at": _l("Revisited at"), "revisitee": _l("Revisitee (signs)"),
    "repair_checked": _l("Repair inspected"), "charge_verified": _l("Charge verified"),
    "feedback": _l("Feedback on the technician's service"), "suggestions": _l("Suggestions"),
    "problem": _l("Problem found"), "revisit": _l("Revisit"), "issued_by": _l("Issued by"),
    "issued_at": _l("Issued at"), "action_taken": _l("Action taken"),
    "rectified_at": _l("Rectified at"), "verified_at": _l("Verified at"),
}


def _yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


class WorkOrderView(WorkflowModelView):
    """Repairs: the front desk registers, Engineering dispatches and works them."""

    datamodel = documents(WorkOrder)
    workflow = WORK_ORDER
    class_permission_name = P.WORK_ORDER
    list_columns = ["number", "estate", "unit", "category_label", "emergency", "state_label",
                    "technician", "reported_at"]
    search_columns = ["number", "estate", "unit", "category", "state", "emergency",
                      "technician", "reported_at", "description"]
    order_columns = ["number", "reported_at"]
    base_order = ("reported_at", "desc")
    add_columns = ["source", "category", "emergency", "estate", "unit", "resident",
                   "contact_name", "contact_phone", "location", "description", "reported_at",
                   "photo_files"]
    edit_columns = ["contact_name", "contact_phone", "location", "description"]
    show_fieldsets = [
        (_l("Repair form"), {"fields": [
            "number", "state_label", "source_label", "category_label", "emergency", "estate",
            "unit", "resident", "contact_name", "contact_phone", "location", "description",
            "reported_at", "registered_by", "registering_department", "photos"]}),
        # Each later section is shown once its step has happened (app/views/sections.py).
        (_l("Dispatch"), {"after": ("dispatch",), "fields": [
            "department", "technician", "dispatched_at", "accepted_at", "appointment_at",
            "notice_signed_by", "notice_signed_at", "notice_visit_at", "resident_told_at"]}),
        (_l("On site"), {"after": ("arrive",), "fields": [
            "arrived_at", "labour_hours", "materials", "fee", "customer_consent",
            "decline_reason", "not_fixable_reason", "work_done", "completed_at"]}),
        (_l("Acceptance and payment"), {"after": ("customer_accept",), "fields": [
            "signed_by", "customer_accepted_at", "satisfaction_label", "customer_remarks",
            "amount_paid", "payment_method_label", "received_by", "handed_to", "paid_at",
            "invoice_number", "invoice_issued_at", "closed_at", "cancel_reason"]}),
    ]
    add_form_extra_fields = {
        "source": SelectField(_l("Source"), choices=list(SOURCES.items())),
        "category": SelectField(_l("Category"), choices=list(CATEGORIES.items())),
        "emergency": BooleanField(_l("Emergency")),
        "photo_files": MultipleFileField(_l("Photos")),
        # Empty means "now" (the engine fills it); a past time for reports taken on paper.
        "reported_at": datetime_field(_l("Reported at")),
    }
    description_columns = {
        # R-WO-2
        "emergency": _l("An emergency repair needs the technician on site within 15 "
                        "minutes of the report."),
        "reported_at": _l("Leave empty for now; fill in for a report taken earlier."),
        "photo_files": _l("JPEG, PNG or WebP, each at most the configured size."),
    }
    formatters_columns = {"emergency": _yes_no,
                          "customer_consent": _yes_no}
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Work orders")
    document_label = _l("Work order")
    # The fault, where and how urgent, on every step's form (dispatch above all).
    transition_summary_columns = ["category_label", "emergency", "unit", "location",
                                  "description"]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.formatters_columns = {**self.formatters_columns, "photos": self._photo_links}

    def transition_extra(self, transition: Any, items: list[Any], fields: list[dict],
                         session: Any) -> dict[str, Any]:
        """Beside a technician choice: each offered person's open work (R-WO-2)."""
        field = next((f for f in fields if f["name"] == "technician_id"), None)
        if field is None:
            return {}
        people = {int(k): v for k, v in field.get("choices", {}).items()}
        return {"workload": {"field": field["name"],
                             "rows": technician_workload(session, people, local_now())}}

    def _photo_links(self, photos: Any) -> Markup:
        links = [Markup('<a href="{url}" target="_blank">{name}</a>').format(
            url=url_for(f"{self.__class__.__name__}.photo", photo_id=p.id),
            name=p.filename) for p in photos or []]
        return Markup(", ").join(links)

    def pre_add(self, item: WorkOrder) -> None:
        super().pre_add(item)
        item.photos = read_photos(request.files.getlist("photo_files"))

    @expose("/photo/<int:photo_id>", methods=["GET"])
    @has_access
    def photo(self, photo_id: int):
        session = self.datamodel.session
        photo = session.scalar(apply_scope(select(WorkOrderPhoto), WorkOrderPhoto)
                               .where(WorkOrderPhoto.id == photo_id))
        if photo is None:
            abort(404)
        return download_response(photo.data, content_type=photo.content_type,
                                 filename=photo.filename, inline=True)


def read_photos(files: list[Any]) -> list[WorkOrderPhoto]:
    """Uploaded photos checked by content (app/uploads.py); a refused file is an
    InvalidData on the field, so the add form comes back with the input kept (400)."""
    try:
        uploads = read_uploads(
            files, allowed_types=current_app.config.get("PHOTO_TYPES", IMAGE_TYPES),
            max_bytes=int(current_app.config.get("PHOTO_MAX_BYTES", 5 * 1024 * 1024)))
    except UploadRefused as refusal:
        raise InvalidData(_("Please correct the highlighted fields."),
                          {"photo_files": refusal.message}) from None
    return [WorkOrderPhoto(filename=u.filename, content_type=u.content_type, size=u.size,
                           data=u.data, uploaded_at=local_now()) for u in uploads]


class RectificationNoticeView(WorkflowModelView):
    """Written rectification notices to the technician, due within 24 hours (R-WO-7)."""

    datamodel = documents(RectificationNotice)
    workflow = RECTIFICATION
    class_permission_name = P.RECTIFICATION
    exclude_route_methods = {"add", "edit", "delete"}  # created and changed by the engine
    list_columns = ["number", "estate", "work_order", "technician", "issued_at", "state_label"]
    search_columns = ["number", "estate", "state", "technician", "issued_at"]
    show_columns = ["number", "state_label", "revisit", "work_order", "estate", "technician",
                    "issued_by", "issued_at", "problem", "action_taken", "rectified_at",
                    "verified_at"]
    base_order = ("issued_at", "desc")
    label_columns = LABELS
    list_title = show_title = _l("Rectification notices")
    document_label = _l("Rectification notice")


# --- REST --------------------------------------------------------------------------------

class WorkOrderApi(WorkflowRestApi):
    resource_name = "work_order"
    datamodel = documents(WorkOrder)
    workflow = WORK_ORDER
    class_permission_name = P.WORK_ORDER
    list_columns = ["id", "number", "state", "version", "category", "emergency", "source",
                    "estate.id", "estate.name", "unit.id", "unit.number", "technician.id",
                    "technician.username", "reported_at", "description"]
    show_columns = list_columns + [
        "resident.id", "contact_name", "contact_phone", "location", "department.id",
        "dispatched_at", "accepted_at", "arrived_at", "appointment_at", "labour_hours",
        "materials", "fee", "work_done", "completed_at", "signed_by", "satisfaction",
        "amount_paid", "payment_method", "paid_at", "invoice_number", "closed_at"]
    add_columns = ["source", "category", "emergency", "estate", "unit", "resident",
                   "contact_name", "contact_phone", "location", "description", "reported_at"]
    edit_columns = ["contact_name", "contact_phone", "location", "description"]
    search_columns = ["number", "estate", "state", "category", "emergency", "technician"]
    choice_columns = {"category": CATEGORIES, "source": SOURCES}


class RectificationNoticeApi(WorkflowRestApi):
    resource_name = "rectification_notice"
    datamodel = documents(RectificationNotice)
    workflow = RECTIFICATION
    class_permission_name = P.RECTIFICATION
    include_route_methods = {"get", "get_list", "info", "transitions", "transition",
                             "history", "pdf"}
    list_columns = show_columns = ["id", "number", "state", "version", "estate.id",
                                   "work_order.id", "technician.id", "issued_at", "problem",
                                   "action_taken"]
