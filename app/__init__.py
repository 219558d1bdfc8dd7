"""Application factory: one Flask app and one AppBuilder per call (tests build several)."""
from __future__ import annotations

import importlib
import logging
import os
from typing import Any

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_appbuilder import AppBuilder
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, CONFIGS

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    # FAB's templates use inline scripts and styles; everything else stays on this origin.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        "object-src 'none'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
    ),
}


def _config_class(config: str | type | None) -> type:
    if isinstance(config, type):
        return config
    name = config or os.environ.get("APP_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown APP_ENV {name!r}; use one of {sorted(CONFIGS)}")
    return CONFIGS[name]


def create_app(config: str | type | None = None, **overrides: Any) -> Flask:
    """Build the app. `config` is a name from config.CONFIGS or a config class."""
    # The factory loads the product when called, not when the package is imported: a
    # module such as app.clock or app.models must be importable without the views, the
    # workflows and the commands (the models import app.clock).
    from app import clock, health, unit_of_work
    from app.audit import install_audit_listener
    from app.commands import register_commands
    from app.errors import install as install_error_pages
    from app.extensions import csrf, db, migrate
    from app.i18n import (
        PRODUCT_NAME,
        PRODUCT_NAME_ID,
        duration_label,
        select_locale,
        use_wtforms_catalog,
    )
    from app.security import access_cache, api_csrf, sessions
    from app.security.input_guard import install as install_input_guard
    from app.security.manager import forget_request_answers, schema_ready
    from app.security.names import install as install_names
    from app.security.passwords import validate_password
    from app.tasks import init_celery
    from app.views import register_views
    from app.views.filter_cache import install as install_filter_cache
    from app.views.rison_check import install as install_rison_check

    config_class = _config_class(config)
    if hasattr(config_class, "check"):
        config_class.check()
    app = Flask(__name__, instance_path=str(BASE_DIR / "instance"))
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = validate_password
    # The product's name in the navbar and the browser's tab, in the reader's language.
    if app.config["APP_NAME"] == PRODUCT_NAME_ID:
        app.config["APP_NAME"] = PRODUCT_NAME
    clock.set_zone(app.config.get("TIMEZONE", clock.DEFAULT_ZONE))  # every stored time
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers wait for each other (numbering, ticks) instead of failing at once.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(os.path.dirname(app.config["SQLALCHEMY_DATABASE_URI"][10:]) or ".",
                    exist_ok=True)

    with app.app_context():
        importlib.import_module("app.models")  # every table on FAB's metadata

        db.init_app(app)
        # CSRF before AppBuilder, or the REST APIs are not exempted (STACK.md).
        csrf.init_app(app)
        # migrations/env.py targets flask_appbuilder.Model.metadata (STACK.md).
        migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
        # Before `flask db upgrade` there are no permission tables to sync into.
        update_perms = app.config.get("FAB_UPDATE_PERMS", True) and schema_ready(db.engine)
        app.config["FAB_UPDATE_PERMS"] = update_perms
        appbuilder = AppBuilder(update_perms=update_perms)
        appbuilder.init_app(app, db.session)
        # FAB stores its own selector; ours maps browser tags and ignores stale cookies.
        app.extensions["babel"].locale_selector = select_locale

        register_views(appbuilder)
        appbuilder.post_init()

    install_audit_listener()
    # First of all before_request functions: each request starts with no remembered answer.
    app.before_request(forget_request_answers)
    with app.app_context():
        access_cache.install(db.engine)  # writes to access tables change the epoch
    sessions.install(app)
    api_csrf.install(app)
    unit_of_work.install(app)
    health.install(app)
    if app.config.get("PROXY_COUNT"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"],
                                x_proto=app.config["PROXY_COUNT"])
    install_names()
    install_rison_check()  # REST query arguments checked against schemas compiled once
    install_filter_cache()  # a model's search filters converted once, not per request
    register_commands(app)
    app.extensions["celery"] = init_celery(app)
    install_input_guard(app)  # 400/404 for input no view can store or look up
    install_error_pages(app)  # translated error pages; JSON errors under /api/

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        return response

    @app.context_processor
    def _locale_context():
        return {"current_locale": str(get_locale() or "en")}

    app.before_request(use_wtforms_catalog)
    app.jinja_env.filters["duration"] = duration_label

    @app.before_request
    def _permanent_session():
        # PERMANENT_SESSION_LIFETIME bounds every session that holds something; an empty
        # one is not written at all.
        if session and not session.permanent and not _is_asset():
            session.permanent = True

    app.session_interface = PageSessionInterface()
    return app


def _is_asset() -> bool:
    """Stylesheets, scripts, fonts, and requests for what does not exist (favicon.ico)."""
    endpoint = request.endpoint
    return endpoint is None or endpoint == "static" or endpoint.endswith(".static")


class PageSessionInterface(SecureCookieSessionInterface):
    """Only pages write the session cookie, never stylesheets and scripts.

    A browser fetches a page's assets in parallel with the page, each with the cookie it
    had when it asked. Had asset responses refreshed the cookie, the last to arrive would
    win, and an older cookie could replace the one the page just set (losing the sign-in
    form's CSRF token, or a sign-in itself)."""

    def should_set_cookie(self, app: Flask, session: Any) -> bool:
        return not _is_asset() and super().should_set_cookie(app, session)
