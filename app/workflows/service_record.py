"""Customer-service register workflow (顾客服务信息登记表, R-CS-1..6), as a table a
supervisor can read.

The state diagram is drawn from this table: Administration → Workflow diagrams.

Every contact is recorded, an urgent one relayed orally too (R-CS-1, R-CS-2). Deadlines
are policies (`cs.*`, Administration → Deadline policies):

* cs.reply — an inquiry the agent cannot answer gets a reply time set by the agent at
  dispatch; the department answers by then (R-CS-3);
* cs.handling_plan — the department submits a handling plan within 2 working days of the
  dispatch on the estate's calendar, or answers before (R-CS-4);
* cs.commitment — the time the department committed to in its plan, armed when the
  customer has been told; missed, it is escalated to the office director, then the general
  manager (R-CS-5).

Warnings go to the agent who received the entry: the agent tracks every open item and
urges the responsible person (R-CS-5).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from app.models import Department
from app.models.complaint import CONTACT_SOURCES, MATTERS, Complaint
from app.models.service_record import RECORD_KINDS, ServiceRecord
from app.models.work_order import CATEGORIES, WorkOrder
from app.models.workflow import DeadlinePolicy, DeadlineTimer, WorkflowHistory
from app.security import permissions as P
from app.security.actor import Actor
from app.workflows.engine import InvalidData, create
from app.workflows.registration import check_place, registering_department
from app.workflows.registry import (
    EVERY_ROLE,
    N_,
    TO_DIRECTOR_AND_GM,
    TO_HEAD_AND_UP,
    DocumentType,
    Menu,
    Policy,
    PrintForm,
    declare,
)
from app.workflows.revisit import create_service_revisit
from app.workflows.table import Arm, Context, Field, Transition, Workflow

STATES = {
    "recorded": _l("Recorded"),
    "dispatched": _l("Dispatched to a department"),
    "plan_submitted": _l("Handling plan submitted"),
    "customer_told": _l("Customer told of the plan"),
    "handled": _l("Handled"),
    "closed": _l("Closed"),
    "converted": _l("Converted"),
}
WITH_DEPARTMENT = ("dispatched", "plan_submitted", "customer_told")

# Who does what by default (admins grant more in Security → List Roles). Supervisors,
# centre managers and directors include the agent; heads and directors include the
# department's staff (app.security.permissions.ROLE_PARENTS).
AGENTS = (P.ROLE_FRONT_DESK_AGENT,)
DEPARTMENT_STAFF = (P.ROLE_TECHNICIAN, P.ROLE_DEPARTMENT_HEAD)

# A work order's source from the register's contact source (R-CS-1 → R-WO-1): a visit or a
# call is the resident's; a letter, a relay or a referral is raised by the front desk.
WORK_ORDER_SOURCE = {"visit": "resident_visit", "phone": "resident_phone"}

PLAN_POLICIES = ("cs.reply", "cs.handling_plan", "cs.commitment")


# --- registration (R-CS-1, R-CS-2) -------------------------------------------------------

def prepare_registration(doc: ServiceRecord, actor: Actor, session: Session,
                         now: datetime) -> None:
    """Check and complete an entry before it is saved: the estate is the registering
    person's, the unit and resident belong to it, kind and source are known (R-CS-1), the
    content is there, only an urgent entry is marked as relayed orally (R-CS-2). Fills who
    received it, their department in the estate's office, and the contact from the
    resident."""
    errors = check_place(doc, actor)
    if doc.kind not in RECORD_KINDS:
        errors["kind"] = _("Not a valid choice.")
    if doc.source not in CONTACT_SOURCES:
        errors["source"] = _("Not a valid choice.")
    if not (doc.content or "").strip():
        errors["content"] = _("Record what the customer said.")
    doc.urgent, doc.relayed_orally = bool(doc.urgent), bool(doc.relayed_orally)
    if doc.relayed_orally and not doc.urgent:
        # R-CS-2
        errors["relayed_orally"] = _("Only an urgent matter is relayed orally.")
    if doc.received_at is None:
        doc.received_at = now
    elif doc.received_at > now + timedelta(minutes=5):
        errors["received_at"] = _("The contact cannot be in the future.")
    if errors:
        raise InvalidData(_("Please correct the highlighted fields."), errors)
    if doc.resident is not None:
        doc.contact_name = doc.contact_name or doc.resident.name
        doc.contact_phone = doc.contact_phone or doc.resident.phone
    if doc.received_by_id is None and doc.received_by is None:
        doc.received_by_id = actor.user_id
    if doc.registering_department_id is None and doc.registering_department is None:
        doc.registering_department_id = registering_department(session, actor,
                                                               doc.estate.office_id)


# --- choices -----------------------------------------------------------------------------

def departments_of_office(doc: Any, session: Session) -> dict[int, str]:
    """The departments of the estate's management office (the liaison slip goes to one)."""
    return {d.id: d.name for d in session.scalars(
        select(Department).where(Department.office_id == doc.estate.office_id)
        .order_by(Department.kind, Department.name))}


