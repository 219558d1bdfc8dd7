"""Satisfaction surveys (R-SV-1..7): every transition of the survey workflow walked by the
people who take it, through the REST API and the real access layer; sampling, answers,
scoring and the recovery rate on the stored survey; scope and refusals."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import DeadlinePolicy, DeadlineTimer
from app.models.base import local_now
from app.models.survey import (
    DEFAULT_ITEMS,
    Questionnaire,
    Survey,
    SurveyEstate,
    SurveyForm,
)
from app.security.actor import Actor
from app.workflows.survey import AnswerError, record_answers, recovery

API = "/api/v1/survey/"
KEYS = [item["key"] for item in DEFAULT_ITEMS]


@pytest.fixture
def seeded(app, db_session):
    from app.models.settings import seed_settings
    from app.workflows.calendar import seed_calendar
    from app.workflows.deadlines import seed_policies

    seed_policies(db_session)
    seed_settings(db_session)
    year = local_now().year
    seed_calendar(db_session, regions=("mainland",), years=sorted({2026, year, year + 1}))
    db_session.add(Questionnaire(name="Survey test questionnaire",
                                 items=[dict(i) for i in DEFAULT_ITEMS]))
    db_session.commit()
    return db_session


def questionnaire_id(session) -> int:
    return session.scalar(select(Questionnaire.id)
                          .where(Questionnaire.name == "Survey test questionnaire"))


def plan(api, world, session, preset="default", **extra) -> int:
    response = api.post(API, json={
        "title": "2026 annual survey", "kind": "independent", "preset": preset,
        "office": world.office_a, "estates": [world.estate_a],
        "purpose": "Satisfaction of the residents of Estate A", "method": "questionnaire",
        "period_start": "2026-11-01", "period_end": "2026-12-15",
        "questionnaire": questionnaire_id(session), **extra})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def take(api, pk, name, data=None, comment=None, expect=200):
    version = api.get(f"{API}{pk}").json["result"]["version"]
    response = api.post(f"{API}{pk}/transition/{name}",
                        json={"version": version, "data": data or {}, "comment": comment})
    assert response.status_code == expect, (name, response.get_data(as_text=True))
    return response


def state(api, pk) -> str:
    return api.get(f"{API}{pk}").json["result"]["state"]


def answers(value: str, **overrides) -> dict[str, str]:
    return {**{k: value for k in KEYS}, **overrides}


def test_the_company_procedure_from_plan_to_closing(app, world, api_as, seeded):
    """Draft → submitted for approval → returned → approved (R-SV-2) → sample (R-SV-3) →
    distributed → answers → collection closed with rates (R-SV-5) → report → closed."""
    supervisor, deputy = api_as("supervisor_a"), api_as("deputy")
    pk = plan(supervisor, world, seeded)
    assert state(supervisor, pk) == "draft"
    take(supervisor, pk, "submit")
    assert state(supervisor, pk) == "awaiting_approval"  # no review step outside ISO
    take(deputy, pk, "return", expect=400)  # a reason is required
    take(deputy, pk, "return", comment="Add the staff")
    take(supervisor, pk, "submit")
    take(supervisor, pk, "approve", expect=403)  # the company approves, not the drafter
    take(deputy, pk, "approve")
    survey = seeded.get(Survey, pk)
    assert survey.items == [dict(i) for i in DEFAULT_ITEMS] and survey.approved_by_id

    take(supervisor, pk, "receive_forms")
    seeded.expire_all()
    survey = seeded.get(Survey, pk)
    forms = survey.forms
    # Estate A: 2 households, moved in 2015 (established): ceil(2 × 15 %) = 1 (R-SV-3).
    link = seeded.scalar(select(SurveyEstate).where(SurveyEstate.survey_id == pk))
    assert (link.households, link.occupied_units, link.required, link.sampled) == (2, 2, 1, 1)
    assert len(forms) == 1 and len(forms[0].code) == 10 and survey.seed is not None
    assert forms[0].unit_id in (world.unit_a, world.unit2_a)
    form_id = forms[0].id
    timers = seeded.scalars(select(DeadlinePolicy.key).join(DeadlineTimer).where(
        DeadlineTimer.doc_type == "survey", DeadlineTimer.doc_id == pk)).all()
    assert timers == ["survey.distribution"]

    take(supervisor, pk, "close_collection", expect=409)  # not collecting yet
    take(supervisor, pk, "distribute")
    take(supervisor, pk, "close_collection", expect=400)  # nothing returned
    record_answers(seeded.get(SurveyForm, form_id),
                   answers("satisfied", water="unsatisfied", power="no_answer"),
                   channel="paper", session=seeded, actor=Actor.system(), now=local_now())
    seeded.commit()
    survey = seeded.get(Survey, pk)
    assert recovery(seeded, survey)["rate"] == 1 and recovery(seeded, survey)["reached"]
    take(supervisor, pk, "close_collection")
    seeded.expire_all()
    survey = seeded.get(Survey, pk)
    # Items: water 0 %, power no rate, six items 100 %: overall = 6 / 7 (R-SV-5).
    assert Decimal(survey.overall_rate).quantize(Decimal("0.0001")) == Decimal("0.8571")
    assert survey.results["qualified"] is False
    assert survey.results["distributed"] == 1 and survey.results["returned"] == 1

    take(supervisor, pk, "publish", expect=400)  # analysis and improvements are needed
    take(supervisor, pk, "publish", {"analysis": "Water pressure in Block A1",
                                     "improvements": "Replace the booster pump"})
    take(supervisor, pk, "close")
    assert state(supervisor, pk) == "closed"
    history = supervisor.get(f"{API}{pk}/history").json["result"]
    assert [h["transition"] for h in history] == [
        "create", "submit", "return", "submit", "approve", "receive_forms", "distribute",
        "close_collection", "publish", "close"]


def test_the_iso_procedure_needs_the_directors_review(world, api_as, seeded):
    """R-SV-2 ISO variant: drafted by the CS supervisor, reviewed by the office manager,
    approved by the company; the director may also return it."""
    supervisor, director = api_as("supervisor_a"), api_as("director_a")
    pk = plan(supervisor, world, seeded, preset="iso")
    take(supervisor, pk, "submit")
    assert state(supervisor, pk) == "submitted"
    take(api_as("deputy"), pk, "approve", expect=409)  # not before the review
    take(supervisor, pk, "review", expect=403)
    take(director, pk, "review")
    assert state(supervisor, pk) == "awaiting_approval"
    take(director, pk, "return", comment="Period too short")
    take(supervisor, pk, "cancel", comment="Merged into the company survey")
    assert state(supervisor, pk) == "cancelled"


def test_iso_sample_covers_every_unit_under_300_households(world, api_as, seeded):
    """R-SV-3 ISO preset: an estate under 300 households is surveyed in full."""
    supervisor, deputy = api_as("supervisor_a"), api_as("deputy")
    pk = plan(supervisor, world, seeded, preset="iso")
    take(supervisor, pk, "submit")
    take(api_as("director_a"), pk, "review")
    take(deputy, pk, "approve")
    take(supervisor, pk, "receive_forms")
    units = {f.unit_id for f in seeded.scalars(select(SurveyForm)
                                               .where(SurveyForm.survey_id == pk))}
    assert units == {world.unit_a, world.unit2_a}


def test_a_plan_needs_estates_of_its_office_and_a_forward_period(world, api_as, seeded):
    supervisor = api_as("supervisor_a")
    pk = plan(supervisor, world, seeded, estates=[])
    response = take(supervisor, pk, "submit", expect=400)
    assert "estates" in response.json["message"]
    bad = supervisor.post(API, json={
        "title": "Backwards", "kind": "independent", "preset": "default",
        "office": world.office_a, "estates": [world.estate_a], "purpose": "x",
        "method": "questionnaire", "period_start": "2026-12-15", "period_end": "2026-11-01",
        "questionnaire": questionnaire_id(seeded)})
    assert bad.status_code == 400 and "period_end" in bad.get_data(as_text=True)


def test_answers_once_only_while_collecting_and_with_known_codes(world, api_as, seeded):
    supervisor, deputy = api_as("supervisor_a"), api_as("deputy")
    pk = plan(supervisor, world, seeded)
    take(supervisor, pk, "submit")
    take(deputy, pk, "approve")
    take(supervisor, pk, "receive_forms")
    form_id = seeded.scalars(select(SurveyForm.id).where(SurveyForm.survey_id == pk)).first()
    form = seeded.get(SurveyForm, form_id)
    with pytest.raises(AnswerError):  # distributed? not yet
        record_answers(form, answers("satisfied"), channel="paper", session=seeded,
                       actor=None, now=local_now())
    take(supervisor, pk, "distribute")
    form = seeded.get(SurveyForm, form_id)
    with pytest.raises(AnswerError) as error:
        record_answers(form, answers("satisfied", water="great"), channel="online",
                       session=seeded, actor=None, now=local_now())
    assert "water" in error.value.errors
    record_answers(form, answers("very_satisfied"), channel="online", session=seeded,
                   actor=None, now=local_now(), feedback="  Thanks  ")
    assert (form.state, form.channel, form.feedback) == ("returned", "online", "Thanks")
    with pytest.raises(AnswerError):
        record_answers(form, answers("unsatisfied"), channel="paper", session=seeded,
                       actor=None, now=local_now())
    assert form.answers["water"] == "very_satisfied"


def test_a_running_survey_keeps_the_questionnaire_it_was_approved_with(world, api_as, seeded,
                                                                       as_user):
    """R-SV-6: editing the questionnaire makes a new version; the survey keeps its copy."""
    supervisor, deputy = api_as("supervisor_a"), api_as("deputy")
    pk = plan(supervisor, world, seeded)
    take(supervisor, pk, "submit")
    take(deputy, pk, "approve")
    questionnaire = seeded.get(Questionnaire, questionnaire_id(seeded))
    questionnaire.items = [*questionnaire.items, {"key": "parking", "en": "Parking",
                                                  "zh_Hans": "停车", "zh_Hant": "停車"}]
    questionnaire.version += 1
    seeded.commit()
    survey = seeded.get(Survey, pk)
    assert [i["key"] for i in survey.items] == KEYS and survey.questionnaire_version == 1


def test_scope_and_roles(world, api_as, seeded):
    """Another office's staff never see the survey; a technician cannot plan one."""
    pk = plan(api_as("supervisor_a"), world, seeded)
    assert api_as("agent_b").get(f"{API}{pk}").status_code == 403  # no survey permission
    assert api_as("supervisor_b").get(f"{API}{pk}").status_code == 404
    assert api_as("director_a").get(f"{API}{pk}").status_code == 200
    assert api_as("tech_a").post(API, json={"title": "x"}).status_code == 403
    foreign = api_as("supervisor_b").post(API, json={
        "title": "x", "kind": "independent", "preset": "default", "office": world.office_a,
        "estates": [world.estate_a], "purpose": "x", "method": "questionnaire",
        "period_start": "2026-11-01", "period_end": "2026-11-30",
        "questionnaire": questionnaire_id(seeded)})
    assert foreign.status_code == 400


def test_survey_pages_in_chinese(world, as_user, api_as, seeded):
    """The detail page shows the sample per estate and the live recovery rate; rates only
    once collection is closed (R-SV-10)."""
    supervisor = api_as("supervisor_a")
    pk = plan(supervisor, world, seeded)
    take(supervisor, pk, "submit")
    take(api_as("deputy"), pk, "approve")
    take(supervisor, pk, "receive_forms")
    take(supervisor, pk, "distribute")
    client = as_user("supervisor_a")
    page = client.get(f"/surveyview/show/{pk}?_l_=zh_Hans").get_data(as_text=True)
    assert "survey-recovery" in page and "survey-results" not in page
    assert "0 of 1" not in page  # no English on a Chinese page
    listing = client.get("/surveyformview/list/?_l_=zh_Hant")
    assert listing.status_code == 200
    assert seeded.scalars(select(SurveyForm.code).where(SurveyForm.survey_id == pk)).first() \
        in listing.get_data(as_text=True)
