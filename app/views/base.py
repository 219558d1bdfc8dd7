"""Base classes every CRUD view and REST API uses, so row scope (R-ORG-4), permission
names and safe behaviour are the same everywhere."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Callable

from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import ModelRestApi, ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_appbuilder.urltools import get_filter_args as _filter_args
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest
from wtforms.fields import HiddenField

from app import choices
from app.audit import record_export
from app.models import Building
from app.models.base import row_version
from app.security import permissions as P
from app.security import privacy
from app.security.bounds import check_bounds
from app.security.scope import ScopedInterface, check_related_in_scope
from app.views import exports, widgets
from app.views.api_schema import BoundedSchemaConverter
from app.workflows.engine import WorkflowError


def stale_message() -> str:
    return _("Someone else changed this record after you opened it. Nothing was saved: "
             "your entries are still in the form. Reload the record to see their changes, "
             "then save again.")


def lock_and_version(session: Any, item: Any) -> str:
    """Re-read the row, locked until the request commits (PostgreSQL), and return its
    current version: the check and the write see the same row."""
    session.refresh(item, with_for_update=True)
    return row_version(item)


def display_value(value: Any) -> Any:
    """How a stored value reads on a page."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def blank_choice_reads_empty(form: Any) -> None:
    """WTForms 3.3 labels an option that has no label with its value: the empty choice of
    FAB's optional references read "__None" in forms and list filters. It reads "—"."""
    for unbound in vars(form).values() if form is not None else ():
        if getattr(unbound, "field_class", None) is QuerySelectField and \
                unbound.kwargs.get("allow_blank"):
            unbound.kwargs["blank_text"] = "—"


