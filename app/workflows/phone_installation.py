"""Telephone installation for shopping-centre tenants (R-FD-6, seed 000 篇1), as a table::

    path A, the tenant applies at the telecom bureau:
      registered --bureau application recorded--> at the bureau   (arms: the bureau's line)
      at the bureau --Finance takes materials and labour--> paid
      paid --copies and receipt to the electricians--> waiting for the line
      waiting for the line --the bureau's line arrived--> line ready  (meets it; arms: install)
    path B, the tenant buys a line the centre applied for:
      registered --department manager signs the application--> application signed
      application signed --copy filed with General Affairs--> filed
      filed --Finance takes the initial fee, materials and labour--> paid
      paid --receipt filed with General Affairs--> line ready          (arms: install)
    both: line ready --the electricians install--> installed  (meets the installation)
          before payment --withdraw, with a reason--> withdrawn

Only shopping centres take this. The amounts are settings (R-FD-6 defaults 308, 1,000 and
300) copied onto the registration, so that a later change of price does not change what a
tenant was told; the centre's line costs its initial fee plus materials and labour (1,300).
The bureau promises its line within a month of the application, the electricians need
about two days after it: both are deadline policies that escalate when missed.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Department
from app.models.phone_installation import PATHS, PhoneInstallation
from app.models.settings import setting
from app.models.staff import StaffProfile, profile_departments
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import is_in_scope
from app.workflows.engine import InvalidData
from app.workflows.money import CENT, money_text
from app.workflows.registry import (
    N_,
    DocumentType,
    Policy,
    PrintForm,
    declare,
    front_desk_menu,
)
from app.workflows.staffing import by_department
from app.workflows.table import Arm, Context, Field, Transition, Workflow

STATES = {
    "registered": _l("Registered"), "bureau_applied": _l("Applied at the telecom bureau"),
    "application_signed": _l("Application signed"),
    "filed": _l("Application filed with General Affairs"), "paid": _l("Fee paid"),
    "awaiting_line": _l("Waiting for the bureau's line"), "line_ready": _l("Line ready"),
    "installed": _l("Installed"), "withdrawn": _l("Withdrawn"),
}

DESK = (P.ROLE_FRONT_DESK_AGENT,)
MANAGERS = (P.ROLE_DEPARTMENT_HEAD,)
ELECTRICIANS = (P.ROLE_TECHNICIAN,)
# The tenants' own department (所属部门): a centre's marketing department lets and looks
# after the shops; it keeps a copy of the form and its manager signs path B.
TENANTS_DEPARTMENT = "marketing"  # repair leads and department heads include it
LINE_POLICY, INSTALL_POLICY = "phone.bureau_line", "phone.installation"
BUREAU_FEE, MATERIALS_FEE, CENTRE_FEE = (
    "phone.bureau_initial_fee", "phone.materials_labour_fee", "phone.centre_initial_fee")


def fees(session: Session, path: str) -> dict[str, Decimal | None]:
    """What a tenant on `path` pays where, from today's settings (R-FD-6)."""
    def amount(key: str) -> Decimal:
        return setting(session, key).quantize(CENT)

    materials = amount(MATERIALS_FEE)
    if path == "centre":
        initial = amount(CENTRE_FEE)
        return {"bureau_fee": None, "initial_fee": initial, "materials_fee": materials,
                "fee_due": initial + materials}
    return {"bureau_fee": amount(BUREAU_FEE), "initial_fee": None,
            "materials_fee": materials, "fee_due": materials}


