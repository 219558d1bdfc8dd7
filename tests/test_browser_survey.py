"""In headless Chromium, in Traditional Chinese (zh_Hant): the quality officer drafts a
satisfaction survey plan (R-SV-2), the deputy general manager approves it, the forms are
received and the sample drawn (R-SV-3), the questionnaires print (one page a household,
each with its code), 20 answers come back — 8 online by residents on /s/<code>, 12 typed
in from paper (R-SV-4) — the collection is closed and the page shows the overall and item
rates (R-SV-5), hand-computed here from the answers entered."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from tests.browser import choose, chromium_path, hant, sign_in, take

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KEYS = ["power", "water", "security", "sanitation", "greening", "facilities", "repair",
        "attitude"]  # the default questionnaire's items, in order (R-SV-6)
CODE_OF_DIGIT = {"1": "very_satisfied", "2": "satisfied", "3": "fairly_satisfied",
                 "4": "unsatisfied", "5": "very_unsatisfied", "0": "no_answer"}
# 8 residents online and 12 paper forms, as digits in item order (1..5, 0 = no answer).
ONLINE = ["22222222", "24222222", "24222220", "11111111", "12111111", "33333333",
          "22222212", "11115111"]
PAPER = ["11111111", "11111111", "14111111", "11111111", "22222222", "11111151",
         "11111111", "22222222", "13111111", "11111111", "44111111", "11111100"]
# UI strings that must show in Traditional Chinese, never in English, on the pages visited.
ENGLISH = ("Satisfaction surveys", "Purpose and scope", "Save", "Approve the plan",
           "Submit the plan", "Forms received: draw the sample", "Questionnaires distributed",
           "Close the collection", "Enter returned questionnaires", "Overall satisfaction",
           "Sample per estate", "Very satisfied", "Fairly satisfied", "Send my answers",
           "Satisfaction per item", "Not qualified", "History", "Management office")


def no_english(page, *expected: str) -> None:
    """The page's text carries the zh_Hant of `expected` and none of ENGLISH."""
    text = page.inner_text("body")
    for msgid in expected:
        assert hant(msgid) in text, (msgid, page.url)
    for msgid in ENGLISH:
        assert msgid not in text, (msgid, page.url)


def percent(rate: Fraction) -> str:
    """A rate as the pages print it (R-SV-5): half up at two decimals, then " %"."""
    value = Decimal(rate.numerator) * 100 / Decimal(rate.denominator)
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} %"


@pytest.fixture
def estate_s(live_server, tmp_path_factory):
    """Estate S of Office A: 20 occupied units of 140 households, so the company
    procedure's 15 % sample (21) takes every unit; the quality officer works there. Added
    to the live server's database through an app of its own on the same file."""
    from app.extensions import db
    from app.models import StaffProfile
    from app.models.org import Building, Estate, Office, Unit
    from app.models.survey import Questionnaire
    from app.workflows.survey import seed_questionnaire
    from tests.scratch_db import app_on_copy

    files = sorted(tmp_path_factory.getbasetemp().glob("browser*/browser.db"))
    assert files, "the live server's database was not found"
    app = app_on_copy(f"sqlite:///{files[-1]}")
    with app.app_context():
        session = db.session
        seed_questionnaire(session)
        office = session.query(Office).filter_by(name="Office A").one()
        estate = session.query(Estate).filter_by(code="EST-S").one_or_none()
        if estate is None:
            from datetime import date

            estate = Estate(office=office, code="EST-S", name="Estate S", kind="residential",
                            region="mainland", script="zh_Hans", move_in_date=date(2015, 6, 1),
                            household_count=140)
            building = Building(estate=estate, name="Block S1", floors=20)
            session.add_all([estate, building,
                             *(Unit(building=building, number=f"S-{n:02d}01", floor=n)
                               for n in range(1, 21))])
            profile = session.query(StaffProfile).filter(
                StaffProfile.user.has(username="quality_a")).one()
            profile.estates.append(estate)
        questionnaire = session.query(Questionnaire).order_by(Questionnaire.id).first()
        session.commit()
        ids = {"questionnaire": questionnaire.name}
        session.remove()
        db.engine.dispose()
    return ids


