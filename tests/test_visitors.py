"""Visitors at the gate (R-FD-1): the guard calls the centre, only the centre answers (after
checking with the resident or the department), only the gate admits or turns away; the
time of every step is kept; the estate's visitor log of a day lists, exports and prints.
Seen and acted on by the estate's office only. The gate's form on a tablet registers a
visitor in a handful of fields and keystrokes (browser test at the end)."""
from __future__ import annotations

import time
from datetime import datetime
from functools import partial

import pytest

from app import clock
from app.models.visitor import Visitor
from tests.browser import chromium_path, pick, sign_in
from tests.helpers import history_names, pdf_text, transition

VISITORS = "/api/v1/visitor/"
take = partial(transition, base=VISITORS)


def call(api, world, expect: int = 201, **extra):
    """The guard's call to the centre: the visitor registered at the gate."""
    payload = {"estate": world.estate_a, "visitor_name": "王先生", "party_size": 2,
               "unit": world.unit_a, "purpose": "visit", "id_or_plate": "粤B12345", **extra}
    response = api.post(VISITORS, json=payload)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def test_admitted_after_the_centre_checked_with_the_resident(world, api_as, seeded):
    guard, agent = api_as("guard_a"), api_as("agent_a")
    call(api_as("tech_a"), world, expect=403)  # only the gate registers visitors
    with clock.using(clock.FrozenClock(datetime(2026, 5, 6, 9, 0))) as moving:
        pk = call(guard, world).json["id"]
        visitor = seeded.get(Visitor, pk)
        assert visitor.number.startswith("VS-") and visitor.state == "called"
        assert visitor.called_at == datetime(2026, 5, 6, 9, 0)
        assert visitor.called_by_id == world.user_guard_a

        take(guard, pk, "clear", {"checked_with": "业主本人"}, expect=403)  # not the gate's
        take(guard, pk, "admit", expect=409)  # never before the centre's answer
        take(agent, pk, "clear", {}, expect=400)  # whom the centre asked is kept
        moving.move(seconds=40)
        take(agent, pk, "clear", {"checked_with": "1501 业主陈女士"})
        take(agent, pk, "admit", expect=403)  # the centre never lets anyone in itself
        moving.move(seconds=20)
        take(guard, pk, "admit")
        moving.move(hours=2)
        take(guard, pk, "leave")
    seeded.expire_all()
    visitor = seeded.get(Visitor, pk)
    assert visitor.state == "left" and visitor.checked_with == "1501 业主陈女士"
    assert visitor.answered_at == datetime(2026, 5, 6, 9, 0, 40)
    assert visitor.answered_by_id == world.user_agent_a
    assert visitor.admitted_at == datetime(2026, 5, 6, 9, 1)
    assert visitor.gate_by_id == world.user_guard_a
    assert visitor.left_at == datetime(2026, 5, 6, 11, 1)
    assert history_names(seeded, "visitor", pk) == ["create", "clear", "admit", "leave"]


def test_refused_by_the_centre_and_turned_away_at_the_gate(world, api_as, seeded):
    guard, supervisor = api_as("guard_a"), api_as("supervisor_a")
    pk = call(guard, world, unit=None, purpose="business", visitor_name="推销员").json["id"]
    # Neither a unit nor a department: the centre cannot say whom it asked for.
    take(supervisor, pk, "clear", {"checked_with": "x"}, expect=400)
    take(supervisor, pk, "decline", {}, expect=400)  # a reason is required
    take(supervisor, pk, "decline", {"refusal_reason": "财务部无此约定",
                                     "department_id": str(world.finance_a),
                                     "checked_with": "财务部李会计"})
    take(supervisor, pk, "turn_away", expect=403)  # the gate turns visitors away
    take(guard, pk, "admit", expect=409)
    take(guard, pk, "turn_away")
    seeded.expire_all()
    visitor = seeded.get(Visitor, pk)
    assert visitor.state == "turned_away" and visitor.department_id == world.finance_a
    assert visitor.refusal_reason == "财务部无此约定" and visitor.turned_away_at is not None
    assert history_names(seeded, "visitor", pk) == ["create", "decline", "turn_away"]


def test_a_visit_to_a_department_and_a_visitor_who_went_away(world, api_as, seeded):
    guard, agent = api_as("guard_a"), api_as("agent_a")
    pk = call(guard, world, unit=None, purpose="business").json["id"]
    take(agent, pk, "clear", {"checked_with": "行政部张经理",
                              "department_id": str(world.administration_a)})
    take(guard, pk, "cancel", expect=400)  # with a reason
    take(guard, pk, "cancel", comment="访客未等候自行离开")
    gone = call(guard, world).json["id"]
    take(agent, gone, "cancel", comment="业主不在家，访客离开")
    seeded.expire_all()
    assert seeded.get(Visitor, pk).state == "cancelled"
    assert seeded.get(Visitor, pk).department_id == world.administration_a
    assert seeded.get(Visitor, gone).state == "cancelled"
    take(guard, gone, "admit", expect=409)


def test_bad_gate_entries_are_refused_field_by_field(world, api_as, seeded):
    guard = api_as("guard_a")
    for bad in ({"visitor_name": " "}, {"party_size": 0}, {"purpose": "party"},
                {"unit": world.unit_b}):
        response = call(guard, world, expect=400, **bad)
        assert response.json.get("message"), bad
    assert seeded.query(Visitor).count() == 0  # nothing half stored


