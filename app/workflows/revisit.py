"""Revisit and rectification workflows (R-WO-7, R-RV-1..4, R-CS-6).

The state diagrams are drawn from these tables: Administration → Workflow diagrams.

    due --record--> done (or awaiting reply, when a reply was promised, R-RV-2)
    awaiting reply --reply--> done
    due --record a problem--> problem found (rectification, reopened complaint or a new
                                             work order, R-RV-3)

A repair's revisit is due 2 calendar days after completion for a safety facility, 3 for a
water leak and 7 otherwise (policies revisit.safety / revisit.leak / revisit.repair). It is
assigned to the role furthest below its share of this month's repair revisits in the office
(office director 10 %, CS supervisor 30 %, repair lead 60 %; Settings), and within the role
to the person with the fewest open revisits.

Routine revisits (R-RV-1) come from schedules (app.models.revisit.RevisitSchedule) through
the periodic job `plan_routine_revisits`: office director household visits spread over the
year, property officers' area visits each quarter, one residents' forum per estate and
quarter, and a revisit for each new resident. Each task is made once per schedule, period
and unit (a unique key), so running the job twice creates nothing new.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from app.models import Estate
from app.models.org import Building, Department, Office, Unit
from app.models.resident import Resident
from app.models.revisit import (
    MODES,
    ROUTINE_SUBJECTS,
    SCHEDULE_KINDS,
    RectificationNotice,
    Revisit,
    RevisitSchedule,
)
from app.models.settings import setting
from app.models.work_order import CATEGORIES, SATISFACTION, WorkOrder
from app.models.workflow import DeadlinePolicy, DeadlineTimer
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import Scope, apply_scope
from app.workflows import deadlines, staffing
from app.workflows.calendar import add_duration
from app.workflows.engine import CalendarMissing, InvalidData, apply, create
from app.workflows.registry import (
    EVERY_ROLE,
    N_,
    TO_DIRECTOR_AND_GM,
    TO_HANDLER_AND_UP,
    DocumentType,
    Menu,
    Page,
    Policy,
    PrintForm,
    declare,
)
from app.workflows.table import Arm, Branch, Context, Field, Transition, Workflow

REVISIT_STATES = {"due": _l("Due"), "awaiting_reply": _l("Awaiting the promised reply"),
                  "done": _l("Done"), "problem_found": _l("Problem found")}
PROCESSED = ("done", "problem_found")
RECTIFICATION_STATES = {"issued": _l("Issued"), "rectified": _l("Rectified"),
                        "verified": _l("Verified")}

REVISITORS = (P.ROLE_OFFICE_DIRECTOR, P.ROLE_CS_SUPERVISOR, P.ROLE_REPAIR_LEAD)
# Property officers record their own area visits (R-RV-1) besides the revisitors above.
RECORDERS = (*REVISITORS, P.ROLE_PROPERTY_OFFICER)
# The resource of the routine revisit schedules (R-RV-1), managed by office directors.
SCHEDULE = "RevisitSchedule"
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
        work_order=work_order, subject="repair",
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
    in Customer Service's queue). `link` is both the source's attribute and the revisit's
    subject (R-RV-1)."""
    session = ctx.session
    assignee = least_loaded(session, sorted(staffing.on_estate(
        session, source.estate, "customer_service", (P.ROLE_CS_SUPERVISOR,))))
    revisit = Revisit(subject=link, estate=source.estate, unit=source.unit,
                      assigned_role="cs_supervisor",
                      assignee_id=assignee,
                      department_id=source.registering_department_id or source.department_id,
                      **{link: source})
    create(revisit, actor=ctx.actor, session=session, now=ctx.now,
           data={link: source.number})
    timer = deadlines.arm(session, revisit, policy, ctx.now, assignee)
    revisit.due_at = timer.due_at if timer else None
    return revisit


