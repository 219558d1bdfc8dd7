"""Follow-up of a satisfaction survey: the open letter (R-SV-8), corrective actions with
their targeted revisit (R-SV-9) and the purge of raw questionnaires after the retention
period (R-SV-10). Every transition of both workflows is walked by people of the right role
through the REST API and refused for the wrong ones; deadlines under a frozen clock; scope
per office; the printed letter in two languages."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import select

from app import clock
from app.models import AuditLog, DeadlinePolicy, DeadlineTimer, Revisit
from app.models.survey import DEFAULT_ITEMS, Questionnaire, Survey, SurveyForm
from app.models.survey_follow_up import CorrectiveAction, OpenLetter
from app.security.actor import Actor
from app.workflows.deadlines import tick_in_session
from app.workflows.survey import record_answers
from app.workflows.survey_follow_up import PurgeRefused, purge_questionnaires
from tests.helpers import csrf_token, history_names, pdf_text, transition

SURVEYS = "/api/v1/survey/"
LETTERS = "/api/v1/survey_open_letter/"
ACTIONS = "/api/v1/survey_corrective_action/"
take_survey = partial(transition, base=SURVEYS)
take_letter = partial(transition, base=LETTERS)
take_action = partial(transition, base=ACTIONS)
KEYS = [item["key"] for item in DEFAULT_ITEMS]

PLANNED = datetime(2026, 11, 2, 9, 0)
CLOSED = datetime(2026, 11, 20, 10, 0)  # the collection closes (R-SV-8 counts from here)


@pytest.fixture
def seeded(seeded):
    seeded.add(Questionnaire(name="Follow-up test questionnaire",
                             items=[dict(i) for i in DEFAULT_ITEMS]))
    seeded.commit()
    return seeded


def answers(value: str, **overrides: str) -> dict[str, str]:
    return {**{k: value for k in KEYS}, **overrides}


def scored_survey(world, api_as, seeded) -> int:
    """An ISO survey of Estate A (both units sampled), answered, collection closed at
    CLOSED: water 0 % (two unsatisfied), power 50 %, the rest 100 %."""
    supervisor = api_as("supervisor_a")
    with clock.using(clock.FrozenClock(PLANNED)) as frozen:
        response = supervisor.post(SURVEYS, json={
            "title": "2026 survey", "kind": "independent", "preset": "iso",
            "office": world.office_a, "estates": [world.estate_a], "purpose": "Estate A",
            "method": "questionnaire", "period_start": "2026-11-01",
            "period_end": "2026-12-15", "questionnaire": seeded.scalar(
                select(Questionnaire.id)
                .where(Questionnaire.name == "Follow-up test questionnaire"))})
        assert response.status_code == 201, response.get_data(as_text=True)
        pk = response.json["id"]
        take_survey(supervisor, pk, "submit")
        take_survey(api_as("director_a"), pk, "review")
        take_survey(api_as("deputy"), pk, "approve")
        take_survey(supervisor, pk, "receive_forms")
        frozen.move(days=1)
        take_survey(supervisor, pk, "distribute")
        forms = seeded.scalars(select(SurveyForm).where(SurveyForm.survey_id == pk)
                               .order_by(SurveyForm.unit_id)).all()
        record_answers(forms[0], answers("satisfied", water="unsatisfied"), channel="paper",
                       session=seeded, actor=Actor.system(), now=frozen.now(),
                       feedback="水压太低")
        record_answers(forms[1], answers("very_satisfied", water="very_unsatisfied",
                                         power="unsatisfied"),
                       channel="online", session=seeded, actor=Actor.system(),
                       now=frozen.now())
        seeded.commit()
        frozen.set(CLOSED)
        take_survey(supervisor, pk, "close_collection")
    return pk


def timer(session, doc_type: str, doc_id: int, key: str) -> DeadlineTimer:
    return session.scalar(select(DeadlineTimer).join(DeadlinePolicy).where(
        DeadlineTimer.doc_type == doc_type, DeadlineTimer.doc_id == doc_id,
        DeadlinePolicy.key == key).order_by(DeadlineTimer.id.desc()))


def new_letter(api, survey_pk: int, expect: int = 201, **extra):
    response = api.post(LETTERS, json={"survey": survey_pk, "title": "致业主的一封信",
                                       "body": "尊敬的业主：感谢您参加满意度调查。", **extra})
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


# --- the open letter (R-SV-8) ------------------------------------------------------------------

def test_open_letter_from_draft_to_quality_with_its_deadlines(world, api_as, seeded):
    """Drafted by customer service or quality within 2 weeks of the collection closing,
    returned and approved by the management representative (deputy GM), posted, sent to
    Quality within 5 days; each step refused to the wrong people."""
    pk = scored_survey(world, api_as, seeded)
    quality, supervisor, deputy = api_as("quality_a"), api_as("supervisor_a"), api_as("deputy")
    assert api_as("tech_a").post(LETTERS, json={"survey": pk, "title": "x",
                                                "body": "x"}).status_code == 403
    with clock.using(clock.FrozenClock(CLOSED + timedelta(days=3))) as frozen:
        first = new_letter(quality, pk).json["id"]
        take_letter(quality, first, "cancel", expect=400)  # a reason is required
        take_letter(api_as("tech_a"), first, "cancel", comment="x", expect=403, version=1)
        take_letter(quality, first, "cancel", comment="Wrong survey period named")
        assert timer(seeded, "survey_letter", first, "survey_letter.due").status == "cancelled"

        letter_pk = new_letter(supervisor, pk).json["id"]
        new_letter(quality, pk, expect=400)  # one letter per survey at a time
        letter = seeded.get(OpenLetter, letter_pk)
        # The concentrated issues proposed from the results, in the estate's script:
        # water 0 % and power 50 % are below 96 %; greening is not an issue.
        assert "供水" in letter.issues and "供电" in letter.issues
        assert "绿化" not in letter.issues
        due = timer(seeded, "survey_letter", letter_pk, "survey_letter.due")
        assert due.started_at == CLOSED and due.due_at == CLOSED + timedelta(days=14)
        assert due.handler_user_id == world.user_supervisor_a

        # The drafter may change the draft; once submitted it is what is approved.
        from tests.helpers import put_versioned
        assert put_versioned(supervisor, f"{LETTERS}{letter_pk}",
                             {"title": "致全体业主的一封信"}).status_code == 200
        take_letter(supervisor, letter_pk, "submit")
        assert put_versioned(supervisor, f"{LETTERS}{letter_pk}",
                             {"title": "x"}).status_code == 400
        for wrong in ("supervisor_a", "quality_a", "director_a"):
            take_letter(api_as(wrong), letter_pk, "approve", expect=403)
        take_letter(deputy, letter_pk, "return", expect=400)  # a reason is required
        take_letter(deputy, letter_pk, "return", comment="Name the booster pump date")
        take_letter(supervisor, letter_pk, "submit")
        take_letter(supervisor, letter_pk, "post", expect=409)  # not approved yet
        take_letter(deputy, letter_pk, "approve")
        take_letter(api_as("tech_a"), letter_pk, "post", expect=403, version=1)
        frozen.set(CLOSED + timedelta(days=10))
        take_letter(supervisor, letter_pk, "post")
        seeded.expire_all()
        assert timer(seeded, "survey_letter", letter_pk, "survey_letter.due").status == "met"
        to_quality = timer(seeded, "survey_letter", letter_pk, "survey_letter.to_quality")
        posted = CLOSED + timedelta(days=10)
        assert (to_quality.started_at, to_quality.due_at) == (posted,
                                                            posted + timedelta(days=5))
        take_letter(api_as("agent_a"), letter_pk, "send_to_quality", expect=403, version=1)
        frozen.move(days=4)
        take_letter(quality, letter_pk, "send_to_quality")
    seeded.expire_all()
    letter = seeded.get(OpenLetter, letter_pk)
    assert letter.state == "sent_to_quality" and letter.approved_by_id == world.user_deputy
    assert letter.posted_at == posted and letter.sent_to_quality_at == posted + timedelta(days=4)
    assert timer(seeded, "survey_letter", letter_pk, "survey_letter.to_quality").status == "met"
    assert history_names(seeded, "survey_letter", letter_pk) == [
        "create", "submit", "return", "submit", "approve", "post", "send_to_quality"]


def test_a_late_letter_is_escalated_and_a_letter_needs_a_closed_collection(world, api_as,
                                                                           seeded):
    """The 2 weeks run from the collection's close whenever the letter is drafted: drafted
    on day 13, it is overdue a day later and escalated to the office director."""
    pk = scored_survey(world, api_as, seeded)
    with clock.using(clock.FrozenClock(CLOSED + timedelta(days=13))):
        letter_pk = new_letter(api_as("quality_a"), pk).json["id"]
    due = timer(seeded, "survey_letter", letter_pk, "survey_letter.due")
    assert due.due_at == CLOSED + timedelta(days=14)
    result = tick_in_session(seeded, CLOSED + timedelta(days=14, minutes=1))
    assert (due.id, 1) in result.levels and due.breached_at is not None
    # A survey still collecting has nothing to answer yet.
    survey = seeded.get(Survey, pk)
    survey.state, survey.collection_closed_at = "collecting", None
    seeded.get(OpenLetter, letter_pk).state = "cancelled"
    seeded.commit()
    refused = new_letter(api_as("quality_a"), pk, expect=400)
    assert "survey" in refused.json["errors"]


# --- corrective actions (R-SV-9) -----------------------------------------------------------------

def raise_action(api, world, survey_pk: int, expect: int = 201, **overrides):
    body = {"survey": survey_pk, "estate": world.estate_a, "item_key": "water",
            "department": world.eng_a, "owner": world.user_head_a, "due_date": "2026-12-10",
            **overrides}
    response = api.post(ACTIONS, json=body)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def test_corrective_action_corrected_revisited_verified(world, api_as, seeded):
    pk = scored_survey(world, api_as, seeded)
    supervisor, head = api_as("supervisor_a"), api_as("head_a")
    with clock.using(clock.FrozenClock(CLOSED + timedelta(days=2))) as frozen:
        assert api_as("tech_a").post(ACTIONS, json={"survey": pk}).status_code == 403
        # Only an item with unsatisfied answers in an estate of the survey, an owner and a
        # department of that estate's office, a due date not past.
        for bad, field in (({"item_key": "parking"}, "item_key"),
                           ({"item_key": "greening"}, "item_key"),
                           ({"owner": world.user_head_b}, "owner"),
                           ({"department": world.eng_b}, "department"),
                           ({"due_date": "2026-11-01"}, "due_date")):
            refused = raise_action(supervisor, world, pk, expect=400, **bad)
            assert field in refused.json["errors"], (bad, refused.json)
        assert raise_action(api_as("supervisor_b"), world, pk, expect=400)  # not their survey
        action_pk = raise_action(supervisor, world, pk).json["id"]
        raise_action(api_as("quality_a"), world, pk, expect=400)  # already being dealt with
        action = seeded.get(CorrectiveAction, action_pk)
        assert (action.unsatisfied, Decimal(action.rate)) == (2, Decimal(0))
        assert "供水" in action.issue and action.registering_department_id == world.cs_a
        due = timer(seeded, "survey_action", action_pk, "survey_action.due")
        assert due.due_at == datetime(2026, 12, 10, 23, 59)
        assert due.handler_user_id == world.user_head_a and due.department_id == world.eng_a

        take_action(api_as("tech_a"), action_pk, "correct", {"measure": "x"}, expect=400)
        take_action(api_as("supervisor_b"), action_pk, "correct", {"measure": "x"},
                    expect=404, version=1)
        take_action(head, action_pk, "correct", expect=400)  # the measure is required
        take_action(head, action_pk, "verify", expect=403)
        frozen.move(days=5)
        take_action(head, action_pk, "correct", {"measure": "Booster pump replaced"})
    seeded.expire_all()
    action = seeded.get(CorrectiveAction, action_pk)
    assert action.state == "corrected" and action.measure == "Booster pump replaced"
    assert timer(seeded, "survey_action", action_pk, "survey_action.due").status == "met"
    # R-SV-9: the targeted revisit, linked, with the estate's CS supervisor, in 7 days.
    revisit = seeded.scalar(select(Revisit).where(Revisit.corrective_action_id == action_pk))
    assert revisit is not None and revisit.corrective_action is action
    assert revisit.estate_id == world.estate_a and revisit.department_id == world.cs_a
    assert revisit.assignee_id == world.user_supervisor_a
    corrected = CLOSED + timedelta(days=7)
    assert timer(seeded, "revisit", revisit.id, "revisit.corrective_action").due_at == \
        corrected + timedelta(days=7)
    take_action(api_as("tech_a"), action_pk, "verify", expect=403)
    take_action(api_as("quality_a"), action_pk, "verify")
    seeded.expire_all()
    action = seeded.get(CorrectiveAction, action_pk)
    assert action.state == "verified" and action.verified_by_id == world.user_quality_a
    assert history_names(seeded, "survey_action", action_pk) == ["create", "correct", "verify"]


def test_corrective_action_cancelled_with_a_reason(world, api_as, seeded):
    pk = scored_survey(world, api_as, seeded)
    supervisor = api_as("supervisor_a")
    with clock.using(clock.FrozenClock(CLOSED + timedelta(days=1))):
        action_pk = raise_action(supervisor, world, pk, item_key="power").json["id"]
        take_action(api_as("head_a"), action_pk, "cancel", comment="x", expect=403)
        take_action(supervisor, action_pk, "cancel", expect=400)  # a reason is required
        take_action(supervisor, action_pk, "cancel", comment="Power cut was the utility's")
        take_action(api_as("head_a"), action_pk, "correct", {"measure": "x"}, expect=409)
    seeded.expire_all()
    assert seeded.get(CorrectiveAction, action_pk).state == "cancelled"
    assert timer(seeded, "survey_action", action_pk, "survey_action.due").status == "cancelled"
    assert seeded.scalar(select(Revisit).where(Revisit.corrective_action_id == action_pk)) \
        is None


# --- scope (R-ORG-4) ----------------------------------------------------------------------------

def test_scope_matrix(world, api_as, as_user, seeded):
    """Another office's director neither sees nor acts on the letter or the actions."""
    pk = scored_survey(world, api_as, seeded)
    with clock.using(clock.FrozenClock(CLOSED + timedelta(days=1))):
        letter_pk = new_letter(api_as("quality_a"), pk).json["id"]
        action_pk = raise_action(api_as("supervisor_a"), world, pk).json["id"]
    expected = {"director_a": 200, "supervisor_a": 200, "deputy": 200, "gm": 200,
                "director_b": 404, "supervisor_b": 404, "quality_b": 404}
    for user, status in expected.items():
        api = api_as(user)
        assert api.get(f"{LETTERS}{letter_pk}").status_code == status, user
        assert api.get(f"{ACTIONS}{action_pk}").status_code == status, user
        listed = {row["id"] for row in api.get(LETTERS).json["result"]}
        assert (letter_pk in listed) == (status == 200), user
    director_b = api_as("director_b")
    take_letter(director_b, letter_pk, "cancel", comment="x", expect=404, version=1)
    take_action(director_b, action_pk, "correct", {"measure": "x"}, expect=404, version=1)
    assert api_as("head_a").get(f"{ACTIONS}{action_pk}").status_code == 200  # the owner
    page = as_user("director_b").get(f"/openletterview/survey/{pk}")
    assert page.status_code == 404
    page = as_user("supervisor_a").get(f"/openletterview/survey/{pk}?_l_=zh_Hans")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "供水" in text and "follow-up-unsatisfied" in text


