"""R-ORG-4: a user of office A never sees nor changes a row of office B, through any verb.

The acting user holds every permission on these resources (tests.world.MATRIX_ROLE) but
not "see all", so every refusal below comes from the scope mechanism, not from a missing
permission. For each resource and each verb: 404 / 403 / 400, and the row is unchanged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from app.models import Building, Department, Estate, Resident, Unit
from tests.helpers import csrf_token

REFUSED = {400, 403, 404}


@dataclass
class Resource:
    name: str
    model: type
    view: str          # FAB view endpoint prefix
    api: str           # REST resource name
    row: str           # world id of office B's row
    fk: str            # relationship posted in forms and the API
    fk_b: str          # world id of an office-B parent for that relationship
    fk_a: str          # world id of an office-A parent
    payload: dict[str, Any] = field(default_factory=dict)
    probe: str = "name"  # a column whose value we try to change


RESOURCES = [
    Resource("estate", Estate, "estateview", "estate", "estate_b", "office", "office_b",
             "office_a", {"code": "NEW-1", "name": "New estate", "kind": "residential",
                          "region": "mainland", "script": "zh_Hans", "currency": "CNY",
                          "household_count": 10}),
    Resource("building", Building, "buildingview", "building", "building_b", "estate",
             "estate_b", "estate_a", {"name": "New block", "floors": 3}),
    Resource("unit", Unit, "unitview", "unit", "unit_b", "building", "building_b",
             "building_a", {"number": "NEW-101", "floor": 1}, probe="number"),
    Resource("department", Department, "departmentview", "department", "cs_b", "office",
             "office_b", "office_a", {"kind": "engineering", "name": "New department"}),
    Resource("resident", Resident, "residentview", "resident", "resident_b", "unit",
             "unit_b", "unit_a", {"name": "New Resident", "relation": "tenant",
                                   "phone": "13700001111"}),
]
IDS = [r.name for r in RESOURCES]


def snapshot(app, res: Resource, world) -> tuple:
    """Everything about office B's row, to prove it did not change."""
    session = app.appbuilder.session
    row = session.get(res.model, getattr(world, res.row))
    session.refresh(row)
    return tuple(getattr(row, c.key) for c in res.model.__mapper__.column_attrs)


def count(app, model) -> int:
    return app.appbuilder.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def ui(as_user):
    return as_user("matrix_a")


@pytest.fixture
def api(api_as):
    return api_as("matrix_a")