def least_loaded(session: Session, people: list[int]) -> int | None:
    """The person among `people` with the fewest open revisits (then the lowest id)."""
    if not people:
        return None
    load = dict(session.execute(
        select(Revisit.assignee_id, func.count())
        .where(Revisit.assignee_id.in_(people), Revisit.state.in_(("due", "awaiting_reply")))
        .group_by(Revisit.assignee_id)).all())
    return min(people, key=lambda uid: (load.get(uid, 0), uid))


def create_complaint_revisit(complaint: Any, ctx: Context) -> Revisit:
    return create_followup_revisit(complaint, "complaint", "revisit.complaint", ctx)


def create_service_revisit(record: Any, ctx: Context) -> Revisit:
    return create_followup_revisit(record, "service_record", "revisit.service", ctx)


SATISFIED = ("very_satisfied", "satisfied", "neutral")


def _reply_pending(revisit: Revisit) -> bool:
    return revisit.promised_reply_at is not None and revisit.replied_at is None


def _follow_up_complaint(revisit: Revisit, ctx: Context) -> None:
    """R-CP-7: a satisfied complainant closes the complaint; otherwise it is reopened and
    the handler follows up until they are satisfied (R-RV-3). While a promised reply is
    outstanding (R-RV-2) the complaint waits for it."""
    complaint = revisit.complaint
    if complaint is None or complaint.state != "resolved":
        return
    if ctx.transition.name == "record" and _reply_pending(revisit):
        return
    satisfied = ctx.transition.name in ("record", "reply") and \
        revisit.satisfaction in SATISFIED
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


def _spawn_work_order(revisit: Revisit, ctx: Context) -> None:
    """R-RV-3: a problem found on a revisit with no source document (a routine visit, the
    forum, a new resident) becomes a new repair form, registered through the work-order
    workflow by the person who recorded it (number, deadlines, first history row); the
    revisit keeps the link."""
    if revisit.subject not in ROUTINE_SUBJECTS or revisit.new_work_order_id is not None:
        return
    category = ctx.data.get("category") or ("other" if revisit.unit_id else "public_area")
    order = WorkOrder(
        source="staff", category=category, emergency=False, estate=revisit.estate,
        unit=revisit.unit, resident=revisit.resident,
        contact_name=revisit.revisitee, description=revisit.problem,
        location=None if revisit.unit_id else revisit.estate.name, reported_at=ctx.now,
        registered_by_id=ctx.actor.user_id)
    create(order, actor=ctx.actor, session=ctx.session, now=ctx.now,
           data={"revisit": revisit.number})
    revisit.new_work_order = order


def _default_revisitor(revisit: Revisit, ctx: Context) -> None:
    """R-RV-2: the revisitor is who recorded it unless they name a colleague."""
    if revisit.revisitor_id is None and revisit.revisitor is None:
        revisit.revisitor_id = ctx.actor.user_id


def _assignee_or_manager(doc: Any, ctx: Context) -> str | None:
    if ctx.actor.is_system or doc.assignee_id in (None, ctx.actor.user_id) or \
            ctx.actor.can("can_verify", P.RECTIFICATION):
        return None
    return _("This revisit is assigned to someone else.")


def _promise_complete(doc: Any, ctx: Context) -> str | None:
    """A promised reply needs both the open question and the time (R-RV-2)."""
    if bool(ctx.data.get("open_question")) != bool(ctx.data.get("promised_reply_at")):
        return _("A promised reply needs both the open question and the time promised.")
    return None


def revisitors(doc: Any, session: Session) -> dict[int, str]:
    """Who may be named as the revisitor: the revisitors of the estate's office."""
    estate = doc.estate
    people = dict(staffing.on_estate(session, estate, "customer_service",
                                     (P.ROLE_CS_SUPERVISOR, P.ROLE_PROPERTY_OFFICER)))
    people.update(staffing.on_estate(session, estate, "engineering", (P.ROLE_REPAIR_LEAD,)))
    ids = set(staffing.directing_office(session, (P.ROLE_OFFICE_DIRECTOR,), estate.office_id))
    ids |= {doc.assignee_id} if doc.assignee_id else set()
    for user in session.scalars(select(User).where(User.id.in_(ids - set(people)))):
        people[user.id] = f"{user.get_full_name()} ({user.username})"
    return people