# --- guards and effects ------------------------------------------------------------------

def _inquiry_needs_reply_time(doc: ServiceRecord, ctx: Context) -> str | None:
    """R-CS-3: an inquiry the agent could not answer leaves with a reply deadline."""
    if doc.kind == "inquiry" and ctx.data.get("reply_due_at") is None \
            and doc.reply_due_at is None:
        # R-CS-3
        return _("Set the time by which the department must answer this inquiry.")
    return None


def _handling_department(doc: ServiceRecord, ctx: Context) -> str | None:
    """Plans and answers come from the department the entry was dispatched to (or a
    director of its office); seeing the entry as its registering department is not
    enough."""
    actor = ctx.actor
    if actor.is_system or actor.is_admin or actor.scope.unrestricted:
        return None
    if doc.department_id in actor.scope.department_ids or \
            doc.estate.office_id in actor.scope.managed_office_ids:
        return None
    return _("Only the department this entry was dispatched to can do this.")


def _another_department(doc: ServiceRecord, ctx: Context) -> str | None:
    if ctx.data.get("department_id") == doc.department_id:
        return _("The entry is with this department already: choose another one.")
    return None


def _commitment_after_dispatch(doc: ServiceRecord, ctx: Context) -> str | None:
    committed = ctx.data.get("committed_at")
    if committed is not None and doc.dispatched_at is not None and \
            committed <= doc.dispatched_at:
        return _("The committed time must be after the dispatch.")
    return None


def _may_create(resource: str, what: Any):
    def check(doc: ServiceRecord, ctx: Context) -> str | None:
        if not ctx.actor.can(P.CREATE, resource):
            return _("You are not allowed to register a %(what)s.", what=str(what).lower())
        return None
    return check


def _urged(doc: ServiceRecord, ctx: Context) -> None:
    doc.urge_count = (doc.urge_count or 0) + 1
    doc.last_urged_at = ctx.now


def _create_revisit(doc: ServiceRecord, ctx: Context) -> None:
    """R-CS-6: every handled entry enters the revisit scope."""
    create_service_revisit(doc, ctx)


def _create_work_order(doc: ServiceRecord, ctx: Context) -> None:
    """One click into a repair (R-CS-1): the entry's estate, unit, resident, contact and
    content become the repair form, registered through the work-order workflow (number,
    emergency deadline from the time of the call, first history row); the link is kept."""
    order = WorkOrder(
        source=WORK_ORDER_SOURCE.get(doc.source, "staff"), category=ctx.data["category"],
        emergency=bool(ctx.data.get("emergency") or doc.urgent), estate=doc.estate,
        unit=doc.unit, resident=doc.resident, contact_name=doc.contact_name,
        contact_phone=doc.contact_phone, location=ctx.data.get("location"),
        description=doc.content, reported_at=doc.received_at,
        registered_by_id=ctx.actor.user_id,
        registering_department_id=doc.registering_department_id)
    create(order, actor=ctx.actor, session=ctx.session, now=ctx.now,
           data={"service_record": doc.number})
    doc.work_order = order


COMPLAINT_FIELDS = ("complainant_name", "complainant_phone", "event_time", "event_place",
                    "subject", "matter", "customer_request", "immediate_reply",
                    "agreed_reply_at")


def _create_complaint(doc: ServiceRecord, ctx: Context) -> None:
    """One click into a complaint (R-CS-1): what the entry holds plus what a complaint
    registration needs besides (R-CP-1: time and place, who it is about, what the customer
    wants; R-CP-2: an immediate reply or an agreed reply time), registered through the
    complaint workflow with its own checks; the link is kept."""
    values = {name: ctx.data.get(name) for name in COMPLAINT_FIELDS}
    complaint = Complaint(
        source=doc.source, estate=doc.estate, unit=doc.unit, resident=doc.resident,
        complainant_name=values["complainant_name"] or doc.contact_name,
        complainant_phone=values["complainant_phone"] or doc.contact_phone,
        event_time=values["event_time"], event_place=values["event_place"],
        subject=values["subject"], matter=values["matter"] or "other",
        description=doc.content, customer_request=values["customer_request"],
        immediate_reply=values["immediate_reply"], agreed_reply_at=values["agreed_reply_at"],
        received_at=doc.received_at, received_by_id=doc.received_by_id or ctx.actor.user_id,
        registering_department_id=doc.registering_department_id)
    create(complaint, actor=ctx.actor, session=ctx.session, now=ctx.now,
           data={"service_record": doc.number})
    doc.complaint = complaint


