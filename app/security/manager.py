"""Security manager: sign-in throttling, revocable sessions and tokens, and API sign-in
answers that say what went wrong without leaking anything."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from flask import flash, g, has_request_context, jsonify, request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.const import LOGMSG_WAR_SEC_DEL_PERMVIEW, LOGMSG_WAR_SEC_NO_USER
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.security.manager import BaseSecurityManager
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_appbuilder.security.views import UserDBModelView as FabUserDBModelView
from flask_babel import gettext as _
from flask_jwt_extended import decode_token, get_jwt, jwt_required
from sqlalchemy import inspect
from sqlalchemy.orm import joinedload

from app.audit import record_event
from app.security import access_cache, sessions, throttle


def schema_ready(engine) -> bool:
    """True once `flask db upgrade` has built FAB's tables."""
    return "ab_permission_view" in inspect(engine).get_table_names()


def _token_expiry(claims: dict) -> datetime:
    return datetime.fromtimestamp(claims["exp"], tz=timezone.utc).replace(tzinfo=None)


def _throttled_message(seconds: int) -> str:
    return _("Too many failed sign-ins for this account from your address. "
             "Try again in %(n)d seconds.", n=seconds)


class SecurityApi(FabSecurityApi):
    """FAB's API sign-in, answering 429 while an address is throttled, plus sign-out."""
    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        payload = request.get_json(silent=True)
        if isinstance(payload, dict) and isinstance(payload.get("username"), str):
            wait = throttle.wait_seconds(self.appbuilder.session, payload["username"],
                                         throttle.client_address())
            if wait:
                response = self.response(429, message=_throttled_message(wait))
                response.headers["Retry-After"] = str(wait)
                return response
        return super().login()

    @expose("/logout", methods=["POST"])
    @jwt_required(verify_type=False)
    def logout(self):
        """Revoke the token sent (and a refresh token given as `refresh_token`).
        ---
        post:
          description: Sign out. The access token sent, and a refresh token given in the
            body, stop working at once.
          requestBody:
            required: false
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    refresh_token:
                      type: string
          responses:
            200:
              description: Signed out
            401:
              $ref: '#/components/responses/401'
        """
        session = self.appbuilder.session
        claims = get_jwt()
        user_id = int(claims["sub"]) if str(claims.get("sub", "")).isdigit() else None
        sessions.revoke(session, claims["jti"], claims.get("type", "access"), user_id,
                        _token_expiry(claims))
        body = request.get_json(silent=True)
        refresh = body.get("refresh_token") if isinstance(body, dict) else None
        if isinstance(refresh, str) and refresh:
            try:
                other = decode_token(refresh)
            except Exception:  # noqa: BLE001 - any undecodable token is simply refused
                return self.response_400(message=_("The refresh token is not valid."))
            if other.get("sub") != claims.get("sub"):
                return self.response_400(message=_("The refresh token is not valid."))
            sessions.revoke(session, other["jti"], other.get("type", "refresh"), user_id,
                            _token_expiry(other))

        user = self.appbuilder.sm.get_user_by_id(user_id) if user_id else None
        record_event("logout", table_name="ab_user", row_id=user_id or "",
                     actor=(user_id, getattr(user, "username", "")),
                     record_name=str(user)[:200] if user else None, session=session)
        # record_event commits: the revocations and the audit entry, the request's one unit.
        return self.response(200, message=_("Signed out."))


class _NoFabUserAdvice(logging.Filter):
    """FAB warns "No user yet created, use flask fab command" at every start until a user
    exists; this product's users come from `flask demo load` or the staff screens (README),
    so the advice only misleads whoever reads the set-up output."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != LOGMSG_WAR_SEC_NO_USER and not self._shared_resource(record)

    @staticmethod
    def _shared_resource(record: logging.LogRecord) -> bool:
        """Pages that share one permission resource (the survey and its sample list both
        read "Survey") make FAB's sync try to drop the permissions the narrower page does
        not list, on every start; it refuses, roles keep them, and each refusal printed a
        line (hundreds per start). Only that refusal is silenced."""
        return record.msg == LOGMSG_WAR_SEC_DEL_PERMVIEW


for _logger in ("flask_appbuilder.security.manager", "flask_appbuilder.security.sqla.manager"):
    logging.getLogger(_logger).addFilter(_NoFabUserAdvice())


# What the access checks remember during one request (row scope, public permissions, view
# access, the navbar's unread count). Flask's `g` belongs to the application context,
# which a request shares with an enclosing one (a CLI command, a test): forgotten when
# each request starts.
REQUEST_ANSWERS = ("_access_epoch", "_row_scope", "_public_permissions", "_view_access",
                   "_role_permissions", "_unread_notifications")


def forget_request_answers() -> None:
    """before_request: start every request with no remembered access answers."""
    for name in REQUEST_ANSWERS:
        g.pop(name, None)


class UserDBModelView(FabUserDBModelView):
    """FAB's account pages ("Your user information" too), the active flag as yes / no in
    the reader's language, not True / False, and the roles by their names in that language.
    Same name as FAB's view: same permissions and endpoints."""

    formatters_columns = {"active": lambda active: _("Yes") if active else _("No"),
                          "roles": lambda roles: _role_names(roles)}


def _role_names(roles: Any) -> str:
    from app.security.role_labels import role_label  # it reads the document types

    return "、".join(role_label(role.name) for role in roles or ())


