"""Compensation claims, house return and exchange (R-CO-1..5): pages and API as thin
declarations on the shared workflow views, evidence files, the approval queue of the
people who review and approve, and the approval rules an administrator maintains.

A claim is registered through the engine (form number, estate and claimant taken from the
complaint, exact amounts); every later step is a transition of app/workflows/compensation.py,
including attaching evidence. The claimant's phone is masked for roles that do not need it
(R-RES-2); evidence files are served only within the viewer's scope.
"""
from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_appbuilder import BaseView
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import protect, safe
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from wtforms import ValidationError
from wtforms.fields import (
    BooleanField,
    DecimalField,
    MultipleFileField,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Optional

from app.models import ApprovalRule, CompensationClaim, CompensationEvidence, Estate
from app.models.base import local_now
from app.models.compensation import (
    ACKNOWLEDGED_BY,
    CLAIM_KINDS,
    EVIDENCE_KINDS,
    LIABILITIES,
    PART_LIABILITIES,
)
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import apply_scope
from app.uploads import IMAGE_TYPES, PDF, UploadRefused, download_response, read_uploads
from app.views.base import ScopedModelView, scoped
from app.views.queue import document_url
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows import engine
from app.workflows.compensation import (
    COMPENSATION,
    PAYMENT_METHODS,
    role_label,
    waiting_for,
)
from app.workflows.engine import InvalidData, WorkflowError
from app.workflows.money import MoneyError, money_errors, parse_money
from app.workflows.queues import QueueRow

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "kind": _l("Kind"), "kind_label": _l("Kind"), "complaint": _l("Complaint"),
    "estate": _l("Estate"), "department": _l("Department"),
    "claimant_name": _l("Claimant"), "claimant_phone": _l("Claimant's phone"),
    "loss_description": _l("Loss"), "proposal": _l("Proposal"),
    "liability": _l("Liability"), "liability_label": _l("Liability"),
    "contractor_name": _l("Contractor"), "amount": _l("Amount"),
    "contractor_amount": _l("Contractor's part"),
    "company_amount": _l("Company's part"),
    "developer_amount": _l("Developer's part"),
    "acknowledged_by": _l("Acknowledged by"), "acknowledged_by_name": _l("Signed by"),
    "acknowledged_at": _l("Acknowledged at"), "raised_by": _l("Raised by"),
    "submitted_at": _l("Submitted at"), "reviewer_role": _l("Reviewed by (role)"),
    "approver_role": _l("Approved by (role)"), "reviewed_by": _l("Reviewed by"),
    "reviewed_at": _l("Reviewed at"), "approved_by": _l("Approved by"),
    "approved_at": _l("Approved at"), "rejected_by": _l("Rejected by"),
    "rejected_at": _l("Rejected at"), "rejection_reason": _l("Reason for the rejection"),
    "forwarded_to_developer_at": _l("Forwarded to the developer at"),
    "developer_reply": _l("The developer's reply"), "paid_amount": _l("Amount paid"),
    "payment_method": _l("Payment method"), "paid_at": _l("Paid at"),
    "payment_recorded_by": _l("Payment recorded by"),
    "quality_station_reference": _l("Quality station's confirmation"),
    "quality_station_confirmed_at": _l("Confirmed at"),
    "marketing_done_by": _l("Marketing's part done by"),
    "marketing_done_at": _l("Marketing's part done at"),
    "service_done_by": _l("Customer Service's part done by"),
    "service_done_at": _l("Customer Service's part done at"), "closed_at": _l("Closed at"),
    "evidence": _l("Evidence"), "evidence_files": _l("Evidence"), "version": _l("Version"),
    "max_amount": _l("Up to"), "forward_to_developer": _l("Forward to the developer"),
    "rule": _l("Rule"),
}


def _yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def _money(value: Any) -> str:
    return "" if value is None else f"{value:,.2f}"


# --- evidence files ----------------------------------------------------------------------

