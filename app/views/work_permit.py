"""Pages and API of the contractor work permits (R-FD-3). Thin: registration and every
step go through the engine (app/workflows/work_permit.py); a worker's photo is read and
checked here (app/uploads.py), then the engine's `add_worker` step records the worker."""
from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import protect, safe
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import BadRequest

from app.models.base import local_now
from app.models.work_permit import WorkPermit, WorkPermitWorker
from app.security import permissions as P
from app.security import privacy
from app.security.actor import Actor
from app.security.scope import apply_scope
from app.uploads import IMAGE_TYPES, UploadRefused, download_response, read_uploads
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows import engine
from app.workflows.engine import InvalidData, WorkflowError
from app.workflows.work_permit import WORK_PERMIT, permit_problems

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "estate": _l("Estate"), "department": _l("Requesting department"),
    "company": _l("Contractor"), "person_in_charge": _l("Person in charge"),
    "person_in_charge_phone": _l("Phone of the person in charge"),
    "work": _l("Work and place"), "fee": _l("Fee"), "fee_text": _l("Fee"),
    "remarks": _l("Remarks"), "workers": _l("Workers"), "requested_by": _l("Requested by"),
    "submitted_at": _l("Submitted at"), "receipt_number": _l("Receipt number"),
    "blank_permits": _l("Blank permits issued"), "fee_taken_by": _l("Fee taken by"),
    "fee_taken_at": _l("Fee taken at"), "valid_until": _l("Valid until"),
    "vetted_by": _l("Vetted by"), "vetted_at": _l("Vetted at"),
    "refused_at": _l("Refused at"), "refusal_reason": _l("Reason refused"),
    "stamped_by": _l("Stamped by"), "stamped_at": _l("Stamped at"),
    "laminated_by": _l("Laminated by"), "laminated_at": _l("Laminated at"),
    "handed_to": _l("Handed to"), "handed_out_by": _l("Handed out by"),
    "handed_out_at": _l("Handed out at"), "cancelled_at": _l("Cancelled at"),
    "created_at": _l("Created at"),
}
EDITABLE = ["company", "person_in_charge", "person_in_charge_phone", "work", "fee", "remarks"]


def workers_text(workers: Any) -> str:
    """Each worker with the ID number as the viewer may read it (list and export)."""
    return "; ".join(f"{w.name} {privacy.reveal('id_number', w.id_number)}"
                     for w in workers or [])


def worker_rows(permit: WorkPermit, photo_url: Any) -> list[dict[str, Any]]:
    """The workers as pages and the API show them: ID numbers masked for those without
    the right to read them."""
    return [{"id": w.id, "name": w.name,
             "id_number": privacy.reveal("id_number", w.id_number),
             "card_number": w.card_number, "photo": photo_url(w)}
            for w in permit.workers]


def _check_draft(item: WorkPermit) -> None:
    """A request is changed while it is being prepared; afterwards it is what Finance,
    Security and the front desk work from."""
    if item.state != "draft":
        raise BadRequest(description=_("Only a request being prepared can be changed."))
    errors = permit_problems(item)
    if errors:
        error = BadRequest(description=next(iter(errors.values())))
        error.errors = errors
        raise error


def add_worker(permit: WorkPermit, values: Any, files: list[Any], *, actor: Actor,
               session: Any, version: Any) -> WorkPermitWorker:
    """One worker with the photo, through the engine's `add_worker` step (permission,
    scope, state, the version the person saw, the ID number). Raises WorkflowError, the
    session rolled back; a file that is not an image is a 400 on the photo field."""
    try:
        try:
            uploads = read_uploads(
                files, allowed_types=current_app.config.get("PHOTO_TYPES", IMAGE_TYPES),
                max_bytes=int(current_app.config.get("PHOTO_MAX_BYTES", 5 * 1024 * 1024)),
                max_files=1)
        except UploadRefused as refusal:
            raise InvalidData(_("Please correct the highlighted fields."),
                              {"photo": refusal.message}) from None
        if not uploads:
            raise InvalidData(_("Please correct the highlighted fields."),
                              {"photo": _("Add the worker's photo (JPEG, PNG or WebP).")})
        photo = uploads[0]
        worker = WorkPermitWorker(name="", id_number="", photo_filename=photo.filename,
                                  photo_content_type=photo.content_type,
                                  photo_size=photo.size, photo_data=photo.data,
                                  added_at=local_now())
        permit.workers.append(worker)
        seen = str(version or "")
        engine.apply(permit, "add_worker",
                     {"worker_name": values.get("worker_name"),
                      "id_number": values.get("id_number")},
                     actor=actor, session=session,
                     seen_version=int(seen) if seen.isdigit() else None)
    except WorkflowError:
        session.rollback()
        raise
    return worker


