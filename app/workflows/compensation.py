"""Compensation claims, house return and exchange (R-CO-1..5), as a table a CS centre
manager can read.

The state diagram is drawn from this table: Administration → Workflow diagrams.

Who reviews and who approves is data (`ApprovalRule`, Administration → Approval rules),
seeded with RULES.md §6 by `seed_approval_rules`. Nobody reviews, approves or rejects a
claim they raised, and the approver is not the reviewer.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import Session

from app.models import Complaint, Department, StaffProfile
from app.models.compensation import (
    ACKNOWLEDGED_BY,
    CLAIM_KINDS,
    EVIDENCE_KINDS,
    HOUSE_KINDS,
    LIABILITIES,
    PART_ATTRS,
    CompensationClaim,
    CompensationEvidence,
)
from app.models.staff import profile_departments
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import apply_scope, is_in_scope
from app.workflows.claim_routing import NoRule, _part, route_for, seed_approval_rules
from app.workflows.engine import InvalidData
from app.workflows.money import MoneyError, amount_in_words, money_text, parse_money
from app.workflows.registry import N_, DocumentType, Menu, Page, PrintForm, declare
from app.workflows.table import Branch, Context, Field, Transition, Workflow

STATES = {
    "draft": _l("Draft"),
    "under_review": _l("Under review"),
    "awaiting_approval": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "paid": _l("Paid"),
    "rejected": _l("Rejected"),
    "forwarded_to_developer": _l("Forwarded to the developer"),
    "awaiting_quality_station": _l("Awaiting the quality station's confirmation"),
    "in_processing": _l("Return or exchange in progress"),
    "completed": _l("Return or exchange completed"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
}
FINAL_STATES = ("paid", "rejected", "closed", "completed", "withdrawn")
OPEN_STATES = tuple(s for s in STATES if s not in FINAL_STATES)
DECISION_STATES = ("under_review", "awaiting_approval")
PAYMENT_METHODS = {
    "bank_transfer": _l("Bank transfer"), "cash": _l("Cash"), "wechat": _l("WeChat Pay"),
    "alipay": _l("Alipay"), "fee_offset": _l("Offset against property fees"),
}
# Built-in role names as people read them (rules and claims store the role name).
ROLE_LABELS = {
    P.ROLE_FRONT_DESK_AGENT: _l("Front-desk agent"), P.ROLE_CS_SUPERVISOR: _l("CS supervisor"),
    P.ROLE_CS_CENTRE_MANAGER: _l("CS centre manager"),
    P.ROLE_OFFICE_DIRECTOR: _l("Office director"), P.ROLE_TECHNICIAN: _l("Technician"),
    P.ROLE_REPAIR_LEAD: _l("Repair lead"), P.ROLE_PROPERTY_OFFICER: _l("Property officer"),
    P.ROLE_DEPARTMENT_HEAD: _l("Department head"),
    P.ROLE_QUALITY_OFFICER: _l("Quality officer"),
    P.ROLE_DEPUTY_GM: _l("Deputy general manager"), P.ROLE_GM: _l("General manager"),
    P.ROLE_GATE_GUARD: _l("Gate guard"), P.ROLE_FINANCE_CLERK: _l("Finance clerk"),
    P.ROLE_ADMIN_CLERK: _l("Administration clerk"), P.ROLE_ADMIN: _l("Administrator"),
}

# Who does what by default (admins grant more in Security → List Roles).
CS_STAFF = (P.ROLE_FRONT_DESK_AGENT,)
CS_SUPERVISORS = (P.ROLE_CS_SUPERVISOR,)
DECIDERS = (P.ROLE_CS_CENTRE_MANAGER, P.ROLE_DEPUTY_GM)
MARKETING = (P.ROLE_DEPARTMENT_HEAD,)  # the guard keeps it to Marketing departments


def role_label(name: str | None) -> str:
    if not name:
        return ""
    return str(ROLE_LABELS.get(name, name))


# --- who holds which role --------------------------------------------------------------------

def own_roles(actor: Actor, session: Session) -> set[str]:
    """Names of the roles the actor was given."""
    if actor.user_id is None:
        return set()

    user = session.get(User, actor.user_id)
    return {role.name for role in getattr(user, "roles", None) or []}


def held_roles(actor: Actor, session: Session) -> set[str]:
    """Role names the actor holds, with the built-in roles each of them includes (a deputy
    general manager holds the CS centre manager's role too)."""
    held: set[str] = set()
    for name in own_roles(actor, session):
        held |= P.included_roles(name)
    return held


def _in_department_of_kind(doc: CompensationClaim, actor: Actor, session: Session,
                           kind: str) -> bool:
    """The actor works in (or manages) a `kind` department of the claim's office."""
    if actor.is_system or actor.is_admin:
        return True
    ids = set(session.scalars(select(Department.id).where(
        Department.kind == kind, Department.office_id == doc.estate.office_id)))
    return bool(ids & set(actor.scope.department_ids))


# --- registration (R-CO-1) ---------------------------------------------------------------------

def prepare_claim(doc: CompensationClaim, actor: Actor, session: Session,
                  now: datetime) -> None:
    """Check and complete a claim before it is saved: it hangs on a complaint in the
    person's scope and takes its estate and claimant from it; the amount is an exact,
    positive amount in the estate's currency; the liable parts agree with the liability (R-CO-2..4); a
    contractor-liable part names the contractor. Customer Service of the estate's office
    handles it (R-CO-1)."""

    errors: dict[str, str] = {}
    doc.kind = doc.kind or "compensation"
    doc.liability = doc.liability or "company"
    complaint = doc.complaint
    if complaint is None and doc.complaint_id is not None:

        complaint = doc.complaint = session.get(Complaint, doc.complaint_id)
    if complaint is None:
        errors["complaint"] = _("This field is required.")
    elif not actor.is_system and not is_in_scope(complaint, actor.scope):
        errors["complaint"] = _("This complaint is outside your departments and estates.")
    if doc.kind not in CLAIM_KINDS:
        errors["kind"] = _("Not a valid choice.")
    if doc.liability not in LIABILITIES:
        errors["liability"] = _("Not a valid choice.")
    for name in ("loss_description", "proposal"):
        if not (getattr(doc, name) or "").strip():
            errors[name] = _("This field is required.")
    for name, limit in (("claimant_name", 100), ("claimant_phone", 40),
                        ("contractor_name", 200)):
        if len((getattr(doc, name) or "").strip()) > limit:
            errors[name] = _("At most %(n)d characters.", n=limit)

    house = doc.kind in HOUSE_KINDS
    try:
        doc.amount = parse_money(Decimal("0") if house and doc.amount in (None, "")
                                 else doc.amount, positive=not house)
    except MoneyError as error:
        errors["amount"] = str(error)
    parts: dict[str, Decimal] = {}
    for liability, attr in PART_ATTRS.items():
        raw = getattr(doc, attr)
        try:
            parts[liability] = parse_money(raw, positive=False) if raw not in (None, "") \
                else Decimal("0.00")
        except MoneyError as error:
            errors[attr] = str(error)
    if "amount" not in errors and not any(a in errors for a in PART_ATTRS.values()) \
            and doc.liability in LIABILITIES:
        if doc.liability == "split":
            if sum(1 for v in parts.values() if v > 0) < 2:
                errors["liability"] = _("A split claim has at least two liable parts; "
                                        "otherwise choose that liability.")
            elif sum(parts.values()) != doc.amount:
                errors["amount"] = _(
                    "The liable parts add up to %(sum)s, not to the amount %(amount)s.",
                    sum=f"{sum(parts.values()):,.2f}", amount=f"{doc.amount:,.2f}")
        else:
            own = parts[doc.liability]
            others = [PART_ATTRS[k] for k, v in parts.items() if k != doc.liability and v]
            if others:
                for attr in others:
                    errors[attr] = _("Only a split claim has several liable parts.")
            elif own and own != doc.amount:
                errors[PART_ATTRS[doc.liability]] = _(
                    "A single liability carries the whole amount %(amount)s.",
                    amount=f"{doc.amount:,.2f}")
            parts[doc.liability] = doc.amount
    if parts.get("contractor") and not (doc.contractor_name or "").strip():
        # R-CO-2
        errors["contractor_name"] = _("Name the contractor liable for this loss.")
    if errors:
        raise InvalidData(_("Please correct the highlighted fields."), errors)

    for liability, attr in PART_ATTRS.items():
        setattr(doc, attr, parts[liability])
    doc.estate = complaint.estate
    doc.claimant_name = (doc.claimant_name or "").strip() or complaint.complainant_name
    doc.claimant_phone = (doc.claimant_phone or "").strip() or complaint.complainant_phone
    doc.contractor_name = (doc.contractor_name or "").strip() or None
    if doc.raised_by_id is None and doc.raised_by is None:
        doc.raised_by_id = actor.user_id
    if doc.department_id is None and doc.department is None:
        # Customer Service is the department claims belong to (R-CO-1): the raiser's own
        # CS department in that office, else the office's first one.
        office_id = complaint.estate.office_id
        cs = select(Department.id).where(Department.office_id == office_id,
                                         Department.kind == "customer_service")
        own = None
        if actor.user_id is not None:
            own = session.scalar(
                cs.join(profile_departments,
                        profile_departments.c.department_id == Department.id)
                .join(StaffProfile, StaffProfile.id == profile_departments.c.profile_id)
                .where(StaffProfile.user_id == actor.user_id).order_by(Department.id)
                .limit(1))
        doc.department_id = own or session.scalar(cs.order_by(Department.id).limit(1)) \
            or complaint.department_id


# --- guards ----------------------------------------------------------------------------------

def _new_files(doc: CompensationClaim, ctx: Context) -> list[CompensationEvidence]:
    return [e for e in ctx.session.new if isinstance(e, CompensationEvidence)
            and (e.claim is doc or (doc.id is not None and e.claim_id == doc.id))]


def _files_attached(doc: CompensationClaim, ctx: Context) -> str | None:
    files = _new_files(doc, ctx)
    if not files:
        return _("Attach at least one file (a photo or a PDF).")
    if any(f.kind == "quality_station" for f in files) and doc.kind not in HOUSE_KINDS:
        # R-CO-5
        return _("Only a house return or exchange carries the quality supervision station's "
                 "confirmation.")
    return None


def _has_file(doc: CompensationClaim, kind: str) -> bool:
    return any(e.kind == kind for e in doc.evidence)


def _contractor_part(doc: CompensationClaim) -> Decimal:
    return _part(doc, "contractor") if doc.kind not in HOUSE_KINDS else Decimal("0")


def _acknowledgement_applies(doc: CompensationClaim, ctx: Context) -> str | None:
    if not _contractor_part(doc):
        # R-CO-2
        return _("Only a claim with a contractor-liable part needs the contractor's "
                 "acknowledgement.")
    when = ctx.data.get("acknowledged_at")
    if when is not None and when > ctx.now + timedelta(minutes=5):
        return _("The acknowledgement cannot be dated in the future.")
    return None


def _ready_to_submit(doc: CompensationClaim, ctx: Context) -> str | None:
    """Evidence gathered (R-CO-1); a contractor-liable part acknowledged in writing by the
    contractor or the supervising engineer (R-CO-2); a rule covers every part."""
    if doc.kind in HOUSE_KINDS:
        return None
    if not _has_file(doc, "evidence"):
        # R-CO-1
        return _("Attach at least one piece of evidence of the loss before submitting.")
    if _contractor_part(doc):
        if not (doc.acknowledged_by and doc.acknowledged_by_name and doc.acknowledged_at):
            # R-CO-2
            return _("A contractor-liable claim needs the contractor's written "
                     "acknowledgement, or the supervising engineer's if the contractor "
                     "refuses. Record it first.")
        if not _has_file(doc, "acknowledgement"):
            # R-CO-2
            return _("Attach the signed acknowledgement of the contractor or the "
                     "supervising engineer.")
    try:
        route_for(doc, ctx.session)
    except NoRule as error:
        return str(error)
    return None


def _not_raised_by_actor(doc: CompensationClaim, ctx: Context) -> str | None:
    if ctx.actor.user_id is not None and doc.raised_by_id == ctx.actor.user_id:
        return _("You raised this claim, so you cannot review, approve or reject it: "
                 "another person holding the role decides.")
    return None


def _not_reviewer(doc: CompensationClaim, ctx: Context) -> str | None:
    if ctx.actor.user_id is not None and doc.reviewed_by_id == ctx.actor.user_id:
        return _("You reviewed this claim; its approval needs another person.")
    return None


def _decider_role(doc: CompensationClaim) -> str | None:
    return doc.reviewer_role if doc.state == "under_review" else doc.approver_role


def _holds_route_role(doc: CompensationClaim, ctx: Context) -> str | None:
    """The acting person holds the role the claim's route names for this step."""
    role = _decider_role(doc)
    if ctx.actor.is_system or ctx.actor.is_admin:
        return None
    if role and role in held_roles(ctx.actor, ctx.session):
        return None
    if doc.state == "under_review":
        # R-CO-2, R-CO-3
        return _("This claim is reviewed by the %(role)s.",
                 role=role_label(role))
    # R-CO-2, R-CO-3
    return _("This claim needs the approval of the %(role)s.",
             role=role_label(role))


def _quality_station_letter(doc: CompensationClaim, ctx: Context) -> str | None:
    if not _has_file(doc, "quality_station"):
        # R-CO-5
        return _("Attach the quality supervision station's written confirmation that the "
                 "national return standards are met.")
    return None


def _marketing_member(doc: CompensationClaim, ctx: Context) -> str | None:
    if doc.marketing_done_at is not None:
        return _("Marketing's part is already done.")
    if not _in_department_of_kind(doc, ctx.actor, ctx.session, "marketing"):
        # R-CO-5
        return _("Marketing's part is recorded by the Marketing department of this office.")
    return None


def _service_member(doc: CompensationClaim, ctx: Context) -> str | None:
    if doc.service_done_at is not None:
        return _("Customer Service's part is already done.")
    if not _in_department_of_kind(doc, ctx.actor, ctx.session, "customer_service"):
        # R-CO-5
        return _("Customer Service's part is recorded by the Customer Service department "
                 "of this office.")
    return None


def _valid_payment(doc: CompensationClaim, ctx: Context) -> str | None:
    try:
        paid = parse_money(ctx.data.get("paid_amount"))
    except MoneyError as error:
        return str(error)
    if paid != Decimal(str(doc.amount)):
        return _("The amount paid must be the approved amount, %(amount)s.",
                 amount=money_text(doc.amount, getattr(doc.estate, "currency", None)))
    when = ctx.data.get("paid_at")
    if when is not None and when > ctx.now + timedelta(minutes=5):
        return _("The payment cannot be dated in the future.")
    return None


# --- effects ---------------------------------------------------------------------------------

def _route(doc: CompensationClaim, ctx: Context) -> None:
    """Store the route; the transition's branches then pick the first step from it."""
    if doc.kind in HOUSE_KINDS:
        doc.reviewer_role = doc.approver_role = None
        return
    route = route_for(doc, ctx.session)
    doc.reviewer_role, doc.approver_role = route.reviewer_role, route.approver_role
    ctx.data["forward_to_developer"] = route.forward_to_developer
    if route.forward_to_developer:
        doc.forwarded_to_developer_at = ctx.now
    ctx.data["route"] = {"reviewer_role": route.reviewer_role,
                         "approver_role": route.approver_role,
                         "forward_to_developer": route.forward_to_developer,
                         "parts": [{"liability": p.liability, "amount": str(p.amount),
                                    "rule": p.rule_id} for p in route.parts]}


def _list_files(doc: CompensationClaim, ctx: Context) -> None:
    ctx.data["files"] = [f.filename for f in _new_files(doc, ctx)]


def _rejected(doc: CompensationClaim, ctx: Context) -> None:
    doc.rejection_reason = ctx.comment


def _paid(doc: CompensationClaim, ctx: Context) -> None:
    doc.paid_amount = parse_money(ctx.data["paid_amount"])
    doc.paid_at = doc.paid_at or ctx.now


def _complete_when_both_done(doc: CompensationClaim, ctx: Context) -> None:
    """Marketing and Customer Service process a return or exchange together (R-CO-5)."""
    if _both_done(doc, ctx):
        doc.closed_at = ctx.now


# --- where a submitted or shared step leads (branches of the table below) -------------------

def _is_house_request(doc: CompensationClaim, ctx: Context) -> bool:
    return doc.kind in HOUSE_KINDS


def _goes_to_developer(doc: CompensationClaim, ctx: Context) -> bool:
    return bool(ctx.data.get("forward_to_developer"))


def _needs_review(doc: CompensationClaim, ctx: Context) -> bool:
    return bool(doc.reviewer_role)


def _both_done(doc: CompensationClaim, ctx: Context) -> bool:
    return doc.marketing_done_at is not None and doc.service_done_at is not None


SUBMIT_ROUTE = (Branch("awaiting_quality_station", _is_house_request),
                Branch("forwarded_to_developer", _goes_to_developer),
                Branch("under_review", _needs_review),
                Branch("awaiting_approval"))
BOTH_PARTS = (Branch("completed", _both_done), Branch(None))


# --- the table -------------------------------------------------------------------------------

COMPENSATION = Workflow(
    doc_type="compensation", resource=P.COMPENSATION, states=STATES, initial="draft",
    final=FINAL_STATES, number_prefix="CO", prepare=prepare_claim,
    handler_attr="raised_by_id",
    transitions=(
        Transition("attach_evidence", _l("Attach evidence"), OPEN_STATES, None, CS_STAFF,
                   fields=(Field("evidence_kind", _l("Kind of file"), "choice",
                                 choices=EVIDENCE_KINDS, attr=None),),
                   guards=(_files_attached,), effects=(_list_files,), icon="fa-paperclip"),
        Transition("record_acknowledgement", _l("Record the written acknowledgement"),
                   ("draft",), None, CS_STAFF,
                   fields=(Field("acknowledged_by", _l("Acknowledged by"), "choice",
                                 choices=ACKNOWLEDGED_BY),
                           Field("acknowledged_by_name", _l("Name of the person who signed"),
                                 "text"),
                           Field("acknowledged_at", _l("Signed at"), "datetime")),
                   guards=(_acknowledgement_applies,), icon="fa-pencil-square-o"),
        # The first step depends on the route (see _route and the module docstring).
        Transition("submit", _l("Submit for decision"), ("draft",), SUBMIT_ROUTE, CS_STAFF,
                   guards=(_ready_to_submit,), effects=(_route,), set_now=("submitted_at",),
                   icon="fa-paper-plane"),
        Transition("review", _l("Reviewed, pass on for approval"), ("under_review",),
                   "awaiting_approval", DECIDERS,
                   guards=(_not_raised_by_actor, _holds_route_role),
                   set_now=("reviewed_at",), set_actor=("reviewed_by_id",),
                   icon="fa-check-square-o"),
        Transition("approve", _l("Approve"), ("awaiting_approval",), "approved", DECIDERS,
                   guards=(_not_raised_by_actor, _holds_route_role, _not_reviewer),
                   set_now=("approved_at",), set_actor=("approved_by_id",),
                   icon="fa-check"),
        Transition("reject", _l("Reject"), DECISION_STATES, "rejected", DECIDERS,
                   guards=(_not_raised_by_actor, _holds_route_role), effects=(_rejected,),
                   set_now=("rejected_at",), set_actor=("rejected_by_id",),
                   comment_required=True, icon="fa-times"),
        Transition("record_payment", _l("Record the payment"), ("approved",), "paid",
                   CS_SUPERVISORS,
                   fields=(Field("paid_amount", _l("Amount paid"), "text", attr=None),
                           Field("payment_method", _l("Payment method"), "choice",
                                 choices=PAYMENT_METHODS),
                           Field("paid_at", _l("Paid at"), "datetime", required=False,
                                 description=_l("Leave empty for now."))),
                   guards=(_valid_payment,), effects=(_paid,),
                   set_actor=("payment_recorded_by_id",), icon="fa-money"),
        Transition("record_developer_reply", _l("Record the developer's reply"),
                   ("forwarded_to_developer",), "closed", CS_STAFF,
                   fields=(Field("developer_reply", _l("The developer's reply"), "textarea"),),
                   set_now=("closed_at",), icon="fa-building"),
        Transition("confirm_quality_station", _l("Quality station confirmed"),
                   ("awaiting_quality_station",), "in_processing", CS_SUPERVISORS,
                   fields=(Field("quality_station_reference",
                                 _l("Reference of the station's written confirmation"),
                                 "text"),),
                   guards=(_quality_station_letter,),
                   set_now=("quality_station_confirmed_at",), icon="fa-certificate"),
        Transition("decline_return", _l("Return standards not met"),
                   ("awaiting_quality_station",), "rejected", CS_SUPERVISORS,
                   effects=(_rejected,), set_now=("rejected_at",),
                   set_actor=("rejected_by_id",), comment_required=True, icon="fa-ban"),
        Transition("marketing_done", _l("Marketing's part done"), ("in_processing",),
                   BOTH_PARTS, MARKETING, guards=(_marketing_member,),
                   effects=(_complete_when_both_done,), set_now=("marketing_done_at",),
                   set_actor=("marketing_done_by_id",), icon="fa-handshake-o"),
        Transition("service_done", _l("Customer Service's part done"), ("in_processing",),
                   BOTH_PARTS, CS_STAFF, guards=(_service_member,),
                   effects=(_complete_when_both_done,), set_now=("service_done_at",),
                   set_actor=("service_done_by_id",), icon="fa-handshake-o"),
        Transition("withdraw", _l("Withdraw"),
                   ("draft", "under_review", "awaiting_approval", "awaiting_quality_station"),
                   "withdrawn", CS_SUPERVISORS, set_now=("closed_at",),
                   comment_required=True, icon="fa-undo"),
    ),
)


# --- the approval queue ----------------------------------------------------------------------

def waiting_for(session: Session, actor: Actor, *, estate_id: int | None = None,
                state: str | None = None) -> list[CompensationClaim]:
    """Claims in the actor's scope waiting for their decision, oldest first: under review
    where the route names one of their own roles as reviewer, awaiting approval where it
    names one as approver; never their own claims nor, for approval, the ones they
    reviewed. (Someone holding a role through a higher one, e.g. an office director for the
    CS centre manager, may still step in on the claim's page; it is not queued for them.)"""
    can_review = actor.can(COMPENSATION.get("review").permission, P.COMPENSATION)
    can_approve = actor.can(COMPENSATION.get("approve").permission, P.COMPENSATION)
    everyone = actor.is_system or actor.is_admin
    roles = own_roles(actor, session)
    claim = CompensationClaim
    review = and_(claim.state == "under_review",
                  true() if everyone else claim.reviewer_role.in_(roles))
    approve = and_(claim.state == "awaiting_approval",
                   true() if everyone else claim.approver_role.in_(roles))
    if actor.user_id is not None:
        approve = and_(approve, or_(claim.reviewed_by_id.is_(None),
                                    claim.reviewed_by_id != actor.user_id))
    wanted = [c for c, ok in ((review, can_review), (approve, can_approve)) if ok]
    if not wanted:
        return []
    query = apply_scope(select(claim), claim, actor.scope).where(or_(*wanted))
    if actor.user_id is not None:
        query = query.where(or_(claim.raised_by_id.is_(None),
                                claim.raised_by_id != actor.user_id))
    if estate_id:
        query = query.where(claim.estate_id == estate_id)
    if state:
        query = query.where(claim.state == state)
    return list(session.scalars(query.order_by(claim.submitted_at, claim.id).limit(2000)))


# --- printing ----------------------------------------------------------------------------------

def print_values(claim: CompensationClaim) -> dict[str, Any]:
    """Extra values of the complaint handling form (投诉处理单)."""
    return {"amount_in_words": amount_in_words(claim.amount,
                                               getattr(claim.estate, "currency", None)), "ROLES": ROLE_LABELS,
            "CLAIM_PAYMENT_METHODS": PAYMENT_METHODS,
            "parts": [(liability, getattr(claim, attr))
                      for liability, attr in PART_ATTRS.items()]}


# --- the declaration: everything else the app builds for claims -----------------------------

DOCUMENT = declare(DocumentType(
    workflow=COMPENSATION, model=CompensationClaim, label=_l("Compensation claim"),
    view="app.views.compensation:CompensationClaimView",
    api="app.views.compensation:CompensationClaimApi",
    menu=Menu("Compensation claims", _l("Compensation claims"), "fa-balance-scale",
              P.MENU_SERVICE, _l("Customer service"), order=70),
    # Compensation is Customer Service's and management's business only (R-CO-1);
    # department heads read and print Marketing's part (R-CO-5).
    grants={P.ROLE_FRONT_DESK_AGENT: (P.READ, P.CREATE, P.PRINT),
            P.ROLE_CS_CENTRE_MANAGER: (P.EXPORT, P.APPROVAL_QUEUE[0]),
            P.ROLE_DEPARTMENT_HEAD: (P.READ, P.PRINT)},
    pages=(
        # Claims waiting for this person's step: the claims' own resource (R-CO-2, R-CO-3).
        Page("app.views.compensation:ApprovalQueueView",
             Menu("Approval queue", _l("Approval queue"), "fa-gavel", P.MENU_WORK,
                  _l("Queues")),
             opens=P.APPROVAL_QUEUE, href="/approvals/"),
        # Who reviews and approves which amounts: data, not code.
        Page("app.views.compensation:ApprovalRuleView",
             Menu("Approval rules", _l("Approval rules"), "fa-gavel", P.MENU_ADMIN,
                  _l("Administration")),
             opens=(P.READ, P.APPROVAL_RULE),
             grants={P.ROLE_CS_CENTRE_MANAGER: ((P.READ, P.APPROVAL_RULE),)}),
    ),
    print_forms=(
        PrintForm("complaint_handling_form", N_("Complaint handling form"),
                  "print/complaint_handling_form.html",
                  "R-CO-1, R-CO-2, R-CO-3, R-CO-4, R-CO-5", extra=print_values),
    ),
    seeds=(seed_approval_rules,),
))
