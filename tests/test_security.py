"""Security baseline: CSRF, no state change on GET, cookies, secrets, lockout, rate limit,
password policy, headers, permission refusals."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.models import Resident
from app.security.passwords import password_problem
from tests.conftest import csrf_token, login
from tests.world import PASSWORD


def test_post_without_csrf_token_is_refused(app, world, as_user):
    agent = as_user("agent_a")
    response = agent.post(f"/residentview/edit/{world.resident_a}",
                          data={"name": "Changed", "unit": world.unit_a, "relation": "owner"})
    assert response.status_code == 400
    assert app.appbuilder.session.get(Resident, world.resident_a).name == "Resident A"


def test_delete_and_action_on_get_change_nothing(app, world, as_user):
    supervisor = as_user("matrix_a")
    supervisor.get(f"/residentview/delete/{world.resident_a}")
    response = supervisor.get(f"/residentview/action/move_out/{world.resident_a}")
    assert response.status_code == 405
    resident = app.appbuilder.session.get(Resident, world.resident_a)
    assert resident is not None and resident.move_out_date is None


def test_session_cookie_flags(app, client):
    response = login(client, "agent_a")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["PERMANENT_SESSION_LIFETIME"] <= timedelta(hours=1)


def test_production_refuses_default_or_short_secret(monkeypatch):
    from app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "dev-only-not-secret")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_security_headers(client):
    headers = client.get("/login/").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"


def test_account_locks_after_repeated_failures_and_unlocks_later(app, client):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, "agent_b", "wrong-password-123")
    refused = login(client, "agent_b", PASSWORD)
    assert "/login/" in refused.headers["Location"], "locked account must not sign in"
    page = client.get("/login/").get_data(as_text=True)
    assert "locked" in page
    # The window passes: the lock lifts without an administrator.
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="agent_b")
        user.changed_on = datetime.now() - timedelta(
            minutes=app.config["LOGIN_LOCKOUT_MINUTES"] + 1)
        app.appbuilder.session.commit()
    assert login(client, "agent_b", PASSWORD).headers["Location"].endswith("/")


def test_login_rate_limit(app):
    from app import create_app

    limited = create_app("test", AUTH_RATE_LIMITED=True, RATELIMIT_ENABLED=True,
                         AUTH_RATE_LIMIT="3 per minute", SQLALCHEMY_DATABASE_URI=app.config[
                             "SQLALCHEMY_DATABASE_URI"])
    c = limited.test_client()
    token = csrf_token(c)
    statuses = [c.post("/login/", data={"username": "ghost", "password": "x" * 12,
                                         "csrf_token": token}).status_code for _ in range(5)]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [429, 429]


@pytest.mark.parametrize("password,ok", [
    ("short", False), ("password123", False), ("1234567890", False), ("aaaaaaaaaaaa", False),
    ("qwertyuiop", False), ("Wuye-Demo-2026", True), ("correct horse battery", True),
])
def test_password_policy(app, password, ok):
    with app.test_request_context():
        assert (password_problem(password) is None) is ok


def test_password_policy_applies_to_reset_form(app, world, as_user):
    agent = as_user("agent_a")
    response = agent.post("/resetmypassword/form", data={
        "password": "password123", "conf_password": "password123",
        "csrf_token": csrf_token(agent, "/resetmypassword/form")})
    assert "too common" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    response = client.get("/residentview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_missing_permission_is_refused(as_user, api_as):
    technician = as_user("tech_a")
    assert technician.get("/auditlogview/list/").status_code in (302, 403)
    assert technician.post("/residentview/add", data={
        "csrf_token": csrf_token(technician, "/resetmypassword/form")}).status_code in (302, 403)
    assert api_as("tech_a").post("/api/v1/resident/", json={"name": "x"}).status_code == 403
