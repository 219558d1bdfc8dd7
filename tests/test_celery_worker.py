"""A real Celery worker (two processes) on Redis, over a database of its own: a batch of
printed forms is laid out in parts across both processes while its progress moves; two
minute ticks sent at once, as two beats would, escalate each deadline once; a print job
whose worker is killed mid-part is finished by the next worker, the same job, counted once.

Everywhere else tasks run in the test's own process (eager). Redis is on 127.0.0.1:6379
where the product is developed and in CI; elsewhere this test is skipped, except in CI,
where a missing Redis is a failure."""
from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.helpers import csrf_token, login

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 14 if os.environ.get("PYTEST_XDIST_WORKER", "gw0") == "gw0" else 15
BROKER = f"redis://127.0.0.1:6379/{REDIS_DB}"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Workers:
    """The app sending to Redis over the worker's database, its world, and the workers
    started on them (each a process group: the main process and its pool)."""

    app: Any
    world: Any
    log: Path
    env: dict[str, str]
    started: list[subprocess.Popen] = field(default_factory=list)

    def start(self) -> subprocess.Popen:
        with open(self.log, "a") as log:  # the child keeps its own handle
            log.write(f"\n--- worker {len(self.started) + 1} ---\n")
            log.flush()
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "app.tasks.worker", "worker",
                 "--concurrency", "2", "--pool", "prefork", "-Q", "desk", "--loglevel",
                 "INFO", "-n", f"test-{os.getpid()}-{len(self.started) + 1}@%h",
                 "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.started.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen) -> set[int]:
        """SIGKILL to the whole worker at once, as a host losing power; returns the ids
        of its processes, once none of them is left."""
        pids = group_members(worker.pid)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        deadline = time.monotonic() + 30
        while group_members(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not group_members(worker.pid), "a process of the killed worker lives on"
        return pids

    def stop_all(self) -> None:
        """A warm shutdown of every worker still running (SIGTERM to its main process,
        which stops its pool); SIGKILL to what is left after 30 s."""
        for worker in self.started:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    pass
            if group_members(worker.pid):
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)


def group_members(pgid: int) -> set[int]:
    """The living processes of a process group (Linux: from /proc)."""
    members = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # the group; not a zombie
            members.add(int(entry))
    return members


@pytest.fixture
def worker_world(request, tmp_path):
    """A database of its own with a committed world, the app on it sending to Redis, and
    a worker of two processes reading the same; the eager set-up is restored after.
    Indirect parameters override the worker's settings (environment variables)."""
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis is not answering on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    from app.extensions import db
    from app.tasks import celery, init_celery
    from tests.helpers import seed_reference_data
    from tests.scratch_db import (
        app_on_copy,
        copied_database,
        drop_database,
        is_postgresql,
        postgresql_scratch_url,
    )

    overrides = {"PRINT_JOB_PART_SHEETS": "1", **getattr(request, "param", {})}
    run_url = os.environ.get("DATABASE_URL", "")
    url = (postgresql_scratch_url(run_url, "celery") if is_postgresql(run_url)
           else f"sqlite:///{tmp_path / 'worker.db'}")
    world = copied_database(url)
    redis.Redis.from_url(BROKER).flushdb()
    # (Not the `app` fixture: its test transaction would hide the worker's database.)
    eager_app = getattr(celery, "flask_app", None)
    settings = {"CELERY_BROKER_URL": BROKER, "CELERY_RESULT_BACKEND": BROKER,
                "CELERY_ALWAYS_EAGER": False,
                **{key: int(value) for key, value in overrides.items()}}
    second = app_on_copy(url, **settings)
    with second.app_context():
        seed_reference_data(db.session)
        db.session.commit()
        db.session.remove()
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "test", "CELERY_ALWAYS_EAGER": "0",
           "CELERY_BROKER_URL": BROKER, "CELERY_RESULT_BACKEND": BROKER, **overrides}
    workers = Workers(second, world, tmp_path / "worker.log", env)
    workers.log.touch()
    try:
        workers.start()
        yield workers
    finally:
        workers.stop_all()
        with second.app_context():
            db.session.remove()
            db.engine.dispose()
        if eager_app is not None:
            init_celery(eager_app)  # eager again for the tests after this one
        if is_postgresql(url):
            drop_database(url)


