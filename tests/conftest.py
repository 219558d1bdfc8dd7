"""Test fixtures: one app per session, one rolled-back transaction per test.

The suite runs on a temporary SQLite file by default and on PostgreSQL when DATABASE_URL
names one (CI does both). The schema is built by the real migrations.
"""
from __future__ import annotations

import os
import re
import tempfile
from typing import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from sqlalchemy.util import ScopedRegistry

from tests.world import PASSWORD, World, build_world

_TMP = tempfile.TemporaryDirectory(prefix="wuye-tests-")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{_TMP.name}/test.db"
os.environ.setdefault("APP_ENV", "test")


def _reset_database() -> None:
    """Drop whatever an earlier run left (PostgreSQL keeps state between runs)."""
    from sqlalchemy import create_engine, inspect, text

    from config import TestConfig

    engine = create_engine(TestConfig.SQLALCHEMY_DATABASE_URI
                           if "DATABASE_URL" not in os.environ
                           else _url())
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            for table in reversed(inspect(conn).get_table_names()):
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
    engine.dispose()


def _url() -> str:
    from config import _database_url

    return _database_url("sqlite://")


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    from flask_migrate import upgrade

    from app import create_app
    from app.commands import sync_roles

    _reset_database()
    bootstrap = create_app("test", SQLALCHEMY_DATABASE_URI=_url())
    with bootstrap.app_context():
        upgrade()
        from app.extensions import db

        db.engine.dispose()
    # Created again now that the schema exists, so FAB syncs its permissions.
    application = create_app("test", SQLALCHEMY_DATABASE_URI=_url())
    with application.app_context():
        sync_roles()
        application.config["TEST_WORLD"] = build_world()
    yield application


@pytest.fixture(scope="session")
def world(app: Flask) -> World:
    return app.config["TEST_WORLD"]


class _TestSession(Session):
    """Bound to the test's connection; FAB asks get_bind().name for dialect quirks."""

    def get_bind(self, mapper=None, clause=None, **kwargs):  # noqa: ARG002
        return self.bind


@pytest.fixture(autouse=True)
def db_session(request: pytest.FixtureRequest) -> Iterator[scoped_session | None]:
    """Run every test inside one outer transaction that is rolled back afterwards."""
    if "app" not in request.fixturenames and not any(
            f in request.fixturenames for f in ("client", "world", "as_user", "api_as")):
        yield None
        return
    app: Flask = request.getfixturevalue("app")
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    connection.name = engine.name  # FAB reads session.get_bind().name
    outer = connection.begin()
    if engine.dialect.name == "sqlite":
        # pysqlite opens its transaction lazily, at the first write: without one now, the
        # test's savepoint would be the real transaction and a commit would really commit.
        from sqlalchemy import text

        connection.execute(text("DELETE FROM form_counter WHERE 1 = 0"))
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
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/login/") -> str:
    page = client.get(path).get_data(as_text=True)
    match = (re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
             or re.search(r'csrf_token["\']?\s*[:=]\s*["\']([^"\']+)["\']', page))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    return client.post("/login/", data={"username": username, "password": password,
                                        "csrf_token": csrf_token(client)})


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


def edit_form_token(client: FlaskClient, path: str) -> dict[str, str]:
    """The hidden fields an edit page posts back: the CSRF token and the version of the
    record the person saw (a save without it is refused as stale)."""
    page = client.get(path).get_data(as_text=True)
    fields = {"csrf_token": csrf_token(client, path)}
    match = re.search(r'name="row_version"[^>]*value="([^"]*)"', page) or re.search(
        r'value="([^"]*)"[^>]*name="row_version"', page)
    assert match, f"no row version on {path}"
    fields["row_version"] = match.group(1)
    return fields


def put_versioned(api, url: str, body: dict):
    """PUT as a client does: read the record's ETag first, send it back in If-Match."""
    read = api.get(url)
    assert read.status_code == 200, read.get_data(as_text=True)
    return api.put(url, json=body, headers={"If-Match": read.headers["ETag"]})


@pytest.fixture
def seeded(app: Flask, db_session: scoped_session) -> scoped_session:
    """The reference data the workflows read, inside the test's transaction: deadline
    policies, settings, claim approval rules, and the mainland working-day calendar of 2026
    (the fixed dates of many tests) and of this year and the next."""
    from app.models.base import local_now
    from app.models.settings import seed_settings
    from app.workflows.calendar import seed_calendar
    from app.workflows.claim_routing import seed_approval_rules
    from app.workflows.deadlines import seed_policies

    seed_policies(db_session)
    seed_settings(db_session)
    seed_approval_rules(db_session)
    year = local_now().year
    seed_calendar(db_session, regions=("mainland",), years=sorted({2026, year, year + 1}))
    db_session.commit()
    return db_session
