"""Helpers the test modules share: signing in, the hidden fields a form posts back, REST
edits and workflow transitions, and reading printed PDFs. Fixtures are in
tests/conftest.py; the live server and the browser's helpers in tests/browser.py."""
from __future__ import annotations

import io
import re

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.world import PASSWORD

# A 1×1 transparent PNG: the smallest photo or evidence file there is.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
       b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

# The font family each Chinese script prints in.
FONT = {"zh_Hans": "Noto-Sans-CJK-SC", "zh_Hant": "Noto-Sans-CJK-TC"}


# --- pages and forms -------------------------------------------------------------------------

def _hidden(page: str, name: str) -> str | None:
    """The value of a form's hidden field `name`, whichever order the attributes come in."""
    match = (re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
             or re.search(rf'value="([^"]*)"[^>]*name="{name}"', page))
    return match.group(1) if match else None


def _csrf_in(page: str) -> str | None:
    token = _hidden(page, "csrf_token")
    if token:
        return token
    match = re.search(r'csrf_token["\']?\s*[:=]\s*["\']([^"\']+)["\']', page)  # in a script
    return match.group(1) if match else None


def csrf_token(client: FlaskClient, path: str = "/login/") -> str:
    token = _csrf_in(client.get(path).get_data(as_text=True))
    assert token, f"no CSRF token on {path}"
    return token


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    return client.post("/login/", data={"username": username, "password": password,
                                        "csrf_token": csrf_token(client)})


def edit_form_token(client: FlaskClient, path: str, *, versioned: bool = True
                    ) -> dict[str, str]:
    """The hidden fields an edit page posts back: the CSRF token and the version of the
    record the person saw (a save without it is refused as stale). `versioned=False` for
    FAB's own pages (roles, users), which carry no version: taken only when present."""
    page = client.get(path).get_data(as_text=True)
    token = _csrf_in(page)
    assert token, f"no CSRF token on {path}"
    fields = {"csrf_token": token}
    version = _hidden(page, "row_version")
    if versioned:
        assert version is not None, f"no row version on {path}"
    if version is not None:
        fields["row_version"] = version
    return fields


# --- the REST API ------------------------------------------------------------------------------

def put_versioned(api, url: str, body: dict):
    """PUT as a client does: read the record's ETag first, send it back in If-Match."""
    read = api.get(url)
    assert read.status_code == 200, read.get_data(as_text=True)
    return api.put(url, json=body, headers={"If-Match": read.headers["ETag"]})


def version_of(api, url: str) -> int:
    """The version of the record at `url` (a document's REST item), as its reader sees it."""
    response = api.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["result"]["version"]


def transition(api, pk: int, name: str, data: dict | None = None, comment: str | None = None,
               expect: int = 200, *, base: str, version: int | None = None):
    """Take the transition `name` of document `pk` under the REST base `base`, based on
    the version just read (or the one given), and expect `expect`. Modules bind their
    base: `take = partial(transition, base=API)`."""
    version = version_of(api, f"{base}{pk}") if version is None else version
    response = api.post(f"{base}{pk}/transition/{name}",
                        json={"version": version, "data": data or {}, "comment": comment})
    assert response.status_code == expect, (name, response.get_data(as_text=True))
    return response


def history_names(session, doc_type: str, doc_id: int) -> list[str]:
    """The transitions of one document, in the order they were taken."""
    from app.models import WorkflowHistory

    return list(session.scalars(select(WorkflowHistory.transition).where(
        WorkflowHistory.doc_type == doc_type, WorkflowHistory.doc_id == doc_id)
        .order_by(WorkflowHistory.id)))


# --- printed PDFs ------------------------------------------------------------------------------

def pdf_bytes() -> bytes:
    """A valid one-page PDF, as an uploaded document."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_text(pdf: bytes) -> list[str]:
    """The extracted text of each page."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def fonts_of(reader) -> dict[str, object]:
    """Embedded fonts by base name; a document joined from parts laid out apart has one
    subset per part under the same name, each kept (as "name#object")."""
    fonts = {}
    for page in reader.pages:
        for reference in (page["/Resources"].get("/Font") or {}).values():
            font = reference.get_object()
            name = str(font["/BaseFont"])
            idnum = getattr(getattr(reference, "indirect_reference", reference), "idnum", None)
            key = name if name not in fonts or fonts[name] is font else f"{name}#{idnum}"
            fonts[key] = font
    return fonts


def embedded_families(pdf: bytes) -> set[str]:
    """Base font names without the subset prefix: {"Noto-Sans-CJK-SC", ...}."""
    from pypdf import PdfReader

    return {name.split("+", 1)[-1].split("#", 1)[0].lstrip("/")
            for name in fonts_of(PdfReader(io.BytesIO(pdf)))}


def _to_unicode(font) -> dict[int, str]:
    """Glyph code -> text of a font's ToUnicode CMap (bfchar and bfrange entries)."""
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping: dict[int, str] = {}

    def text(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be", "replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(code, 16)] = text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, target in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            base = int(target, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code] = chr(base + offset)
    return mapping


def assert_every_character_has_a_glyph(pdf: bytes) -> None:
    """No tofu: no character was drawn with the missing glyph (code 0 or 0xFFFF), and every
    character of the extracted text comes from an embedded font's glyphs."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    covered: set[str] = set()
    for name, font in fonts_of(reader).items():
        mapping = _to_unicode(font)
        missing = {code for code in mapping if code in (0, 0xFFFF)}
        assert not missing, f"{name} drew {len(missing)} character(s) without a glyph"
        covered |= set("".join(mapping.values()))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    uncovered = {ch for ch in text if not ch.isspace()} - covered
    assert not uncovered, f"characters without an embedded glyph: {sorted(uncovered)}"


def seed_reference_data(session) -> None:
    """The reference data the workflows read: deadline policies, settings, claim approval
    rules, and the mainland working-day calendar of 2026 (the fixed dates of many tests)
    and of this year and the next. Does not commit."""
    from app.models.base import local_now
    from app.models.settings import seed_settings
    from app.workflows.calendar import seed_calendar
    from app.workflows.claim_routing import seed_approval_rules
    from app.workflows.deadlines import seed_policies

    seed_policies(session)
    seed_settings(session)
    seed_approval_rules(session)
    year = local_now().year
    seed_calendar(session, regions=("mainland",), years=sorted({2026, year, year + 1}))


def pdf_of(api, url: str) -> bytes:
    """A printed form over the REST API: the PDF itself, or — for a form the background
    workers print (202) — the finished job's file, fetched where the answer says."""
    response = api.get(url)
    if response.status_code == 202:
        response = api.get(response.json["download"])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.data.startswith(b"%PDF-")
    return response.data
