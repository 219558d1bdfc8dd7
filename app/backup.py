"""Backups and restores: `flask backup` and `flask restore`.

One archive (`desk-backup-<UTC time>.tar.gz`) holds everything needed to bring the desk
back: the database, the `instance/uploads/` folder when there is one (photos and evidence
files live in the database itself, so they travel with it) and `manifest.json`. The
manifest is written first in the archive and records when and from what the archive was
made, the Alembic revision and, per table, the number of rows and a checksum of their
contents. A restore is only trusted once the restored database reproduces both.

Why each choice:

* SQLite is copied with the online backup API, so a running server is fine and the copy
  is one consistent state; the manifest is computed from that copy, not from the live file.
* PostgreSQL is dumped with `pg_dump --format=custom` from a snapshot exported by a
  REPEATABLE READ transaction that also computes the manifest, so dump and manifest
  describe exactly the same moment while the desk keeps working.
* Restores go into an empty database only: merging into existing data is never what an
  operator restoring a backup wants, and refusing is safer than guessing.
* Checksums are computed the same way on both dialects, from typed values brought into
  one canonical text form (see `canonical_value`), so that datetimes, decimals, booleans,
  bytes and JSON compare equal after a restore.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import click
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import MetaData, Table, create_engine, inspect, select, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from app import clock
from app.extensions import db

ARCHIVE_FORMAT = "property-service-desk-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRESQL_MEMBER = "database.pgdump"
UPLOADS_MEMBER = "uploads"
ARCHIVE_PREFIX = "desk-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
CHECKSUM_METHOD = (
    "sha256 over the sorted column names, then one line per row ordered by primary key: "
    "a JSON array of the row's values in canonical text form (see app/backup.py)"
)
_CHUNK = 1 << 20


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message is meant for the operator."""


@dataclass(frozen=True)
class TableSummary:
    """What the manifest says of one table."""

    rows: int
    sha256: str


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    pruned: list[Path] = field(default_factory=list)


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    tables: int
    rows: int
    mismatches: list[str]
    code_heads: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches


# --- checksums --------------------------------------------------------------------------

def canonical_value(value: Any) -> Any:
    """One JSON-safe form per value whatever the driver returned it as.

    Typed tags keep "1" (text), 1 (integer), True and 1.0 apart; decimals are normalised
    (12.50 == 12.5: SQLite hands back NUMERIC through float, PostgreSQL keeps the scale);
    bytes are represented by their length and sha256 so that photos do not bloat memory.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return f"b:{'t' if value else 'f'}"
    if isinstance(value, int):
        return f"i:{value}"
    if isinstance(value, float):
        return f"f:{value!r}"
    if isinstance(value, Decimal):
        return f"d:{format(value.normalize(), 'f')}" if value.is_finite() else f"d:{value}"
    if isinstance(value, datetime):
        return f"t:{value.isoformat()}"
    if isinstance(value, date):
        return f"D:{value.isoformat()}"
    if isinstance(value, time):
        return f"T:{value.isoformat()}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return f"x:{len(data)}:{hashlib.sha256(data).hexdigest()}"
    if isinstance(value, str):
        return f"s:{value}"
    if isinstance(value, (dict, list)):
        return "j:" + json.dumps(value, sort_keys=True, ensure_ascii=False,
                                 separators=(",", ":"), default=str)
    return f"?:{value}"


def _reflect(conn: Connection) -> list[Table]:
    """Every table of the database, as the database itself describes it (so that tables
    no model maps, like alembic_version, are covered too)."""
    metadata = MetaData()
    metadata.reflect(bind=conn, resolve_fks=False)
    return sorted(metadata.tables.values(), key=lambda t: t.name)


def table_summary(conn: Connection, table: Table) -> TableSummary:
    """Row count and checksum of one table, in one pass over its rows."""
    columns = sorted(table.columns, key=lambda c: c.name)
    order = list(table.primary_key.columns) or columns
    digest = hashlib.sha256()
    digest.update(json.dumps([c.name for c in columns]).encode() + b"\n")
    rows = 0
    result = conn.execution_options(stream_results=True, yield_per=1000).execute(
        select(*columns).order_by(*order))
    for row in result:
        digest.update(json.dumps([canonical_value(v) for v in row], ensure_ascii=False,
                                 separators=(",", ":")).encode() + b"\n")
        rows += 1
    return TableSummary(rows=rows, sha256=digest.hexdigest())


def table_summaries(conn: Connection) -> dict[str, TableSummary]:
    return {table.name: table_summary(conn, table) for table in _reflect(conn)}


def alembic_revision(conn: Connection) -> str | None:
    """The schema revision the data belongs to (a restore into older code must say so)."""
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    versions = sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return ",".join(versions) or None


def compare(manifest: dict[str, Any], actual: dict[str, TableSummary]) -> list[str]:
    """Human-readable differences between the manifest and a restored database."""
    expected: dict[str, dict[str, Any]] = manifest["tables"]
    problems = [f"{name}: missing after restore" for name in sorted(set(expected) - set(actual))]
    problems += [f"{name}: not in the archive" for name in sorted(set(actual) - set(expected))]
    for name in sorted(set(expected) & set(actual)):
        want, got = expected[name], actual[name]
        if want["rows"] != got.rows:
            problems.append(f"{name}: {got.rows} rows, the archive has {want['rows']}")
        elif want["sha256"] != got.sha256:
            problems.append(f"{name}: contents differ from the archive (checksum mismatch)")
    return problems


# --- databases ----------------------------------------------------------------------------

def dialect_of(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database).resolve()


def _engine(url: str) -> Engine:
    """A private engine: the CLI's own work must not share (or be killed with) the app's
    pool, and pg_dump must see our exported snapshot while the app's sessions do not."""
    return create_engine(url, poolclass=NullPool)


