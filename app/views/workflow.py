"""Pages and REST endpoints shared by every document type that runs on the workflow engine.

They only translate requests into `engine.create` / `engine.apply` calls and the engine's
errors into messages and status codes; no state is ever set here. Each transition is:

* a Flask-AppBuilder action on the list and the detail page (permission `can_<name>` on
  the document's resource, grantable per role in Security → List Roles); the action opens
  the transition's form, which carries the version the person saw;
* a form page `/<view>/transition/<name>?ids=…` (GET shows it, POST applies it);
* REST: `GET /api/v1/<resource>/<pk>/transitions`, `POST …/transition/<name>`,
  `GET …/history`, `GET …/pdf?form=…&lang=…&second=…`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder.actions import ActionItem
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import protect, safe
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models.base import local_now
from app.models.workflow import ESCALATION_LEVELS, DeadlineTimer, Escalation
from app.printing import LANGUAGES as PRINT_LANGUAGES
from app.printing import PrintError, forms_for, render_pdf, validate_languages
from app.printing.forms import get_form
from app.security import privacy
from app.security.actor import Actor
from app.security.scope import ScopedInterface
from app.tasks.printing import start_print_job
from app.views import sections
from app.views.base import ScopedModelRestApi, ScopedModelView
from app.workflows import engine
from app.workflows.engine import WorkflowError
from app.workflows.registry import PrintOptionRefused, workflow_of
from app.workflows.table import Field, Transition, Workflow


class WorkflowInterface(ScopedInterface):
    """Data interface of a document: adding one goes through the workflow engine (form
    number, initial state, deadlines armed at registration, first history row)."""

    def add(self, item: Any, commit: bool = True) -> None:  # noqa: ARG002 - see unit_of_work
        engine.create(item, actor=Actor.current(), session=self.session)


# Filled as document views are created: doc type -> its detail endpoint and its name, so
# queues and notifications link to any document type without a list of their own.
DOCUMENT_ENDPOINTS: dict[str, str] = {}
DOCUMENT_TYPES: dict[str, Any] = {}


def documents(model: type) -> WorkflowInterface:
    return WorkflowInterface(model)


# --- what the detail page and the API show about a document -------------------------------

def deadline_rows(doc: Any, session: Any, now: datetime | None = None) -> list[dict]:
    """Armed and past deadlines of `doc` with the time left and the escalation level."""
    now = now or local_now()
    workflow = workflow_of(doc)
    timers = session.scalars(
        select(DeadlineTimer).where(DeadlineTimer.doc_type == workflow.doc_type,
                                    DeadlineTimer.doc_id == doc.id)
        .order_by(DeadlineTimer.due_at)).all()
    rows = []
    for timer in timers:
        left = timer.due_at - now
        rows.append({"timer": timer, "name": _(timer.policy.name), "due_at": timer.due_at,
                     "status": timer.status, "level": timer.level,
                     "overdue": timer.status == "armed" and left.total_seconds() < 0,
                     "left_minutes": int(left.total_seconds() // 60)})
    return rows


def escalations_of(doc: Any, session: Any) -> list[Escalation]:
    workflow = workflow_of(doc)
    return list(session.scalars(
        select(Escalation).join(DeadlineTimer)
        .where(DeadlineTimer.doc_type == workflow.doc_type, DeadlineTimer.doc_id == doc.id)
        .order_by(Escalation.at, Escalation.level)))


def field_spec(spec: Field, doc: Any, session: Any) -> dict:
    """A transition field as JSON for API clients building their own forms."""
    out = {"name": spec.name, "label": str(spec.label), "kind": spec.kind,
           "required": spec.required}
    if spec.kind in ("choice", "user"):
        out["choices"] = {str(k): str(v) for k, v in engine.field_choices(spec, doc,
                                                                          session).items()}
    if spec.description:
        out["description"] = str(spec.description)
    return out


def _display(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


# --- the pages ---------------------------------------------------------------------------

class WorkflowModelView(ScopedModelView):
    """A document's pages: list, detail with history, deadlines and print, registration
    through the engine, and one action plus one form per transition."""
    workflow: Workflow
    show_template = "documents/show.html"
    transition_template = "documents/transition.html"
    document_label: Any = None  # singular name in queues ("Work order"); else list_title
    # Transitions that create another document: {transition: attribute holding it}. After
    # one of them the person lands on the new document's page, ready for its next step.
    lands_on: dict[str, str] = {}
    # Columns every transition form shows of each selected document.
    transition_summary_columns: list[str] = []

    def __init__(self, **kwargs: Any) -> None:
        self.method_permission_name = {**self.method_permission_name,
                                       "print_pdf": "print", "print_job": "print",
                                       "print_options": "print", "photo": "read",
                                       "transition": "read"}
        super().__init__(**kwargs)
        sections.check_declarations(self.show_fieldsets, self.workflow)
        DOCUMENT_ENDPOINTS[self.workflow.doc_type] = f"{self.__class__.__name__}.show"
        DOCUMENT_TYPES[self.workflow.doc_type] = self.document_label or self.list_title
        self.actions["print_selected"] = ActionItem(
            "print_selected", _l("Print"), None, "fa-print", True, False, self._open_print)
        for t in self.workflow.transitions:
            self.actions[t.name] = ActionItem(t.name, t.label, None, t.icon, True, True,
                                              self._open_transition_form)
            if t.permission not in self.base_permissions:
                self.base_permissions.append(t.permission)

    def get_action_permission_name(self, name: str) -> str:
        transition = self.workflow.get(name)
        if transition is not None:
            return transition.permission
        if name == "print_selected":
            return "can_print"
        return super().get_action_permission_name(name)

    def _open_print(self, items: Any):
        items = items if isinstance(items, list) else [items]
        return redirect(url_for(f"{self.__class__.__name__}.print_options",
                                ids=",".join(str(i.id) for i in items)))

    # FAB calls an action with one item (detail page) or a list (list page).
    def _open_transition_form(self, items: Any):
        items = items if isinstance(items, list) else [items]
        name = request.form.get("action") or request.view_args.get("name")
        return redirect(url_for(f"{self.__class__.__name__}.transition", name=name,
                                ids=",".join(str(i.id) for i in items)))

    # --- after registering: straight to the new document, ready for its next step -------
    def post_add(self, item: Any) -> None:
        g.added_document_id = item.id

    def post_add_redirect(self):
        added = g.pop("added_document_id", None)
        if added is not None:
            return redirect(url_for(f"{self.__class__.__name__}.show", pk=added))
        return super().post_add_redirect()

    # --- detail page --------------------------------------------------------------------
    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        actor = Actor.current()
        allowed = {t.name for t in engine.available(item, actor)}
        actions = {k: a for k, a in self.actions.items()
                   if k in allowed or self.workflow.get(k) is None}
        # FAB renders every action when the dict is empty: pass a harmless sentinel.
        return super()._get_show_widget(pk, item, widgets=widgets,
                                        actions=actions or {"__none__": None},
                                        show_fieldsets=show_fieldsets
                                        or self._filled_fieldsets(item))

    def _filled_fieldsets(self, item: Any) -> list | None:
        """The detail page shows what has happened so far: sections of steps not reached
        yet, and their empty or untouched fields, are left out (app/views/sections.py)."""
        if not self.show_fieldsets:
            return None
        taken = sections.happened(self.datamodel.session, self.workflow, item.id)
        return sections.reached_fieldsets(self.show_fieldsets, item, self.workflow,
                                          taken) or None

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)
        item = self.datamodel.get(pk, self._base_filters)
        session = self.datamodel.session

        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, doc=item, workflow=self.workflow,
            history=engine.history_of(item, session),
            deadlines=deadline_rows(item, session),
            escalations=escalations_of(item, session),
            transitions=engine.available(item, Actor.current()),
            print_forms=forms_for(self.workflow.doc_type), print_languages=PRINT_LANGUAGES,
            can_print=self.appbuilder.sm.has_access("can_print", self.class_permission_name),
            escalation_targets=ESCALATION_LEVELS, view_name=self.__class__.__name__,
            **self.show_extra(item, session))

    def show_extra(self, item: Any, session: Any) -> dict[str, Any]:
        """Further values a type's own detail template shows (a survey's recovery rate)."""
        return {}

    # --- transition form ----------------------------------------------------------------
    def _items(self, ids: str) -> list[Any]:
        items = []
        for raw in (ids or "").split(","):
            if not raw.strip():
                continue
            if not raw.strip().isdigit():
                abort(404)
            item = self.datamodel.get(int(raw), self._base_filters)
            if item is None:
                abort(404)
            items.append(item)
        if not items:
            abort(404)
        return items

    @expose("/transition/<name>", methods=["GET", "POST"])
    @has_access
    def transition(self, name: str):
        transition = self.workflow.get(name)
        if transition is None:
            abort(404)
        items = self._items(request.values.get("ids", ""))
        actor = Actor.current()
        if not actor.can(transition.permission, self.workflow.resource):
            abort(403)
        errors: dict[str, str] = {}
        message, status = None, 200
        values = request.form.to_dict() if request.method == "POST" else {}
        if request.method == "POST":
            session = self.datamodel.session
            done: list[str] = []
            for item in items:
                try:
                    seen = request.form.get(f"version_{item.id}", "")
                    if not seen.isdigit():
                        raise engine.StaleVersion(_(
                            "This form does not say which version of the record you saw. "
                            "Reload the record and try again."))
                    engine.apply(item, name, values, actor=actor, session=session,
                                 seen_version=int(seen), comment=request.form.get("comment"))
                    done.append(item.number)
                except WorkflowError as error:
                    # All or nothing: the rows before this one are not done either.
                    session.rollback()
                    message, status, errors = error.message, error.status, error.errors
                    if done:
                        message = _("%(message)s Nothing was done for the other selected "
                                    "records either.", message=message)
                    break
            else:
                flash(_("%(action)s: done for %(numbers)s.", action=transition.label,
                        numbers=", ".join(done)), "success")
                if len(items) == 1:
                    created = self._created_document_url(items[0], name)
                    return redirect(created or url_for(f"{self.__class__.__name__}.show",
                                                       pk=items[0].id))
                return redirect(url_for(f"{self.__class__.__name__}.list"))
        session = self.datamodel.session
        fields = [dict(field_spec(spec, items[0], session), spec=spec,
                       value=values.get(spec.name, _display(getattr(items[0], spec.target_attr,
                                                                     None))
                                        if spec.target_attr and spec.kind != "bool"
                                        else ""))
                  for spec in transition.fields]
        body = self.render_template(
            self.transition_template, title=transition.label, transition=transition,
            items=items, fields=fields, errors=errors, message=message,
            comment=values.get("comment", ""), workflow=self.workflow,
            view_name=self.__class__.__name__, summary=self._summary(items),
            **self.transition_extra(transition, items, fields, session))
        return Response(body, status=status)

    def _summary(self, items: list[Any]) -> dict[str, Any]:
        """What the form shows of each document beside its number and state, so that
        the step is taken knowing the case (a repair's fault, place and urgency)."""
        columns = self.transition_summary_columns
        formatters = self.formatters_columns or {}
        rows = []
        for item in items:
            row = []
            for column in columns:
                value = getattr(item, column, None)
                shown = formatters[column](value) if column in formatters else value
                row.append("" if shown is None else shown)
            rows.append(row)
        return {"labels": [self.label_columns.get(c, c) for c in columns], "rows": rows}

    def transition_extra(self, transition: Transition, items: list[Any],
                         fields: list[dict], session: Any) -> dict[str, Any]:
        """Further values a type's transition form shows (a technician's open work)."""
        return {}

    def _created_document_url(self, item: Any, name: str) -> str | None:
        """The detail page of the document `name` created from `item` (declared in
        `lands_on`), when the person may read it; else None (back to `item`)."""
        attribute = self.lands_on.get(name)
        created = getattr(item, attribute, None) if attribute else None
        if created is None or getattr(created, "id", None) is None:
            return None
        endpoint = DOCUMENT_ENDPOINTS.get(getattr(created, "__workflow__", ""))
        if endpoint is None or not self.appbuilder.sm.has_access(
                "can_read", workflow_of(created).resource):
            return None
        return url_for(endpoint, pk=created.id)

    # --- printing -----------------------------------------------------------------------
    @expose("/print/<pk>", methods=["GET"])
    @has_access
    def print_pdf(self, pk: str):
        item = self.datamodel.get(pk, self._base_filters) if str(pk).isdigit() else None
        if item is None:
            abort(404)
        choice = print_choice(self.workflow, 1, 1)
        if isinstance(choice, Response):
            return choice
        if get_form(choice["form"]).background:
            # A sheet per household, or a survey's sums and charts: the workers print it
            # while the person watches.
            refused = option_refused(choice, item)
            if refused is not None:
                return refused
            job = start_print_job(self.datamodel.session, g.user, self.workflow.doc_type,
                                  [item.id], locale=str(get_locale() or "en"), **choice)
            return redirect(url_for("JobView.show", pk=job.id))
        return pdf_response([item], self.workflow)

    @expose("/print_options", methods=["GET"])
    @has_access
    def print_options(self):
        """Choose the form and the two languages for the selected rows."""
        items = self._items(request.args.get("ids", ""))
        return self.render_template(
            "documents/print_options.html", title=_("Print"), items=items,
            ids=",".join(str(i.id) for i in items),
            print_forms=forms_for(self.workflow.doc_type), print_languages=PRINT_LANGUAGES,
            view_name=self.__class__.__name__)

    @expose("/print_job", methods=["POST"])
    @has_access
    def print_job(self):
        """Selected rows printed by the background workers: the person follows the job's
        progress and downloads the PDF; the web worker only checks the choice."""
        items = self._items(request.form.get("ids", ""))
        choice = print_choice(self.workflow, len(items),
                              int(current_app.config["PRINT_JOB_MAX_BATCH"]))
        if isinstance(choice, Response):
            return choice
        job = start_print_job(self.datamodel.session, g.user, self.workflow.doc_type,
                              [item.id for item in items], locale=str(get_locale() or "en"),
                              **choice)
        return redirect(url_for("JobView.show", pk=job.id))


def print_choice(workflow: Workflow, count: int, limit: int) -> dict[str, Any] | Response:
    """The form, languages and options the request chose, checked; a bad choice is a
    translated 400."""
    forms = {f.key: f for f in forms_for(workflow.doc_type)}
    form_key = request.values.get("form") or next(iter(forms), None)
    if form_key not in forms:
        return _bad_request(_("Unknown form %(form)s. Choose one of: %(forms)s",
                              form=form_key, forms=", ".join(forms)))
    lang = request.values.get("lang") or str(get_locale() or "en")
    second = request.values.get("second", "en") or None
    try:
        validate_languages(lang, second)
    except PrintError as error:
        return _error(str(error), error.status)
    if count > limit:
        return _bad_request(_("At most %(n)d records can be printed at once.", n=limit))
    options = {name: request.values[name] for name in forms[form_key].options
               if request.values.get(name)}
    return {"form": form_key, "lang": lang, "second": second, "options": options}


def option_refused(choice: dict[str, Any], doc: Any) -> Response | None:
    """A background form's options checked against the record before its job starts: a
    wrong choice is a translated 400 now, not a failed job later."""
    form = get_form(choice["form"])
    if form.check is None:
        return None
    try:
        form.check(doc, **choice["options"])
    except PrintOptionRefused as refusal:
        return _bad_request(str(refusal))
    return None


def pdf_response(items: list[Any], workflow: Workflow) -> Response:
    """The chosen form for `items` as one PDF; a bad choice is a translated 400."""
    forms = {f.key: f for f in forms_for(workflow.doc_type)}
    form_key = request.values.get("form") or next(iter(forms), None)
    if form_key not in forms:
        return _bad_request(_("Unknown form %(form)s. Choose one of: %(forms)s",
                              form=form_key, forms=", ".join(forms)))

    lang = request.values.get("lang") or str(get_locale() or "en")
    second = request.values.get("second", "en")
    try:
        validate_languages(lang, second)
        options = {name: request.values[name] for name in forms[form_key].options
                   if request.values.get(name)}
        pdf = render_pdf(form_key, items, lang=lang, second=second or None, options=options)
    except PrintError as error:
        return _error(str(error), error.status)
    number = items[0].number if len(items) == 1 else f"{len(items)}"
    filename = f"{form_key}-{number}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={filename}"})


