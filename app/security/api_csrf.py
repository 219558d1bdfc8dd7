"""REST writes authenticated by the session cookie need the page's CSRF token.

The REST API accepts a signed-in browser session (`allow_browser_login`) so pages can call
it, and Flask-AppBuilder exempts the API from CSRF protection because bearer tokens cannot
be forged by another site. A cookie can be sent by another site, though: a write that
relies on the cookie instead of a bearer token must carry the CSRF token (X-CSRFToken).
"""
from __future__ import annotations

from flask import Flask, jsonify, request, session
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Signing in and refreshing carry no cookie-borne authority of their own.
EXEMPT = ("/api/v1/security/login", "/api/v1/security/refresh")


def require_token_for_cookie_writes():
    if request.method in SAFE_METHODS or not request.path.startswith("/api/"):
        return None
    if request.path.startswith(EXEMPT) or request.headers.get("Authorization"):
        return None
    if "_user_id" not in session:
        return None  # not signed in by cookie: the API itself answers 401
    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
    except (CSRFError, ValidationError):
        return jsonify(message=_("This request needs the page's security token. Reload the "
                                 "page and try again, or use a bearer token.")), 400
    return None


def install(app: Flask) -> None:
    app.before_request(require_token_for_cookie_writes)
