"""Batches of printed forms as background jobs (the tasks run in the test's process, as
Celery's eager mode): the request records a job and the person follows it; the job lays
the batch out in parts and joins them in order; nobody else sees or downloads it; a bad
choice or a record out of scope is refused before any job exists."""
from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from app.models.job import Job, JobPart
from tests.helpers import csrf_token
from tests.test_printing import make_order

VIEW = "/workorderview"


def _print(client, ids, **choice):
    token = csrf_token(client, "/resetmypassword/form")
    data = {"csrf_token": token, "ids": ",".join(str(i) for i in ids), "form": "repair_form",
            "lang": "zh_Hans", "second": "en", **choice}
    return client.post(f"{VIEW}/print_job", data=data)


def test_a_batch_is_printed_in_parts_and_joined_in_order(app, world, as_user, seeded):
    orders = [make_order(seeded, world, description=f"第{n}号漏水") for n in range(3)]
    seeded.commit()
    ids, numbers = [o.id for o in orders], [o.number for o in orders]
    app.config["PRINT_JOB_PART_SHEETS"] = 1  # one part per sheet: the join is exercised
    try:
        agent = as_user("agent_a")
        response = _print(agent, ids)
    finally:
        app.config["PRINT_JOB_PART_SHEETS"] = 20
    assert response.status_code == 302 and "/jobview/show/" in response.location
    job_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    job = seeded.get(Job, job_id)
    seeded.refresh(job)
    assert job.state == "done", job.error
    assert (job.parts_total, job.parts_done, job.done) == (3, 3, 3)
    assert job.params["ids"] == ids

    status = agent.get(f"/jobview/status/{job_id}").json
    assert status["state"] == "done" and status["percent"] == 100
    page = agent.get(f"/jobview/show/{job_id}").get_data(as_text=True)
    assert 'id="job-bar"' in page and f"/jobview/download/{job_id}" in page
    pdf = agent.get(status["download"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    assert len(pages) == 3
    texts = [page.extract_text() for page in pages]
    for n, text in enumerate(texts):  # in the order chosen
        assert numbers[n] in text
    listing = agent.get("/jobview/list/").get_data(as_text=True)
    assert job.title in listing


def test_nobody_else_sees_or_downloads_a_job(app, world, as_user, seeded):
    order_id = make_order(seeded, world).id
    seeded.commit()
    response = _print(as_user("agent_a"), [order_id])
    job_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    for username in ("agent_b", "supervisor_a", "admin"):
        other = as_user(username)
        for path in ("show", "status", "download"):
            assert other.get(f"/jobview/{path}/{job_id}").status_code == 404, (username, path)
        assert seeded.get(Job, job_id).title not in other.get("/jobview/list/").get_data(
            as_text=True)


def test_bad_choices_and_out_of_scope_records_make_no_job(app, world, as_user, seeded):
    order_id = make_order(seeded, world).id
    seeded.commit()
    agent = as_user("agent_a")
    before = seeded.scalar(select(func.count(Job.id)))
    unknown = _print(agent, [order_id], form="salary_slip")
    assert unknown.status_code == 400 and "repair_form" in unknown.get_data(as_text=True)
    language = _print(agent, [order_id], lang="fr")
    assert language.status_code == 400
    assert _print(as_user("agent_b"), [order_id]).status_code == 404
    assert _print(agent, []).status_code == 404
    app.config["PRINT_JOB_MAX_BATCH"] = 0
    try:
        too_many = _print(agent, [order_id])
    finally:
        app.config["PRINT_JOB_MAX_BATCH"] = 5000
    assert too_many.status_code == 400
    assert seeded.scalar(select(func.count(Job.id))) == before


def test_a_chinese_reader_gets_chinese_errors(app, world, as_user, seeded):
    order_id = make_order(seeded, world).id
    seeded.commit()
    agent = as_user("agent_a")
    agent.get("/lang/zh_Hans")
    app.config["PRINT_JOB_MAX_BATCH"] = 0
    try:
        refused = _print(agent, [order_id]).get_data(as_text=True)
    finally:
        app.config["PRINT_JOB_MAX_BATCH"] = 5000
    assert "At most" not in refused and "最多" in refused


def test_a_part_delivered_twice_is_counted_once(app, world, as_user, seeded):
    """A worker that dies after storing a part gets its task delivered again: the second
    delivery changes nothing."""
    from app.tasks.printing import layout_part

    order_id = make_order(seeded, world).id
    seeded.commit()
    response = _print(as_user("agent_a"), [order_id])
    job_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    part_id = seeded.scalar(select(JobPart.id).where(JobPart.job_id == job_id))
    with app.app_context():
        layout_part.delay(part_id)
    job = seeded.get(Job, job_id)
    seeded.refresh(job)
    assert (job.state, job.parts_done, job.done) == ("done", 1, 1)


def test_a_job_whose_worker_died_before_the_join_is_joined_by_the_next_delivery(
        app, world, as_user, seeded, monkeypatch):
    """The worker that stored the last part dies before joining the parts: the job would
    wait for ever. That part's task, delivered again, joins it (done, 100 %, every page in
    order), counting nothing twice; any later delivery leaves the finished job as it is."""
    import app.tasks.printing as printing

    orders = [make_order(seeded, world, description=f"第{n}号漏水") for n in range(2)]
    seeded.commit()
    ids, numbers = [o.id for o in orders], [o.number for o in orders]
    monkeypatch.setitem(app.config, "PRINT_JOB_PART_SHEETS", 1)
    monkeypatch.setattr(printing, "_join", lambda session, job_id: None)  # dies here
    agent = as_user("agent_a")
    response = _print(agent, ids)
    job_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    job = seeded.get(Job, job_id)
    seeded.refresh(job)
    assert (job.state, job.parts_done, job.parts_total, job.done) == ("running", 2, 2, 2)
    assert agent.get(f"/jobview/status/{job_id}").json["download"] is None

    monkeypatch.undo()
    parts = seeded.scalars(select(JobPart.id).where(JobPart.job_id == job_id)
                           .order_by(JobPart.position)).all()
    with app.app_context():
        printing.layout_part.delay(parts[-1])
    job = seeded.get(Job, job_id)
    seeded.refresh(job)
    assert (job.state, job.parts_done, job.done, job.percent) == ("done", 2, 2, 100)
    joined = job.result
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(joined)).pages]
    assert len(texts) == 2 and all(numbers[n] in text for n, text in enumerate(texts))

    with app.app_context():  # more deliveries of either part: nothing changes
        printing.layout_part.delay(parts[0])
        printing.layout_part.delay(parts[-1])
        printing.build_print_job.delay(job_id)
    seeded.expire_all()
    job = seeded.get(Job, job_id)
    assert (job.state, job.parts_done, job.done) == ("done", 2, 2)
    assert job.result == joined
    assert agent.get(f"/jobview/status/{job_id}").json["percent"] == 100


def test_the_beat_ticks_every_minute_and_purges_old_jobs(app, world, seeded):
    from datetime import timedelta

    from app.models.base import local_now
    from app.tasks import celery
    from app.tasks.periodic import purge_jobs

    schedule = celery.conf.beat_schedule
    assert schedule["deadline-tick"]["task"] == "desk.sla_tick"
    assert schedule["deadline-tick"]["schedule"] == 60.0
    now = local_now()
    old = Job(kind="print", title="old", state="done", requested_by_id=world.user_agent_a,
              params={}, finished_at=now - timedelta(days=8))
    recent = Job(kind="print", title="recent", state="done",
                 requested_by_id=world.user_agent_a, params={},
                 finished_at=now - timedelta(days=1))
    seeded.add_all([old, recent])
    seeded.commit()
    with app.app_context():
        purge_jobs.delay()
    titles = set(seeded.scalars(select(Job.title)))
    assert "old" not in titles and "recent" in titles
