"""Contractor work permits 工作證 (R-FD-3), as a table the front desk can read::

    draft --add worker / remove worker--> draft (name, ID number, photo of each)
    draft --submit--> awaiting the fee            (the 30-minute deadline starts)
    awaiting the fee --take the fee--> awaiting vetting        Finance: receipt, blanks
    awaiting vetting --vet and fill--> awaiting the stamp      Security: validity, card nos.
    awaiting vetting --refuse--> refused (with a reason)       Security
    awaiting the stamp --stamp--> awaiting lamination          Customer Service
    awaiting lamination --laminate--> ready to hand out        Administration
    ready to hand out --hand out--> handed out (to whom)       Customer Service: deadline met
    draft / awaiting the fee --cancel--> cancelled (with a reason)

A department of the estate's office (its head, a property officer or the front desk) hands
the staff data and the fee to Customer Service; each later step belongs to one department
of the estate's office (`by_department`), whatever other roles the person holds. The whole
chain is due within 30 minutes of the submission (a deadline policy, escalated by the
minute tick to the requesting department's head, then the office director).

The fee is the production fee the department hands in (工本費): the procedure names no
amount, so the department enters it, and it is never zero, because Finance always takes
it and writes a receipt.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Department
from app.models.staff import StaffProfile, profile_departments
from app.models.work_permit import WorkPermit, WorkPermitWorker
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import is_in_scope
from app.workflows.engine import InvalidData
from app.workflows.money import MoneyError, parse_money
from app.workflows.registry import (
    N_,
    TO_HEAD_AND_DIRECTOR,
    DocumentType,
    Policy,
    PrintForm,
    declare,
    front_desk_menu,
)
from app.workflows.staffing import by_department
from app.workflows.table import Arm, Context, Field, Transition, Workflow

STATES = {
    "draft": _l("Being prepared"), "awaiting_fee": _l("Awaiting the fee"),
    "awaiting_vetting": _l("Awaiting vetting"), "awaiting_stamp": _l("Awaiting the stamp"),
    "awaiting_lamination": _l("Awaiting lamination"), "ready": _l("Ready to hand out"),
    "handed_out": _l("Handed out"), "refused": _l("Refused"), "cancelled": _l("Cancelled"),
}
FINAL = ("handed_out", "refused", "cancelled")
DEADLINE = "fd.work_permit"  # R-FD-3: the whole chain within 30 minutes

# The department asking: its head, a property officer, or the front desk (and the roles
# that include them). Customer Service stamps and hands out: the front desk and up.
REQUESTERS = (P.ROLE_FRONT_DESK_AGENT, P.ROLE_PROPERTY_OFFICER, P.ROLE_DEPARTMENT_HEAD)
CUSTOMER_SERVICE = (P.ROLE_FRONT_DESK_AGENT,)

# Mainland 18-character ID (17 digits and a digit or X), Hong Kong ID such as A123456(7),
# or a passport or travel permit: letters, digits and brackets.
ID_NUMBER = re.compile(r"^[A-Z0-9()（）-]{6,30}$")


# --- registration ---------------------------------------------------------------------------

def permit_problems(permit: WorkPermit) -> dict[str, str]:
    """Per-field reasons a request cannot be saved as it is (registration and edits)."""
    errors: dict[str, str] = {}
    for attr in ("company", "person_in_charge"):
        if not (getattr(permit, attr) or "").strip():
            errors[attr] = _("This field is required.")
    try:
        permit.fee = parse_money(permit.fee)
    except MoneyError as error:
        errors["fee"] = str(error)
    return errors


def prepare_permit(permit: WorkPermit, actor: Actor, session: Session, now: datetime) -> None:
    """An estate of the person's scope; the requesting department is one of the estate's
    office (theirs there when not given); the fee is an amount above zero."""
    errors: dict[str, str] = {}
    if permit.estate is None or (not actor.is_system and
                                 not is_in_scope(permit.estate, actor.scope)):
        errors["estate"] = _("Choose an estate you work for.")
    errors.update(permit_problems(permit))
    if permit.department is None and permit.estate is not None and actor.user_id:
        permit.department = session.scalar(
            select(Department)
            .join(profile_departments, profile_departments.c.department_id == Department.id)
            .join(StaffProfile, StaffProfile.id == profile_departments.c.profile_id)
            .where(StaffProfile.user_id == actor.user_id,
                   Department.office_id == permit.estate.office_id)
            .order_by(Department.id))
    if permit.estate is not None and "estate" not in errors and (
            permit.department is None
            or permit.department.office_id != permit.estate.office_id):
        errors["department"] = _("Choose the requesting department of the estate's office.")
    if errors:
        raise InvalidData(next(iter(errors.values())), errors)
    permit.requested_by_id = permit.requested_by_id or actor.user_id


# --- workers --------------------------------------------------------------------------------

def _new_workers(permit: Any) -> list[WorkPermitWorker]:
    return [w for w in permit.workers if w.id is None]


def clean_id_number(value: Any) -> str:
    return re.sub(r"\s+", "", str(value or "")).upper()


def _one_photo(permit: Any, ctx: Context) -> str | None:
    if len(_new_workers(permit)) != 1:
        return _("Add each worker with one photo (JPEG, PNG or WebP).")
    return None


def _valid_worker(permit: Any, ctx: Context) -> str | None:
    if len(str(ctx.data.get("worker_name") or "").strip()) > 100:
        return _("At most %(n)d characters.", n=100)
    number = clean_id_number(ctx.data.get("id_number"))
    if not ID_NUMBER.match(number):
        return _("Enter the ID number as on the card: 6 to 30 letters and digits, such "
                 "as 440301199001011234 or A123456(7).")
    if any(clean_id_number(w.id_number) == number for w in permit.workers if w.id):
        return _("This worker is already on the request.")
    return None


def _fill_worker(permit: Any, ctx: Context) -> None:
    """The new worker row gets the typed name and ID number (the view attached the
    photo); the history names the worker."""
    worker = _new_workers(permit)[0]
    worker.name = str(ctx.data["worker_name"]).strip()
    worker.id_number = clean_id_number(ctx.data["id_number"])
    worker.added_by_id = ctx.actor.user_id
    worker.added_at = ctx.now


def _worker_choices(permit: Any, session: Session) -> dict[str, str]:
    return {str(w.id): w.name for w in permit.workers if w.id is not None}


def _remove_worker(permit: Any, ctx: Context) -> None:
    worker = next(w for w in permit.workers if str(w.id) == str(ctx.data["worker"]))
    ctx.data["removed"] = worker.name
    permit.workers.remove(worker)


# --- the chain ------------------------------------------------------------------------------

def _has_workers(permit: Any, ctx: Context) -> str | None:
    if not permit.workers:
        return _("Add at least one worker with the ID number and a photo.")
    return None


def _has_fee(permit: Any, ctx: Context) -> str | None:
    try:
        parse_money(permit.fee)
    except MoneyError as error:
        return str(error)
    return None


def _valid_from_today(permit: Any, ctx: Context) -> str | None:
    valid_until = ctx.data.get("valid_until")
    if valid_until is not None and valid_until < ctx.now.date():
        return _("A permit is valid until today or a later day.")
    return None


def _issue_blanks(permit: Any, ctx: Context) -> None:
    """Finance gives one blank permit per worker with the receipt."""
    permit.blank_permits = len(permit.workers)


def _fill_permits(permit: Any, ctx: Context) -> None:
    """Security fills each permit: its card number follows the request's number."""
    for index, worker in enumerate(permit.workers, start=1):
        worker.card_number = f"{permit.number}-{index:02d}"


