"""Visitors at the gate (来访人士接待, R-FD-1), as a table the security and customer-service
staff can read::

    called --clear (centre)--> cleared --admit (gate)--> admitted --leave (gate)--> left
    called --decline (centre, reason)--> declined --turn away (gate)--> turned away
    called / cleared --cancel (reason)--> cancelled (the visitor went before entering)

Registering the visitor is the guard's call to the centre (its time is the call's). Only
the service centre answers the gate (front-desk agent and up): it checks with the resident
of the unit or the department visited and records whom it asked. Only the gate admits or
turns away (gate guard): the centre never lets anyone in itself. Every step is stamped.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Department
from app.models.visitor import VISIT_PURPOSES, Visitor
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import is_in_scope
from app.workflows.engine import InvalidData
from app.workflows.registry import N_, DocumentType, PrintForm, declare, front_desk_menu
from app.workflows.table import Context, Field, Transition, Workflow

STATES = {
    "called": _l("Waiting for the centre's answer"), "cleared": _l("Cleared by the centre"),
    "declined": _l("Refused by the centre"), "admitted": _l("Admitted"),
    "turned_away": _l("Turned away"), "left": _l("Left"), "cancelled": _l("Cancelled"),
}

GATE = (P.ROLE_GATE_GUARD,)
CENTRE = (P.ROLE_FRONT_DESK_AGENT,)  # and up: supervisors, managers, the office director


def _departments(visitor: Any, session: Session) -> dict[int, str]:
    """The departments of the estate's office a visitor may have come to see."""
    if visitor.estate is None:
        return {}
    return {str(pk): name for pk, name in session.execute(
        select(Department.id, Department.name)
        .where(Department.office_id == visitor.estate.office_id)
        .order_by(Department.name))}


def prepare_visitor(visitor: Visitor, actor: Actor, session: Session, now: datetime) -> None:
    """An estate of the guard's scope; the unit must be of that estate; the call is now."""
    errors: dict[str, str] = {}
    if visitor.estate is None or (not actor.is_system and
                                  not is_in_scope(visitor.estate, actor.scope)):
        errors["estate"] = _("Choose an estate you work for.")
    elif visitor.unit is not None and visitor.unit.building.estate_id != visitor.estate.id:
        errors["unit"] = _("This unit is not in the estate chosen.")
    if visitor.purpose not in VISIT_PURPOSES:
        errors["purpose"] = _("Choose why the visitor came.")
    if visitor.party_size is None or not 1 <= int(visitor.party_size) <= 99:
        errors["party_size"] = _("Enter how many people came, from 1 to 99.")
    if not (visitor.visitor_name or "").strip():
        errors["visitor_name"] = _("This field is required.")
    if errors:
        raise InvalidData(next(iter(errors.values())), errors)
    visitor.visitor_name = visitor.visitor_name.strip()
    visitor.id_or_plate = (visitor.id_or_plate or "").strip() or None
    visitor.called_at = visitor.called_at or now
    visitor.called_by_id = visitor.called_by_id or actor.user_id


def _whom_is_known(visitor: Any, ctx: Context) -> str | None:
    """The centre answers for a unit's residents or for a department: one of them."""
    if visitor.unit_id is None and visitor.unit is None and not ctx.data.get("department_id"):
        return _("Say whom the visitor came to see: the unit at the gate, or the "
                 "department here.")
    return None


def _stamp_answer(visitor: Any, ctx: Context) -> None:
    """Who was asked is kept with the answer; the department chosen is the host."""
    if ctx.data.get("department_id"):
        visitor.department = ctx.session.get(Department, int(ctx.data["department_id"]))


DEPARTMENT = Field("department_id", _l("Department visited"), "choice", required=False,
                   choices=_departments, attr=None,
                   description=_l("When the visitor came to see the office, not a unit."))
CHECKED_WITH = Field("checked_with", _l("Checked with"), required=True,
                     description=_l("The resident or colleague the centre asked."))

VISITOR = Workflow(
    doc_type="visitor", resource=P.VISITOR, states=STATES, initial="called",
    number_prefix="VS", final=("left", "turned_away", "cancelled"),
    # With nobody in particular: every agent of the estate sees a call waiting for an
    # answer in "My work", every guard sees the answers waiting at the gate.
    prepare=prepare_visitor, handler_attr=None,
    transitions=(
        Transition("clear", _l("Centre: let the visitor in"), ("called",), "cleared", CENTRE,
                   fields=(CHECKED_WITH, DEPARTMENT), guards=(_whom_is_known,),
                   effects=(_stamp_answer,), set_now=("answered_at",),
                   set_actor=("answered_by_id",), icon="fa-check"),
        Transition("decline", _l("Centre: do not let the visitor in"), ("called",),
                   "declined", CENTRE,
                   fields=(Field("refusal_reason", _l("Reason")),
                           Field("checked_with", _l("Checked with"), required=False),
                           DEPARTMENT),
                   effects=(_stamp_answer,), set_now=("answered_at",),
                   set_actor=("answered_by_id",), icon="fa-ban"),
        Transition("admit", _l("Register and admit"), ("cleared",), "admitted", GATE,
                   set_now=("admitted_at",), set_actor=("gate_by_id",), icon="fa-sign-in"),
        Transition("turn_away", _l("Turn the visitor away"), ("declined",), "turned_away",
                   GATE, set_now=("turned_away_at",), set_actor=("gate_by_id",),
                   icon="fa-hand-paper-o"),
        Transition("leave", _l("Visitor left"), ("admitted",), "left", GATE,
                   set_now=("left_at",), icon="fa-sign-out"),
        Transition("cancel", _l("Visitor went away"), ("called", "cleared"), "cancelled",
                   GATE + CENTRE, comment_required=True, icon="fa-times"),
    ),
)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min)
    return start, start + timedelta(days=1)


def visitor_log_values(visitor: Visitor) -> dict[str, Any]:
    """The visitor log of the estate's day the visitor called on: every visitor of that
    estate and day, in the order they called."""
    from sqlalchemy.orm import object_session

    start, end = day_bounds(visitor.called_at.date())
    rows = object_session(visitor).scalars(
        select(Visitor).where(Visitor.estate_id == visitor.estate_id,
                              Visitor.called_at >= start, Visitor.called_at < end)
        .order_by(Visitor.called_at, Visitor.id)).all()
    return {"rows": rows, "day": start.date(), "PURPOSES": VISIT_PURPOSES, "STATES": STATES}


VISITOR_DOCUMENT = declare(DocumentType(
    workflow=VISITOR, model=Visitor, label=_l("Visitor"),
    view="app.views.visitor:VisitorView", api="app.views.visitor:VisitorApi",
    menu=front_desk_menu("Visitors", _l("Visitors"), "fa-id-badge", 10),
    grants={P.ROLE_GATE_GUARD: (P.READ, P.CREATE, P.PRINT, P.EXPORT),
            P.ROLE_FRONT_DESK_AGENT: (P.READ, P.PRINT, P.EXPORT),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.PRINT, P.EXPORT)},
    print_forms=(
        PrintForm("visitor_log", N_("Visitor log"), "print/visitor_log.html", "R-FD-1",
                  extra=visitor_log_values),
    ),
))
