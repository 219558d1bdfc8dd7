"""Roles (built cumulatively, synced idempotently), phone masking (R-RES-2), department
visibility (R-ORG-4), the model scope contract, the REST API and migrations."""
from __future__ import annotations

import pytest
from flask_appbuilder import Model

from app.commands import sync_roles
from app.models.resident import mask_phone
from app.security import permissions as P
from app.security.roles import role_permissions


def test_roles_are_cumulative_over_the_one_hierarchy():
    roles = role_permissions()
    for role, parents in P.ROLE_PARENTS.items():
        for parent in parents:
            assert roles[parent] <= roles[role], f"{role} lacks what {parent} holds"
    assert P.STAFF <= roles[P.ROLE_TECHNICIAN] <= roles[P.ROLE_REPAIR_LEAD]
    assert roles[P.ROLE_FRONT_DESK_AGENT] <= roles[P.ROLE_CS_SUPERVISOR] \
        <= roles[P.ROLE_CS_CENTRE_MANAGER] <= roles[P.ROLE_OFFICE_DIRECTOR]
    assert roles[P.ROLE_DEPARTMENT_HEAD] <= roles[P.ROLE_OFFICE_DIRECTOR] \
        <= roles[P.ROLE_DEPUTY_GM] <= roles[P.ROLE_GM]
    assert roles[P.ROLE_QUALITY_OFFICER] <= roles[P.ROLE_DEPUTY_GM]
    assert P.SEE_ALL_SCOPE not in roles[P.ROLE_OFFICE_DIRECTOR]
    assert P.SEE_ALL_SCOPE in roles[P.ROLE_GM]


def test_document_types_grant_through_their_declarations():
    roles = role_permissions()
    assert (P.CREATE, P.WORK_ORDER) in roles[P.ROLE_TECHNICIAN]
    assert (P.MENU, "Work orders") in roles[P.ROLE_TECHNICIAN]
    assert (P.READ, P.COMPENSATION) not in roles[P.ROLE_TECHNICIAN]  # R-CO-1
    assert P.APPROVAL_QUEUE in roles[P.ROLE_CS_CENTRE_MANAGER]


def test_every_role_of_r_org_3_exists():
    expected = {"Front-desk agent", "CS supervisor", "CS centre manager", "Office director",
                "Technician", "Repair lead", "Property officer", "Department head",
                "Quality officer", "Deputy general manager", "General manager", "Gate guard",
                "Finance clerk", "Administration clerk"}
    assert expected == set(P.ROLE_NAMES) == set(role_permissions())


def test_role_sync_is_idempotent(app):
    with app.app_context():
        sm = app.appbuilder.sm

        def snapshot():
            return {r.name: sorted((p.permission.name, p.view_menu.name) for p in r.permissions)
                    for r in sm.get_all_roles()}

        first = snapshot()
        sync_roles()
        sync_roles()
        assert snapshot() == first
        for name, perms in role_permissions().items():
            have = {(p.permission.name, p.view_menu.name) for p in sm.find_role(name).permissions}
            assert perms <= have, f"{name} misses {perms - have}"


def test_sync_reset_drops_admin_additions(app):
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role(P.ROLE_TECHNICIAN)
        sm.add_permission_role(role, sm.add_permission_view_menu(*P.SEE_ALL_SCOPE))
        sync_roles()
        assert P.SEE_ALL_SCOPE in {(p.permission.name, p.view_menu.name) for p in role.permissions}
        sync_roles(reset=True)
        role = sm.find_role(P.ROLE_TECHNICIAN)
        assert P.SEE_ALL_SCOPE not in {(p.permission.name, p.view_menu.name)
                                       for p in role.permissions}


@pytest.mark.parametrize("phone,masked", [("13812345678", "138****5678"), ("91234567", "9***4567"),
                                          ("", ""), (None, ""), ("123", "***")])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_phone_masked_for_roles_that_do_not_need_it(world, as_user, api_as):
    quality_page = as_user("quality_a").get("/residentview/list/").get_data(as_text=True)
    assert "138****5678" in quality_page and "13812345678" not in quality_page
    agent_page = as_user("agent_a").get("/residentview/list/").get_data(as_text=True)
    assert "13812345678" in agent_page
    row = api_as("quality_a").get(f"/api/v1/resident/{world.resident_a}").json["result"]
    assert row["phone"] == "138****5678"
    rows = api_as("quality_a").get("/api/v1/resident/").json["result"]
    assert all("****" in r["phone"] for r in rows if r["phone"])
    export = as_user("quality_a").get("/residentview/export/").get_data(as_text=True)
    assert "13812345678" not in export and "138****5678" in export


def test_department_scope_within_one_office(world, api_as):
    """An agent of Customer Service A sees CS A, not Engineering A of the same office."""
    ids = {d["id"] for d in api_as("agent_a").get("/api/v1/department/").json["result"]}
    assert ids == {world.cs_a}
    director = {d["id"] for d in api_as("director_a").get("/api/v1/department/").json["result"]}
    assert director == {world.cs_a, world.eng_a, world.marketing_a, world.security_a,
                        world.finance_a, world.administration_a}


@pytest.mark.parametrize("username", ["gm", "deputy", "admin"])
def test_company_wide_roles_see_everything(world, api_as, username):
    ids = {e["id"] for e in api_as(username).get("/api/v1/estate/").json["result"]}
    assert {world.estate_a, world.estate_b} <= ids


def test_user_without_profile_sees_nothing(api_as):
    assert api_as("nobody").get("/api/v1/estate/").json["result"] == []


def test_every_model_declares_its_scope():
    """Deny by default: a new model must say how it is scoped before any view can list it."""
    undeclared = [m.class_.__name__ for m in Model.registry.mappers
                  if m.class_.__module__.startswith("app.models")
                  and not hasattr(m.class_, "scope_clause")
                  and not getattr(m.class_, "scope_global", False)]
    assert undeclared == []


def test_unscoped_model_is_refused():
    from app.security.scope import Scope, UnscopedModelError, scope_clause_for

    class Loose:  # stands for a model that forgot its declaration
        __module__ = "app.models.loose"

    with pytest.raises(UnscopedModelError):
        scope_clause_for(Loose, Scope())


def test_openapi_and_jwt(client, api_as):
    spec = api_as("agent_a").get("/api/v1/_openapi")
    assert spec.status_code == 200
    for resource in ("estate", "building", "unit", "resident", "department"):
        assert f"/api/v1/{resource}/" in spec.json["paths"]
    assert client.get("/api/v1/estate/").status_code == 401
    assert api_as("agent_a").get("/api/v1/estate/").status_code == 200


def test_api_rejects_bad_choice_with_clear_message(world, api_as):
    response = api_as("matrix_a").post("/api/v1/resident/", json={
        "unit": world.unit_a, "name": "X", "relation": "landlord"})
    assert response.status_code == 400
    assert "relation" in response.json["message"]


def test_migrations_match_models(app, db_session):
    """`flask db upgrade` built this database; autogenerate must find nothing to add."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    connection = db_session.connection()
    diff = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    assert diff == [], diff


@pytest.mark.parametrize("first,last,expected", [
    ("晓燕", "李", "李晓燕"), ("嘉欣", "陳", "陳嘉欣"), ("Anna", "Wong", "Anna Wong")])
def test_names_are_written_as_people_write_them(app, first, last, expected):
    from flask_appbuilder.security.sqla.models import User

    assert User(first_name=first, last_name=last, username="x").get_full_name() == expected
