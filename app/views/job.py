"""Background jobs, as the person who started them sees them: a list of their own, a page
with a progress bar that follows the job, and the file to download when it is done. Thin:
the work is in app/tasks/."""
from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, url_for
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import protect, safe
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.models.job import Job
from app.security import permissions as P
from app.views.base import ScopedModelRestApi, ScopedModelView, scoped


class JobView(ScopedModelView):
    datamodel = scoped(Job)
    class_permission_name = P.JOB
    method_permission_name = {**ScopedModelView.method_permission_name,
                              "status": "read", "download": "read"}
    exclude_route_methods = {"add", "edit", "delete", "export", "action", "action_post"}
    list_columns = ["created_at", "title", "progress", "finished_at"]
    search_columns = ["created_at", "state"]
    base_order = ("created_at", "desc")
    label_columns = {"created_at": _l("Started"), "title": _l("Job"),
                     "progress": _l("Progress"), "finished_at": _l("Finished"),
                     "state": _l("State")}
    list_title = _l("Print and export jobs")
    show_template = "jobs/show.html"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.formatters_columns = {"progress": self._progress}

    def _progress(self, value: tuple[int, str, int]) -> Markup:
        pk, state, percent = value
        if state == "done":
            return Markup('<a href="{url}"><i class="fa fa-download"></i> {label}</a>').format(
                url=url_for("JobView.download", pk=pk), label=_("Download"))
        return Markup("{state} {percent}%").format(state=state_text(state), percent=percent)

    def _job(self, pk: int) -> Job:
        job = self.datamodel.get(pk, self._base_filters)
        if job is None:
            abort(404)
        return job

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk: int):  # type: ignore[override]
        job = self._job(pk)
        return self.render_template(self.show_template, job=job, status=self._status(job),
                                    title=job.title)

    @expose("/status/<int:pk>")
    @has_access
    def status(self, pk: int) -> Response:
        """What the progress bar polls."""
        return jsonify(self._status(self._job(pk)))

    @expose("/download/<int:pk>")
    @has_access
    def download(self, pk: int) -> Response:
        job = self._job(pk)
        if job.state != "done" or job.result is None:
            abort(404)
        # A PDF opens in the browser to be printed; a spreadsheet is saved.
        disposition = "inline" if job.mimetype == "application/pdf" else "attachment"
        return Response(job.result, mimetype=job.mimetype, headers={
            "Content-Disposition": f"{disposition}; filename={job.filename}"})

    @staticmethod
    def _status(job: Job) -> dict[str, Any]:
        return {"state": job.state, "label": state_text(job.state), "percent": job.percent,
                "done": job.done, "total": job.total, "error": job.error,
                "download": url_for("JobView.download", pk=job.id)
                if job.state == "done" else None}


def state_text(state: str) -> str:
    from app.models.job import JOB_STATES

    return str(JOB_STATES.get(state, state))


class JobApi(ScopedModelRestApi):
    """A background job over the REST API, for its requester only: its state and
    progress, then its file. A form printed as a job (a survey's questionnaires) answers
    202 with this job's address instead of the PDF."""

    resource_name = "job"
    datamodel = scoped(Job)
    class_permission_name = P.JOB
    method_permission_name = {**ScopedModelRestApi.method_permission_name,
                              "download": "read"}
    include_route_methods = {"get", "get_list", "download"}
    list_columns = show_columns = ["id", "kind", "title", "state", "total", "done",
                                   "error", "filename", "created_at", "finished_at"]
    order_columns = ["id", "created_at"]
    base_order = ("created_at", "desc")

    @api_expose("/<int:pk>/download", methods=["GET"])
    @protect()
    @safe
    @permission_name("download")
    def download(self, pk: int) -> Response:
        """The job's file, once it is done.
        ---
        get:
          summary: Download the file a finished job made
          parameters:
          - in: path
            name: pk
            required: true
            description: The job's id.
            schema:
              type: integer
              minimum: 1
          responses:
            200:
              description: The file (a PDF or a spreadsheet)
            404:
              $ref: '#/components/responses/404'
        """
        job = self.datamodel.get(pk, self._base_filters)
        if job is None or job.state != "done" or job.result is None:
            return self.response_404()
        return Response(job.result, mimetype=job.mimetype, headers={
            "Content-Disposition": f"attachment; filename={job.filename}"})
