"""Follow-up of a satisfaction survey (R-SV-8, R-SV-9, R-SV-10), as tables a department
head can read.

Open letter to residents (致业主的一封信, R-SV-8)::

    draft --submit--> awaiting approval --approve--> approved --post--> posted
    awaiting approval --return--> draft (with a reason)
    posted --send to Quality--> sent to Quality
    draft / awaiting approval --cancel--> cancelled (with a reason)

It is due within 2 weeks of the survey's collection closing (policy survey_letter.due,
armed when the letter is drafted, counted from `Survey.collection_closed_at`), approved by
the management representative before posting, and within 5 days of posting the statistics
and the letter go to Quality (policy survey_letter.to_quality). The product has no role
"management representative" (管理者代表, R-ORG-3): in the companies of the seeds it is a
deputy general manager, so the deputy general manager approves (a grant in Security → List
Roles gives it to anyone else).

Corrective action (纠正措施, R-SV-9)::

    open --corrected--> corrected --verify--> verified
    open --cancel--> cancelled (with a reason)

One unsatisfied item of one estate, with an owner, a department and a due date (policy
survey_action.due gives the warning share and the escalation chain); once corrected, a
targeted revisit (policy revisit.corrective_action, R-RV-1).

Raw questionnaires (R-SV-10) are kept `survey.raw_retention_years` (3) after the survey
closes; then an administrator may purge their answers and comments (`flask surveys purge`
or Administration → Survey archive). The survey's stored results stay.
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from flask_appbuilder.security.sqla.models import User
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, null, or_, select, update
from sqlalchemy.orm import Session

from app.audit import record_event
from app.models.base import local_now
from app.models.org import Department
from app.models.settings import setting
from app.models.staff import StaffProfile, profile_departments, profile_offices
from app.models.survey import Survey, SurveyForm, item_label
from app.models.survey_follow_up import CorrectiveAction, OpenLetter
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import is_in_scope
from app.workflows.engine import InvalidData, WorkflowError
from app.workflows.registration import registering_department
from app.workflows.registry import (
    N_,
    TO_DIRECTOR_AND_GM,
    TO_HANDLER_AND_UP,
    TO_HEAD_AND_UP,
    DocumentType,
    Menu,
    Page,
    Policy,
    PrintForm,
    declare,
)
from app.workflows.revisit import create_followup_revisit
from app.workflows.survey_scoring import percent
from app.workflows.table import Arm, Context, Field, Transition, Workflow

LETTER_STATES = {
    "draft": _l("Draft"),
    "awaiting_approval": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "posted": _l("Posted"),
    "sent_to_quality": _l("Sent to Quality"),
    "cancelled": _l("Cancelled"),
}
ACTION_STATES = {
    "open": _l("Open"),
    "corrected": _l("Corrected"),
    "verified": _l("Verified"),
    "cancelled": _l("Cancelled"),
}

# R-SV-8: drafted by the CS supervisor or the quality officer; approved by the management
# representative, which the product's roles know as the deputy general manager.
DRAFTERS = (P.ROLE_CS_SUPERVISOR, P.ROLE_QUALITY_OFFICER)
REPRESENTATIVES = (P.ROLE_DEPUTY_GM,)
# R-SV-9: whoever raised the action verifies it; anyone can own one (their guard).
VERIFIERS = (P.ROLE_CS_SUPERVISOR, P.ROLE_QUALITY_OFFICER)
OWNERS = (P.ROLE_FRONT_DESK_AGENT, P.ROLE_TECHNICIAN, P.ROLE_PROPERTY_OFFICER,
          P.ROLE_QUALITY_OFFICER)
# Scored surveys: their results exist (R-SV-5).
SCORED = ("scoring", "reported", "closed")


# --- concentrated issues and unsatisfied items (R-SV-8, R-SV-9) ----------------------------

@dataclass(frozen=True)
class Issue:
    """One item of a survey's results: its rate, its unsatisfied answers, and why it is a
    concentrated issue (below the qualified threshold, many unsatisfied answers)."""

    key: str
    rate: Decimal | None
    unsatisfied: int
    below_threshold: bool
    many_unsatisfied: bool


def _issues(result: dict[str, Any], threshold: Decimal, many: int) -> list[Issue]:
    issues = []
    for item in result.get("items", []):
        rate = Decimal(item["rate"]) if item.get("rate") is not None else None
        below = rate is not None and rate * 100 < threshold
        crowd = int(item.get("unsatisfied") or 0) >= many
        if below or crowd:
            issues.append(Issue(item["key"], rate, int(item.get("unsatisfied") or 0), below,
                                crowd))
    return issues


def concentrated_issues(session: Session, survey: Survey) -> list[Issue]:
    """R-SV-8: the items the open letter should answer: an item rate below the qualified
    threshold, or at least `survey.letter_unsatisfied_count` unsatisfied answers."""
    results = survey.results or {}
    threshold = Decimal(results.get("threshold") or setting(session,
                                                            "survey.qualified_percent"))
    return _issues(results, threshold, int(setting(session, "survey.letter_unsatisfied_count")))


def unsatisfied_items(survey: Survey) -> list[tuple[int, str, int, Decimal | None]]:
    """R-SV-9: (estate id, item key, unsatisfied answers, rate) of every item with an
    unsatisfied answer in an estate: each can become a corrective action."""
    rows = []
    for estate_id, result in (survey.results or {}).get("estates", {}).items():
        for item in result.get("items", []):
            if item.get("unsatisfied"):
                rows.append((int(estate_id), item["key"], int(item["unsatisfied"]),
                             Decimal(item["rate"]) if item.get("rate") is not None else None))
    return rows


def issue_line(survey: Survey, key: str, rate: Decimal | None, unsatisfied: int,
               locale: str) -> str:
    items = {i["key"]: i for i in survey.items or []}
    label = item_label(items[key], locale) if key in items else key
    return _("%(item)s: %(rate)s satisfied, %(n)d unsatisfied answers", item=label,
             rate=percent(rate), n=unsatisfied)


def proposed_issues_text(session: Session, survey: Survey) -> str:
    """The issues a new letter proposes, one a line, in the estate's script."""
    script = survey.estate.script if survey.estate is not None else "zh_Hans"
    with force_locale(script or "zh_Hans"):
        return "\n".join(issue_line(survey, i.key, i.rate, i.unsatisfied, script or "zh_Hans")
                         for i in concentrated_issues(session, survey))


