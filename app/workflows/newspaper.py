"""Newspaper subscriptions taken for residents (R-FD-4, seed 004 §5), as a table::

    requested --check with the supplier--> priced (supplier, monthly price, total)
    priced --resident signed the confirmation--> confirmed
    confirmed --submit the purchase requisition--> awaiting approval
    awaiting approval --approve--> approved        (--return, with a reason--> confirmed)
    approved --order from the supplier--> ordered (its receipt or fax reference)
    ordered --register by unit--> active
    active --resident signed the cancellation notice--> cancellation signed
    cancellation signed --supplier told in writing--> supplier notified
    supplier notified --mark the register--> cancelled
    active --period over--> ended
    before the order --withdraw, with a reason--> withdrawn

The service centre's agents take every step but the approval of the requisition, which
goes up to the customer-service centre manager (the seed submits it "for approval" above
the desk; the office director holds the role too). A subscription runs at least one month
and is charged monthly: the total is months × the monthly price the supplier quoted.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import Session

from app.models.newspaper import MAXIMUM_MONTHS, NewspaperSubscription, period_end
from app.models.settings import setting
from app.security import permissions as P
from app.security.actor import Actor
from app.workflows.engine import InvalidData
from app.workflows.registration import check_place
from app.workflows.registry import (
    N_,
    DocumentType,
    Page,
    PrintForm,
    declare,
    front_desk_menu,
)
from app.workflows.table import Context, Field, Transition, Workflow

STATES = {
    "requested": _l("Requested"), "priced": _l("Price checked"),
    "confirmed": _l("Confirmation signed"), "awaiting_approval": _l("Requisition awaiting approval"),
    "approved": _l("Requisition approved"), "ordered": _l("Ordered"),
    "active": _l("Registered"), "cancellation_signed": _l("Cancellation notice signed"),
    "supplier_notified": _l("Supplier notified of the cancellation"),
    "cancelled": _l("Cancelled"), "ended": _l("Ended"), "withdrawn": _l("Withdrawn"),
}

DESK = (P.ROLE_FRONT_DESK_AGENT,)  # supervisors, managers and directors include it
APPROVERS = (P.ROLE_CS_CENTRE_MANAGER,)
BEFORE_ORDER = ("requested", "priced", "confirmed", "awaiting_approval", "approved")


def period_errors(doc: Any, session: Session) -> dict[str, str]:
    """R-FD-4: a title, a start and at least the minimum months (a setting, one month by
    default); at most MAXIMUM_MONTHS, a safeguard against a mistyped period."""
    errors: dict[str, str] = {}
    if not (doc.title or "").strip():
        errors["title"] = _("Enter the newspaper or magazine.")
    if doc.starts_on is None:
        errors["starts_on"] = _("This field is required.")
    minimum = int(setting(session, "newspaper.minimum_months"))
    if doc.months is None or int(doc.months) < minimum:
        errors["months"] = ngettext("A subscription runs at least %(num)d month.",
                                    "A subscription runs at least %(num)d months.", minimum)
    elif int(doc.months) > MAXIMUM_MONTHS:
        errors["months"] = _("A subscription runs at most %(n)d months.", n=MAXIMUM_MONTHS)
    return errors


def fix_period(doc: Any) -> None:
    """The last day follows from the start and the months; the total from the price."""
    doc.ends_on = period_end(doc.starts_on, doc.months)
    doc.total = doc.computed_total


def prepare_subscription(doc: NewspaperSubscription, actor: Actor, session: Session,
                         now: datetime) -> None:
    """The estate is the agent's, the unit is in it and the resident lives there; the
    period is at least a month (R-FD-4)."""
    errors = {**check_place(doc, actor), **period_errors(doc, session)}
    if doc.unit is None:
        errors["unit"] = _("Choose the resident's unit.")
    if doc.resident is not None and not (doc.subscriber or "").strip():
        doc.subscriber = doc.resident.name
    if not (doc.subscriber or "").strip():
        errors["subscriber"] = _("Enter who subscribes.")
    if errors:
        raise InvalidData(next(iter(errors.values())), errors)
    doc.handled_by_id = doc.handled_by_id or actor.user_id
    fix_period(doc)


def _set_total(doc: Any, ctx: Context) -> None:
    """The supplier quotes by the month: the period costs months × that price."""
    doc.total = doc.computed_total


def _cancel_within_period(doc: Any, ctx: Context) -> str | None:
    """The resident and the desk agree the date the deliveries stop (seed 004 §5.7)."""
    stop = ctx.data.get("cancel_from")
    if stop is not None and not (doc.starts_on <= stop <= doc.ends_on):
        return _("The cancellation must fall within the subscription, %(start)s to %(end)s.",
                 start=doc.starts_on.isoformat(), end=doc.ends_on.isoformat())
    return None


def _period_over(doc: Any, ctx: Context) -> str | None:
    if ctx.now.date() <= doc.ends_on:
        return _("The subscription runs until %(end)s.", end=doc.ends_on.isoformat())
    return None


SIGNED = Field("signed", _l("The resident signed the printed form"), kind="bool",
               must_be_true=True, attr=None)

NEWSPAPER = Workflow(
    doc_type="newspaper_subscription", resource=P.NEWSPAPER, states=STATES,
    initial="requested", number_prefix="NP",
    final=("cancelled", "ended", "withdrawn"),
    prepare=prepare_subscription, handler_attr="handled_by_id",
    transitions=(
        Transition("check_supplier", _l("Record the supplier's price"), ("requested",),
                   "priced", DESK,
                   fields=(Field("supplier", _l("Supplier or post office")),
                           Field("unit_price", _l("Price per month"), kind="decimal",
                                 minimum=Decimal("0.01"))),
                   effects=(_set_total,), set_now=("checked_at",),
                   set_actor=("checked_by_id",), icon="fa-phone"),
        Transition("confirm", _l("Record the signed confirmation"), ("priced",), "confirmed",
                   DESK, fields=(SIGNED,), set_now=("confirmation_signed_at",),
                   icon="fa-pencil"),
        Transition("submit_requisition", _l("Submit the purchase requisition"),
                   ("confirmed",), "awaiting_approval", DESK,
                   set_now=("requisition_submitted_at",), icon="fa-send"),
        Transition("approve_requisition", _l("Approve the purchase requisition"),
                   ("awaiting_approval",), "approved", APPROVERS,
                   set_now=("requisition_approved_at",),
                   set_actor=("requisition_approved_by_id",), icon="fa-check-circle"),
        Transition("return_requisition", _l("Return the requisition"),
                   ("awaiting_approval",), "confirmed", APPROVERS, comment_required=True,
                   icon="fa-undo"),
        Transition("order", _l("Order from the supplier"), ("approved",), "ordered", DESK,
                   fields=(Field("order_reference", _l("Order receipt or fax reference")),),
                   set_now=("ordered_at",), icon="fa-shopping-cart"),
        Transition("register", _l("Register by unit"), ("ordered",), "active", DESK,
                   set_now=("registered_at",), icon="fa-book"),
        Transition("record_cancellation", _l("Record the signed cancellation notice"),
                   ("active",), "cancellation_signed", DESK,
                   fields=(Field("cancel_from", _l("Deliveries stop from"), kind="date"),
                           Field("signed", _l("The resident signed the cancellation notice"),
                                 kind="bool", must_be_true=True, attr=None)),
                   guards=(_cancel_within_period,), set_now=("cancel_notice_signed_at",),
                   icon="fa-pencil-square-o"),
        Transition("notify_supplier", _l("Record the supplier's written notice"),
                   ("cancellation_signed",), "supplier_notified", DESK,
                   fields=(Field("supplier_notified_on", _l("Supplier notified on"),
                                 kind="date"),
                           Field("supplier_notice_reference", _l("Fax or letter reference"))),
                   icon="fa-fax"),
        Transition("mark_register", _l("Mark the register cancelled"),
                   ("supplier_notified",), "cancelled", DESK,
                   set_now=("register_marked_at",), icon="fa-times-circle"),
        Transition("end", _l("Close at the end of the period"), ("active",), "ended", DESK,
                   guards=(_period_over,), set_now=("ended_at",), icon="fa-flag-checkered"),
        Transition("withdraw", _l("Withdraw the request"), BEFORE_ORDER, "withdrawn",
                   DESK, comment_required=True, icon="fa-times"),
    ),
)


def confirmation_values(doc: NewspaperSubscription) -> dict[str, Any]:
    """The total the resident signs for, even before the price was recorded."""
    return {"total": doc.computed_total}


NEWSPAPER_DOCUMENT = declare(DocumentType(
    workflow=NEWSPAPER, model=NewspaperSubscription, label=_l("Newspaper subscription"),
    view="app.views.newspaper:NewspaperSubscriptionView",
    api="app.views.newspaper:NewspaperSubscriptionApi",
    menu=front_desk_menu("Newspaper subscriptions", _l("Newspaper subscriptions"),
                         "fa-newspaper-o", 40),
    grants={P.ROLE_FRONT_DESK_AGENT: (P.READ, P.CREATE, P.EDIT, P.PRINT, P.EXPORT),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.EXPORT)},
    pages=(
        Page("app.views.newspaper:NewspaperRegisterView",
             front_desk_menu("Newspaper register", _l("Newspaper register by unit"),
                             "fa-book", 41),
             opens=(P.READ, P.NEWSPAPER_REGISTER),
             grants={P.ROLE_FRONT_DESK_AGENT: ((P.READ, P.NEWSPAPER_REGISTER),),
                     P.ROLE_QUALITY_OFFICER: ((P.READ, P.NEWSPAPER_REGISTER),)}),
    ),
    print_forms=(
        PrintForm("newspaper_confirmation", N_("Newspaper subscription confirmation"),
                  "print/newspaper_confirmation.html", "R-FD-4",
                  extra=confirmation_values),
    ),
))
