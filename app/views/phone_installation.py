"""Pages and API of the telephone installations of shopping-centre tenants (R-FD-6).
Thin: registration and every step go through the engine
(app/workflows/phone_installation.py)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from wtforms import SelectField

from app.models.phone_installation import PATHS, PhoneInstallation
from app.security import permissions as P
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.phone_installation import PHONE

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "estate": _l("Estate"), "unit": _l("Shop"), "department": _l("Tenant's department"),
    "tenant": _l("Tenant"), "contact": _l("Contact person"),
    "contact_phone": _l("Contact phone"), "path": _l("How the line is applied for"),
    "path_label": _l("How the line is applied for"),
    "bureau_fee": _l("Initial fee paid at the telecom bureau"),
    "initial_fee": _l("Initial fee"), "materials_fee": _l("Materials and labour"),
    "fee_due": _l("Fee payable to Finance"),
    "bureau_applied_at": _l("Applied at the bureau at"),
    "bureau_receipt": _l("Bureau's receipt number"),
    "application_signed_at": _l("Application signed at"),
    "application_signed_by": _l("Application signed by"),
    "filed_at": _l("Application copy filed at"), "receipt_number": _l("Receipt number"),
    "amount_paid": _l("Amount received"), "paid_at": _l("Paid at"),
    "received_by": _l("Received by"),
    "handed_over_at": _l("Copies and receipt received by the electricians at"),
    "receipt_filed_at": _l("Receipt filed at"), "line_ready_at": _l("Line ready at"),
    "installed_at": _l("Installed at"), "installed_by": _l("Installed by"),
    "registered_by": _l("Registered by"), "created_at": _l("Created at"),
}
EDITABLE = ["tenant", "contact", "contact_phone"]


def _registered_only(item: PhoneInstallation) -> None:
    """The tenant's details change until a step was taken on them."""
    if item.state != "registered":
        raise BadRequest(description=_("Only a registration no step was taken on yet can "
                                       "be changed."))


class PhoneInstallationView(WorkflowModelView):
    """Tenants' telephone lines: the bureau's path or the centre's, fees to Finance, the
    electricians install."""

    datamodel = documents(PhoneInstallation)
    workflow = PHONE
    class_permission_name = P.PHONE_INSTALLATION
    list_columns = ["number", "estate", "unit", "tenant", "path_label", "fee_due",
                    "line_ready_at", "state_label"]
    search_columns = ["number", "estate", "unit", "tenant", "path", "state", "paid_at"]
    order_columns = ["number", "paid_at", "line_ready_at"]
    base_order = ("created_at", "desc")
    add_columns = ["estate", "unit", "path", *EDITABLE]
    edit_columns = EDITABLE
    show_fieldsets = [
        (_l("Telephone installation"), {"fields": [
            "number", "state_label", "estate", "unit", "department", "tenant", "contact",
            "contact_phone", "path_label", "registered_by", "created_at"]}),
        (_l("Fees"), {"fields": [
            "bureau_fee", "initial_fee", "materials_fee", "fee_due", "amount_paid",
            "receipt_number", "received_by", "paid_at"]}),
        (_l("Steps"), {"after": ("record_bureau_application", "sign_application"), "fields": [
            "bureau_applied_at", "bureau_receipt", "application_signed_by",
            "application_signed_at", "filed_at", "handed_over_at", "receipt_filed_at",
            "line_ready_at", "installed_by", "installed_at"]}),
    ]
    add_form_extra_fields = {
        "path": SelectField(_l("How the line is applied for"), choices=list(PATHS.items())),
    }
    description_columns = {
        "path": _l("The fees follow from the path and the current settings."),
    }
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Telephone installation")
    document_label = _l("Telephone installation")
    export_columns = ["number", "estate.name", "unit", "tenant", "contact", "path_label",
                      "bureau_fee", "fee_due", "receipt_number", "paid_at", "line_ready_at",
                      "installed_at", "state_label"]

    def pre_update(self, item: PhoneInstallation) -> None:
        super().pre_update(item)
        _registered_only(item)


class PhoneInstallationApi(WorkflowRestApi):
    resource_name = "phone_installation"
    datamodel = documents(PhoneInstallation)
    workflow = PHONE
    class_permission_name = P.PHONE_INSTALLATION
    choice_columns = {"path": PATHS}
    list_columns = ["id", "number", "state", "version", "estate.id", "estate.name", "unit.id",
                    "department.id", "tenant", "contact", "contact_phone", "path",
                    "fee_due"]
    show_columns = list_columns + [
        "bureau_fee", "initial_fee", "materials_fee", "bureau_applied_at", "bureau_receipt",
        "application_signed_at", "application_signed_by.id", "filed_at", "receipt_number",
        "amount_paid", "paid_at", "received_by.id", "handed_over_at", "receipt_filed_at",
        "line_ready_at", "installed_at", "installed_by.id", "registered_by.id"]
    add_columns = ["estate", "unit", "path", *EDITABLE]
    edit_columns = EDITABLE
    order_columns = ["id", "number", "paid_at"]

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        _registered_only(item)
