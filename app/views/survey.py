"""Satisfaction survey pages and API (R-SV): the plan and its approval go through the
engine; the detail page shows the sample per estate, the live recovery rate against its
target (R-SV-4) and, once collection closes, the rates (R-SV-5). Interviewers do not see
running results: rates appear only after the collection is closed (R-SV-10)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from wtforms.fields import SelectField

from app import charts
from app.models.base import local_now
from app.models.survey import (
    METHODS,
    PRESETS,
    SURVEY_KINDS,
    Questionnaire,
    Survey,
    SurveyForm,
    item_label,
)
from app.security import permissions as P
from app.security.actor import Actor
from app.views.base import ScopedModelView, scoped
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.engine import WorkflowError
from app.workflows.registry import N_
from app.workflows.survey import (
    SURVEY,
    entry_counts,
    entry_form,
    estates_summary,
    recent_entries,
    record_answers,
    recovery,
    report_of,
    save_items,
)
from app.workflows.survey_export import workbook
from app.workflows.survey_print import levels_of
from app.workflows.survey_scoring import DigitsError, parse_digits, percent

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "title": _l("Title"), "kind": _l("Kind"), "kind_label": _l("Kind"),
    "preset": _l("Procedure"), "preset_label": _l("Procedure"), "office": _l("Management office"),
    "estates": _l("Estates"), "purpose": _l("Purpose and scope"), "method": _l("Method"),
    "method_label": _l("Method"), "period_start": _l("Period from"), "period_end": _l("Period to"),
    "staff": _l("Staff"), "statistics_method": _l("Statistics method"),
    "support_work": _l("Support work"), "questionnaire": _l("Questionnaire"),
    "questionnaire_version": _l("Questionnaire version"), "drafted_by": _l("Drafted by"),
    "submitted_at": _l("Submitted at"), "reviewed_at": _l("Reviewed at"),
    "approved_at": _l("Approved at"), "approved_by": _l("Approved by"),
    "forms_received_at": _l("Forms received at"), "seed": _l("Sample seed"),
    "distributed_at": _l("Distributed at"), "collection_closed_at": _l("Collection closed at"),
    "overall_rate": _l("Overall satisfaction"), "analysis": _l("Analysis"),
    "improvements": _l("Improvements"), "reported_at": _l("Reported at"),
    "closed_at": _l("Closed at"), "version": _l("Version"),
}


def _rate(value: Any) -> str:
    return percent(Decimal(value)) if value not in (None, "") else ""


class SurveyView(WorkflowModelView):
    """Plans drafted by customer service or quality, reviewed (ISO) and approved, then run
    from sampling to the report."""

    datamodel = documents(Survey)
    workflow = SURVEY
    class_permission_name = P.SURVEY
    show_template = "survey/show.html"
    list_columns = ["number", "title", "kind_label", "office", "period_start", "period_end",
                    "overall_rate", "state_label"]
    search_columns = ["number", "title", "kind", "preset", "office", "estates", "state",
                      "period_start"]
    order_columns = ["number", "period_start"]
    base_order = ("id", "desc")
    add_columns = ["title", "kind", "preset", "office", "estates", "purpose", "method",
                   "period_start", "period_end", "staff", "statistics_method", "support_work",
                   "questionnaire"]
    edit_columns = add_columns
    show_fieldsets = [
        (_l("Survey plan"), {"fields": [
            "number", "state_label", "title", "kind_label", "preset_label", "office",
            "estates", "purpose", "method_label", "period_start", "period_end", "staff",
            "statistics_method", "support_work", "questionnaire", "questionnaire_version",
            "drafted_by", "submitted_at", "reviewed_at", "approved_by", "approved_at"]}),
        (_l("Running the survey"), {"after": ("receive_forms",), "fields": [
            "forms_received_at", "seed", "distributed_at", "collection_closed_at"]}),
        (_l("Report"), {"after": ("close_collection",), "fields": [
            "overall_rate", "analysis", "improvements", "reported_at", "closed_at"]}),
    ]
    add_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=list(SURVEY_KINDS.items()),
                            default="independent"),
        "preset": SelectField(_l("Procedure"), choices=list(PRESETS.items()), default="default"),
        "method": SelectField(_l("Method"), choices=list(METHODS.items()),
                              default="questionnaire"),
    }
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "preset": _l("ISO: the office director reviews the plan before the company "
                     "approves it; samples follow the ISO rates."),
        "estates": _l("Estates of the survey's management office."),
    }
    formatters_columns = {"overall_rate": _rate}
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Satisfaction surveys")
    document_label = _l("Satisfaction survey")
    export_columns = ["number", "title", "kind_label", "office.name", "period_start",
                      "period_end", "overall_rate", "state_label"]

    def __init__(self, **kwargs: Any) -> None:
        self.method_permission_name = {**self.method_permission_name,
                                       "entry": P.ENTER_ANSWERS[0].removeprefix("can_"),
                                       "xlsx": "export"}
        super().__init__(**kwargs)
        if P.ENTER_ANSWERS[0] not in self.base_permissions:
            self.base_permissions.append(P.ENTER_ANSWERS[0])

    # --- keyboard entry of returned paper forms (R-SV-4) ---------------------------------
    @expose("/entry/<int:pk>", methods=["GET", "POST"])
    @has_access
    def entry(self, pk: int):
        """One screen, one row per questionnaire: the code, then a digit per item; Enter
        saves and the cursor is back on the code. Only counts are shown, never rates
        (interviewers do not see running results, R-SV-10)."""
        survey = self.datamodel.get(pk, self._base_filters)
        if survey is None:
            abort(404)
        session = self.datamodel.session
        keys = [item["key"] for item in survey.items or []]
        values = request.form.to_dict() if request.method == "POST" else {}
        error, status = None, 200
        if request.method == "POST":
            try:
                form = entry_form(session, survey, values.get("code", ""))
                answers = parse_digits(values.get("digits", ""), keys)
                record_answers(form, answers, channel="paper", session=session,
                               actor=Actor.current(), now=local_now(),
                               feedback=values.get("feedback"))
            except DigitsError as problem:
                error, status = digits_message(problem, len(keys)), 400
            except WorkflowError as problem:
                error, status = problem.message, problem.status
            else:
                flash(_("Questionnaire %(code)s saved.", code=form.code), "success")
                return redirect(url_for(f"{self.__class__.__name__}.entry", pk=pk))
        locale = str(get_locale() or "en")
        body = self.render_template(
            "survey/entry.html", survey=survey, counts=entry_counts(session, survey),
            items=[item_label(i, locale) for i in survey.items or []],
            digits=[(d, _(label)) for d, label in DIGIT_LABELS], values=values, error=error,
            recent=recent_entries(session, survey), view_name=self.__class__.__name__)
        return Response(body, status=status)

    @expose("/xlsx/<int:pk>", methods=["GET"])
    @has_access
    def xlsx(self, pk: int):
        """The statistics table and the raw answers as a workbook, once collection is
        closed (R-SV-7, R-SV-10)."""
        survey = self.datamodel.get(pk, self._base_filters)
        if survey is None:
            abort(404)
        if survey.results is None:
            flash(_("The results can be exported once the collection is closed."), "warning")
            return redirect(url_for(f"{self.__class__.__name__}.show", pk=pk))
        body = workbook(self.datamodel.session, survey, str(get_locale() or "en"))
        return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet", headers={
                            "Content-Disposition": f'attachment; filename="{survey.number}.xlsx"',
                            "X-Content-Type-Options": "nosniff"})

    @staticmethod
    def _report(item: Survey, session: Any, locale: str) -> dict[str, Any]:
        report = report_of(session, item, locale)
        return {**report, "charts": report_charts(report)}

    def pre_update(self, item: Survey) -> None:
        """A plan is changed while it is a draft; afterwards it is what was approved."""
        super().pre_update(item)
        if item.state != "draft":
            raise BadRequest(description=_("Only a draft plan can be changed; return it to "
                                            "draft first."))

    def show_extra(self, item: Survey, session: Any) -> dict[str, Any]:
        locale = str(get_locale() or "en")
        results = item.results if item.state in ("scoring", "reported", "closed") else None
        labels = {i["key"]: item_label(i, locale) for i in (item.items or [])}
        return {"survey_estates": estates_summary(session, item),
                "survey_recovery": recovery(session, item) if item.state not in (
                    "draft", "submitted", "awaiting_approval", "approved", "cancelled")
                else None,
                "survey_results": results, "item_labels": labels, "percent": percent,
                "report": self._report(item, session, locale) if results else None,
                "levels": levels_of(session, item) if results else [],
                "can_print_report": item.state in REPORTED and self.appbuilder.sm.has_access(
                    "can_print", P.SURVEY),
                "report_languages": (locale, "zh_Hans" if locale == "en" else "en"),
                "can_export": self.appbuilder.sm.has_access(P.EXPORT, P.SURVEY),
                # One stack of questionnaires per estate once the sample is drawn (R-SV-4).
                "can_print_sample": item.state in ("sampled", "collecting")
                and self.appbuilder.sm.has_access("can_print", P.SURVEY),
                # The open letter and corrective actions follow the results (R-SV-8, R-SV-9).
                "can_follow_up": results is not None and self.appbuilder.sm.has_access(
                    P.READ, P.OPEN_LETTER),
                "can_enter": item.state == "collecting"
                and self.appbuilder.sm.has_access(*P.ENTER_ANSWERS),
                "as_decimal": lambda v: Decimal(v) if v is not None else None}


REPORTED = ("reported", "closed")  # the report is printed once published (R-SV-7)

DIGIT_LABELS = (("1", N_("Very satisfied")), ("2", N_("Satisfied")),
                ("3", N_("Fairly satisfied")), ("4", N_("Unsatisfied")),
                ("5", N_("Very unsatisfied")), ("0", N_("No answer")))


def digits_message(problem: DigitsError, expected: int) -> str:
    """A typing mistake worded for the person at the keyboard, in their language."""
    if problem.character is not None:
        return _("Position %(n)d: \"%(c)s\" is not an answer digit (0 to 5).",
                 n=problem.position, c=problem.character)
    if problem.item is not None:
        return _("Only %(got)d digits typed; the questionnaire has %(expected)d items.",
                 got=problem.got, expected=expected)
    return _("%(got)d digits typed; the questionnaire has only %(expected)d items.",
             got=problem.got, expected=expected)


def report_charts(report: dict[str, Any]) -> dict[str, Any]:
    """The report's charts as SVG with the page's titles (R-SV-7; the PDF draws the same)."""
    return charts.report_charts(report, {
        "items": _("Satisfaction per item"), "estates": _("Overall satisfaction per estate"),
        "trend": _("Overall satisfaction over time"),
        "offices": _("Management offices compared this year")})


class SurveyApi(WorkflowRestApi):
    resource_name = "survey"
    datamodel = documents(Survey)
    workflow = SURVEY
    class_permission_name = P.SURVEY
    list_columns = ["id", "number", "state", "version", "title", "kind", "preset",
                    "office.id", "office.name", "period_start", "period_end", "overall_rate"]
    show_columns = list_columns + [
        "purpose", "method", "staff", "statistics_method", "support_work",
        "questionnaire.id", "questionnaire_version", "items", "seed", "forms_received_at",
        "distributed_at", "collection_closed_at", "results", "analysis", "improvements",
        "reported_at", "closed_at"]
    add_columns = ["title", "kind", "preset", "office", "estates", "purpose", "method",
                   "period_start", "period_end", "staff", "statistics_method", "support_work",
                   "questionnaire"]
    edit_columns = add_columns
    order_columns = ["id", "number", "period_start"]


class SurveyFormView(ScopedModelView):
    """The sample list (R-SV-3): one questionnaire per sampled household with its code;
    printable and exportable. Answers are not shown here (R-SV-10)."""

    datamodel = scoped(SurveyForm)
    class_permission_name = P.SURVEY
    base_permissions = ["can_read", "can_export"]
    list_columns = ["survey", "estate", "unit", "resident", "code", "state_label",
                    "channel_label", "returned_at"]
    show_columns = list_columns  # never the answers or comments (R-SV-10)
    search_columns = ["survey", "estate", "code", "state", "channel"]
    base_order = ("id", "asc")
    label_columns = {"survey": _l("Survey"), "estate": _l("Estate"), "unit": _l("Unit"),
                     "resident": _l("Resident"), "code": _l("Code"),
                     "state_label": _l("State"), "channel_label": _l("Returned by"),
                     "returned_at": _l("Returned at"), "state": _l("State"),
                     "channel": _l("Returned by")}
    list_title = show_title = _l("Survey questionnaires")
    export_columns = ["survey.number", "estate.name", "unit.number", "resident.name", "code",
                      "state_label", "channel_label", "returned_at"]


class QuestionnaireView(ScopedModelView):
    """Questionnaires (R-SV-6): the items residents rate, in three languages. The items
    are edited on a page of their own, a row per item (no JSON typing); each save is a
    new version, and running surveys keep the copy they were approved with."""

    datamodel = scoped(Questionnaire)
    class_permission_name = P.QUESTIONNAIRE
    show_template = "survey/questionnaire_show.html"
    list_columns = ["name", "version", "updated_at"]
    show_columns = ["name", "version", "updated_at"]
    add_columns = edit_columns = ["name"]
    label_columns = {"name": _l("Name"), "version": _l("Version"), "items": _l("Items"),
                     "updated_at": _l("Last changed"), "created_at": _l("Created at")}
    list_title = show_title = add_title = edit_title = _l("Questionnaires")

    def __init__(self, **kwargs: Any) -> None:
        self.method_permission_name = {**self.method_permission_name, "items": "edit"}
        super().__init__(**kwargs)

    def pre_update(self, item: Questionnaire) -> None:
        """Every change is a new version; running surveys keep the items they started with."""
        super().pre_update(item)
        item.version = (item.version or 0) + 1

    def _questionnaire(self, pk: Any) -> Questionnaire:
        item = self.datamodel.get(int(pk), self._base_filters) if str(pk).isdigit() else None
        if item is None:
            abort(404)
        return item

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """FAB's detail page, with the items as a table and the way to edit them."""
        item = self._questionnaire(pk)
        widgets = self._show(item.id)
        locale = str(get_locale() or "en")
        return self.render_template(
            self.show_template, pk=item.id, title=self.show_title, widgets=widgets,
            related_views=self._related_views, questionnaire=item, locale=locale,
            can_edit=self.appbuilder.sm.has_access("can_edit", P.QUESTIONNAIRE),
            view_name=self.__class__.__name__)

    @expose("/items/<pk>", methods=["GET", "POST"])
    @has_access
    def items(self, pk):
        """The item editor: one row per item with its key, its labels in the three
        languages and its order; rows are added, removed and moved up or down. Errors are
        shown at the field, with what was typed kept."""
        item = self._questionnaire(pk)
        rows = [dict(i) for i in item.items or []]
        errors: dict[str, str] = {}
        message, status = None, 200
        version = item.version
        if request.method == "POST":
            rows, version = posted_rows(request.form), request.form.get("version")
            try:
                save_items(self.datamodel.session, item, rows, version)
            except WorkflowError as problem:
                message, status, errors = problem.message, problem.status, dict(problem.errors)
            else:
                flash(_("Items saved: the questionnaire is now version %(version)d.",
                        version=item.version), "success")
                return redirect(url_for(f"{self.__class__.__name__}.show", pk=item.id))
        body = self.render_template(
            "survey/questionnaire_items.html", questionnaire=item, rows=rows,
            errors=errors, message=message, version=version,
            languages=(("zh_Hans", "简体中文"), ("zh_Hant", "繁體中文"), ("en", "English")),
            view_name=self.__class__.__name__, title=_("Questionnaire items"))
        return Response(body, status=status)


def posted_rows(form: Any) -> list[dict[str, str]]:
    """The item rows of the editor's form (`items-<n>-<field>`), in the order posted."""
    indices = sorted({int(name.split("-")[1]) for name in form
                      if name.startswith("items-") and name.count("-") == 2
                      and name.split("-")[1].isdigit() and len(name.split("-")[1]) < 4})
    return [{field: form.get(f"items-{n}-{field}", "")
             for field in ("key", "zh_Hans", "zh_Hant", "en", "order", "remove")}
            for n in indices]