def read_evidence(files: list[Any], kind: str, actor: Actor) -> list[CompensationEvidence]:
    """Uploaded evidence checked by content (app/uploads.py): photos (JPEG, PNG, WebP) and
    PDF scans of letters and acknowledgements. A refused file is an InvalidData on the
    field: the engine's refusal, as for every other step."""
    limit = int(current_app.config.get("EVIDENCE_MAX_BYTES",
                                       current_app.config.get("PHOTO_MAX_BYTES",
                                                              10 * 1024 * 1024)))
    allowed = set(current_app.config.get("PHOTO_TYPES", IMAGE_TYPES)) | {PDF}
    try:
        uploads = read_uploads(files, allowed_types=allowed, max_bytes=limit)
    except UploadRefused as refusal:
        raise InvalidData(_("Please correct the highlighted fields."),
                          {"evidence_files": refusal.message}) from None
    return [CompensationEvidence(kind=kind, filename=u.filename, content_type=u.content_type,
                                 size=u.size, data=u.data, uploaded_by_id=actor.user_id,
                                 uploaded_at=local_now()) for u in uploads]


def evidence_response(session: Any, evidence_id: int) -> Response | None:
    """One evidence file, if it belongs to a claim in the viewer's scope (else None).
    Photos open in the browser; PDFs are saved (a sandboxed page cannot show them)."""
    item = session.scalar(apply_scope(select(CompensationEvidence), CompensationEvidence)
                          .where(CompensationEvidence.id == evidence_id))
    if item is None:
        return None
    return download_response(item.data, content_type=item.content_type,
                             filename=item.filename, inline=item.content_type != PDF)


def attach_files(claim: CompensationClaim, kind: str, files: list[Any], *, actor: Actor,
                 session: Any, version: Any, comment: str | None) -> list[CompensationEvidence]:
    """Attach uploaded files through the engine's `attach_evidence` transition, so that
    permission, scope, state and the version the person saw are checked and the history
    lists the files. Raises WorkflowError (the session is rolled back)."""
    try:
        if kind not in EVIDENCE_KINDS:
            raise InvalidData(_("Please correct the highlighted fields."),
                              {"evidence_kind": _("Not a valid choice.")})
        evidence = read_evidence(files, kind, actor)
        for item in evidence:
            claim.evidence.append(item)
        engine.apply(claim, "attach_evidence", {"evidence_kind": kind}, actor=actor,
                     session=session, seen_version=version or None, comment=comment)
    except WorkflowError:
        session.rollback()
        raise
    return evidence


# --- pages -------------------------------------------------------------------------------

