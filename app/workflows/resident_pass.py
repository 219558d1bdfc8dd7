"""Resident passes 業戶證 (R-FD-2), as a table the service centre can read::

    draft (passes being made) --ready--> ready for move-in --issue--> handed over
    handed over --move out--> closed (every pass held is returned)
    draft / ready --cancel--> cancelled (with a reason)
    draft / ready / handed over: add passes, add a member, record a payment (state stays)
    handed over: hand over later passes, report a pass lost, take a pass back (state stays)

Before move-in the service centre opens the household's document from the members Sales
reported (imported beforehand): every member gets the free passes at once (3 by default,
the setting "pass.free_per_member"). A member asking for more pays for each pass beyond
the free ones; a member Sales missed, added at or after move-in, pays for every pass (the
procedure: "若有遺漏，則盡快補做業戶證（加證50元/張）"); a lost pass is replaced by a charged
one. The fee is the setting "pass.extra_fee" (50 by default), in the estate's currency;
both numbers are kept on the document when it is opened.

Finance takes the fees and issues the receipt, and its cashier records the receipt number
here (as in the permit procedure, where Finance "收取款項並開據收據"): nothing charged is
handed over unpaid. At move-in the resident signs the printed sign-off sheet, which is
stamped; at move-out the passes are taken back.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.org import Building, Unit
from app.models.resident import RELATIONS, Resident
from app.models.resident_pass import HELD, HouseholdPass, PassCard
from app.models.settings import setting
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import is_in_scope
from app.workflows.engine import InvalidData
from app.workflows.household_checks import clean_phone, phone_problem
from app.workflows.numbering import next_value
from app.workflows.registry import (
    N_,
    DocumentType,
    Page,
    PrintForm,
    declare,
    front_desk_menu,
)
from app.workflows.staffing import by_department
from app.workflows.table import Context, Field, Transition, Workflow

STATES = {
    "draft": _l("Passes being made"), "ready": _l("Ready for move-in"),
    "issued": _l("Handed over"), "closed": _l("Returned at move-out"),
    "cancelled": _l("Cancelled"),
}

DESK = (P.ROLE_FRONT_DESK_AGENT, P.ROLE_PROPERTY_OFFICER)
CASHIERS = (P.ROLE_FINANCE_CLERK,)
MOST_AT_ONCE = 20  # passes made in one step: a typo of 200 is refused, not printed


# --- the rule's arithmetic --------------------------------------------------------------------

def charged_passes(requested: Mapping[Any, int], free_per_member: int) -> int:
    """Passes to pay for when each member asks for `requested[member]`: each member's
    passes beyond the free ones (R-FD-2). Free passes are the member's own, not pooled."""
    return sum(max(0, int(n) - free_per_member) for n in requested.values())


def pass_fee(requested: Mapping[Any, int], free_per_member: int, fee_each: Decimal) -> Decimal:
    return (Decimal(charged_passes(requested, free_per_member)) * Decimal(fee_each)) \
        .quantize(Decimal("0.01"))


# --- who is in the household -----------------------------------------------------------------

def members(doc: HouseholdPass, session: Session) -> list[Resident]:
    """The household: the unit's residents who have not moved out, owners first."""
    if doc.unit_id is None and doc.unit is None:
        return []
    unit_id = doc.unit_id or doc.unit.id
    rows = session.scalars(select(Resident).where(Resident.unit_id == unit_id,
                                                  Resident.move_out_date.is_(None))
                           .order_by(Resident.id))
    return sorted(rows, key=lambda r: (r.relation != "owner", r.id))


def _member_choices(doc: Any, session: Session) -> dict[str, str]:
    return {str(m.id): f"{m.name} ({m.kinship or m.relation_label})"
            for m in members(doc, session)}


def _card_choices(state: str):
    def choices(doc: Any, session: Session) -> dict[str, str]:
        return {str(c.id): f"{c.number} {c.resident.name}" for c in doc.cards
                if c.state == state}
    return choices


def _card(doc: HouseholdPass, ctx: Context) -> PassCard:
    wanted = int(ctx.data["card"])
    return next(card for card in doc.cards if card.id == wanted)


# --- making passes ---------------------------------------------------------------------------

def _pass_number(session: Session, doc: HouseholdPass) -> str:
    """Unique in the estate, counted per estate without a year: a pass outlives years."""
    value = next_value(session, f"PASS{doc.estate_id}", 0)
    return f"{doc.estate.code}-{value:05d}"