# --- UI -----------------------------------------------------------------------------
@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_list_hides_other_office(app, world, ui, res):
    page = ui.get(f"/{res.view}/list/?psize_{res.view[0].upper()}=100").get_data(as_text=True)
    b_row = app.appbuilder.session.get(res.model, getattr(world, res.row))
    a_parent = getattr(world, res.fk_a)
    assert getattr(b_row, res.probe) not in page
    assert a_parent  # A's side exists, so an empty page would not be a pass by accident
    assert ui.get(f"/{res.view}/list/").status_code == 200


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_show_edit_delete_refused(app, world, ui, res):
    pk = getattr(world, res.row)
    before = snapshot(app, res, world)
    assert ui.get(f"/{res.view}/show/{pk}").status_code in REFUSED
    assert ui.get(f"/{res.view}/edit/{pk}").status_code in REFUSED
    token = csrf_token(ui, "/resetmypassword/form")
    response = ui.post(f"/{res.view}/edit/{pk}", data={
        "csrf_token": token, res.probe: "hijacked", res.fk: getattr(world, res.fk_a),
        **{k: v for k, v in res.payload.items() if k != res.probe}})
    assert response.status_code in REFUSED
    assert ui.post(f"/{res.view}/delete/{pk}", data={"csrf_token": token}).status_code in REFUSED
    assert snapshot(app, res, world) == before


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_related_choices_and_posted_fk_in_form(app, world, ui, res):
    page = ui.get(f"/{res.view}/add").get_data(as_text=True)
    on_demand = re.search(rf'<select[^>]*name="{res.fk}"[^>]*data-choices-url="([^"]+)"',
                          page)
    if on_demand:  # big tables: the choices come as one types, from the same scope
        offered = {c["id"] for c in ui.get(on_demand.group(1)).json["results"]}
        assert getattr(world, res.fk_a) in offered
        assert getattr(world, res.fk_b) not in offered
    else:
        assert f'value="{getattr(world, res.fk_a)}"' in page
        assert f'value="{getattr(world, res.fk_b)}"' not in page
    before = count(app, res.model)
    response = ui.post(f"/{res.view}/add", data={
        "csrf_token": csrf_token(ui, f"/{res.view}/add"), res.fk: getattr(world, res.fk_b),
        **res.payload})
    assert response.status_code in REFUSED
    assert count(app, res.model) == before


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_export_leaves_out_other_office(app, world, ui, res):
    response = ui.get(f"/{res.view}/export/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    b_row = app.appbuilder.session.get(res.model, getattr(world, res.row))
    assert getattr(b_row, res.probe) not in text
    assert len(text.splitlines()) >= 2  # header plus A's rows


def test_action_on_other_office_row_refused(app, world, ui):
    pk = world.resident_b
    token = csrf_token(ui, "/resetmypassword/form")
    assert ui.post(f"/residentview/action/move_out/{pk}",
                   data={"csrf_token": token}).status_code in REFUSED
    assert ui.post("/residentview/action_post", data={
        "csrf_token": token, "action": "move_out",
        "rowid": [world.resident_a, pk]}).status_code in REFUSED
    session = app.appbuilder.session
    assert session.get(Resident, pk).move_out_date is None
    assert session.get(Resident, world.resident_a).move_out_date is None


def test_action_in_scope_works(app, world, ui):
    token = csrf_token(ui, "/resetmypassword/form")
    response = ui.post(f"/residentview/action/move_out/{world.resident_a}",
                       data={"csrf_token": token})
    assert response.status_code == 302
    assert app.appbuilder.session.get(Resident, world.resident_a).move_out_date is not None


# --- API ----------------------------------------------------------------------------
@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_api_get_put_delete_refused(app, world, api, res):
    pk = getattr(world, res.row)
    before = snapshot(app, res, world)
    assert api.get(f"/api/v1/{res.api}/{pk}").status_code in REFUSED
    assert api.put(f"/api/v1/{res.api}/{pk}",
                   json={res.probe: "hijacked"}).status_code in REFUSED
    assert api.delete(f"/api/v1/{res.api}/{pk}").status_code in REFUSED
    assert snapshot(app, res, world) == before


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_api_list_and_info_choices(world, api, res):
    listing = api.get(f"/api/v1/{res.api}/?q=(page_size:100)")
    assert listing.status_code == 200
    ids = {row["id"] for row in listing.json["result"]}
    assert getattr(world, res.row) not in ids and ids
    info = api.get(f"/api/v1/{res.api}/_info?q=(keys:!(add_columns))")
    assert info.status_code == 200
    fk_field = next(c for c in info.json["add_columns"] if c["name"] == res.fk)
    choice_ids = {v["id"] for v in fk_field["values"]}
    assert getattr(world, res.fk_a) in choice_ids
    assert getattr(world, res.fk_b) not in choice_ids


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_api_posted_fk_refused(app, world, api, res):
    before = count(app, res.model)
    response = api.post(f"/api/v1/{res.api}/",
                        json={res.fk: getattr(world, res.fk_b), **res.payload})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert count(app, res.model) == before


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_api_moving_own_row_to_other_office_refused(app, world, api, res):
    own_rows = api.get(f"/api/v1/{res.api}/?q=(page_size:100)").json["result"]
    pk = own_rows[0]["id"]
    from tests.helpers import put_versioned

    response = put_versioned(api, f"/api/v1/{res.api}/{pk}", {res.fk: getattr(world, res.fk_b)})
    assert response.status_code == 400
    row = app.appbuilder.session.get(res.model, pk)
    app.appbuilder.session.refresh(row)
    assert getattr(row, f"{res.fk}_id") != getattr(world, res.fk_b)


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_api_in_scope_create_works(app, world, api, res):
    """The same request against office A's parent succeeds: the refusals are about scope."""
    response = api.post(f"/api/v1/{res.api}/",
                        json={res.fk: getattr(world, res.fk_a), **res.payload})
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_ui_in_scope_create_works(app, world, ui, res):
    before = count(app, res.model)
    response = ui.post(f"/{res.view}/add", data={
        "csrf_token": csrf_token(ui, f"/{res.view}/add"), res.fk: getattr(world, res.fk_a),
        **res.payload})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert count(app, res.model) == before + 1