class CompensationClaimView(WorkflowModelView):
    """Claims on a complaint: Customer Service registers them with the evidence and a
    proposal (投诉处理单, R-CO-1); the route of the approval rules decides who reviews and
    who approves (R-CO-2..4); house return and exchange go through the quality supervision
    station, Marketing and Customer Service (R-CO-5)."""
    datamodel = documents(CompensationClaim)
    workflow = COMPENSATION
    class_permission_name = P.COMPENSATION
    exclude_route_methods = {"edit", "delete"}  # changed through transitions only
    list_columns = ["number", "complaint", "estate", "kind_label", "claimant_name",
                    "amount", "liability_label", "state_label", "submitted_at"]
    search_columns = ["number", "complaint", "estate", "kind", "liability", "state",
                      "claimant_name", "submitted_at", "paid_at"]
    order_columns = ["number", "amount", "submitted_at"]
    base_order = ("id", "desc")
    add_columns = ["kind", "complaint", "claimant_name", "claimant_phone",
                   "loss_description", "proposal", "liability", "contractor_name", "amount",
                   "contractor_amount", "company_amount", "developer_amount",
                   "evidence_files"]
    show_fieldsets = [
        (_l("Claim"), {"fields": [
            "number", "state_label", "kind_label", "complaint", "estate", "department",
            "claimant_name", "claimant_phone", "loss_description", "proposal", "raised_by",
            "evidence"]}),
        (_l("Liability and amount"), {"fields": [
            "liability_label", "contractor_name", "amount", "contractor_amount",
            "company_amount", "developer_amount", "acknowledged_by", "acknowledged_by_name",
            "acknowledged_at"]}),
        (_l("Review and approval"), {"after": ("submit",), "fields": [
            "submitted_at", "reviewer_role", "reviewed_by", "reviewed_at", "approver_role",
            "approved_by", "approved_at", "rejected_by", "rejected_at", "rejection_reason",
            "forwarded_to_developer_at", "developer_reply"]}),
        (_l("Compensation paid"), {"after": ("record_payment",), "fields": [
            "paid_amount", "payment_method", "paid_at", "payment_recorded_by"]}),
        (_l("House return or exchange"), {"after": ("confirm_quality_station",), "fields": [
            "quality_station_reference", "quality_station_confirmed_at", "marketing_done_by",
            "marketing_done_at", "service_done_by", "service_done_at", "closed_at"]}),
    ]
    add_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=list(CLAIM_KINDS.items())),
        "liability": SelectField(_l("Liability"), choices=list(LIABILITIES.items())),
        "claimant_name": StringField(_l("Claimant"), validators=[Optional()]),
        # InputRequired, not DataRequired: 0 gets the engine's reason, not "required".
        "amount": DecimalField(_l("Amount"), validators=[InputRequired()]),
        "contractor_amount": DecimalField(_l("Contractor's part"),
                                          validators=[Optional()]),
        "company_amount": DecimalField(_l("Company's part"), validators=[Optional()]),
        "developer_amount": DecimalField(_l("Developer's part"),
                                         validators=[Optional()]),
        "evidence_files": MultipleFileField(_l("Evidence")),
    }
    description_columns = {
        "claimant_name": _l("Leave empty for the complainant."),
        "claimant_phone": _l("Leave empty for the complainant's phone."),
        "liability": _l("Split: fill in each liable part; the parts add up to the amount."),
        "amount": _l("An exact amount in the estate's currency with at most two decimal places, such as 12000.50."),
        # R-CO-2
        "contractor_name": _l("Needed when the contractor is liable."),
        "evidence_files": _l("Photos (JPEG, PNG, WebP) or PDF scans."),
    }
    label_columns = LABELS
    list_title = show_title = add_title = _l("Compensation claims")
    document_label = _l("Compensation claim")

    def __init__(self, **kwargs: Any) -> None:
        self.method_permission_name = {**self.method_permission_name,
                                       "evidence": "read", "attach": "attach_evidence"}
        super().__init__(**kwargs)
        # The approval queue shares this resource: FAB drops permissions a registration
        # does not list, so every registration under it lists the queue's too.
        if P.APPROVAL_QUEUE[0] not in self.base_permissions:
            self.base_permissions.append(P.APPROVAL_QUEUE[0])
        # Files are attached with the upload form on the detail page, not the generic form.
        self.actions.pop("attach_evidence", None)
        self.formatters_columns = {
            **self.formatters_columns,
            "evidence": self._evidence_block, "amount": _money, "contractor_amount": _money,
            "company_amount": _money, "developer_amount": _money, "paid_amount": _money,
            "reviewer_role": role_label, "approver_role": role_label,
            "acknowledged_by": lambda code: _choice(ACKNOWLEDGED_BY, code),
            "payment_method": lambda code: _choice(PAYMENT_METHODS, code)}

    def pre_add(self, item: CompensationClaim) -> None:
        super().pre_add(item)
        item.evidence = read_evidence(request.files.getlist("evidence_files"), "evidence",
                                      Actor.current())

    # --- evidence --------------------------------------------------------------------
    def _evidence_block(self, evidence: Any) -> Markup:
        """Links to the files and, for those who may attach more, the upload form."""
        pk = (request.view_args or {}).get("pk")
        claim = self.datamodel.get(pk, self._base_filters) if pk is not None else None
        may_attach = claim is not None and "attach_evidence" in {
            t.name for t in engine.available(claim, Actor.current())}
        return Markup(render_template(
            "compensation/evidence.html", evidence=evidence or [], kinds=EVIDENCE_KINDS,
            view_name=self.__class__.__name__, upload_to=claim if may_attach else None))

    @expose("/evidence/<int:evidence_id>", methods=["GET"])
    @has_access
    def evidence(self, evidence_id: int):
        response = evidence_response(self.datamodel.session, evidence_id)
        if response is None:
            abort(404)
        return response

    @expose("/attach/<int:pk>", methods=["POST"])
    @has_access
    def attach(self, pk: int):
        claim = self.datamodel.get(pk, self._base_filters)
        if claim is None:
            abort(404)
        try:
            attach_files(claim, request.form.get("evidence_kind") or "evidence",
                         request.files.getlist("files"), actor=Actor.current(),
                         session=self.datamodel.session, version=request.form.get("version"),
                         comment=request.form.get("comment"))
        except WorkflowError as error:
            details = "; ".join(str(v) for v in error.errors.values())
            flash(f"{error.message} {details}".strip(), "danger")
            body = WorkflowModelView.show.__wrapped__(self, pk)
            return Response(body, status=error.status)
        flash(_("Evidence attached."), "success")
        return redirect(url_for(f"{self.__class__.__name__}.show", pk=pk))

    @expose("/transition/<name>", methods=["GET", "POST"])
    @has_access
    def transition(self, name: str):
        if name == "attach_evidence":  # needs files: the detail page's upload form
            ids = request.values.get("ids", "").split(",")[0]
            if not ids.isdigit():
                abort(404)
            return redirect(url_for(f"{self.__class__.__name__}.show", pk=int(ids)))
        return WorkflowModelView.transition.__wrapped__(self, name)