def _refused(permit: Any, ctx: Context) -> None:
    permit.refusal_reason = ctx.comment


WORK_PERMIT = Workflow(
    doc_type="work_permit", resource=P.WORK_PERMIT, states=STATES, initial="draft",
    number_prefix="WP", final=FINAL, prepare=prepare_permit,
    transitions=(
        Transition("add_worker", _l("Add a worker"), ("draft",), None, REQUESTERS,
                   fields=(Field("worker_name", _l("Name"), attr=None),
                           Field("id_number", _l("ID number"), attr=None)),
                   guards=(_one_photo, _valid_worker), effects=(_fill_worker,),
                   icon="fa-user-plus"),
        Transition("remove_worker", _l("Remove a worker"), ("draft",), None, REQUESTERS,
                   fields=(Field("worker", _l("Worker"), "choice", choices=_worker_choices,
                                 attr=None),),
                   effects=(_remove_worker,), icon="fa-user-times"),
        Transition("submit", _l("Submit to customer service"), ("draft",), "awaiting_fee",
                   REQUESTERS, guards=(_has_workers, _has_fee), set_now=("submitted_at",),
                   arms=(Arm(DEADLINE, handler="requested_by_id"),), icon="fa-send"),
        Transition("take_fee", _l("Take the fee and issue blank permits"),
                   ("awaiting_fee",), "awaiting_vetting", (P.ROLE_FINANCE_CLERK,),
                   fields=(Field("receipt_number", _l("Receipt number")),),
                   guards=(by_department("finance"),), effects=(_issue_blanks,),
                   set_now=("fee_taken_at",), set_actor=("fee_taken_by_id",),
                   icon="fa-money"),
        Transition("vet", _l("Vet and fill in the permits"), ("awaiting_vetting",),
                   "awaiting_stamp", (P.ROLE_GATE_GUARD,),
                   fields=(Field("valid_until", _l("Valid until"), "date"),),
                   guards=(by_department("security"), _valid_from_today), effects=(_fill_permits,),
                   set_now=("vetted_at",), set_actor=("vetted_by_id",),
                   icon="fa-shield"),
        Transition("refuse", _l("Refuse the permits"), ("awaiting_vetting",), "refused",
                   (P.ROLE_GATE_GUARD,), guards=(by_department("security"),),
                   effects=(_refused,), comment_required=True, set_now=("refused_at",),
                   set_actor=("vetted_by_id",), cancels=(DEADLINE,), icon="fa-ban"),
        Transition("stamp", _l("Stamp the permits"), ("awaiting_stamp",),
                   "awaiting_lamination", CUSTOMER_SERVICE,
                   guards=(by_department("customer_service"),), set_now=("stamped_at",),
                   set_actor=("stamped_by_id",), icon="fa-certificate"),
        Transition("laminate", _l("Laminate the permits"), ("awaiting_lamination",),
                   "ready", (P.ROLE_ADMIN_CLERK,), guards=(by_department("administration"),),
                   set_now=("laminated_at",), set_actor=("laminated_by_id",),
                   icon="fa-clone"),
        Transition("hand_out", _l("Hand out the permits"), ("ready",), "handed_out",
                   CUSTOMER_SERVICE,
                   fields=(Field("handed_to", _l("Handed to")),),
                   guards=(by_department("customer_service"),), meets=(DEADLINE,),
                   set_now=("handed_out_at",), set_actor=("handed_out_by_id",),
                   icon="fa-id-card"),
        Transition("cancel", _l("Cancel the request"), ("draft", "awaiting_fee"), "cancelled",
                   REQUESTERS, comment_required=True, set_now=("cancelled_at",),
                   cancels=(DEADLINE,), icon="fa-times"),
    ),
)


