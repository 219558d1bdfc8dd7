"""Error pages and API errors in the reader's language (app/errors.py): no English page of
the web server's, a description the product gave is kept, the API answers in JSON, and a
server error still gets a page."""
from __future__ import annotations

import json
import re

import pytest

ENGLISH = re.compile(r"\b(Not Found|Forbidden|Internal Server Error|requested URL|"
                     r"permission to access|Method Not Allowed)\b")


@pytest.mark.parametrize("locale, not_found, forbidden", [
    ("zh_Hans", "页面或记录不存在", "您无权打开此页面"),
    ("zh_Hant", "頁面或記錄不存在", "您無權開啟此頁面"),
])
def test_error_pages_speak_the_readers_language(as_user, locale, not_found, forbidden):
    head = as_user("head_a")
    for url, status, wanted in (("/no-such-page", 404, not_found),
                                ("/unitview/show/999999", 404, not_found),
                                ("/approvals/", 403, forbidden)):
        response = head.get(f"{url}?_l_={locale}")
        body = response.get_data(as_text=True)
        assert response.status_code == status, url
        assert wanted in body and 'id="error-page"' in body, url
        assert not ENGLISH.search(body), (url, ENGLISH.search(body))
    # A description the product gave stays (a value out of range, translated).
    refused = head.get(f"/unitview/list/?page_UnitView=99999999999999999999&_l_={locale}")
    assert refused.status_code == 400 and ("超出范围" in refused.get_data(as_text=True)
                                           or "超出範圍" in refused.get_data(as_text=True))
    wrong_method = head.post("/workorderview/list/")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]


def test_api_errors_are_json_in_the_readers_language(api_as):
    api = api_as("head_a")
    response = api.get("/api/v1/no_such_resource/", headers={"Accept-Language": "zh-TW"})
    assert response.status_code == 404
    assert response.is_json and "頁面或記錄不存在" in response.json["message"]


def test_a_server_error_gets_a_page_without_the_database(app, as_user, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "HomeView.index", broken)
    response = as_user("head_a").get("/?_l_=zh_Hans")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "系统出现错误" in body and "boom" not in body and "Traceback" not in body


@pytest.mark.parametrize("locale, ok, cancel, none_selected", [
    ("zh_Hans", "确定", "取消", "未选择任何行"),
    ("zh_Hant", "確定", "取消", "未選擇任何行"),
])
def test_dialogs_speak_the_readers_language(as_user, locale, ok, cancel, none_selected):
    """FAB's confirmation and alert dialogs (buttons written in English in its templates,
    "No row selected" passed in English by its scripts)."""
    page = as_user("head_a").get(f"/workorderview/list/?_l_={locale}").get_data(as_text=True)
    confirm = page.split('id="modal-confirm"', 1)[1].split('id="modal-alert"', 1)[0]
    assert f">{cancel}<" in confirm and f">{ok}<" in confirm
    assert ">Cancel<" not in page and ">OK<" not in page
    texts = page.split('id="ab-alert-texts" type="application/json">', 1)[1].split("<", 1)[0]
    assert json.loads(texts) == {"No row selected": none_selected}
