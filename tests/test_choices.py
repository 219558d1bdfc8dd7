"""Choices loaded on demand: never out of scope, searchable, dependent, and the forms and
list filters that use them render no big list (R-ORG-4, R-RES-2)."""
from __future__ import annotations

import re

import pytest

from app.models import Resident, Unit
from tests.helpers import csrf_token


def _choices(client, kind: str, **args) -> list[dict]:
    response = client.get(f"/choices/{kind}", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["results"]


def _ids(results: list[dict]) -> set[int]:
    return {r["id"] for r in results}


def test_units_offered_are_the_users_estates_only_even_by_search(as_user, world):
    agent = as_user("agent_a")
    assert _ids(_choices(agent, "unit")) == {world.unit_a, world.unit2_a}
    # Typing another estate's unit number, or naming its estate, offers nothing.
    assert _choices(agent, "unit", q="B-1501") == []
    assert _choices(agent, "unit", q="Block B1") == []
    assert _choices(agent, "unit", estate=world.estate_b) == []
    assert _choices(agent, "building", estate=world.estate_b) == []
    # The other side sees its own.
    assert _ids(_choices(as_user("agent_b"), "unit", q="B-1501")) == {world.unit_b}


def test_unit_search_by_building_and_number(as_user, world):
    agent = as_user("agent_a")
    found = _choices(agent, "unit", q="Block A1 1502")
    assert _ids(found) == {world.unit2_a}
    assert found[0]["text"] == "Estate A Block A1 A-1502"
    assert _ids(_choices(agent, "unit", building=world.building_a)) == {world.unit_a,
                                                                        world.unit2_a}


def test_residents_depend_on_the_unit_and_stay_in_scope(as_user, world):
    agent = as_user("agent_a")
    assert _ids(_choices(agent, "resident", unit=world.unit_a)) == {world.resident_a}
    assert _choices(agent, "resident", unit=world.unit2_a) == []
    # Another estate's resident, asked for by name, unit or phone: nothing.
    assert _choices(agent, "resident", q="Resident B") == []
    assert _choices(agent, "resident", unit=world.unit_b) == []
    assert _choices(agent, "resident", q="13987654321") == []


def test_phone_search_only_for_roles_that_see_phones(as_user, world):
    agent = as_user("agent_a")  # front desk: sees phones
    found = _choices(agent, "resident", q="138123")
    assert _ids(found) == {world.resident_a}
    assert "13812345678" in found[0]["text"]
    quality = as_user("quality_a")  # sees phones masked: not searched, not shown
    assert _choices(quality, "resident", q="138123") == []
    shown = _choices(quality, "resident", q="Resident")
    assert _ids(shown) == {world.resident_a}
    assert "13812345678" not in shown[0]["text"]


def test_colleagues_show_name_login_and_department(as_user, world):
    head = as_user("head_a")
    found = _choices(head, "user", q="tech")
    texts = {r["id"]: r["text"] for r in found}
    assert set(texts) == {world.user_tech_a, world.user_tech2_a}
    assert texts[world.user_tech_a] == "Tech_A Test (tech_a) · Engineering A"
    assert world.user_tech_b not in _ids(_choices(head, "user", q="tech_b"))


@pytest.mark.parametrize("args", [
    {"q": "%"}, {"q": "_"}, {"q": "'; drop table resident; --"}, {"q": "x" * 5000},
    {"page": "abc"}, {"page": "-3"}, {"estate": "abc"}, {"unit": "99999999999999"},
    {"q": "陳嘉欣 1201 7栋 a b c d e f"},
])
def test_odd_input_is_answered_not_a_500(as_user, args):
    response = as_user("agent_a").get("/choices/resident", query_string=args)
    assert response.status_code == 200
    assert isinstance(response.json["results"], list)


def test_unknown_kind_and_no_permission(as_user, client):
    assert as_user("agent_a").get("/choices/salary").status_code == 404
    assert client.get("/choices/unit").status_code in (302, 401)


def test_pages_of_twenty_with_more(as_user, world, db_session):
    building = db_session.get(Unit, world.unit_a).building
    db_session.add_all(Unit(building=building, number=f"A-{n:04d}", floor=1)
                       for n in range(30))
    db_session.commit()
    agent = as_user("agent_a")
    first = agent.get("/choices/unit", query_string={"q": "A-0"}).json
    assert len(first["results"]) == 20 and first["pagination"]["more"] is True
    second = agent.get("/choices/unit", query_string={"q": "A-0", "page": 2}).json
    assert len(second["results"]) == 10 and second["pagination"]["more"] is False
    assert not _ids(first["results"]) & _ids(second["results"])


def test_add_form_renders_no_list_and_refuses_an_out_of_scope_unit(as_user, world,
                                                                   db_session):
    matrix = as_user("matrix_a")
    page = matrix.get("/residentview/add").get_data(as_text=True)
    unit_select = re.search(r'<select[^>]*name="unit"[^>]*>(.*?)</select>', page, re.S)
    assert unit_select and 'data-choices-url="/choices/unit"' in unit_select.group(0)
    assert unit_select.group(1).count("<option") == 1  # the empty choice only
    data = {"csrf_token": csrf_token(matrix, "/residentview/add"), "name": "New Resident",
            "relation": "owner", "unit": str(world.unit_b)}
    response = matrix.post("/residentview/add", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Choose a value from the list." in body
    assert 'value="New Resident"' in body  # what was typed is kept
    assert db_session.query(Resident).filter_by(name="New Resident").count() == 0
    data["unit"] = "not-a-number"
    assert matrix.post("/residentview/add", data=data).status_code == 400
    data["unit"] = str(world.unit_a)
    assert matrix.post("/residentview/add", data=data).status_code == 302
    assert db_session.query(Resident).filter_by(name="New Resident").one().unit_id == \
        world.unit_a


def test_list_filter_shows_the_active_value_only(as_user, world):
    agent = as_user("agent_a")
    page = agent.get("/residentview/list/",
                     query_string={"_flt_0_unit": world.unit_a}).get_data(as_text=True)
    assert "A-1501" in page
    assert "A-1502" not in page  # other units are not rendered as filter options
    assert "/choices/unit" in page


def test_forms_with_estate_and_unit_get_a_building_box(as_user):
    page = as_user("agent_a").get("/servicerecordview/add").get_data(as_text=True)
    assert 'name="unit_building"' in page
    resident = re.search(r'<select[^>]*name="resident"[^>]*>', page).group(0)
    assert "&#34;unit&#34;: &#34;unit&#34;" in resident or '"unit": "unit"' in resident


def test_lists_count_no_further_than_the_cap(app, as_user, api_as, world, db_session,
                                             monkeypatch):
    """Past the cap a list says "N+" and the API flags its count (no count over the whole
    scope on every page)."""
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 1)
    page = as_user("agent_a").get("/unitview/list/").get_data(as_text=True)
    assert "1+" in page
    body = api_as("agent_a").get("/api/v1/unit/").json
    assert body["count"] == 2 and body["count_capped"] is True
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 100)
    body = api_as("agent_a").get("/api/v1/unit/").json
    assert body["count"] == 2 and body["count_capped"] is False
    assert "A-1501" in as_user("agent_a").get("/unitview/list/").get_data(as_text=True)


