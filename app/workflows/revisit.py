"""Revisit and rectification workflows (R-WO-7, R-RV-2, R-RV-3).

The state diagrams are drawn from these tables: Administration → Workflow diagrams.

A repair's revisit is due 2 calendar days after completion for a safety facility, 3 for a
water leak and 7 otherwise (policies revisit.safety / revisit.leak / revisit.repair). It is
assigned to the role furthest below its share of this month's repair revisits in the office
(office director 10 %, CS supervisor 30 %, repair lead 60 %; Settings), and within the role
to the person with the fewest open revisits.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from app.models import Estate
from app.models.revisit import MODES, RectificationNotice, Revisit
from app.models.settings import setting
from app.models.work_order import SATISFACTION
from app.models.workflow import DeadlinePolicy, DeadlineTimer
from app.security import permissions as P
from app.security.actor import Actor
from app.workflows import deadlines, staffing
from app.workflows.engine import apply, create
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
from app.workflows.table import Arm, Context, Field, Transition, Workflow

REVISIT_STATES = {"due": _l("Due"), "done": _l("Done"),
                  "problem_found": _l("Problem found")}
RECTIFICATION_STATES = {"issued": _l("Issued"), "rectified": _l("Rectified"),
                        "verified": _l("Verified")}

REVISITORS = (P.ROLE_OFFICE_DIRECTOR, P.ROLE_CS_SUPERVISOR, P.ROLE_REPAIR_LEAD)
ROLE_OF_SHARE = {"office_director": P.ROLE_OFFICE_DIRECTOR,
                 "cs_supervisor": P.ROLE_CS_SUPERVISOR, "repair_lead": P.ROLE_REPAIR_LEAD}
POLICY_OF_CATEGORY = {"safety_facility": "revisit.safety", "water_leak": "revisit.leak"}


# --- assignment by shares ----------------------------------------------------------------

def _candidates(session: Session, role_code: str, work_order: Any) -> list[int]:
    """People of `role_code` who cover the estate of `work_order`."""
    role = ROLE_OF_SHARE[role_code]
    if role_code == "office_director":
        return staffing.directing_office(session, (role,), work_order.estate.office_id)
    kind = "customer_service" if role_code == "cs_supervisor" else "engineering"
    return sorted(staffing.on_estate(session, work_order.estate, kind, (role,)))


def choose_revisitor(session: Session, work_order: Any, now: datetime) -> tuple[str, int | None]:
    """The role furthest below its share this month in this office, then its least-loaded
    person. A role with nobody to do it is skipped; with nobody at all, the revisit waits
    unassigned in the queue of the estate's customer service."""
    # The month starts at local midnight, the convention of every stored time (R-WO-7).
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    counts = dict(session.execute(
        select(Revisit.assigned_role, func.count())
        .join(Estate, Estate.id == Revisit.estate_id)
        .where(Revisit.work_order_id.isnot(None), Revisit.created_at >= month_start,
               Estate.office_id == work_order.estate.office_id)
        .group_by(Revisit.assigned_role)).all())
    total = sum(counts.values()) + 1
    deficits = []
    for code in ROLE_OF_SHARE:
        share = setting(session, f"revisit.share.{code}") / Decimal(100)
        deficits.append((share * total - counts.get(code, 0), share, code))
    deficits.sort(reverse=True)
    for _deficit, _share, code in deficits:
        people = _candidates(session, code, work_order)
        if people:
            load = dict(session.execute(
                select(Revisit.assignee_id, func.count())
                .where(Revisit.assignee_id.in_(people), Revisit.state == "due")
                .group_by(Revisit.assignee_id)).all())
            return code, min(people, key=lambda uid: (load.get(uid, 0), uid))
    return deficits[0][2], None


def create_repair_revisit(work_order: Any, ctx: Context) -> Revisit:
    """Effect of completing a repair (R-WO-7): the revisit, due by category."""
    session = ctx.session
    role, assignee = choose_revisitor(session, work_order, ctx.now)
    revisit = Revisit(
        work_order=work_order,
        estate=work_order.estate, unit=work_order.unit, assigned_role=role,
        assignee_id=assignee, department_id=work_order.registering_department_id
        or work_order.department_id)
    create(revisit, actor=ctx.actor, session=session, now=ctx.now,
           data={"work_order": work_order.number})
    policy = POLICY_OF_CATEGORY.get(work_order.category, "revisit.repair")
    timer = deadlines.arm(session, revisit, policy, ctx.now, assignee)
    revisit.due_at = timer.due_at if timer else None
    return revisit