class SecurityManager(FabSecurityManager):
    """Database sign-in with throttling per account and client address (see throttle),
    rate-limited sign-in for the form and the API alike, and revocable credentials."""
    security_api = SecurityApi
    userdbmodelview = UserDBModelView

    def get_user_by_id(self, pk: int) -> Any:
        """The person of a request with their roles and groups in one statement (three
        before: every request asks what the roles may do)."""
        model = self.user_model
        return self.session.get(model, pk, options=[joinedload(model.roles),
                                                    joinedload(model.groups)])

    def _create_db(self) -> None:
        # Migrations own the schema (FAB's create_all would race Alembic on a fresh
        # database); FAB only adds its built-in roles once the tables exist.
        if schema_ready(self.session.get_bind(mapper=None, clause=None)):
            BaseSecurityManager.create_db(self)

    def is_item_public(self, permission_name: str, view_name: str) -> bool:
        """FAB asks this before every protected call; the public role's permissions are
        read once per request instead of once per check."""
        if not has_request_context():
            return super().is_item_public(permission_name, view_name)
        public = g.get("_public_permissions")
        if public is None:
            public = access_cache.remembered(self.session, ("public",), lambda: frozenset(
                (pv.permission.name, pv.view_menu.name)
                for pv in self.get_public_permissions()
                if pv.permission is not None and pv.view_menu is not None))
            g._public_permissions = public
        return (permission_name, view_name) in public

    def _has_view_access(self, user: object, permission_name: str, view_name: str) -> bool:
        """Answered once per request for each (user, permission, view): a page asks the
        same question for every menu entry, button and row action."""
        if not has_request_context():
            return super()._has_view_access(user, permission_name, view_name)
        answers = g.setdefault("_view_access", {})
        key = (getattr(user, "id", None), permission_name, view_name)
        if key not in answers:
            answers[key] = super()._has_view_access(user, permission_name, view_name)
        return answers[key]

    def exist_permission_on_roles(self, view_name: str, permission_name: str,
                                  role_ids: list[int]) -> bool:
        """Every permission of the user's roles is read in one query per request; a page
        asks about every menu entry, button and row action (70 questions on a list page,
        each its own query before)."""
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        return (permission_name, view_name) in self.role_permissions(role_ids)

    def role_permissions(self, role_ids: list[int]) -> frozenset[tuple[str, str]]:
        """Every (permission, view) of these roles: once per request, and remembered by
        the process while no role or permission changes (access_cache)."""
        known = g.setdefault("_role_permissions", {})
        key = tuple(sorted(role_ids))
        if key not in known:
            known[key] = access_cache.remembered(
                self.session, ("roles", key), lambda: self._read_role_permissions(key))
        return known[key]

    def _read_role_permissions(self, role_ids: tuple[int, ...]) -> frozenset[tuple[str, str]]:
        pv, link = self.permissionview_model, assoc_permissionview_role
        rows = (self.session.query(self.permission_model.name, self.viewmenu_model.name)
                .select_from(pv)
                .join(link, link.c.permission_view_id == pv.id)
                .join(self.permission_model, self.permission_model.id == pv.permission_id)
                .join(self.viewmenu_model, self.viewmenu_model.id == pv.view_menu_id)
                .filter(link.c.role_id.in_(role_ids)).distinct())
        return frozenset((permission, view) for permission, view in rows)

    def register_views(self) -> None:
        super().register_views()
        api = next((a for a in self.appbuilder.baseviews if isinstance(a, SecurityApi)), None)
        if self.is_auth_limited and api is not None and api.blueprint is not None:
            # FAB limits only the sign-in form; the API sign-in answers the same guesses.
            self.limiter.limit(self.auth_rate_limit, methods=["POST"])(api.blueprint)

    def create_jwt_manager(self, app):
        jwt_manager = super().create_jwt_manager(app)

        def unauthorized(reason: str):  # noqa: ARG001 - reasons stay on the server
            return jsonify(message=_("Sign in again: the token is missing, invalid, "
                                     "expired or signed out.")), 401

        jwt_manager.invalid_token_loader(unauthorized)
        jwt_manager.unauthorized_loader(unauthorized)
        jwt_manager.expired_token_loader(lambda _header, _data: unauthorized("expired"))
        jwt_manager.revoked_token_loader(lambda _header, _data: unauthorized("revoked"))
        jwt_manager.user_lookup_error_loader(lambda _header, _data: unauthorized("user"))
        jwt_manager.token_in_blocklist_loader(
            lambda _header, data: sessions.is_revoked(self.appbuilder.session,
                                                      data.get("jti")))
        return jwt_manager

    def auth_user_db(self, username, password):
        from app.audit import record_event, record_login  # who signed in, or failed to

        addr = throttle.client_address()
        session = self.session
        if isinstance(username, str) and username:
            wait = throttle.wait_seconds(session, username, addr)
            if wait:
                if has_request_context() and not request.path.startswith("/api/"):
                    flash(_throttled_message(wait), "danger")
                g.login_throttled = wait
                record_event("login_failed", table_name="ab_user",
                             actor=(None, username[:256]),
                             changes={"login": username[:256], "throttled_seconds": wait})
                return None
        user = super().auth_user_db(username, password)
        if isinstance(username, str) and username:
            if user is None:
                throttle.record_failure(session, username, addr)
            else:
                throttle.clear(session, username, addr)
        # Commits the throttle bookkeeping with the audit entry: the sign-in request's
        # unit of work.
        return record_login(username, user)
