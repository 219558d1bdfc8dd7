"""Backup drill (`flask backup`, `flask restore`), on SQLite and on PostgreSQL.

The per-test rollback of tests/conftest.py cannot hold a backup (pg_dump and the SQLite
backup API see committed data only), so the drill has a database of its own: a temporary
SQLite file, or a throwaway `backup_drill_<pid>_<random>` database on the PostgreSQL server
of DATABASE_URL (or, on SQLite-only runs, on 127.0.0.1:5432 as postgres when one answers).
It is migrated and filled with the test world plus residents with Chinese names and a
repair with a photo; then backed up, wiped, restored and compared, all through the CLI.
"""
from __future__ import annotations

import io
import json
import os
import secrets
import sqlite3
import tarfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from app.backup import TableSummary, canonical_value, libpq_connection, table_summaries
from tests.helpers import PNG
from tests.scratch_db import (
    ScratchDatabase,
    create_empty_database,
    drop_database,
    is_postgresql,
    normalise,
)
from tests.world import World

LOCAL_POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PHOTO = PNG + bytes(range(256)) * 8
CHINESE_NAMES = ("王小明", "陳大文", "李娜")


def _postgresql_server() -> str | None:
    """The server to drill on: DATABASE_URL's when it names PostgreSQL, else the local
    one if it answers (CI has one even for the SQLite run)."""
    base = os.environ.get("DATABASE_URL", "")
    if is_postgresql(base):
        return normalise(base)
    engine = create_engine(LOCAL_POSTGRESQL, poolclass=NullPool,
                           connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return LOCAL_POSTGRESQL
    except OperationalError:
        return None
    finally:
        engine.dispose()


@dataclass
class Drill:
    scratch: ScratchDatabase
    workdir: Path

    @property
    def url(self) -> str:
        return self.scratch.url

    def sibling(self, suffix: str) -> str:
        """Another database of the same kind, for restores that must not touch ours."""
        if self.scratch.dialect == "postgresql":
            url = make_url(self.url)
            return url.set(database=f"{url.database}_{suffix}").render_as_string(
                hide_password=False)
        return f"sqlite:///{self.workdir / f'{suffix}.db'}"


def _app_on(url: str, instance: Path) -> Flask:
    """The app an operator's `flask` command builds, with its own instance folder."""
    from app import create_app

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, FAB_UPDATE_PERMS=False)
    instance.mkdir(parents=True, exist_ok=True)
    app.instance_path = str(instance)
    return app


def _add_realistic_rows(app: Flask, world: World) -> None:
    """Residents with Chinese names and a repair with a fee and a photo (bytes, decimals,
    booleans, datetimes; the audit log and history add JSON)."""
    from app.extensions import db
    from app.models import Resident, WorkOrder, WorkOrderPhoto
    from app.models.base import local_now
    from app.security.actor import Actor
    from app.workflows import engine

    with app.app_context():
        session = db.session
        residents = [Resident(unit_id=world.unit_a, name=name, relation="owner",
                              phone=f"1380013800{i}", notes="業主委員會成員" if i else None)
                     for i, name in enumerate(CHINESE_NAMES)]
        session.add_all(residents)
        session.flush()
        order = WorkOrder(estate_id=world.estate_a, unit_id=world.unit_a,
                          resident_id=residents[0].id, contact_name=CHINESE_NAMES[0],
                          description="厨房水龙头漏水", category="plumbing", emergency=True,
                          fee=Decimal("120.50"), labour_hours=Decimal("1.5"))
        engine.create(order, actor=Actor.system(), session=session)
        session.add(WorkOrderPhoto(work_order=order, filename="水龙头.png",
                                   content_type="image/png", size=len(PHOTO), data=PHOTO,
                                   uploaded_at=local_now()))
        session.commit()
        session.remove()
        db.engine.dispose()


def _summaries(url: str) -> dict[str, TableSummary]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return table_summaries(conn)
    finally:
        engine.dispose()


