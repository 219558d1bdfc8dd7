"""Printed forms of satisfaction surveys (R-SV-3..7, R-PR), fetched through the REST API the
survey's page uses (`GET /api/v1/survey/<pk>/pdf?form=…&lang=…&second=…`). Every survey
form is printed by the background workers, never in a web worker: the API answers 202 with
the job and the PDF is the job's file (the tasks run in the test's process, as Celery's
eager mode):

* the questionnaire 顾客满意度调查表: one page per sampled household, in estate, building and
  unit order, each with its code as text and as a QR code opening `/s/<code>`, the items
  and the answer scale in both print languages, never a phone;
* the statistics table 顾客满意率统计表: counts, recovery rate, item and overall rates and
  the per-estate section once the collection is closed; before, the counts only.
"""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.models.base import local_now
from app.models.survey import DEFAULT_ITEMS, Questionnaire, Survey, SurveyForm
from app.models.workflow import DeadlinePolicy, DeadlineTimer
from app.printing import FORMS, get_form
from app.security.actor import Actor
from app.workflows.survey import record_answers
from app.workflows.survey_scoring import percent
from tests.helpers import (
    assert_every_character_has_a_glyph,
    embedded_families,
    pdf_of,
    pdf_text,
)
from tests.test_surveys import API, plan, take

# The answer scale of R-SV-5, as printed on every questionnaire.
SCALE = {"zh_Hans": ["非常满意", "满意", "基本满意", "不满意", "非常不满意", "未作答"],
         "zh_Hant": ["非常滿意", "滿意", "基本滿意", "不滿意", "非常不滿意", "未作答"],
         "en": ["Very satisfied", "Satisfied", "Fairly satisfied", "Unsatisfied",
                "Very unsatisfied", "No answer"]}
ENGLISH_LABELS = ["Estate", "Unit", "Resident", "Item", "Questionnaire code",
                  "Scan to answer online", "Please return by", "Your comments",
                  "Service hotline", "Satisfaction", "Recovery rate", "Overall satisfaction",
                  "Per estate", "Distributed", "Returned", "Qualified", "Prepared by",
                  "Customer satisfaction", "Survey", "Period",
                  *SCALE["en"], *(item["en"] for item in DEFAULT_ITEMS)]


@pytest.fixture
def seeded(seeded):
    """The reference data of tests/conftest.py, plus the questionnaire that
    tests/test_surveys.py's `plan` plans with."""
    seeded.add(Questionnaire(name="Survey test questionnaire",
                             items=[dict(item) for item in DEFAULT_ITEMS]))
    seeded.commit()
    return seeded


def walk(api_as, world, session, to: str) -> int:
    """An ISO survey of Estate A (fewer than 300 households: every occupied unit, i.e. both
    of its units, is sampled), walked by its people up to the state `to`."""
    supervisor = api_as("supervisor_a")
    pk = plan(supervisor, world, session, preset="iso")
    take(supervisor, pk, "submit")
    take(api_as("director_a"), pk, "review")
    take(api_as("deputy"), pk, "approve")
    take(supervisor, pk, "receive_forms")
    if to in ("collecting", "closed"):
        take(supervisor, pk, "distribute")
    if to == "closed":
        forms = session.scalars(select(SurveyForm).where(SurveyForm.survey_id == pk)
                                .order_by(SurveyForm.unit_id)).all()
        keys = [item["key"] for item in DEFAULT_ITEMS]
        # Household 1: all satisfied but water; household 2: all very satisfied, no answer
        # on repairs. Water 1 of 2 = 50 %, repair 1 of 1, the rest 100 %: overall 15 / 16.
        record_answers(forms[0], {**{k: "satisfied" for k in keys}, "water": "unsatisfied"},
                       channel="paper", session=session, actor=Actor.system(),
                       now=local_now())
        record_answers(forms[1], {**{k: "very_satisfied" for k in keys},
                                  "repair": "no_answer"},
                       channel="online", session=session, actor=None, now=local_now())
        session.commit()
        take(supervisor, pk, "close_collection")
        take(supervisor, pk, "publish", {"analysis": "Water pressure",
                                         "improvements": "Booster pump"})
        take(supervisor, pk, "close")
    session.expire_all()
    return pk


