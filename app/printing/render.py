"""Rendering printed forms: records -> bilingual HTML -> one A4 PDF (R-PR).

See the package docstring (app/printing/__init__.py) for the API. WeasyPrint is imported
on the first print only: it takes half a second to import and most requests never print.
"""
from __future__ import annotations

import base64
import io
import os
import threading
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import jinja2
import qrcode
from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from weasyprint import CSS, HTML
from werkzeug.routing import BuildError

from app.models.base import local_now
from app.models.compensation import (
    ACKNOWLEDGED_BY,
    CLAIM_KINDS,
    EVIDENCE_KINDS,
    LIABILITIES,
)
from app.models.complaint import (
    ASSIST_SCOPES,
    CLASSES,
    CONTACT_SOURCES,
    MAJOR_CRITERIA,
    MATTERS,
)
from app.models.revisit import MODES
from app.models.service_record import RECORD_KINDS
from app.models.work_order import CATEGORIES, PAYMENT_METHODS, SATISFACTION, SOURCES
from app.printing import fonts as font_check
from app.printing.errors import (
    OutOfScope,
    PrintError,
    VerificationUrlMissing,
    WrongDocument,
)
from app.printing.fetcher import SafeURLFetcher
from app.printing.forms import PrintForm, get_form
from app.printing.languages import (
    CHINESE,
    LANG_TAGS,
    Bilingual,
    convert_script,
    form_script,
    validate_languages,
)
from app.printing.parallel import sheet_count, write_in_parallel
from app.security.actor import Actor
from app.security.privacy import reveal, viewer_sees
from app.security.scope import scope_clause_for
from app.workflows.registry import PrintOptionRefused

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STYLESHEET = TEMPLATES / "print" / "print.css"
DEFAULT_MAX_BATCH = 100  # ≈ 20 s of rendering: keep a web request within its timeout

UrlOf = Callable[[Any], str]


# --- verification URL and QR code --------------------------------------------------------

