"""Flask-AppBuilder's search filters built once per model and column list.

FAB builds a `Filters` object several times per list request (the request's own, the
joined filters, the inner query's), and each one converts every column of the model into
its filter objects: over a thousand objects per REST list call at scale, the same ones
each time. A filter object holds only its column name, its model and the data interface
(whose session is the app's one scoped session), so the converted filters are kept per
(converter, interface class, model, columns) and each `Filters` gets its own dict and
lists of the same objects; adding a view's own search filters to one never reaches
another.
"""
from __future__ import annotations

from typing import Any

from flask_appbuilder.models.filters import BaseFilter, Filters

_CONVERTED: dict[tuple[Any, ...], dict[str, list[BaseFilter]]] = {}
_fab_get_filters = Filters._get_filters


def _get_filters(self: Filters, cols: list[str]) -> dict[str, list[BaseFilter]]:
    key = (self.filter_converter, type(self.datamodel), self.datamodel.obj, tuple(cols))
    known = _CONVERTED.get(key)
    if known is None:
        known = _CONVERTED[key] = _fab_get_filters(self, cols)
    return {column: list(filters) for column, filters in known.items()}


def install() -> None:
    Filters._get_filters = _get_filters
