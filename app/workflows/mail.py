"""Mail for residents (邮件收发, R-FD-5), as two tables the gate and the centre can read.

A batch: what the gate guard brought to the service centre at one time::

    brought (the guard counted and signed) --count and sign (centre)--> received
    brought --recount (gate)--> brought     brought --cancel (reason)--> cancelled

The centre counts face to face with the guard; when the two counts differ nothing is
signed, and they count again together (the seed: 当面点清邮件数量并签收).

A piece of mail, registered for its addressee's unit from a received batch::

    waiting --collect (the addressee signs)--> collected
    waiting --return to sender (reason)--> returned
    waiting --remind (the system, once, after N days)--> waiting

The addressee or a member of the household signs personally, on the tablet or on the
printed signing list; staff never sign for a resident (app/workflows/mail_collection.py).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from app.models.base import local_now
from app.models.mail import MAIL_KINDS, MAIL_SOURCES, SIGNED_ON, MailBatch, MailItem
from app.models.settings import setting
from app.models.workflow import Notification
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import is_in_scope
from app.workflows import engine, staffing
from app.workflows.engine import InvalidData
from app.workflows.mail_collection import (
    collector_is_household,
    household,
    record_collection,
    signed_personally,
)
from app.workflows.registry import N_, DocumentType, PrintForm, declare, front_desk_menu
from app.workflows.table import Context, Field, Transition, Workflow

GATE = (P.ROLE_GATE_GUARD,)
CENTRE = (P.ROLE_FRONT_DESK_AGENT,)  # and up
REMINDED = (P.ROLE_FRONT_DESK_AGENT, P.ROLE_CS_SUPERVISOR, P.ROLE_CS_CENTRE_MANAGER)


def _script(doc: Any) -> str:
    """History notes the system writes read in the estate's script."""
    return getattr(doc.estate, "script", None) or "zh_Hans"


def _only_the_system(doc: Any, ctx: Context) -> str | None:
    if not ctx.actor.is_system:
        return _("This happens by itself when the mail has waited long enough.")
    return None


# --- the batch ----------------------------------------------------------------------------

def prepare_batch(batch: MailBatch, actor: Actor, session: Session, now: datetime) -> None:
    """An estate of the guard's scope and the guard's own count; brought now, by them."""
    errors: dict[str, str] = {}
    if batch.estate is None or (not actor.is_system and
                                not is_in_scope(batch.estate, actor.scope)):
        errors["estate"] = _("Choose an estate you work for.")
    if batch.source not in MAIL_SOURCES:
        errors["source"] = _("Choose who delivered the mail.")
    if batch.guard_count is None or not 1 <= int(batch.guard_count) <= 9999:
        errors["guard_count"] = _("Enter how many pieces you brought, from 1 to 9999.")
    if errors:
        raise InvalidData(next(iter(errors.values())), errors)
    batch.brought_at = batch.brought_at or now
    batch.brought_by_id = batch.brought_by_id or actor.user_id


def _counts_agree(batch: Any, ctx: Context) -> str | None:
    """Both count; the centre signs only for the number the guard signed for."""
    counted = ctx.data.get("centre_count")
    if counted != batch.guard_count:
        return _("The centre counted %(centre)d pieces and the gate %(gate)d: count them "
                 "again together. Nothing was signed.", centre=counted or 0,
                 gate=batch.guard_count)
    return None


def _two_people(batch: Any, ctx: Context) -> str | None:
    """The guard and the centre sign as two people: nobody signs for both."""
    if ctx.actor.user_id is not None and ctx.actor.user_id == batch.brought_by_id:
        return _("The person who brought the mail cannot also sign for the centre.")
    return None


