"""Base classes every CRUD view and REST API uses, so row scope (R-ORG-4), permission
names and safe behaviour are the same everywhere."""
from __future__ import annotations

import csv
import io
from typing import Any, Callable

from flask import Response, abort, flash, g, redirect, request
from flask_appbuilder import ModelRestApi, ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import BadRequest

from app.security import permissions as P
from app.security.scope import ScopedInterface, check_related_in_scope


def display_value(value: Any) -> Any:
    """How a stored value reads on a page."""
    from datetime import datetime

    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def user_can(permission: P.Perm) -> bool:
    """Permission check cached per request (formatters call it once per row)."""
    cache = g.setdefault("_perm_cache", {})
    if permission not in cache:
        from flask import current_app

        cache[permission] = current_app.appbuilder.sm.has_access(*permission)
    return cache[permission]


class ScopedModelView(ModelView):
    """A ModelView whose every read, write, action and export respects row scope."""

    method_permission_name = P.VIEW_METHOD_PERMISSIONS
    page_size = 25
    export_columns: list[str] | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Values shown as people read them: nothing for an empty value (not "None"),
        # times to the minute, yes / no in the reader's language.
        columns = set(self.list_columns or []) | set(self.show_columns or [])
        for _title, fieldset in self.show_fieldsets or []:
            columns |= set(fieldset.get("fields", []))
        self.formatters_columns = {**{c: display_value for c in columns},
                                   **(self.formatters_columns or {})}

    # --- writes: posted references must stay inside scope -----------------------------
    def _add(self):
        """FAB's add, except that a refusal from pre_add or the domain (scope, workflow
        checks) shows the form again with the person's input and the reasons next to the
        fields, instead of a redirect that loses what they typed."""
        from flask_appbuilder.urltools import get_filter_args as _filter_args

        from app.workflows.engine import WorkflowError

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

    def pre_update(self, item: Any) -> None:
        check_related_in_scope(item)

    def _status_on_invalid_post(self, response: Any) -> Any:
        """A POST that did not save answers 400 with the form and the user's input."""
        if request.method == "POST" and isinstance(response, str):
            return Response(response, status=400, mimetype="text/html")
        return response

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        return self._status_on_invalid_post(super().add.__wrapped__(self))

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        return self._status_on_invalid_post(super().edit.__wrapped__(self, pk))

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

    # --- export: the list as the user filtered it, as CSV for Excel --------------------
    def export_value(self, item: Any, column: str) -> str:
        formatter: Callable | None = self.formatters_columns.get(column)
        value = item
        for part in column.split("."):
            value = getattr(value, part, None) if value is not None else None
        if formatter:
            value = formatter(value)
        return "" if value is None else str(value)

    @expose("/export/")
    @has_access
    def export(self):
        columns = self.export_columns or self.list_columns
        filters = self.datamodel.get_filters(self.search_columns)
        get_filter_args(filters)
        filters = filters.get_joined_filters(self._base_filters)
        order_column, order_direction = get_order_args().get(self.__class__.__name__, ("", ""))
        _, items = self.datamodel.query(filters, order_column, order_direction)
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 Chinese text correctly with a BOM
        writer = csv.writer(buffer)
        writer.writerow([str(self.label_columns.get(c, c)) for c in columns])
        for item in items:
            writer.writerow([self.export_value(item, c) for c in columns])
        name = self.__class__.__name__.replace("View", "").lower()
        return Response(buffer.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}.csv"})


class ScopedModelRestApi(ModelRestApi):
    """A REST API with the same scope and the same permission names as the views."""

    method_permission_name = P.API_METHOD_PERMISSIONS
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

    def pre_update(self, item: Any) -> None:
        self._check_choices(item)
        check_related_in_scope(item)


def scoped(model: type) -> ScopedInterface:
    return ScopedInterface(model)


__all__ = ["BadRequest", "ScopedModelRestApi", "ScopedModelView", "scoped", "user_can"]
