"""Notices to residents (物业服务信息告知, R-CS-8), as a table a department head can read::

    draft --submit--> awaiting approval --approve--> approved --publish--> published
    awaiting approval --return--> draft (with a reason)
    published --withdraw--> withdrawn (with a reason)
    published --new edition--> (a new draft of the notice, the published one stays up)
    published --replaced--> replaced (when its next edition is published)
    draft / awaiting approval / approved --cancel--> cancelled (with a reason)

Every notice is approved before it is published (the office director, as the procedure for
documents published to customers asks) and carries the service and complaint hotline:
publishing without one is refused. A published notice is never edited: its next edition is
drafted, approved and published, and then replaces it; every edition stays readable.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Company, Department
from app.models.notice import NOTICE_CHANNELS, NOTICE_KINDS, Notice
from app.models.staff import StaffProfile, profile_departments
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import is_in_scope
from app.workflows import engine
from app.workflows.engine import InvalidData
from app.workflows.registry import (
    N_,
    DocumentType,
    Menu,
    PrintForm,
    declare,
)
from app.workflows.table import Context, Transition, Workflow

STATES = {
    "draft": _l("Draft"), "awaiting_approval": _l("Awaiting approval"),
    "approved": _l("Approved"), "published": _l("Published"),
    "replaced": _l("Replaced by a newer edition"), "withdrawn": _l("Withdrawn"),
    "cancelled": _l("Cancelled"),
}

DRAFTERS = (P.ROLE_CS_SUPERVISOR, P.ROLE_CS_CENTRE_MANAGER, P.ROLE_PROPERTY_OFFICER)
APPROVERS = (P.ROLE_OFFICE_DIRECTOR,)


def company_hotline(session: Session) -> str:
    return session.scalar(select(Company.hotline).order_by(Company.id)) or ""


def prepare_notice(notice: Notice, actor: Actor, session: Session, now: datetime) -> None:
    """An estate of the drafter's scope; the drafter's department in its office is
    responsible; the hotline defaults to the company's (R-CS-8)."""
    errors: dict[str, str] = {}
    if notice.estate is None or (not actor.is_system and
                                 not is_in_scope(notice.estate, actor.scope)):
        errors["estate"] = _("Choose an estate you work for.")
    if notice.kind not in NOTICE_KINDS:
        errors["kind"] = _("Choose what the notice is about.")
    if notice.channel not in NOTICE_CHANNELS:
        errors["channel"] = _("Choose how the notice reaches the residents.")
    if errors:
        raise InvalidData(next(iter(errors.values())), errors)
    notice.drafted_by_id = notice.drafted_by_id or actor.user_id
    if notice.department_id is None and actor.user_id is not None:
        notice.department_id = session.scalar(
            select(Department.id)
            .join(profile_departments, profile_departments.c.department_id == Department.id)
            .join(StaffProfile, StaffProfile.id == profile_departments.c.profile_id)
            .where(StaffProfile.user_id == actor.user_id,
                   Department.office_id == notice.estate.office_id)
            .order_by(Department.id))
    notice.hotline = (notice.hotline or "").strip() or company_hotline(session) or None


def _has_hotline(notice: Any, ctx: Context) -> str | None:
    """R-CS-8: every notice carries the service and complaint hotline."""
    if not (notice.hotline or "").strip():
        return _("A notice carries the service and complaint hotline: enter it before "
                 "the notice goes further.")
    return None


def _one_new_edition_at_a_time(notice: Any, ctx: Context) -> str | None:
    pending = ctx.session.scalar(select(Notice.number).where(
        Notice.previous_id == notice.id,
        Notice.state.in_(("draft", "awaiting_approval", "approved"))))
    if pending:
        return _("The next edition %(number)s is already being prepared.", number=pending)
    return None


def _script(notice: Any) -> str:
    """The history's own words are written in the estate's script, like its residents'
    notices, whoever's screen the step was taken from."""
    return getattr(notice.estate, "script", None) or "zh_Hans"


def _only_by_the_next_edition(notice: Any, ctx: Context) -> str | None:
    if not ctx.actor.is_system:
        return _("This happens by itself when the next edition is published.")
    return None


