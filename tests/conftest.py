"""Test fixtures: one app per session, one rolled-back transaction per test.

The suite runs on a temporary SQLite file by default and on PostgreSQL when DATABASE_URL
names one (CI does both). The schema is built by the real migrations, once per run, into a
template database that every test database is copied from (tests/scratch_db.py); apps
built on a copy do not sync FAB's permissions again.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from typing import Callable, Iterator

import pytest
from sqlalchemy.engine import make_url

# The run's temporary files (its SQLite databases above all) in memory where the machine
# has a tmpfs, unless TMPDIR says otherwise: every SQLite commit waits for the disk, and
# building a database commits hundreds of times (3 times slower on this machine's disk).
# Subprocesses (xdist workers, the fork server, Chromium) inherit TMPDIR.
if not os.environ.get("TMPDIR") and os.path.isdir("/dev/shm") and os.access("/dev/shm",
                                                                           os.W_OK):
    os.environ["TMPDIR"] = tempfile.tempdir = "/dev/shm"

# The database of this run, set before the product (and its config) is imported: a
# temporary SQLite file, or the PostgreSQL database DATABASE_URL names. Under pytest-xdist
# each worker has its own: its own temporary file, or <name>_gw0, <name>_gw1, ...
_TMP = tempfile.TemporaryDirectory(prefix="wuye-tests-")
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgresql", "postgres:"))
if not os.environ.get("DATABASE_URL") or (_WORKER and not _POSTGRESQL):
    # (A worker inherits the environment of the xdist controller, which set its own file.)
    os.environ["DATABASE_URL"] = f"sqlite:///{_TMP.name}/test.db"
elif _WORKER:
    _base = make_url(os.environ["DATABASE_URL"])
    os.environ["DATABASE_URL"] = _base.set(
        database=f"{_base.database}_{_WORKER}").render_as_string(hide_password=False)
os.environ.setdefault("APP_ENV", "test")

from flask import Flask  # noqa: E402 - after the database is chosen
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import Connection, text  # noqa: E402
from sqlalchemy.orm import Session, scoped_session, sessionmaker  # noqa: E402
from sqlalchemy.util import ScopedRegistry  # noqa: E402

# Shared helpers, also importable from here (tests/helpers.py is where they live).
from tests.helpers import (  # noqa: E402, F401
    csrf_token,
    edit_form_token,
    login,
    put_versioned,
    seed_reference_data,
)
from tests.world import PASSWORD, World  # noqa: E402


def _url() -> str:
    from config import _database_url

    return _database_url("sqlite://")


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    from app import create_app
    from tests.scratch_db import copied_database, drop_templates

    # The test database (the one DATABASE_URL names, or the temporary SQLite file) is a
    # copy of the template: migrated, permissions synced, roles and tests/world.py in it.
    world = copied_database(_url())
    application = create_app("test", SQLALCHEMY_DATABASE_URI=_url(), FAB_UPDATE_PERMS=False)
    application.config["TEST_WORLD"] = world
    yield application
    from app.extensions import db
    from tests.scratch_db import drop_database

    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    if _WORKER and not _url().startswith("sqlite"):
        drop_database(_url())  # a worker's own copy; the database DATABASE_URL names stays
    drop_templates()


@pytest.fixture(scope="session")
def world(app: Flask) -> World:
    return app.config["TEST_WORLD"]


class _TestSession(Session):
    """Bound to the test's connection; FAB asks get_bind().name for dialect quirks."""

    def get_bind(self, mapper=None, clause=None, **kwargs):  # noqa: ARG002
        return self.bind