def verification_url(form: PrintForm, doc: Any) -> str:
    """Absolute URL of the record's detail page, printed as a QR code so that anyone
    holding the paper can open the record and compare.

    Built with url_for(form.endpoint, pk=doc.id, _external=True), i.e. from the request's
    host; config PRINT_BASE_URL ("https://desk.example.com") fixes the scheme and host
    instead, e.g. behind a proxy or when printing outside a request.
    """
    base = (current_app.config.get("PRINT_BASE_URL") or "").rstrip("/")
    try:
        if base:
            if has_request_context():
                path = url_for(form.endpoint, pk=doc.id)
            else:
                adapter = current_app.url_map.bind(
                    "localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
                path = adapter.build(form.endpoint, {"pk": doc.id})
            return base + path
        return url_for(form.endpoint, pk=doc.id, _external=True)
    except (BuildError, RuntimeError) as error:
        raise VerificationUrlMissing(_(
            "The form “%(form)s” cannot be printed: the record's page %(endpoint)s, which its "
            "QR code points to, is not available.", form=_(form.title),
            endpoint=form.endpoint)) from error


def qr_data_uri(text: str) -> str:
    """`text` as a QR code: a small PNG in a data: URI (error correction M)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=4, border=2)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# --- templates ---------------------------------------------------------------------------

_env_lock = threading.Lock()
_env: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    """The print templates' Jinja environment: autoescaped, and forgiving about empty
    relations (a repair in a public area has no unit) so that blanks print as blanks."""
    global _env
    if _env is None:
        with _env_lock:
            if _env is None:
                _env = jinja2.Environment(
                    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                    autoescape=True, undefined=jinja2.ChainableUndefined,
                    trim_blocks=True, lstrip_blocks=True)
    return _env


def _blank(value: Any) -> bool:
    return value is None or value == "" or isinstance(value, jinja2.Undefined)


# The unit printed after an amount, in the sheet's Chinese script (the same characters in
# both): yuan on the mainland, Hong Kong dollars in Hong Kong.
CURRENCY_UNITS = {"CNY": "元", "HKD": "港元"}


class _Helpers:
    """Value formatting for one sheet (one record in one script)."""
    def __init__(self, script: str, convert: bool, full_phone: bool,
                 currency: str = "CNY") -> None:
        self.script = script
        self.convert = convert
        self.full_phone = full_phone
        self.currency = currency

    def text(self, value: Any) -> str:
        """Free text as typed, in the form's script (PRINT_CONVERT_SCRIPT)."""
        if _blank(value):
            return ""
        text = str(value)
        return convert_script(text, self.script) if self.convert else text

    @staticmethod
    def name(value: Any) -> str:
        """A proper name as registered, never converted: a person's name (李晓燕 is not
        李曉燕), a company's legal name, an estate, a building, an address."""
        return "" if _blank(value) else str(value)

    @staticmethod
    def when(value: Any) -> str:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        return ""

    def amount(self, value: Any) -> str:
        """An amount with the unit of the estate's money, as it is written there: 元 on
        the mainland, 港元 in Hong Kong."""
        if _blank(value):
            return ""
        return f"{Decimal(value):,.2f} {CURRENCY_UNITS.get(self.currency, '元')}"

    def person(self, user: Any) -> str:
        if _blank(user):
            return ""
        name = user.get_full_name() if hasattr(user, "get_full_name") else str(user)
        return self.name(name)

    def phone(self, value: Any) -> str:
        """In full for those allowed to see it, else masked (R-RES-2, app.security.privacy)."""
        if _blank(value):
            return ""
        return str(reveal("phone", str(value), can=lambda _perm: self.full_phone))

    def unit(self, unit: Any) -> str:
        if _blank(unit):
            return ""
        building = getattr(unit, "building", None)
        return self.name(f"{building.name} {unit.number}" if building else unit.number)

    @staticmethod
    def box(checked: Any) -> Markup:
        return Markup('<span class="box on"></span>' if checked is True
                      else '<span class="box"></span>')


def _model_choices() -> dict[str, Any]:
    return {"CATEGORIES": CATEGORIES, "SOURCES": SOURCES, "SATISFACTION": SATISFACTION,
            "PAYMENT_METHODS": PAYMENT_METHODS, "MODES": MODES,
            "CONTACT_SOURCES": CONTACT_SOURCES, "MATTERS": MATTERS, "CLASSES": CLASSES,
            "ASSIST_SCOPES": ASSIST_SCOPES, "MAJOR_CRITERIA": MAJOR_CRITERIA,
            "RECORD_KINDS": RECORD_KINDS, "CLAIM_KINDS": CLAIM_KINDS,
            "LIABILITIES": LIABILITIES, "ACKNOWLEDGED_BY": ACKNOWLEDGED_BY,
            "EVIDENCE_KINDS": EVIDENCE_KINDS}


# --- checks ------------------------------------------------------------------------------

def _check_documents(form: PrintForm, docs: Sequence[Any], limit: int | None = None) -> None:
    if not docs:
        raise WrongDocument(_("Select at least one row."))
    limit = limit or int(current_app.config.get("PRINT_MAX_BATCH", DEFAULT_MAX_BATCH))
    if len(docs) > limit:
        raise PrintError(_("At most %(n)d records can be printed at once.", n=limit))
    for doc in docs:
        if getattr(doc, "__workflow__", None) != form.doc_type:
            raise WrongDocument(_("This record cannot be printed on the form “%(form)s”.",
                                  form=_(form.title)))


def _check_scope(docs: Sequence[Any], actor: Any) -> None:
    """Every record is in the printing user's scope (R-ORG-4). Views load records through
    the scoped interface already; this one query per document type is the safety net for
    batch actions, which load rows by primary key (STACK.md, row scope)."""
    if actor.is_system or actor.scope.unrestricted:
        return
    by_model: dict[type, set[Any]] = {}
    for doc in docs:
        identity = sa_inspect(doc).identity
        if identity is not None:
            by_model.setdefault(type(doc), set()).add(identity[0])
    session = current_app.appbuilder.session
    for model, ids in by_model.items():
        clause = scope_clause_for(model, actor.scope)
        if clause is None:
            continue
        pk = sa_inspect(model).primary_key[0]
        with session.no_autoflush:
            visible = set(session.scalars(select(pk).where(pk.in_(ids), clause)))
        if visible != ids:
            raise OutOfScope(_("Record not found."))


def _full_phone(actor: Any) -> bool:
    return viewer_sees("phone", can=lambda perm: actor.can(*perm))


# --- rendering ---------------------------------------------------------------------------

def _build(form_key: str, docs: Iterable[Any], lang: str, second: str | None,
           url: UrlOf | None, full_phone: bool | None, actor: Any,
           options: Mapping[str, str] | None = None,
           limit: int | None = None) -> tuple[str, set[str]]:
    """(HTML of all sheets, font families it needs)."""

    languages = validate_languages(lang, second)
    form = get_form(form_key)
    docs = list(docs)
    _check_documents(form, docs, limit)
    if actor is None:
        actor = Actor.current()  # the signed-in user; the system outside requests
    _check_scope(docs, actor)
    if full_phone is None:
        full_phone = _full_phone(actor)
    convert = bool(current_app.config.get("PRINT_CONVERT_SCRIPT", True))
    families = font_check.fonts()
    label = Bilingual(languages)
    env = environment()
    template = env.get_template(form.template)
    printed_at = local_now()
    shared = {"_": label, "form": form, "title": label(form.title), "languages": languages,
              "printed_at": printed_at.strftime("%Y-%m-%d %H:%M"), **_model_choices()}
    needed = {families[code] for code in languages if code in CHINESE}
    sheets = []
    for doc in docs:
        script = form_script(languages, doc.estate)
        needed.add(families[script])
        helpers = _Helpers(script, convert, full_phone,
                           getattr(doc.estate, "currency", None) or "CNY")
        link = url(doc) if url is not None else verification_url(form, doc)
        office = getattr(doc.estate, "office", None)
        company = office.branch.company if office is not None and office.branch else None
        context = {**shared, "doc": doc, "script": script, "lang_tag": LANG_TAGS[script],
                   "text": helpers.text, "name": helpers.name, "when": helpers.when,
                   "amount": helpers.amount, "person": helpers.person,
                   "phone": helpers.phone, "unit": helpers.unit, "box": helpers.box,
                   "choice": label.choice, "verify_url": link, "qr": qr_data_uri(link),
                   "office": office, "company": company}
        if form.extra is not None:
            chosen = {name: options[name] for name in form.options
                      if options and options.get(name)}
            try:
                context.update(form.extra(doc, **chosen))
            except PrintOptionRefused as refusal:
                raise WrongDocument(str(refusal)) from None
        sheets.append(Markup(template.render(context)))
    first_script = form_script(languages, docs[0].estate)
    html = env.get_template("print/document.html").render(
        sheets=sheets, lang_tag=LANG_TAGS[first_script],
        document_title=f"{label(form.title)} {', '.join(str(d.number) for d in docs[:5])}"
                       + (" …" if len(docs) > 5 else ""))
    return html, needed


def render_html(form_key: str, docs: Iterable[Any], *, lang: str, second: str | None = "en",
                url: UrlOf | None = None, full_phone: bool | None = None,
                actor: Any = None, options: Mapping[str, str] | None = None) -> str:
    """The HTML WeasyPrint turns into the PDF (for previews and tests)."""
    html, _families = _build(form_key, docs, lang, second, url, full_phone, actor, options)
    return html


def render_pdf(form_key: str, docs: Iterable[Any], *, lang: str, second: str | None = "en",
               url: UrlOf | None = None, full_phone: bool | None = None,
               actor: Any = None, options: Mapping[str, str] | None = None) -> bytes:
    """`docs` printed on form `form_key` as ONE A4 PDF, each record on its own page(s);
    `options` are the form's declared options (PrintForm.options) as the request gave them."""
    html, families = _build(form_key, docs, lang, second, url, full_phone, actor, options)
    font_check.ensure_fonts(families)
    return write_pdf(html)


def build_document(form_key: str, docs: Iterable[Any], *, lang: str, second: str | None,
                   actor: Any, base_url: str, options: Mapping[str, str] | None = None,
                   limit: int | None = None) -> str:
    """The HTML of a batch printed by a background job as `actor`, its fonts checked; the
    job lays it out in parts (`layout_pdf`) on any worker. QR codes point at PRINT_BASE_URL,
    else at the host the job was asked from (`base_url`)."""
    base = (current_app.config.get("PRINT_BASE_URL") or base_url).rstrip("/")
    adapter = current_app.url_map.bind(
        "localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    endpoint = get_form(form_key).endpoint

    def url(doc: Any) -> str:
        try:
            return base + adapter.build(endpoint, {"pk": doc.id})
        except BuildError as error:
            raise VerificationUrlMissing(_(
                "The form “%(form)s” cannot be printed: the record's page %(endpoint)s, "
                "which its QR code points to, is not available.",
                form=_(get_form(form_key).title), endpoint=endpoint)) from error

    html, families = _build(form_key, docs, lang, second, url, None, actor, options, limit)
    font_check.ensure_fonts(families)
    return html


def layout_pdf(html: str) -> bytes:
    """HTML -> PDF in this process (a background worker's part of a batch)."""
    return _write_pdf(tuple(sorted(font_check.fonts().items())), html)


def write_pdf(html: str) -> bytes:
    """HTML -> PDF; a long document (PRINT_PARALLEL_SHEETS sheets or more) is laid out
    on PRINT_PROCESSES processes at once (see app/printing/parallel.py)."""
    families = tuple(sorted(font_check.fonts().items()))
    processes = int(current_app.config.get("PRINT_PROCESSES") or os.cpu_count() or 1)
    if processes > 1 and sheet_count(html) >= current_app.config["PRINT_PARALLEL_SHEETS"]:
        return write_in_parallel(html, partial(_write_pdf, families), processes)
    return _write_pdf(families, html)


def _write_pdf(families: tuple[tuple[str, str], ...], html: str) -> bytes:
    """HTML -> PDF with the print stylesheet, this thread's reused font configuration and
    a fetcher that loads nothing but data: URIs. Needs no application context."""
    fetcher = SafeURLFetcher()
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[_stylesheet(families)], font_config=font_check.font_config())


@lru_cache(maxsize=8)
def _stylesheet(families: tuple[tuple[str, str], ...]):
    """print.css plus one font family per script, parsed once."""
    font_rules = "".join(
        f'[lang="{LANG_TAGS[script]}"] {{ font-family: "{family.replace(chr(34), "")}"; }}\n'
        for script, family in families if script in LANG_TAGS)
    css = STYLESHEET.read_text(encoding="utf-8") + "\n" + font_rules
    return CSS(string=css, url_fetcher=SafeURLFetcher())