REVISIT_FIELDS = (
    Field("mode", _l("Mode"), "choice", choices=MODES),
    Field("revisitee", _l("Revisitee (signs)"), "text"),
    Field("revisitor_id", _l("Revisitor"), "user", required=False, choices=revisitors,
          description=_l("Who revisited; empty: you.")),
    Field("content", _l("Content discussed"), "textarea", required=False),
    Field("repair_checked", _l("Repair inspected"), "bool", required=False),
    Field("charge_verified", _l("Charge verified"), "bool", required=False),
    Field("satisfaction", _l("Satisfaction"), "choice", choices=SATISFACTION),
    Field("feedback", _l("Feedback on the technician's service"), "textarea",
          required=False),
    Field("suggestions", _l("Suggestions"), "textarea", required=False),
)
PROMISE_FIELDS = (
    Field("open_question", _l("Question to answer later"), "textarea", required=False),
    Field("promised_reply_at", _l("Reply promised by"), "datetime", required=False,
          future=True),
)


def _promised(doc: Revisit, ctx: Context) -> bool:
    return _reply_pending(doc)


REVISIT = Workflow(
    doc_type="revisit", resource=P.REVISIT, states=REVISIT_STATES, initial="due",
    number_prefix="RV", handler_attr="assignee_id",
    final=("done", "problem_found"),
    transitions=(
        Transition("record", _l("Record the revisit"), ("due",),
                   (Branch("awaiting_reply", _promised), Branch("done")), RECORDERS,
                   fields=(*REVISIT_FIELDS, *PROMISE_FIELDS),
                   guards=(_assignee_or_manager, _promise_complete),
                   set_now=("revisited_at",), cancels=("*",),
                   effects=(_default_revisitor, _follow_up_complaint),
                   arms=(Arm("revisit.reply", start="revisited_at", handler="assignee_id",
                             due="promised_reply_at"),),
                   icon="fa-phone"),
        Transition("reply", _l("Record the promised reply"), ("awaiting_reply",), "done",
                   RECORDERS, fields=(Field("reply", _l("Reply given"), "textarea"),),
                   guards=(_assignee_or_manager,), set_now=("replied_at",),
                   meets=("revisit.reply",), effects=(_follow_up_complaint,),
                   icon="fa-reply"),
        Transition("record_problem", _l("Record a problem"), ("due",), "problem_found",
                   RECORDERS,
                   fields=(*REVISIT_FIELDS, Field("problem", _l("Problem found"), "textarea"),
                           Field("category", _l("Repair category (routine revisits)"),
                                 "choice", required=False, choices=CATEGORIES, attr=None)),
                   guards=(_assignee_or_manager,), set_now=("revisited_at",),
                   effects=(_default_revisitor, _issue_rectification, _follow_up_complaint,
                            _spawn_work_order), cancels=("*",),
                   icon="fa-exclamation-triangle"),
    ),
)


# --- routine revisits (R-RV-1) -------------------------------------------------------------

@dataclass(frozen=True)
class RoutinePeriod:
    """A month or a quarter: its key and its local start and (exclusive) end."""

    label: str
    start: datetime
    end: datetime

    @property
    def last_moment(self) -> datetime:
        """The end of the period's last day (23:59:59), when its tasks fall due."""
        return self.end - timedelta(seconds=1)


def month_of(now: datetime) -> RoutinePeriod:
    start = datetime(now.year, now.month, 1)
    end = datetime(now.year + (now.month == 12), now.month % 12 + 1, 1)
    return RoutinePeriod(f"{now.year}-{now.month:02d}", start, end)


def quarter_of(now: datetime) -> RoutinePeriod:
    number = (now.month - 1) // 3 + 1
    start = datetime(now.year, 3 * number - 2, 1)
    end = datetime(now.year + (number == 4), (3 * number) % 12 + 1, 1)
    return RoutinePeriod(f"{now.year}-Q{number}", start, end)


POLICY_OF_SUBJECT = {"routine_director": "revisit.routine_director",
                     "routine_officer": "revisit.routine_officer", "forum": "revisit.forum",
                     "new_resident": "revisit.new_resident"}
