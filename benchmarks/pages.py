"""Pages at scale: p50/p95, bytes and SQL statements of each page against the raw-SQL floor.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scale .venv/bin/flask demo scale
    .venv/bin/python benchmarks/pages.py --url postgresql+psycopg://postgres@127.0.0.1:5432/scale

The database must hold the demo company and `flask demo scale`'s data (the README says how
to build it). The benchmark starts the production configuration under gunicorn with two
workers, signs in as the demo users who use each page, and requests every page `--repeat`
times after two warm-up requests. Beside each page it runs hand-written SQL returning the
same content (the rows shown, in the user's scope, with the names they show) the same number
of times: the floor no application can beat. Statements per page are counted in a separate
in-process request with an SQLAlchemy cursor listener. Last, `--clients` threads call the
REST list for `--seconds` seconds with API tokens: requests per second and errors.

The goals of the product are printed under the table with a mark each:
p95 within 3× the raw SQL's p50, pages under 200 KB, REST list at least 300 requests/s, a
month's complaint statistics within 300 ms. With `--django`, the two work-order lists are
first measured in Django's admin on the same data (benchmarks/django_compare.py, before the
application starts: one server at a time) and each list's p95 must be at most 0.7× Django's
p50.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "Wuye-Demo-2026"
PAGE_BYTES_GOAL = 200 * 1024
RATIO_GOAL = 3.0
REST_GOAL = 300.0
STATISTICS_GOAL_MS = 300.0
DJANGO_GOAL = 0.7  # a list's p95 at most this share of Django admin's changelist p50
HTTPS = "https://localhost"  # in-process requests: production cookies are Secure


@dataclass
class Page:
    label: str
    user: str
    path: str
    raw: list[tuple[str, dict]]  # the statements returning the same content
    times: list[float] = field(default_factory=list)
    raw_times: list[float] = field(default_factory=list)
    size: int = 0
    statements: int | None = None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- the database side ---------------------------------------------------------------------

def scope_of(db: psycopg.Connection, username: str) -> dict:
    estates = [r[0] for r in db.execute(
        "SELECT spe.estate_id FROM staff_profile_estate spe JOIN staff_profile sp "
        "ON sp.id = spe.profile_id JOIN ab_user u ON u.id = sp.user_id WHERE u.username = %s",
        (username,))]
    departments = [r[0] for r in db.execute(
        "SELECT spd.department_id FROM staff_profile_department spd JOIN staff_profile sp "
        "ON sp.id = spd.profile_id JOIN ab_user u ON u.id = sp.user_id WHERE u.username = %s",
        (username,))]
    return {"estates": estates, "departments": departments}


LIST_COLUMNS = (
    "SELECT w.id, w.number, e.name, b.name || u.number, w.category, w.emergency, w.state, "
    "t.last_name || t.first_name, w.reported_at FROM work_order w "
    "JOIN org_estate e ON e.id = w.estate_id LEFT JOIN org_unit u ON u.id = w.unit_id "
    "LEFT JOIN org_building b ON b.id = u.building_id LEFT JOIN ab_user t "
    "ON t.id = w.technician_id ")
IN_SCOPE = ("w.estate_id = ANY(%(estates)s) AND (w.department_id = ANY(%(departments)s) "
            "OR w.registering_department_id = ANY(%(departments)s))")


def list_sql(scoped: bool, scope: dict, limit: int) -> list[tuple[str, dict]]:
    where = f"WHERE {IN_SCOPE} " if scoped else ""
    return [
        (LIST_COLUMNS + where + "ORDER BY w.reported_at DESC, w.id DESC LIMIT %(limit)s",
         {**scope, "limit": limit}),
        (f"SELECT count(*) FROM (SELECT 1 FROM work_order w {where}LIMIT 10001) capped",
         scope),
    ]


def queue_sql(scope: dict, now: datetime) -> list[tuple[str, dict]]:
    return [(
        "WITH open_docs AS ("
        " SELECT 'work_order' AS t, id, number, state FROM work_order w WHERE state NOT IN "
        " ('closed', 'cancelled') AND " + IN_SCOPE +
        " UNION ALL SELECT 'complaint', id, number, state FROM complaint c WHERE state NOT IN"
        " ('resolved', 'closed') AND c.estate_id = ANY(%(estates)s) AND"
        " c.department_id = ANY(%(departments)s)"
        " UNION ALL SELECT 'revisit', id, number, state FROM revisit r WHERE state IN"
        " ('due', 'awaiting_reply') AND r.estate_id = ANY(%(estates)s) AND"
        " r.department_id = ANY(%(departments)s))"
        " SELECT d.*, t.due_at, t.level FROM open_docs d LEFT JOIN LATERAL (SELECT due_at, level"
        " FROM deadline_timer WHERE doc_type = d.t AND doc_id = d.id AND status = 'armed'"
        " ORDER BY due_at LIMIT 1) t ON true"
        " ORDER BY t.due_at < %(now)s DESC, t.due_at NULLS LAST LIMIT 51",
        {**scope, "now": now})]


def statistics_sql(start: datetime, end: datetime) -> list[tuple[str, dict]]:
    return [(
        "SELECT e.office_id, c.complaint_class, count(*), "
        "count(*) FILTER (WHERE c.state IN ('resolved', 'closed')), "
        "count(*) FILTER (WHERE c.replied_at <= coalesce(c.agreed_reply_at, c.replied_at)), "
        "count(DISTINCT rv.complaint_id) FROM complaint c JOIN org_estate e ON e.id = c.estate_id "
        "LEFT JOIN revisit rv ON rv.complaint_id = c.id AND rv.state = 'done' "
        "WHERE c.received_at >= %(start)s AND c.received_at < %(end)s GROUP BY 1, 2",
        {"start": start, "end": end})]


def detail_sql(pk: int) -> list[tuple[str, dict]]:
    return [
        ("SELECT w.*, e.name, b.name, u.number, r.name, r.phone, t.last_name || t.first_name, "
         "g.last_name || g.first_name, d.name, rd.name FROM work_order w "
         "JOIN org_estate e ON e.id = w.estate_id LEFT JOIN org_unit u ON u.id = w.unit_id "
         "LEFT JOIN org_building b ON b.id = u.building_id "
         "LEFT JOIN resident r ON r.id = w.resident_id LEFT JOIN ab_user t "
         "ON t.id = w.technician_id LEFT JOIN ab_user g ON g.id = w.registered_by_id "
         "LEFT JOIN org_department d ON d.id = w.department_id "
         "LEFT JOIN org_department rd ON rd.id = w.registering_department_id "
         "WHERE w.id = %(pk)s", {"pk": pk}),
        ("SELECT h.*, u.last_name || u.first_name FROM workflow_history h LEFT JOIN ab_user u "
         "ON u.id = h.user_id WHERE h.doc_type = 'work_order' AND h.doc_id = %(pk)s "
         "ORDER BY h.at, h.id", {"pk": pk}),
        ("SELECT t.*, p.name FROM deadline_timer t JOIN deadline_policy p ON p.id = t.policy_id "
         "WHERE t.doc_type = 'work_order' AND t.doc_id = %(pk)s ORDER BY t.due_at", {"pk": pk}),
    ]


def add_form_sql(scope: dict) -> list[tuple[str, dict]]:
    return [("SELECT id, name FROM org_estate WHERE id = ANY(%(estates)s) ORDER BY code",
             scope)]


# --- the application side ------------------------------------------------------------------

def sign_in(get: Callable, post: Callable, username: str) -> None:
    page = get("/login/")
    body = page.text if hasattr(page, "text") else page.get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    data = {"username": username, "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    answer = post("/login/", data=data)
    status = getattr(answer, "status_code", None)
    location = answer.headers.get("Location", "")
    if status not in (302, 303) or "/login" in location:
        body = answer.text if hasattr(answer, "text") else answer.get_data(as_text=True)
        words = re.sub(r"\s+", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", body,
                                            flags=re.S))
        raise SystemExit(f"could not sign in as {username} (answer {status}): {words[:800]}")


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "APP_ENV": "production", "DATABASE_URL": url,
           "SECRET_KEY": secrets.token_urlsafe(36), "FLASK_APP": "run.py",
           "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/13"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "run:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok:
                return server
        except requests.RequestException:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped: " + server.stderr.read().decode()[-2000:])
        time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not answer /health")


class PlainHttpSession(requests.Session):
    """Production cookies are Secure (HTTPS only); the benchmark talks plain HTTP to
    127.0.0.1, so this session keeps sending them."""

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


def worker_rss_mb(server: subprocess.Popen) -> list[float]:
    """Resident size of each gunicorn worker (Linux: children of the master in /proc)."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != server.pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        if rss:
            sizes.append(int(rss.group(1)) / 1024)
    return sorted(sizes)