# --- printing ---------------------------------------------------------------------------------

def permit_values(permit: WorkPermit) -> dict[str, Any]:
    """The permit cards: each worker with the photo as an inline image (the print engine
    loads nothing else), and the fee in the estate's currency in both languages."""
    import base64

    cards = [{"worker": w, "photo": f"data:{w.photo_content_type};base64,"
              + base64.b64encode(w.photo_data).decode("ascii")} for w in permit.workers]
    return {"cards": cards}


WORK_PERMIT_DOCUMENT = declare(DocumentType(
    workflow=WORK_PERMIT, model=WorkPermit, label=_l("Contractor work permit"),
    view="app.views.work_permit:WorkPermitView", api="app.views.work_permit:WorkPermitApi",
    menu=front_desk_menu("Contractor work permits", _l("Contractor work permits"),
                         "fa-id-card", order=30),
    grants={P.ROLE_FRONT_DESK_AGENT: (P.READ, P.CREATE, P.EDIT, P.PRINT),
            P.ROLE_CS_SUPERVISOR: (P.READ, P.CREATE, P.EDIT, P.PRINT, P.EXPORT),
            P.ROLE_PROPERTY_OFFICER: (P.READ, P.CREATE, P.EDIT, P.PRINT),
            P.ROLE_DEPARTMENT_HEAD: (P.READ, P.CREATE, P.EDIT, P.PRINT),
            P.ROLE_OFFICE_DIRECTOR: (P.READ, P.PRINT, P.EXPORT),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.EXPORT),
            P.ROLE_FINANCE_CLERK: (P.READ,),
            P.ROLE_GATE_GUARD: (P.READ, P.PRINT),
            P.ROLE_ADMIN_CLERK: (P.READ, P.PRINT)},
    policies=(
        Policy(DEADLINE, N_("Contractor work permits handed out"), "R-FD-3", 30, "minutes",
               0.67, TO_HEAD_AND_DIRECTOR, 10),
    ),
    print_forms=(
        PrintForm("work_permit", N_("Contractor work permit"), "print/work_permit.html",
                  "R-FD-3", extra=permit_values),
    ),
))