def make_cards(doc: HouseholdPass, member: Resident, count: int, session: Session,
               now: datetime, *, replaces: PassCard | None = None) -> list[PassCard]:
    """`count` passes for `member`: free while the member has free passes left (members
    Sales reported), charged beyond them, for members added at move-in and for
    replacements of lost passes."""
    used = sum(1 for c in doc.cards if c.resident_id == member.id and not c.charged
               and c.state != "void")
    allowance = 0 if member.source == "move_in" else doc.free_per_member
    made = []
    for _n in range(count):
        free = replaces is None and used < allowance
        used += free
        card = PassCard(household_pass=doc, estate_id=doc.estate_id, resident=member,
                        resident_id=member.id, number=_pass_number(session, doc),
                        charged=not free, fee=Decimal("0.00") if free else doc.fee_each,
                        state="made", made_at=now, replaces=replaces)
        session.add(card)
        made.append(card)
    return made


def prepare_household_pass(doc: HouseholdPass, actor: Actor, session: Session,
                           now: datetime) -> None:
    """A unit of the agent's estates with its household on record; the rule's numbers as
    they stand today are kept on the document."""
    errors: dict[str, str] = {}
    unit = doc.unit
    if unit is None or (not actor.is_system and not is_in_scope(unit, actor.scope)):
        errors["unit"] = _("Choose a unit of an estate you work for.")
    elif not members(doc, session):
        errors["unit"] = _("This unit has no household members on record: import the "
                           "household from Sales first.")
    elif session.scalar(select(HouseholdPass.number).where(
            HouseholdPass.unit_id == unit.id,
            HouseholdPass.state.in_(("draft", "ready", "issued")))):
        errors["unit"] = _("This household already has passes: add passes to its document.")
    if errors:
        raise InvalidData(next(iter(errors.values())), errors)
    doc.estate_id = session.scalar(select(Building.estate_id).join(Unit)
                                   .where(Unit.id == unit.id))
    doc.estate = unit.building.estate
    doc.free_per_member = int(setting(session, "pass.free_per_member"))
    doc.fee_each = setting(session, "pass.extra_fee").quantize(Decimal("0.01"))
    doc.prepared_by_id = doc.prepared_by_id or actor.user_id


def make_free_passes(doc: HouseholdPass, actor: Actor, session: Session,
                     now: datetime) -> None:
    """Each member Sales reported gets the free passes as soon as the document opens."""
    for member in members(doc, session):
        if member.source != "move_in":
            make_cards(doc, member, doc.free_per_member, session, now)


# --- guards ----------------------------------------------------------------------------------

def _has_passes(doc: Any, ctx: Context) -> str | None:
    if not doc.live_cards:
        return _("There is no pass to hand over yet.")
    return None


def _paid(doc: Any, ctx: Context) -> str | None:
    """Nothing charged leaves the desk before Finance's receipt is recorded."""
    if doc.unpaid_amount:
        from app.workflows.money import money_text
        return _("%(amount)s for extra passes is not paid yet: Finance records the receipt "
                 "first.", amount=money_text(doc.unpaid_amount, doc.estate.currency))
    return None


def _something_to_pay(doc: Any, ctx: Context) -> str | None:
    if not doc.unpaid_amount:
        return _("Nothing is waiting for payment.")
    return None


def _something_to_hand_over(doc: Any, ctx: Context) -> str | None:
    if not any(card.state == "made" for card in doc.cards):
        return _("Every pass made has been handed over.")
    return None


def _reasonable_count(doc: Any, ctx: Context) -> str | None:
    count = ctx.data.get("count") or ctx.data.get("passes") or 0
    if count > MOST_AT_ONCE:
        return _("At most %(n)d passes at a time.", n=MOST_AT_ONCE)
    return None


def _good_phone(doc: Any, ctx: Context) -> str | None:
    return phone_problem(ctx.data.get("phone"))


def _fits_the_register(doc: Any, ctx: Context) -> str | None:
    """A new member's name and relation fit the residents' register, as the import checks
    them: refused with the reason, never cut off or lost at saving."""
    for field, column in (("member_name", Resident.__table__.c.name),
                          ("kinship", Resident.__table__.c.kinship)):
        if len(ctx.data.get(field) or "") > column.type.length:
            return _("At most %(n)d characters.", n=column.type.length)
    return None


# --- effects ---------------------------------------------------------------------------------