MAIL_BATCH = Workflow(
    doc_type="mail_batch", resource=P.MAIL_BATCH, initial="brought", number_prefix="MB",
    states={"brought": _l("Brought by the gate, to be counted"),
            "received": _l("Counted and signed by both"), "cancelled": _l("Cancelled")},
    final=("received", "cancelled"), prepare=prepare_batch,
    transitions=(
        Transition("count_and_sign", _l("Count and sign for the mail"), ("brought",),
                   "received", CENTRE,
                   fields=(Field("centre_count", _l("Pieces counted by the centre"), "int",
                                 minimum=1),),
                   guards=(_two_people, _counts_agree), set_now=("received_at",),
                   set_actor=("received_by_id",), icon="fa-pencil-square-o"),
        Transition("recount", _l("Correct the gate's count"), ("brought",), None, GATE,
                   fields=(Field("guard_count", _l("Pieces counted by the gate"), "int",
                                 minimum=1),), icon="fa-calculator"),
        Transition("cancel", _l("Cancel the batch"), ("brought",), "cancelled",
                   GATE + CENTRE, comment_required=True, icon="fa-times"),
    ),
)


# --- a piece of mail -----------------------------------------------------------------------

def prepare_item(item: MailItem, actor: Actor, session: Session, now: datetime) -> None:
    """Registered from a received batch of the person's scope, for a unit of its estate,
    never more pieces than were counted; the addressee's name defaults to the resident's."""
    errors: dict[str, str] = {}
    batch = item.batch
    if batch is None or (not actor.is_system and not is_in_scope(batch, actor.scope)):
        errors["batch"] = _("Choose a batch of mail of an estate you work for.")
    elif batch.state != "received":
        errors["batch"] = _("The batch is registered once the gate and the centre have "
                            "both counted and signed for it.")
    else:
        item.estate = batch.estate
        registered = session.scalar(select(func.count(MailItem.id))
                                    .where(MailItem.batch_id == batch.id)) or 0
        if registered >= (batch.centre_count or 0):
            errors["batch"] = _("All %(n)d pieces of this batch are registered already.",
                                n=batch.centre_count or 0)
    if item.unit is None:
        errors["unit"] = _("This field is required.")
    elif batch is not None and item.unit.building.estate_id != batch.estate_id:
        errors["unit"] = _("This unit is not in the batch's estate.")
    if item.addressee is not None and item.addressee.unit_id != getattr(item.unit, "id", None):
        errors["addressee"] = _("The addressee does not live in this unit.")
    if item.kind not in MAIL_KINDS:
        errors["kind"] = _("Choose what kind of mail it is.")
    name = (item.addressee_name or "").strip() or (item.addressee.name if item.addressee
                                                   else "")
    if not name:
        errors["addressee_name"] = _("Write the addressee's name as on the envelope.")
    if errors:
        raise InvalidData(next(iter(errors.values())), errors)
    item.addressee_name = name
    item.registered_by_id = item.registered_by_id or actor.user_id
    item.created_at = now  # registered at the step's time: the reminder counts from it


def _household_choices(item: Any, session: Session) -> dict[str, str]:
    return {str(pk): name for pk, name in household(item, session).items()}


def _notify_front_desk(item: Any, ctx: Context) -> None:
    """The estate's front desk hears of the piece still waiting, once."""
    for user_id in staffing.on_estate(ctx.session, item.estate, "customer_service", REMINDED):
        ctx.session.add(Notification(user_id=user_id, kind="mail_uncollected",
                                     doc_type="mail_item", doc_id=item.id, at=ctx.now))


MAIL_ITEM = Workflow(
    doc_type="mail_item", resource=P.MAIL_ITEM, initial="waiting", number_prefix="ML",
    states={"waiting": _l("Waiting for the addressee"), "collected": _l("Collected"),
            "returned": _l("Returned to the sender")},
    final=("collected", "returned"), prepare=prepare_item, handler_attr=None,
    transitions=(
        Transition("collect", _l("Hand over to the addressee"), ("waiting",), "collected",
                   CENTRE,
                   fields=(Field("collector", _l("Collected by"), "household", attr=None,
                                 choices=_household_choices,
                                 description=_l("The addressee or a member of the "
                                                "household: never a member of staff.")),
                           Field("signed_on", _l("Signature"), "choice", choices=SIGNED_ON),
                           Field("signature", _l("Signature of the collector"), "signature",
                                 required=False, attr=None),
                           Field("paper_sheet", _l("Signing list"), required=False,
                                 description=_l("When signed on paper: the number of the "
                                                "printed signing list."))),
                   guards=(collector_is_household, signed_personally),
                   effects=(record_collection,), set_now=("collected_at",),
                   set_actor=("handed_over_by_id",), icon="fa-pencil"),
        Transition("return_to_sender", _l("Return to the sender"), ("waiting",), "returned",
                   CENTRE, comment_required=True, set_now=("returned_at",), icon="fa-undo"),
        Transition("remind", _l("Remind the addressee"), ("waiting",), None, (),
                   guards=(_only_the_system,), effects=(_notify_front_desk,),
                   set_now=("reminded_at",), icon="fa-bell"),
    ),
)


