"""In headless Chromium, in Traditional Chinese (zh_Hant) at a Hong Kong estate: a
contractor work permit through the whole chain, every step clicked by a person of the
department it belongs to — the requesting department adds the workers with their photos
and submits, Finance takes the fee, Security vets and fills the permits, Customer Service
stamps, Administration laminates and Customer Service hands them out (R-FD-3)."""
from __future__ import annotations

import json
import re
import urllib.request
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Iterator

import pytest

from tests.browser import choose, chromium_path, hant, sign_in, take
from tests.world import PASSWORD

# One live server and one Chromium for all browser tests (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.slow]

HONG_KONG = {"name": "海濱花園", "region": "hong_kong", "script": "zh_Hant",
             "currency": "HKD"}


def _call(base: str, path: str, token: str, body: dict | None = None,
          headers: dict | None = None, method: str = "GET") -> tuple[dict, dict]:
    request = urllib.request.Request(
        f"{base}{path}", data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                 **(headers or {})}, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read()), dict(response.headers)


def _token(base: str, username: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/security/login", method="POST",
        data=json.dumps({"username": username, "password": PASSWORD, "provider": "db",
                         "refresh": False}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["access_token"]


def _put_estate(base: str, token: str, estate: int, values: dict) -> dict:
    current, headers = _call(base, f"/api/v1/estate/{estate}", token)
    _call(base, f"/api/v1/estate/{estate}", token, values,
          {"If-Match": headers["ETag"]}, method="PUT")
    return {key: current["result"][key] for key in values}


@contextmanager
def hong_kong_estate(base: str, estate: int) -> Iterator[None]:
    """Office B's estate as a Hong Kong estate (Traditional Chinese, Hong Kong dollars) for
    the test, as an admin would set it up; as it was afterwards, for the other tests."""
    token = _token(base, "admin")
    before = _put_estate(base, token, estate, HONG_KONG)
    try:
        yield
    finally:
        _put_estate(base, token, estate, before)


def portrait() -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (90, 120), (210, 225, 245))
    draw = ImageDraw.Draw(image)
    draw.ellipse((27, 16, 63, 58), fill=(70, 70, 80))
    draw.ellipse((10, 62, 80, 150), fill=(70, 70, 80))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.skipif(chromium_path() is None,
                    reason="Chromium is not installed (bin/setup installs it)")
def test_a_contractor_permit_through_the_whole_chain_in_hong_kong(live_server, page):
    from tests.scratch_db import built_template

    base = live_server
    world = built_template("sqlite://").world
    with hong_kong_estate(base, world.estate_b):
        # The requesting department (Engineering B's head) registers the request.
        sign_in(page, base, "head_b", lang="zh_Hant")
        page.goto(f"{base}/workpermitview/add")
        assert hant("Contractor work permits") in page.content()
        choose(page, "#estate", "海濱花園")
        page.fill("#company", "利達工程有限公司")
        page.fill("#person_in_charge", "鄭國輝")
        page.fill("#person_in_charge_phone", "91234567")
        page.fill("#work", "第二座 12 樓 B 室裝修")
        page.fill("#fee", "30")
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url(re.compile(r".*/workpermitview/show/\d+"))
        show_url = page.url
        assert "30.00 港元" in page.content() and hant("Being prepared") in page.content()

        for name, number in (("陳志強", "K123456(3)"), ("黃大文", "Y654321(8)")):
            page.fill("#worker-name", name)
            page.fill("#worker-id-number", number)
            page.set_input_files("#worker-photo", files=[{
                "name": "photo.png", "mimeType": "image/png", "buffer": portrait()}])
            page.click("#worker-submit")
            page.wait_for_url(show_url)
            assert name in page.inner_text("#workers")
        # An engineering head reads the ID numbers masked.
        assert "K12***6(3)" in page.inner_text("#workers")
        assert page.locator("#workers img").count() == 2
        take(page, show_url, "submit")
        assert hant("Awaiting the fee") in page.content()

        sign_in(page, base, "cashier_b", lang="zh_Hant")
        take(page, show_url, "take_fee", {"receipt_number": "HK-R-0107"})
        assert hant("Awaiting vetting") in page.content()

        sign_in(page, base, "guard_b", lang="zh_Hant")
        page.goto(show_url)
        assert "K123456(3)" in page.inner_text("#workers")  # Security reads them in full
        take(page, show_url, "vet",
             {"valid_until": (date.today() + timedelta(days=30)).isoformat()})
        assert hant("Awaiting the stamp") in page.content()

        sign_in(page, base, "agent_b", lang="zh_Hant")
        take(page, show_url, "stamp")
        assert hant("Awaiting lamination") in page.content()

        sign_in(page, base, "clerk_b", lang="zh_Hant")
        take(page, show_url, "laminate")
        assert hant("Ready to hand out") in page.content()

        sign_in(page, base, "agent_b", lang="zh_Hant")
        take(page, show_url, "hand_out", {"handed_to": "鄭國輝"})
        content = page.content()
        assert hant("Handed out") in content and "鄭國輝" in content
        history = page.inner_text("#history")
        for step in ("Submit to customer service", "Take the fee and issue blank permits",
                     "Vet and fill in the permits", "Stamp the permits",
                     "Laminate the permits", "Hand out the permits"):
            assert hant(step) in history
        deadlines = page.inner_text("#deadlines")
        assert hant("Contractor work permits handed out") in deadlines
        assert hant("Met") in deadlines

        # The permit prints with the photos, in Traditional Chinese and English.
        pdf = page.request.get(f"{show_url.replace('/show/', '/print/')}"
                               "?form=work_permit&lang=zh_Hant&second=en")
        assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-"
