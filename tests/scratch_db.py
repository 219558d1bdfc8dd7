"""Scratch databases: the template every test database is copied from, and databases of
their own for checks that need several processes (form numbering, deadline ticks), for the
browser tests' live server and for the deadline benchmark.

Building a database is slow: every migration, then FAB's permission sync for every view,
then the built-in roles and the test organisation (tests/world.py). So that happens once
per run and per kind of server, into a template (`template_for`), and every database a
test needs is a copy of it (`copy_database`): a file copy on SQLite, `CREATE DATABASE ...
TEMPLATE` on PostgreSQL. Apps built on a copy skip FAB's permission sync
(`FAB_UPDATE_PERMS=False`): the permissions are already in the copy.

The per-test rollback of tests/conftest.py keeps everything inside one connection that no
other process can see, so concurrency checks get a database of their own: a temporary
SQLite file, or on PostgreSQL a separate database next to the one DATABASE_URL names
(created with trust auth as the URL's user, dropped afterwards). Its schema, permissions,
roles, organisation and people come from the template, its deadline policies and 2026
calendar from the seeding functions the product uses.

The worker functions at the bottom run in child processes forked from a clean fork server
(multiprocessing "forkserver"): each builds its own app and engine, nothing is shared with
the parent or with each other.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.world import World


def is_postgresql(url: str | None) -> bool:
    return bool(url) and url.startswith(("postgresql", "postgres:"))


def normalise(url: str) -> str:
    """A bare postgresql:// means psycopg 3 here (STACK.md), as in the app's config."""
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare):]
    return url


def postgresql_scratch_url(base_url: str, suffix: str) -> str:
    """A database named `<base name>_<suffix>` on the server of `base_url`."""
    url = make_url(normalise(base_url))
    name = f"{url.database or 'postgres'}_{suffix}"[:63]
    return url.set(database=name).render_as_string(hide_password=False)


def _admin_engine(url: str):
    admin = make_url(url).set(database="postgres")
    return create_engine(admin, isolation_level="AUTOCOMMIT")


def create_empty_database(url: str) -> None:
    """PostgreSQL: drop a leftover database of the same name, then create it empty.
    SQLite: remove a leftover file (the driver creates it on first connect)."""
    if is_postgresql(url):
        name = make_url(url).database
        engine = _admin_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                # template0: nobody is ever connected to it, so parallel creates never
                # fail with "source database is being accessed by other users".
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0 '
                                  f"ENCODING 'UTF8'"))
        finally:
            engine.dispose()
    else:
        path = make_url(url).database
        if path and os.path.exists(path):
            os.remove(path)


def drop_database(url: str) -> None:
    if is_postgresql(url):
        name = make_url(url).database
        engine = _admin_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()
    else:
        path = make_url(url).database
        for suffix in ("", "-journal", "-wal", "-shm"):
            if path and os.path.exists(path + suffix):
                os.remove(path + suffix)


# --- the template -------------------------------------------------------------------------

@dataclass
class Template:
    """A migrated database with every permission, the built-in roles and tests/world.py's
    organisation, committed; nobody stays connected to it, so it can be copied."""

    url: str
    world: World


_templates: dict[str, Template] = {}
_template_folder: str | None = None


def _server_of(url: str) -> str:
    """Which template serves `url`: one for SQLite files, one per PostgreSQL server."""
    if not is_postgresql(url):
        return "sqlite"
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def _template_url(url: str) -> str:
    global _template_folder
    if is_postgresql(url):
        # Per process: two runs (or two xdist workers) never share or drop each other's.
        return make_url(url).set(database=f"tests_template_{os.getpid()}").render_as_string(
            hide_password=False)
    if _template_folder is None:
        _template_folder = tempfile.mkdtemp(prefix="wuye-template-")
    return f"sqlite:///{_template_folder}/template.db"


def _add_role_names(app: Any) -> None:
    from app.security.permissions import ROLE_ADMIN, ROLE_NAMES

    sm = app.appbuilder.sm
    for name in (ROLE_ADMIN, *ROLE_NAMES):
        if sm.find_role(name) is None:
            sm.add_role(name)
    app.appbuilder.session.commit()