def _add_passes(doc: Any, ctx: Context) -> None:
    member = ctx.session.get(Resident, int(ctx.data["member"]))
    make_cards(doc, member, ctx.data["count"], ctx.session, ctx.now)


def _add_member(doc: Any, ctx: Context) -> None:
    """A member Sales missed joins the household; every pass of theirs is charged."""
    member = Resident(unit_id=doc.unit_id, name=ctx.data["member_name"],
                      relation=ctx.data["relation"], kinship=ctx.data.get("kinship"),
                      phone=clean_phone(ctx.data.get("phone")) or None, source="move_in",
                      move_in_date=ctx.now.date() if doc.state == "issued" else None)
    ctx.session.add(member)
    ctx.session.flush()
    make_cards(doc, member, ctx.data["passes"], ctx.session, ctx.now)


def _record_receipt(doc: Any, ctx: Context) -> None:
    for card in doc.live_cards:
        if card.charged and not card.receipt_number:
            card.receipt_number = ctx.data["receipt_number"]


def _hand_over(doc: Any, ctx: Context) -> None:
    for card in doc.cards:
        if card.state == "made":
            card.state, card.issued_at = "issued", ctx.now


def _moved_in(doc: Any, ctx: Context) -> None:
    """Handing the passes over is the household's move-in."""
    _hand_over(doc, ctx)
    for member in members(doc, ctx.session):
        member.move_in_date = member.move_in_date or ctx.now.date()
    doc.unit.occupied = True


def _lost(doc: Any, ctx: Context) -> None:
    card = _card(doc, ctx)
    card.state, card.lost_at = "lost", ctx.now
    if ctx.data.get("replace"):
        make_cards(doc, card.resident, 1, ctx.session, ctx.now, replaces=card)


def _returned(doc: Any, ctx: Context) -> None:
    card = _card(doc, ctx)
    card.state, card.returned_at = "returned", ctx.now


def _moved_out(doc: Any, ctx: Context) -> None:
    """Every pass held comes back; passes never handed over are void; the household has
    moved out."""
    for card in doc.cards:
        if card.state == "issued":
            card.state, card.returned_at = "returned", ctx.now
        elif card.state == "made":
            card.state = "void"
    for member in members(doc, ctx.session):
        member.move_out_date = ctx.now.date()
    doc.unit.occupied = False


def _void(doc: Any, ctx: Context) -> None:
    for card in doc.cards:
        if card.state in HELD:
            card.state = "void"


OPEN = ("draft", "ready", "issued")
MEMBER = Field("member", _l("Household member"), "choice", choices=_member_choices, attr=None)

HOUSEHOLD_PASS = Workflow(
    doc_type="household_pass", resource=P.RESIDENT_PASS, states=STATES, initial="draft",
    number_prefix="RP", final=("closed", "cancelled"), prepare=prepare_household_pass,
    after_create=make_free_passes, handler_attr="prepared_by_id",
    transitions=(
        Transition("add_passes", _l("Add passes"), OPEN, None, DESK,
                   fields=(MEMBER, Field("count", _l("Passes"), "int", minimum=Decimal(1),
                                         attr=None)),
                   guards=(_reasonable_count,), effects=(_add_passes,), icon="fa-plus"),
        Transition("add_member", _l("Add a household member"), OPEN, None, DESK,
                   fields=(Field("member_name", _l("Member name"), attr=None),
                           Field("relation", _l("Relation"), "choice", choices=RELATIONS,
                                 attr=None),
                           Field("kinship", _l("Relation in the family"), required=False,
                                 attr=None),
                           Field("phone", _l("Phone"), required=False, attr=None),
                           Field("passes", _l("Passes"), "int", minimum=Decimal(1),
                                 attr=None)),
                   guards=(_fits_the_register, _good_phone, _reasonable_count),
                   effects=(_add_member,),
                   icon="fa-user-plus"),
        Transition("ready", _l("Passes made, sign-off sheet printed"), ("draft",), "ready",
                   DESK, guards=(_has_passes,), set_now=("ready_at",), icon="fa-check"),
        Transition("record_payment", _l("Record Finance's receipt"), OPEN, None, CASHIERS,
                   fields=(Field("receipt_number", _l("Receipt number")),),
                   guards=(_something_to_pay, by_department("finance")),
                   effects=(_record_receipt,), set_now=("paid_at",), icon="fa-money"),
        Transition("issue", _l("Hand over at move-in"), ("ready",), "issued", DESK,
                   fields=(Field("signed_by", _l("Signed by (resident)")),
                           Field("signed", _l("The resident signed the sign-off sheet and "
                                              "it was stamped"), "bool", must_be_true=True,
                                 attr=None)),
                   guards=(_paid,), effects=(_moved_in,), set_now=("issued_at",),
                   set_actor=("issued_by_id",), icon="fa-id-card"),
        Transition("hand_over", _l("Hand over the new passes"), ("issued",), None, DESK,
                   guards=(_something_to_hand_over, _paid), effects=(_hand_over,),
                   icon="fa-hand-o-right"),
        Transition("report_lost", _l("Report a pass lost"), ("issued",), None, DESK,
                   fields=(Field("card", _l("Pass"), "choice", choices=_card_choices("issued"),
                                 attr=None),
                           Field("replace", _l("Make a charged replacement"), "bool",
                                 required=False, attr=None)),
                   effects=(_lost,), icon="fa-exclamation-triangle"),
        Transition("return_pass", _l("Take a pass back"), ("issued",), None, DESK,
                   fields=(Field("card", _l("Pass"), "choice", choices=_card_choices("issued"),
                                 attr=None),),
                   effects=(_returned,), icon="fa-undo"),
        Transition("move_out", _l("Passes returned at move-out"), ("issued",), "closed", DESK,
                   effects=(_moved_out,), set_now=("closed_at",), icon="fa-sign-out"),
        Transition("cancel", _l("Cancel"), ("draft", "ready"), "cancelled", DESK,
                   comment_required=True, effects=(_void,), icon="fa-times"),
    ),
)


