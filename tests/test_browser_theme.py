"""In headless Chromium: the theme on a tablet at the front desk (820 x 1180, touch) and at
a desk (1366 x 768): the menu collapses, forms go single-column, wide tables scroll inside
their box instead of widening the page, the list's header row and search panel stay in
view, active filters are shown, and touch targets are at least 40 px."""
from __future__ import annotations

import pytest

from tests.browser import chromium_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(chromium_path() is None,
                                 reason="Chromium is not installed (bin/setup installs it)")]

TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1366, "height": 768}


def _no_sideways_scroll(page, what: str) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{what} is {width[0]} px wide in a {width[1]} px window"


def _style(page, selector: str, prop: str) -> str:
    return page.evaluate("([s, p]) => getComputedStyle(document.querySelector(s))[p]",
                         [selector, prop])


def _small_targets(page, selector: str) -> list[str]:
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .filter(e => e.offsetParent !== null)
        .filter(e => { const r = e.getBoundingClientRect(); return r.height < 40 || r.width < 40; })
        .map(e => e.outerHTML.slice(0, 120))""", selector)


def test_tablet_at_the_front_desk(live_server, browser):
    base = live_server
    context = browser.new_context(viewport=TABLET, has_touch=True, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(30000)
        sign_in(page, base, "admin", lang="zh_Hans")
        page.goto(f"{base}/estateview/list/")
        assert page.evaluate("document.documentElement.lang") == "zh-Hans"
        assert "Noto Sans CJK SC" in _style(page, "body", "fontFamily")
        assert _style(page, "body", "fontSize") == "15px"
        _no_sideways_scroll(page, "the estate list")

        # The menu hides behind its toggle and opens into one column of 40 px entries.
        assert page.is_visible(".navbar-toggle")
        assert not page.is_visible(".navbar-collapse")
        page.click(".navbar-toggle")
        page.wait_for_selector(".navbar-collapse.in")
        assert not _small_targets(page, ".navbar-nav > li > a")
        page.click(".navbar-toggle")

        # The list: header row sticky inside a box that scrolls both ways; search panel sticky.
        assert _style(page, ".well + .table-responsive > table > thead th", "position") == "sticky"
        assert _style(page, ".well + .table-responsive", "overflowX") == "auto"
        assert _style(page, ".well + .table-responsive", "maxHeight") != "none"
        assert _style(page, "#accordion1", "position") == "sticky"
        assert not _small_targets(page, ".btn"), "buttons under 40 px on a touch screen"
        # Numbers line up on the right (households), text stays left.
        numeric = page.evaluate("""[...document.querySelectorAll(
            '.well + .table-responsive > table > thead th')]
            .map(th => th.classList.contains('num'))""")
        assert numeric[-2] is True and numeric.count(True) == 1  # the household count

        # Active filters: the search panel opens and says how many are set.
        page.goto(f"{base}/estateview/list/?_flt_0_code=EST")
        assert page.is_visible("#filter_form table.filters tbody tr")
        assert page.inner_text("#accordion1 .theme-filter-count") == "1"
        page.click("#accordion1 .accordion-toggle")
        page.wait_for_selector("#accordion1_href:not(.in)", state="attached")
        assert page.locator("#filter_form table.filters tbody tr").count() == 1  # still set

        # Forms: one column, the label above its field.
        page.goto(f"{base}/estateview/add")
        _no_sideways_scroll(page, "the estate form")
        label, field = page.evaluate("""(() => {
            const cells = document.querySelector('#model_form table tr').cells;
            return [cells[0].getBoundingClientRect().toJSON(),
                    cells[1].getBoundingClientRect().toJSON()]; })()""")
        assert label["bottom"] <= field["top"] + 1 and abs(label["left"] - field["left"]) < 2

        for path in ("/", "/workorderview/list/", "/servicerecordview/add"):
            page.goto(f"{base}{path}")
            _no_sideways_scroll(page, path)
        page.goto(f"{base}/logout/")
        page.goto(f"{base}/login/")
        _no_sideways_scroll(page, "the login page")
    finally:
        context.close()


def test_desk_layout_and_traditional_fonts(live_server, browser):
    base = live_server
    context = browser.new_context(viewport=DESKTOP, locale="zh-TW")
    try:
        page = context.new_page()
        page.set_default_timeout(30000)
        sign_in(page, base, "admin", lang="zh_Hant")
        page.goto(f"{base}/estateview/add")
        assert page.evaluate("document.documentElement.lang") == "zh-Hant"
        fonts = _style(page, "body", "fontFamily")
        assert fonts.index("PingFang TC") < fonts.index("Noto Sans CJK TC")
        assert "Noto Sans CJK SC" not in fonts
        assert not page.is_visible(".navbar-toggle")
        _no_sideways_scroll(page, "the estate form")
        label, field = page.evaluate("""(() => {
            const cells = document.querySelector('#model_form table tr').cells;
            return [cells[0].getBoundingClientRect().toJSON(),
                    cells[1].getBoundingClientRect().toJSON()]; })()""")
        assert label["right"] <= field["left"] + 1  # label beside its field at a desk
        # Keyboard focus shows: a visible ring on the focused field.
        page.focus("#model_form input[type=text], #model_form input:not([type=hidden])")
        assert _style(page, ":focus", "boxShadow") != "none"
    finally:
        context.close()