def prepare_installation(doc: PhoneInstallation, actor: Actor, session: Session,
                         now: datetime) -> None:
    """A shop of a shopping centre of the agent's and a path; the tenants' department of
    the estate's office; the fees of that path as the settings say today."""
    errors: dict[str, str] = {}
    if doc.estate is None and doc.unit is not None:
        doc.estate = doc.unit.estate
    if doc.estate is None:
        errors["estate"] = _("This field is required.")
    elif not actor.is_system and not is_in_scope(doc.estate, actor.scope):
        errors["estate"] = _("This estate is outside your departments and estates.")
    elif doc.unit is not None and doc.unit.estate is not doc.estate:
        errors["unit"] = _("This unit is not in the chosen estate.")
    elif doc.estate.kind != "shopping_centre":
        errors["estate"] = _("Telephone installation is arranged for the tenants of a "
                             "shopping centre only.")
    if doc.unit is None:
        errors["unit"] = _("Choose the tenant's shop.")
    if doc.path not in PATHS:
        errors["path"] = _("Choose how the line is applied for.")
    if doc.estate is not None and doc.department_id is None:
        doc.department_id = session.scalar(
            select(Department.id).where(Department.office_id == doc.estate.office_id,
                                        Department.kind == TENANTS_DEPARTMENT)
            .order_by(Department.id))
        if doc.department_id is None:
            errors["estate"] = _("The estate's office has no marketing department to look "
                                 "after its tenants.")
    for name, message in (("tenant", _("Enter the tenant.")),
                          ("contact", _("Enter the tenant's contact person."))):
        if not (getattr(doc, name) or "").strip():
            errors[name] = message
    if errors:
        raise InvalidData(next(iter(errors.values())), errors)
    for attr, value in fees(session, doc.path).items():
        setattr(doc, attr, value)
    doc.registered_by_id = doc.registered_by_id or actor.user_id


def on_path(path: str) -> Callable[[Any, Context], str | None]:
    """A guard: the step belongs to the other path's tenants."""

    def guard(doc: Any, ctx: Context) -> str | None:
        if doc.path != path:
            return _("This step is not part of this installation's path: %(path)s.",
                     path=str(PATHS.get(doc.path, doc.path)))
        return None

    guard.__name__ = f"on_{path}_path"
    return guard


def _tenants_department_manager(doc: Any, ctx: Context) -> str | None:
    """Path B: the manager of the tenant's own department signs its application."""
    actor = ctx.actor
    if actor.is_system or actor.is_admin:
        return None
    works_there = ctx.session.scalar(
        select(Department.id)
        .join(profile_departments, profile_departments.c.department_id == Department.id)
        .join(StaffProfile, StaffProfile.id == profile_departments.c.profile_id)
        .where(StaffProfile.user_id == actor.user_id, Department.id == doc.department_id))
    if works_there is None:
        return _("The manager of the tenant's department signs the application.")
    return None


def _the_fee_due(doc: Any, ctx: Context) -> str | None:
    """Finance takes exactly what this path costs (1,000 or 1,300 by default)."""
    paid = ctx.data.get("amount_paid")
    if paid is not None and Decimal(paid) != Decimal(doc.fee_due):
        return _("This installation costs %(amount)s.",
                 amount=money_text(doc.fee_due, doc.estate.currency))
    return None


LINE_ARM = Arm(LINE_POLICY, start="bureau_applied_at", handler="registered_by_id")
INSTALL_ARM = Arm(INSTALL_POLICY, handler="registered_by_id")
IN_ENGINEERING = by_department("engineering")
IN_FINANCE = by_department("finance")
IN_GENERAL_AFFAIRS = by_department("administration")

