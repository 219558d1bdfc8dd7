"""Demo satisfaction surveys (R-SV): last spring's survey of the first office, reported and
closed, and this season's, collecting answers, so both the running page (recovery against
its target) and a report with rates can be tried. Acted by the demo's own people through
the workflow engine."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from app.demo.desk import Desk, _demo_documents
from app.demo.load import Load
from app.models.org import Estate
from app.models.survey import Questionnaire, Survey, SurveyForm
from app.workflows.survey import record_answers

# Mostly satisfied residents, some unhappy with water and repairs (codes of R-SV-5).
_ANSWERS = ("very_satisfied",) * 3 + ("satisfied",) * 5 + ("fairly_satisfied",) * 2 + (
    "unsatisfied", "no_answer")


def demo_surveys(load: Load) -> None:
    session = load.session
    _demo_documents(load, "satisfaction surveys",
                    lambda: session.scalar(select(Survey.id).limit(1)) is None,
                    _surveys, (Survey, SurveyForm))


def _surveys(desk: Desk) -> None:
    session = desk.session
    questionnaire = session.scalar(select(Questionnaire).order_by(Questionnaire.id).limit(1))
    supervisor = desk.actor("cs_supervisor")
    estates = list(session.scalars(
        select(Estate).where(Estate.id.in_(supervisor.scope.estate_ids),
                             Estate.kind == "residential").order_by(Estate.id)))
    if questionnaire is None or not estates:
        return
    office_id = estates[0].office_id
    estates = [e for e in estates if e.office_id == office_id]
    rng = random.Random(2026)
    today = desk.now.date()

    def survey(title: str, start: date, days_ago: int, finish: bool) -> None:
        doc = Survey(title=title, kind="independent", preset="default", office_id=office_id,
                     estates=estates, questionnaire=questionnaire, method="questionnaire",
                     purpose="了解业主对各项物业服务的满意程度，找出需要改进的方面。",
                     period_start=start, period_end=start + timedelta(days=45),
                     staff="客服主管、客服专员", statistics_method="各项满意率的算术平均",
                     support_work="工程部、保安部配合入户发放")
        desk.create(doc, "cs_supervisor", desk.day(days_ago, 9))
        desk.step(doc, "submit", "cs_supervisor", desk.day(days_ago, 10))
        desk.step(doc, "approve", "deputy_gm", desk.day(days_ago - 1, 11))
        desk.step(doc, "receive_forms", "cs_supervisor", desk.day(days_ago - 2, 9))
        desk.step(doc, "distribute", "cs_supervisor", desk.day(days_ago - 3, 16))
        forms = session.scalars(select(SurveyForm).where(SurveyForm.survey_id == doc.id)
                                .order_by(SurveyForm.id)).all()
        share = 0.85 if finish else 0.55
        keys = [item["key"] for item in doc.items]
        for n, form in enumerate(forms):
            if rng.random() > share:
                continue
            answers = {k: rng.choice(_ANSWERS) for k in keys}
            record_answers(form, answers, channel="online" if n % 3 == 0 else "paper",
                           session=session, actor=desk.actor("cs_supervisor"),
                           now=desk.day(max(days_ago - 5, 1), 10 + n % 8))
        if finish:
            desk.step(doc, "close_collection", "cs_supervisor", desk.day(days_ago - 14, 17))
            desk.step(doc, "publish", "cs_supervisor", desk.day(days_ago - 16, 15),
                      analysis="供水和维修服务满意率偏低，主要反映为高峰期水压不足、维修预约等待时间长。",
                      improvements="更换二次供水加压泵；维修预约改为两小时内回复。")
            desk.step(doc, "close", "cs_supervisor", desk.day(days_ago - 20, 10))

    survey(f"{today.year} 年上半年顾客满意度调查", today - timedelta(days=200), 190, True)
    survey(f"{today.year} 年下半年顾客满意度调查", today - timedelta(days=12), 6, False)
