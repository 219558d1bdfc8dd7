"""Satisfaction surveys (R-SV-1..7): every transition of the survey workflow walked by the
people who take it, through the REST API and the real access layer; sampling, answers,
scoring and the recovery rate on the stored survey; scope and refusals."""
from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal
from functools import partial
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.models import DeadlinePolicy, DeadlineTimer, Notification
from app.models.base import local_now
from app.models.survey import (
    DEFAULT_ITEMS,
    Questionnaire,
    Survey,
    SurveyEstate,
    SurveyForm,
)
from app.security.actor import Actor
from app.workflows.deadlines import tick_in_session
from app.workflows.queues import DUE_FILTERS, _due_matches
from app.workflows.survey import AnswerError, record_answers, recovery
from tests.helpers import transition

API = "/api/v1/survey/"

take = partial(transition, base=API)  # the `seeded` fixture below builds on conftest's
KEYS = [item["key"] for item in DEFAULT_ITEMS]


@pytest.fixture
def seeded(seeded):
    """tests/conftest.py's reference data, and a questionnaire of the default items."""
    seeded.add(Questionnaire(name="Survey test questionnaire",
                             items=[dict(i) for i in DEFAULT_ITEMS]))
    seeded.commit()
    return seeded


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


# --- answers: the resident online, the clerk at the keyboard (R-SV-4) ------------------------

def collecting_survey(world, api_as, seeded, preset="iso") -> tuple[int, list[str]]:
    """A survey of Estate A collecting answers; ISO samples both units (two codes)."""
    supervisor = api_as("supervisor_a")
    pk = plan(supervisor, world, seeded, preset=preset)
    take(supervisor, pk, "submit")
    if preset == "iso":
        take(api_as("director_a"), pk, "review")
    take(api_as("deputy"), pk, "approve")
    take(supervisor, pk, "receive_forms")
    take(supervisor, pk, "distribute")
    codes = seeded.scalars(select(SurveyForm.code).where(SurveyForm.survey_id == pk)
                           .order_by(SurveyForm.unit_id)).all()
    return pk, list(codes)


def answer_online(client, code: str, chosen: dict[str, str], lang="zh_Hant"):
    page = client.get(f"/s/{code}?_l_={lang}")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(f"/s/{code}?_l_={lang}", data={"csrf_token": token, **chosen})


def test_a_resident_answers_online_once_in_their_language(app, world, api_as, seeded):
    pk, (code, other) = collecting_survey(world, api_as, seeded)
    resident = app.test_client()
    page = resident.get(f"/s/{code}?_l_=zh_Hant").get_data(as_text=True)
    assert "供水" in page and "非常滿意" in page and "基本滿意" in page
    assert "Water supply" not in page and "Fairly" not in page
    incomplete = answer_online(resident, code, {"water": "satisfied"})
    assert incomplete.status_code == 400
    assert 'value="satisfied" checked' in incomplete.get_data(as_text=True)  # input kept
    done = answer_online(resident, code, {**answers("satisfied"), "feedback": "電梯太慢"})
    assert done.status_code == 302
    thanks = resident.get(done.headers["Location"]).get_data(as_text=True)
    assert "survey-thanks" in thanks and "電梯太慢" not in thanks and "satisfied" not in thanks
    again = resident.post(f"/s/{code}", data={**answers("unsatisfied")})
    assert again.status_code in (200, 400) and "survey-answer" not in again.get_data(
        as_text=True)
    seeded.expire_all()
    mine = seeded.scalar(select(SurveyForm).where(SurveyForm.code == code))
    assert mine.answers["water"] == "satisfied" and mine.channel == "online"
    assert mine.feedback == "電梯太慢"
    theirs = seeded.scalar(select(SurveyForm).where(SurveyForm.code == other))
    assert theirs.state == "issued" and theirs.answers is None  # the other household's
    assert resident.get("/s/NOSUCHCODE1").status_code == 404