def photo_response(session: Any, worker_id: int) -> Response | None:
    """A worker's photo, if the worker's request is in the viewer's scope (else None)."""
    worker = session.scalar(apply_scope(select(WorkPermitWorker), WorkPermitWorker)
                            .where(WorkPermitWorker.id == worker_id))
    if worker is None:
        return None
    return download_response(worker.photo_data, content_type=worker.photo_content_type,
                             filename=worker.photo_filename, inline=True)


class WorkPermitView(WorkflowModelView):
    """Contractor work permits: the department's request, then Finance, Security, the
    front desk and Administration in turn, within 30 minutes."""

    datamodel = documents(WorkPermit)
    workflow = WORK_PERMIT
    class_permission_name = P.WORK_PERMIT
    show_template = "work_permit/show.html"
    list_columns = ["number", "estate", "company", "workers", "fee_text", "submitted_at",
                    "state_label"]
    search_columns = ["number", "estate", "company", "state", "submitted_at"]
    order_columns = ["number", "submitted_at"]
    base_order = ("created_at", "desc")
    add_columns = ["estate", "department", *EDITABLE]
    edit_columns = EDITABLE
    show_fieldsets = [
        (_l("Request"), {"fields": [
            "number", "state_label", "estate", "department", "company", "person_in_charge",
            "person_in_charge_phone", "work", "fee_text", "remarks", "requested_by",
            "created_at", "submitted_at", "cancelled_at"]}),
        (_l("Fee and blank permits"), {"after": ("take_fee",), "fields": [
            "receipt_number", "blank_permits", "fee_taken_by", "fee_taken_at"]}),
        (_l("Vetting"), {"after": ("vet", "refuse"), "fields": [
            "valid_until", "vetted_by", "vetted_at", "refused_at", "refusal_reason"]}),
        (_l("Stamp and lamination"), {"after": ("stamp",), "fields": [
            "stamped_by", "stamped_at", "laminated_by", "laminated_at"]}),
        (_l("Hand-out"), {"after": ("hand_out",), "fields": [
            "handed_to", "handed_out_by", "handed_out_at"]}),
    ]
    description_columns = {
        "department": _l("Empty: your department in the estate's office."),
        "fee": _l("The production fee handed in with the request."),
    }
    formatters_columns = {"workers": workers_text}
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Contractor work permits")
    document_label = _l("Contractor work permit")
    export_columns = ["number", "estate.name", "department.name", "company",
                      "person_in_charge", "workers", "fee_text", "receipt_number",
                      "valid_until", "submitted_at", "handed_out_at", "handed_to",
                      "state_label"]
    transition_summary_columns = ["company", "workers"]

    def __init__(self, **kwargs: Any) -> None:
        # Adding a worker is the `add_worker` step: the engine checks its permission. Set
        # before FAB's __init__, which derives the view's permissions from this map.
        self.method_permission_name = {**self.method_permission_name, "worker": "read"}
        super().__init__(**kwargs)

    def pre_update(self, item: WorkPermit) -> None:
        super().pre_update(item)
        _check_draft(item)

    def show_extra(self, item: WorkPermit, session: Any) -> dict[str, Any]:
        actor = Actor.current()
        name = self.__class__.__name__
        return {"workers": worker_rows(item, lambda w: url_for(f"{name}.photo",
                                                               worker_id=w.id)),
                "can_add_worker": any(t.name == "add_worker"
                                      for t in engine.available(item, actor))}

    @expose("/photo/<int:worker_id>", methods=["GET"])
    @has_access
    def photo(self, worker_id: int):
        response = photo_response(self.datamodel.session, worker_id)
        if response is None:
            abort(404)
        return response

    @expose("/worker/<int:pk>", methods=["POST"])
    @has_access
    def worker(self, pk: int):
        """The detail page's form: one worker with the photo."""
        permit = self.datamodel.get(pk, self._base_filters)
        if permit is None:
            abort(404)
        try:
            add_worker(permit, request.form, request.files.getlist("photo"),
                       actor=Actor.current(), session=self.datamodel.session,
                       version=request.form.get("version"))
        except WorkflowError as error:
            details = "; ".join(str(v) for v in error.errors.values())
            flash(f"{error.message} {details}".strip(), "danger")
            body = WorkflowModelView.show.__wrapped__(self, pk)
            return Response(body, status=error.status)
        flash(_("Worker added."), "success")
        return redirect(url_for(f"{self.__class__.__name__}.show", pk=pk))

    @expose("/transition/<name>", methods=["GET", "POST"])
    @has_access
    def transition(self, name: str):
        if name == "add_worker":  # needs a photo: the detail page's form
            ids = request.values.get("ids", "").split(",")[0]
            if not ids.isdigit():
                abort(404)
            return redirect(url_for(f"{self.__class__.__name__}.show", pk=int(ids)))
        return WorkflowModelView.transition.__wrapped__(self, name)


