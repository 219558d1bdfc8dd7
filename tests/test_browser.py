"""In headless Chromium: log in, switch to 繁體中文, see the menu in Traditional, open the
unit list and filter it."""
from __future__ import annotations

import re

import pytest
from babel.support import Translations

from config import BASE_DIR
from tests.browser import chromium_page, chromium_path, live_server
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def traditional(msgid: str) -> str:
    catalog = Translations.load(str(BASE_DIR / "translations"), ["zh_Hant"])
    text = catalog.gettext(msgid)
    assert text != msgid, f"{msgid!r} has no zh_Hant translation"
    return text


@pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (bin/setup installs it)")
def test_login_switch_to_traditional_and_filter_units(tmp_path):
    with live_server(tmp_path) as base, chromium_page() as page:
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
        assert traditional("Organisation") in navbar
        assert traditional("Residents") in navbar

        page.goto(f"{base}/unitview/list/")
        assert "A-1501" in page.content() and "A-1502" in page.content()
        # Filter with FAB's filter widget (inside the collapsed "Search" panel).
        page.click("#accordion1 a.accordion-toggle")
        page.wait_for_selector("#accordion1_href.in")
        page.click("#filter_form button.dropdown-toggle:has-text('%s')"
                   % traditional("Add Filter"))
        page.click("#filter_form a.filter[name=number]")
        page.fill("#filter_form table.filters input[name^='_flt_']", "A-1501")
        page.click("#filter_form button[type=submit]:has-text('%s')" % traditional("Search"))
        page.wait_for_load_state()
        content = page.content()
        assert "A-1501" in content and "A-1502" not in content
        assert "B-1501" not in content  # office B stays out of sight
