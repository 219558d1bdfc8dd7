"""Improvement actions (改进措施, R-CS-7): the work leadership orders on a suggestion of
the monthly communication reports ("act now"), as a table a department head can read::

    open --done--> done --verify--> verified
    done --reopen--> open (not enough, with a reason)

The department carries it out by the due date leadership set; the deadline engine warns
and escalates to its head and up when it is late. The summariser (the office director or
Quality) checks it was done.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models.communication import ImprovementAction
from app.security import permissions as P
from app.workflows.communication import LEADERSHIP, SUMMARISERS
from app.workflows.registry import (
    N_,
    TO_HEAD_AND_UP,
    DocumentType,
    Menu,
    Policy,
    declare,
)
from app.workflows.table import Arm, Field, Transition, Workflow

STATES = {"open": _l("Open"), "done": _l("Done"), "verified": _l("Verified")}
# Whoever works in the department that acts: its supervisors and staff.
DOERS = (P.ROLE_CS_SUPERVISOR, P.ROLE_REPAIR_LEAD, P.ROLE_PROPERTY_OFFICER,
         P.ROLE_QUALITY_OFFICER, P.ROLE_GATE_GUARD, P.ROLE_FINANCE_CLERK, P.ROLE_ADMIN_CLERK)
DUE = "improvement.due"

ACTION = Workflow(
    doc_type="improvement_action", resource=P.IMPROVEMENT_ACTION, states=STATES,
    initial="open", number_prefix="IA", final=("verified",),
    on_create=(Arm(DUE, due="due_at"),),
    transitions=(
        Transition("done", _l("Record it done"), ("open",), "done", DOERS,
                   fields=(Field("measure", _l("What was done"), "textarea"),),
                   set_now=("done_at",), set_actor=("done_by_id",), meets=(DUE,),
                   icon="fa-check"),
        Transition("verify", _l("Verify"), ("done",), "verified", SUMMARISERS + LEADERSHIP,
                   set_now=("verified_at",), set_actor=("verified_by_id",),
                   icon="fa-check-circle"),
        Transition("reopen", _l("Not enough: reopen"), ("done",), "open",
                   SUMMARISERS + LEADERSHIP, comment_required=True,
                   arms=(Arm(DUE, due="due_at"),), icon="fa-undo"),
    ),
)

ACTION_DOCUMENT = declare(DocumentType(
    workflow=ACTION, model=ImprovementAction, label=_l("Improvement action"),
    view="app.views.communication:ImprovementActionView",
    api="app.views.communication:ImprovementActionApi",
    menu=Menu("Improvement actions", _l("Improvement actions"), "fa-wrench",
              P.MENU_SERVICE, _l("Customer service"), order=68),
    grants={**{role: (P.READ,) for role in DOERS},
            P.ROLE_DEPARTMENT_HEAD: (P.READ, P.EXPORT),
            P.ROLE_OFFICE_DIRECTOR: (P.READ, P.EXPORT)},
    policies=(
        Policy(DUE, N_("Improvement action done by the date leadership set"), "R-CS-7", 0,
               "minutes", 0.8, TO_HEAD_AND_UP, 1440),
    ),
))
