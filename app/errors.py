"""Error pages and API errors in the reader's language.

Werkzeug answers 403, 404, 405… with English pages of its own. Here every HTTP error of a
page is shown inside the product's layout with a translated title and a sentence saying
what to do; a description the product itself gave (a refused value, a step not allowed)
is kept. The REST API answers `{"message": …}` in JSON, as its other errors do. A server
error (500) is shown on a page that needs no database: the request's session is rolled
back first and the page has no menu to build.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app.extensions import db

log = logging.getLogger(__name__)

TITLES = {
    400: _l("The request could not be handled"),
    401: _l("Please sign in"),
    403: _l("You may not open this page"),
    404: _l("Not found"),
    405: _l("This action is not possible here"),
    409: _l("Someone else changed this meanwhile"),
    413: _l("The upload is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is not available right now"),
}
ADVICE = {
    400: _l("Please check what you entered and try again."),
    401: _l("Your session has ended. Please sign in again."),
    403: _l("Your roles do not open this page. Ask your administrator if you need it."),
    404: _l("The page or record does not exist, or it is outside your departments and "
            "estates."),
    405: _l("Go back and use the buttons of the page."),
    409: _l("Reload the page to see the latest version, then try again."),
    413: _l("Please choose smaller files."),
    429: _l("Please wait a moment and try again."),
    500: _l("The error has been recorded. Please try again; if it happens again, tell your "
            "administrator."),
    503: _l("Please try again in a few minutes."),
}


def _message(error: HTTPException) -> str:
    """The product's own description, else the translated advice for the status."""
    code = error.code or 500
    own = error.description if error.description != type(error).description else None
    return str(own or ADVICE.get(code) or TITLES.get(code) or ADVICE[500])


def handle_http_error(error: HTTPException) -> Response | tuple[Response, int]:
    if error.response is not None:
        return error.response  # a response the product built itself
    code = error.code or 500
    if code >= 500:
        db.session.rollback()  # a failed transaction must not break the error page too
    message = _message(error)
    if request.path.startswith("/api/"):
        return jsonify(message=message), code
    title = str(TITLES.get(code, TITLES[500 if code >= 500 else 400]))
    template = "errors/server_error.html" if code >= 500 else "errors/error.html"
    try:
        body = render_template(template, code=code, title=title, message=message,
                               appbuilder=current_app.appbuilder,
                               base_template=current_app.appbuilder.base_template)
    except Exception:  # noqa: BLE001 - the layout itself failed: the plain page
        log.exception("error page %s could not be rendered in the layout", code)
        body = render_template("errors/server_error.html", code=code, title=title,
                               message=message)
    response = current_app.response_class(body, status=code, mimetype="text/html")
    for name, value in error.get_headers():  # e.g. a 405's Allow
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def install(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
