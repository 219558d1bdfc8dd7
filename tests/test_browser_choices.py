"""In headless Chromium, on the register form: the unit and the resident are found by
typing, each narrowed by the fields before it (estate → building → unit → resident), and
nothing of another estate is ever offered."""
from __future__ import annotations

import pytest

from tests.browser import choose, chromium_path, offered, pick, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed")]


def test_unit_and_resident_search_as_you_type(live_server, page):
    base = live_server
    sign_in(page, base, "agent_a")
    page.goto(f"{base}/servicerecordview/add")
    # The form carries no list of units or residents: they come as one types.
    assert page.locator("#unit option").count() <= 1
    assert page.locator("#resident option").count() <= 1
    choose(page, "#estate", "Estate A")

    units = offered(page, "unit", "150")
    assert any("A-1501" in u for u in units) and any("A-1502" in u for u in units)
    assert not any("B-15" in u for u in units)
    assert offered(page, "unit", "B-1501") and not any(
        "B-1501" in u for u in offered(page, "unit", "B-1501"))

    pick(page, "unit_building", "Block A1")
    pick(page, "unit", "1502", "A-1502")
    # Resident A lives in A-1501: the residents of A-1502 do not include her.
    assert not any("Resident A" in r for r in offered(page, "resident", "Resident"))
    pick(page, "unit", "1501", "A-1501")
    assert page.input_value("#resident") == ""  # a new unit starts the resident again
    pick(page, "resident", "138123", "Resident A")  # by phone: the front desk sees phones
    assert page.input_value("#resident") != ""
    assert "13812345678" in page.inner_text("#select2-resident-container")
