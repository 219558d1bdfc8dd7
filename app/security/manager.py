"""Security manager: account lockout on top of FAB's database authentication."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, flash, has_request_context
from flask_appbuilder.security.manager import BaseSecurityManager
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_babel import gettext as _
from sqlalchemy import inspect


def schema_ready(engine) -> bool:
    """True once `flask db upgrade` has built FAB's tables."""
    return "ab_permission_view" in inspect(engine).get_table_names()


class SecurityManager(FabSecurityManager):
    """Locks an account for LOGIN_LOCKOUT_MINUTES after LOGIN_MAX_FAILURES failures in a row.

    FAB already counts failures (fail_login_count) and stamps changed_on on each one; the
    lock lifts by itself when the window has passed, and a success resets the count.
    """

    def _create_db(self) -> None:
        # Migrations own the schema (FAB's create_all would race Alembic on a fresh
        # database); FAB only adds its built-in roles once the tables exist.
        if schema_ready(self.session.get_bind(mapper=None, clause=None)):
            BaseSecurityManager.create_db(self)

    def is_locked_out(self, user) -> bool:
        limit = current_app.config.get("LOGIN_MAX_FAILURES", 5)
        window = timedelta(minutes=current_app.config.get("LOGIN_LOCKOUT_MINUTES", 15))
        if (user.fail_login_count or 0) < limit or user.changed_on is None:
            return False
        return datetime.now() - user.changed_on < window

    def auth_user_db(self, username, password):
        user = self.find_user(username=username) if username else None
        if user is not None and self.is_locked_out(user):
            if has_request_context():
                flash(_("Too many failed logins. This account is locked for %(n)d minutes.",
                        n=current_app.config.get("LOGIN_LOCKOUT_MINUTES", 15)), "danger")
            return None
        return super().auth_user_db(username, password)