# --- printing -----------------------------------------------------------------------------

def print_values(record: ServiceRecord) -> dict[str, Any]:
    """What the register and the liaison slip print besides the entry's columns: the agent
    who sent the last liaison slip (from the history) and the handling-plan deadline
    armed at dispatch (policy cs.handling_plan, 2 working days by default, R-CS-4)."""
    session = object_session(record)
    if session is None or record.id is None:
        return {"dispatched_by": None, "plan_due_at": None}
    sender_id = session.scalar(
        select(WorkflowHistory.user_id)
        .where(WorkflowHistory.doc_type == "service_record",
               WorkflowHistory.doc_id == record.id,
               WorkflowHistory.transition.in_(("dispatch", "redispatch")))
        .order_by(WorkflowHistory.at.desc(), WorkflowHistory.id.desc()).limit(1))
    plan_due = session.scalar(
        select(DeadlineTimer.due_at).join(DeadlinePolicy)
        .where(DeadlineTimer.doc_type == "service_record", DeadlineTimer.doc_id == record.id,
               DeadlinePolicy.key.startswith("cs.handling_plan"))
        .order_by(DeadlineTimer.started_at.desc(), DeadlineTimer.id.desc()).limit(1))
    return {"dispatched_by": session.get(User, sender_id) if sender_id else None,
            "plan_due_at": plan_due}


# --- the table ---------------------------------------------------------------------------

ANSWER = Field("reply", _l("Answer or result"), "textarea")
DISPATCH_FIELDS = (
    Field("department_id", _l("Handling department"), "user", choices=departments_of_office),
    Field("liaison_note", _l("Liaison note"), "textarea",
          # R-CS-2
          description=_l("What the department must do; printed on the internal liaison "
                         "slip.")),
    Field("reply_due_at", _l("Reply due"), "datetime", required=False, future=True,
          # R-CS-3
          description=_l("Required for an inquiry: the department answers by then.")),
)
# Armed again on a redispatch: the new department gets its own 2 working days.
DISPATCH_ARMS = (Arm("cs.reply", due="reply_due_at", handler="received_by_id"),
                 Arm("cs.handling_plan", handler="received_by_id"))

