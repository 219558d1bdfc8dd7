"""Pages and API of a survey's follow-up (R-SV-8..10): open letters, corrective actions and
the archive where an administrator purges raw questionnaires past their retention. Thin:
registration and steps go through the engine, the purge through its service."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, current_app, flash, redirect, url_for
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.exceptions import BadRequest
from wtforms.validators import DataRequired

from app.models.base import local_now
from app.models.org import Department, Estate
from app.models.survey import Survey, item_label
from app.models.survey_follow_up import CorrectiveAction, OpenLetter
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import apply_scope, current_scope
from app.views.base import ScopedModelView, scoped
from app.views.confirmations import counted
from app.views.service_record import document_link, document_links
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.engine import WorkflowError
from app.workflows.survey_follow_up import (
    ACTION,
    LETTER,
    concentrated_issues,
    purge_questionnaires,
    unsatisfied_items,
)
from app.workflows.survey_scoring import percent

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "survey": _l("Survey"), "title": _l("Title"), "body": _l("Letter"),
    "issues": _l("Issues the letter answers"), "drafted_by": _l("Drafted by"),
    "submitted_at": _l("Submitted at"), "approved_at": _l("Approved at"),
    "approved_by": _l("Approved by"), "posted_at": _l("Posted at"),
    "sent_to_quality_at": _l("Sent to Quality at"), "item_key": _l("Item"),
    "item_text": _l("Item"), "estate": _l("Estate"), "unit": _l("Unit"),
    "department": _l("Department"), "registering_department": _l("Raised by department"),
    "owner": _l("Owner"), "unsatisfied": _l("Unsatisfied answers"),
    "rate": _l("Satisfaction"), "issue": _l("Issue"), "due_date": _l("Due date"),
    "measure": _l("Measure taken"), "corrected_at": _l("Corrected at"),
    "verified_at": _l("Verified at"), "verified_by": _l("Verified by"),
    "raised_by": _l("Raised by"), "revisits": _l("Revisits"), "version": _l("Version"),
    "office": _l("Management office"), "closed_at": _l("Closed at"),
}


def _rate(value: Any) -> str:
    return percent(Decimal(value)) if value not in (None, "") else ""


def _draft_only(item: OpenLetter) -> None:
    """A letter is changed while it is a draft; afterwards it is what was approved."""
    if item.state != "draft":
        raise BadRequest(description=_("Only a draft letter can be changed; return it to "
                                        "draft first."))


class OpenLetterView(WorkflowModelView):
    """Open letters to residents (R-SV-8): drafted, approved by the management
    representative, posted, then sent with the statistics to Quality."""

    datamodel = documents(OpenLetter)
    workflow = LETTER
    class_permission_name = P.OPEN_LETTER
    list_columns = ["number", "survey", "title", "posted_at", "state_label"]
    search_columns = ["number", "survey", "title", "state", "posted_at"]
    order_columns = ["number", "posted_at"]
    base_order = ("id", "desc")
    add_columns = ["survey", "title", "body", "issues"]
    edit_columns = ["title", "body", "issues"]
    show_fieldsets = [
        (_l("Open letter"), {"fields": [
            "number", "state_label", "survey", "title", "body", "issues", "drafted_by",
            "submitted_at", "approved_by", "approved_at", "posted_at",
            "sent_to_quality_at"]}),
    ]
    description_columns = {
        "survey": _l("A survey whose collection is closed."),
        "issues": _l("One issue a line. Leave empty to take the concentrated issues of the "
                     "survey's results."),
    }
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Open letters")
    document_label = _l("Open letter")
    export_columns = ["number", "survey.number", "title", "posted_at", "state_label"]

    def __init__(self, **kwargs: Any) -> None:
        self.method_permission_name = {**self.method_permission_name, "survey": "read"}
        super().__init__(**kwargs)

    def pre_update(self, item: OpenLetter) -> None:
        super().pre_update(item)
        _draft_only(item)

    @expose("/survey/<int:pk>", methods=["GET"])
    @has_access
    def survey(self, pk: int):
        """A survey's follow-up at a glance: the concentrated issues its letter should
        answer (R-SV-8), the unsatisfied items per estate that can become corrective
        actions (R-SV-9), and the letters and actions so far."""
        session = self.datamodel.session
        survey = scoped(Survey).get(pk)
        if survey is None:
            abort(404)
        locale = str(get_locale() or "en")
        labels = {i["key"]: item_label(i, locale) for i in survey.items or []}
        estates = dict(session.execute(select(Estate.id, Estate.name)).all())
        return self.render_template(
            "survey_follow_up/survey.html", survey=survey, labels=labels, percent=percent,
            issues=concentrated_issues(session, survey) if survey.results else [],
            unsatisfied=[(estates.get(e, e), labels.get(k, k), n, r)
                         for e, k, n, r in unsatisfied_items(survey)],
            letters=session.scalars(apply_scope(
                select(OpenLetter).where(OpenLetter.survey_id == survey.id)
                .order_by(OpenLetter.id), OpenLetter)).all(),
            actions=session.scalars(apply_scope(
                select(CorrectiveAction).where(CorrectiveAction.survey_id == survey.id)
                .order_by(CorrectiveAction.id), CorrectiveAction)).all(),
            title=_("Follow-up of survey %(number)s", number=survey.number))


class OpenLetterApi(WorkflowRestApi):
    resource_name = "survey_open_letter"
    datamodel = documents(OpenLetter)
    workflow = LETTER
    class_permission_name = P.OPEN_LETTER
    list_columns = ["id", "number", "state", "version", "survey.id", "survey.number",
                    "title", "posted_at"]
    show_columns = list_columns + [
        "body", "issues", "drafted_by.id", "submitted_at", "approved_at", "approved_by.id",
        "sent_to_quality_at"]
    add_columns = ["survey", "title", "body", "issues"]
    edit_columns = ["title", "body", "issues"]
    order_columns = ["id", "number", "posted_at"]

    def pre_update(self, item: OpenLetter) -> None:
        super().pre_update(item)
        _draft_only(item)


def _office_departments():
    """Departments of the offices the person works in: an action goes to the department
    that must act (Engineering, Environment…), not only to the raiser's own."""
    scope = current_scope()
    query = current_app.appbuilder.session.query(Department).order_by(Department.name)
    return query if scope.unrestricted else query.filter(
        Department.office_id.in_(scope.office_ids))


