"""Request values no handler can store or look up are answered with 400/404, never 500.

Fuzzing the API and the pages (issue "Production-ready and hardened", item 5) found server
errors that all came from a few kinds of input, whichever endpoint received them. They are
handled here once, for every current and future endpoint, at two depths:

Before any view runs (`guard_request`, a before_request hook):

* an integer in the path beyond the widest id column (`/api/v1/unit/99999999999999999999`;
  INTEGER ids stop at 2**31 - 1 on PostgreSQL, and the bound is read from the schema):
  no such record, 404 — on SQLite and PostgreSQL alike;
* lone UTF-16 surrogates ("\\ud800", from JSON escapes) and NUL characters, which neither
  UTF-8 nor PostgreSQL text can hold: 400, whether they come in a JSON key or value, a form
  or query value or a file name. JSON posted to an HTML form counts: Flask-WTF reads a
  JSON body as form data;
* a JSON body that does not parse, or is not an object on POST, PUT or PATCH (every
  endpoint of this product expects one): 400;
* a REST `q` argument the Rison decoder cannot read, whatever it raises: 400;
* a list sorted by a column the list does not offer (`_oc_<View>=nonsense`; FAB builds
  `ORDER BY` from any name or attribute it is given): 400.

Where the database refuses a value (`install_database_net`): a number out of range for its
column, a negative LIMIT, text that is not a number for an integer column (SQLSTATE class
22, the DB-API's DataError), or an integer SQLite cannot bind (beyond 64 bits) — from a
filter, a page number, a form, a JSON body or a relation id — becomes a 400 instead of a
500, and the request's failed transaction is rolled back.

Messages are translated; the API answers `{"message": …}` in JSON, the pages an HTML error
page. Relation fields and integer columns of the REST API's schemas are checked before the
database, in `app/views/api_schema.py`, where the column types are known.
"""
from __future__ import annotations

import logging
import re
from typing import Any

import prison
from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    has_request_context,
    jsonify,
    request,
)
from flask_appbuilder import Model
from flask_babel import gettext as _
from sqlalchemy import BigInteger, Integer, SmallInteger, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest

from app.extensions import db

log = logging.getLogger(__name__)

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_DIGITS = re.compile(r"[+-]?\d+")
_ORDER_ARG = re.compile(r"_oc_(.+)")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Bits of the SQL integer types on PostgreSQL (SQLite stores 64 bits in any of them).
INTEGER_BITS: tuple[tuple[type, int], ...] = ((BigInteger, 63), (SmallInteger, 15),
                                              (Integer, 31))


class Refusal(Exception):
    """A request value this product cannot accept, with the status and the message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class UnrepresentableValue(BadRequest):
    """The database refused a value of the request (out of range, wrong type): 400."""


def in_int64(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def integer_bits(column_type: Any) -> int | None:
    """Bits of a signed SQL integer type, or None for any other type."""
    for sql_type, bits in INTEGER_BITS:
        if isinstance(column_type, sql_type):
            return bits
    return None


def widest_id_bits(metadata: Any) -> int:
    """The widest integer primary key of the schema: no path id can be larger."""
    widths = [integer_bits(column.type) for table in metadata.tables.values()
              for column in table.primary_key.columns]
    return max((w for w in widths if w is not None), default=63)


def _unstorable() -> Refusal:
    return Refusal(400, _("The request contains a character that cannot be stored (a lone "
                          "surrogate or a NUL character). Remove it and try again."))


def check_text(value: str) -> None:
    if _UNSTORABLE.search(value):
        raise _unstorable()


def check_value(value: Any) -> None:
    """Walk a decoded JSON value: every key and every string."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            check_text(item)
        elif isinstance(item, dict):
            for key, nested in item.items():
                check_text(str(key))
                stack.append(nested)
        elif isinstance(item, list):
            stack.extend(item)


def check_path() -> None:
    """An integer in the path beyond the widest id names no record: 404."""
    limit = 2 ** current_app.config.get("INPUT_GUARD_ID_BITS", 63) - 1
    for value in (request.view_args or {}).values():
        if isinstance(value, str):
            check_text(value)
            if not _DIGITS.fullmatch(value):
                continue
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > limit:
            raise Refusal(404, _("Not found."))


