"""The registry of printable forms: which paper forms each document type prints (R-PR).

A form is an HTML template under app/templates/print/, the document type it prints
(the model's ``__workflow__``), its title (an English message id) and the endpoint of the
record's detail page, which its QR code points to so that a paper copy can be verified.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping

from flask_babel import gettext as _gettext

from app.printing.errors import UnknownForm


def _(message: str) -> str:
    """Marks a title for `bin/i18n extract`; it is translated per print language when the
    form is printed, and in the user's language where a view lists the forms."""
    return message


@dataclass(frozen=True)
class PrintForm:
    key: str
    doc_type: str  # the model's __workflow__: "work_order", "rectification"
    title: str  # English message id, e.g. "Repair form"
    template: str  # e.g. "print/repair_form.html"
    endpoint: str  # detail page for the QR code, e.g. "WorkOrderView.show"
    rules: str = ""  # rule ids of RULES.md the form serves
    # Extra template values computed from the record (e.g. a deadline's due time).
    extra: Callable[[Any], Mapping[str, Any]] | None = field(default=None, compare=False)


def _rectification_due(notice: Any) -> dict[str, Any]:
    """Due time of a rectification: the armed deadline (policy rectification.due, 24 hours
    by default, R-WO-7), else 24 hours after issue."""
    from sqlalchemy import select
    from sqlalchemy.orm import object_session

    from app.models.workflow import DeadlinePolicy, DeadlineTimer

    due = None
    session = object_session(notice)
    if session is not None and notice.id is not None:
        due = session.scalar(
            select(DeadlineTimer.due_at).join(DeadlinePolicy)
            .where(DeadlineTimer.doc_type == "rectification", DeadlineTimer.doc_id == notice.id,
                   DeadlinePolicy.key == "rectification.due")
            .order_by(DeadlineTimer.started_at.desc(), DeadlineTimer.id.desc()).limit(1))
    if due is None and isinstance(notice.issued_at, datetime):
        due = notice.issued_at + timedelta(hours=24)
    return {"due_at": due}


def _service_record_values(record: Any) -> dict[str, Any]:
    """The agent who sent the liaison slip and the handling-plan deadline (R-CS-2, R-CS-4)."""
    from app.workflows.service_record import print_values

    return print_values(record)


def _compensation_values(claim: Any) -> dict[str, Any]:
    """The amount in Chinese capitals and the labels of roles and payment methods (R-CO)."""
    from app.workflows.compensation import print_values

    return print_values(claim)


FORMS: dict[str, PrintForm] = {form.key: form for form in (
    PrintForm("repair_form", "work_order", _("Repair form"), "print/repair_form.html",
              "WorkOrderView.show", "R-WO-1"),
    PrintForm("dispatch_slip", "work_order", _("Dispatch slip"), "print/dispatch_slip.html",
              "WorkOrderView.show", "R-WO-2, R-WO-3, R-WO-4, R-WO-5"),
    PrintForm("service_slip", "work_order", _("Service slip"), "print/service_slip.html",
              "WorkOrderView.show", "R-WO-5"),
    PrintForm("repair_notice", "work_order", _("Repair notice"), "print/repair_notice.html",
              "WorkOrderView.show", "R-WO-6"),
    PrintForm("rectification_notice", "rectification", _("Rectification notice"),
              "print/rectification_notice.html", "RectificationNoticeView.show",
              "R-WO-7, R-RV-3", extra=_rectification_due),
    PrintForm("service_register", "service_record", _("Customer-service information register"),
              "print/service_register.html", "ServiceRecordView.show",
              "R-CS-1, R-CS-2, R-CS-3, R-CS-4, R-CS-5", extra=_service_record_values),
    PrintForm("liaison_slip", "service_record", _("Internal liaison slip"),
              "print/liaison_slip.html", "ServiceRecordView.show", "R-CS-2, R-CS-3, R-CS-4",
              extra=_service_record_values),
    PrintForm("complaint_register", "complaint", _("Complaint register"),
              "print/complaint_register.html", "ComplaintView.show", "R-CP-1, R-CP-2, R-CP-3"),
    PrintForm("complaint_transfer_slip", "complaint", _("Complaint transfer slip"),
              "print/complaint_transfer_slip.html", "ComplaintView.show", "R-CP-1"),
    PrintForm("complaint_revisit_slip", "complaint", _("Complaint handling and revisit slip"),
              "print/complaint_revisit_slip.html", "ComplaintView.show", "R-CP-7"),
    PrintForm("complaint_handling_form", "compensation", _("Complaint handling form"),
              "print/complaint_handling_form.html", "CompensationClaimView.show",
              "R-CO-1, R-CO-2, R-CO-3, R-CO-4, R-CO-5", extra=_compensation_values),
)}


def forms_for(doc_type: str) -> list[PrintForm]:
    """The forms a document type prints, in the order they are offered."""
    return [form for form in FORMS.values() if form.doc_type == doc_type]


def get_form(key: str) -> PrintForm:
    form = FORMS.get(key)
    if form is None:
        raise UnknownForm(_gettext("Unknown form %(form)s.", form=key))
    return form