PHONE = Workflow(
    doc_type="phone_installation", resource=P.PHONE_INSTALLATION, states=STATES,
    initial="registered", number_prefix="TEL", final=("installed", "withdrawn"),
    prepare=prepare_installation, handler_attr="registered_by_id",
    transitions=(
        Transition("record_bureau_application", _l("Record the bureau application"),
                   ("registered",), "bureau_applied", DESK,
                   fields=(Field("bureau_applied_at", _l("Applied at the bureau at"),
                                 kind="datetime"),
                           Field("bureau_receipt", _l("Bureau's receipt number")),
                           Field("form_copy", _l("A copy of the registration form was "
                                                 "handed to the department"),
                                 kind="bool", must_be_true=True, attr=None)),
                   guards=(on_path("bureau"),), arms=(LINE_ARM,), icon="fa-building"),
        Transition("sign_application", _l("Sign the written application"),
                   ("registered",), "application_signed", MANAGERS,
                   guards=(on_path("centre"), _tenants_department_manager),
                   set_now=("application_signed_at",),
                   set_actor=("application_signed_by_id",), icon="fa-pencil"),
        Transition("file_application", _l("File the application copy"),
                   ("application_signed",), "filed", (P.ROLE_ADMIN_CLERK,),
                   guards=(on_path("centre"), IN_GENERAL_AFFAIRS), set_now=("filed_at",),
                   icon="fa-folder-open"),
        Transition("take_fee", _l("Take the installation fee"), ("bureau_applied", "filed"),
                   "paid", (P.ROLE_FINANCE_CLERK,),
                   fields=(Field("amount_paid", _l("Amount received"), kind="decimal",
                                 minimum=Decimal("0.01")),
                           Field("receipt_number", _l("Receipt number"))),
                   guards=(IN_FINANCE, _the_fee_due), set_now=("paid_at",),
                   set_actor=("received_by_id",), icon="fa-money"),
        Transition("hand_to_electricians", _l("Receive the copies and the receipt"),
                   ("paid",), "awaiting_line", ELECTRICIANS,
                   guards=(on_path("bureau"), IN_ENGINEERING), set_now=("handed_over_at",),
                   icon="fa-inbox"),
        Transition("file_receipt", _l("File the receipt with General Affairs"), ("paid",),
                   "line_ready", (P.ROLE_ADMIN_CLERK,),
                   guards=(on_path("centre"), IN_GENERAL_AFFAIRS),
                   set_now=("receipt_filed_at", "line_ready_at"), arms=(INSTALL_ARM,),
                   icon="fa-folder-open"),
        Transition("line_arrived", _l("The bureau's line has arrived"), ("awaiting_line",),
                   "line_ready", ELECTRICIANS, guards=(IN_ENGINEERING,),
                   set_now=("line_ready_at",), meets=(LINE_POLICY,), arms=(INSTALL_ARM,),
                   icon="fa-plug"),
        Transition("install", _l("Record the installation"), ("line_ready",), "installed",
                   ELECTRICIANS, guards=(IN_ENGINEERING,), set_now=("installed_at",),
                   set_actor=("installed_by_id",), meets=(INSTALL_POLICY,),
                   icon="fa-phone"),
        Transition("withdraw", _l("Withdraw the registration"),
                   ("registered", "bureau_applied", "application_signed", "filed"),
                   "withdrawn", DESK, comment_required=True, cancels=("*",),
                   icon="fa-times"),
    ),
)


def registration_values(doc: PhoneInstallation) -> dict[str, Any]:
    """The path's choices for the printed form."""
    return {"PATHS": PATHS}


PHONE_DOCUMENT = declare(DocumentType(
    workflow=PHONE, model=PhoneInstallation, label=_l("Telephone installation"),
    view="app.views.phone_installation:PhoneInstallationView",
    api="app.views.phone_installation:PhoneInstallationApi",
    menu=front_desk_menu("Telephone installation", _l("Telephone installation"),
                         "fa-phone", 60),
    grants={P.ROLE_FRONT_DESK_AGENT: (P.READ, P.CREATE, P.EDIT, P.PRINT, P.EXPORT),
            P.ROLE_FINANCE_CLERK: (P.READ, P.PRINT),
            P.ROLE_ADMIN_CLERK: (P.READ, P.PRINT),
            P.ROLE_TECHNICIAN: (P.READ, P.PRINT),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.EXPORT)},
    policies=(
        # R-FD-6: the bureau promises its line within a month of the application.
        Policy(LINE_POLICY, N_("Telephone: the bureau's line"), "R-FD-6", 30,
               "calendar_days", 0.8, "handler,department_head,office_director", 1440),
        # R-FD-6: then about two days until the electricians have installed it.
        Policy(INSTALL_POLICY, N_("Telephone: installed after the line"), "R-FD-6", 2,
               "calendar_days", 0.5, "handler,department_head,office_director", 240),
    ),
    print_forms=(
        PrintForm("phone_installation", N_("Telephone installation registration form"),
                  "print/phone_installation.html", "R-FD-6", extra=registration_values),
    ),
))