# --- the open letter -------------------------------------------------------------------------

def _collected(survey: Survey | None) -> str | None:
    if survey is None:
        return _("Choose the survey.")
    if survey.state not in SCORED or survey.collection_closed_at is None:
        return _("The survey's collection is not closed yet: there is nothing to answer.")
    return None


def prepare_letter(letter: OpenLetter, actor: Actor, session: Session, now: datetime) -> None:
    """A letter answers a survey whose collection is closed, one letter at a time; its
    issues are proposed from the results (R-SV-8) unless the drafter wrote them."""
    problem = _collected(letter.survey)
    if problem:
        raise InvalidData(problem, {"survey": problem})
    if not actor.is_system and not is_in_scope(letter.survey, actor.scope):
        raise InvalidData(_("Record not found."), {"survey": _("Record not found.")})
    if letter.survey.estate is None:
        raise InvalidData(_("The survey covers no estate."), {"survey": _("No estate.")})
    other = session.scalar(select(OpenLetter.number).where(
        OpenLetter.survey_id == letter.survey.id, OpenLetter.state != "cancelled"))
    if other:
        message = _("The survey already has the open letter %(number)s.", number=other)
        raise InvalidData(message, {"survey": message})
    letter.drafted_by_id = letter.drafted_by_id or actor.user_id
    if not (letter.issues or "").strip():
        letter.issues = proposed_issues_text(session, letter.survey) or None


LETTER = Workflow(
    doc_type="survey_letter", resource=P.OPEN_LETTER, states=LETTER_STATES,
    initial="draft", number_prefix="OL", final=("sent_to_quality", "cancelled"),
    prepare=prepare_letter, handler_attr="drafted_by_id",
    # R-SV-8: 2 weeks from the collection closing, whenever the letter is drafted.
    on_create=(Arm("survey_letter.due", start="collection_closed_at",
                   handler="drafted_by_id"),),
    transitions=(
        Transition("submit", _l("Submit for approval"), ("draft",), "awaiting_approval",
                   DRAFTERS, set_now=("submitted_at",), icon="fa-send"),
        Transition("approve", _l("Approve the letter"), ("awaiting_approval",), "approved",
                   REPRESENTATIVES, set_now=("approved_at",), set_actor=("approved_by_id",),
                   icon="fa-check-circle"),
        Transition("return", _l("Return for changes"), ("awaiting_approval",), "draft",
                   REPRESENTATIVES, comment_required=True, icon="fa-undo"),
        Transition("post", _l("Posted"), ("approved",), "posted", DRAFTERS,
                   set_now=("posted_at",), meets=("survey_letter.due",),
                   arms=(Arm("survey_letter.to_quality", start="posted_at",
                             handler="drafted_by_id"),),
                   icon="fa-thumb-tack"),
        Transition("send_to_quality", _l("Statistics and letter sent to Quality"),
                   ("posted",), "sent_to_quality", DRAFTERS,
                   set_now=("sent_to_quality_at",), meets=("survey_letter.to_quality",),
                   icon="fa-share"),
        Transition("cancel", _l("Cancel the letter"), ("draft", "awaiting_approval"),
                   "cancelled", DRAFTERS, comment_required=True, cancels=("*",),
                   icon="fa-times"),
    ),
)


