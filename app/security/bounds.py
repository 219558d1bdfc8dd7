"""Input bounds: how long a text and how far a date may be, checked once for every way in.

A megabyte pasted into a description was stored and then took half a minute to print; year
1900 and year 1 were stored as report times. Every form, API write and workflow step passes
its record through `check_bounds` before anything is written:

* text: at most the column's own length, and never more than the admin setting
  `input.text_max_length` (default 4,000 characters);
* dates: never before the first year the company's records may hold (`input.earliest_year`,
  default 2000) nor absurdly far ahead; a model names its columns with a tighter window in
  `time_windows`: "past" for when something happened or was reported (not in the future,
  and not before the estate could have records: a year before its move-in date), "ahead"
  for promised and requested times (from now to `input.ahead_days` ahead, default 366).

Only values that change are checked, so an old record stays editable.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Mapping

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import Date, DateTime, String, Text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import object_session
from werkzeug.exceptions import BadRequest

from app.models.base import local_now
from app.models.settings import setting

FAR_AHEAD_YEARS = 10  # any date field: contracts and calendars reach a few years ahead
CLOCK_SKEW = timedelta(minutes=10)  # a tablet's clock a little ahead is not an error


class BoundsError(BadRequest):
    """One or more values out of bounds: {field: message}, shown next to the fields."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(description=" ".join(errors.values()))


def _setting(key: str, session: Any = None) -> int:
    cache = g.setdefault("_bounds_settings", {}) if has_request_context() else {}
    if key not in cache:

        if session is None:

            session = current_app.appbuilder.session
        with session.no_autoflush:  # asked while the checked record is half built
            cache[key] = int(setting(session, key))
    return cache[key]


def text_limit(session: Any = None) -> int:
    """The longest text any field accepts (admin setting)."""
    return _setting("input.text_max_length", session)


def earliest_year(session: Any = None) -> int:
    return _setting("input.earliest_year", session)


def _label(labels: Mapping[str, Any] | None, column: str) -> str:
    return str((labels or {}).get(column, column.replace("_", " ")))


def _changed_values(item: Any) -> dict[str, Any]:
    state = sa_inspect(item)
    changed = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if state.transient or state.pending:
            value = getattr(item, attr.key)
            if value is not None:
                changed[attr.key] = value
        elif history.added and history.added[0] is not None:
            changed[attr.key] = history.added[0]
    return changed


def _estate_floor(item: Any) -> date | None:
    estate = getattr(item, "estate", None)
    move_in = getattr(estate, "move_in_date", None)
    return move_in - timedelta(days=365) if move_in else None


def _as_datetime(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month,
                                                             value.day)


def problems(item: Any, labels: Mapping[str, Any] | None = None,
             now: datetime | None = None) -> dict[str, str]:
    """{column: message} for every changed value of `item` out of bounds."""
    now = now or local_now()
    session = object_session(item)
    columns = {c.key: c for c in sa_inspect(type(item)).columns}
    windows: dict[str, str] = getattr(type(item), "time_windows", {}) or {}
    errors: dict[str, str] = {}
    for key, value in _changed_values(item).items():
        column = columns.get(key)
        if column is None:
            continue
        kind = column.type
        if isinstance(value, str) and isinstance(kind, (String, Text)):
            limit = text_limit(session)
            if getattr(kind, "length", None):
                limit = min(limit, kind.length)
            if len(value) > limit:
                errors[key] = _("%(field)s is too long: at most %(n)d characters, you "
                                "entered %(m)d.", field=_label(labels, key), n=limit,
                                m=len(value))
        elif isinstance(value, (date, datetime)) and isinstance(kind, (Date, DateTime)):
            message = _date_problem(item, key, _as_datetime(value), windows.get(key), now,
                                    _label(labels, key), session)
            if message:
                errors[key] = message
    return errors


def _date_problem(item: Any, key: str, value: datetime, window: str | None, now: datetime,
                  label: str, session: Any) -> str | None:
    earliest = datetime(earliest_year(session), 1, 1)
    if window == "past":
        floor = _estate_floor(item)
        if floor is not None:
            earliest = max(earliest, _as_datetime(floor))
    if value < earliest:
        return _("%(field)s cannot be before %(date)s.", field=label,
                 date=earliest.strftime("%Y-%m-%d"))
    if window == "past" and value > now + CLOCK_SKEW:
        return _("%(field)s cannot be in the future.", field=label)
    if window == "ahead":
        ahead = _setting("input.ahead_days", session)
        latest = now + timedelta(days=ahead)
        if value < now - timedelta(days=1):
            return _("%(field)s cannot be in the past.", field=label)
        if value > latest:
            return _("%(field)s must be within %(n)d days from now.", field=label, n=ahead)
    if value > now.replace(year=now.year + FAR_AHEAD_YEARS):
        return _("%(field)s is too far in the future.", field=label)
    return None


def check_bounds(item: Any, labels: Mapping[str, Any] | None = None) -> None:
    errors = problems(item, labels)
    if errors:
        raise BoundsError(errors)
