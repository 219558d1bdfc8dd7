"""The work-order lists against Django's admin changelist on the same scale database.

    export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scale
    .venv/bin/python benchmarks/django_compare.py --url "$DATABASE_URL"          # Django only
    .venv/bin/python benchmarks/django_compare.py --url "$DATABASE_URL" --ours   # and the app
    .venv/bin/python benchmarks/pages.py --url "$DATABASE_URL" --django  # in pages.py's table

What a team would otherwise pick is Django's admin: benchmarks/django_admin/ is a minimal
Django project whose models map the application's tables read-only (`managed = False`, a
read-only connection) and whose WorkOrderAdmin shows the application's list columns, newest
first, 25 a page, with `list_select_related` and the same filters, Django's defaults
otherwise. Django's own tables (auth, sessions, content types, admin log) go to a database
of their own, `<scale database>_django`, created here if missing.

This script runs with the application's Python. It installs Django into
benchmarks/.venv-django (from benchmarks/django_admin/requirements.txt) when that is missing
or older than the requirements, migrates Django's tables, creates the accounts `admin`
(superuser: every work order) and `eng_head` (scoped like the application's department head:
the work orders of their estates handled or registered by their departments), starts Django
under gunicorn with two sync workers and DEBUG off, as benchmarks/pages.py starts the
application, signs in, and requests both changelists `--repeat` times after two warm-ups:
p50/p95 ms and bytes. Each page is checked to show 25 rows and the same number of work
orders as the raw SQL count. With `--ours` the application's two lists are measured in the
same run, both servers up side by side and their requests alternating one at a time, so
that a change in the machine's load falls on both alike. The goal: the application's p95 at
most 0.7× Django's p50 on each list (`--no-full-count` also shows Django tuned to count once).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from pages import (  # noqa: E402  (benchmarks/ is not a package)
    DJANGO_GOAL,
    IN_SCOPE,
    PASSWORD,
    PlainHttpSession,
    percentile,
    scope_of,
    sign_in,
    start_server,
)

PROJECT = HERE / "django_admin"
VENV = HERE / ".venv-django"
REQUIREMENTS = PROJECT / "requirements.txt"
CHANGELIST = "/admin/workorders/workorder/"
# The same two lists as benchmarks/pages.py, by the same labels: (label, user, scoped).
LISTS = (("work-order list, department head", "eng_head", True),
         ("work-order list, admin", "admin", False))


def plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def own_url(url: str) -> str:
    """Django's own database beside the scale one: …/scale → …/scale_django."""
    parts = urlsplit(plain_url(url))
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_django"))


def ensure_venv() -> Path:
    """benchmarks/.venv-django with the pinned Django, installed again when the pins change."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".requirements-installed"
    if not python.exists():
        print("creating benchmarks/.venv-django", file=sys.stderr)
        base = getattr(sys, "_base_executable", None) or sys.executable
        subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.stat().st_mtime < REQUIREMENTS.stat().st_mtime:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
                       check=True)
        stamp.touch()
    return python


def ensure_database(url: str) -> None:
    """Create Django's own database if missing (never touches the scale database)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as db:
        if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return
        db.execute(f'CREATE DATABASE "{name}"')


def django_env(url: str, full_count: bool = True) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "wuye_admin.settings",
            "DJANGO_SCALE_URL": plain_url(url), "DJANGO_OWN_URL": own_url(url),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(36), "DJANGO_DEBUG": "0",
            "DJANGO_FULL_COUNT": "1" if full_count else "0"}


def prepare(url: str) -> Path:
    """Venv, Django's database and tables, the two accounts; returns the venv's python."""
    python = ensure_venv()
    ensure_database(own_url(url))
    env = django_env(url)
    for command in (["migrate", "--noinput", "-v", "0"],
                    ["benchmark_users", "--password", PASSWORD]):
        subprocess.run([str(python), "manage.py", *command], cwd=PROJECT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
    return python


def start_django(url: str, port: int, full_count: bool = True) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(VENV / "bin" / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "wuye_admin.wsgi:application"], cwd=PROJECT, env=django_env(url, full_count),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{port}/admin/login/", timeout=2).ok:
                return server
        except requests.RequestException:
            pass
        if server.poll() is not None:
            raise SystemExit("Django's gunicorn stopped: "
                             + server.stderr.read().decode()[-2000:])
        time.sleep(0.5)
    server.kill()
    raise SystemExit("Django's gunicorn did not answer /admin/login/")


def sign_in_django(base: str, username: str) -> requests.Session:
    client = requests.Session()
    page = client.get(base + "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    answer = client.post(base + "/admin/login/", allow_redirects=False, data={
        "csrfmiddlewaretoken": token.group(1) if token else "", "username": username,
        "password": PASSWORD, "next": "/admin/"})
    if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
        raise SystemExit(f"Django: could not sign in as {username} "
                         f"(answer {answer.status_code})")
    return client