class WorkPermitApi(WorkflowRestApi):
    resource_name = "work_permit"
    datamodel = documents(WorkPermit)
    workflow = WORK_PERMIT
    class_permission_name = P.WORK_PERMIT
    list_columns = ["id", "number", "state", "version", "estate.id", "estate.name",
                    "department.id", "company", "person_in_charge", "fee", "submitted_at",
                    "handed_out_at"]
    show_columns = list_columns + [
        "person_in_charge_phone", "work", "remarks", "requested_by.id", "receipt_number",
        "blank_permits", "fee_taken_at", "fee_taken_by.id", "valid_until", "vetted_at",
        "vetted_by.id", "refused_at", "refusal_reason", "stamped_at", "stamped_by.id",
        "laminated_at", "laminated_by.id", "handed_to", "handed_out_by.id", "cancelled_at"]
    add_columns = ["estate", "department", *EDITABLE]
    edit_columns = EDITABLE
    order_columns = ["id", "number", "submitted_at"]

    def __init__(self) -> None:
        # Before FAB's __init__, which derives the API's permissions from this map.
        self.method_permission_name = {**self.method_permission_name, "workers": "read",
                                       "add_workers": "read", "photo": "read"}
        super().__init__()

    def _photo_url(self, worker: WorkPermitWorker) -> str:
        return url_for(f"{self.__class__.__name__}.photo", pk=worker.permit_id,
                       worker_id=worker.id)

    def _with_workers(self, row: dict) -> None:
        permit = self.datamodel.get(row.get("id"), self._base_filters) \
            if row.get("id") is not None else None
        if permit is not None:
            row["workers"] = worker_rows(permit, self._photo_url)

    def pre_get_list(self, data: dict) -> None:
        """The page's workers in one query (the rows are the scoped list's own)."""
        super().pre_get_list(data)
        rows = [row for row in data.get("result", []) if row.get("id") is not None]
        permits = {p.id: p for p in self.datamodel.session.scalars(
            select(WorkPermit).where(WorkPermit.id.in_([row["id"] for row in rows]))
            .options(selectinload(WorkPermit.workers)))}
        for row in rows:
            permit = permits.get(row["id"])
            if permit is not None:
                row["workers"] = worker_rows(permit, self._photo_url)

    def pre_get(self, data: dict) -> None:
        super().pre_get(data)
        result = data.get("result")
        if isinstance(result, dict):
            result.setdefault("id", request.view_args.get("pk"))
            self._with_workers(result)

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        _check_draft(item)

    @api_expose("/<int:pk>/workers", methods=["GET"])
    @protect()
    @safe
    @permission_name("workers")
    def workers(self, pk: int) -> Response:
        """The workers of a request.
        ---
        get:
          summary: The workers, ID numbers masked for those without the right to read them
          parameters:
          - in: path
            name: pk
            required: true
            schema:
              type: integer
          responses:
            200:
              description: One row per worker
            404:
              $ref: '#/components/responses/404'
        """
        permit = self.datamodel.get(pk, self._base_filters)
        if permit is None:
            return self.response_404()
        return self.response(200, result=worker_rows(permit, self._photo_url))

    @api_expose("/<int:pk>/workers", methods=["POST"])
    @protect()
    @safe
    @permission_name("add_workers")
    def add_workers(self, pk: int) -> Response:
        """Add a worker: multipart form with worker_name, id_number, version and the photo.
        ---
        post:
          summary: Add one worker with the photo (the request's add_worker step)
          parameters:
          - in: path
            name: pk
            required: true
            schema:
              type: integer
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    worker_name:
                      type: string
                    id_number:
                      type: string
                    version:
                      type: integer
                    photo:
                      type: string
                      format: binary
          responses:
            201:
              description: The worker was added; the request's new version
            400:
              $ref: '#/components/responses/400'
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
            409:
              description: Stale version, or the request is no longer being prepared
        """
        permit = self.datamodel.get(pk, self._base_filters)
        if permit is None:
            return self.response_404()
        if not str(request.form.get("version") or "").isdigit():
            return self.response(428, message=_("Send the version of the record you read "
                                                "(\"version\") with the step."))
        try:
            worker = add_worker(permit, request.form, request.files.getlist("photo"),
                                actor=Actor.current(), session=self.datamodel.session,
                                version=request.form.get("version"))
        except WorkflowError as error:
            return self.response(error.status, message=error.message, errors=error.errors)
        return self.response(201, id=worker.id, version=permit.version)

    @api_expose("/<int:pk>/workers/<int:worker_id>/photo", methods=["GET"])
    @protect()
    @safe
    @permission_name("photo")
    def photo(self, pk: int, worker_id: int) -> Response:
        """A worker's photo.
        ---
        get:
          summary: The photo of one worker of the request
          parameters:
          - in: path
            name: pk
            required: true
            schema:
              type: integer
          - in: path
            name: worker_id
            required: true
            schema:
              type: integer
          responses:
            200:
              description: The image
            404:
              $ref: '#/components/responses/404'
        """
        permit = self.datamodel.get(pk, self._base_filters)
        response = photo_response(self.datamodel.session, worker_id) \
            if permit is not None else None
        if response is None or not any(w.id == worker_id for w in permit.workers):
            return self.response_404()
        return response
