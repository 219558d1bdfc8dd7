"""How long one `flask sla tick` takes with 100,000 armed deadlines.

    .venv/bin/python benchmarks/sla_bench.py                  # scratch SQLite file
    .venv/bin/python benchmarks/sla_bench.py --url postgresql+psycopg://postgres@127.0.0.1/test

The database the URL names is never touched: on PostgreSQL the benchmark creates a scratch
database `<name>_sla_bench` next to it (trust auth as the URL's user) and drops it at the
end; a SQLite URL names a file that must not exist yet. The schema comes from the real
migrations, then 100,000 armed deadlines are inserted in bulk (the documents themselves
need not exist: a tick reads only the timer, its policy and the people to notify).

Each measured tick runs in a fresh process that builds the app as cron's `flask sla tick`
does (audit listener installed) and then calls `app.workflows.deadlines.tick()`:

* nothing due: the every-minute case;
* 1,000 due warnings: one warning and one notification each;
* 1,000 due breaches, each past its whole chain (worst case: 4 levels, 4 notifications);
* the same without the audit listener (tick() outside the app), to show its share;
* the same moment again: nothing left to do.

Seconds are wall time of tick() alone. "RSS MB" is the process's resident size before the
tick (app imported and built), "peak MB" its peak resident size during the tick (Linux:
the peak is reset just before the tick; elsewhere getrusage's whole-process peak). The
Python heap peak is from tracemalloc in a separate run (tracemalloc slows the tick down,
so that run is not timed).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("APP_ENV", "test")

NOW = datetime(2026, 10, 8, 10, 0)
FAR = NOW + timedelta(days=365)
DUE_POLICY = "wo.emergency_on_site"  # 15 minutes, a level every 10 minutes
CHUNK = 10_000


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset the peak resident size (Linux), so the peak measured is the tick's own and
    not that of the imports before it."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _peak_mb(reset_worked: bool) -> float:
    peak = _status_mb("VmHWM") if reset_worked else None
    # getrusage: the whole process's peak (imports included) where the reset is missing.
    return peak if peak is not None else resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss / 1024


# --- one measured tick, in a process of its own ------------------------------------------

def _measure(url: str, with_app: bool, trace: bool, out) -> None:  # noqa: ANN001
    try:
        from app.workflows.deadlines import tick

        if with_app:
            from app import create_app

            create_app("test", SQLALCHEMY_DATABASE_URI=url, FAB_UPDATE_PERMS=False)
        else:
            # Outside the app nothing imports FAB's User model, which the work order
            # mapper names by string: without this the first query fails (KeyError 'User').
            import flask_appbuilder.security.sqla.models  # noqa: F401
        before = _status_mb("VmRSS") or 0.0
        reset = _reset_peak()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        result = tick(NOW, url=url)
        seconds = time.perf_counter() - started
        heap = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
        if trace:
            tracemalloc.stop()
        out.put({"seconds": seconds, "rss_before": before, "rss_peak": _peak_mb(reset),
                 "heap_peak": heap, "checked": result.checked,
                 "levels": len(result.levels), "notifications": result.notifications})
    except BaseException as error:  # noqa: BLE001 - reported to the parent
        import traceback

        out.put({"error": f"{error!r}\n{traceback.format_exc()}"})


def measure(url: str, *, with_app: bool = True, trace: bool = False) -> dict:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    process = ctx.Process(target=_measure, args=(url, with_app, trace, out))
    process.start()
    report = out.get(timeout=1800)
    process.join()
    if "error" in report:
        raise RuntimeError(f"the measured tick failed: {report['error']}")
    return report


# --- the data --------------------------------------------------------------------------

def populate(database, total: int, due: int) -> dict[str, list[int]]:  # noqa: ANN001
    """`total` armed deadlines; two groups of `due` can be made due (warnings, breaches),
    the rest are weeks away. Returns the ids of the two groups."""
    from sqlalchemy import insert, select

    from app.models.workflow import DeadlinePolicy, DeadlineTimer

    w = database.world
    sides = [(w.estate_a, w.eng_a, w.user_tech_a), (w.estate_b, w.eng_b, w.user_tech_b)]
    with database.app.app_context():
        session = database.app.appbuilder.session
        policies = session.execute(select(DeadlinePolicy.id, DeadlinePolicy.key,
                                          DeadlinePolicy.doc_type)).all()
        emergency = next(p for p in policies if p.key == DUE_POLICY)
        rows = []
        for i in range(total):
            estate_id, department_id, handler = sides[i % 2]
            if i < due:  # warnings: warn time just passed, deadline in 5 minutes
                policy = emergency
                start = NOW - timedelta(minutes=10)
                due_at, warn_at = start + timedelta(minutes=15), start + timedelta(minutes=9)
            elif i < 2 * due:  # breaches: deadline an hour ago, whole chain due
                policy = emergency
                start = NOW - timedelta(minutes=75)
                due_at, warn_at = start + timedelta(minutes=15), start + timedelta(minutes=9)
            else:  # the bulk: due between tomorrow and a few weeks
                policy = policies[i % len(policies)]
                start = NOW - timedelta(minutes=i % 600)
                due_at = NOW + timedelta(days=1 + i % 20, minutes=i % 60)
                warn_at = start + (due_at - start) * 0.8
            rows.append({"policy_id": policy.id, "doc_type": policy.doc_type,
                         "doc_id": 1_000_000 + i, "estate_id": estate_id,
                         "department_id": department_id, "handler_user_id": handler,
                         "started_at": start, "due_at": due_at, "warn_at": warn_at,
                         "next_check_at": FAR if i < 2 * due else warn_at,
                         "status": "armed", "level": 0})
        table = DeadlineTimer.__table__
        for offset in range(0, len(rows), CHUNK):
            session.execute(insert(table), rows[offset:offset + CHUNK])
        session.commit()
        ids = list(session.scalars(select(table.c.id).order_by(table.c.id)))
        session.remove()
    return {"warnings": ids[:due], "breaches": ids[due:2 * due]}


def make_due(database, groups: dict[str, list[int]], which: str | None) -> None:  # noqa: ANN001
    """Reset both groups to untouched and make group `which` (or none) due now."""
    from sqlalchemy import delete, update

    from app.models.workflow import DeadlineTimer, Escalation, Notification

    everything = groups["warnings"] + groups["breaches"]
    with database.app.app_context():
        session = database.app.appbuilder.session
        for offset in range(0, len(everything), CHUNK):
            part = everything[offset:offset + CHUNK]
            session.execute(delete(Notification).where(Notification.timer_id.in_(part)))
            session.execute(delete(Escalation).where(Escalation.timer_id.in_(part)))
            session.execute(update(DeadlineTimer).where(DeadlineTimer.id.in_(part)).values(
                next_check_at=FAR, level=0, warned_at=None, breached_at=None))
        if which:
            column = (DeadlineTimer.warn_at if which == "warnings" else DeadlineTimer.due_at)
            session.execute(update(DeadlineTimer)
                            .where(DeadlineTimer.id.in_(groups[which]))
                            .values(next_check_at=column))
        session.commit()
        session.remove()


# --- main --------------------------------------------------------------------------------

def scratch_url(url: str | None, workdir: str) -> str:
    from tests.scratch_db import is_postgresql, normalise, postgresql_scratch_url

    if url is None:
        return f"sqlite:///{workdir}/sla_bench.db"
    url = normalise(url)
    if is_postgresql(url):
        return postgresql_scratch_url(url, "sla_bench")
    if not url.startswith("sqlite:///"):
        sys.exit("use a sqlite:///path or postgresql+psycopg:// URL")
    if os.path.exists(url[len("sqlite:///"):]):
        sys.exit(f"{url} exists; name a new file (the benchmark fills and deletes it)")
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="sqlite:///new-file or a PostgreSQL server/database "
                                      "(a scratch database is created next to it)")
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    import logging

    from tests.scratch_db import ScratchDatabase

    workdir = tempfile.mkdtemp(prefix="sla-bench-")
    url = scratch_url(args.url, workdir)
    started = time.perf_counter()
    database = ScratchDatabase.create(url)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    groups = populate(database, args.timers, args.due)
    setup = time.perf_counter() - started
    print(f"\n{database.dialect}: {args.timers:,} armed deadlines, {args.due:,} due per "
          f"scenario (set up in {setup:.1f} s)\n")

    runs = []
    make_due(database, groups, None)
    runs.append(("nothing due", measure(database.url)))
    make_due(database, groups, "warnings")
    runs.append((f"{args.due:,} warnings due", measure(database.url)))
    make_due(database, groups, "breaches")
    runs.append((f"{args.due:,} breaches, whole chain", measure(database.url)))
    runs.append(("  the same moment again", measure(database.url)))
    make_due(database, groups, "breaches")
    runs.append(("  breaches, no audit listener", measure(database.url, with_app=False)))
    make_due(database, groups, "breaches")
    traced = measure(database.url, trace=True)

    header = (f"{'tick':34} {'checked':>8} {'levels':>7} {'notices':>8} {'seconds':>8} "
              f"{'RSS MB':>7} {'peak MB':>8}")
    print(header)
    print("-" * len(header))
    for name, r in runs:
        print(f"{name:34} {r['checked']:>8,} {r['levels']:>7,} {r['notifications']:>8,} "
              f"{r['seconds']:>8.3f} {r['rss_before']:>7.1f} {r['rss_peak']:>8.1f}")
    print(f"\nPython heap peak during the breach tick (tracemalloc): "
          f"{traced['heap_peak']:.1f} MB ({traced['levels']:,} levels)")

    if args.keep:
        print(f"kept {database.url}")
    else:
        database.drop()
    if not os.listdir(workdir):
        os.rmdir(workdir)


if __name__ == "__main__":
    main()
