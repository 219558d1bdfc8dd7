"""The app starts, the login page shows, and every role's demo user reaches the home page."""
from tests.helpers import login


def test_login_page_renders(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'name="csrf_token"' in response.get_data(as_text=True)


def test_agent_logs_in_and_sees_own_estate_only(as_user):
    page = as_user("agent_a").get("/").get_data(as_text=True)
    assert "Estate A" in page and "Estate B" not in page


def test_wrong_password_is_refused(client):
    response = login(client, "agent_a", "not-the-password")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