ROLE_OF_SUBJECT = {"routine_director": "office_director",
                   "routine_officer": "property_officer", "forum": "office_director",
                   "new_resident": "cs_supervisor"}


def _arm_until(session: Session, revisit: Revisit, start: datetime, latest: datetime
               ) -> DeadlineTimer | None:
    """The subject's deadline policy from `start`, but never later than `latest` (the end
    of the schedule's period): admins set how soon within the period, the period caps it."""
    key = POLICY_OF_SUBJECT[revisit.subject]
    policy = session.scalar(select(DeadlinePolicy).where(DeadlinePolicy.key == key))
    if policy is None or not policy.active:
        return None
    due = add_duration(revisit.estate.region, start, policy.amount, policy.unit, session)
    return deadlines.arm(session, revisit, key, start, revisit.assignee_id,
                         due_at=min(due, latest))


def _service_department(session: Session, office_id: int) -> int | None:
    """The office's Customer Service: routine revisits sit in its queue."""
    return session.scalar(select(Department.id).where(
        Department.office_id == office_id, Department.kind == "customer_service")
        .order_by(Department.id).limit(1))


def _people_for(session: Session, subject: str, estate: Estate) -> list[int]:
    """Who does a routine revisit of `subject` on `estate` when the schedule names nobody."""
    if subject in ("routine_director", "forum"):
        return staffing.directing_office(session, (P.ROLE_OFFICE_DIRECTOR,), estate.office_id)
    if subject == "routine_officer":
        return sorted(staffing.on_estate(session, estate, "customer_service",
                                         (P.ROLE_PROPERTY_OFFICER,)))
    return sorted(staffing.on_estate(session, estate, "customer_service",
                                     (P.ROLE_CS_SUPERVISOR,)))


def _new_routine(session: Session, now: datetime, *, subject: str, estate: Estate,
                 key: str, latest: datetime, unit_id: int | None = None,
                 schedule: RevisitSchedule | None = None, period: str | None = None,
                 resident: Resident | None = None) -> Revisit | None:
    """One routine revisit task, once per key: a concurrent run that made it first wins
    (the unique key), and this one changes nothing."""
    person = schedule.person_id if schedule is not None and schedule.person_id else \
        least_loaded(session, _people_for(session, subject, estate))
    # Ids, not relationships: the schedule's and resident's collections stay untouched
    # until the task is saved inside its savepoint.
    revisit = Revisit(subject=subject, estate=estate, unit_id=unit_id,
                      schedule_id=schedule.id if schedule is not None else None,
                      period=period, routine_key=key,
                      resident_id=resident.id if resident is not None else None,
                      assigned_role=ROLE_OF_SUBJECT[subject], assignee_id=person,
                      department_id=_service_department(session, estate.office_id))
    try:
        with session.begin_nested():
            create(revisit, actor=Actor.system(), session=session, now=now,
                   data={"schedule": schedule.id if schedule else None, "period": period})
            timer = _arm_until(session, revisit, now, latest)
            revisit.due_at = timer.due_at if timer else None
            session.flush()
    except IntegrityError:
        return None
    return revisit


def _estates_of(session: Session, schedule: RevisitSchedule) -> list[Estate]:
    if schedule.estate is not None:
        return [schedule.estate]
    if schedule.office_id is None:
        return []
    return list(session.scalars(select(Estate).where(Estate.office_id == schedule.office_id)
                                .order_by(Estate.id)))


def _households(session: Session, schedule: RevisitSchedule) -> list[tuple[int, Estate]]:
    """(unit id, estate) of the occupied units the schedule covers, in a stable order."""
    estates = {e.id: e for e in _estates_of(session, schedule)}
    if not estates:
        return []
    query = (select(Unit.id, Building.estate_id).join(Building, Building.id == Unit.building_id)
             .where(Building.estate_id.in_(list(estates)), Unit.occupied.is_(True))
             .order_by(Unit.id))
    buildings = [b.id for b in schedule.buildings]
    if buildings:
        query = query.where(Building.id.in_(buildings))
    return [(unit_id, estates[estate_id]) for unit_id, estate_id in session.execute(query)]


