"""A live server on its own SQLite file for browser tests (the per-test rollback of the
other tests cannot be shared with a server thread)."""
from __future__ import annotations

import os
import shutil
import socket
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from werkzeug.serving import make_server


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which(
        "chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(tmp_dir: Path) -> Iterator[str]:
    from flask_migrate import upgrade

    from app import create_app
    from app.commands import sync_roles
    from app.extensions import db
    from tests.world import build_world

    url = f"sqlite:///{tmp_dir / 'browser.db'}"
    bootstrap = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with bootstrap.app_context():
        upgrade()
        db.engine.dispose()
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        from app.models.settings import seed_settings
        from app.workflows.deadlines import seed_policies

        sync_roles()
        build_world()
        from app.workflows.claim_routing import seed_approval_rules

        seed_policies(db.session)
        seed_settings(db.session)
        seed_approval_rules(db.session)
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


def signed_in(page: "object", username: str, timeout: float = 30000) -> None:
    """Wait until the sign-in has left the login page; say what the page showed if not."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_url(lambda url: "/login" not in url, timeout=timeout)
    except PlaywrightTimeout:
        text = page.inner_text("body")[:600] if page.url else ""
        raise AssertionError(f"{username} is still on {page.url} after signing in: "
                             f"{text!r}") from None


@contextmanager
def chromium_page() -> Iterator["object"]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        try:
            page = browser.new_page(locale="en-GB")
            page.set_default_timeout(30000)  # a loaded 2-core CI machine is slow
            yield page
        finally:
            browser.close()
