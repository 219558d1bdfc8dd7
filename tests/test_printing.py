"""Printed forms (R-PR): every form renders to A4 PDF with its labels in both print
languages, in the right Chinese font and script, with a QR code for verifying the paper,
one page (or more) per record in a batch, and nothing fetched from user content.

Labels are checked with message ids the project's catalogs already translate (Estate
小区 / 屋苑, Unit 单元 / 單位, Phone 电话 / 電話); form titles and choice labels through a
small catalog built by the test, so the checks hold before the lead translates them.
"""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from app.printing import (
    FORMS,
    LANGUAGES,
    FontMissing,
    OutOfScope,
    PrintError,
    UnknownForm,
    UnknownLanguage,
    VerificationUrlMissing,
    WrongDocument,
    forms_for,
    get_form,
    render_html,
    render_pdf,
    validate_languages,
    verification_url,
)
from app.printing import fonts as print_fonts
from app.printing.languages import Bilingual, clear_catalogs, form_script, msgid_of
from tests.helpers import (
    FONT,
    assert_every_character_has_a_glyph,
    embedded_families,
    fonts_of,
    pdf_text,
)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "app" / "templates" / "print"

ESTATE = {"zh_Hans": "小区", "zh_Hant": "屋苑", "en": "Estate"}
UNIT = {"zh_Hans": "单元", "zh_Hant": "單位", "en": "Unit"}
PHONE = {"zh_Hans": "电话", "zh_Hant": "電話", "en": "Phone"}
PAIRS = [("zh_Hans", "en"), ("zh_Hant", "en"), ("zh_Hans", "zh_Hant")]


def link(doc) -> str:
    return f"https://desk.example.com/verify/{doc.__workflow__}/{doc.id}"


# --- fixtures ----------------------------------------------------------------------------

@pytest.fixture
def ctx(app):
    """An app context for the test (no requests are made here)."""
    with app.app_context():
        yield app


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Catalogs and font answers are process-wide caches: start and end clean."""
    clear_catalogs()
    print_fonts.forget_fonts()
    yield
    clear_catalogs()
    print_fonts.forget_fonts()


def make_order(session, world, **fields):
    """A repair registered through the engine (number, contact from the resident), then
    filled in as far as paid."""
    from app.models import Estate, Resident, WorkOrder
    from app.models.base import local_now
    from app.security.actor import Actor
    from app.workflows import engine

    now = local_now()
    order = WorkOrder(source="resident_phone", category="water_leak", emergency=False,
                      estate=session.get(Estate, world.estate_a),
                      resident=session.get(Resident, world.resident_a),
                      description=fields.pop("description", "廚房水龍頭漏水，櫥櫃下有積水。"),
                      reported_at=now - timedelta(hours=2))
    engine.create(order, actor=Actor.system(), session=session, now=now)
    defaults = dict(registering_department_id=world.cs_a, department_id=world.eng_a,
                    technician_id=world.user_tech_a, dispatched_at=now - timedelta(hours=1),
                    arrived_at=now - timedelta(minutes=40), labour_hours=Decimal("1.5"),
                    materials="水龙头 1 个", fee=Decimal("80.00"), customer_consent=True,
                    work_done="更换水龙头，试水无渗漏。", completed_at=now - timedelta(minutes=10),
                    signed_by="Resident A", satisfaction="satisfied",
                    customer_remarks="师傅很准时", amount_paid=Decimal("80.00"),
                    payment_method="wechat", notice_signed_by_id=world.user_agent_a,
                    notice_signed_at=now - timedelta(minutes=90),
                    notice_visit_at=now + timedelta(hours=2))
    defaults.update(fields)
    for name, value in defaults.items():
        setattr(order, name, value)
    session.flush()
    return order


def make_notice(session, world, order=None):
    from app.models import RectificationNotice, Revisit
    from app.models.base import local_now
    from app.security.actor import Actor
    from app.workflows import engine

    order = order or make_order(session, world)
    now = local_now()
    revisit = Revisit(work_order=order, estate=order.estate, unit=order.unit,
                      assigned_role="cs_supervisor", revisitee="Resident A",
                      revisited_at=now, problem="角阀仍有渗水")
    engine.create(revisit, actor=Actor.system(), session=session, now=now)
    notice = RectificationNotice(revisit=revisit, work_order=order, estate=order.estate,
                                 technician_id=order.technician_id,
                                 issued_by_id=world.user_agent_a,
                                 issued_at=datetime(2026, 3, 2, 9, 30),
                                 problem="角阀仍有渗水，地面潮湿。")
    engine.create(notice, actor=Actor.system(), session=session, now=now)
    session.flush()
    return notice


@pytest.fixture
def order(ctx, world, db_session):
    return make_order(db_session, world)


@pytest.fixture
def test_catalog(ctx, tmp_path, monkeypatch):
    """Form titles and choice labels translated in a catalog of the test's own, appended to
    the app's catalog directories (later directories win, as in Flask-Babel)."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    strings = {"Repair form": ("报修单", "報修單"), "Dispatch slip": ("派工单", "派工單"),
               "Service slip": ("服务单", "服務單"), "Repair notice": ("维修通知单", "維修通知單"),
               "Rectification notice": ("整改通知单", "整改通知單"),
               "Water leak": ("漏水", "漏水"), "Satisfied": ("满意", "滿意")}
    for index, locale in enumerate(("zh_Hans", "zh_Hant")):
        catalog = Catalog()
        for msgid, translations in strings.items():
            catalog.add(msgid, translations[index])
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with open(folder / "messages.mo", "wb") as handle:
            write_mo(handle, catalog)
    directories = ctx.config["BABEL_TRANSLATION_DIRECTORIES"] + ";" + str(tmp_path)
    monkeypatch.setitem(ctx.config, "BABEL_TRANSLATION_DIRECTORIES", directories)
    clear_catalogs()
    return strings


