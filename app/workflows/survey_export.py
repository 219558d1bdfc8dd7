"""A survey's results as a workbook (R-SV-7): the statistics table 顾客满意率统计表 and the
raw answers, in the reader's language. Only once the collection is closed: interviewers
do not see running results (R-SV-10). Phones are never exported here."""
from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.org import Estate
from app.models.survey import Survey, SurveyForm, item_label
from app.workflows.survey_scoring import percent

ANSWER_WORDS = {
    "very_satisfied": "Very satisfied", "satisfied": "Satisfied",
    "fairly_satisfied": "Fairly satisfied", "unsatisfied": "Unsatisfied",
    "very_unsatisfied": "Very unsatisfied", "no_answer": "No answer",
}


def _rate(value: Any) -> str:
    return percent(Decimal(value)) if value is not None else ""


def workbook(session: Session, survey: Survey, locale: str) -> bytes:
    """The two sheets as .xlsx bytes."""
    results = survey.results or {}
    labels = {item["key"]: item_label(item, locale) for item in survey.items or []}
    book = Workbook()
    table = book.active
    table.title = _("Statistics")[:31]
    table.append([f"{survey.number} {survey.title}"])
    table["A1"].font = Font(bold=True)
    table.append([_("Distributed"), results.get("distributed"), _("Returned"),
                  results.get("returned"), _("Valid questionnaires"),
                  results.get("questionnaires")])
    table.append([_("Overall satisfaction"), _rate(results.get("overall")),
                  _("Qualified") if results.get("qualified") else _("Not qualified")])
    table.append([])
    header = [_("Item"), _("Satisfied"), _("Unsatisfied"), _("No answer"), _("Satisfaction")]
    table.append(header)
    for item in results.get("items", []):
        table.append([labels.get(item["key"], item["key"]), item["satisfied"],
                      item["unsatisfied"], item["no_answer"], _rate(item["rate"])])
    names = dict(session.execute(select(Estate.id, Estate.name)).all())
    for estate_id, summary in results.get("estates", {}).items():
        table.append([])
        table.append([names.get(int(estate_id), estate_id), _("Overall satisfaction"),
                      _rate(summary.get("overall")), _("Valid questionnaires"),
                      summary.get("questionnaires")])
        table.append(header)
        for item in summary.get("items", []):
            table.append([labels.get(item["key"], item["key"]), item["satisfied"],
                          item["unsatisfied"], item["no_answer"], _rate(item["rate"])])

    raw = book.create_sheet(_("Answers")[:31])
    keys = [item["key"] for item in survey.items or []]
    raw.append([_("Code"), _("Estate"), _("Unit"), _("Returned by"), _("Returned at"),
                *[labels[k] for k in keys], _("Comments")])
    words = {code: _(word) for code, word in ANSWER_WORDS.items()}
    forms = session.scalars(select(SurveyForm).where(SurveyForm.survey_id == survey.id,
                                                     SurveyForm.state == "returned")
                            .order_by(SurveyForm.estate_id, SurveyForm.unit_id))
    for form in forms:
        answers = form.answers or {}
        raw.append([form.code, str(form.estate), form.unit.number, form.channel_label,
                    form.returned_at, *[words.get(answers.get(k), "") for k in keys],
                    form.feedback or ""])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
