"""The unread-notifications badge of the top navigation bar: escalations (R-CS-5, R-CP-5)
must reach the person they name where they look first, not only on the notification list.

The count is one SQL COUNT per page on the (user_id, read_at) index of `notification`;
no row is loaded."""
from __future__ import annotations

from typing import Any, Callable

from flask import current_app, g
from sqlalchemy import func, select

from app.models import Notification
from app.security import permissions as P

_UNSET = object()


def unread_count(session: Any, user_id: int) -> int:
    """Unread notifications of `user_id`: one indexed COUNT."""
    return int(session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0)


def unread_notifications() -> int | None:
    """The signed-in user's unread count, computed at most once per request; None when
    nobody is signed in or the person may not read notifications (no badge then)."""
    cached = g.get("_unread_notifications", _UNSET)
    if cached is not _UNSET:
        return cached
    user = g.get("user")
    value: int | None = None
    if user is not None and not getattr(user, "is_anonymous", True):
        sm = current_app.appbuilder.sm
        if sm.has_access(P.READ, P.NOTIFICATION):
            value = unread_count(current_app.appbuilder.session, user.id)
    g._unread_notifications = value
    return value


def badge_context() -> dict[str, Callable[[], int | None]]:
    """Template context: a callable, so pages without a navbar run no query."""
    return {"unread_notifications": unread_notifications}