class ScopedModelView(ModelView):
    """A ModelView whose every read, write, action and export respects row scope."""

    method_permission_name = P.VIEW_METHOD_PERMISSIONS
    page_size = 25
    export_columns: list[str] | None = None
    # Relations the list's own properties read (a visitor's "whom": the unit or the
    # department), loaded with the page's rows like the list's related columns.
    list_also_loads: tuple[str, ...] = ()
    # FAB's list page plus the export buttons (shown only with the export permission).
    list_template = "lists/list.html"

    def _init_forms(self) -> None:
        """Related fields pointing at big tables (units, residents, buildings, staff) load
        their choices on demand, narrowed by the fields they depend on, in forms and in
        list filters alike: no page renders thousands of options."""
        self.add_columns, add_extra = on_demand_fields(self.datamodel, self.add_columns,
                                                      self.add_form_extra_fields,
                                                      self.label_columns)
        self.edit_columns, edit_extra = on_demand_fields(self.datamodel, self.edit_columns,
                                                        self.edit_form_extra_fields,
                                                        self.label_columns)
        _columns, search_extra = on_demand_fields(self.datamodel, self.search_columns,
                                                  self.search_form_extra_fields,
                                                  self.label_columns, for_filter=True)
        self.add_form_extra_fields = add_extra
        self.edit_form_extra_fields = edit_extra
        self.search_form_extra_fields = search_extra
        super()._init_forms()
        for form in (self.add_form, self.edit_form, self.search_form):
            blank_choice_reads_empty(form)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.datamodel.list_loads = tuple(
            c for c in self.list_columns or []
            if self.datamodel.is_relation_many_to_one(c)
            or self.datamodel.is_relation_one_to_many(c)) + tuple(self.list_also_loads)
        # Values shown as people read them: nothing for an empty value (not "None"),
        # times to the minute, yes / no in the reader's language.
        columns = set(self.list_columns or []) | set(self.show_columns or [])
        for _title, fieldset in self.show_fieldsets or []:
            columns |= set(fieldset.get("fields", []))
        self.formatters_columns = {**{c: display_value for c in columns},
                                   **(self.formatters_columns or {})}
        # Private columns read as the viewer may read them, on every page and export.
        for column, kind in privacy.masked_columns(self.datamodel.obj).items():
            shown = self.formatters_columns.get(column, display_value)
            self.formatters_columns[column] = (
                lambda value, kind=kind, shown=shown: shown(privacy.reveal(kind, value)))
        if self.edit_form is not None:
            # The version the person saw travels with the form (no lost updates).
            self.edit_form = type(self.edit_form.__name__, (self.edit_form,),
                                  {"row_version": HiddenField()})

    # --- writes: posted references must stay inside scope -----------------------------
    def _add(self):
        """FAB's add, except that a refusal from pre_add or the domain (scope, workflow
        checks) shows the form again with the person's input and the reasons next to the
        fields, instead of a redirect that loses what they typed."""
        _filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        if request.method == "POST":
            self._fill_form_exclude_cols(exclude_cols, form)
            if form.validate():
                self.process_form(form, True)
                item = self.datamodel.obj()
                try:
                    form.populate_obj(item)
                    self.pre_add(item)
                    self.datamodel.add(item)
                except WorkflowError as error:
                    self.datamodel.session.rollback()
                    self._form_errors(form, error.errors)
                    flash(error.message, "danger")
                except BadRequest as error:
                    self.datamodel.session.rollback()
                    self._form_errors(form, getattr(error, "errors", None) or {})
                    flash(str(error.description), "danger")
                except IntegrityError:
                    self.datamodel.session.rollback()
                    flash(_("This record duplicates an existing one or misses a required "
                            "link. Check the highlighted values."), "danger")
                else:
                    self.post_add(item)
                    flash(self.add_row_message, "success")
                    return None
        else:
            self.update_redirect()
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    @staticmethod
    def _form_errors(form: Any, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = getattr(form, name, None)
            if field is None and name.endswith("_id"):
                field = getattr(form, name[:-3], None)
            if field is not None:
                field.errors = list(field.errors or []) + [message]
            else:
                flash(message, "danger")

    def pre_add(self, item: Any) -> None:
        check_related_in_scope(item)
        check_bounds(item, self.label_columns)

    def pre_update(self, item: Any) -> None:
        check_related_in_scope(item)
        check_bounds(item, self.label_columns)

    # --- edits: the version the person saw, their input kept on any refusal -----------
    def _edit(self, pk):
        """FAB's edit with three differences: a stale version is refused (409) instead of
        overwriting a colleague's save; a refusal shows the form again with the person's
        input; private values the person sees masked are shown masked and kept as stored
        unless the person types a new one."""
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        hidden = privacy.hidden_columns(item)
        session = self.datamodel.session
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            self._fill_form_exclude_cols(exclude_cols, form)
            form._id = pk
            if form.validate():
                self.process_form(form, False)
                seen = form.row_version.data
                if not seen or seen != lock_and_version(session, item):
                    g.edit_status = 409
                    flash(stale_message(), "danger")
                    form.row_version.data = seen
                else:
                    for column in hidden & set(form.data):
                        field = getattr(form, column)
                        masked = privacy.reveal_column(item, column, getattr(item, column))
                        if field.data == masked:
                            field.data = getattr(item, column)  # unchanged: keep it
                    if self._save_edit(form, item):
                        return None
        else:
            form = self.edit_form.refresh(obj=item)
            self.prefill_form(form, pk)
            form.row_version.data = row_version(item)
            for column in hidden & set(form.data):
                getattr(form, column).data = privacy.reveal_column(item, column,
                                                                   getattr(item, column))
        widgets = self._get_edit_widget(form=form, exclude_cols=exclude_cols)
        return self._get_related_views_widgets(item, filters={}, orders=get_order_args(),
                                               pages={}, page_sizes={}, widgets=widgets)

    def _save_edit(self, form: Any, item: Any) -> bool:

        session = self.datamodel.session
        try:
            form.populate_obj(item)
            self.pre_update(item)
            self.datamodel.edit(item)
        except WorkflowError as error:
            session.rollback()
            self._form_errors(form, error.errors)
            flash(error.message, "danger")
        except BadRequest as error:
            session.rollback()
            self._form_errors(form, getattr(error, "errors", None) or {})
            flash(str(error.description), "danger")
        except (IntegrityError, DatabaseException) as error:
            session.rollback()
            if isinstance(getattr(error, "__cause__", None), StaleDataError):
                g.edit_status = 409
                flash(stale_message(), "danger")
            else:
                flash(_("This record duplicates an existing one or misses a required "
                        "link. Check the highlighted values."), "danger")
        else:
            self.post_update(item)
            flash(self.edit_row_message, "success")
            return True
        return False

    def _status_on_invalid_post(self, response: Any) -> Any:
        """A POST that did not save answers 400 with the form and the user's input."""
        if request.method == "POST" and isinstance(response, str):
            return Response(response, status=g.pop("edit_status", 400), mimetype="text/html")
        return response

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        return self._status_on_invalid_post(super().add.__wrapped__(self))

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        return self._status_on_invalid_post(super().edit.__wrapped__(self, pk))

    # --- private columns: no filtering or sorting by what the viewer sees masked --------
    def masked_query_problem(self) -> str | None:
        """A filter or sort on a column the viewer sees masked would reveal it bit by bit
        (a "starts with" filter recovers a phone in a few dozen tries): refused."""
        hidden = privacy.hidden_columns(self.datamodel.obj)
        if not hidden:
            return None
        for key in request.args:
            match = re.match(r"^_flt_\d+_(.+)$", key)
            if match and match.group(1).split(".")[-1] in hidden:
                return _("You cannot search by a value you see masked.")
            if key.startswith("_oc_") and request.args[key].split(".")[-1] in hidden:
                return _("You cannot sort by a value you see masked.")
        return None

    def _list(self, **kwargs):
        problem = self.masked_query_problem()
        if problem:
            abort(Response(problem, status=400, mimetype="text/plain; charset=utf-8"))
        return super()._list(**kwargs)

    def _get_search_widget(self, form=None, exclude_cols=None, widgets=None):
        hidden = privacy.hidden_columns(self.datamodel.obj)
        return super()._get_search_widget(form=form, widgets=widgets,
                                          exclude_cols=list(exclude_cols or []) + list(hidden))

    # --- actions: FAB loads rows by pk with no filter; we load through scope -----------
    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name: str, pk: str):
        if name not in self.actions:
            abort(404)
        if not self.appbuilder.sm.has_access(self.get_action_permission_name(name),
                                             self.class_permission_name):
            abort(403)
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        return self.actions[name].func(item)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        name = request.form.get("action", "")
        if name not in self.actions:
            abort(404)
        if not self.appbuilder.sm.has_access(self.get_action_permission_name(name),
                                             self.class_permission_name):
            abort(403)
        items = []
        for pk in request.form.getlist("rowid"):
            item = self.datamodel.get(self._deserialize_pk_if_composite(pk),
                                      self._base_filters)
            if item is None:
                abort(404)
            items.append(item)
        if not items:
            flash(_("Select at least one row."), "warning")
            return redirect(self.get_redirect())
        return self.actions[name].func(items)

    # --- export: the list as the user filtered and sorted it, as xlsx or CSV ----------
    def export_label(self, column: str) -> str:
        """A column's header in the reader's language; "estate.name" reads as "Estate"."""
        label = self.label_columns.get(column)
        if label is None and "." in column:
            label = self.label_columns.get(column.split(".")[0])
        return str(label if label is not None else column)

    def export_value(self, item: Any, column: str) -> str:
        """A cell as the list shows it: the list's formatter (masked phones, yes / no), a
        related record's private value masked too, links as their text."""
        formatter: Callable | None = self.formatters_columns.get(column)
        owner, value = None, item
        for part in column.split("."):
            owner = value
            value = getattr(value, part, None) if value is not None else None
        if formatter:
            value = formatter(value)
        else:
            if owner is not None and owner is not item:
                value = privacy.reveal_column(owner, column, value)
            value = display_value(value)
        if isinstance(value, Markup):
            value = value.striptags()
        return "" if value is None else str(value)

    def export_links(self) -> list[dict[str, str]]:
        """The list page's export buttons: only with the export permission, each keeping
        the list's current filters and sort (not its page)."""
        if "export" in (self.exclude_route_methods or set()) or not \
                self.appbuilder.sm.has_access(P.EXPORT, self.class_permission_name):
            return []
        name = self.__class__.__name__
        args = {k: v for k, v in request.args.to_dict(flat=False).items()
                if not k.startswith(("page_", "psize_")) and k != "format"}
        return [{"format": fmt, "label": label,
                 "url": url_for(f"{name}.export", format=fmt, **args)}
                for fmt, label in (("xlsx", _("Excel (.xlsx)")), ("csv", _("CSV")))]

    def render_template(self, template: str, **kwargs: Any) -> str:
        if template == self.list_template:
            kwargs.setdefault("export_links", self.export_links())
        return super().render_template(template, **kwargs)

    @expose("/export/")
    @has_access
    def export(self):
        """?format=xlsx or csv (the default). Refused with a message above
        EXPORT_MAX_ROWS rows: the person narrows the filters first. Above
        EXPORT_INLINE_ROWS rows a background worker writes the file while the person
        follows its progress."""
        fmt = request.args.get("format", "csv")
        if fmt not in exports.FORMATS:
            return Response(_("Choose xlsx or csv."), status=400,
                            mimetype="text/plain; charset=utf-8")
        problem = self.masked_query_problem()
        if problem:
            return Response(problem, status=400, mimetype="text/plain; charset=utf-8")
        limit = int(current_app.config.get("EXPORT_MAX_ROWS", exports.DEFAULT_MAX_ROWS))
        total = self.export_count(limit)
        if total.capped:
            flash(_("This list has more than %(limit)d rows, the most an export holds. "
                    "Narrow the search, then export again.", limit=limit), "warning")
            args = {k: v for k, v in request.args.to_dict(flat=False).items()
                    if k != "format"}
            return redirect(url_for(f"{self.__class__.__name__}.list", **args))
        if total > int(current_app.config.get("EXPORT_INLINE_ROWS", 2000)):
            from app.tasks.exports import start_export_job  # tasks import the views

            job = start_export_job(self.datamodel.session, g.user, self, fmt, int(total),
                                   locale=str(get_locale() or "en"))
            return redirect(url_for("JobView.show", pk=job.id))
        body, mimetype, filename = self.export_file(fmt, int(total))
        return Response(body, mimetype=mimetype, headers={
            "Content-Disposition": f"attachment; filename={filename}"})

    def _export_query(self) -> tuple[Any, str, str]:
        """The list's filters and order as the request's arguments give them."""
        filters = self.datamodel.get_filters(self.search_columns)
        get_filter_args(filters)
        filters = filters.get_joined_filters(self._base_filters)
        order_column, order_direction = get_order_args().get(self.__class__.__name__,
                                                             ("", ""))
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        return filters, order_column, order_direction

    def export_count(self, limit: int) -> Any:
        filters, _column, _direction = self._export_query()
        datamodel = self.datamodel
        return datamodel.count_up_to(datamodel.session.query(datamodel.obj), filters, limit)

    def export_file(self, fmt: str, total: int,
                    progress: Callable[[int], None] | None = None) -> tuple[bytes, str, str]:
        """The list's rows as a file: (body, mimetype, filename). `progress` hears how
        many rows are written, page by page (a background export shows it)."""
        columns = self.export_columns or self.list_columns
        filters, order_column, order_direction = self._export_query()
        datamodel = self.datamodel

        def fetch(page: int, size: int) -> list[Any]:
            rows = datamodel.query(filters, order_column, order_direction, page=page,
                                   page_size=size)[1]
            if progress is not None:
                progress(min(total, page * size + len(rows)))
            return rows

        record_export(self, total, fmt)
        header = [self.export_label(c) for c in columns]
        rows = ([self.export_value(item, c) for c in columns]
                for item in exports.rows_in_pages(fetch, total))
        name = self.__class__.__name__.replace("View", "").lower()
        if fmt == "xlsx":
            body = exports.xlsx_bytes(str(self.list_title or name), header, rows)
        else:
            body = exports.csv_bytes(header, rows)
        mimetype, extension = exports.FORMATS[fmt]
        return body, mimetype, f"{name}.{extension}"


