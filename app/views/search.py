"""The navbar's search page: `/search/?q=…` (HTML) or `/search/?q=…&format=json`.

A thin page over app.workflows.search: it turns each hit into a link to its detail page
and each group into a link to its list, filtered the same way, when the list offers that
filter.
"""
from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.security import permissions as P
from app.views.org import UnitView
from app.views.resident import ResidentView
from app.workflows import search as service
from app.workflows.registry import document_types, resolve

# Pages of the kinds that are not documents: kind -> their ModelView.
_VIEWS: dict[str, type] = {"unit": UnitView, "resident": ResidentView}
# FAB's string filters: index 0 is "starts with", 3 is "equal to".
_STARTS_WITH, _EQUAL = 0, 3


def _view_of(kind: str) -> type | None:
    if kind in _VIEWS:
        return _VIEWS[kind]
    document = document_types().get(kind)
    return resolve(document.view) if document and document.view else None


def _links(group: service.Group) -> tuple[dict[int, str], str | None]:
    """The detail page of every hit of `group`, and its filtered list (or None)."""
    view = _view_of(group.kind)
    if view is None:
        return {}, None
    name = view.__name__
    details = {hit.pk: url_for(f"{name}.show", pk=hit.pk) for hit in group.hits}
    list_url = None
    if group.list_filter and group.list_filter[0] in (view.search_columns or []):
        column, value, exact = group.list_filter
        index = _EQUAL if exact else _STARTS_WITH
        list_url = url_for(f"{name}.list", **{f"_flt_{index}_{column}": value})
    return details, list_url


class GlobalSearchView(BaseView):
    """One box for numbers, units, residents and phones, within the person's scope."""

    route_base = "/search"
    class_permission_name = P.SEARCH
    method_permission_name = {"results": "read"}
    default_view = "results"

    @expose("/")
    @has_access
    def results(self):
        found = service.search(self.appbuilder.session, request.args.get("q", type=str))
        groups: list[dict[str, Any]] = []
        for group in found.groups:
            details, list_url = _links(group)
            groups.append({
                "kind": group.kind, "title": str(group.title), "more": group.more,
                "list_url": list_url,
                "hits": [{"label": hit.label, "url": details.get(hit.pk),
                          "details": [str(d) for d in hit.details]} for hit in group.hits],
            })
        if request.args.get("format") == "json":
            return jsonify({"query": found.query, "status": found.status, "groups": groups})
        return self.render_template(
            "search/results.html", title=_("Search"), query=found.query,
            status=found.status, groups=groups, min_length=service.MIN_LENGTH,
            max_length=service.MAX_LENGTH)