def fetch(api, pk: int, form: str, lang: str, second: str | None) -> bytes:
    """The form as a background job: a 202 naming the job, then the finished job's PDF (a
    form laid out in the web request answers 200 and fails here)."""
    query = f"form={form}&lang={lang}&second={second or ''}"
    answer = api.get(f"{API}{pk}/pdf?{query}")
    assert answer.status_code == 202, (form, answer.status_code)
    download = api.get(answer.json["download"])
    assert download.status_code == 200 and download.data.startswith(b"%PDF-"), form
    return download.data


def flat(text: str) -> str:
    return text.replace("\n", "").replace(" ", "")


# Names of the test organisation (tests/world.py) and the survey's title are English data,
# not labels: left out before looking for English labels.
DATA = ("TestPropertyCo", "OfficeA", "EstateA", "BlockA1", "ResidentA", "2026annualsurvey")


def without_data(text: str) -> str:
    for name in DATA:
        text = text.replace(name, "")
    return text


def drawn_images(page) -> list:
    """The images a page draws (WeasyPrint's pages share one resource dictionary, so
    `page.images` lists every page's)."""
    import re

    names = re.findall(r"/([^\s/\[\]()<>]+)\s+Do\b",
                       page.get_contents().get_data().decode("latin-1"))
    by_name = {image.name.rsplit(".", 1)[0]: image for image in page.images}
    return [by_name[name] for name in names]


def households(session, pk: int) -> list[tuple[str, str]]:
    """(code, unit number) of every sampled household, in unit order."""
    from app.models.org import Unit

    return [tuple(row) for row in session.execute(
        select(SurveyForm.code, Unit.number).join(Unit, Unit.id == SurveyForm.unit_id)
        .where(SurveyForm.survey_id == pk).order_by(Unit.number))]


