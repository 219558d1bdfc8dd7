"""Complaint pages and APIs (R-CP-1..9), collective cases (R-CP-4 e) and the office
director's daily sign-off of the complaint register (R-CP-6): thin declarations on the
shared workflow views; the complainant's phone is masked for roles that do not need it
(R-RES-2)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms.fields import SelectField

from app.models import CollectiveCase, Complaint, Estate, Office, RegisterSignOff
from app.models.base import local_now
from app.models.complaint import CLASSES, CONTACT_SOURCES, MATTERS
from app.security import permissions as P
from app.security.actor import Actor
from app.views.widgets import datetime_field
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.complaint import COLLECTIVE, COMPLAINT
from app.workflows.complaint_report import (
    REVISIT_TARGET,
    VALID_RATE_TARGET,
    Period,
    PeriodError,
    complaint_statistics,
)

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "source": _l("Source"), "source_label": _l("Source"), "estate": _l("Estate"),
    "unit": _l("Unit"), "resident": _l("Resident"), "complainant_name": _l("Complainant"),
    "complainant_phone": _l("Complainant's phone"), "event_time": _l("Time of the event"),
    "event_place": _l("Place of the event"), "subject": _l("Complained about"),
    "subject_department": _l("Department complained about"), "matter": _l("Matter"),
    "matter_label": _l("Matter"), "description": _l("What happened"),
    "customer_request": _l("What the customer wants"), "received_at": _l("Received at"),
    "received_by": _l("Received by"), "registering_department": _l("Receiving department"),
    "immediate_reply": _l("Reply given at once"), "agreed_reply_at": _l("Agreed reply time"),
    "customer_requested_by": _l("Customer's requested date"),
    "department": _l("Responsible department"), "handler": _l("Responsible person"),
    "transferred_at": _l("Transferred at"), "complaint_class": _l("Class"),
    "class_label": _l("Class"), "class_reason": _l("Reason for the class"),
    "criteria_labels": _l("Major criteria"), "assist_scope_label": _l("Assist scope"),
    "developer_caused": _l("Caused by the developer"), "classified_by": _l("Classified by"),
    "classified_at": _l("Classified at"), "collective": _l("Collective"),
    "auto_upgraded_at": _l("Upgraded automatically at"),
    "gm_received_at": _l("Received by the general manager at"),
    "gm_received_by": _l("General manager"), "replied_at": _l("Replied at"),
    "reply": _l("Reply"), "site_visit_at": _l("On-site time"),
    "resident_told_at": _l("Resident told at"),
    "forwarded_to_developer_at": _l("Forwarded to the developer at"),
    "developer_followup": _l("Developer's follow-up"), "result": _l("How it was resolved"),
    "resolved_at": _l("Resolved at"), "resolved_by": _l("Resolved by"),
    "reopened_count": _l("Times reopened"), "closed_at": _l("Closed at"),
    "detected_at": _l("Detected at"), "household_count": _l("Households"),
    "complaints": _l("Complaints"), "decided_by": _l("Decided by"),
    "decided_at": _l("Decided at"),
}


def _yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


_datetime = datetime_field


class ComplaintView(WorkflowModelView):
    """The complaint register: registration by the front desk, classification by a
    supervisor, handling by the responsible department, the revisit and closing."""

    datamodel = documents(Complaint)
    workflow = COMPLAINT
    class_permission_name = P.COMPLAINT
    list_columns = ["number", "estate", "matter_label", "class_label", "state_label",
                    "complainant_name", "received_at"]
    search_columns = ["number", "estate", "unit", "matter", "complaint_class", "state",
                      "collective", "received_at", "handler", "department"]
    order_columns = ["number", "received_at"]
    base_order = ("received_at", "desc")
    add_columns = ["source", "estate", "unit", "resident", "complainant_name",
                   "complainant_phone", "event_time", "event_place", "subject",
                   "subject_department", "matter", "description", "customer_request",
                   "immediate_reply", "agreed_reply_at", "customer_requested_by"]
    edit_columns = ["event_place", "subject", "description", "customer_request"]
    show_fieldsets = [
        (_l("Complaint register"), {"fields": [
            "number", "state_label", "source_label", "estate", "unit", "resident",
            "complainant_name", "complainant_phone", "event_time", "event_place", "subject",
            "subject_department", "matter_label", "description", "customer_request",
            "received_at", "received_by", "registering_department"]}),
        (_l("Reply"), {"after": ("reply",), "fields": [
            "immediate_reply", "agreed_reply_at", "replied_at", "reply",
            "customer_requested_by", "site_visit_at", "resident_told_at"]}),
        (_l("Classification"), {"after": ("classify",), "fields": [
            "class_label", "class_reason", "criteria_labels", "assist_scope_label",
            "developer_caused", "collective", "classified_by", "classified_at",
            "auto_upgraded_at", "gm_received_by", "gm_received_at"]}),
        (_l("Handling"), {"after": ("transfer", "start_handling", "forward_to_developer",
                                    "resolve", "close_unfounded"), "fields": [
            "department", "handler", "transferred_at", "forwarded_to_developer_at",
            "developer_followup", "result", "resolved_by", "resolved_at", "reopened_count",
            "closed_at"]}),
    ]
    add_form_extra_fields = {
        "source": SelectField(_l("Source"), choices=list(CONTACT_SOURCES.items())),
        "matter": SelectField(_l("Matter"), choices=list(MATTERS.items())),
        "event_time": _datetime(_l("Time of the event"), required=True),
        "agreed_reply_at": _datetime(_l("Agreed reply time")),
        "customer_requested_by": _datetime(_l("Customer's requested date")),
    }
    description_columns = {
        # R-CP-2
        "immediate_reply": _l("Reply at once when you can; otherwise agree a reply time "
                              "with the complainant."),
        # R-CP-5
        "customer_requested_by": _l("A general complaint is resolved by this date when the "
                                    "customer asks for one, else within 2 days."),
        # R-CP-4
        "matter": _l("Five or more households of one estate on the same matter at the same "
                     "time are proposed as a collective complaint."),
    }
    formatters_columns = {"developer_caused": _yes_no, "collective": _yes_no}
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Complaints")
    document_label = _l("Complaint")
    export_columns = ["number", "received_at", "estate.name", "matter_label", "class_label",
                      "state_label", "complainant_name", "complainant_phone", "subject"]


class CollectiveCaseView(WorkflowModelView):
    """Collective complaints proposed by the system; a supervisor confirms or dismisses."""

    datamodel = documents(CollectiveCase)
    workflow = COLLECTIVE
    class_permission_name = P.COLLECTIVE_CASE
    exclude_route_methods = {"add", "edit", "delete"}  # proposed by the system
    list_columns = ["number", "estate", "matter_label", "household_count", "detected_at",
                    "state_label"]
    search_columns = ["number", "estate", "matter", "state", "detected_at"]
    show_columns = ["number", "state_label", "estate", "matter_label", "household_count",
                    "detected_at", "complaints", "decided_by", "decided_at"]
    base_order = ("detected_at", "desc")
    label_columns = LABELS
    list_title = show_title = _l("Collective cases")
    document_label = _l("Collective case")


class ComplaintApi(WorkflowRestApi):
    resource_name = "complaint"
    datamodel = documents(Complaint)
    workflow = COMPLAINT
    class_permission_name = P.COMPLAINT
    list_columns = ["id", "number", "state", "version", "source", "matter",
                    "complaint_class", "collective", "estate.id", "estate.name", "unit.id",
                    "complainant_name", "complainant_phone", "received_at", "handler.id",
                    "department.id"]
    show_columns = list_columns + [
        "resident.id", "event_time", "event_place", "subject", "subject_department.id",
        "description", "customer_request", "immediate_reply", "agreed_reply_at",
        "customer_requested_by", "replied_at", "reply", "class_reason", "major_criteria",
        "assist_scope", "developer_caused", "classified_at", "gm_received_at", "result",
        "resolved_at", "closed_at", "reopened_count"]
    add_columns = ["source", "estate", "unit", "resident", "complainant_name",
                   "complainant_phone", "event_time", "event_place", "subject",
                   "subject_department", "matter", "description", "customer_request",
                   "immediate_reply", "agreed_reply_at", "customer_requested_by"]
    edit_columns = ["event_place", "subject", "description", "customer_request"]
    search_columns = ["number", "estate", "state", "matter", "complaint_class", "collective"]
    choice_columns = {"source": CONTACT_SOURCES, "matter": MATTERS,
                      "complaint_class": CLASSES}


class CollectiveCaseApi(WorkflowRestApi):
    resource_name = "collective_case"
    datamodel = documents(CollectiveCase)
    workflow = COLLECTIVE
    class_permission_name = P.COLLECTIVE_CASE
    include_route_methods = {"get", "get_list", "info", "transitions", "transition",
                             "history"}
    list_columns = show_columns = ["id", "number", "state", "version", "estate.id", "matter",
                                   "household_count", "detected_at"]


# --- the director's daily sign-off (R-CP-6) ---------------------------------------------------

class RegisterSignOffView(BaseView):
    """Each day of each office the person directs: complaints received, whether the register
    was signed off, and the days still waiting for the director's signature."""

    route_base = "/complaint-signoff"
    class_permission_name = P.SIGNOFF
    method_permission_name = {"index": "read", "sign": "create"}
    default_view = "index"
    days_shown = 31

    def _offices(self, actor: Actor) -> list[Office]:
        session = self.appbuilder.session
        query = select(Office).order_by(Office.name)
        if not actor.scope.unrestricted:
            query = query.where(Office.id.in_(actor.scope.office_ids))
        return list(session.scalars(query))

    @expose("/")
    @has_access
    def index(self):
        actor = Actor.current()
        session = self.appbuilder.session
        today = local_now().date()
        first = today - timedelta(days=self.days_shown - 1)
        offices = self._offices(actor)
        counts = {(office_id, day): n for office_id, day, n in session.execute(
            select(Estate.office_id, func.date(Complaint.received_at), func.count())
            .join(Estate, Estate.id == Complaint.estate_id)
            .where(Complaint.received_at >= first, Estate.office_id.in_([o.id for o in offices]))
            .group_by(Estate.office_id, func.date(Complaint.received_at)))}
        signed = {(s.office_id, s.day): s for s in session.scalars(
            select(RegisterSignOff).where(RegisterSignOff.day >= first,
                                          RegisterSignOff.office_id.in_(
                                              [o.id for o in offices])))}
        can_sign = self.appbuilder.sm.has_access("can_create", P.SIGNOFF)
        rows = []
        for office in offices:
            for offset in range(self.days_shown):
                day = today - timedelta(days=offset)
                n = counts.get((office.id, day)) or counts.get((office.id, day.isoformat()), 0)
                rows.append({"office": office, "day": day, "count": n,
                             "signoff": signed.get((office.id, day))})
        waiting = [r for r in rows if r["signoff"] is None and r["day"] < today]
        return self.render_template(
            "complaint/signoff.html", title=_("Complaint register sign-off"), rows=rows,
            waiting=waiting, can_sign=can_sign and _directs(actor), today=today)

    @expose("/sign", methods=["POST"])
    @has_access
    def sign(self):
        actor = Actor.current()
        if not _directs(actor):
            abort(403)
        office_id = request.form.get("office_id", type=int)
        try:
            day = date.fromisoformat(request.form.get("day", ""))
        except ValueError:
            flash(_("Enter a date such as 2026-10-08."), "danger")
            return redirect(url_for("RegisterSignOffView.index"))
        offices = {o.id: o for o in self._offices(actor)}
        if office_id not in offices:
            abort(404)
        if day > local_now().date():
            flash(_("A day can be signed off once it has begun."), "danger")
            return redirect(url_for("RegisterSignOffView.index"))
        session = self.appbuilder.session
        count = session.scalar(
            select(func.count(Complaint.id)).join(Estate, Estate.id == Complaint.estate_id)
            .where(Estate.office_id == office_id,
                   func.date(Complaint.received_at) == day)) or 0
        session.add(RegisterSignOff(office_id=office_id, day=day, complaint_count=count,
                                    signed_by_id=actor.user_id, signed_at=local_now(),
                                    remark=(request.form.get("remark") or "")[:500] or None))
        try:
            session.flush()  # the request commits; a second sign-off of the day fails here
        except IntegrityError:
            session.rollback()
            flash(_("%(day)s is already signed off.", day=day.isoformat()), "warning")
        else:
            flash(_("Complaint register of %(day)s signed off.", day=day.isoformat()),
                  "success")
        return redirect(url_for("RegisterSignOffView.index"))


def _directs(actor: Actor) -> bool:
    """Office directors sign off their offices (R-CP-6); admins may stand in."""
    return actor.is_admin or bool(actor.scope.managed_office_ids)


# --- monthly and quarterly statistics (R-CP-8, R-RV-4) ----------------------------------------

class ComplaintReportView(BaseView):
    """Complaints by class, processing and timeliness rates, revisit rate and the
    valid-complaint rate: per office for a month, per branch for a quarter."""
    route_base = "/complaint-report"
    class_permission_name = P.COMPLAINT_STATISTICS
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        today = local_now().date()
        text = request.args.get("period") or f"{today.year}-{today.month:02d}"
        try:
            period = Period.parse(text)
        except PeriodError:
            flash(_("Write the period as 2026-11 (a month) or 2026-Q4 (a quarter)."), "danger")
            period = Period.parse(f"{today.year}-{today.month:02d}")
        rows = complaint_statistics(self.appbuilder.session, Actor.current().scope, period)
        return self.render_template(
            "complaint/report.html", title=_("Complaint statistics"), rows=rows,
            period=period, classes=CLASSES, revisit_target=REVISIT_TARGET,
            valid_target=VALID_RATE_TARGET)
