"""A real Celery worker (two processes) on Redis, over a database of its own: a batch of
printed forms is laid out in parts across both processes while its progress moves, and
two minute ticks sent at once, as two beats would, escalate each deadline once.

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
from datetime import datetime
from pathlib import Path

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


@pytest.fixture
def worker_world(tmp_path):
    """A database of its own with a committed world, the app on it sending to Redis, and
    a worker of two processes reading the same; the eager set-up is restored after."""
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

    run_url = os.environ.get("DATABASE_URL", "")
    url = (postgresql_scratch_url(run_url, "celery") if is_postgresql(run_url)
           else f"sqlite:///{tmp_path / 'worker.db'}")
    world = copied_database(url)
    redis.Redis.from_url(BROKER).flushdb()
    # (Not the `app` fixture: its test transaction would hide the worker's database.)
    eager_app = getattr(celery, "flask_app", None)
    settings = {"CELERY_BROKER_URL": BROKER, "CELERY_RESULT_BACKEND": BROKER,
                "CELERY_ALWAYS_EAGER": False, "PRINT_JOB_PART_SHEETS": 1}
    second = app_on_copy(url, **settings)
    with second.app_context():
        seed_reference_data(db.session)
        db.session.commit()
        db.session.remove()
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "test", "CELERY_ALWAYS_EAGER": "0",
           "CELERY_BROKER_URL": BROKER, "CELERY_RESULT_BACKEND": BROKER,
           "PRINT_JOB_PART_SHEETS": "1"}
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "app.tasks.worker", "worker",
         "--concurrency", "2", "--pool", "prefork", "-Q", "desk", "--loglevel", "INFO",
         "-n", f"test-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield second, world, tmp_path / "worker.log"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()
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
        time.sleep(0.2)
    pytest.fail("the worker did not finish in time:\n" + log.read_text()[-4000:])


def test_a_real_worker_prints_a_batch_in_parallel_and_ticks_once(worker_world):
    from app.extensions import db
    from app.models import Escalation
    from app.models.job import Job, JobPart
    from app.tasks import celery
    from tests.test_printing import make_order

    second, world, log = worker_world
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