def _draft_next_edition(notice: Any, ctx: Context) -> None:
    """The next edition starts as a copy of this one, drafted by whoever asked for it."""
    edition = Notice(estate_id=notice.estate_id, department_id=notice.department_id,
                     kind=notice.kind, channel=notice.channel, title=notice.title,
                     body=notice.body, hotline=notice.hotline,
                     edition=(notice.edition or 1) + 1, previous_id=notice.id,
                     drafted_by_id=ctx.actor.user_id)
    with force_locale(_script(notice)):
        comment = _("Next edition of %(number)s", number=notice.number)
    engine.create(edition, actor=ctx.actor, session=ctx.session, now=ctx.now, comment=comment)


def _replace_previous_edition(notice: Any, ctx: Context) -> None:
    """Publishing an edition takes the one it replaces down, in the same step."""
    previous = notice.previous
    if previous is not None and previous.state == "published":
        with force_locale(_script(notice)):
            comment = _("Replaced by %(number)s", number=notice.number)
        engine.apply(previous, "replace", actor=Actor.system(), session=ctx.session,
                     now=ctx.now, comment=comment)


NOTICE = Workflow(
    doc_type="notice", resource=P.NOTICE, states=STATES, initial="draft",
    number_prefix="NT", final=("replaced", "withdrawn", "cancelled"),
    prepare=prepare_notice, handler_attr="drafted_by_id",
    transitions=(
        Transition("submit", _l("Submit for approval"), ("draft",), "awaiting_approval",
                   DRAFTERS, guards=(_has_hotline,), set_now=("submitted_at",),
                   icon="fa-send"),
        Transition("approve", _l("Approve the notice"), ("awaiting_approval",), "approved",
                   APPROVERS, guards=(_has_hotline,), set_now=("approved_at",),
                   set_actor=("approved_by_id",), icon="fa-check-circle"),
        Transition("return", _l("Return for changes"), ("awaiting_approval",), "draft",
                   APPROVERS, comment_required=True, icon="fa-undo"),
        Transition("publish", _l("Publish"), ("approved",), "published", DRAFTERS,
                   guards=(_has_hotline,), effects=(_replace_previous_edition,),
                   set_now=("published_at",), icon="fa-bullhorn"),
        Transition("revise", _l("Draft a new edition"), ("published",), None, DRAFTERS,
                   guards=(_one_new_edition_at_a_time,), effects=(_draft_next_edition,),
                   icon="fa-files-o"),
        Transition("replace", _l("Replaced by a newer edition"), ("published",), "replaced",
                   (), guards=(_only_by_the_next_edition,), set_now=("replaced_at",),
                   icon="fa-exchange"),
        Transition("withdraw", _l("Withdraw the notice"), ("published",), "withdrawn",
                   APPROVERS, comment_required=True, set_now=("withdrawn_at",),
                   icon="fa-eye-slash"),
        Transition("cancel", _l("Cancel the notice"), ("draft", "awaiting_approval",
                                                       "approved"),
                   "cancelled", DRAFTERS + APPROVERS, comment_required=True,
                   icon="fa-times"),
    ),
)


def notice_values(notice: Notice) -> dict[str, Any]:
    """What the printed notice shows beside the notice: its paragraphs, and the labels of
    its choices in both print languages."""
    return {"paragraphs": [p.strip() for p in (notice.body or "").split("\n\n") if p.strip()],
            "KINDS": NOTICE_KINDS, "CHANNELS": NOTICE_CHANNELS}


NOTICE_DOCUMENT = declare(DocumentType(
    workflow=NOTICE, model=Notice, label=_l("Notice to residents"),
    view="app.views.notice:NoticeView", api="app.views.notice:NoticeApi",
    menu=Menu("Notices to residents", _l("Notices to residents"), "fa-bullhorn",
              P.MENU_SERVICE, _l("Customer service"), order=64),
    grants={P.ROLE_CS_SUPERVISOR: (P.READ, P.CREATE, P.EDIT, P.PRINT, P.EXPORT),
            P.ROLE_CS_CENTRE_MANAGER: (P.READ, P.CREATE, P.EDIT, P.PRINT, P.EXPORT),
            P.ROLE_PROPERTY_OFFICER: (P.READ, P.CREATE, P.EDIT, P.PRINT),
            P.ROLE_OFFICE_DIRECTOR: (P.READ, P.PRINT, P.EXPORT),
            P.ROLE_FRONT_DESK_AGENT: (P.READ, P.PRINT),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.EXPORT)},
    print_forms=(
        PrintForm("notice", N_("Notice to residents"), "print/notice.html", "R-CS-8",
                  extra=notice_values),
    ),
))