def test_an_online_code_expires_with_the_collection_window(app, world, api_as, seeded):
    from app import clock

    pk, (code, _other) = collecting_survey(world, api_as, seeded)
    due = seeded.scalar(select(DeadlineTimer.due_at).join(DeadlinePolicy).where(
        DeadlineTimer.doc_id == pk, DeadlinePolicy.key == "survey.collection"))
    with clock.using(clock.FrozenClock(due + timedelta(minutes=1))):
        late = app.test_client().get(f"/s/{code}?_l_=zh_Hans").get_data(as_text=True)
    assert "survey-closed" in late and "survey-answer" not in late
    with clock.using(clock.FrozenClock(due - timedelta(minutes=1))):
        assert "survey-answer" in app.test_client().get(f"/s/{code}").get_data(as_text=True)


def test_the_collection_warns_then_escalates_with_frozen_time(world, api_as, seeded):
    """R-SV-4: collection within 10 days of distribution. The deadline engine warns at 70 %
    of the window and escalates to the office director once it has passed; answers
    returned meanwhile do not stop it, closing the collection does."""
    supervisor, deputy = api_as("supervisor_a"), api_as("deputy")
    pk = plan(supervisor, world, seeded)
    take(supervisor, pk, "submit")
    take(deputy, pk, "approve")
    take(supervisor, pk, "receive_forms")
    take(supervisor, pk, "distribute")
    timer = seeded.scalar(select(DeadlineTimer).join(DeadlinePolicy).where(
        DeadlineTimer.doc_type == "survey", DeadlineTimer.doc_id == pk,
        DeadlinePolicy.key == "survey.collection"))
    started, due = timer.started_at, timer.due_at
    assert due - started == timedelta(days=10)
    assert tick_in_session(seeded, started + timedelta(days=6)).warnings == 0
    assert tick_in_session(seeded, started + timedelta(days=7, minutes=1)).warnings == 1
    result = tick_in_session(seeded, due + timedelta(minutes=1))
    assert result.escalations == 1
    notes = seeded.scalars(select(Notification).where(Notification.doc_type == "survey",
                                                      Notification.doc_id == pk,
                                                      Notification.level == 1)).all()
    assert world.user_director_a in {n.user_id for n in notes}
    assert tick_in_session(seeded, due + timedelta(minutes=5)).escalations == 0


def test_keyboard_entry_round_trip(world, api_as, as_user, seeded):
    """Code, Enter, one digit per item, Enter: saved, counted, and the same form again."""
    pk, (code, _other) = collecting_survey(world, api_as, seeded)
    clerk = as_user("supervisor_a")
    screen = clerk.get(f"/surveyview/entry/{pk}?_l_=zh_Hans").get_data(as_text=True)
    assert 'id="entry-count"' in screen and "供水" in screen
    token = screen.split('name="csrf_token" value="')[1].split('"')[0]
    wrong = clerk.post(f"/surveyview/entry/{pk}?_l_=zh_Hans",
                       data={"csrf_token": token, "code": code.lower(), "digits": "1234x"})
    assert wrong.status_code == 400 and "x" in wrong.get_data(as_text=True)
    assert f'value="{code.lower()}"' in wrong.get_data(as_text=True)  # input kept
    short = clerk.post(f"/surveyview/entry/{pk}",
                       data={"csrf_token": token, "code": code, "digits": "123"})
    assert short.status_code == 400
    saved = clerk.post(f"/surveyview/entry/{pk}",
                       data={"csrf_token": token, "code": code.lower(), "digits": "12345012"})
    assert saved.status_code == 302
    seeded.expire_all()
    form = seeded.scalar(select(SurveyForm).where(SurveyForm.code == code))
    assert [form.answers[k] for k in KEYS] == [
        "very_satisfied", "satisfied", "fairly_satisfied", "unsatisfied",
        "very_unsatisfied", "no_answer", "very_satisfied", "satisfied"]
    assert form.channel == "paper" and form.entered_by_id == world.user_supervisor_a
    twice = clerk.post(f"/surveyview/entry/{pk}",
                       data={"csrf_token": token, "code": code, "digits": "11111111"})
    assert twice.status_code == 400
    after = clerk.get(f"/surveyview/entry/{pk}").get_data(as_text=True)
    assert code in after  # the recent list
    # A code of another survey is not this survey's questionnaire.
    assert clerk.post(f"/surveyview/entry/{pk}", data={
        "csrf_token": token, "code": "ZZZZZZZZZZ", "digits": "11111111"}).status_code == 400
    assert as_user("tech_a").get(f"/surveyview/entry/{pk}").status_code in (302, 403, 404)


