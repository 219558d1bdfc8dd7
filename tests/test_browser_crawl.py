"""In headless Chromium, as `admin`, in Simplified and then Traditional Chinese: every page
of the navbar, plus each list's first add form and first detail page, shows no English
word outside the data, no rule id, no error status and no traceback.

The server is one of its own: the test organisation (tests/world.py) plus the demo company
(app/demo), so that every list has rows and every kind of detail page is reached, and no
English typed by another browser test can turn up in a list.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from app.demo.company import USERS as DEMO_USERS
from app.models.survey import DEFAULT_ITEMS
from app.security import permissions as P
from tests.browser import chromium_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Per language: the whole crawl must stay well under 3 minutes on a loaded 2-core machine.
BUDGET_SECONDS = 170
RULE_ID = re.compile(r"\bR-[A-Z]{2,4}-\d+")
WORD = re.compile(r"[A-Za-z]{3,}")
TRACEBACK = "Traceback (most recent call last)"

# Tokens the Chinese UI legitimately writes in Latin letters. Keep this SMALL: each entry
# says why it is not a missing translation.
ALLOWED_WORDS = {
    "English",  # the language switcher offers English under its own name
    "PDF", "CSV", "SVG", "Excel",  # file formats: Chinese staff call them so too
    "ISO",  # the ISO survey procedure (ISO 9001), so named in the Chinese procedures
}

# The job titles tests/world.py gives its people (the English names of their roles).
WORLD_JOB_TITLES = (P.ROLE_FRONT_DESK_AGENT, P.ROLE_DEPARTMENT_HEAD, P.ROLE_TECHNICIAN,
                    P.ROLE_OFFICE_DIRECTOR, P.ROLE_QUALITY_OFFICER, P.ROLE_CS_SUPERVISOR,
                    P.ROLE_REPAIR_LEAD, P.ROLE_PROPERTY_OFFICER, P.ROLE_CS_CENTRE_MANAGER,
                    P.ROLE_GATE_GUARD, P.ROLE_FINANCE_CLERK, P.ROLE_ADMIN_CLERK)

# The data shown on the pages that is written in Latin letters: matched (and removed) as
# whole values before the words are counted, never a whole column or table.
DATA_PATTERNS = [
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # e-mail addresses (before the logins in them)
    r"[^\s/]+\.(?:pdf|png|jpe?g|xlsx|csv)\b",  # uploaded files' names
    # Test organisation (tests/world.py): its company, offices, estates, buildings,
    # departments, residents, the tester role, and every user's login and names.
    r"Test Property Co", r"Test Branch", r"\bOffice [AB]\b", r"\bEstate [AB]\b",
    r"\bBlock [AB]1\b",
    r"\b(?:CS|Engineering|Marketing|Security|Finance|Administration) [AB]\b",
    r"\bResident [AB]\b", r"Scope matrix tester",
    r"\b(?:agent|head|tech2?|director|quality|supervisor|lead|officer|manager|marketing|"
    r"matrix|guard|cashier|clerk)_[ab]\b",
    r"\b(?:Agent|Head|Tech2?|Director|Quality|Supervisor|Lead|Officer|Manager|Marketing|"
    r"Matrix|Guard|Cashier|Clerk)_[AB]\b",
    # Full names ("Agent_A Test", "Admin Test"), and a first or family name as a cell.
    r"\b(?:Gm|Deputy|Admin|Nobody) Test\b", r"(?<=_[AB]) Test\b",
    r"(?<=\t)(?:Gm|Deputy|Admin|Nobody|Test)(?=[\t\n]|$)",
    # Their job titles, typed in English as the names of their roles: a table cell each.
    r"(?<=\t)(?:" + "|".join(re.escape(role) for role in WORLD_JOB_TITLES) + r")(?=\t)",
    # Demo company (app/demo): its logins.
    r"\b(?:" + "|".join(sorted(re.escape(u.username) for u in DEMO_USERS)) + r")\b",
    r"\b(?:gm|deputy|nobody)\b",
    # Codes: estates and form numbers (SZ-CHHY, EST-A, WO-2026-000001), questionnaire
    # codes (4UKDBTJEF5), and the keys of settings and deadline policies (wo.ready).
    r"\b[A-Z]{2,}(?:-[A-Z0-9]+)+\b", r"\b[0-9A-Z]{10}\b",
    r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b",
    # The default questionnaire's items (app/models/survey.py), shown with their key and
    # in all three languages on the questionnaire's page.
    r"\b(?:" + "|".join(re.escape(i[k]) for i in DEFAULT_ITEMS for k in ("en", "key")) + r")\b",
    # Public holidays as the `holidays` package names them: "聖誕節 (Christmas Day)".
    r"(?<=[\u3400-\u9fff] )\([A-Za-z][A-Za-z ,'’.-]*\)",
]
DATA = re.compile("|".join(f"(?:{p})" for p in DATA_PATTERNS))

# The text of a page: its title, its visible text, the labels of its menus and filter
# choices, and what visible controls say in attributes.
PAGE_TEXT_JS = """() => {
    const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
    const parts = [document.title, document.body.innerText];
    for (const el of document.querySelectorAll('[placeholder], [title], [data-original-title]')) {
        if (!visible(el)) continue;
        for (const attr of ['placeholder', 'title', 'data-original-title']) {
            const v = el.getAttribute(attr);
            if (v) parts.push(v);
        }
    }
    for (const el of document.querySelectorAll('input, button')) {
        const type = (el.getAttribute('type') || '').toLowerCase();
        if (!visible(el) || ['hidden', 'password', 'checkbox', 'radio', 'file'].includes(type))
            continue;
        if (el.value) parts.push(el.value);
    }
    // Menus and the filter columns are hidden until clicked: their labels still count.
    for (const el of document.querySelectorAll('.dropdown-menu a, #filter_form a.filter'))
        parts.push(el.textContent);
    for (const select of document.querySelectorAll('#filter_form select'))
        for (const option of select.options) parts.push(option.textContent);
    return parts.join('\\n');
}"""

# Every filter column added once, so that the operation choices of each are on the page.
ADD_EVERY_FILTER_JS = """() => {
    for (const a of document.querySelectorAll('#filter_form a.filter')) a.click();
}"""


def offending(text: str) -> tuple[list[str], list[str]]:
    """The English words and the rule ids in `text`, the data values left out."""
    rules = sorted(set(RULE_ID.findall(text)))
    words = sorted({w for w in WORD.findall(DATA.sub(" ", text)) if w not in ALLOWED_WORDS})
    return words, rules


@pytest.fixture(scope="module")
def crawl_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server of its own: the test organisation plus the demo company."""
    import threading

    from werkzeug.serving import make_server

    from app.demo import load_demo
    from app.extensions import db
    from tests.browser import _free_port
    from tests.helpers import seed_reference_data
    from tests.scratch_db import app_on_copy, copied_database

    tmp_dir: Path = tmp_path_factory.mktemp("crawl")
    url = f"sqlite:///{tmp_dir / 'crawl.db'}"
    copied_database(url)
    # CRAWL_TRANSLATIONS: a catalog folder to serve instead of translations/, to check
    # translations before they are merged into the catalogs.
    folder = os.environ.get("CRAWL_TRANSLATIONS")
    app = app_on_copy(url, **({"BABEL_TRANSLATION_DIRECTORIES": folder} if folder else {}))
    with app.app_context():
        seed_reference_data(db.session)
        db.session.commit()
        load_demo()
        db.session.remove()
    server = make_server("127.0.0.1", _free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def navbar_links(page, base: str) -> list[str]:
    """Every page the navbar leads to (categories' items included), home first; not the
    language switch or the logout."""
    hrefs = page.eval_on_selector_all(
        ".navbar a[href]", "links => links.map(a => a.getAttribute('href'))")
    links = [f"{base}/"]
    for href in hrefs:
        if not href or href.startswith(("#", "javascript:")) or "/lang/" in href or \
                "/logout" in href:
            continue
        url = href if href.startswith("http") else base + href
        if url not in links:
            links.append(url)
    return links


def first_link(page, selector: str) -> str | None:
    """The first link outside the navbar matching `selector`, absolute."""
    return page.evaluate(
        """selector => {
            const a = [...document.querySelectorAll(selector)].find(
                a => !a.closest('.navbar'));
            return a ? a.href : null;
        }""", selector)


def visit(page, url: str) -> list[str]:
    """Open `url` and say what is wrong with it (nothing: an empty list)."""
    response = page.goto(url, wait_until="domcontentloaded")
    status = response.status if response else 0
    problems = []
    if status >= 400:
        problems.append(f"answers {status}")
    if TRACEBACK in page.content():
        problems.append("shows a Python traceback")
    if page.query_selector("#filter_form a.filter"):
        page.evaluate(ADD_EVERY_FILTER_JS)
    words, rules = offending(page.evaluate(PAGE_TEXT_JS))
    if words:
        problems.append("English: " + ", ".join(words))
    if rules:
        problems.append("rule ids: " + ", ".join(rules))
    return problems


def path_of(url: str) -> str:
    return urlsplit(url).path


def cache_static_files(context) -> None:
    """Serve /static/ from memory after the first fetch: a page loads some 25 scripts,
    styles and fonts, and asking the one server thread pool to revalidate them on every
    page would double the crawl's time on a loaded machine."""
    cache: dict[str, tuple[int, dict, bytes]] = {}

    def serve(route) -> None:
        url = route.request.url
        if url not in cache:
            response = route.fetch()
            cache[url] = (response.status, response.headers, response.body())
        status, headers, body = cache[url]
        route.fulfill(status=status, headers=headers, body=body)

    context.route(re.compile(r".*/static/.*"), serve)


@pytest.mark.skipif(chromium_path() is None,
                    reason="Chromium is not installed (bin/setup installs it)")
@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant"])
def test_every_menu_page_speaks_chinese(crawl_server, browser, lang):
    base = crawl_server
    context = browser.new_context(locale="en-GB")
    try:
        cache_static_files(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        sign_in(page, base, "admin", lang)
        started = time.monotonic()
        page.goto(f"{base}/")
        queue = navbar_links(page, base)
        seen: set[str] = set()
        report: dict[str, list[str]] = {}
        while queue:
            url = queue.pop(0)
            if path_of(url) in seen:
                continue
            seen.add(path_of(url))
            problems = visit(page, url)
            if problems:
                report[url[len(base):]] = problems
            if "/list" in path_of(url):  # a list: its first add form and first detail page
                for selector in ("a[href$='/add'], a[href*='/add?']", "a[href*='/show/']"):
                    link = first_link(page, selector)
                    if link and link.startswith(base) and path_of(link) not in seen:
                        queue.insert(0, link)
            if time.monotonic() - started > BUDGET_SECONDS:
                report["(time)"] = [f"the crawl took over {BUDGET_SECONDS} s: {len(seen)} "
                                    f"pages seen, {len(queue)} left"]
                break
    finally:
        context.close()
    dump = os.environ.get("CRAWL_DUMP")
    if dump:  # for fixing what the crawl finds: every problem, as JSON
        Path(dump).with_suffix(f".{lang}.json").write_text(json.dumps(report, indent=1))
    assert len(seen) > 10, f"only {len(seen)} pages reached: {sorted(seen)}"
    assert not report, f"{lang}: {len(report)} of {len(seen)} pages:\n" + "\n".join(
        f"  {url}: {'; '.join(problems)}" for url, problems in sorted(report.items()))