def _choice(choices: dict, code: Any) -> str:
    return "" if code is None else str(choices.get(code, code))


class ApprovalQueueView(BaseView):
    """Claims waiting for the signed-in person's review or approval, oldest first: the
    CS centre manager's and the deputy general manager's (director's) queue (R-CO-2,
    R-CO-3)."""
    route_base = "/approvals"
    class_permission_name = P.COMPENSATION
    method_permission_name = {"queue": P.APPROVAL_QUEUE[0].removeprefix("can_")}
    default_view = "queue"

    @expose("/")
    @has_access
    def queue(self):
        session = self.appbuilder.session
        estate_id = request.args.get("estate", type=int)
        state = request.args.get("state") or None
        if state not in ("under_review", "awaiting_approval"):
            state = None
        now = local_now()
        rows = []
        for claim in waiting_for(session, Actor.current(), estate_id=estate_id, state=state):
            row = QueueRow("compensation", claim, str(claim.kind_label),
                           COMPENSATION.state_label(claim.state), None, 0, None)
            row._now = now
            rows.append(row)
        estates = session.scalars(apply_scope(select(Estate), Estate)
                                  .order_by(Estate.code)).all()
        states = {s: str(COMPENSATION.state_label(s))
                  for s in ("under_review", "awaiting_approval")}
        return self.render_template(
            "queue/queue.html", title=_("Approval queue"), rows=rows, kind="approvals",
            estates=estates, categories={}, states=states,
            document_types={"compensation": _("Compensation claim")},
            selected={"estate": estate_id, "category": None, "state": state,
                      "type": None},
            document_url=document_url, now=now)


# --- approval rules (administration) -----------------------------------------------------

def _role_choices() -> list[tuple[str, str]]:
    # Not the role of people who have not signed in: nobody anonymous reviews a claim.
    public = current_app.config.get("AUTH_ROLE_PUBLIC")
    names = sorted(r.name for r in current_app.appbuilder.sm.get_all_roles()
                   if r.name != public)
    return [("", "—")] + [(name, role_label(name)) for name in names]


class _MoneyLimit:
    """An exact limit, greater than 0 (empty: no upper limit), compared with the amounts
    of claims as entered in their estates' currency."""

    def __call__(self, form: Any, field: Any) -> None:
        raw = (field.raw_data or [""])[0] if field.raw_data else ""
        if raw in ("", None):
            return
        try:
            field.data = parse_money(raw)
        except MoneyError as error:
            raise ValidationError(str(error)) from None