def remind_uncollected(session: Session, now: datetime) -> int:
    """Pieces waiting longer than the setting's days are reminded once each: the front
    desk is told and the piece's history says so."""
    days = int(setting(session, "mail.remind_after_days"))
    due = session.scalars(select(MailItem).where(
        MailItem.state == "waiting", MailItem.reminded_at.is_(None),
        MailItem.created_at <= now - timedelta(days=days))
        .order_by(MailItem.created_at, MailItem.id)).all()
    for item in due:
        with force_locale(_script(item)):
            comment = _("Not collected after %(n)d days.", n=days)
        engine.apply(item, "remind", {}, actor=Actor.system(), session=session, now=now,
                     comment=comment)
    return len(due)


# --- printed lists -------------------------------------------------------------------------

def signing_list_values(batch: MailBatch) -> dict[str, Any]:
    """The batch's pieces, each with a line for the addressee's signature."""
    return {"rows": list(batch.items), "KINDS": MAIL_KINDS, "SOURCES": MAIL_SOURCES,
            "SIGNED": SIGNED_ON}


def uncollected_values(item: MailItem) -> dict[str, Any]:
    """Every piece of the item's estate still waiting, oldest first, with its days."""
    session = object_session(item)
    rows = session.scalars(select(MailItem).where(MailItem.estate_id == item.estate_id,
                                                  MailItem.state == "waiting")
                           .order_by(MailItem.created_at, MailItem.id)).all()
    today = local_now().date()
    return {"rows": rows, "KINDS": MAIL_KINDS,
            "days": {r.id: (today - r.created_at.date()).days for r in rows}}


BATCH_DOCUMENT = declare(DocumentType(
    workflow=MAIL_BATCH, model=MailBatch, label=_l("Mail batch"),
    view="app.views.mail:MailBatchView", api="app.views.mail:MailBatchApi",
    menu=front_desk_menu("Mail batches", _l("Mail batches"), "fa-inbox", 50),
    grants={P.ROLE_GATE_GUARD: (P.READ, P.CREATE, P.PRINT),
            P.ROLE_FRONT_DESK_AGENT: (P.READ, P.PRINT, P.EXPORT),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.EXPORT)},
    print_forms=(PrintForm("mail_signing_list", N_("Mail signing list"),
                           "print/mail_signing_list.html", "R-FD-5",
                           extra=signing_list_values),),
))

ITEM_DOCUMENT = declare(DocumentType(
    workflow=MAIL_ITEM, model=MailItem, label=_l("Mail"),
    view="app.views.mail:MailItemView", api="app.views.mail:MailItemApi",
    menu=front_desk_menu("Mail", _l("Mail"), "fa-envelope", 51),
    grants={P.ROLE_FRONT_DESK_AGENT: (P.READ, P.CREATE, P.PRINT, P.EXPORT),
            P.ROLE_GATE_GUARD: (P.READ,),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.EXPORT)},
    periodic_jobs=(remind_uncollected,),
    print_forms=(PrintForm("uncollected_mail", N_("Uncollected mail"),
                           "print/uncollected_mail.html", "R-FD-5",
                           extra=uncollected_values),),
))

__all__ = ["MAIL_BATCH", "MAIL_ITEM", "remind_uncollected"]
