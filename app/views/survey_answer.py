"""The resident's side of a survey (R-SV-4): the QR code on a questionnaire opens this page
on a phone, without signing in, in the resident's language. The code is the only key: it
opens its own household's copy, answers it once, and only while the survey collects. No
page shows answers already given, so a code can never be used to read them."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import get_locale
from flask_babel import gettext as _

from app.extensions import db
from app.models.base import local_now
from app.models.survey import item_label
from app.workflows.registry import N_
from app.workflows.survey import (
    AnswerError,
    collection_due,
    form_by_code,
    record_answers,
)
from app.workflows.survey_scoring import ANSWERS

ANSWER_LABELS = (N_("Very satisfied"), N_("Satisfied"), N_("Fairly satisfied"),
                 N_("Unsatisfied"), N_("Very unsatisfied"), N_("No answer"))


class SurveyAnswerView(BaseView):
    route_base = "/s"
    default_view = "answer"

    @expose("/<code>", methods=["GET", "POST"])
    def answer(self, code: str):
        session = db.session
        now = local_now()
        form, status = form_by_code(session, code, now)
        if status == "unknown":
            return self._page(None, "unknown", status=404)
        if status != "open":
            return self._page(form, status)
        chosen = request.form.to_dict() if request.method == "POST" else {}
        errors: dict[str, str] = {}
        if request.method == "POST":
            keys = [item["key"] for item in form.survey.items or []]
            missing = [k for k in keys if not chosen.get(k)]
            try:
                if missing:
                    raise AnswerError(_("Please choose an answer for every item "
                                        "(\"No answer\" is one of them)."),
                                      {k: _("Choose an answer.") for k in missing})
                record_answers(form, {k: chosen[k] for k in keys}, channel="online",
                               session=session, actor=None, now=now,
                               feedback=(chosen.get("feedback") or "")[:2000])
            except AnswerError as error:
                errors = {"__all__": error.message, **error.errors}
            else:
                return redirect(url_for("SurveyAnswerView.answer", code=form.code,
                                        _l_=str(get_locale() or "zh_Hans")))
        return self._page(form, "open", chosen=chosen, errors=errors,
                          status=400 if errors else 200)

    def _page(self, form, status_name: str, chosen=None, errors=None, status: int = 200):
        locale = str(get_locale() or "zh_Hans")
        survey = form.survey if form is not None else None
        items = [{"key": i["key"], "label": item_label(i, locale)}
                 for i in (survey.items or [])] if survey is not None else []
        due = collection_due(db.session, survey) if survey is not None else None
        body = self.render_template(
            "survey/answer.html", form=form, survey=survey, state=status_name, items=items,
            answers=list(zip(ANSWERS, [_(label) for label in ANSWER_LABELS])),
            chosen=chosen or {}, errors=errors or {}, due=due, locale=locale)
        return body, status