class _Decider:
    """A rule either forwards to the developer or names the approver (and maybe a
    reviewer); the roles must exist."""

    def __call__(self, form: Any, field: Any) -> None:
        forward = bool(form.forward_to_developer.data)
        approver = form.approver_role.data or ""
        reviewer = form.reviewer_role.data or ""
        if forward and (approver or reviewer):
            raise ValidationError(_("A rule that forwards to the developer names no "
                                    "reviewer or approver."))
        if not forward and not approver:
            raise ValidationError(_("Name the approver, or forward to the developer."))
        if reviewer and reviewer == approver:
            raise ValidationError(_("The reviewer and the approver are different roles."))


class ApprovalRuleView(ScopedModelView):
    """Who reviews and who approves a liable part, by liability and amount (R-CO-2..4):
    the rule with the smallest limit at or above the part applies; no limit is the last
    row. Administrators edit them; the CS centre manager may read them."""

    datamodel = scoped(ApprovalRule)
    class_permission_name = P.APPROVAL_RULE
    # The procedure clause a rule comes from stays in the data (`rule`), not on the pages:
    # what the people who keep these rules read carries no rule ids.
    list_columns = ["liability_label", "max_amount", "reviewer_role", "approver_role",
                    "forward_to_developer"]
    show_columns = list_columns
    add_columns = edit_columns = ["liability", "max_amount", "reviewer_role",
                                  "approver_role", "forward_to_developer"]
    search_columns = ["liability", "approver_role", "forward_to_developer"]
    base_order = ("liability", "asc")
    add_form_extra_fields = edit_form_extra_fields = {
        "liability": SelectField(_l("Liability"), choices=[
            (code, LIABILITIES[code]) for code in PART_LIABILITIES]),
        "max_amount": DecimalField(_l("Up to"), places=2,
                                   validators=[Optional(), _MoneyLimit()]),
        "reviewer_role": SelectField(_l("Reviewed by (role)"), choices=_role_choices,
                                     validators=[Optional()]),
        "approver_role": SelectField(_l("Approved by (role)"), choices=_role_choices,
                                     validators=[_Decider()]),
        "forward_to_developer": BooleanField(_l("Forward to the developer")),
    }
    description_columns = {
        "max_amount": _l("Empty: any amount above the other rows of this liability."),
        # R-CO-4
        "forward_to_developer": _l("Loss related to the developer, or above the company's "
                                   "authority, goes to the developer."),
    }
    formatters_columns = {"max_amount": _money, "forward_to_developer": _yes_no,
                          "reviewer_role": role_label, "approver_role": role_label}
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Approval rules")

    def _clean(self, item: ApprovalRule) -> None:
        item.reviewer_role = item.reviewer_role or None
        item.approver_role = item.approver_role or None

    def pre_add(self, item: ApprovalRule) -> None:
        super().pre_add(item)
        self._clean(item)

    def pre_update(self, item: ApprovalRule) -> None:
        super().pre_update(item)
        self._clean(item)


# --- REST --------------------------------------------------------------------------------

