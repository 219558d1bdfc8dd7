"""Pages and API of the newspaper subscriptions (R-FD-4) and their register by unit. Thin:
registration and every step go through the engine (app/workflows/newspaper.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_appbuilder.models.sqla.filters import FilterGreater
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import object_session
from werkzeug.exceptions import BadRequest

from app.models.newspaper import NewspaperSubscription
from app.security import permissions as P
from app.views.base import ScopedModelView, scoped
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.newspaper import NEWSPAPER, fix_period, period_errors

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "estate": _l("Estate"), "unit": _l("Unit"), "resident": _l("Resident"),
    "subscriber": _l("Subscriber"), "title": _l("Newspaper or magazine"),
    "starts_on": _l("From"), "months": _l("Months"), "ends_on": _l("Until"),
    "supplier": _l("Supplier or post office"), "unit_price": _l("Price per month"),
    "total": _l("Total"), "checked_at": _l("Price checked at"),
    "checked_by": _l("Price checked by"),
    "confirmation_signed_at": _l("Confirmation signed at"),
    "requisition_submitted_at": _l("Requisition submitted at"),
    "requisition_approved_at": _l("Requisition approved at"),
    "requisition_approved_by": _l("Requisition approved by"),
    "ordered_at": _l("Ordered at"), "order_reference": _l("Order receipt or fax reference"),
    "registered_at": _l("Registered at"), "cancel_from": _l("Deliveries stop from"),
    "cancel_notice_signed_at": _l("Cancellation notice signed at"),
    "supplier_notified_on": _l("Supplier notified on"),
    "supplier_notice_reference": _l("Fax or letter reference"),
    "register_marked_at": _l("Register marked at"), "ended_at": _l("Ended at"),
    "handled_by": _l("Handled by"), "created_at": _l("Created at"),
}
EDITABLE = ["subscriber", "title", "starts_on", "months"]


class PeriodRefused(BadRequest):
    """A period the rule refuses, with the field it concerns (400, never a 500)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(description=next(iter(errors.values())))


def _check_edit(item: NewspaperSubscription) -> None:
    """Title and period change until the supplier quoted for them; at least one month."""
    if item.state != "requested":
        raise BadRequest(description=_("Only a request not yet priced can be changed; "
                                       "withdraw it and register a new one."))
    errors = period_errors(item, object_session(item))
    if errors:
        raise PeriodRefused(errors)
    fix_period(item)


class NewspaperSubscriptionView(WorkflowModelView):
    """Subscriptions taken for residents: priced with the supplier, confirmed by the
    resident, approved, ordered, registered by unit, cancelled in writing."""

    datamodel = documents(NewspaperSubscription)
    workflow = NEWSPAPER
    class_permission_name = P.NEWSPAPER
    list_columns = ["number", "estate", "unit", "subscriber", "title", "starts_on", "months",
                    "total", "state_label"]
    search_columns = ["number", "estate", "unit", "subscriber", "title", "state", "starts_on"]
    order_columns = ["number", "starts_on"]
    base_order = ("created_at", "desc")
    add_columns = ["estate", "unit", "resident", *EDITABLE]
    edit_columns = EDITABLE
    show_fieldsets = [
        (_l("Newspaper subscription"), {"fields": [
            "number", "state_label", "estate", "unit", "resident", "subscriber", "title",
            "starts_on", "months", "ends_on", "handled_by", "created_at"]}),
        (_l("Supplier and price"), {"after": ("check_supplier",), "fields": [
            "supplier", "unit_price", "total", "checked_by", "checked_at"]}),
        (_l("Confirmation and requisition"), {"after": ("confirm",), "fields": [
            "confirmation_signed_at", "requisition_submitted_at", "requisition_approved_by",
            "requisition_approved_at", "ordered_at", "order_reference", "registered_at"]}),
        (_l("Cancellation"), {"after": ("record_cancellation",), "fields": [
            "cancel_from", "cancel_notice_signed_at", "supplier_notified_on",
            "supplier_notice_reference", "register_marked_at"]}),
    ]
    description_columns = {
        "months": _l("At least one month; suppliers charge by the month."),
        "subscriber": _l("Empty: the resident chosen."),
    }
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Newspaper subscriptions")
    document_label = _l("Newspaper subscription")
    export_columns = ["number", "estate.name", "unit", "subscriber", "title", "starts_on",
                      "months", "ends_on", "supplier", "unit_price", "total", "state_label"]

    def pre_update(self, item: NewspaperSubscription) -> None:
        super().pre_update(item)
        _check_edit(item)


class NewspaperRegisterView(ScopedModelView):
    """The register by unit (报刊登记册): every subscription ordered and registered, unit by
    unit, the cancelled ones marked."""

    datamodel = scoped(NewspaperSubscription)
    class_permission_name = P.NEWSPAPER_REGISTER
    base_permissions = ["can_read"]
    base_filters = [["registered_at", FilterGreater, datetime(2000, 1, 1)]]
    base_order = ("unit_id", "asc")
    list_columns = ["unit", "subscriber", "title", "starts_on", "ends_on", "months",
                    "state_label", "cancel_from", "number"]
    show_columns = ["number", "estate", "unit", "subscriber", "title", "starts_on", "ends_on",
                    "months", "supplier", "total", "registered_at", "state_label",
                    "cancel_from", "register_marked_at"]
    search_columns = ["estate", "unit", "title", "starts_on", "state"]
    order_columns = ["starts_on"]
    label_columns = LABELS
    list_title = show_title = _l("Newspaper register by unit")


class NewspaperSubscriptionApi(WorkflowRestApi):
    resource_name = "newspaper_subscription"
    datamodel = documents(NewspaperSubscription)
    workflow = NEWSPAPER
    class_permission_name = P.NEWSPAPER
    list_columns = ["id", "number", "state", "version", "estate.id", "estate.name", "unit.id",
                    "subscriber", "title", "starts_on", "months", "ends_on", "total"]
    show_columns = list_columns + [
        "resident.id", "supplier", "unit_price", "checked_at", "checked_by.id",
        "confirmation_signed_at", "requisition_submitted_at", "requisition_approved_at",
        "requisition_approved_by.id", "ordered_at", "order_reference", "registered_at",
        "cancel_from", "cancel_notice_signed_at", "supplier_notified_on",
        "supplier_notice_reference", "register_marked_at", "ended_at", "handled_by.id"]
    add_columns = ["estate", "unit", "resident", *EDITABLE]
    edit_columns = EDITABLE
    order_columns = ["id", "number", "starts_on"]

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        _check_edit(item)
