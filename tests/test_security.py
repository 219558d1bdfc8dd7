"""Security baseline: CSRF, no state change on GET, cookies, secrets, lockout, rate limit,
password policy, headers, permission refusals."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import Resident
from app.security.passwords import password_problem
from tests.helpers import csrf_token, login
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


def _login_from(client, addr: str, username: str, password: str):
    return client.post("/login/", data={"username": username, "password": password,
                                        "csrf_token": csrf_token(client)},
                       environ_base={"REMOTE_ADDR": addr})


def test_failed_sign_ins_slow_down_that_address_only(app, client):
    """A stranger's wrong passwords cannot lock the director out (throttle per address)."""
    stranger = app.test_client()
    for _ in range(app.config["LOGIN_THROTTLE_AFTER"]):
        _login_from(stranger, "10.9.9.9", "agent_b", "wrong-password-123")
    refused = _login_from(stranger, "10.9.9.9", "agent_b", PASSWORD)
    assert "/login/" in refused.headers["Location"], "the throttled address must wait"
    page = stranger.get("/login/").get_data(as_text=True)
    assert "Try again in" in page
    # The owner at their own desk signs in at once.
    assert _login_from(client, "10.1.1.1", "agent_b", PASSWORD).headers["Location"] \
        .endswith("/")


def test_throttle_lifts_and_doubles(app):
    from datetime import timedelta

    from app.models.base import local_now
    from app.security import throttle

    with app.test_request_context():
        session = app.appbuilder.session
        start = local_now()
        for _ in range(app.config["LOGIN_THROTTLE_AFTER"]):
            throttle.record_failure(session, "Someone", "10.2.2.2", start)
        first = throttle.wait_seconds(session, "someone", "10.2.2.2", start)
        assert first == app.config["LOGIN_THROTTLE_FIRST_SECONDS"]
        throttle.record_failure(session, "someone", "10.2.2.2", start)
        assert throttle.wait_seconds(session, "someone", "10.2.2.2", start) == 2 * first
        later = start + timedelta(seconds=2 * first + 1)
        assert throttle.wait_seconds(session, "someone", "10.2.2.2", later) == 0
        assert throttle.wait_seconds(session, "someone", "10.3.3.3", start) == 0


def test_api_sign_in_is_throttled_with_429(app):
    api = app.test_client()
    for _ in range(app.config["LOGIN_THROTTLE_AFTER"]):
        api.post("/api/v1/security/login", json={"username": "agent_b", "password": "nope-nope-1",
                                                 "provider": "db"},
                 environ_base={"REMOTE_ADDR": "10.4.4.4"})
    response = api.post("/api/v1/security/login", json={
        "username": "agent_b", "password": PASSWORD, "provider": "db"},
        environ_base={"REMOTE_ADDR": "10.4.4.4"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_login_rate_limit(app):
    from app import create_app

    limited = create_app("test", AUTH_RATE_LIMITED=True, RATELIMIT_ENABLED=True,
                         AUTH_RATE_LIMIT="3 per minute", SQLALCHEMY_DATABASE_URI=app.config[
                             "SQLALCHEMY_DATABASE_URI"], FAB_UPDATE_PERMS=False)
    c = limited.test_client()
    token = csrf_token(c)
    statuses = [c.post("/login/", data={"username": "ghost", "password": "x" * 12,
                                         "csrf_token": token}).status_code for _ in range(5)]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [429, 429]


def test_api_login_rate_limit(app):
    from app import create_app

    limited = create_app("test", AUTH_RATE_LIMITED=True, RATELIMIT_ENABLED=True,
                         AUTH_RATE_LIMIT="3 per minute", SQLALCHEMY_DATABASE_URI=app.config[
                             "SQLALCHEMY_DATABASE_URI"], FAB_UPDATE_PERMS=False)
    c = limited.test_client()
    statuses = [c.post("/api/v1/security/login", json={
        "username": "ghost", "password": "x" * 12, "provider": "db"}).status_code
        for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]


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


# --- production start (issue: it starts in production) ---------------------------------

def test_production_boots_with_a_real_key_and_shared_rate_limits(monkeypatch, app):
    import secrets

    from app import create_app

    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(36))  # 48 characters
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/15")
    # On the test database, whose permissions are synced already (tests/scratch_db.py).
    prod = create_app("production", SQLALCHEMY_DATABASE_URI=app.config[
        "SQLALCHEMY_DATABASE_URI"], FAB_UPDATE_PERMS=False)
    assert prod.config["SECRET_KEY"] == __import__("os").environ["SECRET_KEY"]
    assert prod.config["SESSION_COOKIE_SECURE"]
    assert prod.test_client().get("/health").json == {"status": "ok", "database": "ok"}


def test_production_refuses_worker_local_rate_limits(monkeypatch):
    import secrets

    from app import create_app

    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(36))
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app("production")


def test_development_key_is_random_and_kept(tmp_path):
    from config import PUBLISHED_KEYS, instance_secret_key

    first = instance_secret_key(tmp_path)
    assert len(first) >= 32 and first not in PUBLISHED_KEYS
    assert instance_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert instance_secret_key(tmp_path / "other") != first


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json["status"] == "ok"


# --- sign-out revokes ------------------------------------------------------------------

def test_session_cookie_copied_before_logout_stops_working(app, world):
    browser = app.test_client()
    assert login(browser, "agent_a").status_code == 302
    stolen = app.test_client()
    cookie = browser.get_cookie("session")
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/residentview/list/").status_code == 200
    browser.get("/logout/")
    response = stolen.get("/residentview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_jwt_stops_working_after_logout(api_as):
    api = api_as("agent_a")
    assert api.get("/api/v1/resident/").status_code == 200
    assert api.post("/api/v1/security/logout").status_code == 200
    assert api.get("/api/v1/resident/").status_code == 401


def test_malformed_jwt_is_401(client):
    response = client.get("/api/v1/resident/", headers={"Authorization": "Bearer not.a.jwt"})
    assert response.status_code == 401
    response = client.get("/api/v1/resident/", headers={"Authorization": "Bearer x"})
    assert response.status_code == 401


def test_cookie_authenticated_api_write_needs_csrf_token(app, world, as_user):
    browser = as_user("agent_a")
    payload = {"unit": world.unit_a, "name": "Cookie Write", "relation": "owner"}
    refused = browser.post("/api/v1/resident/", json=payload)
    assert refused.status_code == 400
    assert app.appbuilder.session.query(Resident).filter_by(name="Cookie Write").count() == 0
    token = csrf_token(browser, "/residentview/add")
    accepted = browser.post("/api/v1/resident/", json=payload, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.get_data(as_text=True)


def test_database_errors_never_show_sql(api_as, world):
    api = api_as("admin")
    # A unit number is unique within its building: the second insert fails in the database.
    unit = api.get(f"/api/v1/unit/{world.unit_a}").json["result"]
    response = api.post("/api/v1/unit/", json={"building": unit["building"]["id"]
                                               if isinstance(unit.get("building"), dict)
                                               else unit.get("building.id"),
                                               "number": unit["number"]})
    body = response.get_data(as_text=True)
    assert response.status_code in (400, 422), body
    assert "SQL" not in body and "INSERT" not in body and "Database exception" not in body