class ScopedModelRestApi(ModelRestApi):
    """A REST API with the same scope and the same permission names as the views."""
    method_permission_name = P.API_METHOD_PERMISSIONS
    # Relation fields take only existing ids; integer fields their column's range.
    model2schemaconverter = BoundedSchemaConverter
    allow_browser_login = True
    # Columns stored as codes: {column: {code: label}}; anything else posted is a 400.
    choice_columns: dict[str, dict] = {}

    def _check_choices(self, item: Any) -> None:
        for column, allowed in self.choice_columns.items():
            value = getattr(item, column, None)
            if value is not None and value not in allowed:
                raise BadRequest(_("%(value)s is not a valid choice for %(field)s. "
                                   "Valid choices: %(choices)s",
                                   value=value, field=column, choices=", ".join(allowed)))

    def pre_add(self, item: Any) -> None:
        self._check_choices(item)
        check_related_in_scope(item)
        check_bounds(item)

    def pre_update(self, item: Any) -> None:
        self._check_choices(item)
        check_related_in_scope(item)
        check_bounds(item)

    def _refused(self, error: BadRequest) -> Response:
        """A domain refusal as JSON: the sentence, and per-field messages when known."""
        self.datamodel.session.rollback()
        errors = getattr(error, "errors", None)
        if errors:  # the same shape as the workflow engine's refusals
            return self.response(400, message=str(error.description), errors=errors)
        return self.response_400(message=str(error.description))

    def post_headless(self) -> Response:
        try:
            return super().post_headless()
        except BadRequest as error:
            return self._refused(error)
        except IntegrityError:
            # FAB's add re-raises the database error as is: a sentence, never SQL text.
            self.datamodel.session.rollback()
            return self.response_422(message=_("This record duplicates an existing one or "
                                               "misses a required link."))

    # --- private columns, as every other surface shows them ---------------------------
    def _reveal(self, row: dict) -> dict:
        kinds = privacy.masked_columns(self.datamodel.obj)
        for key in list(row):
            kind = kinds.get(key)
            if kind is not None:
                row[key] = privacy.reveal(kind, row[key])
        return row

    def pre_get_list(self, data: dict) -> None:
        for row in data.get("result", []):
            self._reveal(row)
        count = data.get("count")
        if count is not None:
            # Counted up to a cap (CappedCount): past it, "count" is cap + 1.
            data["count_capped"] = bool(getattr(count, "capped", False))

    def pre_get(self, data: dict) -> None:
        if isinstance(data.get("result"), dict):
            self._reveal(data["result"])

    def get_list_headless(self, **kwargs: Any) -> Response:
        hidden = privacy.hidden_columns(self.datamodel.obj)
        args = kwargs.get("rison") or {}
        if hidden and isinstance(args, dict):
            filters = args.get("filters") or []
            named = {str(f.get("col", "")).split(".")[-1] for f in filters
                     if isinstance(f, dict)}
            if named & hidden:
                return self.response_400(message=_("You cannot search by a value you see "
                                                   "masked."))
            if str(args.get("order_column", "")).split(".")[-1] in hidden:
                return self.response_400(message=_("You cannot sort by a value you see "
                                                   "masked."))
        return super().get_list_headless(**kwargs)

    # --- versions: ETag on read, If-Match required on write ---------------------------
    def get_headless(self, pk: Any, **kwargs: Any) -> Response:
        response = super().get_headless(pk, **kwargs)
        if response.status_code == 200:
            item = self.datamodel.get(pk, self._base_filters)
            if item is not None:
                response.headers["ETag"] = f'"{row_version(item)}"'
        return response

    def put_headless(self, pk: Any) -> Response:
        """A write must name the version it was based on (If-Match with the ETag of a
        GET): a stale one is a 409 and overwrites nothing."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        wanted = request.headers.get("If-Match", "").strip()
        if not wanted:
            return self.response(428, message=_("Send the record's ETag in an If-Match "
                                                "header: read it first, then save."))
        current = lock_and_version(self.datamodel.session, item)
        if wanted != "*" and current not in {w.strip().strip('"').removeprefix("W/")
                                             .strip('"') for w in wanted.split(",")}:
            return self.response(409, message=stale_message())
        kinds = privacy.masked_columns(item)
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            for column in privacy.hidden_columns(item) & set(body):
                if body[column] == privacy.reveal(kinds[column], getattr(item, column)):
                    del body[column]  # the masked value sent back: unchanged
        try:
            response = super().put_headless(pk)
        except BadRequest as error:
            return self._refused(error)
        except StaleDataError:
            self.datamodel.session.rollback()
            return self.response(409, message=stale_message())
        if response.status_code == 200:
            response.headers["ETag"] = f'"{row_version(item)}"'
        return response

    def response_422(self, message: Any = None) -> Response:
        if isinstance(message, str) and message.startswith("Database exception"):
            # FAB puts the SQL error in the body; people get a sentence, logs keep the rest.
            if "StaleDataError" in message:
                return self.response(409, message=stale_message())
            message = _("This record duplicates an existing one or misses a required link.")
        return super().response_422(message=message)


# A field depends on these others when the form has them (nearest first).
_NARROWED_BY = {"building": ("estate",), "unit": ("building", "estate"),
                "resident": ("unit", "building", "estate")}
NARROWING_BUILDING = "unit_building"


def on_demand_fields(datamodel: Any, columns: list[str] | None, extra: dict | None,
                     labels: dict, for_filter: bool = False) -> tuple[list[str], dict]:
    """(columns, extra fields) with every many-to-one column over a big table turned into
    a field that loads its choices on demand. A form with an estate and a unit but no
    building gets a building box between them that only narrows the units."""
    columns = list(columns or [])
    fields = dict(extra or {})
    kinds: dict[str, str] = {}  # kind -> the column holding it in this form (the first)
    on_demand: list[tuple[str, str]] = []  # (column, kind) of every such column
    for column in columns:
        if not datamodel.is_relation_many_to_one(column):
            continue
        model = datamodel.get_related_model(column)
        source = choices.source_for(model)
        kind = source.kind if source else ("estate" if model.__name__ == "Estate" else None)
        if kind:
            kinds.setdefault(kind, column)
            if source and column not in fields:
                on_demand.append((column, kind))
    if not for_filter and "unit" in kinds and "estate" in kinds and "building" not in kinds:
        columns.insert(columns.index(kinds["unit"]), NARROWING_BUILDING)
        kinds["building"] = NARROWING_BUILDING
        fields[NARROWING_BUILDING] = widgets.narrowing_field(
            labels.get("building") or _l("Building"), "building", Building,
            parents={"estate": kinds["estate"]})
    for column, kind in on_demand:
        model = datamodel.get_related_model(column)
        parents = {} if for_filter else {
            parent: kinds[parent] for parent in _NARROWED_BY.get(kind, ()) if parent in kinds}
        relation = sa_inspect(datamodel.obj).relationships[column]
        required = not for_filter and not all(c.nullable for c in relation.local_columns)
        fields[column] = widgets.choice_field(
            labels.get(column) or column, kind, model, required=required, parents=parents,
            for_filter=for_filter)
    return columns, fields


def scoped(model: type) -> ScopedInterface:
    return ScopedInterface(model)


__all__ = ["BadRequest", "ScopedModelRestApi", "ScopedModelView", "scoped"]
