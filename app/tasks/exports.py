"""A big list export as a background job.

The web request counts the rows the person's filters select (in their scope) and records
a job; `export_list` replays that list request as the person, on a worker: the same
filters, order, row scope, masking and language, written page by page while the job's
progress follows the rows. The file is kept on the job for its owner to download."""
from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_user
from sqlalchemy import update

from app.models.base import local_now
from app.models.job import Job
from app.security import permissions as P
from app.tasks import AppTask, celery
from app.unit_of_work import after_commit


def start_export_job(session: Any, user: Any, view: Any, fmt: str, total: int, *,
                     locale: str) -> Job:
    """Record the job (the caller commits) and hand it to the workers once committed."""
    title = _("Export of %(list)s: %(count)d rows", list=str(view.list_title or ""),
              count=total)
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "format"}
    job = Job(kind="export", title=title[:200], state="queued", requested_by_id=user.id,
              locale=locale, total=total,
              params={"view": type(view).__name__, "path": request.path, "args": args,
                      "format": fmt, "base_url": request.host_url})
    session.add(job)
    session.flush()
    job_id = job.id
    after_commit(lambda: export_list.delay(job_id))
    return job


class ExportRefused(Exception):
    """The list may no longer be exported by its owner; str() is the translated reason."""


@celery.task(name="desk.export_list", base=AppTask, bind=True)
def export_list(self: Any, job_id: int) -> None:
    app = current_app._get_current_object()
    session = app.appbuilder.session
    job = session.get(Job, job_id)
    if job is None or job.state in ("done", "failed"):
        return
    params, user = job.params, job.requested_by
    view = next((v for v in app.appbuilder.baseviews
                 if type(v).__name__ == params["view"]), None)
    job.state, job.started_at, job.done = "running", local_now(), 0
    session.commit()

    def progress(rows: int) -> None:
        session.execute(update(Job).where(Job.id == job_id).values(done=rows))
        session.commit()

    message: str | None = None
    with force_locale(job.locale):  # what the person reads, in their language
        try:
            if view is None or not user.is_active:
                raise ExportRefused(_("This list can no longer be exported."))
            with app.test_request_context(params["path"], query_string=params["args"],
                                          base_url=params["base_url"]):
                login_user(user)  # the list exactly as its owner sees it: scope, masking
                g.user = user
                if not app.appbuilder.sm.has_access(P.EXPORT, view.class_permission_name):
                    raise ExportRefused(_("This list can no longer be exported."))
                body, mimetype, filename = view.export_file(params["format"], job.total,
                                                            progress)
        except ExportRefused as refused:
            message = str(refused)
        except Exception:  # noqa: BLE001 - logged in full; the person gets a plain answer
            app.logger.exception("export job %s failed", job_id)
            message = _("The export could not be written. Try again; if it fails again, "
                        "narrow the search first.")
    if message is not None:
        session.rollback()
        job = session.get(Job, job_id)
        job.state, job.error, job.finished_at = "failed", message[:2000], local_now()
        session.commit()
        return
    job = session.get(Job, job_id)
    job.result, job.mimetype, job.filename = body, mimetype, filename
    job.done, job.state, job.finished_at = job.total, "done", local_now()
    session.commit()
