"""Work order workflow (R-WO-1..7), as a table a department head can read.

The state diagram is drawn from this table: Administration → Workflow diagrams.

Deadlines: emergency on site 15 minutes after the report (armed at registration), ready
10 minutes after dispatch, appointment kept (R-WO-2). Completion creates the revisit (R-WO-7).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Department, StaffProfile
from app.models.staff import profile_departments
from app.models.work_order import (
    CATEGORIES,
    PAYMENT_METHODS,
    SATISFACTION,
    SOURCES,
    WorkOrder,
)
from app.security import permissions as P
from app.security.actor import Actor
from app.workflows import staffing
from app.workflows.engine import InvalidData
from app.workflows.registration import check_place, registering_department
from app.workflows.registry import (
    EVERY_ROLE,
    N_,
    TO_HANDLER_AND_UP,
    DocumentType,
    Menu,
    Policy,
    PrintForm,
    declare,
)
from app.workflows.revisit import create_repair_revisit
from app.workflows.table import Arm, Context, Field, Transition, Workflow

STATES = {
    "registered": _l("Registered"),
    "dispatched": _l("Dispatched"),
    "accepted": _l("Accepted by technician"),
    "appointment_agreed": _l("Appointment agreed"),
    "on_site": _l("On site"),
    "in_progress": _l("In progress"),
    "declined": _l("Declined by customer"),
    "completed": _l("Completed"),
    "customer_accepted": _l("Accepted by customer"),
    "paid": _l("Paid"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
}

# Who does what by default (admins grant more in Security → List Roles).
FRONT_DESK = (P.ROLE_FRONT_DESK_AGENT,)
DISPATCHERS = (P.ROLE_FRONT_DESK_AGENT, P.ROLE_REPAIR_LEAD, P.ROLE_DEPARTMENT_HEAD)
FIELD_STAFF = (P.ROLE_TECHNICIAN,)
CASHIERS = (P.ROLE_TECHNICIAN, P.ROLE_PROPERTY_OFFICER)


# --- choices -----------------------------------------------------------------------------

def technicians(doc: Any, session: Session) -> dict[int, str]:
    return staffing.on_estate(session, doc.estate, "engineering",
                              (P.ROLE_TECHNICIAN, P.ROLE_REPAIR_LEAD))


def property_officers(doc: Any, session: Session) -> dict[int, str]:
    people: dict[int, str] = {}
    for kind in ("customer_service", "finance", "administration"):
        people.update(staffing.on_estate(session, doc.estate, kind, (P.ROLE_PROPERTY_OFFICER,)))
    return people


# --- guards and effects ------------------------------------------------------------------

def _engineering_department_of(doc: Any, ctx: Context) -> None:
    """The job belongs to the engineering department of the technician it went to."""
    doc.department_id = ctx.session.scalar(
        select(Department.id)
        .join(profile_departments, profile_departments.c.department_id == Department.id)
        .join(StaffProfile, StaffProfile.id == profile_departments.c.profile_id)
        .where(StaffProfile.user_id == doc.technician_id, Department.kind == "engineering",
               Department.office_id == doc.estate.office_id))


def _assigned_or_lead(doc: Any, ctx: Context) -> str | None:
    """Field steps belong to the technician the job went to; leads and heads, who may
    reassign, can step in."""
    if ctx.actor.is_system or ctx.actor.user_id == doc.technician_id or \
            ctx.actor.can("can_reassign", P.WORK_ORDER):
        return None
    return _("Only the technician this job was dispatched to can do this.")


def _not_emergency(doc: Any, ctx: Context) -> str | None:
    if doc.emergency:
        # R-WO-2
        return _("An emergency repair needs the technician on site within 15 minutes; "
                 "an appointment is not possible.")
    return None


def _nothing_to_pay(doc: Any, ctx: Context) -> str | None:
    if ctx.transition.name == "close" and doc.state == "customer_accepted" and (
            doc.fee or Decimal("0")) > 0:
        return _("Record the payment of %(fee)s before closing.", fee=doc.fee)
    return None


def _fee_needs_method(doc: Any, ctx: Context) -> str | None:
    if ctx.data.get("amount_paid") and ctx.data["amount_paid"] > 0 and \
            ctx.data.get("payment_method") == "free":
        return _("An amount was received: choose how it was paid.")
    return None


def _notice_not_signed(doc: Any, ctx: Context) -> str | None:
    if doc.notice_signed_at is not None:
        return _("The repair notice is already signed.")
    return None


def _visit_time_set(doc: Any, ctx: Context) -> str | None:
    if doc.notice_visit_at is None:
        return _("No visit time has been set on the repair notice yet.")
    return None


def _create_revisit(doc: Any, ctx: Context) -> None:

    create_repair_revisit(doc, ctx)


def _is_emergency(doc: Any) -> bool:
    return bool(doc.emergency)


# --- registration -------------------------------------------------------------------------

def prepare_registration(doc: Any, actor: Actor, session: Session, now: datetime) -> None:
    """Check and complete a repair form before it is saved (R-WO-1): the estate is the
    registering person's, the unit and resident belong to it, and the registering
    department is the registering person's department in that estate's office."""
    errors = check_place(doc, actor)
    if not (doc.description or "").strip():
        errors["description"] = _("Describe the fault.")
    if doc.category not in CATEGORIES:
        errors["category"] = _("Not a valid choice.")
    if doc.source not in SOURCES:
        errors["source"] = _("Not a valid choice.")
    if doc.reported_at is None:
        doc.reported_at = now
    elif doc.reported_at > now + timedelta(minutes=5):
        errors["reported_at"] = _("The report cannot be in the future.")
    if errors:
        raise InvalidData(_("Please correct the highlighted fields."), errors)
    doc.emergency = bool(doc.emergency)
    if doc.resident is not None:
        doc.contact_name = doc.contact_name or doc.resident.name
        doc.contact_phone = doc.contact_phone or doc.resident.phone
    if doc.registered_by_id is None and doc.registered_by is None:
        doc.registered_by_id = actor.user_id
    if doc.department_id is None and doc.department is None:
        # Engineering of the estate's office handles repairs until dispatch names the team.
        doc.department_id = session.scalar(
            select(Department.id).where(Department.office_id == doc.estate.office_id,
                                        Department.kind == "engineering")
            .order_by(Department.id).limit(1))
    if doc.registering_department_id is None and doc.registering_department is None:
        doc.registering_department_id = registering_department(session, actor,
                                                               doc.estate.office_id)


# --- the table ---------------------------------------------------------------------------

WORK_ORDER = Workflow(
    doc_type="work_order",
    resource=P.WORK_ORDER,
    states=STATES,
    initial="registered",
    final=("closed", "cancelled"),
    number_prefix="WO",
    handler_attr="technician_id",
    prepare=prepare_registration,
    on_create=(Arm("wo.emergency_on_site", start="reported_at", when=_is_emergency),),
    transitions=(
        Transition("dispatch", _l("Dispatch"), ("registered",), "dispatched", DISPATCHERS,
                   fields=(Field("technician_id", _l("Technician"), "user",
                                 choices=technicians),),
                   effects=(_engineering_department_of,), set_now=("dispatched_at",),
                   arms=(Arm("wo.ready", handler="technician_id"),), icon="fa-paper-plane"),
        Transition("reassign", _l("Reassign"), ("dispatched", "accepted",
                                                "appointment_agreed"), "dispatched",
                   (P.ROLE_REPAIR_LEAD, P.ROLE_DEPARTMENT_HEAD),
                   fields=(Field("technician_id", _l("Technician"), "user",
                                 choices=technicians),),
                   effects=(_engineering_department_of,), set_now=("dispatched_at",),
                   cancels=("wo.appointment",), comment_required=True,
                   arms=(Arm("wo.ready", handler="technician_id"),), icon="fa-exchange"),
        Transition("accept", _l("Accept the job"), ("dispatched",), "accepted", FIELD_STAFF,
                   guards=(_assigned_or_lead,), meets=("wo.ready",), set_now=("accepted_at",),
                   icon="fa-check"),
        Transition("agree_appointment", _l("Agree an appointment"), ("accepted",),
                   "appointment_agreed", FIELD_STAFF,
                   fields=(Field("appointment_at", _l("Appointment"), "datetime",
                                 future=True),),
                   guards=(_assigned_or_lead, _not_emergency),
                   arms=(Arm("wo.appointment", start="appointment_at",
                             handler="technician_id"),), icon="fa-calendar"),
        Transition("arrive", _l("Arrived on site"), ("accepted", "appointment_agreed"),
                   "on_site", FIELD_STAFF, set_now=("arrived_at",), guards=(_assigned_or_lead,),
                   meets=("wo.emergency_on_site", "wo.appointment"), icon="fa-map-marker"),
        Transition("quote", _l("Quote and consent"), ("on_site",), "in_progress", FIELD_STAFF,
                   guards=(_assigned_or_lead,),
                   fields=(Field("labour_hours", _l("Labour hours"), "decimal",
                                 minimum=Decimal("0")),
                           Field("materials", _l("Materials"), "textarea", required=False),
                           Field("fee", _l("Fee"), "decimal", minimum=Decimal("0")),
                           Field("customer_consent", _l("The customer agrees"), "bool",
                                 must_be_true=True)),
                   icon="fa-calculator"),
        Transition("decline", _l("Customer declines"), ("on_site",), "declined", FIELD_STAFF,
                   guards=(_assigned_or_lead,),
                   fields=(Field("decline_reason", _l("Reason"), "textarea"),),
                   icon="fa-ban"),
        Transition("not_fixable", _l("Not fixable now"), ("on_site", "in_progress"),
                   "appointment_agreed", FIELD_STAFF, guards=(_assigned_or_lead,),
                   fields=(Field("not_fixable_reason", _l("Reason explained to the customer"),
                                 "textarea"),
                           Field("appointment_at", _l("Next appointment"), "datetime",
                                 future=True)),
                   arms=(Arm("wo.appointment", start="appointment_at",
                             handler="technician_id"),), icon="fa-clock-o"),
        Transition("complete", _l("Work done"), ("in_progress",), "completed", FIELD_STAFF,
                   guards=(_assigned_or_lead,),
                   fields=(Field("work_done", _l("Work done"), "textarea"),),
                   set_now=("completed_at",), effects=(_create_revisit,), icon="fa-wrench"),
        Transition("customer_accept", _l("Customer acceptance"), ("completed",),
                   "customer_accepted", FIELD_STAFF, guards=(_assigned_or_lead,),
                   fields=(Field("signed_by", _l("Signed by"), "text"),
                           Field("satisfaction", _l("Satisfaction"), "choice",
                                 choices=SATISFACTION),
                           Field("customer_remarks", _l("Customer remarks"), "textarea",
                                 required=False)),
                   set_now=("customer_accepted_at",), icon="fa-pencil"),
        Transition("record_payment", _l("Record payment"), ("customer_accepted",), "paid",
                   CASHIERS,
                   fields=(Field("amount_paid", _l("Amount received"), "decimal",
                                 minimum=Decimal("0")),
                           Field("payment_method", _l("Payment method"), "choice",
                                 choices=PAYMENT_METHODS),
                           Field("handed_to_id", _l("Handed to property officer"), "user",
                                 choices=property_officers)),
                   guards=(_fee_needs_method,), set_now=("paid_at",),
                   set_actor=("received_by_id",), icon="fa-money"),
        Transition("issue_invoice", _l("Issue invoice"), ("paid", "closed"), None, FRONT_DESK,
                   fields=(Field("invoice_number", _l("Invoice number"), "text"),),
                   set_now=("invoice_issued_at",), icon="fa-file-text-o"),
        Transition("close", _l("Close and file"), ("paid", "declined", "customer_accepted"),
                   "closed", FRONT_DESK, guards=(_nothing_to_pay,), set_now=("closed_at",),
                   cancels=("*",), icon="fa-archive"),
        Transition("sign_repair_notice", _l("Sign the repair notice"),
                   ("registered", "dispatched", "accepted", "appointment_agreed"), None,
                   (P.ROLE_CS_SUPERVISOR,),
                   fields=(Field("notice_visit_at", _l("Engineering visit time"), "datetime",
                                 required=False, future=True,
                                 # R-WO-6
                                 description=_l("Only when Engineering cannot come at once.")),),
                   guards=(_notice_not_signed,), set_now=("notice_signed_at",),
                   set_actor=("notice_signed_by_id",), icon="fa-pencil-square-o"),
        Transition("tell_resident", _l("Resident told of the visit time"),
                   ("registered", "dispatched", "accepted", "appointment_agreed"), None,
                   FRONT_DESK, guards=(_visit_time_set,), set_now=("resident_told_at",),
                   icon="fa-phone"),
        Transition("cancel", _l("Cancel"), ("registered", "dispatched", "accepted",
                                            "appointment_agreed"), "cancelled",
                   (P.ROLE_FRONT_DESK_AGENT, P.ROLE_DEPARTMENT_HEAD),
                   fields=(Field("cancel_reason", _l("Reason"), "textarea"),),
                   cancels=("*",), icon="fa-times"),
    ),
)


# --- the declaration: everything else the app builds for work orders -----------------------

DOCUMENT = declare(DocumentType(
    workflow=WORK_ORDER, model=WorkOrder, label=_l("Work order"),
    view="app.views.work_order:WorkOrderView", api="app.views.work_order:WorkOrderApi",
    menu=Menu("Work orders", _l("Work orders"), "fa-wrench", P.MENU_REPAIRS, _l("Repairs"),
              order=10),
    grants={EVERY_ROLE: (P.READ, P.PRINT), P.ROLE_TECHNICIAN: (P.CREATE,),
            P.ROLE_PROPERTY_OFFICER: (P.CREATE,), P.ROLE_FRONT_DESK_AGENT: (P.CREATE, P.EXPORT),
            P.ROLE_CS_SUPERVISOR: (P.EDIT,), P.ROLE_DEPARTMENT_HEAD: (P.EXPORT,)},
    policies=(
        Policy("wo.ready", N_("Technician ready after dispatch"),
               "R-WO-2", 10, "minutes", 0.7, TO_HANDLER_AND_UP, 10),
        Policy("wo.emergency_on_site", N_("Emergency repair: on site after the report"),
               "R-WO-2", 15, "minutes", 0.67, TO_HANDLER_AND_UP, 10),
        Policy("wo.appointment", N_("Appointment kept on time"),
               "R-WO-2", 15, "minutes", 0.5, TO_HANDLER_AND_UP, 30),
    ),
    print_forms=(
        PrintForm("repair_form", N_("Repair form"), "print/repair_form.html", "R-WO-1"),
        PrintForm("dispatch_slip", N_("Dispatch slip"), "print/dispatch_slip.html",
                  "R-WO-2, R-WO-3, R-WO-4, R-WO-5"),
        PrintForm("service_slip", N_("Service slip"), "print/service_slip.html", "R-WO-5"),
        PrintForm("repair_notice", N_("Repair notice"), "print/repair_notice.html", "R-WO-6"),
    ),
))