def measure_http(pages: list[Page], base: str, repeat: int) -> None:
    sessions: dict[str, requests.Session] = {}
    for page in pages:
        client = sessions.get(page.user)
        if client is None:
            client = sessions[page.user] = PlainHttpSession()
            client.headers["Referer"] = base + "/login/"  # CSRF's same-origin check
            sign_in(lambda p, c=client: c.get(base + p),
                    lambda p, data, c=client: c.post(base + p, data=data,
                                                     allow_redirects=False), page.user)
        for n in range(repeat + 2):
            started = time.perf_counter()
            answer = client.get(base + page.path, allow_redirects=False)
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"{page.label}: {page.path} answered {answer.status_code}")
            if n >= 2:
                page.times.append(elapsed)
            page.size = len(answer.content)


def measure_raw(pages: list[Page], db: psycopg.Connection, repeat: int) -> None:
    for page in pages:
        for n in range(repeat + 2):
            started = time.perf_counter()
            for sql, params in page.raw:
                db.execute(sql, params).fetchall()
            if n >= 2:
                page.raw_times.append((time.perf_counter() - started) * 1000)


def count_statements(pages: list[Page], url: str) -> None:
    """One request per page in-process, counting every statement sent to the database."""
    os.environ.update({"APP_ENV": "production", "DATABASE_URL": url,
                       "SECRET_KEY": secrets.token_urlsafe(36),
                       "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/13"})
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db

    app = create_app("production")
    with app.app_context():
        engine = db.engine
    counter = {"n": 0}
    event.listen(engine, "before_cursor_execute",
                 lambda *args, **kwargs: counter.__setitem__("n", counter["n"] + 1))
    clients: dict[str, object] = {}
    for page in pages:
        client = clients.get(page.user)
        if client is None:
            client = clients[page.user] = app.test_client()
            sign_in(lambda p, c=client: c.get(p, base_url=HTTPS),
                    lambda p, data, c=client: c.post(p, data=data, base_url=HTTPS,
                                                     headers={"Referer": HTTPS + p}),
                    page.user)
        client.get(page.path, base_url=HTTPS)  # warm: a user's first request loads its roles
        counter["n"] = 0
        answer = client.get(page.path, base_url=HTTPS)
        if answer.status_code != 200:
            raise SystemExit(f"{page.label}: {page.path} answered {answer.status_code} in-process")
        page.statements = counter["n"]