def _check_action_links(check: Any, item: CorrectiveAction) -> None:
    """The usual check of posted links, except the department: it need not be one of the
    raiser's own departments; `prepare_action` checks that it belongs to the office of the
    estate, which must be in the raiser's scope (R-ORG-4)."""
    department = item.department
    item.department = None
    try:
        check(item)
    finally:
        item.department = department


class CorrectiveActionView(WorkflowModelView):
    """Corrective actions (R-SV-9): one unsatisfied item of one estate, with an owner, a
    department and a due date; corrected, it gets a targeted revisit."""

    datamodel = documents(CorrectiveAction)
    workflow = ACTION
    class_permission_name = P.CORRECTIVE_ACTION
    list_columns = ["number", "survey", "estate", "item_text", "department", "owner",
                    "due_date", "state_label"]
    search_columns = ["number", "survey", "estate", "item_key", "department", "owner",
                      "state", "due_date"]
    order_columns = ["number", "due_date"]
    base_order = ("id", "desc")
    add_columns = ["survey", "estate", "item_key", "unit", "department", "owner", "due_date",
                   "issue"]
    edit_columns = ["issue"]
    add_form_extra_fields = {
        "department": QuerySelectField(_l("Department"), query_func=_office_departments,
                                       get_pk_func=lambda d: d.id,
                                       widget=Select2Widget(),
                                       validators=[DataRequired()]),
    }
    show_fieldsets = [
        (_l("Corrective action"), {"fields": [
            "number", "state_label", "survey", "estate", "item_text", "unit", "unsatisfied",
            "rate", "issue", "department", "owner", "due_date", "raised_by",
            "registering_department"]}),
        (_l("Correction"), {"after": ("correct",), "fields": [
            "measure", "corrected_at", "revisits", "verified_by", "verified_at"]}),
    ]
    description_columns = {
        "item_key": _l("The item's key in the survey's questionnaire, e.g. water."),
        "issue": _l("Leave empty to describe it from the survey's results."),
    }
    formatters_columns = {"rate": _rate, "revisits": document_links, "survey": document_link}
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Corrective actions")
    document_label = _l("Corrective action")
    export_columns = ["number", "survey.number", "estate.name", "item_text",
                      "department.name", "owner", "due_date", "state_label"]

    def pre_add(self, item: CorrectiveAction) -> None:
        _check_action_links(super().pre_add, item)


