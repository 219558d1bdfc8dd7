"""Printed forms (R-PR): one Jinja template per paper form, rendered to A4 PDF by WeasyPrint,
every label in two languages, with the form number, the estate, the record's data,
signature lines and a QR code that opens the record's detail page to verify a paper copy.

Forms so far (doc type = the model's ``__workflow__``):

===================== ============== ================================================
key                   doc type       form
===================== ============== ================================================
repair_form           work_order     repair form 报修单 (registration, R-WO-1)
dispatch_slip         work_order     dispatch slip 派工单 (dispatch, quote, work done,
                                     customer acceptance, payment; R-WO-2..5)
service_slip          work_order     service slip 服务单 (owner's slip, R-WO-5)
repair_notice         work_order     repair notice 維修通知單 (supervisor's sign-off,
                                     follow-up agent and technician sign, R-WO-6)
rectification_notice  rectification  rectification notice 整改通知单 (due within
                                     24 hours, R-WO-7, R-RV-3)
===================== ============== ================================================

API (all calls need an app context; printing never changes a record)::

    LANGUAGES: dict[str, str]            # {"en": "English", "zh_Hans": "简体中文", ...}
    FORMS: dict[str, PrintForm]          # key -> form
    PrintForm(key, doc_type, title, template, endpoint, rules="", extra=None)
        # title: English message id ("Repair form"); gettext(form.title) for menus
    forms_for(doc_type: str) -> list[PrintForm]
    get_form(key: str) -> PrintForm                         # UnknownForm
    validate_languages(lang: str, second: str | None = "en") -> tuple[str, ...]
        # distinct print languages, first first; UnknownLanguage for other codes
    render_pdf(form_key: str, docs: Iterable, *, lang: str, second: str | None = "en",
               url: Callable[[doc], str] | None = None, full_phone: bool | None = None,
               actor: Actor | None = None) -> bytes
        # ONE PDF, each record on its own page(s)
    render_html(...same arguments...) -> str               # what WeasyPrint is given
    verification_url(form: PrintForm, doc) -> str           # what the QR code encodes
    qr_data_uri(text: str) -> str

Languages: `lang` is the first language (normally the user's locale), `second` defaults to
English, None or "" prints one language, and the same language twice prints once. Each of
them is en, zh_Hans or zh_Hant. Labels are English message ids in the templates, written
``{{ _("Estate") }}`` so that `bin/i18n extract` finds them, and translated through the
compiled catalogs of each print language, independently of the request's locale; an
untranslated label prints once, in English. Stored choice codes (category, source,
satisfaction, payment method) print through the models' label dicts in both languages.

Script: a form is printed in the first language if it is Chinese, else the second if it is
Chinese, else the estate's default script. Free text typed in the other Chinese script is
converted with OpenCC (s2t / t2s) unless config PRINT_CONVERT_SCRIPT is False. The script's
font is named explicitly (PRINT_FONTS: "Noto Sans CJK SC" for zh_Hans, "Noto Sans CJK TC"
for zh_Hant, lang tags zh-CN / zh-TW); a missing font raises FontMissing (a translated
message, HTTP 503) instead of printing empty boxes.

QR code: the absolute URL of ``url_for(form.endpoint, pk=doc.id, _external=True)``
("WorkOrderView.show", "RectificationNoticeView.show"); config PRINT_BASE_URL fixes scheme
and host; `url=` replaces it (tests, previews).

Safety: user text is autoescaped; WeasyPrint gets a fetcher that loads nothing but data:
URIs. Records outside the acting user's scope are refused (OutOfScope, "Record not
found."), so a batch action that loads rows by primary key cannot print another estate's
records (R-ORG-4). Phone numbers print in full only for users allowed to see them
(R-RES-2; `full_phone` overrides). At most PRINT_MAX_BATCH records (100) per PDF.

Errors are PrintError subclasses carrying `status` (400, 404 or 503) and a message in the
user's interface language: UnknownLanguage, UnknownForm, WrongDocument, OutOfScope,
FontMissing, VerificationUrlMissing.

Config keys (read with defaults): PRINT_CONVERT_SCRIPT (True), PRINT_FONTS ({}), PRINT_BASE_URL
(None), PRINT_MAX_BATCH (100); catalogs come from BABEL_TRANSLATION_DIRECTORIES.
"""
from __future__ import annotations

from app.printing.errors import (
                                 FontMissing,
                                 OutOfScope,
                                 PrintError,
                                 UnknownForm,
                                 UnknownLanguage,
                                 VerificationUrlMissing,
                                 WrongDocument,
)
from app.printing.forms import FORMS, PrintForm, forms_for, get_form
from app.printing.languages import LANGUAGES, validate_languages
from app.printing.render import qr_data_uri, render_html, render_pdf, verification_url

__all__ = [
    "FORMS", "LANGUAGES", "FontMissing", "OutOfScope", "PrintError", "PrintForm",
    "UnknownForm", "UnknownLanguage", "VerificationUrlMissing", "WrongDocument", "forms_for",
    "get_form", "qr_data_uri", "render_html", "render_pdf", "validate_languages",
    "verification_url",
]