def build_database(url: str, *, permissions: bool = True) -> World:
    """Migrate an empty database, sync every view's permissions (the one FAB sync of a
    run), create the built-in roles and the test organisation. Returns the organisation.

    `permissions=False` creates the built-in roles by name only, without syncing any
    permission (most of the time a build takes): enough for deadlines and backups, which
    look people up by role name."""
    from flask_migrate import upgrade

    from app import create_app
    from app.commands import sync_roles
    from app.extensions import db
    from tests.world import build_world

    create_empty_database(url)
    bootstrap = create_app("test", SQLALCHEMY_DATABASE_URI=url, FAB_UPDATE_PERMS=False)
    with bootstrap.app_context():
        upgrade()
        db.engine.dispose()
    # Created again now that the schema exists, so FAB adds every view's permissions.
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, FAB_UPDATE_PERMS=permissions)
    with app.app_context():
        if permissions:
            sync_roles()
        else:
            _add_role_names(app)
        world = build_world()
        db.session.remove()
        db.engine.dispose()
    return world


def _run_database() -> str:
    """The database the run's tests are on (tests/conftest.py sets DATABASE_URL)."""
    return normalise(os.environ.get("DATABASE_URL") or "sqlite://")


def template_for(url: str) -> Template:
    """The template for databases like `url` (SQLite, or the same PostgreSQL server),
    built on first use in this process."""
    url = normalise(url)
    server = _server_of(url)
    if server not in _templates:
        template_url = _template_url(url)
        _templates[server] = Template(url=template_url, world=build_database(template_url))
    return _templates[server]


def built_template(url: str) -> Template | None:
    """The template for databases like `url` if this process has built it already."""
    return _templates.get(_server_of(normalise(url)))


def drop_templates() -> None:
    """Drop this process's templates (at the end of the run; also registered atexit)."""
    global _template_folder
    for template in _templates.values():
        drop_database(template.url)
    _templates.clear()
    if _template_folder is not None:
        shutil.rmtree(_template_folder, ignore_errors=True)
        _template_folder = None


atexit.register(drop_templates)


def copy_database(template: Template, url: str) -> World:
    """Make `url` a copy of the template (replacing whatever was there); returns the
    organisation in it."""
    url = normalise(url)
    if is_postgresql(url):
        name = make_url(url).database
        source = make_url(template.url).database
        engine = _admin_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        finally:
            engine.dispose()
    else:
        drop_database(url)
        path = make_url(url).database
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        shutil.copyfile(make_url(template.url).database, path)
    return World(ids=dict(template.world.ids))


def copied_database(url: str) -> World:
    """`url` as a fresh copy of the template for its kind of database."""
    return copy_database(template_for(url), url)


def app_on_copy(url: str, **overrides: Any):
    """The app on a copied database: FAB's permissions are in the copy already, so it
    does not sync them again."""
    from app import create_app

    return create_app("test", SQLALCHEMY_DATABASE_URI=url,
                      **{"FAB_UPDATE_PERMS": False, **overrides})


@dataclass
class ScratchDatabase:
    """A database of its own, seeded, with the app that runs on it: a copy of the template
    (on a server of another kind than the run's, built directly)."""

    url: str
    app: Any = None
    world: World = field(default_factory=World)

    @property
    def dialect(self) -> str:
        return "postgresql" if is_postgresql(self.url) else "sqlite"

    @classmethod
    def create(cls, url: str, *, calendar_years: tuple[int, ...] = (2026,)
               ) -> "ScratchDatabase":
        from app.extensions import db
        from app.workflows.calendar import seed_calendar
        from app.workflows.deadlines import seed_policies

        url = normalise(url)
        server = _server_of(url)
        if server in _templates or server == _server_of(_run_database()):
            world = copied_database(url)
        else:
            # Another kind of server than the run's (the backup drill's PostgreSQL during
            # a SQLite run): built directly, once; a template would cost more than it saves.
            world = build_database(url, permissions=False)
        app = app_on_copy(url)
        with app.app_context():
            session = app.appbuilder.session
            seed_policies(session)
            seed_calendar(session, years=calendar_years)
            session.commit()
            session.remove()
            db.engine.dispose()
        return cls(url=url, app=app, world=world)

    def drop(self) -> None:
        if self.app is not None:
            from app.extensions import db

            with self.app.app_context():
                db.session.remove()
                db.engine.dispose()
        drop_database(self.url)


