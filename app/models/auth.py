"""Sign-in state kept on the server: throttled addresses and revoked credentials.

Both tables are written with plain INSERT/UPDATE statements, not through the ORM: they are
bookkeeping of the sign-in itself, which the audit log records as events of its own.
"""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Column, DateTime, Integer, String


class LoginFailure(Model):
    """Failed sign-ins of one account from one client address. Only that address waits
    after repeated failures, so nobody can lock a colleague out from elsewhere."""

    __tablename__ = "login_failure"
    scope_global = True  # never shown in a page

    username = Column(String(256), primary_key=True)
    client_addr = Column(String(64), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    last_failure_at = Column(DateTime, nullable=False)
    blocked_until = Column(DateTime, nullable=True)


class RevokedCredential(Model):
    """A session cookie or a JWT that was signed out before it expired. Checked on every
    authenticated request, so a copy taken before sign-out no longer works."""

    __tablename__ = "revoked_credential"
    scope_global = True  # never shown in a page

    token_id = Column(String(64), primary_key=True)
    kind = Column(String(10), nullable=False)  # session / access / refresh
    user_id = Column(Integer, nullable=True, index=True)
    revoked_at = Column(DateTime, nullable=False)
    # After this the credential is invalid anyway: rows older than it may be purged.
    expires_at = Column(DateTime, nullable=False, index=True)


class AccessEpoch(Model):
    """One row, given a new random value by every write that changes who may do or see
    what (app/security/access_cache.py): processes remember access answers while it
    stays the same."""

    __tablename__ = "access_epoch"
    scope_global = True  # never shown in a page

    id = Column(Integer, primary_key=True)
    version = Column(BigInteger, nullable=False)
