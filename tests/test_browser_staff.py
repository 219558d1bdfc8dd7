"""In headless Chromium, in Traditional Chinese: the admin onboards a technician for one
estate in one screen; the technician signs in and sees that estate's rows only
(R-ORG-3, R-ORG-4)."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.browser import chromium_path, hant, sign_in
from tests.world import PASSWORD

# One live server and one Chromium for all browser tests (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _api(base: str, path: str, body: dict | None, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"{base}{path}", data=json.dumps(body).encode() if body is not None else None,
        headers=headers, method="POST" if body is not None else "GET")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def register_repair(base: str, username: str, estate: int, unit: int, text: str) -> str:
    """A work order registered by the front desk through the REST API; its number."""
    token = _api(base, "/api/v1/security/login", {
        "username": username, "password": PASSWORD, "provider": "db",
        "refresh": False})["access_token"]
    created = _api(base, "/api/v1/work_order/", {
        "source": "resident_phone", "category": "plumbing", "emergency": False,
        "estate": estate, "unit": unit, "description": text}, token)
    return _api(base, f"/api/v1/work_order/{created['id']}", None, token)["result"]["number"]


def pick(page, select: str, text: str) -> None:
    """Select one more option of a multiple <select> (select2-enhanced) by its text."""
    page.evaluate(
        """([selector, text]) => {
            const select = document.querySelector(selector);
            const option = [...select.options].find(o => o.text.includes(text));
            if (!option) throw new Error('no option ' + text + ' in ' + selector);
            option.selected = true;
            select.dispatchEvent(new Event('change', {bubbles: true}));
            if (window.jQuery) window.jQuery(select).trigger('change');
        }""", [select, text])


@pytest.mark.skipif(chromium_path() is None,
                    reason="Chromium is not installed (bin/setup installs it)")
def test_admin_onboards_a_technician_who_sees_one_estate(live_server, page):
    from tests.scratch_db import built_template

    base = live_server
    # The live server's database is a copy of the run's template: the same organisation.
    # (Not the `world` fixture: it would swap the database session under the server.)
    world = built_template("sqlite://").world
    mine = register_repair(base, "agent_a", world.estate_a, world.unit_a, "Onboarding: tap A")
    other = register_repair(base, "agent_b", world.estate_b, world.unit_b, "Onboarding: tap B")

    sign_in(page, base, "admin", lang="zh_Hant")
    page.goto(f"{base}/")
    navbar = page.inner_html(".navbar")  # the entries of closed dropdowns too
    assert hant("Staff") in navbar and hant("Administration") in navbar
    page.goto(f"{base}/staff/add")
    page.fill("#username", "chan_taiman")
    page.fill("#first_name", "陳大文")
    page.fill("#password", PASSWORD)
    pick(page, "#roles", hant("Technician"))
    pick(page, "#departments", "Engineering A")
    pick(page, "#estates", "Estate A")
    page.fill("#job_title", hant("Technician"))
    # The preview follows the roles chosen: a technician's menu has My work.
    page.wait_for_function(
        "text => document.querySelector('#preview-panel').innerText.includes(text)",
        arg=hant("My work"))
    assert hant("Approval queue") not in page.inner_text("#preview-panel")
    page.click("#staff-save")
    page.wait_for_url(re.compile(r".*/staff/edit/\d+"))
    page.goto(f"{base}/staff/?q=chan_taiman")
    row = page.inner_text("#staff-list tr[data-login=chan_taiman]")
    assert "陳大文" in row and hant("Technician") in row and "Estate A" in row

    page.goto(f"{base}/logout/")
    sign_in(page, base, "chan_taiman")
    page.goto(f"{base}/unitview/list/")
    units = page.content()
    assert "A-1501" in units and "A-1502" in units
    assert "B-1501" not in units and "Estate B" not in units
    page.goto(f"{base}/workorderview/list/")
    orders = page.content()
    assert mine in orders and "Estate A" in orders
    assert other not in orders and "Estate B" not in orders
    # The estate filter of the technician's queue offers that estate only.
    page.goto(f"{base}/queue/mine")
    offered = page.eval_on_selector_all(
        "#queue-filters select[name=estate] option[value]:not([value=''])",
        "options => options.map(o => o.textContent.trim())")
    assert offered == ["Estate A"]