def test_directors_hear_of_estates_without_a_survey_of_the_year(world, api_as, seeded):
    """R-SV-1: from 15 December (a setting), each estate no survey of the year covers is
    reported to its office director, once; a planned survey covering the year counts."""
    from datetime import datetime

    from app.models import Notification
    from app.workflows.survey import warn_uncovered_estates

    plan(api_as("supervisor_a"), world, seeded)  # Estate A: 2026-11-01 to 2026-12-15
    assert warn_uncovered_estates(seeded, datetime(2026, 12, 14, 23, 59)) == 0
    assert warn_uncovered_estates(seeded, datetime(2026, 12, 15, 0, 1)) >= 1
    notes = seeded.scalars(select(Notification).where(Notification.kind == "survey_missing")
                           ).all()
    warned = {(n.user_id, n.doc_id) for n in notes}
    assert (world.user_director_b, world.estate_b) in warned
    assert all(estate != world.estate_a for _user, estate in warned)
    assert "Estate B" in notes[0].message[1] and "2026" in notes[0].message[1]
    assert warn_uncovered_estates(seeded, datetime(2026, 12, 16, 9, 0)) == 0  # once a year


def test_the_report_shows_rates_charts_and_comments_after_collection(app, world, api_as,
                                                                     as_user, seeded):
    """R-SV-7: item rates, estates, trend and offices as SVG drawn on the server, and the
    residents' comments, once the collection is closed; not before (R-SV-10)."""
    pk, (code, other) = collecting_survey(world, api_as, seeded)
    resident = app.test_client()
    answer_online(resident, code, {**answers("satisfied"), "feedback": "电梯维修太慢"})
    answer_online(resident, other, answers("very_satisfied", water="unsatisfied"))
    client = as_user("supervisor_a")
    before = client.get(f"/surveyview/show/{pk}?_l_=zh_Hans").get_data(as_text=True)
    assert "survey-report" not in before and "电梯维修太慢" not in before
    assert client.get(f"/surveyview/xlsx/{pk}").status_code == 302  # not while collecting
    take(api_as("supervisor_a"), pk, "close_collection")
    page = client.get(f"/surveyview/show/{pk}?_l_=zh_Hans").get_data(as_text=True)
    for chart in ("chart-items", "chart-estates", "chart-trend", "chart-offices"):
        assert f'id="{chart}"' in page
    assert "<svg" in page and "cdn" not in page.lower()
    assert "电梯维修太慢" in page and "供水" in page
    # Water: 1 satisfied, 1 unsatisfied = 50 %; the other seven items 100 %: 93.75 %.
    assert "93.75 %" in page and "50.00 %" in page
    # The statistics table and the raw answers as a workbook, in the reader's language.
    from io import BytesIO

    from openpyxl import load_workbook

    download = client.get(f"/surveyview/xlsx/{pk}?_l_=zh_Hans")
    assert download.status_code == 200 and download.mimetype.endswith("sheet")
    book = load_workbook(BytesIO(download.data))
    table, raw = book.worksheets
    rows = [[c for c in row if c is not None] for row in table.iter_rows(values_only=True)]
    assert ["供水", 1, 1, 0, "50.00 %"] in rows
    assert raw.max_row == 3 and "电梯维修太慢" in [c.value for c in raw[2] + raw[3]]


def test_home_page_figures_per_role(app, world, api_as, as_user, seeded):
    """The home page shows what each person's permissions open: queue health to a
    department head, complaint KPIs, satisfaction by estate and compensation to the
    director, computed within their scope."""
    pk, (code, other) = collecting_survey(world, api_as, seeded)
    resident = app.test_client()
    answer_online(resident, code, answers("satisfied"))
    answer_online(resident, other, answers("satisfied", water="unsatisfied"))
    take(api_as("supervisor_a"), pk, "close_collection")
    head = as_user("head_a").get("/?_l_=zh_Hans").get_data(as_text=True)
    assert 'id="dash-queue"' in head and 'id="dash-kpis"' not in head
    director = as_user("director_a").get("/?_l_=zh_Hans").get_data(as_text=True)
    for section in ("dash-queue", "dash-kpis", "dash-satisfaction", "dash-compensation"):
        assert f'id="{section}"' in director, section
    satisfaction = director.split('id="dash-satisfaction"')[1]
    assert "Estate A" in satisfaction and "93.75 %" in satisfaction  # 1 of 2 water: 50 %
    assert "Estate B" not in satisfaction
    assert as_user("tech_a").get("/?_l_=zh_Hans").status_code == 200