def test_scope_the_estates_office_only(world, api_as, seeded):
    pk = call(api_as("guard_a"), world).json["id"]
    for user, status in {"guard_a": 200, "agent_a": 200, "director_a": 200,
                         "quality_a": 200, "guard_b": 404, "agent_b": 404,
                         "director_b": 404, "tech_a": 403}.items():
        assert api_as(user).get(f"{VISITORS}{pk}").status_code == status, user
    call(api_as("guard_b"), world, expect=400)  # not an estate of theirs
    take(api_as("agent_b"), pk, "clear", {"checked_with": "x"}, expect=404, version=1)
    take(api_as("guard_b"), pk, "cancel", comment="x", expect=404, version=1)


def test_the_id_or_plate_is_read_in_full_by_the_gate_and_the_centre_only(world, api_as,
                                                                         seeded):
    pk = call(api_as("guard_a"), world, id_or_plate="440301199001011234").json["id"]
    for user in ("guard_a", "agent_a"):
        shown = api_as(user).get(f"{VISITORS}{pk}").json["result"]["id_or_plate"]
        assert shown == "440301199001011234", user
    for user in ("quality_a",):
        api = api_as(user)
        assert api.get(f"{VISITORS}{pk}").json["result"]["id_or_plate"] == "440***********1234"
        history = api.get(f"{VISITORS}{pk}/history").get_data(as_text=True)
        assert "440301199001011234" not in history, user
        log = api.get(f"{VISITORS}{pk}/pdf?form=visitor_log&lang=zh_Hans&second=en")
        assert "440301199001011234" not in "".join("".join(pdf_text(log.data)).split())


def test_the_visitor_log_of_a_day_lists_exports_and_prints(world, api_as, as_user, seeded):
    guard = api_as("guard_a")
    with clock.using(clock.FrozenClock(datetime(2026, 5, 7, 10, 15))):
        first = call(guard, world, visitor_name="快递员刘师傅", purpose="delivery").json["id"]
        call(guard, world, visitor_name="李女士")
    with clock.using(clock.FrozenClock(datetime(2026, 5, 8, 8, 0))):
        call(guard, world, visitor_name="次日访客")
    response = api_as("agent_a").get(
        f"{VISITORS}{first}/pdf?form=visitor_log&lang=zh_Hans&second=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join("".join(pdf_text(response.data)).split())
    assert "快递员刘师傅" in text and "李女士" in text and "次日访客" not in text
    for words in ("访客", "Visitorlog", "2026-05-07", "保安", "Gateguard", "单据编号"):
        assert words in text, words
    page = as_user("guard_a")
    page.get("/lang/zh_Hans")
    listed = page.get("/visitorview/list/?_flt_1_called_at=2026-05-07+00:00:00"
                      "&_flt_2_called_at=2026-05-08+00:00:00").get_data(as_text=True)
    assert "快递员刘师傅" in listed and "次日访客" not in listed
    exported = page.get("/visitorview/export/?format=csv&_flt_1_called_at=2026-05-07+00:00:00")
    assert exported.status_code == 200
    assert "快递员刘师傅" in exported.get_data(as_text=True)


def test_the_gate_form_page(world, as_user, seeded):
    page = as_user("guard_a")
    page.get("/lang/zh_Hans")
    form = page.get("/visitorview/add").get_data(as_text=True)
    assert 'id="gate-form"' in form and "choices-ajax" in form  # the unit found by typing
    assert "访客" in form


# --- on a tablet -------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed")
def test_the_gate_registers_a_visitor_on_a_tablet_in_a_few_keystrokes(live_server, browser):
    """At 1024×768, the guard fills the name, the number of people and the unit (by
    typing a few characters of it): about 15 keystrokes, 3 fields typed, the rest
    defaults; the touch targets are at least 44 px high."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        sign_in(page, live_server, "guard_a", lang="zh_Hans")
        started = time.monotonic()
        page.goto(f"{live_server}/visitorview/add")
        assert page.locator("#estate").input_value() != ""  # the guard's only estate
        keys = 0
        page.locator("#visitor_name").type("赵大勇")
        keys += 3
        page.locator("#party_size").fill("")
        page.locator("#party_size").type("3")
        keys += 1
        pick(page, "unit", "1501", "A-1501")
        keys += 4
        page.locator("#id_or_plate").type("粤B88888")
        keys += 7
        for selector in ("#visitor_name", "#party_size", "#id_or_plate",
                         "#gate-form input[type=submit], #gate-form button[type=submit]"):
            box = page.locator(selector).first.bounding_box()
            assert box and box["height"] >= 44, (selector, box)
        page.locator("#gate-form input[type=submit], #gate-form button[type=submit]") \
            .first.click()
        page.wait_for_url(lambda url: "/visitorview/show/" in url)
        elapsed = time.monotonic() - started
        assert keys <= 20
        assert elapsed < 30, elapsed
        shown = page.inner_text("body")
        assert "赵大勇" in shown and "A-1501" in shown and "粤B88888" in shown
    finally:
        context.close()