def _existing_keys(session: Session, schedule: RevisitSchedule, period: str) -> set[str]:
    return set(session.scalars(select(Revisit.routine_key).where(
        Revisit.schedule_id == schedule.id, Revisit.period == period)))


def _plan_director(session: Session, schedule: RevisitSchedule, now: datetime,
                   batch: int) -> int:
    """Office director household visits (R-RV-1: 1–2 times a year per household), spread
    evenly over the rest of the year: each month gets its share of the visits still
    missing, households visited least first. A household counts as visited for every
    director visit of the year, done or planned."""
    period = month_of(now)
    households = _households(session, schedule)
    if not households:
        return 0
    wanted = max(int(schedule.yearly_count or 1), 1)
    year_start = datetime(now.year, 1, 1)
    estate_ids = sorted({estate.id for _unit_id, estate in households})
    visits = dict(session.execute(
        select(Revisit.unit_id, func.count())
        .where(Revisit.subject == "routine_director", Revisit.created_at >= year_start,
               Revisit.estate_id.in_(estate_ids), Revisit.unit_id.isnot(None))
        .group_by(Revisit.unit_id)).all())
    keys = _existing_keys(session, schedule, period.label)
    this_month = len(keys)
    missing = sum(max(0, wanted - visits.get(unit_id, 0)) for unit_id, _estate in households)
    months_left = 13 - now.month
    quota = min(math.ceil((missing + this_month) / months_left) - this_month, batch)
    if quota <= 0:
        return 0
    made = 0
    candidates = sorted((visits.get(unit_id, 0), unit_id, estate)
                        for unit_id, estate in households
                        if visits.get(unit_id, 0) < wanted)
    for _count, unit_id, estate in candidates:
        if made >= quota:
            break
        key = f"{schedule.id}:{period.label}:{unit_id}"
        if key in keys:
            continue
        if _new_routine(session, now, subject="routine_director", estate=estate, key=key,
                        latest=period.last_moment, unit_id=unit_id, schedule=schedule,
                        period=period.label):
            made += 1
    return made


def _plan_officer(session: Session, schedule: RevisitSchedule, now: datetime,
                  batch: int) -> int:
    """Property officer area visits (R-RV-1): every household of the area once a quarter;
    a large area fills over a few runs, at most `batch` tasks at a time."""
    period = quarter_of(now)
    keys = _existing_keys(session, schedule, period.label)
    made = 0
    for unit_id, estate in _households(session, schedule):
        if made >= batch:
            break
        key = f"{schedule.id}:{period.label}:{unit_id}"
        if key not in keys and _new_routine(
                session, now, subject="routine_officer", estate=estate, key=key,
                latest=period.last_moment, unit_id=unit_id, schedule=schedule,
                period=period.label):
            made += 1
    return made


def _plan_forum(session: Session, schedule: RevisitSchedule, now: datetime,
                batch: int) -> int:
    """The residents' forum (R-RV-1): one task per estate and quarter, with no unit."""
    period = quarter_of(now)
    keys = _existing_keys(session, schedule, period.label)
    made = 0
    for estate in _estates_of(session, schedule):
        if made >= batch:
            break
        key = f"{schedule.id}:{period.label}:e{estate.id}"
        if key not in keys and _new_routine(
                session, now, subject="forum", estate=estate, key=key,
                latest=period.last_moment, schedule=schedule, period=period.label):
            made += 1
    return made