def expected_counts(url: str) -> dict[str, int]:
    """Work orders each list has in all (the raw SQL count), to check Django shows as many."""
    with psycopg.connect(plain_url(url), autocommit=True) as db:
        head = scope_of(db, "eng_head")
        scoped = db.execute("SELECT count(*) FROM work_order w WHERE " + IN_SCOPE,
                            head).fetchone()[0]
        total = db.execute("SELECT count(*) FROM work_order").fetchone()[0]
    return {label: scoped if is_scoped else total for label, _, is_scoped in LISTS}


def our_client(base: str, username: str) -> requests.Session:
    """Signed in to the application as benchmarks/pages.py signs in."""
    client = PlainHttpSession()
    client.headers["Referer"] = base + "/login/"  # CSRF's same-origin check
    sign_in(lambda p: client.get(base + p),
            lambda p, data: client.post(base + p, data=data, allow_redirects=False), username)
    return client


def timed_get(client: requests.Session, url: str, what: str) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    answer = client.get(url, allow_redirects=False)
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise SystemExit(f"{what}: {url} answered {answer.status_code}")
    return elapsed, answer


def check_changelist(label: str, answer: requests.Response, expected: int) -> int:
    """Django's page lists 25 rows and counts as many work orders as the raw SQL."""
    rows = answer.text.count('class="field-number"')
    shown = re.search(r"(\d+) 工单", answer.text)  # the paginator's "1000000 工单"
    if rows != min(25, expected):
        raise SystemExit(f"Django {label}: {rows} rows on the page, not 25")
    if not shown or int(shown.group(1)) != expected:
        raise SystemExit(f"Django {label}: shows {shown and shown.group(1)} work orders, "
                         f"the raw SQL counts {expected}")
    return expected


def measure(url: str, repeat: int, port: int, full_count: bool = True,
            ours: bool = False) -> tuple[dict, dict]:
    """Django's two changelists and, with `ours`, the application's two lists on port + 1:
    ({label: {"p50", "p95", "bytes", "count"}}, the same for the application).

    With both, the two servers run side by side and their requests alternate, one at a
    time, so that a change in the machine's load falls on both alike."""
    counts = expected_counts(url)
    prepare(url)
    servers = [start_django(url, port, full_count)]
    bases = {"django": f"http://127.0.0.1:{port}", "ours": f"http://127.0.0.1:{port + 1}"}
    paths = {"django": CHANGELIST, "ours": "/workorderview/list/"}
    results: dict[str, dict] = {"django": {}, "ours": {}}
    try:
        if ours:
            servers.append(start_server(url, port + 1))
        for label, user, _ in LISTS:
            clients = {"django": sign_in_django(bases["django"], user)}
            if ours:
                clients["ours"] = our_client(bases["ours"], user)
            times: dict[str, list[float]] = {side: [] for side in clients}
            last: dict[str, requests.Response] = {}
            for n in range(repeat + 2):
                for side in (list(clients) if n % 2 else list(reversed(clients))):
                    elapsed, last[side] = timed_get(clients[side], bases[side] + paths[side],
                                                    f"{side} {label}")
                    if n >= 2:  # two warm-ups
                        times[side].append(elapsed)
            for side in clients:
                results[side][label] = {
                    "p50": round(statistics.median(times[side]), 1),
                    "p95": round(percentile(times[side], 0.95), 1),
                    "bytes": len(last[side].content),
                    "count": check_changelist(label, last[side], counts[label])
                    if side == "django" else None}
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    return results["django"], results["ours"]


def measure_django(url: str, repeat: int, port: int, full_count: bool = True) -> dict:
    """Django's two changelists alone (benchmarks/pages.py --django)."""
    return measure(url, repeat, port, full_count)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", ""),
                        help="PostgreSQL URL of the scale database")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--port", type=int, default=18124)
    parser.add_argument("--ours", action="store_true",
                        help="also the application's two lists (port + 1), requests alternating")
    parser.add_argument("--no-full-count", action="store_true",
                        help="Django tuned: show_full_result_count = False (one count)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        raise SystemExit("give the scale database's PostgreSQL URL with --url")
    django, ours = measure(args.url, args.repeat, args.port, not args.no_full_count,
                           args.ours)
    if args.json:
        print(json.dumps({"django": django, "ours": ours}, indent=2))
        return
    print("| list | Django p50 / p95 ms | Django bytes | app p50 / p95 ms | app bytes "
          "| app p95 ÷ Django p50 |")
    print("|---|---|---|---|---|---|")
    missed = []
    for label, d in django.items():
        o = ours.get(label)
        ratio = o["p95"] / d["p50"] if o else None
        print(f"| {label} ({d['count']:,} rows) | {d['p50']:,.0f} / {d['p95']:,.0f} | "
              f"{d['bytes']:,} | "
              + (f"{o['p50']:,.0f} / {o['p95']:,.0f} | {o['bytes']:,} | {ratio:.2f} |"
                 if o else " | | |"))
        if ratio is not None and ratio > DJANGO_GOAL:
            missed.append(f"{label}: app p95 is {ratio:.2f}× Django's p50 (goal {DJANGO_GOAL}×)")
    if ours:
        print()
        print("goal met" if not missed else "goal missed:\n  " + "\n  ".join(missed))


if __name__ == "__main__":
    main()