def letter_values(letter: OpenLetter) -> dict[str, Any]:
    """What the printed letter shows beside the letter: the survey's figures."""
    survey = letter.survey
    results = survey.results or {}
    rate = results.get("overall")
    return {"survey": survey,
            "overall": percent(Decimal(rate)) if rate is not None else "",
            "returned": results.get("returned"), "distributed": results.get("distributed"),
            "issue_lines": [line for line in (letter.issues or "").splitlines()
                            if line.strip()]}


# --- corrective actions ------------------------------------------------------------------------

def _works_in_office(session: Session, user_id: int, office_id: int) -> bool:
    """The owner works in the estate's office: one of its departments, or the office."""
    in_department = (select(profile_departments.c.profile_id)
                     .join(Department, Department.id == profile_departments.c.department_id)
                     .where(profile_departments.c.profile_id == StaffProfile.id,
                            Department.office_id == office_id))
    directing = select(profile_offices.c.profile_id).where(
        profile_offices.c.profile_id == StaffProfile.id, profile_offices.c.office_id == office_id)
    return session.scalar(
        select(StaffProfile.id).join(User, User.id == StaffProfile.user_id)
        .where(StaffProfile.user_id == user_id, User.active.is_(True),
               or_(exists(in_department), exists(directing)))) is not None


def prepare_action(action: CorrectiveAction, actor: Actor, session: Session,
                   now: datetime) -> None:
    """R-SV-9: an item with unsatisfied answers in an estate of the survey, an owner and a
    department of that estate's office, a due date not in the past."""
    errors: dict[str, str] = {}
    survey, estate = action.survey, action.estate
    problem = _collected(survey)
    if problem:
        raise InvalidData(problem, {"survey": problem})
    if not actor.is_system and not is_in_scope(survey, actor.scope):
        raise InvalidData(_("Record not found."), {"survey": _("Record not found.")})
    if estate is None:
        errors["estate"] = _("This field is required.")
    elif estate.id not in {e.id for e in survey.estates}:
        errors["estate"] = _("The survey does not cover this estate.")
    elif not actor.is_system and not is_in_scope(estate, actor.scope):
        errors["estate"] = _("This estate is outside your departments and estates.")
    keys = {i["key"] for i in survey.items or []}
    if action.item_key not in keys:
        errors["item_key"] = _("Choose one of the survey's items: %(items)s",
                               items=", ".join(sorted(keys)))
    if errors:
        raise InvalidData(_("Please correct the highlighted fields."), errors)
    found = next(((n, rate) for estate_id, key, n, rate in unsatisfied_items(survey)
                  if estate_id == estate.id and key == action.item_key), None)
    if found is None:
        errors["item_key"] = _("Nobody in this estate was unsatisfied with this item.")
    if action.unit is not None and action.unit.building.estate_id != estate.id:
        errors["unit"] = _("This unit is not in the chosen estate.")
    if action.department is None:
        errors["department"] = _("This field is required.")
    elif action.department.office_id != estate.office_id:
        errors["department"] = _("Choose a department of the estate's management office.")
    if action.owner is None and action.owner_id is None:
        errors["owner"] = _("This field is required.")
    elif not _works_in_office(session, action.owner_id or action.owner.id, estate.office_id):
        errors["owner"] = _("The owner must work in the estate's management office.")
    if action.due_date is None:
        errors["due_date"] = _("This field is required.")
    elif action.due_date < now.date():
        errors["due_date"] = _("The due date is in the past.")
    if not errors:
        duplicate = session.scalar(select(CorrectiveAction.number).where(
            CorrectiveAction.survey_id == survey.id, CorrectiveAction.estate_id == estate.id,
            CorrectiveAction.item_key == action.item_key,
            CorrectiveAction.state.in_(("open", "corrected"))))
        if duplicate:
            errors["item_key"] = _("The corrective action %(number)s already deals with this "
                                   "item in this estate.", number=duplicate)
    if errors:
        raise InvalidData(_("Please correct the highlighted fields."), errors)
    action.unsatisfied, rate = found
    action.rate = str(rate) if rate is not None else None
    action.raised_by_id = action.raised_by_id or actor.user_id
    action.registering_department_id = action.registering_department_id or \
        registering_department(session, actor, estate.office_id)
    if not (action.issue or "").strip():
        script = estate.script or "zh_Hans"
        with force_locale(script):
            action.issue = issue_line(survey, action.item_key, rate, action.unsatisfied, script)