class CorrectiveActionApi(WorkflowRestApi):
    resource_name = "survey_corrective_action"
    datamodel = documents(CorrectiveAction)
    workflow = ACTION
    class_permission_name = P.CORRECTIVE_ACTION
    list_columns = ["id", "number", "state", "version", "survey.id", "survey.number",
                    "estate.id", "estate.name", "item_key", "department.id", "owner.id",
                    "due_date"]
    show_columns = list_columns + [
        "unit.id", "unsatisfied", "rate", "issue", "measure", "corrected_at", "verified_at",
        "verified_by.id", "raised_by.id", "registering_department.id"]
    add_columns = ["survey", "estate", "item_key", "unit", "department", "owner", "due_date",
                   "issue"]
    edit_columns = ["issue"]
    order_columns = ["id", "number", "due_date"]

    def pre_add(self, item: CorrectiveAction) -> None:
        _check_action_links(super().pre_add, item)


class SurveyArchiveView(ScopedModelView):
    """Closed surveys and their raw questionnaires (R-SV-10): kept for the retention period
    after the survey closes (Settings), then an administrator may purge the answers and
    comments. The survey's results and statistics stay."""

    datamodel = scoped(Survey)
    class_permission_name = P.SURVEY_ARCHIVE
    base_permissions = [P.READ, P.PURGE_QUESTIONNAIRES[0]]
    method_permission_name = {**P.VIEW_METHOD_PERMISSIONS, "purge": "purge"}
    base_filters = [["state", FilterEqual, "closed"]]
    list_columns = ["number", "title", "office", "closed_at"]
    show_columns = ["number", "title", "office", "period_start", "period_end", "closed_at",
                    "overall_rate"]
    search_columns = ["number", "title", "office", "closed_at"]
    base_order = ("closed_at", "asc")
    formatters_columns = {"overall_rate": _rate}
    label_columns = {**LABELS, "title": _l("Title"), "period_start": _l("Period from"),
                     "period_end": _l("Period to"), "overall_rate": _l("Overall satisfaction")}
    list_title = show_title = _l("Survey archive")

    @action("purge", _l("Purge raw questionnaires"),
            counted(_l("Clear the answers and comments of this survey's questionnaires? "
                       "Its results stay."),
                    _l("Clear the answers and comments of the questionnaires of "
                       "%(count)d surveys? Their results stay.")), "fa-eraser")
    def purge(self, items: Any):
        items = items if isinstance(items, list) else [items]
        session = self.datamodel.session
        actor, now = Actor.current(), local_now()
        done = []
        try:
            for survey in items:
                done.append((survey.number, purge_questionnaires(session, survey,
                                                                 actor=actor, now=now)))
        except WorkflowError as refusal:
            session.rollback()
            flash(refusal.message, "danger")
            return redirect(url_for(f"{self.__class__.__name__}.list"))
        for number, forms in done:
            flash(_("Survey %(number)s: %(n)d questionnaires purged.", number=number, n=forms),
                  "success")
        return redirect(url_for(f"{self.__class__.__name__}.list"))