# --- PDF inspection ----------------------------------------------------------------------

def fonts_are_embedded(pdf: bytes) -> bool:
    reader = PdfReader(io.BytesIO(pdf))
    for font in fonts_of(reader).values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            return False
    return True


def images(pdf: bytes) -> list:
    """Distinct images of the PDF (WeasyPrint's pages share one resource dictionary)."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            found.setdefault(image.name, image)
    return list(found.values())


# --- registry and languages --------------------------------------------------------------

def test_registry_lists_the_forms_of_each_document_type():
    assert [f.key for f in forms_for("work_order")] == [
        "repair_form", "dispatch_slip", "service_slip", "repair_notice"]
    assert [f.key for f in forms_for("rectification")] == ["rectification_notice"]
    assert forms_for("no_such_document") == []
    assert get_form("repair_notice").endpoint == "WorkOrderView.show"
    assert get_form("rectification_notice").endpoint == "RectificationNoticeView.show"
    for form in FORMS.values():
        assert (TEMPLATES / Path(form.template).name).is_file(), form.template
    with pytest.raises(UnknownForm):
        get_form("nope")


def test_languages_are_validated(ctx):
    assert set(LANGUAGES) == {"en", "zh_Hans", "zh_Hant"}
    assert validate_languages("zh_Hans") == ("zh_Hans", "en")
    assert validate_languages("zh_Hant", "zh_Hans") == ("zh_Hant", "zh_Hans")
    assert validate_languages("en", "en") == ("en",)  # the same language twice prints once
    assert validate_languages("zh_Hans", None) == ("zh_Hans",)
    assert validate_languages("zh_Hans", "") == ("zh_Hans",)
    for lang, second in (("fr", "en"), ("zh_Hans", "zh_TW"), ("zh-CN", "en"), ("", "en"),
                         (None, "en")):
        with pytest.raises(UnknownLanguage) as error:
            validate_languages(lang, second)
        message = str(error.value)
        assert "zh_Hans" in message and "zh_Hant" in message and "en" in message
        assert error.value.status == 400


def test_unknown_language_is_refused_before_anything_is_rendered(order):
    with pytest.raises(UnknownLanguage, match="fr"):
        render_pdf("repair_form", [order], lang="fr", url=link)
    with pytest.raises(UnknownLanguage, match="de"):
        render_pdf("repair_form", [order], lang="zh_Hans", second="de", url=link)


def test_form_script_follows_the_languages_then_the_estate():
    class Estate:
        script = "zh_Hant"

    assert form_script(("zh_Hans", "en"), Estate()) == "zh_Hans"
    assert form_script(("en", "zh_Hant"), None) == "zh_Hant"
    assert form_script(("en",), Estate()) == "zh_Hant"
    assert form_script(("en",), None) == "zh_Hans"


def test_labels_are_translated_per_print_language_not_per_request(ctx):
    from app.models.work_order import CATEGORIES

    label = Bilingual(("zh_Hant", "zh_Hans"))("Estate")
    assert label.parts == (("zh_Hant", "屋苑"), ("zh_Hans", "小区"))
    # The sheet is Traditional: only the Simplified part needs its own font (lang tag).
    assert 'lang="zh-CN"' in label.__html__() and 'lang="zh-TW"' not in label.__html__()
    assert str(Bilingual(("zh_Hans", "en"))("Unit")) == "单元 / Unit"
    assert Bilingual(("en", "zh_Hans"))("Phone").parts == (("en", "Phone"), ("zh_Hans", "电话"))
    # A message id nobody translated yet prints once, in English.
    assert Bilingual(("zh_Hans", "en"))("A label nobody translated").parts == (
        ("zh_Hans", "A label nobody translated"),)
    assert msgid_of(CATEGORIES["water_leak"]) == "Water leak"


# --- every form, every language pair -----------------------------------------------------

def make_complaint(session, world):
    from app.models import Complaint
    from app.models.base import local_now
    from app.security.actor import Actor
    from app.workflows import engine

    now = local_now()
    complaint = Complaint(estate_id=world.estate_a, unit_id=world.unit_a,
                          complainant_name="李女士", complainant_phone="13812345678",
                          event_time=now, event_place="一楼大堂", subject="夜班保安",
                          matter="security", description="凌晨两点放陌生人进入大堂。",
                          customer_request="道歉并加强门禁", immediate_reply="已致歉，今日核查。")
    engine.create(complaint, actor=Actor.system(), session=session, now=now)
    return complaint


# The repair and complaint forms; the register's and compensation's forms are printed by
# their own tests, which build their documents.
DOCUMENT_FACTORIES = {
    "work_order": make_order,
    "rectification": lambda session, world: make_notice(session, world,
                                                        make_order(session, world)),
    "complaint": make_complaint,
}


@pytest.mark.parametrize("lang,second", PAIRS)
@pytest.mark.parametrize("form_key", [k for k, f in FORMS.items()
                                      if f.doc_type in DOCUMENT_FACTORIES])
def test_every_form_prints_both_languages_in_the_right_font(ctx, world, db_session, form_key,
                                                            lang, second):
    doc = DOCUMENT_FACTORIES[FORMS[form_key].doc_type](db_session, world)
    pdf = render_pdf(form_key, [doc], lang=lang, second=second, url=link)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1, "each form fits on one A4 page"
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    text = "".join(pdf_text(pdf))
    for labels in (ESTATE, UNIT) + ((PHONE,) if doc.__workflow__ in ("work_order", "complaint")
                                    else ()):
        assert labels[lang] in text, (labels[lang], form_key)
        assert labels[second] in text, (labels[second], form_key)
    assert doc.number in text
    assert "Estate A" in text
    # One font family per script, named explicitly: SC for Simplified, TC for Traditional.
    assert embedded_families(pdf) == {FONT[code] for code in (lang, second) if code in FONT}
    assert fonts_are_embedded(pdf)
    assert_every_character_has_a_glyph(pdf)


def test_form_titles_and_choice_codes_print_in_both_languages(order, test_catalog):
    text = "".join(pdf_text(render_pdf("repair_form", [order], lang="zh_Hans", url=link)))
    assert "报修单" in text and "Repair form" in text
    assert "漏水" in text and "Water leak" in text  # category code through CATEGORIES
    text = "".join(pdf_text(render_pdf("service_slip", [order], lang="zh_Hant",
                                       second="zh_Hans", url=link)))
    assert "服務單" in text and "服务单" in text
    assert "滿意" in text and "满意" in text  # satisfaction code through SATISFACTION
    assert "屋苑" in text and "小区" in text  # the project's catalogs still apply


def test_the_glyph_check_sees_a_character_no_font_has(ctx, world, db_session):
    """The no-tofu check above is not vacuous: a private-use character, which no installed
    font draws, is reported."""
    order = make_order(db_session, world, description="测试\ue000字")
    pdf = render_pdf("repair_form", [order], lang="zh_Hans", url=link)
    with pytest.raises(AssertionError, match="without a glyph"):
        assert_every_character_has_a_glyph(pdf)


def test_english_only_prints_each_label_once_in_the_estate_script(order):
    html = render_html("repair_form", [order], lang="en", second="en", url=link)
    assert html.count(">Estate<") == 1
    assert '<section class="sheet" lang="zh-CN"' in html  # Estate A prints Simplified
    pdf = render_pdf("repair_form", [order], lang="en", second=None, url=link)
    assert embedded_families(pdf) == {"Noto-Sans-CJK-SC"}
    text = "".join(pdf_text(pdf))
    assert "Estate" in text and "小区" not in text


def test_rectification_notice_is_due_within_24_hours(ctx, world, db_session):
    notice = make_notice(db_session, world)
    text = "".join(pdf_text(render_pdf("rectification_notice", [notice], lang="zh_Hans",
                                       url=link)))
    assert "2026-03-03 09:30" in text  # issued 2026-03-02 09:30 + 24 hours (R-WO-7)
    assert "角阀仍有渗水，地面潮湿。" in text
    assert notice.work_order.number in text and notice.revisit.number in text


# --- script conversion -------------------------------------------------------------------

def test_free_text_prints_in_the_forms_script(ctx, world, db_session, monkeypatch):
    order = make_order(db_session, world, description="請師傅帶備新的水龍頭",
                       work_done="更换水龙头")
    simplified = render_html("repair_form", [order], lang="zh_Hans", url=link)
    assert "请师傅带备新的水龙头" in simplified and "請師傅" not in simplified
    traditional = render_html("dispatch_slip", [order], lang="zh_Hant", url=link)
    assert "請師傅帶備新的水龍頭" in traditional and "更換水龍頭" in traditional
    english_first = render_html("dispatch_slip", [order], lang="en", second="zh_Hant",
                                url=link)
    assert "更換水龍頭" in english_first  # the second language decides the script
    monkeypatch.setitem(ctx.config, "PRINT_CONVERT_SCRIPT", False)
    as_typed = render_html("repair_form", [order], lang="zh_Hans", url=link)
    assert "請師傅帶備新的水龍頭" in as_typed


def test_proper_names_print_as_registered(ctx, world, db_session):
    """Free text takes the form's script; a person's name, a company's name, an
    estate's and an address do not: 李晓燕 stays 李晓燕 on a Traditional form, 陳大文 on a Simplified one."""
    from app.models import Estate

    db_session.get(Estate, world.estate_a).name = "海湾花园"
    order = make_order(db_session, world, description="请师傅带备新的水龙头",
                       contact_name="李晓燕")
    order.unit, order.location = None, "湾区大厦东门车库"  # an address, as typed
    traditional = render_html("dispatch_slip", [order], lang="zh_Hant", url=link)
    assert "湾区大厦东门车库" in traditional and "灣區" not in traditional
    assert "李晓燕" in traditional and "李曉燕" not in traditional
    assert "海湾花园" in traditional and "海灣花園" not in traditional
    assert "請師傅帶備新的水龍頭" in traditional  # free text: converted
    order.contact_name = "陳大文"
    simplified = render_html("dispatch_slip", [order], lang="zh_Hans", url=link)
    assert "陳大文" in simplified and "陈大文" not in simplified


