"""The questionnaire's item editor (R-SV-6): the quality officer edits the items as rows
(key, labels in zh_Hans / zh_Hant / en, order; add, remove, reorder) with errors at the
field; each save is a new version, and a survey approved before keeps its items, on the
page, in its answers and on its printed questionnaire."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models.survey import DEFAULT_ITEMS, Questionnaire, Survey
from app.workflows.engine import InvalidData
from app.workflows.survey import parse_items
from tests.helpers import pdf_of, pdf_text
from tests.test_surveys import API, plan, questionnaire_id, take

KEYS = [item["key"] for item in DEFAULT_ITEMS]


@pytest.fixture
def seeded(seeded):
    """tests/conftest.py's reference data and the questionnaire `plan` plans with."""
    seeded.add(Questionnaire(name="Survey test questionnaire",
                             items=[dict(i) for i in DEFAULT_ITEMS]))
    seeded.commit()
    return seeded


def editor(client, pk: int, lang: str = "en") -> tuple[str, dict[str, str]]:
    """The editor page and the fields it posts back as they are (rows, token, version)."""
    page = client.get(f"/questionnaireview/items/{pk}?_l_={lang}")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    fields = {name: value for name, value in re.findall(
        r'<input type="(?:text|hidden)"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)}
    return html, fields


def rows_of(items: list[dict]) -> dict[str, str]:
    form = {}
    for n, item in enumerate(items):
        for field, value in item.items():
            form[f"items-{n}-{field}"] = str(value)
    return form


def test_parse_items_orders_drops_and_validates():
    rows = [{"key": "water", "zh_Hans": "供水", "zh_Hant": "供水", "en": "Water", "order": "2"},
            {"key": "power", "zh_Hans": "供电", "zh_Hant": "供電", "en": "Power", "order": "1"},
            {"key": "gone", "zh_Hans": "x", "zh_Hant": "x", "en": "x", "remove": "1"},
            {"key": "", "zh_Hans": "", "zh_Hant": "", "en": "", "order": "9"}]
    assert [i["key"] for i in parse_items(rows)] == ["power", "water"]
    assert parse_items(rows)[0] == {"key": "power", "zh_Hans": "供电", "zh_Hant": "供電",
                                    "en": "Power"}
    with pytest.raises(InvalidData) as error:
        parse_items([{**rows[0]}, {**rows[1], "key": "water"}, {**rows[0], "key": "Bad key",
                                                                 "en": " "}])
    assert set(error.value.errors) == {"1-key", "2-key", "2-en"}
    with pytest.raises(InvalidData) as error:
        parse_items([{**rows[0], "order": "first"}])
    assert set(error.value.errors) == {"0-order"}
    with pytest.raises(InvalidData) as error:
        parse_items([{**rows[0], "remove": "1"}, rows[3]])
    assert "at least one item" in error.value.message


def test_the_quality_officer_edits_items_as_rows(world, as_user, seeded):
    """Rename, remove, add and move an item up; the version goes up by one; no JSON."""
    pk = questionnaire_id(seeded)
    officer = as_user("quality_a")
    show = officer.get(f"/questionnaireview/show/{pk}").get_data(as_text=True)
    assert 'id="edit-items"' in show and "供水" in show and "[{" not in show
    html, fields = editor(officer, pk)
    assert 'value="供水"' in html and 'value="供水"' in html and "items-8-key" in html
    assert "<textarea" not in html  # rows of fields, no JSON to type
    posted = {"csrf_token": fields["csrf_token"], "version": fields["version"]}
    items = [dict(i, order=n + 1) for n, i in enumerate(DEFAULT_ITEMS)]
    items[1]["en"] = "Water supply and pressure"
    items[7]["remove"] = "1"  # service attitude goes
    items.append({"key": "parking", "zh_Hans": "停车管理", "zh_Hant": "停車管理",
                  "en": "Parking", "order": "0"})  # added, and first
    saved = officer.post(f"/questionnaireview/items/{pk}", data={**posted, **rows_of(items)})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    seeded.expire_all()
    questionnaire = seeded.get(Questionnaire, pk)
    assert questionnaire.version == 2
    assert [i["key"] for i in questionnaire.items] == ["parking", *KEYS[:7]]
    assert questionnaire.items[2]["en"] == "Water supply and pressure"
    # Saving the same rows again changes nothing and is no new version.
    _html, fields = editor(officer, pk)
    assert fields["version"] == "2" and fields["items-0-key"] == "parking"
    again = officer.post(f"/questionnaireview/items/{pk}", data={
        "csrf_token": fields["csrf_token"], **{k: v for k, v in fields.items()
                                               if k != "csrf_token"}})
    assert again.status_code == 302
    seeded.expire_all()
    assert seeded.get(Questionnaire, pk).version == 2


def test_errors_are_shown_at_the_field_with_the_input_kept(world, as_user, seeded):
    pk = questionnaire_id(seeded)
    officer = as_user("quality_a")
    _html, fields = editor(officer, pk)
    posted = {"csrf_token": fields["csrf_token"], "version": fields["version"]}
    items = [dict(i) for i in DEFAULT_ITEMS]
    items[1]["key"] = "power"  # the same key twice
    items[2]["zh_Hant"] = ""  # a label missing
    bad = officer.post(f"/questionnaireview/items/{pk}?_l_=en",
                       data={**posted, **rows_of(items)})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert 'id="items-error"' in page and "This key is used by another item." in page
    assert "Required." in page and page.count('<td class="has-error"') == 2
    assert 'name="items-1-key" id="items-1-key" value="power"' in page  # as typed
    nothing = officer.post(f"/questionnaireview/items/{pk}",
                           data={**posted, **rows_of([dict(i, remove="1")
                                                      for i in DEFAULT_ITEMS])})
    assert nothing.status_code == 400
    assert "A questionnaire needs at least one item." in nothing.get_data(as_text=True)
    seeded.expire_all()
    assert seeded.get(Questionnaire, pk).items == [dict(i) for i in DEFAULT_ITEMS]


def test_a_save_on_an_old_version_is_refused(world, as_user, seeded):
    pk = questionnaire_id(seeded)
    officer = as_user("quality_a")
    _html, fields = editor(officer, pk)
    items = [dict(i) for i in DEFAULT_ITEMS]
    first = officer.post(f"/questionnaireview/items/{pk}", data={
        "csrf_token": fields["csrf_token"], "version": "1",
        **rows_of([*items, {"key": "lift", "zh_Hans": "电梯", "zh_Hant": "電梯",
                            "en": "Lifts"}])})
    assert first.status_code == 302
    late = officer.post(f"/questionnaireview/items/{pk}", data={
        "csrf_token": fields["csrf_token"], "version": "1", **rows_of(items[:2])})
    assert late.status_code == 409
    seeded.expire_all()
    questionnaire = seeded.get(Questionnaire, pk)
    assert questionnaire.version == 2 and questionnaire.items[-1]["key"] == "lift"


def test_only_those_who_may_edit_open_the_editor(world, as_user, seeded):
    pk = questionnaire_id(seeded)
    supervisor = as_user("supervisor_a")  # reads questionnaires, does not edit them
    assert supervisor.get(f"/questionnaireview/show/{pk}").status_code == 200
    assert 'id="edit-items"' not in supervisor.get(
        f"/questionnaireview/show/{pk}").get_data(as_text=True)
    assert supervisor.get(f"/questionnaireview/items/{pk}").status_code in (302, 403)
    assert as_user("tech_a").get(f"/questionnaireview/items/{pk}").status_code in (302, 403)
    assert as_user("quality_a").get("/questionnaireview/items/99999").status_code == 404


def test_an_edit_after_approval_leaves_the_running_survey_alone(world, api_as, as_user,
                                                                seeded):
    """R-SV-6: the survey keeps the items it was approved with: its page, its answers and
    its printed questionnaire; a survey approved after the edit takes the new ones."""
    supervisor = api_as("supervisor_a")
    pk = plan(supervisor, world, seeded)
    take(supervisor, pk, "submit")
    take(api_as("deputy"), pk, "approve")
    officer = as_user("quality_a")
    qid = questionnaire_id(seeded)
    _html, fields = editor(officer, qid)
    items = [{"key": "lift", "zh_Hans": "电梯运行", "zh_Hant": "電梯運行", "en": "Lifts"},
             *[dict(i) for i in DEFAULT_ITEMS[1:]]]  # power supply replaced by lifts
    assert officer.post(f"/questionnaireview/items/{qid}", data={
        "csrf_token": fields["csrf_token"], "version": fields["version"],
        **rows_of(items)}).status_code == 302
    seeded.expire_all()
    survey = seeded.get(Survey, pk)
    assert [i["key"] for i in survey.items] == KEYS and survey.questionnaire_version == 1
    take(supervisor, pk, "receive_forms")
    take(supervisor, pk, "distribute")
    pdf = pdf_of(supervisor, f"{API}{pk}/pdf?form=survey_questionnaires&lang=zh_Hans&second=en")
    text = "".join(pdf_text(pdf)).replace("\n", "").replace(" ", "")
    assert "供电" in text and "电梯运行" not in text
    shown = api_as("supervisor_a").get(f"{API}{pk}").json["result"]
    assert [i["key"] for i in shown["items"]] == KEYS
    later = plan(supervisor, world, seeded)
    take(supervisor, later, "submit")
    take(api_as("deputy"), later, "approve")
    seeded.expire_all()
    new = seeded.get(Survey, later)
    assert new.items[0]["key"] == "lift" and new.questionnaire_version == 2
    assert seeded.scalar(select(Questionnaire.version).where(Questionnaire.id == qid)) == 2