def test_every_home_figure_opens_the_list_it_counts(app, world, api_as, as_user, seeded):
    """Each figure of the home page is a link to the list behind it, filtered: the queue by
    deadline, the claims paid this year, an estate's surveys."""
    pk, (code, other) = collecting_survey(world, api_as, seeded)
    resident = app.test_client()
    answer_online(resident, code, answers("satisfied"))
    take(api_as("supervisor_a"), pk, "close_collection")
    director = as_user("director_a")
    page = director.get("/").get_data(as_text=True).split('id="dashboard"', 1)[1]
    links = {html.unescape(link) for link in re.findall(r'href="([^"#]+)"', page)}
    for wanted in ("?due=today", "?due=overdue", "?due=escalated", "_flt_1_paid_at=",
                   f"_flt_0_estates={world.estate_a}", "/complaint-report/",
                   "/revisitview/list/?_flt_1_due_at="):
        assert any(wanted in link for link in links), wanted
    for link in links:
        response = director.get(link)
        assert response.status_code == 200, (link, response.status_code)
    number = seeded.get(Survey, pk).number
    estate_link = next(link for link in links if "_flt_0_estates=" in link)
    assert number in director.get(estate_link).get_data(as_text=True)
    other_estate = estate_link.replace(f"={world.estate_a}", f"={world.estate_b}")
    assert number not in director.get(other_estate).get_data(as_text=True)


def test_queue_deadline_filters():
    """The queue's deadline filter (the home page's due today / overdue / escalated)."""
    now = local_now().replace(hour=10, minute=0, second=0, microsecond=0)

    def row(due, level=0):
        return SimpleNamespace(due_at=due, level=level)

    cases = {"soon": row(now + timedelta(hours=2)), "tomorrow": row(now + timedelta(days=1)),
             "late": row(now - timedelta(minutes=1)), "none": row(None),
             "escalated": row(now + timedelta(days=3), level=1)}
    kept = {due: sorted(name for name, r in cases.items() if _due_matches(r, due, now))
            for due in DUE_FILTERS}
    assert kept == {"today": ["soon"], "overdue": ["late"], "escalated": ["escalated"]}


# --- roll-ups per office, branch and company; offices and branches compared (R-SV-5, 7) -----

def closed_survey_of(side: str, world, api_as, seeded, answers_by_unit) -> int:
    """An ISO survey of Estate A or B (both units sampled), answered and scored."""
    supervisor = api_as(f"supervisor_{side}")
    response = supervisor.post(API, json={
        "title": f"2026 survey {side}", "kind": "independent", "preset": "iso",
        "office": world.ids[f"office_{side}"], "estates": [world.ids[f"estate_{side}"]],
        "purpose": "Annual", "method": "questionnaire", "period_start": "2026-11-01",
        "period_end": "2026-12-15", "questionnaire": questionnaire_id(seeded)})
    assert response.status_code == 201, response.get_data(as_text=True)
    pk = response.json["id"]
    take(supervisor, pk, "submit")
    take(api_as(f"director_{side}"), pk, "review")
    take(api_as("deputy"), pk, "approve")
    take(supervisor, pk, "receive_forms")
    take(supervisor, pk, "distribute")
    forms = seeded.scalars(select(SurveyForm).where(SurveyForm.survey_id == pk)
                           .order_by(SurveyForm.unit_id)).all()
    for form, given in zip(forms, answers_by_unit, strict=True):
        record_answers(form, given, channel="paper", session=seeded, actor=Actor.system(),
                       now=local_now())
    seeded.commit()
    take(supervisor, pk, "close_collection")
    seeded.expire_all()
    return pk