def check_fields() -> None:
    """Query arguments, form fields and upload file names."""
    pairs = list(request.args.items(multi=True))
    if request.method in _BODY_METHODS and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        pairs += request.form.items(multi=True)
        pairs += [(key, upload.filename) for key, upload in request.files.items(multi=True)]
    for key, value in pairs:
        for text in (key, value):
            if isinstance(text, str):  # a malformed multipart part may have no name
                check_text(text)


def check_json_body() -> None:
    """A JSON body must parse, be an object where one is expected, and hold nothing
    unstorable."""
    if not request.is_json or not request.get_data(cache=True):
        return
    body = request.get_json(silent=True)
    if body is None:
        raise Refusal(400, _("The request body is not valid JSON."))
    if request.method in _BODY_METHODS and not isinstance(body, dict):
        raise Refusal(400, _("Send a JSON object."))
    check_value(body)


def _order_columns(view_name: str) -> list[str] | None:
    """The columns the named list view offers for sorting, or None for no such view."""
    for view in current_app.appbuilder.baseviews:
        if view.__class__.__name__ == view_name and hasattr(view, "order_columns"):
            return list(view.order_columns or [])
    return None


def check_query_argument() -> None:
    """The REST API's `q` (Rison): FAB answers 400 for most malformed values, but the
    decoder raises other errors for some (`1.1e+64`: a float it cannot read), which FAB
    does not catch."""
    value = request.args.get("q")
    if value is None or not request.path.startswith("/api/"):
        return
    try:
        prison.loads(value)
    except Exception:  # noqa: BLE001 - whatever the decoder raises, the argument is bad
        raise Refusal(400, _("The query argument is not valid.")) from None


def check_order_args() -> None:
    """Pages only: the REST API checks its own `order_column` (400)."""
    if request.path.startswith("/api/"):
        return
    for key, value in request.args.items():
        match = _ORDER_ARG.fullmatch(key)
        if not match:
            continue
        allowed = _order_columns(match.group(1))
        if allowed is not None and value not in allowed:
            raise Refusal(400, _("This list cannot be sorted by %(column)s.", column=value))


def guard_request() -> Response | None:
    """before_request: answer 400/404 for input no view can handle, else let it pass."""
    try:
        check_path()
        check_fields()
        check_json_body()
        check_order_args()
        check_query_argument()
    except Refusal as refusal:
        return refuse(refusal)
    return None


def refuse(refusal: Refusal) -> Response:
    if request.path.startswith("/api/"):
        response = jsonify(message=refusal.message)
        response.status_code = refusal.status
        return response
    abort(refusal.status, description=refusal.message)


# --- where the database refuses a value ---------------------------------------------------

def _refused_by_database(context: ExceptionContext) -> BaseException | None:
    """SQLAlchemy handle_error hook: a value the database cannot represent, sent by a
    request, is the client's error (400), not the server's."""
    if not has_request_context():
        return None  # CLI commands and jobs keep the database's own error
    original = context.original_exception
    if not (isinstance(context.sqlalchemy_exception, DataError)
            or isinstance(original, (OverflowError, UnicodeError))):
        return None
    log.warning("Request value refused by the database: %s", original)
    g.input_guard_rollback = True
    return UnrepresentableValue(description=_(
        "A value in the request is out of range or not valid for its field."))


def _rollback_after_refusal(response: Response) -> Response:
    """PostgreSQL aborts the transaction of a refused statement: end it before anything
    else of this request touches the database."""
    if g.pop("input_guard_rollback", False):

        db.session.rollback()
    return response


def install_database_net(app: Flask) -> None:
    with app.app_context():
        event.listen(db.engine, "handle_error", _refused_by_database)
    app.config.setdefault("INPUT_GUARD_ID_BITS", widest_id_bits(Model.metadata))
    app.after_request(_rollback_after_refusal)


def install(app: Flask) -> None:
    """Run the guard before every request (after CSRF, before any view) and catch the
    values the database refuses."""
    app.before_request(guard_request)
    install_database_net(app)


__all__ = ["INT64_MAX", "INT64_MIN", "Refusal", "UnrepresentableValue", "check_text",
           "check_value", "in_int64", "install", "integer_bits", "widest_id_bits"]