@pytest.mark.skipif(chromium_path() is None,
                    reason="Chromium is not installed (bin/setup installs it)")
def test_a_survey_from_plan_to_rates_in_traditional_chinese(live_server, page, estate_s):
    base = live_server
    sign_in(page, base, "quality_a", lang="zh_Hant")
    page.goto(f"{base}/surveyview/add")
    no_english(page, "Satisfaction surveys", "Purpose and scope", "Save")
    page.fill("#title", "二〇二六年度屋苑S滿意度調查")
    choose(page, "#office", "Office A")
    choose(page, "#estates", "Estate S")
    page.fill("#purpose", "了解屋苑S業戶對管理服務的滿意程度")
    page.evaluate("""() => {  // the date picker's field, set as the picker sets it
        document.querySelector('#period_start').value = '2026-11-01';
        document.querySelector('#period_end').value = '2026-12-31';
    }""")
    choose(page, "#questionnaire", estate_s["questionnaire"])
    with page.expect_navigation():
        page.click("button[type=submit], input[type=submit]")
    assert "/surveyview/show/" in page.url, page.inner_text("body")[:2000]
    show_url = page.url
    pk = int(show_url.rsplit("/", 1)[1].split("?")[0])
    take(page, show_url, "submit")
    no_english(page, "Submit the plan", "History")

    sign_in(page, base, "deputy", lang="zh_Hant")
    take(page, show_url, "approve")
    assert hant("Approved") in page.inner_text("body")

    sign_in(page, base, "quality_a", lang="zh_Hant")
    take(page, show_url, "receive_forms")
    no_english(page, "Sample per estate", "Forms received: draw the sample")
    sample = page.inner_text("#survey-sample")
    assert "Estate S" in sample and "20" in sample

    # The questionnaires: one PDF, a page per sampled household, each with its code,
    # printed by the background workers and downloaded from the job's page.
    job = page.request.get(f"{base}/surveyview/print/{pk}"
                           "?form=survey_questionnaires&lang=zh_Hant&second=en")
    assert job.status == 200 and "/jobview/show/" in job.url
    status = page.request.get(job.url.replace("/show/", "/status/")).json()
    assert status["state"] == "done", status
    pdf = page.request.get(base + status["download"])
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    from tests.helpers import pdf_text

    pages = pdf_text(pdf.body())
    codes = [re.search(r"/s/([A-Z0-9]{10})", text.replace("\n", "")).group(1)
             for text in pages]
    assert len(pages) == len(set(codes)) == 20
    assert all("顧客滿意度調查表" in text.replace("\n", "") for text in pages)

    take(page, show_url, "distribute")
    no_english(page, "Enter returned questionnaires")

    # Eight residents answer online, on their phones, signed in as nobody.
    resident = page.context.browser.new_context(locale="zh-TW")
    phone = resident.new_page()
    for code, digits in zip(codes[:8], ONLINE, strict=True):
        phone.goto(f"{base}/s/{code}?_l_=zh_Hant")
        for key, digit in zip(KEYS, digits, strict=True):
            phone.check(f"input[name={key}][value={CODE_OF_DIGIT[digit]}]")
        if code == codes[0]:
            no_english(phone, "Very satisfied", "Fairly satisfied", "Send my answers")
            phone.fill("#feedback", "電梯維修太慢")
        phone.click("#survey-answer button[type=submit]")
        phone.wait_for_selector("#survey-thanks")
    resident.close()

    # Twelve paper forms typed in: code, Enter, a digit per item, Enter.
    page.goto(f"{base}/surveyview/entry/{pk}")
    no_english(page, "Enter returned questionnaires", "Answers, a digit per item")
    for code, digits in zip(codes[8:], PAPER, strict=True):
        page.fill("#code", code.lower())
        page.press("#code", "Enter")
        page.fill("#digits", digits)
        with page.expect_navigation():
            page.press("#digits", "Enter")
        assert code in page.inner_text("#entry-recent")
    assert "20" in page.inner_text("#entry-count")

    take(page, show_url, "close_collection")
    no_english(page, "Overall satisfaction", "Satisfaction per item", "Qualified")

    # R-SV-5 by hand: per item satisfied / (satisfied + unsatisfied), no answer left out;
    # the overall rate is the mean of the item rates.
    rates = []
    for position, _key in enumerate(KEYS):
        given = [digits[position] for digits in ONLINE + PAPER]
        satisfied = sum(d in "123" for d in given)
        unsatisfied = sum(d in "45" for d in given)
        rates.append(Fraction(satisfied, satisfied + unsatisfied))
    overall = sum(rates, Fraction(0)) / len(rates)
    assert percent(overall) == "95.59 %"  # the answers above: 4 items under 100 %
    assert percent(overall) in page.inner_text("#survey-overall")
    assert hant("Not qualified") in page.inner_text("#survey-overall")  # < 96 %
    shown = [row.split("\t") for row in page.inner_text("#survey-results table tbody")
             .splitlines() if row.strip()]
    assert [row[-1].strip() for row in shown] == [percent(rate) for rate in rates]
    assert "電梯維修太慢" in page.inner_text("#survey-comments")