def check_schedule(schedule: RevisitSchedule) -> None:
    """A schedule must say where (R-RV-1): area visits and the forum an estate, director
    visits an estate or a whole office; buildings of that estate only; director visits 1
    or 2 times a year. The office follows the estate. Raises InvalidData per field."""
    errors: dict[str, str] = {}
    if schedule.kind not in SCHEDULE_KINDS:
        errors["kind"] = _("Not a valid choice.")
    if schedule.estate is not None:
        schedule.office = schedule.estate.office
    elif schedule.kind != "director":
        errors["estate"] = _("This field is required.")
    elif schedule.office is None:
        errors["office"] = _("Choose an estate or a management office.")
    if schedule.buildings and (schedule.estate is None or any(
            b.estate_id != schedule.estate.id for b in schedule.buildings)):
        errors["buildings"] = _("Choose buildings of the schedule's estate.")
    if schedule.buildings and schedule.kind != "officer":
        errors["buildings"] = _("Only area visits cover some buildings.")
    count = schedule.yearly_count if schedule.yearly_count is not None else 1
    if not 1 <= int(count) <= 2:
        errors["yearly_count"] = _("Enter 1 or 2.")
    schedule.yearly_count = count
    if errors:
        raise InvalidData(_("Please correct the highlighted fields."), errors)


PLANNERS = {"director": _plan_director, "officer": _plan_officer, "forum": _plan_forum}


def plan_schedule(session: Session, schedule: RevisitSchedule, now: datetime,
                  batch: int | None = None) -> int:
    """The tasks of one schedule for the period of `now`, at most `batch` of them (default:
    the setting `revisit.routine_batch`); what the periodic job does for each active
    schedule. A later run makes the rest."""
    planner = PLANNERS.get(schedule.kind)
    if planner is None or not schedule.active:
        return 0
    if batch is None:
        batch = int(setting(session, "revisit.routine_batch"))
    return planner(session, schedule, now, max(batch, 1))


def plan_new_residents(session: Session, now: datetime, batch: int) -> int:
    """R-RV-1: a resident who moved in within the last N days (setting) and has no
    new-resident revisit yet gets one. Registering residents is plain data entry with no
    workflow to hook into, so the periodic job picks them up."""
    days = int(setting(session, "revisit.new_resident_days"))
    since = now.date() - timedelta(days=days)
    done = select(Revisit.resident_id).where(Revisit.subject == "new_resident",
                                             Revisit.resident_id.isnot(None))
    residents = session.scalars(
        select(Resident).where(Resident.move_in_date >= since,
                               Resident.move_in_date <= now.date(),
                               Resident.move_out_date.is_(None),
                               Resident.id.not_in(done))
        .order_by(Resident.id).limit(batch)).all()
    made = 0
    for resident in residents:
        estate = resident.unit.estate
        if _new_routine(session, now, subject="new_resident", estate=estate,
                        key=f"new_resident:{resident.id}", latest=datetime.max,
                        unit_id=resident.unit_id, resident=resident):
            made += 1
    return made


def plan_routine_revisits(session: Session, now: datetime) -> int:
    """The periodic job (on the minute tick): the revisit tasks of every active schedule
    for the current period, and new residents' revisits. Idempotent: a task exists once
    per schedule, period and unit. Bounded: at most `revisit.routine_batch` tasks per
    schedule and run, so a large estate never arrives as one burst."""
    batch = max(int(setting(session, "revisit.routine_batch")), 1)
    made = 0
    try:
        for schedule in session.scalars(select(RevisitSchedule).where(
                RevisitSchedule.active.is_(True)).order_by(RevisitSchedule.id)).all():
            made += plan_schedule(session, schedule, now, batch)
        made += plan_new_residents(session, now, batch)
    except CalendarMissing:
        # A policy moved onto working days past the known calendar: the engine rolled
        # back and alerted the admins; nothing is guessed, a later run makes the tasks.
        return 0
    session.flush()
    return made


# --- the revisit processing rate (R-RV-4) ---------------------------------------------------

@dataclass
class RateRow:
    """Revisits due in a period and how many of them were processed (done or a problem
    recorded). The rate is exact: processed / due as a Decimal, None when nothing was due."""

    name: str
    office_id: int | None = None
    due: int = 0
    processed: int = 0

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.processed) / Decimal(self.due) if self.due else None

    def on_target(self, target_percent: Decimal) -> bool:
        """Compared in integers: processed × 100 ≥ target × due."""
        return self.due == 0 or Decimal(self.processed) * 100 >= target_percent * self.due