def test_no_page_renders_a_big_table_as_a_dropdown(app):
    """Every related field over units, residents, staff or documents that a page renders
    (add and edit forms whose route exists, list filters) loads its choices on demand."""
    from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField

    from app import choices
    from app.views.base import ScopedModelView

    big = {s.model for s in choices.sources().values() if s.kind not in ("estate",
                                                                         "building")}
    offenders = []
    for view in app.appbuilder.baseviews:
        if not isinstance(view, ScopedModelView):
            continue  # FAB's own user and role pages: the admin's, not the desks'
        excluded = set(view.exclude_route_methods or ())
        forms = {"search": view.search_form}
        forms.update({name: getattr(view, f"{name}_form") for name in ("add", "edit")
                      if name not in excluded and f"can_{view.method_permission_name[name]}"
                      in (view.base_permissions or ())})
        for name, form in forms.items():
            for column, unbound in vars(form).items():
                if getattr(unbound, "field_class", None) not in (QuerySelectField,
                                                                  QuerySelectMultipleField):
                    continue
                if view.datamodel.get_related_model(column) in big:
                    offenders.append(f"{type(view).__name__}.{name}.{column}")
    assert offenders == []


def test_a_claims_complaint_is_found_by_number_in_scope(as_user, api_as, world, seeded):
    from app.models import Complaint

    api = api_as("agent_a")
    body = {"source": "phone", "estate": world.estate_a, "unit": world.unit_a,
            "resident": world.resident_a, "complainant_name": "Resident A",
            "complainant_phone": "13812345678", "event_time": "2026-09-29T08:00:00",
            "event_place": "Lobby", "subject": "Door broken", "matter": "security",
            "description": "The lobby door does not close.", "customer_request": "Fix it",
            "immediate_reply": "Noted."}
    response = api.post("/api/v1/complaint/", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    number = seeded.get(Complaint, response.json["id"]).number
    found = _choices(as_user("agent_a"), "complaint", q=number[-4:])
    assert any(r["text"].startswith(number) for r in found)
    assert _choices(as_user("agent_b"), "complaint", q=number) == []
