"""Who is acting: a signed-in user (with their permissions and scope) or the system.

Services and the workflow engine take an Actor instead of reading Flask's globals, so the
same code path serves the UI, the REST API, CLI commands (`flask sla tick`) and tests that
act as a given user.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context
from flask_appbuilder.security.sqla.models import (
    Permission,
    PermissionView,
    ViewMenu,
    assoc_permissionview_role,
)
from sqlalchemy import select

from app.security import permissions as P
from app.security.scope import SYSTEM_SCOPE, Scope, current_scope, scope_for_user


def permissions_of(user: Any) -> frozenset[P.Perm]:
    """Every (permission, resource) pair a user holds through their roles.

    One query, read without autoflush: an actor is often built while the document it acts
    on is half made, and walking each role's permissions (hundreds for an admin) would
    load them one relationship at a time."""
    role_ids = [role.id for role in getattr(user, "roles", []) or []]
    if not role_ids:
        return frozenset()
    if has_request_context():  # the request's answer, remembered while roles are unchanged
        return current_app.appbuilder.sm.role_permissions(role_ids)
    session = current_app.appbuilder.session
    query = (select(Permission.name, ViewMenu.name)
             .select_from(PermissionView)
             .join(Permission, PermissionView.permission_id == Permission.id)
             .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
             .join(assoc_permissionview_role,
                   assoc_permissionview_role.c.permission_view_id == PermissionView.id)
             .where(assoc_permissionview_role.c.role_id.in_(role_ids)))
    with session.no_autoflush:
        return frozenset((perm, view) for perm, view in session.execute(query))


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    permissions: frozenset[P.Perm] | None  # None: the system, which may do everything
    scope: Scope
    is_admin: bool = False

    @property
    def is_system(self) -> bool:
        return self.permissions is None

    def can(self, permission: str, resource: str) -> bool:
        return self.is_system or self.is_admin or (permission, resource) in self.permissions

    @classmethod
    def system(cls) -> "Actor":
        return cls(None, "system", None, SYSTEM_SCOPE)

    @classmethod
    def for_user(cls, user: Any) -> "Actor":
        admin_role = current_app.config.get("AUTH_ROLE_ADMIN", "Admin")
        return cls(user.id, user.username, permissions_of(user), scope_for_user(user),
                   any(r.name == admin_role for r in user.roles))

    @classmethod
    def current(cls) -> "Actor":
        """The signed-in user of this request (session cookie or JWT); the system outside
        requests (CLI commands, background jobs)."""
        if not has_request_context():
            return cls.system()
        user = current_app.appbuilder.sm.current_user
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(None, "anonymous", frozenset(), current_scope())
        admin_role = current_app.config.get("AUTH_ROLE_ADMIN", "Admin")
        return cls(user.id, user.username, permissions_of(user), current_scope(),
                   any(r.name == admin_role for r in user.roles))