def qr_matches(image, text: str) -> bool:
    """The printed QR code, read back module by module, is the code of `text` (drawn with
    error correction M, 4 pixels a module, as the printing package does)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=4, border=2)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    picture = image.convert("L")
    if picture.size != (len(matrix) * 4, len(matrix) * 4):
        return False
    return all((picture.getpixel((c * 4 + 2, r * 4 + 2)) < 128) == dark
               for r, row in enumerate(matrix) for c, dark in enumerate(row))


# --- registration ------------------------------------------------------------------------------

def test_both_forms_are_declared_with_the_survey_type(app):
    questionnaire, statistics = get_form("survey_questionnaires"), get_form("survey_statistics")
    assert (questionnaire.doc_type, statistics.doc_type) == ("survey", "survey")
    assert questionnaire.endpoint == statistics.endpoint == "SurveyView.show"
    assert "R-SV-3" in questionnaire.rules and "R-SV-5" in statistics.rules
    declared = [k for k, f in FORMS.items() if f.doc_type == "survey"]
    assert {"survey_questionnaires", "survey_statistics", "survey_report"} <= set(declared)
    assert "R-SV-7" in get_form("survey_report").rules
    # None of them is laid out in a web worker: each prints as a background job.
    assert all(FORMS[key].background for key in declared)


# --- the questionnaire ------------------------------------------------------------------------

def test_questionnaires_one_page_per_household_with_its_code_and_qr(world, api_as, seeded):
    pk = walk(api_as, world, seeded, "collecting")
    pdf = fetch(api_as("supervisor_a"), pk, "survey_questionnaires", "zh_Hans", "en")
    sampled = households(seeded, pk)
    assert [unit for _code, unit in sampled] == ["A-1501", "A-1502"]
    pages = pdf_text(pdf)
    assert len(pages) == len(sampled) == 2  # one A4 page per household
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    survey = seeded.get(Survey, pk)
    due = seeded.scalar(select(DeadlineTimer.due_at).join(DeadlinePolicy).where(
        DeadlineTimer.doc_type == "survey", DeadlineTimer.doc_id == pk,
        DeadlinePolicy.key == "survey.collection"))
    for (code, unit), page, pdf_page in zip(sampled, pages, reader.pages):
        text = flat(page)
        assert code in text and all(other not in text for other, _u in sampled if other != code)
        assert survey.number in text and flat(survey.title) in text
        assert "EstateA" in text and unit in text
        url = f"http://localhost/s/{code}"
        assert url in text  # the QR code's target, printed under it
        images = drawn_images(pdf_page)
        assert len(images) == 1 and qr_matches(images[0].image, url)
        for label in ("问卷编码", "调查", "小区", "单元", "业户", "扫码在线作答",
                      "请于此时间前交回", "您的意见和建议", "顾客满意度调查表"):
            assert label in text, label
        for item in DEFAULT_ITEMS:  # the items, both print languages
            assert item["zh_Hans"] in text and flat(item["en"]) in text
        for answer in SCALE["zh_Hans"] + SCALE["en"]:
            assert flat(answer) in text, answer
        assert due.strftime("%Y-%m-%d%H:%M") in text  # collection deadline (R-SV-4)
    assert "ResidentA" in flat(pages[0]) and "ResidentA" not in flat(pages[1])
    whole = "".join(pages)
    assert "13812345678" not in whole and "138****5678" not in whole  # no phone at all
    assert embedded_families(pdf) == {"Noto-Sans-CJK-SC"}
    assert_every_character_has_a_glyph(pdf)


def test_the_survey_page_prints_every_form_as_a_background_job(world, api_as, as_user,
                                                                 seeded):
    """A sheet per household, or the sums and charts of every estate: printed by the
    workers even for one survey, never in the web worker; the person follows the job and
    downloads the same PDF."""
    pk = walk(api_as, world, seeded, "collecting")
    supervisor = as_user("supervisor_a")
    response = supervisor.get(f"/surveyview/print/{pk}?form=survey_questionnaires"
                              "&lang=zh_Hans&second=en")
    assert response.status_code == 302 and "/jobview/show/" in response.location
    status = supervisor.get(response.location.replace("/show/", "/status/")).json
    assert status["state"] == "done", status
    pdf = supervisor.get(status["download"])
    assert pdf.mimetype == "application/pdf"
    assert [flat(p) for p in pdf_text(pdf.data)] == [
        flat(p) for p in pdf_text(fetch(api_as("supervisor_a"), pk, "survey_questionnaires",
                                        "zh_Hans", "en"))]
    # The sample list, the statistics and the report too, each its job and its own PDF.
    for form, title in (("survey_sample", "抽样名单"), ("survey_statistics", "顾客满意率统计表"),
                        ("survey_report", "顾客满意度调查报告")):
        response = supervisor.get(f"/surveyview/print/{pk}?form={form}&lang=zh_Hans"
                                  "&second=en")
        assert response.status_code == 302 and "/jobview/show/" in response.location, form
        status = supervisor.get(response.location.replace("/show/", "/status/")).json
        assert (status["state"], status["percent"]) == ("done", 100), status
        pdf = supervisor.get(status["download"])
        assert pdf.mimetype == "application/pdf"
        text = flat("".join(pdf_text(pdf.data)))
        assert title in text and survey_number(seeded, pk) in text, form


def survey_number(session, pk: int) -> str:
    session.expire_all()
    return session.get(Survey, pk).number


@pytest.mark.parametrize("form,title", [("survey_statistics", "顾客满意率统计表"),
                                        ("survey_report", "顾客满意度调查报告")])
def test_statistics_and_report_are_jobs_of_their_requester_over_the_api(
        world, api_as, seeded, form, title):
    """R-SV-5, R-SV-7 over the REST API: 202 with the job, followed at /api/v1/job/<id> to
    100 % and downloaded by its requester only; another office's survey is not found."""
    from app.models.job import Job

    pk = walk(api_as, world, seeded, "closed")
    url = f"{API}{pk}/pdf?form={form}&lang=zh_Hans&second=en"
    director = api_as("director_a")
    answer = director.get(url)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    assert answer.json["job"] == f"/api/v1/job/{answer.json['job_id']}"
    job = director.get(answer.json["job"]).json["result"]
    assert job["state"] == "done" and job["done"] == job["total"] >= 1, job
    row = seeded.get(Job, answer.json["job_id"])
    assert row.params["form"] == form and row.params["ids"] == [pk]
    pdf = director.get(answer.json["download"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = flat("".join(pdf_text(pdf.data)))
    assert title in text and "93.75%" in text  # the rates of the closed survey (walk)
    assert_every_character_has_a_glyph(pdf.data)
    assert api_as("supervisor_a").get(answer.json["download"]).status_code == 404
    assert api_as("supervisor_b").get(url).status_code == 404  # another office


def test_questionnaires_in_both_chinese_scripts_print_no_english_label(world, api_as, seeded):
    pk = walk(api_as, world, seeded, "sampled")
    pdf = fetch(api_as("quality_a"), pk, "survey_questionnaires", "zh_Hant", "zh_Hans")
    pages = pdf_text(pdf)
    assert len(pages) == 2
    for page in pages:
        text = flat(page)
        for english in ENGLISH_LABELS:
            assert flat(english) not in without_data(text), english
        for item in DEFAULT_ITEMS:
            assert item["zh_Hant"] in text and item["zh_Hans"] in text
        for answer in SCALE["zh_Hant"] + SCALE["zh_Hans"]:
            assert answer in text
        assert "屋苑" in text and "單位" in text and "業戶" in text  # Hong Kong wording
        assert "顧客滿意度調查表" in text and "顾客满意度调查表" in text
    assert embedded_families(pdf) == {"Noto-Sans-CJK-TC", "Noto-Sans-CJK-SC"}
    assert_every_character_has_a_glyph(pdf)


def test_the_answering_url_follows_the_configured_print_host(app, world, api_as, seeded,
                                                             monkeypatch):
    pk = walk(api_as, world, seeded, "sampled")
    monkeypatch.setitem(app.config, "PRINT_BASE_URL", "https://desk.example.com/")
    pdf = fetch(api_as("supervisor_a"), pk, "survey_questionnaires", "zh_Hans", "en")
    for (code, _unit), page in zip(households(seeded, pk), pdf_text(pdf)):
        assert f"https://desk.example.com/s/{code}" in flat(page)


def test_before_the_sample_the_questionnaire_says_so(world, api_as, seeded):
    supervisor = api_as("supervisor_a")
    pk = plan(supervisor, world, seeded)
    pages = pdf_text(fetch(supervisor, pk, "survey_questionnaires", "zh_Hans", "en"))
    assert len(pages) == 1 and "尚未抽取样本户" in flat(pages[0])


def test_questionnaires_are_printed_only_by_those_who_may(world, api_as, seeded):
    pk = walk(api_as, world, seeded, "sampled")
    url = f"{API}{pk}/pdf?form=survey_questionnaires&lang=zh_Hans&second=en"
    assert pdf_of(api_as("director_a"), url)  # P.PRINT granted: printed as a job
    answer = api_as("director_a").get(url)
    assert answer.status_code == 202 and answer.json["job"].startswith("/api/v1/job/")
    assert api_as("supervisor_a").get(answer.json["job"]).status_code == 404  # not theirs
    assert api_as("supervisor_a").get(answer.json["download"]).status_code == 404
    assert api_as("supervisor_b").get(url).status_code == 404  # another office
    assert api_as("tech_a").get(url).status_code == 403  # no survey permission


def second_estate(session, world) -> int:
    """Estate A2 of office A: Block 10 with unit 1001, Block 9 with units 1001 and 101 (in
    that order of creation, so that only a natural sort gives 9 before 10, 101 before 1001);
    supervisor_a works there too."""
    from datetime import date

    from app.models import StaffProfile
    from app.models.org import Building, Estate, Unit

    estate = Estate(office_id=world.office_a, code="EST-A2", name="Estate A2",
                    kind="residential", region="mainland", script="zh_Hans",
                    move_in_date=date(2020, 1, 1), household_count=3)
    ten, nine = Building(estate=estate, name="Block 10"), Building(estate=estate, name="Block 9")
    session.add_all([estate, ten, nine, Unit(building=ten, number="1001"),
                     Unit(building=nine, number="1001"), Unit(building=nine, number="101")])
    profile = session.scalar(select(StaffProfile)
                             .where(StaffProfile.user_id == world.user_supervisor_a))
    profile.estates.append(estate)
    session.commit()
    return estate.id


def test_questionnaires_of_several_estates_in_estate_building_unit_order(world, api_as, seeded):
    estate_a2 = second_estate(seeded, world)
    supervisor = api_as("supervisor_a")
    pk = plan(supervisor, world, seeded, preset="iso", estates=[world.estate_a, estate_a2])
    take(supervisor, pk, "submit")
    take(api_as("director_a"), pk, "review")
    take(api_as("deputy"), pk, "approve")
    take(supervisor, pk, "receive_forms")
    pages = [flat(page) for page in pdf_text(fetch(api_as("director_a"), pk,
                                                   "survey_questionnaires", "zh_Hans", "en"))]
    assert len(pages) == 5
    assert ["EstateA2" not in page for page in pages] == [True, True, False, False, False]
    assert "A-1501" in pages[0] and "A-1502" in pages[1]
    assert "Block9101" in pages[2] and "Block91001" in pages[3] and "Block101001" in pages[4]


# --- the statistics table ------------------------------------------------------------------------

def test_statistics_of_a_closed_survey(world, api_as, seeded):
    pk = walk(api_as, world, seeded, "closed")
    survey = seeded.get(Survey, pk)
    results = survey.results
    assert results["overall"] is not None
    pdf = fetch(api_as("supervisor_a"), pk, "survey_statistics", "zh_Hans", "en")
    text = flat("".join(pdf_text(pdf)))
    for label in ("顾客满意率统计表", "已发放", "已回收", "有效问卷", "回收率", "满意率",
                  "综合满意率", "各小区", "Customersatisfactionstatistics"):
        assert label in text, label
    for item in DEFAULT_ITEMS:
        assert item["zh_Hans"] in text and flat(item["en"]) in text
    by_key = {item["key"]: item for item in results["items"]}
    assert percent(Decimal(by_key["water"]["rate"])) == "50.00 %"
    assert flat(percent(Decimal(by_key["water"]["rate"]))) in text
    overall = percent(Decimal(results["overall"]))
    assert overall == "93.75 %" and text.count(flat(overall)) >= 2  # survey and Estate A
    assert "不合格" in text and "≥96%" in text  # 93.75 % < 96 % (R-SV-5)
    assert "100.00%" in text  # 2 of 2 returned
    assert "EstateA" in text
    assert_every_character_has_a_glyph(pdf)


def test_statistics_before_the_collection_closes_print_counts_only(world, api_as, seeded):
    pk = walk(api_as, world, seeded, "collecting")
    form_id = seeded.scalars(select(SurveyForm.id).where(SurveyForm.survey_id == pk)).first()
    record_answers(seeded.get(SurveyForm, form_id),
                   {item["key"]: "unsatisfied" for item in DEFAULT_ITEMS}, channel="paper",
                   session=seeded, actor=Actor.system(), now=local_now())
    seeded.commit()
    pdf = fetch(api_as("supervisor_a"), pk, "survey_statistics", "zh_Hant", "zh_Hans")
    text = flat("".join(pdf_text(pdf)))
    assert "問卷回收截止後，此處列印各項滿意率。" in text
    assert "问卷回收截止后，此处打印各项满意率。" in text
    assert "50.00%" in text  # recovery: 1 of 2 returned
    assert "0.00%" not in text.replace("50.00%", "")  # no running rate (R-SV-10)
    assert "滿意率" in text and "綜合滿意率" not in text
    for english in ENGLISH_LABELS:
        assert flat(english) not in without_data(text), english


# --- the answering URL -----------------------------------------------------------------------

def test_answer_url_comes_from_the_answering_page_or_its_path(app):
    """url_for(SurveyAnswerView.answer) when the page is registered; its path /s/<code> on
    the request's host when it is not; PRINT_BASE_URL fixes the host outside requests."""
    from flask import Flask

    from app.workflows.survey_print import answer_url

    site = Flask("answering")
    site.add_url_rule("/answer/<code>", "SurveyAnswerView.answer", lambda code: code)
    with site.test_request_context("/", base_url="https://desk.example.com"):
        assert answer_url("ABCDEFGH23") == "https://desk.example.com/answer/ABCDEFGH23"
    bare = Flask("bare")
    with bare.test_request_context("/", base_url="https://desk.example.com"):
        assert answer_url("ABCDEFGH23") == "https://desk.example.com/s/ABCDEFGH23"
    bare.config["PRINT_BASE_URL"] = "https://print.example.org/"
    with bare.app_context():
        assert answer_url("ABCDEFGH23") == "https://print.example.org/s/ABCDEFGH23"
    with site.app_context():
        site.config["PRINT_BASE_URL"] = "https://print.example.org"
        assert answer_url("ABCDEFGH23") == "https://print.example.org/answer/ABCDEFGH23"
        site.config["PRINT_BASE_URL"] = None
        assert answer_url("ABCDEFGH23") == "/answer/ABCDEFGH23"  # no host known: the path
    with bare.app_context():
        bare.config["PRINT_BASE_URL"] = None
        assert answer_url("ABCDEFGH23") == "/s/ABCDEFGH23"


def test_statistics_of_several_estates_have_a_section_each(world, api_as, seeded):
    estate_a2 = second_estate(seeded, world)
    supervisor = api_as("supervisor_a")
    pk = plan(supervisor, world, seeded, preset="iso", estates=[world.estate_a, estate_a2])
    take(supervisor, pk, "submit")
    take(api_as("director_a"), pk, "review")
    take(api_as("deputy"), pk, "approve")
    take(supervisor, pk, "receive_forms")
    take(supervisor, pk, "distribute")
    keys = [item["key"] for item in DEFAULT_ITEMS]
    for form in seeded.scalars(select(SurveyForm).where(SurveyForm.survey_id == pk)).all():
        answer = "satisfied" if form.estate_id == world.estate_a else "unsatisfied"
        record_answers(form, dict.fromkeys(keys, answer), channel="paper", session=seeded,
                       actor=Actor.system(), now=local_now())
    seeded.commit()
    take(supervisor, pk, "close_collection")
    text = flat("".join(pdf_text(fetch(api_as("director_a"), pk, "survey_statistics",
                                       "zh_Hans", "en"))))
    # Every item 2 of 5 satisfied: 40 %; Estate A 100 %, Estate A2 0 % (R-SV-5).
    assert text.count("40.00%") == len(keys) + 2  # items, overall row, overall field
    per_estate = text[text.index("各小区"):]
    # Estate, sampled, returned, recovery, valid, overall, qualified; in name order.
    assert per_estate.index("EstateA22100.00%2100.00%是/Yes") < \
        per_estate.index("EstateA233100.00%30.00%否/No")
    assert per_estate.count("供电") == 2  # an item table per estate
    assert "小区/EstateEstateA、EstateA2" in text  # the header names every estate


# --- the report (R-SV-7) -----------------------------------------------------------------------

def test_report_of_a_published_survey(world, api_as, as_user, seeded):
    """Purpose, process dates, counts per estate, item and overall rates against the
    threshold, the roll-ups, trend and comparison with their charts drawn as SVG, the
    comments (counted, a bounded list), analysis and improvements; every glyph printed."""
    from app.workflows import survey as survey_workflow

    pk = walk(api_as, world, seeded, "collecting")
    forms = seeded.scalars(select(SurveyForm).where(SurveyForm.survey_id == pk)
                           .order_by(SurveyForm.unit_id)).all()
    keys = [item["key"] for item in DEFAULT_ITEMS]
    record_answers(forms[0], {**dict.fromkeys(keys, "satisfied"), "water": "unsatisfied"},
                   channel="paper", session=seeded, actor=Actor.system(), now=local_now(),
                   feedback="电梯维修太慢")
    record_answers(forms[1], {**dict.fromkeys(keys, "very_satisfied"), "repair": "no_answer"},
                   channel="online", session=seeded, actor=None, now=local_now(),
                   feedback="保安很好")
    seeded.commit()
    supervisor = api_as("supervisor_a")
    take(supervisor, pk, "close_collection")
    page = as_user("supervisor_a").get(f"/surveyview/show/{pk}").get_data(as_text=True)
    assert 'id="survey-print-report"' not in page  # the report is printed once published
    take(supervisor, pk, "publish", {"analysis": "水压不足", "improvements": "更换加压泵"})
    page = as_user("supervisor_a").get(f"/surveyview/show/{pk}?_l_=zh_Hans").get_data(
        as_text=True)
    link = page.split('id="survey-print-report"')[1].split('href="')[1].split('"')[0]
    assert "form=survey_report" in link and "lang=zh_Hans" in link and "second=en" in link
    printer = as_user("supervisor_a")
    printed = printer.get(link.replace("&amp;", "&"))  # a job, not a PDF laid out here
    assert printed.status_code == 302 and "/jobview/show/" in printed.location
    status = printer.get(printed.location.replace("/show/", "/status/")).json
    assert status["state"] == "done", status
    assert "顾客满意度调查报告" in flat("".join(pdf_text(printer.get(status["download"]).data)))

    pdf = fetch(supervisor, pk, "survey_report", "zh_Hans", "en")
    text = flat("".join(pdf_text(pdf)))
    survey = seeded.get(Survey, pk)
    for label in ("顾客满意度调查报告", "Customersatisfactionsurveyreport", "调查过程",
                  "各小区问卷发放与回收", "有效问卷", "综合满意率", "分析与改进措施",
                  "各小区、管理处、分公司及公司满意率", "业户意见"):
        assert label in text, label
    assert flat(survey.purpose) in text
    for stamp in (survey.approved_at, survey.forms_received_at, survey.distributed_at,
                  survey.collection_closed_at, survey.scored_at):
        assert stamp.strftime("%Y-%m-%d%H:%M") in text
    assert "93.75%" in text and "50.00%" in text and "不合格" in text and "≥96%" in text
    assert "93.8%" in text  # the trend chart's point: drawn from the SVG
    assert text.count("TestBranch") >= 2  # the roll-up and the branches compared
    assert "电梯维修太慢" in text and "保安很好" in text and "水压不足" in text
    assert "收到意见/Commentsreceived:2" in text
    assert_every_character_has_a_glyph(pdf)
    html = survey_workflow.report_values(survey)["report_in"]("zh_Hans")["charts"]
    assert all("<svg" in str(chart) for chart in html.values())

    # At most REPORT_COMMENTS comments printed; the count says how many there were.
    original = survey_workflow.REPORT_COMMENTS
    survey_workflow.REPORT_COMMENTS = 1
    try:
        hant = fetch(supervisor, pk, "survey_report", "zh_Hant", "zh_Hans")
    finally:
        survey_workflow.REPORT_COMMENTS = original
    assert_every_character_has_a_glyph(hant)  # the charts' labels in Traditional too
    text = flat("".join(pdf_text(hant)))
    assert "供水" in text and "93.8%" in text
    assert "電梯維修太慢" in text and "保安很好" not in text
    assert "收到意見/收到意见:2" in text and "本報告列出前幾條/本报告列出前几条:1" in text
    for english in ENGLISH_LABELS:
        rest = without_data(text).replace("TestBranch", "").replace(
            "Satisfactionoftheresidentsof", "")  # the purpose, as typed: data
        assert flat(english) not in rest, english


def test_report_before_the_collection_closes_prints_no_rates(world, api_as, seeded):
    """R-SV-10: before the close the report prints the plan and the counts, no rates."""
    pk = walk(api_as, world, seeded, "collecting")
    text = flat("".join(pdf_text(fetch(api_as("supervisor_a"), pk, "survey_report",
                                       "zh_Hans", "en"))))
    assert "问卷回收截止后，此处打印各项满意率。" in text and "0.00%" in text  # recovery 0 %
    assert "综合满意率" not in text and "<svg" not in text


def test_a_long_print_is_laid_out_on_several_processes_page_for_page(app, api_as, world,
                                                                       seeded, monkeypatch):
    """PRINT_PARALLEL_SHEETS sheets or more are laid out on PRINT_PROCESSES processes and
    joined in order: the same pages, the same text, as in one process. (A job's parts are
    laid out this way by each worker; the renderer is called as a worker calls it.)"""
    import app.printing.parallel as parallel
    from app.models.survey import Survey
    from app.printing.render import render_pdf
    from app.security.actor import Actor

    pk = walk(api_as, world, seeded, "collecting")

    def fetch(*_args) -> bytes:
        seeded.expire_all()  # as a worker: outside any request, the system's scope
        with app.app_context():
            return render_pdf("survey_questionnaires", [seeded.get(Survey, pk)],
                              lang="zh_Hans", second="en", actor=Actor.system(),
                              url=lambda doc: f"http://localhost/survey/{doc.id}")

    supervisor = None
    monkeypatch.setitem(app.config, "PRINT_PROCESSES", 1)
    serial = pdf_text(fetch(supervisor, pk, "survey_questionnaires", "zh_Hans", "en"))
    joined: list[int] = []
    join = parallel.join_pdfs
    monkeypatch.setattr(parallel, "join_pdfs", lambda parts: joined.append(len(parts))
                        or join(parts))
    monkeypatch.setitem(app.config, "PRINT_PROCESSES", 2)
    monkeypatch.setitem(app.config, "PRINT_PARALLEL_SHEETS", 2)
    pdf = fetch(supervisor, pk, "survey_questionnaires", "zh_Hans", "en")
    assert joined == [2]  # two households, two processes, one page each
    assert pdf_text(pdf) == serial and len(serial) == 2
    assert_every_character_has_a_glyph(pdf)


def test_the_questionnaires_of_one_estate_print_apart(app, api_as, as_user, world, seeded):
    """One stack of paper per estate (R-SV-4): a survey of Estate A (two households) and a
    second estate of Office A (one household) prints all three, or one estate's; another
    office's estate or a malformed one is a translated 400."""
    from app.models.org import Building, Estate, Unit
    from app.models.resident import Resident
    from app.models.staff import StaffProfile

    office_a = seeded.get(Estate, world.estate_a).office
    second = Estate(office=office_a, code="EST-A2", name="Estate A2", kind="residential",
                    region="mainland", script="zh_Hans", household_count=1)
    unit = Unit(building=Building(estate=second, name="Block A21", floors=3), number="A2-101")
    seeded.add_all([second, unit, Resident(unit=unit, name="Resident A2", relation="owner",
                                           phone="13700000000")])
    profile = seeded.scalar(select(StaffProfile).where(
        StaffProfile.user_id == world.user_supervisor_a))
    profile.estates.append(second)
    seeded.commit()
    second_id = second.id
    supervisor = api_as("supervisor_a")
    pk = plan(supervisor, world, seeded, preset="iso", estates=[world.estate_a, second_id])
    take(supervisor, pk, "submit")
    take(api_as("director_a"), pk, "review")
    take(api_as("deputy"), pk, "approve")
    take(supervisor, pk, "receive_forms")

    def pages(estate: str | None) -> list[str]:
        query = "form=survey_questionnaires&lang=zh_Hans&second=en"
        return pdf_text(pdf_of(supervisor, f"{API}{pk}/pdf?{query}"
                               + (f"&estate={estate}" if estate else "")))

    assert len(pages(None)) == 3
    only_a = pages(str(world.estate_a))
    assert len(only_a) == 2 and not any("A2-101" in flat(p) for p in only_a)
    only_second = pages(str(second_id))
    assert len(only_second) == 1 and "A2-101" in flat(only_second[0])
    for wrong in (str(world.estate_b), "x"):
        refused = supervisor.get(f"{API}{pk}/pdf?form=survey_questionnaires&lang=zh_Hans"
                                 f"&estate={wrong}&_l_=zh_Hans")
        assert refused.status_code == 400
        assert "不包括此小区" in refused.json["message"]
    # The survey page offers one print per estate while the sample is out.
    page = as_user("supervisor_a").get(f"/surveyview/show/{pk}").get_data(as_text=True)
    assert page.count("survey-print-estate") == 2 and f"estate={second_id}" in page


def test_the_sample_list_prints_who_got_and_who_returned_a_questionnaire(world, api_as,
                                                                          seeded):
    """The sample list (R-SV-3) is a printed table as well as the questionnaire list: every
    sampled household with its code, and which questionnaires came back, never a phone."""
    pk = walk(api_as, world, seeded, "collecting")
    forms = seeded.scalars(select(SurveyForm).where(SurveyForm.survey_id == pk)
                           .order_by(SurveyForm.unit_id)).all()
    codes = [form.code for form in forms]
    record_answers(forms[0], {item["key"]: "satisfied" for item in DEFAULT_ITEMS},
                   channel="online", session=seeded, actor=None, now=local_now())
    seeded.commit()
    supervisor = api_as("supervisor_a")
    for lang, second, title, online in (("zh_Hans", "en", "抽样名单", "线上"),
                                        ("zh_Hant", "en", "抽樣名單", "網上")):
        pdf = fetch(supervisor, pk, "survey_sample", lang, second)
        text = flat("".join(pdf_text(pdf)))
        assert title in text and "Surveysamplelist" in text
        assert all(code in text for code in codes)
        assert "A-1501" in text and "A-1502" in text and "ResidentA" in text
        assert "13812345678" not in text and "5678" not in text  # no phone at all
        assert f"✓{online}" in text and text.count("✓") == 1
        assert_every_character_has_a_glyph(pdf)
    only_a = flat("".join(pdf_text(pdf_of(
        supervisor, f"{API}{pk}/pdf?form=survey_sample&lang=zh_Hans&second=en"
        f"&estate={world.estate_a}"))))
    assert all(code in only_a for code in codes)
    assert supervisor.get(f"{API}{pk}/pdf?form=survey_sample&lang=zh_Hans"
                          f"&estate={world.estate_b}").status_code == 400