def sheet_values(doc: HouseholdPass) -> dict[str, Any]:
    """What the sign-off sheet adds up: passes per member, free and charged, the amount."""
    rows: dict[int, dict[str, Any]] = {}
    for card in doc.live_cards:
        row = rows.setdefault(card.resident_id, {"member": card.resident, "cards": [],
                                                 "free": 0, "charged": 0})
        row["cards"].append(card)
        row["free" if not card.charged else "charged"] += 1
    return {"members": list(rows.values()),
            "total_cards": sum(len(row["cards"]) for row in rows.values())}


HOUSEHOLD_PASS_DOCUMENT = declare(DocumentType(
    workflow=HOUSEHOLD_PASS, model=HouseholdPass, label=_l("Resident passes"),
    view="app.views.resident_pass:HouseholdPassView",
    api="app.views.resident_pass:HouseholdPassApi",
    menu=front_desk_menu("Resident passes", _l("Resident passes"), "fa-id-card", 20),
    grants={P.ROLE_FRONT_DESK_AGENT: (P.READ, P.CREATE, P.PRINT, P.EXPORT),
            P.ROLE_PROPERTY_OFFICER: (P.READ, P.CREATE, P.PRINT),
            P.ROLE_FINANCE_CLERK: (P.READ, P.PRINT),
            P.ROLE_GATE_GUARD: (P.READ,),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.EXPORT)},
    print_forms=(
        PrintForm("resident_pass_sheet", N_("Resident pass sign-off sheet"),
                  "print/resident_pass.html", "R-FD-2", extra=sheet_values),
    ),
    pages=(
        # Household members from Sales before move-in, all or nothing.
        Page("app.views.resident_pass:HouseholdImportView",
             front_desk_menu("Import households from Sales", _l("Import households from Sales"),
                             "fa-upload", 21),
             opens=P.HOUSEHOLD_IMPORT, href="/household-import/",
             grants={P.ROLE_FRONT_DESK_AGENT: (P.HOUSEHOLD_IMPORT,),
                     P.ROLE_PROPERTY_OFFICER: (P.HOUSEHOLD_IMPORT,)}),
        # Every pass by its number: the gate checks a pass shown to it, the desk finds
        # whose a found pass is.
        Page("app.views.resident_pass:PassCardView",
             front_desk_menu("Pass numbers", _l("Pass numbers"), "fa-id-card-o", 22),
             opens=(P.READ, P.PASS_CARD),
             grants={role: ((P.READ, P.PASS_CARD),) for role in (
                 P.ROLE_FRONT_DESK_AGENT, P.ROLE_GATE_GUARD, P.ROLE_PROPERTY_OFFICER,
                 P.ROLE_QUALITY_OFFICER)}),
    ),
))