def _owner_or_manager(action: CorrectiveAction, ctx: Context) -> str | None:
    """The owner reports the correction; whoever verifies may do it on their behalf."""
    if ctx.actor.is_system or action.owner_id == ctx.actor.user_id or \
            ctx.actor.can("can_verify", P.CORRECTIVE_ACTION):
        return None
    return _("This corrective action is owned by someone else.")


def _targeted_revisit(action: CorrectiveAction, ctx: Context) -> None:
    """R-SV-9: once corrected, a targeted revisit of the residents concerned."""
    create_followup_revisit(action, "corrective_action", "revisit.corrective_action", ctx)


ACTION = Workflow(
    doc_type="survey_action", resource=P.CORRECTIVE_ACTION, states=ACTION_STATES,
    initial="open", number_prefix="CA", final=("verified", "cancelled"),
    prepare=prepare_action, handler_attr="owner_id",
    on_create=(Arm("survey_action.due", due="due_at", handler="owner_id"),),
    transitions=(
        Transition("correct", _l("Corrected"), ("open",), "corrected", OWNERS,
                   fields=(Field("measure", _l("Measure taken"), "textarea"),),
                   guards=(_owner_or_manager,), set_now=("corrected_at",),
                   meets=("survey_action.due",), effects=(_targeted_revisit,),
                   icon="fa-wrench"),
        Transition("verify", _l("Verify"), ("corrected",), "verified", VERIFIERS,
                   set_now=("verified_at",), set_actor=("verified_by_id",), icon="fa-check"),
        Transition("cancel", _l("Cancel the corrective action"), ("open",), "cancelled",
                   VERIFIERS, comment_required=True, cancels=("*",), icon="fa-times"),
    ),
)


# --- raw questionnaires (R-SV-10) ---------------------------------------------------------------

class PurgeRefused(WorkflowError):
    status = 409