def _wait(check, seconds: float, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail("the worker did not finish in time:\n" + log.read_text()[-4000:])


def test_a_real_worker_prints_a_batch_in_parallel_and_ticks_once(worker_world):
    from app.extensions import db
    from app.models import Escalation
    from app.models.job import Job, JobPart
    from app.tasks import celery
    from tests.test_printing import make_order

    second, world, log = worker_world.app, worker_world.world, worker_world.log
    with second.app_context():
        ids = [make_order(db.session, world, description=f"第{n}号漏水").id for n in range(6)]
        db.session.commit()
        db.session.remove()

    client = second.test_client()
    assert login(client, "agent_a").status_code == 302
    response = client.post("/workorderview/print_job", data={
        "csrf_token": csrf_token(client, "/resetmypassword/form"),
        "ids": ",".join(map(str, ids)), "form": "repair_form", "lang": "zh_Hant",
        "second": "en"})
    assert response.status_code == 302, response.get_data(as_text=True)
    status_url = response.location.replace("/show/", "/status/")

    seen: list[int] = []

    def finished():
        status = client.get(status_url).json
        seen.append(status["percent"])
        assert status["state"] != "failed", status["error"]
        return status if status["state"] == "done" else None

    status = _wait(finished, 180, log)
    assert status["done"] == status["total"] == 6
    assert seen == sorted(seen)  # progress only moves forward
    pdf = client.get(status["download"])
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == 6
    with second.app_context():
        job = db.session.scalar(select(Job).order_by(Job.id.desc()))
        workers = set(db.session.scalars(select(JobPart.worker).where(
            JobPart.job_id == job.id)))
        db.session.remove()
    assert len(workers) == 2, workers  # the parts were laid out on both processes

    # Two ticks at once, as two beats (or a beat and a late duplicate) would send them:
    # three repairs whose quarter-hour deadline has run through every escalation level.
    from app.models import DeadlinePolicy
    from app.workflows import deadlines
    from tests.test_deadlines import CHAIN, new_work_order

    start = datetime(2026, 10, 8, 9, 0)
    with second.app_context():
        session = db.session
        session.add(DeadlinePolicy(key="test.quarter_hour", doc_type="work_order",
                                   name="test.quarter_hour", rule="R-WO-2", amount=15,
                                   unit="minutes", warn_share=0.6, escalation_chain=CHAIN,
                                   escalation_step_minutes=10))
        session.flush()
        for _n in range(3):
            deadlines.arm(session, new_work_order(session, world, start), "test.quarter_hour",
                          start, world.user_tech_a)
        session.commit()
        session.remove()
    later = "2026-10-09T09:00"
    first, again = (celery.send_task("desk.sla_tick", kwargs={"now": later}, queue="desk")
                    for _ in range(2))
    answers = [first.get(timeout=120), again.get(timeout=120)]
    with second.app_context():
        rows = db.session.execute(select(Escalation.timer_id, Escalation.level,
                                         func.count()).group_by(Escalation.timer_id,
                                                                Escalation.level)).all()
        db.session.remove()
    assert len(rows) == 3 * 4 and all(count == 1 for _timer, _level, count in rows)
    assert sum(a["escalations"] for a in answers) == len(rows)
    third = celery.send_task("desk.sla_tick", kwargs={"now": later}, queue="desk")
    assert third.get(timeout=120)["escalations"] == 0


def _job_row(app, job_id: int):
    from app.extensions import db
    from app.models.job import Job

    with app.app_context():
        try:
            return db.session.execute(select(
                Job.state, Job.error, Job.done, Job.total, Job.parts_done, Job.parts_total)
                .where(Job.id == job_id)).one()
        finally:
            db.session.remove()


def _stored_parts(app, job_id: int) -> dict[int, str]:
    """position -> host:pid of the process that laid the part out, for the parts stored."""
    from app.extensions import db
    from app.models.job import JobPart

    with app.app_context():
        try:
            return dict(db.session.execute(select(JobPart.position, JobPart.worker).where(
                JobPart.job_id == job_id, JobPart.pdf.is_not(None))).all())
        finally:
            db.session.remove()


# Three parts of 8 sheets on two processes: the third part starts when the first is stored,
# so once a part is stored another is still being laid out for seconds. A short visibility
# timeout lets Redis hand the part the killed worker held to the next worker within
# seconds; it stays above a part's time (on a busy machine too), so that no part still
# running is handed out again for nothing (which would be harmless, only slower).
RESTART = {"PRINT_JOB_PART_SHEETS": "8", "CELERY_VISIBILITY_TIMEOUT": "15"}
SHEETS = 24


@pytest.mark.parametrize("worker_world", [RESTART], indirect=True)
def test_a_print_job_survives_its_worker_killed_mid_part(worker_world):
    """The whole worker (main process and pool) is killed with SIGKILL while a part is
    being laid out: nothing of the job is lost. A new worker gets the part the dead one held
    (Redis delivers it again after the visibility timeout, as it was never acknowledged)
    and the same job finishes: every sheet once, in order, 100 %, the parts stored before
    the kill kept and not laid out again."""
    import redis

    from app.extensions import db
    from tests.test_printing import make_order

    app, world, log = worker_world.app, worker_world.world, worker_world.log
    with app.app_context():
        orders = [make_order(db.session, world, description=f"第{n}号漏水")
                  for n in range(SHEETS)]
        db.session.commit()
        ids, numbers = [o.id for o in orders], [o.number for o in orders]
        db.session.remove()

    client = app.test_client()
    assert login(client, "agent_a").status_code == 302
    response = client.post("/workorderview/print_job", data={
        "csrf_token": csrf_token(client, "/resetmypassword/form"),
        "ids": ",".join(map(str, ids)), "form": "repair_form", "lang": "zh_Hans",
        "second": "en"})
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    status_url = f"/jobview/status/{job_id}"

    def midway():
        row = _job_row(app, job_id)
        assert row.state != "failed", row.error
        assert row.state != "done", "the job finished before the worker could be killed"
        return row if row.parts_total and 1 <= row.parts_done < row.parts_total else None

    _wait(midway, 240, log)
    first = worker_world.started[0]
    killed = worker_world.kill(first)
    assert len(killed) >= 3  # the main process and its two pool processes

    at_kill = _job_row(app, job_id)
    assert at_kill.state == "running" and at_kill.parts_total == 3
    assert 1 <= at_kill.parts_done < 3 and at_kill.done == 8 * at_kill.parts_done
    kept = _stored_parts(app, job_id)
    assert len(kept) == at_kill.parts_done
    # The part the dead worker was laying out: delivered, never acknowledged.
    assert redis.Redis.from_url(BROKER).hlen("unacked") >= 1

    worker_world.start()
    seen: list[tuple[int, int, int]] = []

    def finished():
        status = client.get(status_url).json
        seen.append((status["percent"], status["done"], status["total"]))
        assert status["state"] != "failed", status["error"]
        return status if status["state"] == "done" else None

    status = _wait(finished, 240, log)
    assert (status["percent"], status["done"], status["total"]) == (100, SHEETS, SHEETS)
    assert [p for p, _d, _t in seen] == sorted(p for p, _d, _t in seen)  # never backwards
    assert all(done <= total == SHEETS for _p, done, total in seen)  # nothing counted twice
    done = _job_row(app, job_id)
    assert (done.parts_done, done.parts_total, done.done) == (3, 3, SHEETS)

    pdf = client.get(status["download"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    assert len(pages) == SHEETS
    for number, page in zip(numbers, pages):  # every sheet once, in the order chosen
        assert number in page.extract_text()

    laid_out = _stored_parts(app, job_id)
    assert {p: laid_out[p] for p in kept} == kept  # stored before the kill: not redone
    dead = {f"{socket.gethostname()}:{pid}" for pid in killed}
    rest = {laid_out[p] for p in laid_out if p not in kept}
    assert rest and not rest & dead  # the rest by the new worker's processes