# --- batch ---------------------------------------------------------------------------------

def test_a_batch_prints_every_record_into_one_pdf(ctx, world, db_session):
    orders = [make_order(db_session, world, description=f"第 {i} 单") for i in range(3)]
    pdf = render_pdf("dispatch_slip", orders, lang="zh_Hans", url=link)
    pages = pdf_text(pdf)
    assert len(pages) >= 3
    for order in orders:
        assert sum(order.number in page for page in pages) >= 1
    assert pages[0].count(orders[0].number) and orders[1].number not in pages[0]
    assert len(images(pdf)) == 3  # one QR code per record


def test_nothing_or_the_wrong_document_type_is_refused(order, ctx, monkeypatch):
    with pytest.raises(WrongDocument):
        render_pdf("repair_form", [], lang="zh_Hans", url=link)
    with pytest.raises(WrongDocument):
        render_pdf("rectification_notice", [order], lang="zh_Hans", url=link)
    with pytest.raises(WrongDocument):
        render_pdf("complaint_register", [order], lang="zh_Hans", url=link)
    with pytest.raises(UnknownForm):
        render_pdf("no_such_form", [order], lang="zh_Hans", url=link)
    monkeypatch.setitem(ctx.config, "PRINT_MAX_BATCH", 1)
    with pytest.raises(PrintError, match="1"):
        render_pdf("repair_form", [order, order], lang="zh_Hans", url=link)