class CompensationClaimApi(WorkflowRestApi):
    resource_name = "compensation"
    datamodel = documents(CompensationClaim)
    workflow = COMPENSATION
    class_permission_name = P.COMPENSATION
    include_route_methods = {"get", "get_list", "info", "post", "transitions", "transition",
                             "history", "pdf", "attach", "evidence"}
    list_columns = ["id", "number", "state", "version", "kind", "liability", "amount",
                    "complaint.id", "complaint.number", "estate.id", "estate.name",
                    "claimant_name", "submitted_at", "reviewer_role", "approver_role"]
    show_columns = list_columns + [
        "department.id", "claimant_phone", "loss_description", "proposal", "contractor_name",
        "contractor_amount", "company_amount", "developer_amount", "acknowledged_by",
        "acknowledged_by_name", "acknowledged_at", "raised_by.id", "reviewed_by.id",
        "reviewed_at", "approved_by.id", "approved_at", "rejected_by.id", "rejected_at",
        "rejection_reason", "forwarded_to_developer_at", "developer_reply", "paid_amount",
        "payment_method", "paid_at", "quality_station_reference",
        "quality_station_confirmed_at", "marketing_done_by.id", "marketing_done_at",
        "service_done_by.id", "service_done_at", "closed_at"]
    add_columns = ["kind", "complaint", "claimant_name", "claimant_phone",
                   "loss_description", "proposal", "liability", "contractor_name", "amount",
                   "contractor_amount", "company_amount", "developer_amount"]
    search_columns = ["number", "estate", "state", "kind", "liability", "complaint"]
    choice_columns = {"kind": CLAIM_KINDS, "liability": LIABILITIES}

    def __init__(self) -> None:
        self.method_permission_name = {**self.method_permission_name,
                                       "attach": "attach_evidence", "evidence": "read"}
        super().__init__()

    def _init_model_schemas(self) -> None:
        super()._init_model_schemas()
        # The claimant defaults to the complainant (R-CO-1).
        field = self.add_model_schema.fields.get("claimant_name")
        if field is not None:
            field.required = False

    def post_headless(self) -> Response:
        """Amounts are checked as typed, before anything rounds them (1.234 is refused, not
        read as 1.23)."""
        payload = request.get_json(silent=True)
        if isinstance(payload, dict):
            kind = payload.get("kind")
            errors = money_errors(payload, kind)
            if "amount" not in payload and kind not in ("house_return", "house_exchange"):
                errors["amount"] = _("This field is required.")
            if errors:
                return self.response(400, message=_("Please correct the highlighted fields."),
                                     errors=errors)
        return super().post_headless()

    def pre_get(self, data: dict) -> None:
        super().pre_get(data)
        result = data.get("result", {})
        claim = self._doc(data.get("id")) if data.get("id") is not None else None
        if claim is not None:
            result["evidence"] = [
                {"id": e.id, "kind": e.kind, "filename": e.filename,
                 "content_type": e.content_type, "size": e.size,
                 "uploaded_at": e.uploaded_at.isoformat(sep=" ")} for e in claim.evidence]

    @api_expose("/<int:pk>/evidence", methods=["POST"])
    @protect()
    @safe
    @permission_name("attach")
    def attach(self, pk: int) -> Response:
        """Attach files (multipart: `files`, `kind`, `version`, optional `comment`).
        ---
        post:
          summary: Attach evidence files to the claim
          parameters:
          - in: path
            name: pk
            required: true
            description: The claim's id.
            schema:
              type: integer
              minimum: 1
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [files, version]
                  properties:
                    files:
                      type: array
                      items:
                        type: string
                        format: binary
                    kind:
                      type: string
                    version:
                      type: integer
                    comment:
                      type: string
          responses:
            201:
              description: The files attached, and the claim's new version
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: array
                        items:
                          type: object
                      version:
                        type: integer
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
            409:
              description: Stale version, or not allowed in the claim's state
        """
        claim = self._doc(pk)
        if claim is None:
            return self.response_404()
        try:
            added = attach_files(claim, request.form.get("kind") or "evidence",
                                 request.files.getlist("files"), actor=Actor.current(),
                                 session=self.datamodel.session,
                                 version=request.form.get("version"),
                                 comment=request.form.get("comment"))
        except WorkflowError as error:
            return self.response(error.status, message=error.message, errors=error.errors)
        return self.response(201, result=[{"id": e.id, "kind": e.kind,
                                           "filename": e.filename} for e in added],
                             version=claim.version)

    @api_expose("/evidence/<int:evidence_id>", methods=["GET"])
    @protect()
    @safe
    @permission_name("evidence")
    def evidence(self, evidence_id: int) -> Response:
        """One evidence file of a claim the user may see.
        ---
        get:
          summary: Download an evidence file
          parameters:
          - in: path
            name: evidence_id
            required: true
            description: The evidence file's id (from the claim's `evidence` list).
            schema:
              type: integer
              minimum: 1
          responses:
            200:
              description: The file as uploaded
              content:
                image/jpeg:
                  schema:
                    type: string
                    format: binary
                image/png:
                  schema:
                    type: string
                    format: binary
                image/webp:
                  schema:
                    type: string
                    format: binary
                application/pdf:
                  schema:
                    type: string
                    format: binary
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        response = evidence_response(self.datamodel.session, evidence_id)
        return response if response is not None else self.response_404()