def _counts(url: str) -> dict[str, int]:
    """Plain COUNT(*) per table: a check that does not go through the checksum code."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return {name: conn.scalar(select(func.count()).select_from(table(name)))
                    for name in inspect(conn).get_table_names()}
    finally:
        engine.dispose()


def _wipe(url: str) -> None:
    """What the operator does before a restore: drop the database, create it empty."""
    drop_database(url)
    create_empty_database(url)


def _release(app: Flask) -> None:
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _repack(archive: Path, target: Path,
            manifest_edit: Callable[[dict], None] | None = None,
            database_edit: Callable[[Path, dict], None] | None = None) -> Path:
    """A copy of `archive` with its manifest and/or database file changed."""
    work = target.parent / f"{target.name}.d"
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(work, filter="data")
    manifest_path = work / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    if database_edit is not None:
        database_edit(work / manifest["database"]["member"], manifest)
    if manifest_edit is not None:
        manifest_edit(manifest)
    manifest_path.write_text(json.dumps(manifest))
    with tarfile.open(target, "w:gz") as tar:
        for path in sorted(work.iterdir()):
            tar.add(path, arcname=path.name)
    return target


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def drill(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    workdir = tmp_path_factory.mktemp(f"backup-{request.param}")
    if request.param == "postgresql":
        server = _postgresql_server()
        if server is None:
            pytest.skip("no PostgreSQL server answers at 127.0.0.1:5432 and DATABASE_URL "
                        "does not name one")
        name = f"backup_drill_{os.getpid()}_{secrets.token_hex(3)}"
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{workdir / 'desk.db'}"
    scratch = ScratchDatabase.create(url)
    scratch.app.instance_path = str(workdir / "instance")
    uploads = workdir / "instance" / "uploads" / "2026"
    uploads.mkdir(parents=True)
    (uploads / "平面图.pdf").write_bytes(b"%PDF-1.4 floor plan")
    _add_realistic_rows(scratch.app, scratch.world)
    drill = Drill(scratch=scratch, workdir=workdir)
    try:
        yield drill
    finally:
        scratch.drop()
        for suffix in ("tampered", "damaged", "declined"):
            drop_database(drill.sibling(suffix))


@pytest.fixture(scope="module")
def archive(drill: Drill) -> Path:
    """One `flask backup` of the drill database, as cron would run it."""
    result = drill.scratch.app.test_cli_runner().invoke(
        args=["backup", "--output", str(drill.workdir / "archives")])
    assert result.exit_code == 0, result.output
    [path] = (drill.workdir / "archives").glob("desk-backup-*.tar.gz")
    assert str(path) in result.output
    return path


def test_backup_wipe_restore_drill(drill: Drill, archive: Path) -> None:
    """Backup, drop the database, restore into an empty one: every table comes back with
    the same rows and the same checksum, photos and Chinese text included."""
    before = _summaries(drill.url)
    counts_before = _counts(drill.url)
    with tarfile.open(archive, "r:gz") as tar:
        assert tar.getnames()[0] == "manifest.json"
        manifest = json.load(tar.extractfile("manifest.json"))
        assert "uploads/2026/平面图.pdf" in tar.getnames()
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert manifest["dialect"] == drill.scratch.dialect
    assert manifest["alembic_revision"]
    assert manifest["uploads"]["included"] and manifest["uploads"]["files"] == 1
    assert {name: t["rows"] for name, t in manifest["tables"].items()} == counts_before
    assert {name: t["sha256"] for name, t in manifest["tables"].items()} == {
        name: s.sha256 for name, s in before.items()}

    _release(drill.scratch.app)
    _wipe(drill.url)
    assert _counts(drill.url) == {}
    restorer = _app_on(drill.url, drill.workdir / "restored-instance")
    result = restorer.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Restored and verified" in result.output
    _release(restorer)

    assert _counts(drill.url) == counts_before
    assert _summaries(drill.url) == before
    restored_file = drill.workdir / "restored-instance" / "uploads" / "2026" / "平面图.pdf"
    assert restored_file.read_bytes() == b"%PDF-1.4 floor plan"
    engine = create_engine(drill.url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            names = set(conn.scalars(text("SELECT name FROM resident")))
            photo = conn.scalar(text("SELECT data FROM work_order_photo"))
            fee = conn.scalar(text("SELECT fee FROM work_order WHERE fee IS NOT NULL"))
    finally:
        engine.dispose()
    assert set(CHINESE_NAMES) <= names
    assert bytes(photo) == PHOTO
    assert Decimal(str(fee)) == Decimal("120.50")


def test_restore_refuses_a_database_that_is_not_empty(drill: Drill, archive: Path) -> None:
    counts = _counts(drill.url)
    result = drill.scratch.app.test_cli_runner().invoke(
        args=["restore", str(archive), "--yes"])
    assert result.exit_code != 0
    assert "is not empty" in result.output
    assert _counts(drill.url) == counts


def test_tampered_manifest_fails_verification(drill: Drill, archive: Path) -> None:
    """A restore whose tables do not reproduce the manifest is reported and exits
    non-zero (here: the archive claims other contents for the residents)."""
    def edit(manifest: dict) -> None:
        manifest["tables"]["resident"]["sha256"] = "0" * 64

    tampered = _repack(archive, drill.workdir / "tampered.tar.gz", manifest_edit=edit)
    url = drill.sibling("tampered")
    create_empty_database(url)
    app = _app_on(url, drill.workdir / "tampered-instance")
    result = app.test_cli_runner().invoke(args=["restore", str(tampered), "--yes"])
    _release(app)
    assert result.exit_code != 0
    assert "MISMATCH resident: contents differ" in result.output
    assert "verification failed" in result.output


def test_damaged_database_file_is_refused_before_restoring(drill: Drill,
                                                           archive: Path) -> None:
    def corrupt(path: Path, manifest: dict) -> None:  # noqa: ARG001
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))

    damaged = _repack(archive, drill.workdir / "damaged.tar.gz", database_edit=corrupt)
    url = drill.sibling("damaged")
    create_empty_database(url)
    app = _app_on(url, drill.workdir / "damaged-instance")
    result = app.test_cli_runner().invoke(args=["restore", str(damaged), "--yes"])
    _release(app)
    assert result.exit_code != 0
    assert "archive is damaged" in result.output
    assert _counts(url) == {}


def test_restore_asks_before_writing(drill: Drill, archive: Path) -> None:
    url = drill.sibling("declined")
    create_empty_database(url)
    app = _app_on(url, drill.workdir / "declined-instance")
    result = app.test_cli_runner().invoke(args=["restore", str(archive)], input="n\n")
    _release(app)
    assert result.exit_code != 0
    assert "Restore it into" in result.output
    assert _counts(url) == {}


@pytest.mark.parametrize("drill", ["sqlite"], indirect=True)  # edited with sqlite3
def test_changed_row_is_caught_by_its_checksum(tmp_path: Path, drill: Drill,
                                               archive: Path) -> None:
    """SQLite: change one resident's name inside the archived database (and make the file
    checksum agree): only the table checksum can notice, and it does."""
    assert drill.scratch.dialect == "sqlite"

    def rename(path: Path, manifest: dict) -> None:
        from app.backup import sha256_file

        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE resident SET name = '王小朋' WHERE name = '王小明'")
        conn.close()
        manifest["database"]["sha256"] = sha256_file(path)

    edited = _repack(archive, tmp_path / "edited.tar.gz", database_edit=rename)
    url = f"sqlite:///{tmp_path / 'edited.db'}"
    app = _app_on(url, tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["restore", str(edited), "--yes"])
    _release(app)
    assert result.exit_code != 0
    assert "MISMATCH resident: contents differ" in result.output
    assert result.output.count("MISMATCH") == 1


@pytest.mark.parametrize("drill", ["sqlite"], indirect=True)  # not a database matter
def test_keep_prunes_only_older_archives(tmp_path: Path, drill: Drill) -> None:
    folder = tmp_path / "nightly"
    folder.mkdir()
    old = [folder / f"desk-backup-2020010{i}-020000.tar.gz" for i in (1, 2)]
    for path in old:
        path.write_bytes(b"old")
    unrelated = folder / "notes.txt"
    unrelated.write_text("keep me")
    result = drill.scratch.app.test_cli_runner().invoke(
        args=["backup", "--output", str(folder), "--keep", "2"])
    assert result.exit_code == 0, result.output
    left = sorted(p.name for p in folder.iterdir())
    assert old[0].name not in left and old[1].name in left and "notes.txt" in left
    assert len([n for n in left if n.endswith(".tar.gz")]) == 2
    assert f"removed old archive {old[0].name}" in result.output


def test_canonical_values_keep_types_apart_and_decimals_together() -> None:
    assert canonical_value(True) != canonical_value(1) != canonical_value("1")
    assert canonical_value(1) != canonical_value(1.0)
    assert canonical_value(Decimal("12.50")) == canonical_value(Decimal("12.5"))
    assert canonical_value(Decimal("100")) == canonical_value(Decimal("1E+2")) == "d:100"
    assert canonical_value(memoryview(b"ab")) == canonical_value(b"ab")
    assert canonical_value({"b": 1, "a": "甲"}) == canonical_value({"a": "甲", "b": 1})
    assert canonical_value(None) is None


def test_manifest_reader_rejects_other_files(tmp_path: Path) -> None:
    from app.backup import BackupError, read_manifest

    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        body = b'{"format": "something-else"}'
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    with pytest.raises(BackupError, match="not a Property Service Desk backup"):
        read_manifest(other)
    (tmp_path / "junk.tar.gz").write_bytes(b"junk")
    with pytest.raises(BackupError, match="not a readable backup archive"):
        read_manifest(tmp_path / "junk.tar.gz")


def test_pg_tools_get_a_libpq_url_and_the_password_in_the_environment() -> None:
    uri, env = libpq_connection(
        "postgresql+psycopg://desk:s3cr%40t@db.example:5433/desk?sslmode=require")
    assert uri == "postgresql://desk@db.example:5433/desk?sslmode=require"
    assert env == {"PGPASSWORD": "s3cr@t"}
    assert libpq_connection("postgresql+psycopg://postgres@127.0.0.1/desk") == (
        "postgresql://postgres@127.0.0.1/desk", {})