def rest_throughput(base: str, username: str, clients: int, seconds: float) -> tuple[float, int]:
    token = requests.post(base + "/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"}).json()["access_token"]
    done, errors = [0], [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        while time.perf_counter() < stop:
            answer = session.get(base + "/api/v1/work_order/?q=(page_size:25)")
            with lock:
                if answer.status_code == 200:
                    done[0] += 1
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - started), errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", ""),
                        help="PostgreSQL URL of the scale database")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--port", type=int, default=18123)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--django", action="store_true",
                        help="also time Django admin's changelist (benchmarks/django_compare.py)")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        raise SystemExit("give the scale database's PostgreSQL URL with --url")
    db = psycopg.connect(args.url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True)
    work_orders = db.execute("SELECT count(*) FROM work_order").fetchone()[0]
    if work_orders < 1000:
        raise SystemExit("the database has no scale data: run `flask demo scale` first")
    head = scope_of(db, "eng_head")
    agent = scope_of(db, "agent")
    now = datetime.now()
    # The last whole month: a month's statistics as the office reads them on the 1st.
    next_month = datetime(now.year, now.month, 1)
    month = datetime(next_month.year - (next_month.month == 1),
                     (next_month.month - 2) % 12 + 1, 1)
    pk = db.execute("SELECT max(id) FROM work_order w WHERE " + IN_SCOPE, head).fetchone()[0]
    pages = [
        Page("work-order list, department head", "eng_head", "/workorderview/list/",
             list_sql(True, head, 25)),
        Page("work-order list, admin", "admin", "/workorderview/list/",
             list_sql(False, head, 25)),
        Page("add work order form, agent", "agent", "/workorderview/add", add_form_sql(agent)),
        Page("department queue", "eng_head", "/queue/department", queue_sql(head, now)),
        Page("complaint statistics, one month", "gm",
             f"/complaint-report/?period={month:%Y-%m}", statistics_sql(month, next_month)),
        Page("work-order detail", "eng_head", f"/workorderview/show/{pk}", detail_sql(pk)),
        Page("REST list (25 rows)", "eng_head", "/api/v1/work_order/?q=(page_size:25)",
             list_sql(True, head, 25)),
    ]
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (
        "work_order", "complaint", "org_unit", "resident", "revisit", "deadline_timer")}
    print("data: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    django: dict[str, dict] = {}
    if args.django:
        from django_compare import measure_django
        django = measure_django(args.url, args.repeat, args.port + 1)

    server = start_server(args.url, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        rest_page = pages[-1]
        token = requests.post(base + "/api/v1/security/login", json={
            "username": "eng_head", "password": PASSWORD, "provider": "db"}).json()
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {token['access_token']}"
        measure_http(pages[:-1], base, args.repeat)
        for n in range(args.repeat + 2):
            started = time.perf_counter()
            answer = api.get(base + rest_page.path)
            if answer.status_code != 200:
                raise SystemExit(f"REST list answered {answer.status_code}")
            if n >= 2:
                rest_page.times.append((time.perf_counter() - started) * 1000)
            rest_page.size = len(answer.content)
        measure_raw(pages, db, args.repeat)
        rate, errors = rest_throughput(base, "eng_head", args.clients, args.seconds)
        rss = worker_rss_mb(server)
    finally:
        server.terminate()
        server.wait(timeout=30)
    count_statements(pages[:-1], args.url)

    print()
    print("| page | p50 / p95 ms | raw SQL p50 ms | p95 ÷ raw | bytes | statements |"
          + (" Django p50 / p95 ms | p95 ÷ Django p50 |" if django else ""))
    print("|---|---|---|---|---|---|" + ("---|---|" if django else ""))
    failures = []
    for page in pages:
        p50, p95 = statistics.median(page.times), percentile(page.times, 0.95)
        raw = statistics.median(page.raw_times)
        ratio = p95 / raw if raw else float("inf")
        statements = "" if page.statements is None else str(page.statements)
        theirs = django.get(page.label)
        versus = " | |" if django else ""
        if theirs:
            versus = f" {theirs['p50']:,.0f} / {theirs['p95']:,.0f} | {p95 / theirs['p50']:.2f} |"
        print(f"| {page.label} | {p50:,.0f} / {p95:,.0f} | {raw:,.1f} | {ratio:,.1f} | "
              f"{page.size:,} | {statements} |" + versus)
        if theirs and p95 > DJANGO_GOAL * theirs["p50"]:
            failures.append(f"{page.label}: p95 is {p95 / theirs['p50']:.2f}× Django admin's "
                            f"p50 (goal {DJANGO_GOAL}×)")
        if ratio > RATIO_GOAL:
            failures.append(f"{page.label}: p95 is {ratio:.1f}× the raw SQL (goal {RATIO_GOAL}×)")
        if page.size > PAGE_BYTES_GOAL:
            failures.append(f"{page.label}: {page.size:,} bytes (goal under 200 KB)")
        if page.label.startswith("complaint statistics") and p95 > STATISTICS_GOAL_MS:
            failures.append(f"{page.label}: p95 {p95:.0f} ms (goal {STATISTICS_GOAL_MS:.0f})")
    print()
    print(f"REST list, {args.clients} clients, 2 workers: {rate:,.1f} requests/s, "
          f"{errors} errors")
    print("gunicorn workers after the run: " + ", ".join(f"{mb:,.0f} MB" for mb in rss)
          + " resident")
    if rate < REST_GOAL or errors:
        failures.append(f"REST list: {rate:.0f} requests/s, {errors} errors "
                        f"(goal {REST_GOAL:.0f}, 0 errors)")
    print()
    print("goals met" if not failures else "goals missed:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
