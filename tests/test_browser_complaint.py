"""In headless Chromium, in Traditional Chinese (zh_Hant): the front desk registers a
complaint, a supervisor classifies it major, it reaches the general manager, and the
director (deputy general manager) approves a 15,000-yuan company-liable claim
(R-CP-1, R-CP-3, R-CP-5, R-CO-3)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.models.base import local_now
from tests.browser import choose, chromium_path, hant, pick, sign_in, take
from tests.helpers import PNG
from tests.world import PASSWORD

# One live server and one Chromium for all browser tests (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def api(page, base: str, username: str):
    """Calls of the REST API as `username` (JWT), without the browser's session cookie."""
    request = page.context.browser.new_context().request
    token = request.post(f"{base}/api/v1/security/login", data={
        "username": username, "password": PASSWORD, "provider": "db",
        "refresh": False}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def call(method: str, path: str, **kwargs):
        response = getattr(request, method)(f"{base}{path}", headers=headers, **kwargs)
        assert response.ok, (path, response.status, response.text())
        return response.json()

    return call


@pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (bin/setup installs it)")
def test_major_complaint_reaches_the_gm_and_the_director_approves_a_claim(live_server, page):
    base = live_server
    # The front desk registers the complaint, in Traditional Chinese.
    sign_in(page, base, "agent_a", lang="zh_Hant")
    page.goto(f"{base}/complaintview/add")
    assert hant("Customer service") in page.inner_text(".navbar")
    choose(page, "#source", value="phone")
    choose(page, "#estate", text="Estate A")
    pick(page, "unit", "A-1501")
    page.fill("#complainant_name", "陳大文")
    page.fill("#complainant_phone", "91234567")
    page.fill("#event_time", (local_now() - timedelta(hours=3))
              .strftime("%Y-%m-%dT%H:%M"))
    page.fill("#event_place", "A座大堂")
    page.fill("#subject", "夜更保安員")
    choose(page, "#matter", value="security")
    page.fill("#description", "凌晨兩點保安員讓陌生人進入大堂。")
    page.fill("#customer_request", "道歉並加強門禁")
    page.fill("#immediate_reply", "已向住戶致歉，今日內跟進。")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()
    if "/show/" not in page.url:
        errors = page.evaluate("""() => [...document.querySelectorAll('.has-error, .help-block')]
            .map(e => (e.closest('tr') || e).innerText.slice(0, 80)).filter(t => t.trim())""")
        raise AssertionError(f"registration refused: {errors}")
    page.wait_for_url(re.compile(r".*/complaintview/show/\d+"))
    show_url = page.url
    complaint_id = int(show_url.rstrip("/").rsplit("/", 1)[1])
    number = re.search(r"CP-\d{4}-\d{6}", page.content()).group(0)
    assert hant("Registered") in page.content()

    # A supervisor classifies it major (reported by the media, R-CP-4 d).
    sign_in(page, base, "supervisor_a", lang="zh_Hant")
    take(page, show_url, "classify", {"select:complaint_class": "major",
                                      "class_reason": "傳媒已報道", "major_criteria": "d"})
    assert hant("Major complaint") in page.content()

    # It is in the general manager's hands the same day (R-CP-5).
    sign_in(page, base, "gm", lang="zh_Hant")
    page.goto(f"{base}/queue/mine")
    assert number in page.content()
    take(page, show_url, "receive_as_gm")
    assert hant("With the general manager") in page.content()

    # A 15,000-yuan company-liable claim: raised by the front desk, reviewed by the CS
    # centre manager (above 10,000, R-CO-3), then in the director's approval queue.
    agent = api(page, base, "agent_a")
    claim = agent("post", "/api/v1/compensation/", data={
        "complaint": complaint_id, "kind": "compensation", "liability": "company",
        "amount": "15000.00", "loss_description": "住戶手提電腦被盜",
        "proposal": "按發票賠償"})["id"]
    version = agent("get", f"/api/v1/compensation/{claim}")["result"]["version"]
    agent("post", f"/api/v1/compensation/{claim}/evidence", multipart={
        "kind": "evidence", "version": str(version),
        "files": {"name": "invoice.png", "mimeType": "image/png", "buffer": PNG}})
    for user, name in (("agent_a", "submit"), ("manager_a", "review")):
        call = api(page, base, user)
        version = call("get", f"/api/v1/compensation/{claim}")["result"]["version"]
        call("post", f"/api/v1/compensation/{claim}/transition/{name}",
             data={"version": version, "data": {}})

    sign_in(page, base, "deputy", lang="zh_Hant")
    page.goto(f"{base}/approvals/")
    assert hant("Approval queue") in page.content()
    row = page.locator("#queue a", has_text="CO-")
    claim_number = row.first.inner_text()
    row.first.click()
    page.wait_for_url(re.compile(r".*/show/\d+"))
    take(page, page.url, "approve")
    assert hant("Approved") in page.content()
    assert claim_number in page.content()