# --- fonts ---------------------------------------------------------------------------------

def test_installed_fonts_are_found_and_a_fallback_does_not_count(ctx):
    assert print_fonts.family_installed("Noto Sans CJK SC")
    assert print_fonts.family_installed("Noto Sans CJK TC")
    assert not print_fonts.family_installed("No Such Font Family 42")


def test_a_missing_chinese_font_stops_the_print_with_a_clear_error(order, monkeypatch):
    asked: list[str] = []

    def only_simplified(family: str) -> bool:
        asked.append(family)
        return family == "Noto Sans CJK SC"

    monkeypatch.setattr(print_fonts, "family_installed", only_simplified)
    with pytest.raises(FontMissing) as error:
        render_pdf("repair_notice", [order], lang="zh_Hant", second="en", url=link)
    assert "Noto Sans CJK TC" in str(error.value) and "fonts-noto-cjk" in str(error.value)
    assert error.value.status == 503
    # Simplified still prints, and the answer for a found font is remembered.
    render_pdf("repair_form", [order], lang="zh_Hans", second="en", url=link)
    render_pdf("repair_form", [order], lang="zh_Hans", second="en", url=link)
    assert asked.count("Noto Sans CJK SC") == 1
    # A configured family that does not exist is caught the same way.
    monkeypatch.setattr(print_fonts, "family_installed", lambda family: False)
    from flask import current_app

    monkeypatch.setitem(current_app.config, "PRINT_FONTS", {"zh_Hans": "Nowhere Sans"})
    print_fonts.forget_fonts()
    with pytest.raises(FontMissing, match="Nowhere Sans"):
        render_pdf("repair_form", [order], lang="zh_Hans", url=link)