# --- printing (R-PR) ----------------------------------------------------------------------------

def test_the_open_letter_prints_in_both_languages(world, api_as, seeded):
    pk = scored_survey(world, api_as, seeded)
    with clock.using(clock.FrozenClock(CLOSED + timedelta(days=1))):
        letter_pk = new_letter(api_as("quality_a"), pk).json["id"]
    response = api_as("supervisor_a").get(
        f"{LETTERS}{letter_pk}/pdf?form=survey_open_letter&lang=zh_Hans&second=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(pdf_text(response.data)).replace("\n", "")
    for chinese, english in (("小区", "Estate"), ("单据编号", "Form number"),
                             ("标题", "Title"), ("综合满意率", "Overall satisfaction")):
        assert chinese in text and english in text, english
    assert "致业主的一封信" in text and "供水" in text and "Estate A" in text
    assert api_as("director_b").get(
        f"{LETTERS}{letter_pk}/pdf?form=survey_open_letter").status_code == 404


# --- raw questionnaires (R-SV-10) -------------------------------------------------------------------

def closed_survey(world, api_as, seeded) -> tuple[int, datetime]:
    pk = scored_survey(world, api_as, seeded)
    supervisor = api_as("supervisor_a")
    closed_at = datetime(2026, 12, 1, 10, 0)
    with clock.using(clock.FrozenClock(closed_at)):
        take_survey(supervisor, pk, "publish", {"analysis": "Water pressure",
                                                "improvements": "Booster pump"})
        take_survey(supervisor, pk, "close")
    return pk, closed_at


def test_purge_refused_before_the_retention_and_done_after(world, api_as, seeded):
    pk, closed_at = closed_survey(world, api_as, seeded)
    survey = seeded.get(Survey, pk)
    results = dict(survey.results)
    with pytest.raises(PurgeRefused) as refusal:
        purge_questionnaires(seeded, survey, actor=Actor.system(),
                             now=closed_at + timedelta(days=3 * 365))
    assert "2029-12-01" in refusal.value.message
    forms = seeded.scalars(select(SurveyForm).where(SurveyForm.survey_id == pk)).all()
    assert all(f.answers for f in forms)
    purged = purge_questionnaires(seeded, survey, actor=Actor.system(),
                                  now=datetime(2029, 12, 1, 10, 0), who="admin-test")
    assert purged == 2
    seeded.expire_all()
    forms = seeded.scalars(select(SurveyForm).where(SurveyForm.survey_id == pk)).all()
    assert all(f.answers is None and f.feedback is None for f in forms)
    survey = seeded.get(Survey, pk)
    assert survey.results == results and survey.overall_rate == results["overall"]
    entry = seeded.scalar(select(AuditLog).where(AuditLog.action == "purge_questionnaires"))
    assert entry.username == "admin-test" and entry.row_id == str(pk)
    assert entry.changes["forms"] == 2 and entry.changes["survey"] == survey.number


def test_purge_from_the_admin_page_and_the_command(app, world, api_as, as_user, seeded):
    pk, closed_at = closed_survey(world, api_as, seeded)
    number = seeded.get(Survey, pk).number
    with clock.using(clock.FrozenClock(closed_at + timedelta(days=30))):
        admin = as_user("admin")
        token = csrf_token(admin, "/surveyarchiveview/list/")
        young = admin.post("/surveyarchiveview/action_post", follow_redirects=True,
                           data={"action": "purge", "rowid": [str(pk)], "csrf_token": token})
        assert "2029-12-01" in young.get_data(as_text=True)
        deputy = as_user("deputy")
        assert deputy.get("/surveyarchiveview/list/").status_code in (302, 403)
        assert deputy.post("/surveyarchiveview/action_post", data={
            "action": "purge", "rowid": [str(pk)],
            "csrf_token": csrf_token(deputy, "/surveyview/list/")}).status_code == 403
        refused = app.test_cli_runner().invoke(args=["surveys", "purge", number])
        assert refused.exit_code != 0 and "2029-12-01" in refused.output
    assert seeded.scalar(select(AuditLog).where(AuditLog.action == "purge_questionnaires")) \
        is None
    with clock.using(clock.FrozenClock(datetime(2029, 12, 2, 9, 0))):
        admin = as_user("admin")
        token = csrf_token(admin, "/surveyarchiveview/list/")
        done = admin.post("/surveyarchiveview/action_post", follow_redirects=True,
                          data={"action": "purge", "rowid": [str(pk)], "csrf_token": token})
        assert done.status_code == 200 and number in done.get_data(as_text=True)
        again = app.test_cli_runner().invoke(args=["surveys", "purge", "--due"])
        assert again.exit_code == 0 and "Nothing to purge" in again.output
    entry = seeded.scalar(select(AuditLog).where(AuditLog.action == "purge_questionnaires"))
    assert entry.username == "admin" and entry.changes["forms"] == 2
    assert all(f.answers is None for f in seeded.scalars(
        select(SurveyForm).where(SurveyForm.survey_id == pk)))


def test_the_command_purges_surveys_past_retention(app, world, api_as, seeded):
    pk, closed_at = closed_survey(world, api_as, seeded)
    with clock.using(clock.FrozenClock(datetime(2030, 1, 5, 3, 0))):
        result = app.test_cli_runner().invoke(args=["surveys", "purge", "--due"])
    assert result.exit_code == 0, result.output
    assert f"{seeded.get(Survey, pk).number}: 2 questionnaires purged" in result.output
    entry = seeded.scalar(select(AuditLog).where(AuditLog.action == "purge_questionnaires"))
    assert entry.username.startswith("cli:") and entry.changes["forms"] == 2
    assert date(2030, 1, 5) == entry.at.date()


def test_pages_render_and_an_action_is_raised_through_the_form(world, api_as, as_user,
                                                               seeded):
    """The list, detail and add pages in Chinese; the add form offers the office's
    departments (not only the raiser's own) and registers through the engine."""
    pk = scored_survey(world, api_as, seeded)
    with clock.using(clock.FrozenClock(CLOSED + timedelta(days=1))):
        letter_pk = new_letter(api_as("quality_a"), pk).json["id"]
        client = as_user("supervisor_a")
        for path in ("/openletterview/list/", f"/openletterview/show/{letter_pk}",
                     "/openletterview/add", "/correctiveactionview/list/"):
            assert client.get(f"{path}?_l_=zh_Hans").status_code == 200, path
        form = client.get("/correctiveactionview/add").get_data(as_text=True)
        assert "Engineering A" in form and "Engineering B" not in form
        token = csrf_token(client, "/correctiveactionview/add")
        posted = client.post("/correctiveactionview/add", data={
            "csrf_token": token, "survey": str(pk), "estate": str(world.estate_a),
            "item_key": "water", "department": str(world.eng_a),
            "owner": str(world.user_head_a), "due_date": "2026-12-10"})
        assert posted.status_code == 302, posted.get_data(as_text=True)[-2000:]
        action = seeded.scalar(select(CorrectiveAction).where(CorrectiveAction.survey_id == pk))
        assert action.department_id == world.eng_a and action.state == "open"
        assert client.get(f"/correctiveactionview/show/{action.id}?_l_=zh_Hant"
                          ).status_code == 200
        wrong = client.post("/correctiveactionview/add", data={
            "csrf_token": token, "survey": str(pk), "estate": str(world.estate_a),
            "item_key": "greening", "department": str(world.eng_a),
            "owner": str(world.user_head_a), "due_date": "2026-12-10"})
        assert wrong.status_code == 400 and 'value="greening"' in wrong.get_data(as_text=True)
        archive = as_user("admin").get("/surveyarchiveview/list/")
        assert archive.status_code == 200
