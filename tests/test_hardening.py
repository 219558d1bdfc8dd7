"""No lost updates, input bounds and private columns on every surface (R-RES-2).

Each test acts as a real user through the real sign-in and the real pages or API."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Resident, WorkOrder
from app.models.base import local_now
from tests.test_work_orders import API, register

FULL = "13812345678"


def _form_fields(page: str) -> dict[str, str]:
    """The values an edit page would post back (inputs, textareas, selected options)."""
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    for name, value in re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="([^"]+)"', page):
        fields.setdefault(value, name)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page,
                                 re.S):
        fields[name] = body.strip()
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page,
                                    re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"', options) or \
            re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', options)
        if chosen:
            fields[name] = chosen.group(1)
    return fields


# --- no lost updates ---------------------------------------------------------------------

def test_stale_edit_form_is_refused_and_keeps_the_input(app, world, as_user, seeded):
    pk = register(_api(app, "agent_a"), world)
    first, second = as_user("supervisor_a"), as_user("supervisor_a")
    form_a = _form_fields(first.get(f"/workorderview/edit/{pk}").get_data(as_text=True))
    form_b = _form_fields(second.get(f"/workorderview/edit/{pk}").get_data(as_text=True))
    assert form_a["row_version"] == form_b["row_version"] == "v1"
    saved = first.post(f"/workorderview/edit/{pk}", data={**form_a, "location": "Kitchen A"})
    assert saved.status_code == 302
    stale = second.post(f"/workorderview/edit/{pk}", data={**form_b, "location": "Kitchen B"})
    assert stale.status_code == 409
    assert "Kitchen B" in stale.get_data(as_text=True), "the person's input is kept"
    app.appbuilder.session.expire_all()
    assert app.appbuilder.session.get(WorkOrder, pk).location == "Kitchen A"
    missing = second.post(f"/workorderview/edit/{pk}",
                          data={**form_b, "row_version": "", "location": "Kitchen C"})
    assert missing.status_code == 409


def _api(app, username):
    from tests.world import PASSWORD

    client = app.test_client()
    token = client.post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"}).json["access_token"]

    class Api:
        def __getattr__(self, verb):
            return lambda url, **kw: getattr(client, verb)(
                url, headers={"Authorization": f"Bearer {token}", **kw.pop("headers", {})},
                **kw)
    return Api()


def test_resident_form_round_trip_keeps_company_and_phone(app, world, as_user):
    session = app.appbuilder.session
    resident = session.get(Resident, world.resident_a)
    resident.company_name = "Tea House Ltd"
    session.commit()
    agent = as_user("officer_a")
    page = agent.get(f"/residentview/edit/{world.resident_a}").get_data(as_text=True)
    fields = _form_fields(page)
    assert fields.get("company_name") == "Tea House Ltd"
    response = agent.post(f"/residentview/edit/{world.resident_a}",
                          data={**fields, "notes": "Prefers calls after 6 pm"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    session.expire_all()
    resident = session.get(Resident, world.resident_a)
    assert resident.company_name == "Tea House Ltd" and resident.phone == FULL
    assert resident.notes == "Prefers calls after 6 pm"


def test_stale_put_is_409_and_put_needs_if_match(app, world, api_as):
    session = app.appbuilder.session
    session.get(Resident, world.resident_a).company_name = "Tea House Ltd"
    session.commit()
    api = api_as("officer_a")
    url = f"/api/v1/resident/{world.resident_a}"
    read = api.get(url)
    etag = read.headers["ETag"]
    assert api.put(url, json={"notes": "no version"}).status_code == 428
    ok = api.put(url, json={"notes": "first"}, headers={"If-Match": etag})
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert ok.headers["ETag"] != etag
    stale = api.put(url, json={"notes": "second"}, headers={"If-Match": etag})
    assert stale.status_code == 409
    session.expire_all()
    kept = session.get(Resident, world.resident_a)
    assert kept.notes == "first" and kept.company_name == "Tea House Ltd" and kept.phone == FULL


def test_transition_without_version_is_refused(app, world, api_as, seeded):
    agent = api_as("agent_a")
    pk = register(agent, world)
    response = agent.post(f"{API}{pk}/transition/cancel", json={"comment": "duplicate"})
    assert response.status_code == 428
    assert app.appbuilder.session.get(WorkOrder, pk).state == "registered"


# --- input bounds ------------------------------------------------------------------------

def test_over_long_text_is_a_translated_400(app, world, api_as, seeded):
    agent = api_as("agent_a")
    response = agent.post(API, json={
        "source": "resident_phone", "category": "plumbing", "emergency": False,
        "estate": world.estate_a, "unit": world.unit_a, "resident": world.resident_a,
        "description": "漏" * 1_000_000})
    assert response.status_code == 400
    assert "at most 4000 characters" in response.get_data(as_text=True)
    chinese = agent.post(API, headers={"Accept-Language": "zh-CN"}, json={
        "source": "resident_phone", "category": "plumbing", "emergency": False,
        "estate": world.estate_a, "unit": world.unit_a, "resident": world.resident_a,
        "description": "漏" * 5000})
    assert chinese.status_code == 400
    assert app.appbuilder.session.scalar(
        select(WorkOrder.id).where(WorkOrder.description.like("漏漏漏%"))) is None


@pytest.mark.parametrize("field,value,expect", [
    ("reported_at", "1900-01-01 08:00", "cannot be before"),
    ("reported_at", "0001-01-01 08:00", None),
    ("reported_at", "+1d", "cannot be in the future"),
])
def test_report_time_window(app, world, api_as, seeded, field, value, expect):
    if value == "+1d":
        value = (local_now() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    response = api_as("agent_a").post(API, json={
        "source": "resident_phone", "category": "plumbing", "emergency": False,
        "estate": world.estate_a, "unit": world.unit_a, "resident": world.resident_a,
        "description": "Tap", field: value.replace(" ", "T")})
    assert response.status_code == 400, response.get_data(as_text=True)
    if expect:
        assert expect in response.get_data(as_text=True)


# --- private columns everywhere ------------------------------------------------------------

def test_quality_cannot_filter_or_sort_on_masked_phone(world, as_user, api_as):
    quality = as_user("quality_a")
    assert quality.get("/residentview/list/?_flt_0_phone=138").status_code == 400
    assert quality.get("/residentview/list/?_oc_ResidentView=phone").status_code == 400
    assert quality.get("/residentview/export/?_flt_0_phone=138").status_code == 400
    page = quality.get("/residentview/list/").get_data(as_text=True)
    assert FULL not in page and "138****5678" in page
    api = api_as("quality_a")
    q = "(filters:!((col:phone,opr:sw,value:'138')))"
    assert api.get(f"/api/v1/resident/?q={q}").status_code == 400
    assert api.get("/api/v1/resident/?q=(order_column:phone,order_direction:asc)") \
        .status_code == 400
    assert FULL not in api.get(f"/api/v1/resident/{world.resident_a}").get_data(as_text=True)
    # Those allowed to see phones may still search by them.
    agent = api_as("agent_a")
    found = agent.get(f"/api/v1/resident/?q={q}")
    assert found.status_code == 200 and found.json["count"] >= 1


def test_history_masks_private_values_of_any_step(app, world, api_as, seeded):
    """A step may carry another record's private value (the register's `to_complaint`
    step carries the complainant's phone): the history shows it as the viewer may see it."""
    from app.models import WorkflowHistory

    pk = register(api_as("agent_a"), world)
    session = app.appbuilder.session
    session.add(WorkflowHistory(doc_type="work_order", doc_id=pk, transition="note",
                                from_state="registered", to_state="registered",
                                username="agent_a", at=local_now(),
                                data={"complainant_phone": "13700001111", "matter": "lift"}))
    session.commit()
    masked = api_as("quality_a").get(f"{API}{pk}/history")
    assert masked.status_code == 200
    body = masked.get_data(as_text=True)
    assert "13700001111" not in body and "137****1111" in body and "lift" in body
    full = api_as("agent_a").get(f"{API}{pk}/history").get_data(as_text=True)
    assert "13700001111" in full
