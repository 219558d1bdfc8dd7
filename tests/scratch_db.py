"""Scratch databases for checks that need several processes (form numbering, deadline
ticks) and for the deadline benchmark.

The per-test rollback of tests/conftest.py keeps everything inside one connection that no
other process can see, so concurrency checks get a database of their own: a temporary
SQLite file, or on PostgreSQL a separate database next to the one DATABASE_URL names
(created with trust auth as the URL's user, dropped afterwards). Its schema comes from the
real migrations, its organisation and people from tests/world.py, its deadline policies
and 2026 calendar from the seeding functions the product uses. Deadlines find people by
role name, so the built-in roles are created by name only; `full_roles=True` runs
`flask roles sync` instead (slower: every view's permissions).

The worker functions at the bottom run in child processes forked from a clean fork server
(multiprocessing "forkserver"): each builds its own app and engine, nothing is shared with
the parent or with each other.
"""
from __future__ import annotations

import os
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


def _add_role_names(app: Any) -> None:
    from app.security.permissions import ROLE_ADMIN, ROLE_NAMES

    sm = app.appbuilder.sm
    for name in (ROLE_ADMIN, *ROLE_NAMES):
        if sm.find_role(name) is None:
            sm.add_role(name)
    app.appbuilder.session.commit()


@dataclass
class ScratchDatabase:
    """A migrated, seeded database of its own, with the app that runs on it."""

    url: str
    app: Any = None
    world: World = field(default_factory=World)

    @property
    def dialect(self) -> str:
        return "postgresql" if is_postgresql(self.url) else "sqlite"

    @classmethod
    def create(cls, url: str, *, calendar_years: tuple[int, ...] = (2026,),
               full_roles: bool = False) -> "ScratchDatabase":
        from flask_migrate import upgrade

        from app import create_app
        from app.commands import sync_roles
        from app.extensions import db
        from app.workflows.calendar import seed_calendar
        from app.workflows.deadlines import seed_policies
        from tests.world import build_world

        url = normalise(url)
        create_empty_database(url)
        bootstrap = create_app("test", SQLALCHEMY_DATABASE_URI=url)
        with bootstrap.app_context():
            upgrade()
            db.engine.dispose()
        # Created again now that the schema exists. Deadlines look people up by role
        # name only, so the built-in roles are created without syncing every view's
        # permissions (that sync is most of the start-up time; `full_roles` does it).
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, FAB_UPDATE_PERMS=full_roles)
        with app.app_context():
            if full_roles:
                sync_roles()
            else:
                _add_role_names(app)
            world = build_world()
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


PRELOAD = ["tests.scratch_db", "app", "app.models", "app.workflows.declarations",
           "app.workflows.deadlines", "app.workflows.numbering", "flask_appbuilder"]


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