def create_followup_revisit(source: Any, link: str, policy: str, ctx: Context) -> Revisit:
    """The revisit of a handled complaint (R-CP-7: within 2 days) or register entry
    (R-CS-6), with the least-loaded CS supervisor of the estate (none: it waits unassigned
    in Customer Service's queue)."""
    session = ctx.session
    people = sorted(staffing.on_estate(session, source.estate, "customer_service",
                                       (P.ROLE_CS_SUPERVISOR,)))
    assignee = None
    if people:
        load = dict(session.execute(
            select(Revisit.assignee_id, func.count())
            .where(Revisit.assignee_id.in_(people), Revisit.state == "due")
            .group_by(Revisit.assignee_id)).all())
        assignee = min(people, key=lambda uid: (load.get(uid, 0), uid))
    revisit = Revisit(estate=source.estate, unit=source.unit, assigned_role="cs_supervisor",
                      assignee_id=assignee,
                      department_id=source.registering_department_id or source.department_id,
                      **{link: source})
    create(revisit, actor=ctx.actor, session=session, now=ctx.now,
           data={link: source.number})
    timer = deadlines.arm(session, revisit, policy, ctx.now, assignee)
    revisit.due_at = timer.due_at if timer else None
    return revisit


def create_complaint_revisit(complaint: Any, ctx: Context) -> Revisit:
    return create_followup_revisit(complaint, "complaint", "revisit.complaint", ctx)


def create_service_revisit(record: Any, ctx: Context) -> Revisit:
    return create_followup_revisit(record, "service_record", "revisit.service", ctx)


SATISFIED = ("very_satisfied", "satisfied", "neutral")


def _follow_up_complaint(revisit: Revisit, ctx: Context) -> None:
    """R-CP-7: a satisfied complainant closes the complaint; otherwise it is reopened and
    the handler follows up until they are satisfied (R-RV-3)."""
    complaint = revisit.complaint
    if complaint is None or complaint.state != "resolved":
        return
    satisfied = ctx.transition.name == "record" and revisit.satisfaction in SATISFIED
    apply(complaint, "close" if satisfied else "reopen", {}, actor=Actor.system(),
          session=ctx.session, now=ctx.now,
          comment=_("Revisit %(number)s", number=revisit.number))


def _issue_rectification(revisit: Revisit, ctx: Context) -> None:
    """A problem found on a repair's revisit: written notice to the technician within 24
    hours (R-WO-7)."""
    work_order = revisit.work_order
    if work_order is None:
        return
    notice = RectificationNotice(
        revisit=revisit,
        work_order=work_order, estate=revisit.estate,
        department_id=work_order.department_id if work_order else revisit.department_id,
        technician_id=work_order.technician_id if work_order else None,
        issued_by_id=ctx.actor.user_id, issued_at=ctx.now, problem=revisit.problem)
    create(notice, actor=ctx.actor, session=ctx.session, now=ctx.now,
           data={"revisit": revisit.number})


def _assignee_or_manager(doc: Any, ctx: Context) -> str | None:
    if ctx.actor.is_system or doc.assignee_id in (None, ctx.actor.user_id) or \
            ctx.actor.can("can_verify", P.RECTIFICATION):
        return None
    return _("This revisit is assigned to someone else.")


REVISIT_FIELDS = (
    Field("mode", _l("Mode"), "choice", choices=MODES),
    Field("revisitee", _l("Revisitee (signs)"), "text"),
    Field("repair_checked", _l("Repair inspected"), "bool", required=False),
    Field("charge_verified", _l("Charge verified"), "bool", required=False),
    Field("satisfaction", _l("Satisfaction"), "choice", choices=SATISFACTION),
    Field("feedback", _l("Feedback on the technician's service"), "textarea",
          required=False),
    Field("suggestions", _l("Suggestions"), "textarea", required=False),
)