@dataclass
class ProcessingRate:
    start: datetime
    end: datetime
    target: Decimal
    offices: list[RateRow] = field(default_factory=list)
    overall: RateRow = field(default_factory=lambda: RateRow(""))


def processing_rate(session: Session, scope: Scope, start: datetime, end: datetime
                    ) -> ProcessingRate:
    """R-RV-4: per office the reader sees and overall, revisits due in [start, end) that
    were processed, out of those due; counted in SQL inside the reader's scope."""
    query = apply_scope(
        select(Estate.office_id, func.count(),
               func.count().filter(Revisit.state.in_(PROCESSED)))
        .select_from(Revisit).join(Estate, Estate.id == Revisit.estate_id)
        .where(Revisit.due_at >= start, Revisit.due_at < end)
        .group_by(Estate.office_id), Revisit, scope)
    counts = session.execute(query).all()
    names = dict(session.execute(select(Office.id, Office.name).where(
        Office.id.in_([office_id for office_id, _d, _p in counts]))).all())
    result = ProcessingRate(start, end, setting(session, "revisit.processing_target"))
    for office_id, due, processed in sorted(counts, key=lambda row: names.get(row[0], "")):
        result.offices.append(RateRow(names.get(office_id, f"#{office_id}"), office_id,
                                      int(due), int(processed or 0)))
    result.overall = RateRow(_("All offices"), None,
                             sum(r.due for r in result.offices),
                             sum(r.processed for r in result.offices))
    return result


def period_bounds(day: date) -> tuple[datetime, datetime]:
    """The local month of `day`, as [start, end) datetimes."""
    period = month_of(datetime.combine(day, datetime.min.time()))
    return period.start, period.end



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
    view="app.views.revisit:RevisitView", api="app.views.revisit:RevisitApi",
    menu=Menu("Revisits", _l("Revisits"), "fa-phone", P.MENU_REPAIRS, _l("Repairs"), order=20),
    grants={EVERY_ROLE: (P.READ, P.PRINT), P.ROLE_CS_SUPERVISOR: (P.EXPORT,),
            P.ROLE_DEPARTMENT_HEAD: (P.EXPORT,)},
    pages=(
        # Routine revisit plans (R-RV-1): office directors keep their offices' schedules.
        Page("app.views.revisit:RevisitScheduleView",
             Menu("Revisit schedules", _l("Revisit schedules"), "fa-calendar-check-o",
                  P.MENU_SERVICE, _l("Customer service"), order=65),
             opens=(P.READ, SCHEDULE),
             grants={P.ROLE_OFFICE_DIRECTOR: ((P.READ, SCHEDULE), (P.CREATE, SCHEDULE),
                                              (P.EDIT, SCHEDULE), (P.DELETE, SCHEDULE)),
                     P.ROLE_CS_SUPERVISOR: ((P.READ, SCHEDULE),)}),
    ),
    periodic_jobs=(plan_routine_revisits,),
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
        # A promised reply (R-RV-2) is due at the time promised; the policy gives the
        # warning share and who hears of a breach.
        Policy("revisit.reply", N_("Promised reply after a revisit"),
               "R-RV-2", 2, "calendar_days", 0.75, TO_HANDLER_AND_UP, 240),
        # Routine revisits (R-RV-1): due this long after the task is made, and at the
        # latest at the end of the schedule's period (month or quarter).
        Policy("revisit.routine_director", N_("Office director household visit"),
               "R-RV-1", 31, "calendar_days", 0.8, TO_DIRECTOR_AND_GM, 1440),
        Policy("revisit.routine_officer", N_("Property officer area visit"),
               "R-RV-1", 92, "calendar_days", 0.8, TO_HANDLER_AND_UP, 1440),
        Policy("revisit.forum", N_("Residents' forum"),
               "R-RV-1", 92, "calendar_days", 0.8, TO_DIRECTOR_AND_GM, 1440),
        Policy("revisit.new_resident", N_("Revisit of a new resident"),
               "R-RV-1", 14, "calendar_days", 0.8, TO_HANDLER_AND_UP, 480),
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
