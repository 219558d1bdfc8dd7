"""Failed sign-ins slow down one account from one address, never the account itself.

A lockout per account lets anyone who knows a login lock its owner out (five wrong
passwords for `director`). Here failures are counted per (account, client address): after
LOGIN_THROTTLE_AFTER failures that address waits LOGIN_THROTTLE_FIRST_SECONDS before it may
try that account again, twice as long after every further failure, up to
LOGIN_THROTTLE_MAX_SECONDS. The owner signing in from their own desk is not affected.
The per-address request limit (AUTH_RATE_LIMIT) bounds guessing across accounts.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.models.auth import LoginFailure
from app.models.base import local_now


def client_address() -> str:
    """The client's address (ProxyFix has already applied X-Forwarded-For when the app
    runs behind PROXY_COUNT proxies)."""
    if not has_request_context():
        return "local"
    return (request.remote_addr or "unknown")[:64]


def _key(username: str) -> str:
    return (username or "").strip().lower()[:256]


def wait_seconds(session: Session, username: str, addr: str,
                 now: datetime | None = None) -> int:
    """Seconds this address must still wait before trying this account again."""
    now = now or local_now()
    until = session.scalar(select(LoginFailure.blocked_until).where(
        LoginFailure.username == _key(username), LoginFailure.client_addr == addr))
    if until is None or until <= now:
        return 0
    return max(1, math.ceil((until - now).total_seconds()))


def _delay(failures: int) -> timedelta | None:
    config = current_app.config
    after = int(config.get("LOGIN_THROTTLE_AFTER", 5))
    if failures < after:
        return None
    seconds = int(config.get("LOGIN_THROTTLE_FIRST_SECONDS", 30)) * 2 ** min(failures - after,
                                                                             20)
    return timedelta(seconds=min(seconds, int(config.get("LOGIN_THROTTLE_MAX_SECONDS", 900))))


def record_failure(session: Session, username: str, addr: str,
                   now: datetime | None = None) -> None:
    now = now or local_now()
    key = _key(username)
    where = (LoginFailure.username == key, LoginFailure.client_addr == addr)
    failures = session.scalar(select(LoginFailure.failures).where(*where))
    if failures is None:
        failures = 1
        session.execute(insert(LoginFailure).values(
            username=key, client_addr=addr, failures=1, last_failure_at=now))
    else:
        failures += 1
        session.execute(update(LoginFailure).where(*where).values(
            failures=failures, last_failure_at=now))
    delay = _delay(failures)
    if delay is not None:
        session.execute(update(LoginFailure).where(*where).values(blocked_until=now + delay))


def clear(session: Session, username: str, addr: str) -> None:
    """A successful sign-in forgets this address's failures for the account."""
    session.execute(delete(LoginFailure).where(LoginFailure.username == _key(username),
                                               LoginFailure.client_addr == addr))
