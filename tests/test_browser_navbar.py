"""In headless Chromium: the navbar never wraps onto a second line (which would cover the
top of the page). For the admin, who sees every category, in English, Simplified and
Traditional Chinese, at the widths of tablets and office monitors, it is either on one line
or collapsed behind its toggle, and every entry of it (and of its open menus) is on screen
and reachable; on tablets every entry is at least 44 px high. One page, resized: the
layout follows the window without a reload."""
from __future__ import annotations

import pytest

from tests.browser import chromium_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(chromium_path() is None,
                                 reason="Chromium is not installed (bin/setup installs it)")]

LANGUAGES = ("en", "zh_Hans", "zh_Hant")
WIDTHS = (768, 1024, 1200, 1240, 1279, 1280, 1366, 1920)
HEIGHT = 768
TABLET = 1024  # at or below: touch sizes, every tap target ≥ 44 px

# The navbar's own items and where they are; which of them nothing covers.
LAYOUT = """() => {
  const nav = document.getElementById('navbar');
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const toggle = nav.querySelector('.navbar-toggle');
  const items = [...nav.querySelectorAll(
      '.navbar-header, .navbar-collapse > .navbar-nav > li, .navbar-collapse > .navbar-form')];
  return {
    classes: nav.className,
    height: nav.getBoundingClientRect().height,
    toggle: shown(toggle) ? toggle.getBoundingClientRect().toJSON() : null,
    menuShown: shown(nav.querySelector('.navbar-collapse')),
    items: items.filter(shown).map(e => {
      const box = e.getBoundingClientRect();
      return {what: e.innerText.trim().split('\\n')[0] || e.id || e.className,
              top: box.top, bottom: box.bottom, left: box.left, right: box.right,
              height: box.height};
    }),
    pageWidth: document.documentElement.scrollWidth,
  };
}"""

# Every entry (top-level, and each entry of each dropdown opened in turn): off screen, or
# covered by something else where one would tap it. Returns what fails, and the heights.
UNREACHABLE = """() => {
  const nav = document.getElementById('navbar');
  const width = window.innerWidth, height = window.innerHeight;
  const problems = [], heights = [];
  const check = (a, what) => {
    a.scrollIntoView({block: 'nearest', inline: 'nearest'});
    const box = a.getBoundingClientRect();
    heights.push([what, box.height]);
    if (!box.width || !box.height) { problems.push(what + ': not shown'); return; }
    if (box.left < 0 || box.right > width + 0.5 || box.top < 0 || box.bottom > height + 0.5) {
      problems.push(what + ': off screen ' + JSON.stringify(box.toJSON())); return;
    }
    const hit = document.elementFromPoint((box.left + box.right) / 2, (box.top + box.bottom) / 2);
    if (!hit || !(a === hit || a.contains(hit))) {
      problems.push(what + ': covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing'));
    }
  };
  const top = [...nav.querySelectorAll(
      '.navbar-brand, .navbar-collapse > .navbar-nav > li > a, .navbar-form input')];
  top.forEach(a => check(a, a.textContent.trim() || a.getAttribute('aria-label') || a.title));
  for (const li of nav.querySelectorAll('.navbar-collapse > .navbar-nav > li.dropdown')) {
    const name = li.querySelector('a').textContent.trim();
    li.classList.add('open');  // what Bootstrap's dropdown does on a click
    for (const a of li.querySelectorAll('.dropdown-menu > li > a')) {
      check(a, name + ' > ' + a.textContent.trim());
    }
    li.classList.remove('open');
  }
  window.scrollTo(0, 0);
  nav.querySelector('.navbar-collapse').scrollTop = 0;
  return {problems, heights};
}"""


def _settled(page) -> None:
    """The navbar's layout after a resize is chosen on the next animation frame."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _reachable(page, where: str, width: int) -> None:
    found = page.evaluate(UNREACHABLE)
    assert not found["problems"], f"{where}: {found['problems']}"
    if width <= TABLET:
        small = [(what, h) for what, h in found["heights"] if h < 44]
        assert not small, f"{where}: tap targets under 44 px: {small}"


def test_navbar_stays_on_one_line(live_server, browser):
    base = live_server
    context = browser.new_context(viewport={"width": 1240, "height": HEIGHT}, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(30000)
        sign_in(page, base, "admin")
        for lang in LANGUAGES:
            page.set_viewport_size({"width": 1240, "height": HEIGHT})
            page.goto(f"{base}/lang/{lang}")
            page.goto(f"{base}/")  # laid out at load at 1240 px, then on each resize
            name = page.locator("#user-menu .theme-nav-text").text_content().strip()
            assert name, "the user menu names nobody"
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                _settled(page)
                where = f"{lang} at {width} px"
                layout = page.evaluate(LAYOUT)
                assert layout["pageWidth"] <= width, f"{where}: the page scrolls sideways"
                if layout["toggle"] is None:
                    # One line: every item starts above the bottom of the shortest one, and
                    # the bar is not as high as two of its items.
                    items = layout["items"]
                    first_bottom = min(item["bottom"] for item in items)
                    wrapped = [item["what"] for item in items if item["top"] >= first_bottom]
                    assert not wrapped, f"{where}: on a second line: {wrapped} ({layout})"
                    tallest = max(item["height"] for item in items)
                    assert layout["height"] < 2 * tallest, f"{where}: {layout}"
                    assert "theme-nav-collapsed" not in layout["classes"]
                    # An icon still says what it is.
                    assert page.get_by_role("button", name=name, exact=True).is_visible(), where
                    _reachable(page, where, width)
                else:
                    # Collapsed: only the bar and its 44 px toggle show, and the toggle
                    # opens every entry in one column.
                    toggle = layout["toggle"]
                    assert not layout["menuShown"], f"{where}: the menu shows beside its toggle"
                    assert toggle["width"] >= 44 and toggle["height"] >= 44, where
                    assert 0 <= toggle["left"] and toggle["right"] <= width, where
                    assert layout["height"] < 2 * toggle["height"], f"{where}: {layout}"
                    page.click(".navbar-toggle")
                    page.wait_for_selector("#navbar-menu.in")
                    assert page.get_attribute(".navbar-toggle", "aria-expanded") == "true"
                    _reachable(page, where + " (opened)", width)
                    page.click(".navbar-toggle")
                    page.wait_for_selector("#navbar-menu", state="hidden")
                # Office monitors keep the menu in the bar; a wide one spells out everything.
                if width >= 1280:
                    assert layout["toggle"] is None, f"{where}: collapsed"
                if width == 1920:
                    assert "theme-nav-compact" not in layout["classes"], where
                    assert page.locator("#user-menu .theme-nav-text").is_visible(), where
    finally:
        context.close()
