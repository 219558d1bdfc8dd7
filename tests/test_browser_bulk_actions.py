"""Bulk actions say what they will do and to how many rows before they do it
(app/views/confirmations.py, templates/lists/list.html): in headless Chromium, in
Simplified Chinese, two residents checked, "Record move-out" asks about 2 residents;
cancelling changes nothing. A detail page keeps its one-row confirmation."""
from __future__ import annotations

import json
import re

import pytest
from babel.support import Translations

from config import BaseConfig
from tests.browser import chromium_path, sign_in

MOVE_OUT = "Record today as the move-out date of %(count)d residents?"
ONE_ROW = "Record today as the move-out date?"


def zh_hans(msgid: str) -> str:
    """The Simplified Chinese of a message id, from the catalog the app serves."""
    text = Translations.load(BaseConfig.BABEL_TRANSLATION_DIRECTORIES,
                             ["zh_Hans"]).gettext(msgid)
    assert text != msgid, f"{msgid!r} has no zh_Hans translation"
    return text


def test_list_and_detail_pages_carry_their_confirmations(app, world, as_user):
    admin = as_user("admin")
    page = admin.get("/residentview/list/").get_data(as_text=True)
    texts = json.loads(re.search(r'<script id="bulk-confirmations" type="application/json">'
                                 r"(.*?)</script>", page, re.S).group(1))
    assert texts["move_out"] == {"one": ONE_ROW, "several": MOVE_OUT}
    # The detail page's button still asks its own question about the one row.
    detail = admin.get(f"/residentview/show/{world.resident_a}").get_data(as_text=True)
    assert f"execute_single('/residentview/action/move_out/{world.resident_a}'," \
           f"'{ONE_ROW}')" in detail.replace("\n", "")
    notifications = admin.get("/notificationview/list/")
    assert notifications.status_code == 200


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(chromium_path() is None,
                    reason="Chromium is not installed (bin/setup installs it)")
def test_bulk_action_asks_with_the_number_of_rows(live_server, page):
    base = live_server
    sign_in(page, base, "admin", lang="zh_Hans")
    page.goto(f"{base}/residentview/list/")

    def row(name: str):
        cell = page.locator("td", has_text=re.compile(rf"^\s*{name}\s*$"))
        return page.locator("tr").filter(has=cell).first

    before = [row(name).inner_text() for name in ("Resident A", "Resident B")]
    for name in ("Resident A", "Resident B"):
        row(name).locator("input.action_check").check()
    page.locator(".btn-group:has(.move_out_menu_item) > button.dropdown-toggle").click()
    page.locator(".move_out_menu_item").click()
    dialog = page.locator("#modal-confirm")
    dialog.wait_for(state="visible")
    text = dialog.locator(".modal-text").inner_text().strip()
    assert "2" in text
    assert text == zh_hans(MOVE_OUT).replace("%(count)d", "2")

    dialog.locator("button[data-dismiss=modal]").click()
    dialog.wait_for(state="hidden")
    page.goto(f"{base}/residentview/list/")
    assert [row(name).inner_text() for name in ("Resident A", "Resident B")] == before