@pytest.mark.skipif(chromium_path() is None,
                    reason="Chromium is not installed (bin/setup installs it)")
def test_the_item_editor_adds_moves_and_removes_rows(live_server, page):
    """R-SV-6 in the browser: a new questionnaire (the default items), an item added and
    moved to the top, another removed, saved as version 2; a wrong key is refused at the
    field with the rows as typed."""
    base = live_server
    sign_in(page, base, "quality_a", lang="zh_Hant")
    page.goto(f"{base}/questionnaireview/add")
    page.fill("#name", "瀏覽器測試問卷")
    with page.expect_navigation():
        page.click("button[type=submit], input[type=submit]")
    page.goto(f"{base}/questionnaireview/list/")
    page.locator("tr", has_text="瀏覽器測試問卷").locator("a[href*='/show/']").first.click()
    page.wait_for_url(re.compile(r".*/questionnaireview/show/\d+"))
    page.click("#edit-items")
    page.wait_for_url(re.compile(r".*/questionnaireview/items/\d+"))
    rows = page.locator("#items-table tr.item-row")
    assert rows.count() == 9  # eight items and a blank row
    page.fill("#items-8-key", "parking")
    page.fill("#items-8-zh_Hans", "停车管理")
    page.fill("#items-8-zh_Hant", "停車管理")
    page.fill("#items-8-en", "Parking")
    page.click("#add-item")
    assert rows.count() == 10
    for _ in range(8):  # up to the top, one row at a time
        page.locator("#items-table tr.item-row", has=page.locator("#items-8-key")
                     ).locator(".move-up").click()
    assert page.input_value("#items-8-order") == "1"
    page.check("input[name='items-7-remove']")  # service attitude goes
    page.fill("#items-0-key", "Power Supply")  # not a key
    with page.expect_navigation():
        page.click("#save-items")
    assert page.locator("td.has-error input#items-0-key").count() == 1
    assert page.input_value("#items-8-key") == "parking"  # as typed
    page.fill("#items-0-key", "power")
    with page.expect_navigation():
        page.click("#save-items")
    assert "/questionnaireview/show/" in page.url, page.inner_text("body")[:1500]
    keys = page.locator("#questionnaire-items tbody code").all_inner_texts()
    assert keys == ["parking", *KEYS[:7]]
    page.click("#edit-items")
    page.wait_for_url(re.compile(r".*/questionnaireview/items/\d+"))
    assert page.input_value("input[name=version]") == "2"  # a new version (R-SV-6)