SERVICE_RECORD = Workflow(
    doc_type="service_record",
    resource=P.SERVICE_RECORD,
    states=STATES,
    initial="recorded",
    final=("closed", "converted"),
    number_prefix="CS",
    prepare=prepare_registration,
    handler_attr=None,  # with the department it was dispatched to; no single person
    transitions=(
        Transition("answer_on_spot", _l("Answer on the spot"), ("recorded",), "handled",
                   AGENTS, fields=(ANSWER,), set_now=("handled_at",),
                   set_actor=("handled_by_id",), icon="fa-comment"),
        Transition("dispatch", _l("Dispatch with a liaison slip"), ("recorded",),
                   "dispatched", AGENTS, fields=DISPATCH_FIELDS,
                   guards=(_inquiry_needs_reply_time,), set_now=("dispatched_at",),
                   arms=DISPATCH_ARMS, icon="fa-paper-plane"),
        Transition("redispatch", _l("Dispatch to another department"), ("dispatched",),
                   "dispatched", AGENTS, fields=DISPATCH_FIELDS,
                   guards=(_another_department, _inquiry_needs_reply_time),
                   set_now=("dispatched_at",),
                   arms=DISPATCH_ARMS, comment_required=True, icon="fa-exchange"),
        Transition("submit_plan", _l("Submit the handling plan"), ("dispatched",),
                   "plan_submitted", DEPARTMENT_STAFF,
                   fields=(Field("plan_method", _l("Method"), "textarea"),
                           Field("plan_schedule", _l("Schedule"), "textarea"),
                           Field("plan_commitment", _l("Commitment to the customer"),
                                 "textarea"),
                           Field("committed_at", _l("Committed by"), "datetime",
                                 future=True)),
                   guards=(_handling_department, _commitment_after_dispatch),
                   set_now=("plan_submitted_at",), set_actor=("plan_submitted_by_id",),
                   meets=("cs.handling_plan",), icon="fa-list-ol"),
        Transition("tell_customer", _l("Customer told of the plan"), ("plan_submitted",),
                   "customer_told", AGENTS, set_now=("customer_told_at",),
                   arms=(Arm("cs.commitment", due="committed_at",
                             handler="received_by_id"),), icon="fa-phone"),
        Transition("urge", _l("Urge the responsible person"), WITH_DEPARTMENT, None,
                   AGENTS,
                   fields=(Field("urged_person", _l("Person urged"), "text", attr=None),),
                   effects=(_urged,), icon="fa-bell"),
        Transition("handle", _l("Record the answer or result"), WITH_DEPARTMENT, "handled",
                   DEPARTMENT_STAFF, fields=(ANSWER,), guards=(_handling_department,),
                   set_now=("handled_at",), set_actor=("handled_by_id",),
                   meets=PLAN_POLICIES, icon="fa-check"),
        Transition("close", _l("Close"), ("handled",), "closed", AGENTS,
                   set_now=("closed_at",), cancels=("*",), effects=(_create_revisit,),
                   icon="fa-archive"),
        Transition("to_work_order", _l("Turn into a work order"),
                   ("recorded", "dispatched"), "converted", AGENTS,
                   fields=(Field("category", _l("Category"), "choice", choices=CATEGORIES,
                                 attr=None),
                           Field("emergency", _l("Emergency"), "bool", required=False,
                                 attr=None,
                                 # R-WO-2
                                 description=_l("An urgent entry becomes an emergency "
                                                "repair.")),
                           Field("location", _l("Location"), "text", required=False,
                                 attr=None)),
                   guards=(_may_create(P.WORK_ORDER, _l("Work order")),),
                   effects=(_create_work_order,), set_now=("closed_at",), cancels=("*",),
                   icon="fa-wrench"),
        Transition("to_complaint", _l("Turn into a complaint"),
                   ("recorded", "dispatched"), "converted", AGENTS,
                   fields=(Field("event_time", _l("Time of the event"), "datetime",
                                 attr=None),
                           Field("event_place", _l("Place of the event"), "text",
                                 attr=None),
                           Field("subject", _l("Person or department complained about"),
                                 "text", attr=None),
                           Field("matter", _l("Matter"), "choice", choices=MATTERS,
                                 required=False, attr=None),
                           Field("customer_request", _l("What the customer wants"),
                                 "textarea", attr=None),
                           Field("complainant_name", _l("Complainant"), "text",
                                 required=False, attr=None,
                                 description=_l("Empty: the entry's contact.")),
                           Field("complainant_phone", _l("Complainant's phone"), "text",
                                 required=False, attr=None,
                                 description=_l("Empty: the entry's contact phone.")),
                           Field("immediate_reply", _l("Immediate reply"), "textarea",
                                 required=False, attr=None),
                           Field("agreed_reply_at", _l("Reply time agreed"), "datetime",
                                 required=False, attr=None,
                                 # R-CP-2
                                 description=_l("Reply at once, or agree a reply time "
                                                "with the complainant."))),
                   guards=(_may_create(P.COMPLAINT, _l("Complaint")),),
                   effects=(_create_complaint,), set_now=("closed_at",), cancels=("*",),
                   icon="fa-bullhorn"),
    ),
)


# --- the declaration: everything else the app builds for the register ----------------------

DOCUMENT = declare(DocumentType(
    workflow=SERVICE_RECORD, model=ServiceRecord, label=_l("Register entry"),
    view="app.views.service_record:ServiceRecordView",
    api="app.views.service_record:ServiceRecordApi",
    menu=Menu("Customer-service register", _l("Customer-service register"), "fa-address-book",
              P.MENU_SERVICE, _l("Customer service"), order=40),
    grants={EVERY_ROLE: (P.READ, P.PRINT), P.ROLE_FRONT_DESK_AGENT: (P.CREATE, P.EXPORT),
            P.ROLE_CS_SUPERVISOR: (P.EDIT,)},
    policies=(
        Policy("cs.reply", N_("Inquiry answered by the time the agent set"),
               "R-CS-3", 0, "minutes", 0.8, TO_HEAD_AND_UP, 120),
        Policy("cs.handling_plan", N_("Handling plan submitted"),
               "R-CS-4", 2, "working_days", 0.75, TO_HEAD_AND_UP, 240),
        Policy("cs.commitment", N_("Commitment to the customer kept"),
               "R-CS-5", 0, "minutes", 0.8, TO_DIRECTOR_AND_GM, 240),
    ),
    print_forms=(
        PrintForm("service_register", N_("Customer-service information register"),
                  "print/service_register.html", "R-CS-1, R-CS-2, R-CS-3, R-CS-4, R-CS-5",
                  extra=print_values),
        PrintForm("liaison_slip", N_("Internal liaison slip"), "print/liaison_slip.html",
                  "R-CS-2, R-CS-3, R-CS-4", extra=print_values),
    ),
))
