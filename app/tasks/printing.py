"""A batch of printed forms as a background job.

The web request checks the choice and the records (in the person's scope) and records a
job; `build_print_job` renders the HTML as that person would see it (masking included),
cuts it into parts of consecutive sheets and hands each part to the workers;
`layout_part` turns one part into PDF on whichever worker process is free; the part that
finishes last joins them in order. Every step commits its own work and can run again: a
part laid out already is skipped, so a task delivered twice (its first worker died) does
no harm; a part delivered again after the last one was stored but not joined (its worker
died in between) joins the job, and a job joined already is never joined twice."""
from __future__ import annotations

import io
import math
import os
import socket
from typing import Any, Sequence

from flask import current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfWriter
from sqlalchemy import select, update

from app.models.base import local_now
from app.models.job import Job, JobPart
from app.printing.errors import PrintError
from app.printing.forms import get_form
from app.printing.parallel import sheet_count, split_sheets
from app.printing.render import build_document, layout_pdf
from app.security.actor import Actor
from app.tasks import AppTask, celery
from app.unit_of_work import after_commit
from app.workflows.registry import document_models


def start_print_job(session: Any, user: Any, doc_type: str, ids: Sequence[int], *,
                    form: str, lang: str, second: str | None, options: dict[str, str],
                    locale: str) -> Job:
    """Record the job (the caller commits) and hand it to the workers once committed."""
    title = _("%(form)s: %(count)d records", form=_(get_form(form).title), count=len(ids))
    job = Job(kind="print", title=title[:200], state="queued", requested_by_id=user.id,
              locale=locale, total=len(ids),
              params={"doc_type": doc_type, "ids": list(ids), "form": form, "lang": lang,
                      "second": second, "options": options, "base_url": request.host_url})
    session.add(job)
    session.flush()
    job_id = job.id
    after_commit(lambda: build_print_job.delay(job_id))
    return job


@celery.task(name="desk.build_print_job", base=AppTask, bind=True)
def build_print_job(self: Any, job_id: int) -> None:
    session = current_app.appbuilder.session
    job = session.get(Job, job_id)
    if job is None or job.state in ("done", "failed"):
        return
    if job.parts_total:  # built before its worker died: send the parts not laid out yet
        _send_parts(session, job)
        return
    job.state, job.started_at = "running", local_now()
    try:
        with force_locale(job.locale):
            html = _document_html(session, job)
    except PrintError as error:
        session.rollback()
        _fail(session, job_id, str(error))
        return
    size = max(1, int(current_app.config["PRINT_JOB_PART_SHEETS"]))
    sheets = sheet_count(html) or 1
    parts = split_sheets(html, math.ceil(sheets / size))
    for position, part in enumerate(parts):
        session.add(JobPart(job_id=job.id, position=position, html=part,
                            sheets=sheet_count(part) or 1))
    job.total, job.done = sheets, 0
    job.parts_total, job.parts_done = len(parts), 0
    session.commit()
    _send_parts(session, job)


def _document_html(session: Any, job: Job) -> str:
    params = job.params
    model = document_models()[params["doc_type"]]
    ids = [int(i) for i in params["ids"]]
    rows = {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))}
    docs = [rows[i] for i in ids if i in rows]
    if len(docs) != len(ids):
        raise PrintError(_("Record not found."))
    actor = Actor.for_user(job.requested_by)  # printed as the person who asked sees it
    return build_document(params["form"], docs, lang=params["lang"], second=params["second"],
                          actor=actor, base_url=params["base_url"],
                          options=params.get("options") or {},
                          limit=int(current_app.config["PRINT_JOB_MAX_BATCH"]))


def _send_parts(session: Any, job: Job) -> None:
    waiting = session.scalars(select(JobPart.id).where(
        JobPart.job_id == job.id, JobPart.pdf.is_(None)).order_by(JobPart.position)).all()
    for part_id in waiting:
        layout_part.delay(part_id)


@celery.task(name="desk.layout_part", base=AppTask, bind=True)
def layout_part(self: Any, part_id: int) -> None:
    session = current_app.appbuilder.session
    row = session.execute(select(JobPart.job_id, JobPart.sheets, JobPart.html,
                                 JobPart.pdf.is_(None).label("waiting"))
                          .where(JobPart.id == part_id)).one_or_none()
    if row is None:  # the job was purged
        return
    job_id, sheets = row.job_id, row.sheets
    if not row.waiting or row.html is None:
        # Laid out already: a second delivery, perhaps because the worker that stored it
        # died before joining the job.
        _join_if_complete(session, job_id)
        return
    try:
        pdf = layout_pdf(row.html)
    except Exception as error:  # noqa: BLE001 - the person learns the job failed
        session.rollback()
        current_app.logger.exception("laying out part %s failed", part_id)
        _fail(session, job_id, str(error))
        return
    worker = f"{socket.gethostname()}:{os.getpid()}"[:80]
    stored = session.execute(update(JobPart).where(
        JobPart.id == part_id, JobPart.pdf.is_(None)).values(
        pdf=pdf, html=None, worker=worker)).rowcount
    if not stored:  # another delivery of this task stored it first (and counted it)
        session.rollback()
        _join_if_complete(session, job_id)
        return
    session.execute(update(Job).where(Job.id == job_id).values(
        parts_done=Job.parts_done + 1, done=Job.done + sheets))
    # Read back inside the same transaction, which holds the job's row (PostgreSQL) or
    # the database (SQLite) until it commits: exactly one part sees the last count.
    counted = session.execute(select(Job.parts_done, Job.parts_total).where(
        Job.id == job_id)).one()
    session.commit()
    if counted.parts_done == counted.parts_total:
        _join(session, job_id)


def _join_if_complete(session: Any, job_id: int) -> None:
    counted = session.execute(select(Job.parts_done, Job.parts_total).where(
        Job.id == job_id)).one_or_none()
    if counted is not None and counted.parts_total \
            and counted.parts_done == counted.parts_total:
        _join(session, job_id)


def _join(session: Any, job_id: int) -> None:
    """The last part done: the parts in order as one PDF, the job done. Joined once: the
    job turns done only if it is not yet, and only then are the parts' PDFs dropped."""
    job = session.execute(select(Job.state, Job.parts_total, Job.params).where(
        Job.id == job_id)).one_or_none()
    if job is None or job.state in ("done", "failed"):
        return
    pdfs = session.scalars(select(JobPart.pdf).where(JobPart.job_id == job_id)
                           .order_by(JobPart.position)).all()
    if len(pdfs) != job.parts_total or not all(pdfs):  # joined by another delivery
        return
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    buffer = io.BytesIO()
    writer.write(buffer)
    params = job.params
    joined = session.execute(update(Job).where(
        Job.id == job_id, Job.state.notin_(("done", "failed"))).values(
        result=buffer.getvalue(), mimetype="application/pdf",
        filename=f"{params['form']}-{len(params['ids'])}.pdf",
        state="done", finished_at=local_now())).rowcount
    if not joined:  # another delivery joined it first
        session.rollback()
        return
    # The parts' PDFs are in the result now; each part keeps which worker laid it out.
    session.execute(update(JobPart).where(JobPart.job_id == job_id).values(pdf=b""))
    session.commit()


def _fail(session: Any, job_id: int, message: str) -> None:
    job = session.get(Job, job_id)
    if job is not None and job.state != "done":
        job.state, job.error, job.finished_at = "failed", message[:2000], local_now()
        session.commit()
