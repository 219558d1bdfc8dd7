"""In headless Chromium: the front desk registers an emergency repair, dispatches it, the
technician arrives, quotes, completes it, the customer accepts, and the repair form prints
(R-WO-1, R-WO-2, R-WO-5, R-PR)."""
from __future__ import annotations

import re

import pytest

from tests.browser import choose, chromium_path, pick, sign_in, take

# One live server and one Chromium for all browser tests (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (bin/setup installs it)")
def test_emergency_repair_from_registration_to_print(live_server, page):
    base = live_server
    sign_in(page, base, "agent_a")
    page.goto(f"{base}/workorderview/add")
    choose(page, "#category", "Water leak")
    page.check("#emergency")
    choose(page, "#estate", "Estate A")
    pick(page, "unit", "A-1501")
    page.fill("#description", "Burst pipe under the kitchen sink")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(re.compile(r".*/workorderview/show/\d+"))
    show_url = page.url
    assert "Burst pipe" in page.content()
    number = re.search(r"WO-\d{4}-\d{6}", page.content()).group(0)

    def step(action: str, fill: dict | None = None) -> None:
        take(page, show_url, action, fill)

    step("dispatch", {"select:technician_id": "Tech_A Test (tech_a)"})
    assert "Dispatched" in page.content()

    sign_in(page, base, "tech_a")
    mine = page.goto(f"{base}/queue/mine")
    assert number in page.content()
    step("accept")
    step("arrive")
    step("quote", {"labour_hours": "1", "fee": "120.00", "customer_consent": True})
    step("complete", {"work_done": "Replaced the trap and the seal"})
    step("customer_accept", {"signed_by": "Resident A",
                             "select:satisfaction": "Very satisfied"})
    assert "Accepted by customer" in page.content()
    history = page.inner_text("#history")
    for label in ("Dispatch", "Accept the job", "Arrived on site", "Work done"):
        assert label in history

    # Print the repair form in Traditional Chinese with English.
    page.select_option("#print-form", "repair_form")
    page.select_option("#print-lang", "zh_Hant")
    page.select_option("#print-second", "en")
    action = page.get_attribute("#print-panel form", "action")
    pdf = page.request.get(f"{base}{action}?form=repair_form&lang=zh_Hant&second=en")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-" and mine is not None