REVISIT = Workflow(
    doc_type="revisit", resource=P.REVISIT, states=REVISIT_STATES, initial="due",
    number_prefix="RV", handler_attr="assignee_id",
    final=("done", "problem_found"),
    transitions=(
        Transition("record", _l("Record the revisit"), ("due",), "done", REVISITORS,
                   fields=REVISIT_FIELDS, guards=(_assignee_or_manager,),
                   set_now=("revisited_at",), cancels=("*",),
                   effects=(_follow_up_complaint,), icon="fa-phone"),
        Transition("record_problem", _l("Record a problem"), ("due",), "problem_found",
                   REVISITORS,
                   fields=(*REVISIT_FIELDS, Field("problem", _l("Problem found"), "textarea")),
                   guards=(_assignee_or_manager,), set_now=("revisited_at",),
                   effects=(_issue_rectification, _follow_up_complaint), cancels=("*",),
                   icon="fa-exclamation-triangle"),
    ),
)

RECTIFICATION = Workflow(
    doc_type="rectification", resource=P.RECTIFICATION, states=RECTIFICATION_STATES,
    initial="issued", final=("verified",), number_prefix="RN",
    handler_attr="technician_id",
    on_create=(Arm("rectification.due", start="issued_at", handler="technician_id"),),
    transitions=(
        Transition("rectify", _l("Rectified"), ("issued",), "rectified",
                   (P.ROLE_TECHNICIAN,),
                   fields=(Field("action_taken", _l("Action taken"), "textarea"),),
                   set_now=("rectified_at",), meets=("rectification.due",), icon="fa-wrench"),
        Transition("verify", _l("Verify"), ("rectified",), "verified", REVISITORS,
                   set_now=("verified_at",), icon="fa-check"),
        Transition("reject", _l("Not rectified"), ("rectified",), "issued", REVISITORS,
                   comment_required=True,
                   arms=(Arm("rectification.due", handler="technician_id"),), icon="fa-undo"),
    ),
)


# --- the declarations: everything else the app builds for revisits and notices -------------

def _rectification_due(notice: RectificationNotice) -> dict[str, Any]:
    """Printed due time of a rectification: the armed deadline (policy rectification.due,
    24 hours by default, R-WO-7), else 24 hours after issue."""
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


REVISIT_DOCUMENT = declare(DocumentType(
    workflow=REVISIT, model=Revisit, label=_l("Revisit"),
    view="app.views.work_order:RevisitView", api="app.views.work_order:RevisitApi",
    menu=Menu("Revisits", _l("Revisits"), "fa-phone", P.MENU_REPAIRS, _l("Repairs"), order=20),
    grants={EVERY_ROLE: (P.READ, P.PRINT), P.ROLE_CS_SUPERVISOR: (P.EXPORT,),
            P.ROLE_DEPARTMENT_HEAD: (P.EXPORT,)},
    policies=(
        Policy("revisit.safety", N_("Revisit of a safety-facility repair"),
               "R-WO-7", 2, "calendar_days", 0.75, TO_HANDLER_AND_UP, 240),
        Policy("revisit.leak", N_("Revisit of a water-leak repair"),
               "R-WO-7", 3, "calendar_days", 0.75, TO_HANDLER_AND_UP, 240),
        Policy("revisit.repair", N_("Revisit of a repair"),
               "R-WO-7", 7, "calendar_days", 0.8, TO_HANDLER_AND_UP, 480),
        Policy("revisit.complaint", N_("Revisit of a complaint"),
               "R-CP-7", 2, "calendar_days", 0.75, TO_HANDLER_AND_UP, 240),
        Policy("revisit.service", N_("Revisit of a customer-service entry"),
               "R-CS-6", 7, "calendar_days", 0.8, TO_HANDLER_AND_UP, 480),
    ),
))

RECTIFICATION_DOCUMENT = declare(DocumentType(
    workflow=RECTIFICATION, model=RectificationNotice, label=_l("Rectification notice"),
    view="app.views.work_order:RectificationNoticeView",
    api="app.views.work_order:RectificationNoticeApi",
    menu=Menu("Rectification notices", _l("Rectification notices"), "fa-exclamation-triangle",
              P.MENU_REPAIRS, _l("Repairs"), order=30),
    grants={EVERY_ROLE: (P.READ, P.PRINT)},
    policies=(
        Policy("rectification.due", N_("Rectification after a revisit"),
               "R-WO-7", 24, "hours", 0.75, TO_HANDLER_AND_UP, 120),
    ),
    print_forms=(
        PrintForm("rectification_notice", N_("Rectification notice"),
                  "print/rectification_notice.html", "R-WO-7, R-RV-3",
                  extra=_rectification_due),
    ),
))
