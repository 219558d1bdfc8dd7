"""Signing out revokes: the session cookie and the API token stop working at once.

Flask keeps sessions in a signed cookie, so a copy taken before sign-out would otherwise
stay valid until it expires; a JWT likewise. Each signed-in browser session gets a random
id; signing out records that id (or the JWT's `jti`) as revoked, and every authenticated
request is checked against the revoked list (one primary-key lookup).
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app
from flask import session as cookie
from flask_login import logout_user, user_logged_in, user_logged_out
from sqlalchemy import delete, insert, select

from app.models.auth import RevokedCredential
from app.models.base import local_now
from app.security import access_cache

SESSION_ID_KEY = "_sid"


def is_revoked(db_session, token_id: str | None) -> bool:
    """Asked on every authenticated request; remembered until the next sign-out anywhere
    (a revocation is a write the access cache watches)."""
    if not token_id:
        return True
    return access_cache.remembered(db_session, ("revoked", token_id), lambda: (
        db_session.scalar(select(RevokedCredential.token_id).where(
            RevokedCredential.token_id == token_id)) is not None))


def revoke(db_session, token_id: str, kind: str, user_id: int | None,
           expires_at: datetime) -> None:
    """Record a credential as signed out (idempotent)."""
    if is_revoked(db_session, token_id):
        return
    db_session.execute(insert(RevokedCredential).values(
        token_id=token_id[:64], kind=kind, user_id=user_id, revoked_at=local_now(),
        expires_at=expires_at))


def purge_expired(db_session, now: datetime | None = None) -> int:
    """Revocations of credentials that have expired anyway are no longer needed."""
    result = db_session.execute(delete(RevokedCredential).where(
        RevokedCredential.expires_at < (now or local_now())))
    return result.rowcount or 0


def _on_login(sender: Flask, user, **_extra) -> None:  # noqa: ARG001
    cookie[SESSION_ID_KEY] = secrets.token_urlsafe(24)


def _on_logout(sender: Flask, user, **_extra) -> None:  # noqa: ARG001
    token_id = cookie.pop(SESSION_ID_KEY, None)
    if token_id:
        db_session = current_app.appbuilder.session
        lifetime = current_app.permanent_session_lifetime or timedelta(hours=1)
        revoke(db_session, token_id, "session", getattr(user, "id", None),
               local_now() + lifetime)  # committed with the sign-out request (unit_of_work)


def check_session_cookie() -> None:
    """Before each request: a signed-in cookie without a live session id is signed out
    (a copy taken before sign-out, or one issued before ids existed)."""
    if "_user_id" not in cookie:
        return
    if is_revoked(current_app.appbuilder.session, cookie.get(SESSION_ID_KEY)):
        cookie.pop(SESSION_ID_KEY, None)
        logout_user()


def install(app: Flask) -> None:
    user_logged_in.connect(_on_login, app)
    user_logged_out.connect(_on_logout, app)
    app.before_request(check_session_cookie)