# --- QR code -------------------------------------------------------------------------------

def test_the_qr_code_encodes_the_records_detail_page(order):
    url = link(order)
    pdf = render_pdf("repair_form", [order], lang="zh_Hans", url=link)
    found = images(pdf)
    assert len(found) == 1
    assert url in "".join(pdf_text(pdf)).replace("\n", "")
    # Read the printed code back module by module and compare with the URL's QR matrix.
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=4, border=2)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    picture = found[0].image.convert("L")
    assert picture.size == (len(matrix) * 4, len(matrix) * 4)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            assert (picture.getpixel((c * 4 + 2, r * 4 + 2)) < 128) == dark, (r, c)


def test_verification_url_comes_from_the_detail_endpoint(ctx, order):
    from flask_babel import Babel

    site = Flask("verify")
    Babel(site)
    site.add_url_rule("/workorderview/show/<pk>", "WorkOrderView.show", lambda pk: pk)
    site.add_url_rule("/rectificationnoticeview/show/<pk>", "RectificationNoticeView.show",
                      lambda pk: pk)
    form = get_form("repair_form")
    with site.test_request_context("/", base_url="https://desk.example.com"):
        assert verification_url(form, order) == \
            f"https://desk.example.com/workorderview/show/{order.id}"
    site.config["PRINT_BASE_URL"] = "https://verify.example.org/"
    with site.app_context():  # outside a request: the configured host
        assert verification_url(form, order) == \
            f"https://verify.example.org/workorderview/show/{order.id}"
    bare = Flask("bare")
    Babel(bare)
    with bare.test_request_context("/"), pytest.raises(VerificationUrlMissing):
        verification_url(form, order)


# --- nothing fetched, nothing injected ----------------------------------------------------