# --- child processes ------------------------------------------------------------------

def _child_app(url: str):
    """The app as a cron job or a web worker builds it: own engine, audit listener on."""
    from app import create_app

    return create_app("test", SQLALCHEMY_DATABASE_URI=url, FAB_UPDATE_PERMS=False)


def allocate_worker(url: str, prefix: str, year: int, count: int, barrier: Any,
                    results: Any) -> None:
    """Take `count` form numbers, each in its own committed transaction."""
    numbers: list[str] = []
    errors: list[str] = []
    try:
        app = _child_app(url)
        from app.extensions import db
        from app.workflows.numbering import allocate_number

        with app.app_context():
            session = db.session
            barrier.wait()
            for _ in range(count):
                try:
                    numbers.append(allocate_number(session, prefix, year))
                    session.commit()
                except Exception as error:  # noqa: BLE001 - reported to the parent
                    session.rollback()
                    errors.append(repr(error))
            session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001
        errors.append(traceback.format_exc())
    results.put({"pid": os.getpid(), "numbers": numbers, "errors": errors})


def create_worker(url: str, estate_id: int, now: datetime, count: int, barrier: Any,
                  results: Any) -> None:
    """Register `count` work orders through the workflow engine, one transaction each
    (numbering, the emergency deadline, history and audit rows, as in the web form)."""
    numbers: list[str] = []
    errors: list[str] = []
    try:
        app = _child_app(url)
        from app.extensions import db
        from app.models import Estate, WorkOrder
        from app.security.actor import Actor
        from app.workflows import engine

        with app.app_context():
            session = db.session
            barrier.wait()
            for i in range(count):
                try:
                    doc = WorkOrder(estate=session.get(Estate, estate_id),
                                    description=f"Tap dripping ({os.getpid()}/{i})",
                                    category="plumbing", source="resident_phone",
                                    reported_at=now, emergency=(i % 2 == 0))
                    engine.create(doc, actor=Actor.system(), session=session, now=now)
                    session.commit()  # each registration is one unit of work
                    numbers.append(doc.number)
                except Exception as error:  # noqa: BLE001
                    session.rollback()
                    errors.append(repr(error))
            session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001
        errors.append(traceback.format_exc())
    results.put({"pid": os.getpid(), "numbers": numbers, "errors": errors})


def tick_worker(url: str, now: datetime, batch: int, barrier: Any, results: Any) -> None:
    """One `flask sla tick` run, started at the same moment as its siblings."""
    out: dict[str, Any] = {"pid": os.getpid(), "errors": []}
    try:
        app = _child_app(url)
        from app.workflows.deadlines import tick

        with app.app_context():
            barrier.wait()
            result = tick(now, url=url, batch=batch)
        out.update(checked=result.checked, warnings=result.warnings,
                   escalations=result.escalations, notifications=result.notifications,
                   levels=list(result.levels))
    except Exception:  # noqa: BLE001
        out["errors"].append(traceback.format_exc())
    results.put(out)


# What the fork server imports before forking: the product, with an app built once
# (tests/forkserver_warmup.py), so that no worker pays for the imports again.
PRELOAD = ["tests.scratch_db", "tests.forkserver_warmup"]


def run_parallel(target, args_list: list[tuple], timeout: float = 120) -> list[dict]:
    """Start one process per argument tuple, all released together by a barrier
    (the last two arguments given to `target` are the barrier and the result queue);
    return what each reported."""
    import multiprocessing
    import queue as queue_module

    ctx = multiprocessing.get_context("forkserver")
    # The fork server imports the product once; every worker is forked from it, so no
    # worker inherits a connection of this process and none pays the imports again.
    ctx.set_forkserver_preload(PRELOAD)
    barrier = ctx.Barrier(len(args_list), timeout=timeout)
    results = ctx.Queue()
    processes = [ctx.Process(target=target, args=(*args, barrier, results), daemon=True)
                 for args in args_list]
    for process in processes:
        process.start()
    reports: list[dict] = []
    try:
        for _ in processes:
            reports.append(results.get(timeout=timeout))
    except queue_module.Empty:
        reports.append({"pid": None, "errors": ["a worker reported nothing in time"]})
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
    return reports