@contextmanager
def rolled_back_connection(app: Flask) -> Iterator[Connection]:
    """A connection inside one outer transaction that is rolled back at the end."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    connection.name = engine.name  # FAB reads session.get_bind().name
    outer = connection.begin()
    if engine.dialect.name == "sqlite":
        # pysqlite opens its transaction lazily, at the first write: without one now, the
        # test's savepoint would be the real transaction and a commit would really commit.
        connection.execute(text("DELETE FROM form_counter WHERE 1 = 0"))
    try:
        yield connection
    finally:
        outer.rollback()
        connection.close()


@contextmanager
def session_on(app: Flask, connection: Connection) -> Iterator[scoped_session]:
    """Everybody's database session works on `connection` meanwhile; a commit only ends a
    savepoint of the transaction the connection is in."""
    from app.extensions import db

    factory = sessionmaker(bind=connection, class_=_TestSession,
                           join_transaction_mode="create_savepoint")
    # Swap the registry inside the one scoped_session everybody holds (FAB's views,
    # its marshmallow schemas, Flask-SQLAlchemy), so all of them use the test connection.
    scoped = db.session
    with app.app_context():
        scoped.remove()
    saved_registry = scoped.registry
    # One session per test (not per app context): test code reads between requests.
    scoped.registry = ScopedRegistry(factory, lambda: "test")
    try:
        yield scoped
    finally:
        scoped.remove()
        scoped.registry = saved_registry


@pytest.fixture(autouse=True)
def db_session(request: pytest.FixtureRequest) -> Iterator[scoped_session | None]:
    """Run every test inside one outer transaction that is rolled back afterwards.

    Tests that share data loaded once (a `shared_connection` fixture of a wider scope,
    itself inside a transaction that is rolled back after them) run inside a savepoint of
    that connection instead, rolled back after each test."""
    if "app" not in request.fixturenames and not any(
            f in request.fixturenames for f in ("client", "world", "as_user", "api_as")):
        yield None
        return
    app: Flask = request.getfixturevalue("app")
    if "shared_connection" in request.fixturenames:
        connection = request.getfixturevalue("shared_connection")
        own = connection.begin_nested()
        try:
            with session_on(app, connection) as scoped:
                yield scoped
        finally:
            if own.is_active:
                own.rollback()
        return
    with rolled_back_connection(app) as connection, session_on(app, connection) as scoped:
        yield scoped


@pytest.fixture(autouse=True)
def _celery_as_it_was() -> Iterator[None]:
    """The process has one Celery app; a test that builds another Flask app (production's,
    a scratch database's) configures it for that app. The next test gets it back."""
    from app.tasks import celery, init_celery

    before = getattr(celery, "flask_app", None)
    yield
    if before is not None and getattr(celery, "flask_app", None) is not before:
        init_celery(before)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def as_user(app: Flask) -> Callable[[str], FlaskClient]:
    """A test client signed in as `username` through the real login form."""

    def make(username: str) -> FlaskClient:
        c = app.test_client()
        response = login(c, username)
        assert response.status_code == 302, f"login of {username} failed"
        return c

    return make


@pytest.fixture
def api_as(app: Flask) -> Callable[[str], FlaskClient]:
    """A test client with a JWT for `username` from /api/v1/security/login."""

    class _ApiClient:
        def __init__(self, token: str) -> None:
            self._client = app.test_client()
            self._headers = {"Authorization": f"Bearer {token}"}

        def __getattr__(self, verb: str):
            method = getattr(self._client, verb)
            return lambda url, **kw: method(url, headers={**self._headers,
                                                          **kw.pop("headers", {})}, **kw)

    def make(username: str):
        response = app.test_client().post("/api/v1/security/login", json={
            "username": username, "password": PASSWORD, "provider": "db", "refresh": False})
        assert response.status_code == 200, response.get_data(as_text=True)
        return _ApiClient(response.json["access_token"])

    return make


@pytest.fixture
def seeded(app: Flask, db_session: scoped_session) -> scoped_session:
    """The reference data the workflows read (tests.helpers.seed_reference_data), inside
    the test's transaction."""
    seed_reference_data(db_session)
    db_session.commit()
    return db_session


# --- browser tests: one live server and one Chromium for the run (tests/browser.py) -----------

@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the app served from a thread, on a copy of the template."""
    from tests.browser import live_server as serve

    with serve(tmp_path_factory.mktemp("browser")) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from tests.browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A page in a browser context of its own: no cookie or language of another test."""
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(30000)  # a loaded 2-core CI machine is slow
        yield page
    finally:
        context.close()


# --- several workers (pytest-xdist, see pytest.ini) ----------------------------------------------

def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a worker of pytest-xdist, the slowest tests first (stable otherwise), so that
    their modules are handed out first and the many short ones fill in after them."""
    if _WORKER:
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# Modules whose tests share no module fixture and are slow each: handed out one by one.
ONE_BY_ONE = ("tests/test_fuzz.py::",)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadscope`: the tests of a module (of a class, for a class's tests) go to
    one worker, so a module or class fixture (a scratch database, the loaded demo) is built
    once. Except: the browser tests (tests/test_browser*.py) are one unit, so one worker
    runs them all on one live server and one Chromium; and the tests of ONE_BY_ONE go out
    one by one, so that their slow ones run on different workers at once."""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith("tests/test_browser"):
                return "browser"
            if nodeid.startswith(ONE_BY_ONE):
                return nodeid
            return super()._split_scope(nodeid)

    return Scheduling(config, log)
