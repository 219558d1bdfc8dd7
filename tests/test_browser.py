"""In headless Chromium: log in, switch to 繁體中文, see the menu in Traditional, open the
unit list and filter it."""
from __future__ import annotations

import re

import pytest

from tests.browser import chromium_path, hant
from tests.world import PASSWORD

# One live server and one Chromium for all browser tests (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (bin/setup installs it)")
def test_login_switch_to_traditional_and_filter_units(live_server, page):
    base = live_server
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "agent_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    assert "Estate A" in page.content()

    # The language switcher in the navbar (FAB's flag menu).
    page.click("#language-menu a.dropdown-toggle")
    page.click("#language-menu a[href$='/lang/zh_Hant']")
    page.wait_for_load_state()
    navbar = page.inner_text(".navbar")
    assert hant("Organisation") in navbar
    assert hant("Residents") in navbar

    page.goto(f"{base}/unitview/list/")
    assert "A-1501" in page.content() and "A-1502" in page.content()
    # Filter with FAB's filter widget (inside the collapsed "Search" panel).
    page.click("#accordion1 a.accordion-toggle")
    page.wait_for_selector("#accordion1_href.in")
    page.click("#filter_form button.dropdown-toggle:has-text('%s')"
               % hant("Add Filter"))
    page.click("#filter_form a.filter[name=number]")
    page.fill("#filter_form table.filters input[name^='_flt_']", "A-1501")
    page.click("#filter_form button[type=submit]:has-text('%s')" % hant("Search"))
    page.wait_for_load_state()
    content = page.content()
    assert "A-1501" in content and "A-1502" not in content
    assert "B-1501" not in content  # office B stays out of sight