def _bad_request(message: str) -> Response:
    return _error(message, 400)


def _error(message: str, status: int) -> Response:
    if request.path.startswith("/api/"):
        return current_app.response_class(
            response=current_app.json.dumps({"message": message}), status=status,
            mimetype="application/json")
    return Response(message, status=status, mimetype="text/plain; charset=utf-8")


# --- REST --------------------------------------------------------------------------------

class WorkflowRestApi(ScopedModelRestApi):
    """REST for a document: CRUD through the engine plus transitions, history and PDF."""

    workflow: Workflow

    def __init__(self) -> None:
        self.method_permission_name = {**self.method_permission_name,
                                       "transitions": "read", "history": "read",
                                       "transition": "read", "pdf": "print"}
        super().__init__()

    def post_headless(self) -> Response:
        try:
            return super().post_headless()
        except WorkflowError as error:
            self.datamodel.session.rollback()
            return self.response(error.status, message=error.message, errors=error.errors)

    def _doc(self, pk: int) -> Any:
        return self.datamodel.get(pk, self._base_filters)

    @api_expose("/<int:pk>/transitions", methods=["GET"])
    @protect()
    @safe
    @permission_name("transitions")
    def transitions(self, pk: int) -> Response:
        """What this user may do with the document now.
        ---
        get:
          summary: The transitions this user may take now, with their fields
          parameters:
          - in: path
            name: pk
            required: true
            description: The document's id.
            schema:
              type: integer
              minimum: 1
          responses:
            200:
              description: The transitions, the state and the version to send back
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: array
                        items:
                          type: object
                      state:
                        type: string
                      version:
                        type: integer
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        doc = self._doc(pk)
        if doc is None:
            return self.response_404()
        session = self.datamodel.session
        result = [{"name": t.name, "label": str(t.label),
                   "target": [b.target for b in t.target] if isinstance(t.target, tuple)
                   else t.target, "comment_required": t.comment_required,
                   "fields": [field_spec(f, doc, session) for f in t.fields]}
                  for t in engine.available(doc, Actor.current())]
        return self.response(200, result=result, state=doc.state, version=doc.version)

    @api_expose("/<int:pk>/transition/<name>", methods=["POST"])
    @protect()
    @safe
    @permission_name("transition")
    def transition(self, pk: int, name: str) -> Response:
        """Take a transition: JSON {"version": n, "comment": "…", "data": {…}}.
        ---
        post:
          summary: Take a transition (names from GET …/transitions)
          parameters:
          - in: path
            name: pk
            required: true
            description: The document's id.
            schema:
              type: integer
              minimum: 1
          - in: path
            name: name
            required: true
            description: The transition's name, e.g. `dispatch`.
            schema:
              type: string
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [version]
                  properties:
                    version:
                      type: integer
                      description: The version of the document the person read.
                    comment:
                      type: string
                    data:
                      type: object
                      description: The transition's fields, by name.
          responses:
            200:
              description: Done; the new state and version
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      state:
                        type: string
                      version:
                        type: integer
                      history_id:
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
              description: Stale version, or not allowed in the current state
            422:
              $ref: '#/components/responses/422'
            428:
              description: The version is missing
        """
        doc = self._doc(pk)
        if doc is None:
            return self.response_404()
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return self.response_400(message=_("Send a JSON object."))
        data = payload.get("data") or {}
        if not isinstance(data, dict):
            return self.response_400(message=_("\"data\" must be an object."))
        version = payload.get("version")
        if version is None:
            return self.response(428, message=_("Send the version of the record you read "
                                                "(\"version\") with the step."))
        if isinstance(version, bool) or not isinstance(version, int):
            return self.response_400(message=_("\"version\" must be a whole number."))
        try:
            history = engine.apply(doc, name, data, actor=Actor.current(),
                                   session=self.datamodel.session,
                                   seen_version=version,
                                   comment=payload.get("comment"))
        except WorkflowError as error:
            self.datamodel.session.rollback()
            return self.response(error.status, message=error.message, errors=error.errors)
        return self.response(200, state=doc.state, version=doc.version,
                             history_id=history.id)

    @api_expose("/<int:pk>/history", methods=["GET"])
    @protect()
    @safe
    @permission_name("history")
    def history(self, pk: int) -> Response:
        """The document's transitions so far, oldest first.
        ---
        get:
          summary: The document's history
          parameters:
          - in: path
            name: pk
            required: true
            description: The document's id.
            schema:
              type: integer
              minimum: 1
          responses:
            200:
              description: One row per transition taken
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: array
                        items:
                          type: object
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        doc = self._doc(pk)
        if doc is None:
            return self.response_404()
        rows = engine.history_of(doc, self.datamodel.session)
        private = privacy.masked_names()  # a step may carry another record's private value
        return self.response(200, result=[
            {"transition": h.transition, "from": h.from_state, "to": h.to_state,
             "user": h.username, "by_name": h.by_name, "at": h.at.isoformat(sep=" "),
             "comment": h.comment,
             "data": privacy.reveal_mapping(h.data, private)} for h in rows])

    @api_expose("/<int:pk>/pdf", methods=["GET"])
    @protect()
    @safe
    @permission_name("pdf")
    def pdf(self, pk: int) -> Response:
        """The document printed on one of its paper forms, in two languages.
        ---
        get:
          summary: Print the document as PDF
          parameters:
          - in: path
            name: pk
            required: true
            description: The document's id.
            schema:
              type: integer
              minimum: 1
          - in: query
            name: form
            description: The form's key; the document type's first form by default.
            schema:
              type: string
          - in: query
            name: lang
            description: The form's first language (en, zh_Hans, zh_Hant).
            schema:
              type: string
          - in: query
            name: second
            description: The second language, or empty for one language only.
            schema:
              type: string
          responses:
            200:
              description: The PDF
              content:
                application/pdf:
                  schema:
                    type: string
                    format: binary
            202:
              description: A form with a sheet per household or more, or a survey's
                statistics and report, is printed by the background workers; follow the
                job at `job`, fetch the file at `download` once its state is done.
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        doc = self._doc(pk)
        if doc is None:
            return self.response_404()
        choice = print_choice(self.workflow, 1, 1)
        if isinstance(choice, Response):
            return choice
        if get_form(choice["form"]).background:
            # Never in a web worker: the workers print it; the client follows the job.
            refused = option_refused(choice, doc)
            if refused is not None:
                return refused
            job = start_print_job(self.datamodel.session, g.user, self.workflow.doc_type,
                                  [doc.id], locale=str(get_locale() or "en"), **choice)
            return self.response(202, job=url_for("JobApi.get", pk=job.id),
                                 download=url_for("JobApi.download", pk=job.id),
                                 job_id=job.id)
        return pdf_response([doc], self.workflow)


__all__ = ["WorkflowInterface", "WorkflowModelView", "WorkflowRestApi", "documents",
           "Transition"]
