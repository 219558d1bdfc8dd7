"""In headless Chromium: the front desk registers an emergency repair, dispatches it, the
technician arrives, quotes, completes it, the customer accepts, and the repair form prints
(R-WO-1, R-WO-2, R-WO-5, R-PR)."""
from __future__ import annotations

import re

import pytest

from tests.browser import chromium_page, chromium_path, live_server, signed_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser

def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/logout/")
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    signed_in(page, username)

def choose(page, select: str, text: str) -> None:
    """Pick an option of a select2-enhanced <select> by its visible text."""
    page.evaluate(
        """([selector, text]) => {
            const select = document.querySelector(selector);
            const option = [...select.options].find(o => o.text.includes(text));
            if (!option) throw new Error('no option ' + text + ' in ' + selector);
            select.value = option.value;
            select.dispatchEvent(new Event('change', {bubbles: true}));
        }""", [select, text])

@pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (bin/setup installs it)")
def test_emergency_repair_from_registration_to_print(tmp_path):
    with live_server(tmp_path) as base, chromium_page() as page:
        sign_in(page, base, "agent_a")
        page.goto(f"{base}/workorderview/add")
        choose(page, "#category", "Water leak")
        page.check("#emergency")
        choose(page, "#estate", "Estate A")
        choose(page, "#unit", "A-1501")
        page.fill("#description", "Burst pipe under the kitchen sink")
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url(re.compile(r".*/workorderview/show/\d+"))
        show_url = page.url
        assert "Burst pipe" in page.content()
        number = re.search(r"WO-\d{4}-\d{6}", page.content()).group(0)

        def step(action: str, fill: dict | None = None) -> None:
            page.goto(show_url)
            page.locator(f"a[id$='.action-{action}']").click()
            page.wait_for_url(re.compile(rf".*/transition/{action}.*"))
            for name, value in (fill or {}).items():
                if name.startswith("select:"):
                    page.select_option(f"#{name[7:]}", label=value)
                elif value is True:
                    page.check(f"#{name}")
                else:
                    page.fill(f"#{name}", value)
            page.click("#transition-submit")
            page.wait_for_url(re.compile(r".*/workorderview/show/\d+"))

        step("dispatch", {"select:technician_id": "Tech_A Test"})
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
