"""Browser tests' machinery: one live server on its own SQLite file (the per-test rollback
of the other tests cannot be shared with a server thread) and one headless Chromium, both
for the whole run (the `live_server`, `browser` and `page` fixtures of tests/conftest.py),
and the steps the browser tests share: signing in, picking an option, taking a transition.

The server's database is a copy of the run's template (tests/scratch_db.py), so starting
it costs a file copy and an app build without FAB's permission sync. The browser tests
share it: each registers documents of its own and reads only those.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from werkzeug.serving import make_server

from tests.world import PASSWORD


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which(
        "chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(tmp_dir: Path) -> Iterator[str]:
    from app.extensions import db
    from tests.helpers import seed_reference_data
    from tests.scratch_db import app_on_copy, copied_database

    url = f"sqlite:///{tmp_dir / 'browser.db'}"
    copied_database(url)
    app = app_on_copy(url)
    with app.app_context():
        seed_reference_data(db.session)
        db.session.commit()
        db.session.remove()
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()  # the port is free again, not left listening
        with app.app_context():
            db.engine.dispose()


@contextmanager
def chromium() -> Iterator["object"]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        try:
            yield browser
        finally:
            browser.close()


# --- steps -----------------------------------------------------------------------------------

def hant(msgid: str) -> str:
    """The Traditional Chinese (zh_Hant) of a message id; it must have one."""
    from babel.support import Translations

    from config import BASE_DIR

    text = Translations.load(str(BASE_DIR / "translations"), ["zh_Hant"]).gettext(msgid)
    assert text != msgid, f"{msgid!r} has no zh_Hant translation"
    return text


def signed_in(page: "object", username: str, timeout: float = 30000) -> None:
    """Wait until the sign-in has left the login page; say what the page showed if not."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_url(lambda url: "/login" not in url, timeout=timeout)
    except PlaywrightTimeout:
        text = page.inner_text("body")[:600] if page.url else ""
        raise AssertionError(f"{username} is still on {page.url} after signing in: "
                             f"{text!r}") from None


def sign_in(page, base: str, username: str, lang: str | None = None) -> None:
    """Sign out whoever is signed in, sign in as `username`; then switch to `lang`."""
    page.goto(f"{base}/logout/")
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    signed_in(page, username)
    if lang:
        page.goto(f"{base}/lang/{lang}")


def choose(page, select: str, text: str | None = None, *, value: str | None = None) -> None:
    """Pick an option of a (select2-enhanced) <select> by its text or its value."""
    page.evaluate(
        """([selector, text, value]) => {
            const select = document.querySelector(selector);
            const option = [...select.options].find(
                o => value !== null ? o.value === value : o.text.includes(text));
            if (!option) throw new Error('no option ' + (value ?? text) + ' in ' + selector);
            select.value = option.value;
            select.dispatchEvent(new Event('change', {bubbles: true}));
        }""", [select, text, value])


def take(page, show_url: str, action: str, fill: dict | None = None) -> None:
    """From a document's detail page: the transition's action, its form, submit, and back
    on the same kind of detail page. `fill` maps field ids to text, True (tick the box),
    or, as "select:<id>", the option's value or label."""
    show_page = re.compile(re.escape(show_url.rsplit("/show/", 1)[0]) + r"/show/\d+")
    page.goto(show_url)
    page.locator(f"a[id$='.action-{action}']").click()
    page.wait_for_url(re.compile(rf".*/transition/{action}.*"))
    for name, value in (fill or {}).items():
        if name.startswith("select:"):
            page.select_option(f"#{name[7:]}", value)
        elif value is True:
            page.check(f"#{name}")
        else:
            page.fill(f"#{name}", value)
    page.click("#transition-submit")
    page.wait_for_url(show_page)


def pick(page, field_id: str, typed: str, text: str | None = None) -> None:
    """Type into a field whose choices load on demand (select2 over /choices/<kind>) and
    pick the first match containing `text` (default: what was typed)."""
    page.click(f"#{field_id} + .select2 .select2-selection")
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(typed)
    option = page.locator(".select2-container--open .select2-results__option",
                          has_text=text or typed).first
    option.wait_for(timeout=10000)
    option.click()


def offered(page, field_id: str, typed: str) -> list[str]:
    """What a field that loads its choices on demand offers for `typed` (closed again)."""
    page.click(f"#{field_id} + .select2 .select2-selection")
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(typed)
    page.wait_for_function(
        """() => !document.querySelector('.select2-container--open .loading-results')
               && document.querySelector('.select2-container--open .select2-results__option')""")
    page.wait_for_timeout(400)  # the request's short delay, then its answer
    page.wait_for_function(
        "() => !document.querySelector('.select2-container--open .loading-results')")
    texts = page.locator(".select2-container--open .select2-results__option").all_inner_texts()
    page.keyboard.press("Escape")
    return texts