def test_urls_typed_by_users_are_neither_fetched_nor_rendered(ctx, world, db_session,
                                                              monkeypatch):
    import urllib.request

    from app.printing.fetcher import SafeURLFetcher

    asked: list[str] = []
    opened: list[str] = []
    original_fetch = SafeURLFetcher.fetch
    original_open = urllib.request.OpenerDirector.open

    def spy_fetch(self, url, headers=None):
        asked.append(url)
        return original_fetch(self, url, headers)

    def spy_open(self, request, *args, **kwargs):
        opened.append(getattr(request, "full_url", request))
        return original_open(self, request, *args, **kwargs)

    monkeypatch.setattr(SafeURLFetcher, "fetch", spy_fetch)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", spy_open)
    evil = ('<img src="http://127.0.0.1:9/track.png">'
            '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"> 水管爆裂')
    order = make_order(db_session, world, description=evil,
                       customer_remarks='<img src="file:///etc/passwd">')
    html = render_html("service_slip", [order], lang="zh_Hans", url=link)
    assert "&lt;img src=" in html and '<img src="http://' not in html
    assert '<img src="file:' not in html
    pdf = render_pdf("service_slip", [order], lang="zh_Hans", url=link)
    assert len(images(pdf)) == 1  # the QR code, nothing else
    text = "".join(pdf_text(pdf)).replace("\n", "")
    assert "track.png" in text and "水管爆裂" in text  # printed as the text it is
    assert asked and all(url.startswith("data:") for url in asked)
    assert all(str(url).startswith("data:") for url in opened)

    # Even markup that reached WeasyPrint unescaped loads nothing but data: URIs.
    from app.printing.render import write_pdf

    asked.clear()
    opened.clear()
    write_pdf('<html lang="zh-CN"><body><p>测试</p><img src="http://127.0.0.1:9/a.png">'
              '<img src="file:///etc/hostname"><link rel="stylesheet" '
              'href="https://example.com/x.css"></body></html>')
    assert {u for u in asked if not u.startswith("data:")} >= {
        "http://127.0.0.1:9/a.png", "file:///etc/hostname"}
    assert all(str(url).startswith("data:") for url in opened)


# --- scope and privacy ---------------------------------------------------------------------

def test_records_outside_the_users_scope_are_refused(ctx, world, order):
    from app.security.actor import Actor

    sm = ctx.appbuilder.sm
    outsider = Actor.for_user(sm.get_user_by_id(world.user_agent_b))
    with pytest.raises(OutOfScope) as error:
        render_pdf("repair_form", [order], lang="zh_Hans", url=link, actor=outsider)
    assert error.value.status == 404
    insider = Actor.for_user(sm.get_user_by_id(world.user_agent_a))
    assert render_pdf("repair_form", [order], lang="zh_Hans", url=link, actor=insider)


def test_phone_numbers_print_in_full_only_when_allowed(order):
    full = render_html("repair_form", [order], lang="zh_Hans", url=link, full_phone=True)
    masked = render_html("repair_form", [order], lang="zh_Hans", url=link, full_phone=False)
    assert "13812345678" in full
    assert "13812345678" not in masked and "138****5678" in masked


# --- the message ids are extractable ---------------------------------------------------------

def test_template_labels_are_found_by_the_extractor():
    """`bin/i18n extract` reads app/templates/**.html with Babel's Jinja extractor and the
    keyword `_`: every label must be a literal there (a `_(variable)` would be lost)."""
    from babel.messages.extract import extract_from_file

    found: set[str] = set()
    for template in sorted(TEMPLATES.glob("*.html")):
        source = template.read_text(encoding="utf-8")
        assert not re.findall(r"\b_\(\s*[^\s'\"]", source), \
            f"{template.name}: _() of a variable; use choice() for stored codes"
        for _lineno, message, _comments, _context in extract_from_file(
                "jinja2", str(template), keywords={"_": None},
                options={"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols",
                         "silent": "false"}):
            assert message, f"{template.name}: a label that is not a literal"
            found.add(message if isinstance(message, str) else message[0])
    assert {"Estate", "Unit", "Phone", "Form number", "Scan to verify this form",
            "Description of the fault", "Supervisor's sign-off", "Follow-up agent",
            "Problem found", "Action taken", "Customer remarks"} <= found
    # Form titles are declared with the document types (app/workflows/*.py), marked N_().
    titles = {message for path in sorted((ROOT / "app" / "workflows").glob("*.py"))
              for _lineno, message, _comments, _context in extract_from_file(
                  "python", str(path), keywords={"N_": None})}
    assert {form.title for form in FORMS.values()} <= titles