def libpq_connection(url: str) -> tuple[str, dict[str, str]]:
    """The app's SQLAlchemy URL as a libpq URI for pg_dump/pg_restore; the password goes
    into the environment (PGPASSWORD), never onto a command line others can read."""
    parsed = make_url(url)
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    # URL.set() ignores None, so the password is dropped by building a new URL.
    bare = URL.create("postgresql", username=parsed.username, host=parsed.host,
                      port=parsed.port, database=parsed.database, query=parsed.query)
    return bare.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not on PATH; install the PostgreSQL client "
                          f"(Debian: apt-get install postgresql-client)")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed (exit {done.returncode}):\n"
                          f"{done.stderr.strip()}")


def existing_tables(url: str) -> list[str]:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return sorted(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def describe(url: str) -> str:
    """The target as an operator recognises it, without its password."""
    return make_url(url).render_as_string(hide_password=True)


# --- files --------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _upload_files(root: Path) -> Iterator[Path]:
    """Regular files only: a symlink could smuggle in something outside the folder."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def uploads_summary(root: Path) -> dict[str, Any]:
    """File count, bytes and one checksum over every file's relative path and content."""
    digest = hashlib.sha256()
    files = size = 0
    for path in _upload_files(root):
        relative = path.relative_to(root).as_posix()
        digest.update(f"{relative}\t{sha256_file(path)}\n".encode())
        files += 1
        size += path.stat().st_size
    return {"included": True, "files": files, "bytes": size, "sha256": digest.hexdigest()}


def default_archive_name(now: datetime) -> str:
    return f"{ARCHIVE_PREFIX}{now:%Y%m%d-%H%M%S}{ARCHIVE_SUFFIX}"


def archive_path(output: Path | None, instance_path: Path, now: datetime) -> Path:
    """A path ending in .tar.gz names the archive; anything else is a folder for it
    (default: instance/backups), created if missing."""
    if output is not None and output.name.endswith(ARCHIVE_SUFFIX):
        output.parent.mkdir(parents=True, exist_ok=True)
        return output
    folder = output if output is not None else instance_path / "backups"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / default_archive_name(now)


def prune_archives(folder: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives this command wrote into `folder` (names
    sort by time); other files there are never touched."""
    archives = sorted(p for p in folder.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}")
                      if p.is_file())
    doomed = archives[:-keep] if keep > 0 else archives
    for path in doomed:
        path.unlink()
    return doomed


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Members unpack readable by their owner only, whoever runs the restore."""
    info.mode = 0o700 if info.isdir() else 0o600
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _write_archive(target: Path, manifest: dict[str, Any], database: Path, member: str,
                   uploads: Path | None) -> None:
    """Write next to the target and rename at the end, so that an interrupted run never
    leaves a half archive under a real archive's name; 0600 because it holds personal
    data (residents' phones, password hashes)."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size, info.mtime, info.mode = len(body), int(clock.utc_now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
            tar.add(database, arcname=member, filter=_private)
            if uploads is not None:
                tar.add(uploads, arcname=UPLOADS_MEMBER, recursive=False, filter=_private)
                for path in _upload_files(uploads):
                    tar.add(path, arcname=f"{UPLOADS_MEMBER}/"
                                          f"{path.relative_to(uploads).as_posix()}",
                            filter=_private)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


# --- backup ---------------------------------------------------------------------------------

def _manifest(dialect: str, revision: str | None, tables: dict[str, TableSummary],
              member: str, database: Path, uploads: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": ARCHIVE_FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": clock.utc_now().isoformat(timespec="seconds"),
        "dialect": dialect,
        "alembic_revision": revision,
        "database": {"member": member, "bytes": database.stat().st_size,
                     "sha256": sha256_file(database)},
        "uploads": uploads,
        "checksum_method": CHECKSUM_METHOD,
        "tables": {name: {"rows": s.rows, "sha256": s.sha256}
                   for name, s in sorted(tables.items())},
    }


def _snapshot_sqlite(url: str, copy: Path) -> tuple[str | None, dict[str, TableSummary]]:
    """Copy the live file with the online backup API (one read lock, one consistent
    state), then describe the copy: what is described is exactly what is archived."""
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"no database file at {source_path}")
    source = sqlite3.connect(source_path, timeout=30)
    destination = sqlite3.connect(copy)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    engine = _engine(f"sqlite:///{copy}")
    try:
        with engine.connect() as conn:
            return alembic_revision(conn), table_summaries(conn)
    finally:
        engine.dispose()


def _dump_postgresql(url: str, dump: Path) -> tuple[str | None, dict[str, TableSummary]]:
    """pg_dump from the snapshot of our own REPEATABLE READ transaction, which computes
    the manifest too: both see the same moment although the desk keeps writing."""
    pg_dump = _pg_tool("pg_dump")
    uri, env = libpq_connection(url)
    engine = _engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            with conn.begin():
                conn.execute(text("SET TRANSACTION READ ONLY"))
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                _run([pg_dump, "--format=custom", f"--snapshot={snapshot}",
                      f"--file={dump}", f"--dbname={uri}"], env)
                return alembic_revision(conn), table_summaries(conn)
    finally:
        engine.dispose()


def create_backup(url: str, output: Path | None, instance_path: Path,
                  keep: int | None = None) -> BackupResult:
    """Write one archive of the database and instance/uploads; return its path."""
    dialect = dialect_of(url)
    target = archive_path(output, instance_path, clock.utc_now())
    uploads_dir = instance_path / UPLOADS_MEMBER
    uploads = uploads_dir if uploads_dir.is_dir() else None
    with tempfile.TemporaryDirectory(prefix=".desk-backup-work-",
                                     dir=target.parent) as work:
        if dialect == "sqlite":
            member = SQLITE_MEMBER
            revision, tables = _snapshot_sqlite(url, Path(work) / member)
        else:
            member = POSTGRESQL_MEMBER
            revision, tables = _dump_postgresql(url, Path(work) / member)
        database = Path(work) / member
        manifest = _manifest(dialect, revision, tables, member, database,
                             uploads_summary(uploads) if uploads else {"included": False})
        _write_archive(target, manifest, database, member, uploads)
    pruned = prune_archives(target.parent, keep) if keep is not None else []
    return BackupResult(path=target, manifest=manifest, pruned=pruned)


# --- restore ----------------------------------------------------------------------------

def read_manifest(archive: Path) -> dict[str, Any]:
    """The manifest, checked to be ours and of a version this code understands."""
    if not archive.is_file():
        raise BackupError(f"no archive at {archive}")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            handle = tar.extractfile(MANIFEST_NAME)
            if handle is None:
                raise KeyError(MANIFEST_NAME)
            manifest = json.load(handle)
    except (tarfile.TarError, KeyError, OSError, ValueError) as error:
        raise BackupError(f"{archive} is not a readable backup archive ({error})") from error
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{archive} is not a Property Service Desk backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"archive format {manifest.get('format_version')} is not "
                          f"supported by this version (expects {FORMAT_VERSION})")
    return manifest


def check_target(url: str, manifest: dict[str, Any], uploads_dir: Path) -> None:
    """Refuse anything but an empty database of the archive's dialect (and an empty
    uploads folder when the archive has one): nothing is ever merged or overwritten."""
    dialect = dialect_of(url)
    if manifest["dialect"] != dialect:
        raise BackupError(f"the archive holds a {manifest['dialect']} database but the "
                          f"target is {dialect}")
    if dialect == "sqlite":
        _sqlite_path(url)
    try:
        tables = existing_tables(url)
    except Exception as error:  # noqa: BLE001 - any driver error: say what and where
        raise BackupError(f"cannot open the target database {describe(url)}: "
                          f"{error}") from error
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise BackupError(
            f"the target database {describe(url)} is not empty ({len(tables)} tables: "
            f"{shown}). Restore only into an empty database: drop and create it first.")
    if manifest["uploads"].get("included") and uploads_dir.exists() and any(
            uploads_dir.iterdir()):
        raise BackupError(f"{uploads_dir} is not empty; move it away before restoring")


def _extract(archive: Path, work: Path, manifest: dict[str, Any]) -> Path:
    """Unpack the database and uploads with tarfile's "data" filter (no absolute paths,
    no links out, no devices), then check the dump against the manifest before any of
    it touches the target."""
    member = manifest["database"]["member"]
    with tarfile.open(archive, "r:gz") as tar:
        wanted = [m for m in tar.getmembers()
                  if m.name == member or m.name == UPLOADS_MEMBER
                  or m.name.startswith(f"{UPLOADS_MEMBER}/")]
        tar.extractall(work, members=wanted, filter="data")
    database = work / member
    if not database.is_file():
        raise BackupError(f"the archive has no {member}")
    if sha256_file(database) != manifest["database"]["sha256"]:
        raise BackupError("the database file in the archive does not match its manifest; "
                          "the archive is damaged")
    return database


def _restore_sqlite(url: str, database: Path) -> None:
    """Backup API in reverse: pages are written through SQLite's own locking, into the
    file the app is configured with (created if it does not exist yet)."""
    target_path = _sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database)
    destination = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _restore_postgresql(url: str, dump: Path) -> None:
    """One transaction: a failed restore leaves the database as empty as it was."""
    uri, env = libpq_connection(url)
    _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={uri}", str(dump)], env)


def verify(url: str, manifest: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Compare the database at `url` with the manifest: tables, rows, mismatches."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            actual = table_summaries(conn)
    finally:
        engine.dispose()
    return len(actual), sum(s.rows for s in actual.values()), compare(manifest, actual)


def _verify_uploads(manifest: dict[str, Any], uploads_dir: Path) -> list[str]:
    expected = manifest["uploads"]
    if not expected.get("included"):
        return []
    got = uploads_summary(uploads_dir) if uploads_dir.is_dir() else {"files": 0}
    if got.get("sha256") != expected["sha256"]:
        return [f"uploads: {got['files']} files differ from the archive's "
                f"{expected['files']}"]
    return []


def code_heads() -> list[str]:
    """The migration heads of the code running the restore (needs an app context)."""
    config = Config()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return sorted(ScriptDirectory.from_config(config).get_heads())


def restore_backup(url: str, archive: Path, instance_path: Path) -> RestoreReport:
    """Bring an archive back into an empty database and verify it against the manifest."""
    manifest = read_manifest(archive)
    uploads_dir = instance_path / UPLOADS_MEMBER
    check_target(url, manifest, uploads_dir)
    with tempfile.TemporaryDirectory(prefix="desk-restore-") as work:
        database = _extract(archive, Path(work), manifest)
        if manifest["dialect"] == "sqlite":
            _restore_sqlite(url, database)
        else:
            _restore_postgresql(url, database)
        extracted_uploads = Path(work) / UPLOADS_MEMBER
        if manifest["uploads"].get("included") and extracted_uploads.is_dir():
            uploads_dir.mkdir(parents=True, exist_ok=True)
            shutil.copytree(extracted_uploads, uploads_dir, dirs_exist_ok=True)
    tables, rows, mismatches = verify(url, manifest)
    mismatches += _verify_uploads(manifest, uploads_dir)
    return RestoreReport(manifest=manifest, tables=tables, rows=rows,
                         mismatches=mismatches, code_heads=code_heads())


# --- commands -----------------------------------------------------------------------------

def _database_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def _release_app_connections() -> None:
    """The app's pooled connections must not hold locks on (or keep alive) a database
    this command is about to copy into."""
    db.session.remove()
    db.engine.dispose()


def _total_rows(manifest: dict[str, Any]) -> int:
    return sum(t["rows"] for t in manifest["tables"].values())


@click.command("backup")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Archive file (ending in .tar.gz) or folder for it; "
                   "default: instance/backups/.")
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="Afterwards keep only the KEEP newest desk-backup-*.tar.gz in that folder.")
@with_appcontext
def backup_command(output: Path | None, keep: int | None) -> None:
    """Write one archive of the database and uploads, with a manifest to verify it."""
    try:
        result = create_backup(_database_url(), output, Path(current_app.instance_path),
                               keep=keep)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    manifest = result.manifest
    uploads = manifest["uploads"]
    click.echo(f"Backup written: {result.path}")
    click.echo(f"  {manifest['dialect']} at revision {manifest['alembic_revision']}, "
               f"{len(manifest['tables'])} tables, {_total_rows(manifest)} rows; uploads: "
               + (f"{uploads['files']} files" if uploads["included"] else "none"))
    for path in result.pruned:
        click.echo(f"  removed old archive {path.name}")


@click.command("restore")
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(archive: Path, yes: bool) -> None:
    """Restore ARCHIVE into the configured (empty) database and verify every table."""
    url = _database_url()
    instance_path = Path(current_app.instance_path)
    try:
        manifest = read_manifest(archive)
        check_target(url, manifest, instance_path / UPLOADS_MEMBER)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Archive of {manifest['created_at']}: {manifest['dialect']}, revision "
               f"{manifest['alembic_revision']}, {len(manifest['tables'])} tables, "
               f"{_total_rows(manifest)} rows")
    if not yes:
        click.confirm(f"Restore it into {describe(url)}?", abort=True)
    _release_app_connections()
    try:
        report = restore_backup(url, archive, instance_path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if not report.ok:
        for problem in report.mismatches:
            click.echo(f"MISMATCH {problem}", err=True)
        raise click.ClickException(
            f"restore verification failed: {len(report.mismatches)} problem(s); "
            f"do not start the desk on this database")
    click.echo(f"Restored and verified: {report.tables} tables, {report.rows} rows match "
               f"the archive.")
    revision = manifest["alembic_revision"]
    if revision and revision.split(",") != report.code_heads:
        click.echo(f"The archive is at revision {revision}, this code at "
                   f"{', '.join(report.code_heads)}: run `flask db upgrade` before starting.")