def _years_after(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def kept_until(session: Session, survey: Survey) -> datetime | None:
    """When the survey's raw questionnaires may be purged: its close plus the retention."""
    if survey.closed_at is None:
        return None
    return _years_after(survey.closed_at, int(setting(session, "survey.raw_retention_years")))


def purge_questionnaires(session: Session, survey: Survey, *, actor: Actor,
                         now: datetime, who: str | None = None) -> int:
    """Clear the answers and comments of a closed survey's questionnaires once the
    retention period is over (R-SV-10); the survey's stored results and statistics stay.
    Leaves an audit entry naming who purged which survey and how many forms. Never
    commits; returns how many questionnaires were cleared."""
    until = kept_until(session, survey)
    if survey.state != "closed" or until is None:
        raise PurgeRefused(_("Survey %(number)s is not closed: its questionnaires are kept.",
                             number=survey.number))
    if now < until:
        raise PurgeRefused(_("The questionnaires of survey %(number)s are kept until "
                             "%(date)s.", number=survey.number, date=f"{until:%Y-%m-%d}"))
    holding = (SurveyForm.survey_id == survey.id) & (SurveyForm.answers.isnot(None)
                                                     | SurveyForm.feedback.isnot(None))
    forms = session.execute(update(SurveyForm).where(holding)
                            .values(answers=null(), feedback=None)
                            .execution_options(synchronize_session="fetch")).rowcount
    record_event("purge_questionnaires", table_name="survey", row_id=survey.id,
                 changes={"survey": survey.number, "forms": forms,
                          "closed_at": f"{survey.closed_at:%Y-%m-%d %H:%M}"},
                 actor=(actor.user_id, who or actor.username), record_name=survey.number,
                 session=session, commit=False)
    session.flush()
    return forms


def purgeable(session: Session, now: datetime) -> list[Survey]:
    """Closed surveys past the retention period whose questionnaires still hold answers."""
    years = int(setting(session, "survey.raw_retention_years"))
    closed = session.scalars(select(Survey).where(Survey.state == "closed",
                                                  Survey.closed_at.isnot(None))
                             .order_by(Survey.closed_at)).all()
    holding = set(session.scalars(select(SurveyForm.survey_id).where(
        SurveyForm.answers.isnot(None) | SurveyForm.feedback.isnot(None)).distinct()))
    return [s for s in closed if s.id in holding and now >= _years_after(s.closed_at, years)]


surveys_cli = AppGroup("surveys", help="Satisfaction surveys: raw questionnaires.")


@surveys_cli.command("purge")
@click.argument("numbers", nargs=-1)
@click.option("--due", is_flag=True, help="Every closed survey past the retention period.")
def surveys_purge(numbers: tuple[str, ...], due: bool) -> None:
    """Clear the raw answers of surveys closed longer ago than the retention period."""
    # R-SV-10
    session = current_app.appbuilder.session
    now = local_now()
    who = f"cli:{getpass.getuser()}"
    surveys = purgeable(session, now) if due else []
    for number in numbers:
        survey = session.scalar(select(Survey).where(Survey.number == number.strip()))
        if survey is None:
            raise click.ClickException(f"No survey {number}.")
        surveys.append(survey)
    if not surveys:
        click.echo("Nothing to purge.")
        return
    for survey in surveys:
        try:
            forms = purge_questionnaires(session, survey, actor=Actor.system(), now=now,
                                         who=who)
        except PurgeRefused as refusal:
            session.rollback()
            raise click.ClickException(refusal.message) from None
        click.echo(f"{survey.number}: {forms} questionnaires purged")
    session.commit()


# --- the declarations ----------------------------------------------------------------------------

def _service_menu(name: str, label: Any, icon: str, order: int) -> Menu:
    return Menu(name, label, icon, P.MENU_SERVICE, _l("Customer service"), order=order)


LETTER_DOCUMENT = declare(DocumentType(
    workflow=LETTER, model=OpenLetter, label=_l("Open letter"),
    view="app.views.survey_follow_up:OpenLetterView",
    api="app.views.survey_follow_up:OpenLetterApi",
    menu=_service_menu("Open letters", _l("Open letters"), "fa-envelope-open-o", 62),
    grants={P.ROLE_CS_SUPERVISOR: (P.READ, P.CREATE, P.EDIT, P.PRINT, P.EXPORT),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.CREATE, P.EDIT, P.PRINT, P.EXPORT),
            P.ROLE_OFFICE_DIRECTOR: (P.READ, P.PRINT)},
    policies=(
        Policy("survey_letter.due", N_("Open letter after a survey"),
               "R-SV-8", 14, "calendar_days", 0.7, TO_DIRECTOR_AND_GM, 1440),
        Policy("survey_letter.to_quality", N_("Survey statistics and open letter to Quality"),
               "R-SV-8", 5, "calendar_days", 0.6, TO_DIRECTOR_AND_GM, 1440),
    ),
    print_forms=(
        PrintForm("survey_open_letter", N_("Open letter to residents"),
                  "print/survey_open_letter.html", "R-SV-8", extra=letter_values),
    ),
    pages=(
        # R-SV-10: closed surveys and their raw questionnaires; only admins purge.
        Page("app.views.survey_follow_up:SurveyArchiveView",
             Menu("Survey archive", _l("Survey archive"), "fa-archive", P.MENU_ADMIN,
                  _l("Administration")),
             opens=(P.READ, P.SURVEY_ARCHIVE)),
    ),
))

ACTION_DOCUMENT = declare(DocumentType(
    workflow=ACTION, model=CorrectiveAction, label=_l("Corrective action"),
    view="app.views.survey_follow_up:CorrectiveActionView",
    api="app.views.survey_follow_up:CorrectiveActionApi",
    menu=_service_menu("Corrective actions", _l("Corrective actions"), "fa-wrench", 63),
    grants={P.ROLE_CS_SUPERVISOR: (P.READ, P.CREATE, P.EXPORT),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.CREATE, P.EXPORT),
            P.ROLE_OFFICE_DIRECTOR: (P.READ,),
            P.ROLE_DEPARTMENT_HEAD: (P.READ,), P.ROLE_TECHNICIAN: (P.READ,),
            P.ROLE_FRONT_DESK_AGENT: (P.READ,), P.ROLE_PROPERTY_OFFICER: (P.READ,)},
    policies=(
        Policy("survey_action.due", N_("Corrective action after a survey"),
               "R-SV-9", 30, "calendar_days", 0.8, TO_HEAD_AND_UP, 1440),
        Policy("revisit.corrective_action", N_("Revisit of a survey corrective action"),
               "R-SV-9", 7, "calendar_days", 0.8, TO_HANDLER_AND_UP, 480),
    ),
))


__all__ = ["ACTION", "LETTER", "Issue", "PurgeRefused", "concentrated_issues", "kept_until",
           "purge_questionnaires", "purgeable", "surveys_cli", "unsatisfied_items"]