def test_results_roll_up_per_office_branch_and_company_over_raw_answers(world, api_as,
                                                                         as_user, seeded):
    """R-SV-5 per level: Office A water 1 of 2 (overall 15/16 = 93.75 %); Office B water
    0 of 1 and one unanswered (overall 7/8 = 87.5 %). The branch and the company pool the
    raw answers: water 1 of 3, overall (7 + 1/3) / 8 = 91.67 %, not the mean of the two
    offices' rates (90.63 %)."""
    pk_a = closed_survey_of("a", world, api_as, seeded, [
        answers("satisfied", water="unsatisfied"), answers("very_satisfied")])
    pk_b = closed_survey_of("b", world, api_as, seeded, [
        answers("satisfied", water="unsatisfied"), answers("satisfied", water="no_answer")])
    survey_b = seeded.get(Survey, pk_b)
    rollups = survey_b.results["rollups"]
    assert Decimal(rollups["office"]["overall"]) == Decimal("0.875")
    assert rollups["office"]["name"] == "Office B" and rollups["office"]["surveys"] == 1
    branch = rollups["branch"]
    assert (branch["name"], branch["surveys"], branch["questionnaires"]) == ("Test Branch", 2, 4)
    water = next(i for i in branch["items"] if i["key"] == "water")
    assert (water["satisfied"], water["unsatisfied"], water["no_answer"]) == (1, 2, 1)
    assert Decimal(branch["overall"]).quantize(Decimal("0.000001")) == Decimal("0.916667")
    assert branch["qualified"] is False
    assert rollups["company"]["name"] == "Test Property Co"
    assert rollups["company"]["overall"] == branch["overall"]
    # Office A's survey closed first: then its branch was Office A alone.
    survey_a = seeded.get(Survey, pk_a)
    assert survey_a.results["rollups"]["branch"]["surveys"] == 1
    assert Decimal(survey_a.results["rollups"]["branch"]["overall"]) == Decimal("0.9375")

    page = as_user("supervisor_b").get(f"/surveyview/show/{pk_b}?_l_=zh_Hans").get_data(
        as_text=True)
    levels = page.split('id="survey-levels"')[1].split("</table>")[0]
    assert '<td data-level="estate">87.50 %' in levels
    assert '<td data-level="office">87.50 %' in levels
    assert '<td data-level="branch">91.67 %' in levels
    assert '<td data-level="company">91.67 %' in levels
    # Compared this year, live: the latest scored survey of each office, and each branch.
    offices = page.split('id="survey-compare-offices"')[1].split("</table>")[0]
    assert "Office A" in offices and "93.75 %" in offices and "87.50 %" in offices
    assert survey_a.number in offices and survey_b.number in offices
    branches = page.split('id="survey-compare-branches"')[1].split("</table>")[0]
    assert "Test Branch" in branches and "91.67 %" in branches and "90.63" not in branches
    # Office A's page compares with Office B's survey, closed later, too.
    page_a = as_user("supervisor_a").get(f"/surveyview/show/{pk_a}").get_data(as_text=True)
    assert "91.67 %" in page_a.split('id="survey-compare-branches"')[1].split("</table>")[0]


def test_the_comparison_takes_the_latest_survey_of_the_year_only(world, api_as, seeded):
    """A survey of another year is not compared; of two in a year, the later one."""
    from app.workflows.survey import report_of

    first = closed_survey_of("a", world, api_as, seeded, [
        answers("unsatisfied"), answers("unsatisfied")])
    second = closed_survey_of("a", world, api_as, seeded, [
        answers("satisfied"), answers("satisfied")])
    survey = seeded.get(Survey, first)
    report = report_of(seeded, survey, "en")
    assert [(r["number"], r["overall"]) for r in report["office_rows"]] == [
        (seeded.get(Survey, second).number, Decimal(1))]
    assert report["branch_rows"][0]["overall"] == Decimal(1)
    survey.period_start = survey.period_start.replace(year=2025)
    seeded.flush()
    earlier = report_of(seeded, survey, "en")["office_rows"]  # 2025: itself, not 2026's
    assert [(r["number"], r["overall"]) for r in earlier] == [(survey.number, Decimal(0))]
    seeded.rollback()
