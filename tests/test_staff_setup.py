"""One-screen staff setup and job-role templates (R-ORG-3, R-ORG-4): the service, the
pages acting as the admin and as a scoped colleague, and every permission in plain,
translated words."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.security import permissions as P
from tests.helpers import csrf_token
from tests.world import PASSWORD

CJK = re.compile(r"[\u3400-\u9fff]")
COORDINATOR = "Staff coordinator (test)"


def text(response) -> str:
    return response.get_data(as_text=True)


def role_id(app, name: str) -> int:
    with app.test_request_context():
        return app.appbuilder.sm.find_role(name).id


def user_named(app, username: str):
    sm = app.appbuilder.sm
    return app.appbuilder.session.scalar(select(sm.user_model).where(
        sm.user_model.username == username))


def staff_form(client, path: str = "/staff/add", **values) -> dict:
    """The staff screen's fields, as a browser posts them."""
    data = {"csrf_token": csrf_token(client, path), "username": "", "first_name": "",
            "last_name": "", "password": "", "email": "", "active": "y", "job_title": "",
            "phone": ""}
    data.update(values)
    return data


def _profile(app, user_id: int):
    from app.models import StaffProfile

    session = app.appbuilder.session
    return session.scalar(select(StaffProfile).where(StaffProfile.user_id == user_id))


# --- the admin sets a colleague up in one step --------------------------------------------------

def test_admin_creates_a_technician_in_one_screen(app, world, as_user):
    admin = as_user("admin")
    technician = role_id(app, P.ROLE_TECHNICIAN)
    response = admin.post("/staff/add", data=staff_form(
        admin, username="li_xiaoyan", first_name="李晓燕", password=PASSWORD,
        roles=[technician], departments=[world.eng_a], estates=[world.estate_a],
        job_title="维修工", phone="0755-1234567"))
    assert response.status_code == 302, text(response)[:2000]
    user = user_named(app, "li_xiaoyan")
    assert user.get_full_name() == "李晓燕" and user.last_name == "" and user.active
    assert [r.name for r in user.roles] == [P.ROLE_TECHNICIAN]
    assert user.email == "li_xiaoyan@staff.invalid"  # generated, unique, undeliverable
    profile = _profile(app, user.id)
    assert [d.id for d in profile.departments] == [world.eng_a]
    assert [e.id for e in profile.estates] == [world.estate_a]
    assert profile.job_title == "维修工" and profile.phone == "0755-1234567"
    # The placeholder is never shown back as if someone typed it.
    page = text(admin.get(f"/staff/edit/{user.id}"))
    assert "staff.invalid" not in page and "li_xiaoyan" in page
    # The new colleague signs in with the password given and sees their estate only.
    tech = as_user("li_xiaoyan")
    units = text(tech.get("/unitview/list/"))
    assert "A-1501" in units and "B-1501" not in units
    listed = text(admin.get("/staff/"))
    assert "li_xiaoyan" in listed and "李晓燕" in listed


def test_duplicate_login_is_refused_naming_the_field_and_keeping_the_input(app, world,
                                                                          as_user):
    admin = as_user("admin")
    response = admin.post("/staff/add", data=staff_form(
        admin, username="AGENT_A", first_name="王小明", password=PASSWORD,
        job_title="Night shift", roles=[role_id(app, P.ROLE_FRONT_DESK_AGENT)]))
    assert response.status_code == 400
    page = text(response)
    assert "This login is already taken." in page
    assert 'data-field="username"' in page
    assert "王小明" in page and "Night shift" in page  # what was typed stays
    with app.test_request_context():
        assert app.appbuilder.sm.find_user(username="agent_a").first_name == "Agent_A"


def test_email_is_optional_and_placeholders_stay_unique(app, world, as_user):
    admin = as_user("admin")
    for username in ("zhang.san", "zhang-san"):
        response = admin.post("/staff/add", data=staff_form(
            admin, username=username, first_name="张三", password=PASSWORD))
        assert response.status_code == 302, text(response)[:2000]
    first, second = user_named(app, "zhang.san"), user_named(app, "zhang-san")
    assert first.email == "zhang.san@staff.invalid"
    assert second.email == "zhang-san@staff.invalid"
    # A real email typed later replaces the placeholder; a taken one is refused.
    page = f"/staff/edit/{first.id}"
    response = admin.post(page, data=staff_form(
        admin, page, username="zhang.san", first_name="张三", email="agent_a@test.example"))
    assert response.status_code == 400
    assert "This email address is already used by another person." in text(response)
    response = admin.post(page, data=staff_form(
        admin, page, username="zhang.san", first_name="张三", email="zs@example.com"))
    assert response.status_code == 302
    assert user_named(app, "zhang.san").email == "zs@example.com"


def test_password_policy_and_required_fields(app, world, as_user):
    admin = as_user("admin")
    response = admin.post("/staff/add", data=staff_form(
        admin, username="weak", first_name="", password="12345678"))
    assert response.status_code == 400
    page = text(response)
    assert "Enter the person&#39;s name." in page or "Enter the person's name." in page
    assert "Use at least 10 characters." in page
    response = admin.post("/staff/add", data=staff_form(
        admin, username="weak", first_name="Weak", password="password123"))
    assert "This password is too common." in text(response)
    response = admin.post("/staff/add", data=staff_form(
        admin, username="no spaces please", first_name="X", password=PASSWORD))
    assert response.status_code == 400 and 'data-field="username"' in text(response)
    response = admin.post("/staff/add", data=staff_form(
        admin, username="bad_ids", first_name="X", password=PASSWORD, roles=["abc"]))
    assert response.status_code == 400  # never a 500
    assert user_named(app, "weak") is None


def test_editing_keeps_the_password_unless_a_new_one_is_typed(app, world, as_user, client):
    admin = as_user("admin")
    page = f"/staff/edit/{world.user_tech_a}"
    response = admin.post(page, data=staff_form(
        admin, page, username="tech_a", first_name="Tech_A", last_name="Test",
        roles=[role_id(app, P.ROLE_TECHNICIAN)], departments=[world.eng_a],
        estates=[world.estate_a], job_title="Senior technician"))
    assert response.status_code == 302, text(response)[:2000]
    assert _profile(app, world.user_tech_a).job_title == "Senior technician"
    as_user("tech_a")  # the old password still works


def test_a_second_staff_profile_for_the_same_person_is_refused(app, world, as_user):
    from app.models import StaffProfile
    from app.workflows.staff_setup import StaffRefused, ensure_single_profile

    session = app.appbuilder.session
    agent = user_named(app, "agent_a")
    with pytest.raises(StaffRefused) as refused:
        ensure_single_profile(session, agent)
    assert "user" in refused.value.errors
    admin = as_user("admin")
    response = admin.post("/staffprofileview/add", data={
        "csrf_token": csrf_token(admin, "/staffprofileview/add"), "user": str(agent.id),
        "job_title": "Second"})
    assert response.status_code < 500
    page = text(response)
    assert "This person already has a staff profile" in page
    count = session.scalar(select(StaffProfile.id).where(
        StaffProfile.user_id == agent.id, StaffProfile.job_title == "Second"))
    assert count is None


def test_a_person_without_a_profile_gets_one_from_the_staff_screen(app, world, as_user):
    admin = as_user("admin")
    page = f"/staff/edit/{world.user_gm}"
    assert admin.get(page).status_code == 200
    response = admin.post(page, data=staff_form(
        admin, page, username="gm", first_name="Gm", last_name="Test",
        roles=[role_id(app, P.ROLE_GM)], job_title="总经理"))
    assert response.status_code == 302, text(response)[:2000]
    assert _profile(app, world.user_gm).job_title == "总经理"


# --- a colleague with the staff permission, scoped to their own office ---------------------------

@pytest.fixture
def coordinator(app, world, as_user):
    """A colleague who sets up staff for office A only (whole office A in scope)."""
    from app.models import Office
    from app.security.scope import SYSTEM_SCOPE
    from app.workflows.staff_setup import StaffData, save_staff

    sm = app.appbuilder.sm
    session = app.appbuilder.session
    with app.test_request_context():
        role = sm.add_role(COORDINATOR)
        role.permissions = [sm.add_permission_view_menu(a, r) for a, r in sorted(
            P.can(P.READ, P.STAFF_PROFILE) | P.can(P.CREATE, P.STAFF_PROFILE)
            | P.can(P.EDIT, P.STAFF_PROFILE) | P.can(P.READ, *P.ORG_RESOURCES)
            | P.SELF_SERVICE | {(P.MENU, "Staff"), (P.MENU, P.MENU_ADMIN)})]
        office_a = session.get(Office, world.office_a)
        save_staff(session, StaffData(username="coord_a", first_name="Coord", last_name="A",
                                      password=PASSWORD, role_ids=[role.id],
                                      office_ids=[office_a.id]), scope=SYSTEM_SCOPE)
        session.commit()
    return as_user("coord_a")


def test_scoped_colleague_sees_and_assigns_only_their_own_scope(app, world, coordinator):
    add = text(coordinator.get("/staff/add"))
    assert "Estate A" in add and "Estate B" not in add
    assert "Engineering A" in add and "Engineering B" not in add
    assert ">Admin<" not in add and "General manager" not in add  # no see-all roles
    listed = text(coordinator.get("/staff/"))
    assert "agent_a" in listed and "agent_b" not in listed and ">admin<" not in listed
    assert coordinator.get(f"/staff/edit/{world.user_agent_b}").status_code == 404
    # Posting another office's estate or the Admin role is refused, nothing saved.
    technician = role_id(app, P.ROLE_TECHNICIAN)
    response = coordinator.post("/staff/add", data=staff_form(
        coordinator, username="tech_new", first_name="新人", password=PASSWORD,
        roles=[technician], departments=[world.eng_b], estates=[world.estate_b]))
    assert response.status_code == 400
    assert 'data-field="estates"' in text(response)
    assert 'data-field="departments"' in text(response)
    assert user_named(app, "tech_new") is None
    response = coordinator.post("/staff/add", data=staff_form(
        coordinator, username="tech_new", first_name="新人", password=PASSWORD,
        roles=[role_id(app, P.ROLE_ADMIN)]))
    assert response.status_code == 400 and user_named(app, "tech_new") is None
    # Inside the scope it works.
    response = coordinator.post("/staff/add", data=staff_form(
        coordinator, username="tech_new", first_name="新人", password=PASSWORD,
        roles=[technician], departments=[world.eng_a], estates=[world.estate_a]))
    assert response.status_code == 302, text(response)[:2000]
    profile = _profile(app, user_named(app, "tech_new").id)
    assert [e.id for e in profile.estates] == [world.estate_a]


def test_scoped_edit_keeps_places_the_editor_cannot_see(app, world, coordinator):
    from app.models import Estate, StaffProfile

    session = app.appbuilder.session
    profile = session.scalar(select(StaffProfile).where(
        StaffProfile.user_id == world.user_agent_a))
    profile.estates = profile.estates + [session.get(Estate, world.estate_b)]
    session.commit()
    page = f"/staff/edit/{world.user_agent_a}"
    form = text(coordinator.get(page))
    assert "Estate B" not in form
    response = coordinator.post(page, data=staff_form(
        coordinator, page, username="agent_a", first_name="Agent_A", last_name="Test",
        roles=[role_id(app, P.ROLE_FRONT_DESK_AGENT)], departments=[world.cs_a],
        estates=[world.estate_a]))
    assert response.status_code == 302, text(response)[:2000]
    session.expire_all()
    kept = _profile(app, world.user_agent_a)
    assert {e.id for e in kept.estates} == {world.estate_a, world.estate_b}


def test_job_roles_are_for_the_admin_only(app, world, as_user, coordinator):
    assert coordinator.get("/jobroles/").status_code == 403
    assert as_user("director_a").get("/staff/add").status_code == 403
    assert as_user("tech_a").get("/staff/").status_code == 403


# --- job roles ------------------------------------------------------------------------------------

def test_every_permission_reads_as_translated_words(app, world):
    """After the roles sync of the test database, each permission there is has a line
    composed from data, not its raw name, and it is Chinese under zh_Hans."""
    from app.security.role_labels import permission_labels

    sm = app.appbuilder.sm
    with app.test_request_context():
        perms = {(pv.permission.name, pv.view_menu.name)
                 for pv in sm.session.scalars(select(sm.permissionview_model))
                 if pv.permission is not None and pv.view_menu is not None}
        assert len(perms) > 200
        english = permission_labels(perms)
        with force_locale("zh_Hans"):
            chinese = permission_labels(perms)
    unknown = sorted(p for p, label in english.items() if not label.known)
    assert not unknown, f"permissions nobody described: {unknown}"
    untranslated = sorted((p, label.text) for p, label in chinese.items()
                          if label.text in (p[0], p[1], f"{p[0]} on {p[1]}")
                          or not CJK.search(label.text) or label.text == english[p].text)
    assert not untranslated, untranslated
    assert english[("can_dispatch", P.WORK_ORDER)].text == "Work orders: dispatch"
    assert english[(P.READ, P.WORK_ORDER)].text == "Read work orders"
    assert english[(P.EXPORT, P.RESIDENT)].text == "Export lists of residents to Excel"
    assert english[(P.READ, P.WORK_ORDER)].area == "work_order"
    assert english[P.SEE_ALL_SCOPE].area == "organisation"


def test_role_names_are_translated_on_the_role_page(app, world, as_user):
    admin = as_user("admin")
    admin.get("/lang/zh_Hans")
    page = text(admin.get("/jobroles/"))
    from babel.support import Translations

    from config import BASE_DIR

    catalog = Translations.load(str(BASE_DIR / "translations"), ["zh_Hans"])
    for name in (P.ROLE_TECHNICIAN, P.ROLE_FRONT_DESK_AGENT, P.ROLE_GM):
        assert catalog.gettext(name) != name and catalog.gettext(name) in page
    assert ">Technician<" not in page


def test_clone_a_template_and_refuse_a_duplicate_name(app, world, as_user):
    sm = app.appbuilder.sm
    admin = as_user("admin")
    template = role_id(app, P.ROLE_TECHNICIAN)
    token = csrf_token(admin, "/jobroles/")
    response = admin.post(f"/jobroles/clone/{template}",
                          data={"csrf_token": token, "name": "Senior technician"})
    assert response.status_code == 302
    with app.test_request_context():
        clone = sm.find_role("Senior technician")
        original = sm.find_role(P.ROLE_TECHNICIAN)
        assert {pv.id for pv in clone.permissions} == {pv.id for pv in original.permissions}
        assert response.headers["Location"].endswith(f"/jobroles/permissions/{clone.id}")
    response = admin.post(f"/jobroles/clone/{template}",
                          data={"csrf_token": token, "name": "technician"})
    assert response.status_code == 400
    page = text(response)
    assert "A role with this name already exists." in page and 'value="technician"' in page
    response = admin.post(f"/jobroles/clone/{template}", data={"csrf_token": token, "name": ""})
    assert response.status_code == 400 and "Give the new role a name." in text(response)


def test_edit_permissions_by_area_with_menus_following_reads(app, world, as_user):
    from app.workflows.job_roles import role_perms

    sm = app.appbuilder.sm
    admin = as_user("admin")
    template = role_id(app, P.ROLE_TECHNICIAN)
    token = csrf_token(admin, "/jobroles/")
    admin.post(f"/jobroles/clone/{template}", data={"csrf_token": token, "name": "Tech+"})
    with app.test_request_context():
        clone = sm.find_role("Tech+")
        clone_id = clone.id
        held = [pv.id for pv in clone.permissions if pv.permission.name != P.MENU]
        audit = sm.find_permission_view_menu(P.READ, P.AUDIT_LOG).id
        work_orders = sm.find_permission_view_menu(P.READ, P.WORK_ORDER).id
    page = text(admin.get(f"/jobroles/permissions/{clone_id}"))
    assert "Read work orders" in page and "Work orders: dispatch" in page
    assert "menu_access" not in page and "Menu entry" not in page  # menus are automatic
    assert 'data-area="organisation"' in page and 'data-area="work_order"' in page
    chosen = [i for i in held if i != work_orders] + [audit]
    response = admin.post(f"/jobroles/permissions/{clone_id}",
                          data={"csrf_token": token, "permission": chosen})
    assert response.status_code == 302
    with app.test_request_context():
        perms = role_perms(sm.find_role("Tech+"))
    assert (P.READ, P.AUDIT_LOG) in perms and (P.MENU, "Audit log") in perms
    assert (P.MENU, P.MENU_ADMIN) in perms
    assert (P.READ, P.WORK_ORDER) not in perms and (P.MENU, "Work orders") not in perms
    # The Admin role is not edited here.
    admin_id = role_id(app, P.ROLE_ADMIN)
    response = admin.post(f"/jobroles/permissions/{admin_id}",
                          data={"csrf_token": token, "permission": [audit]})
    assert response.status_code == 400
    with app.test_request_context():
        assert len(sm.find_role(P.ROLE_ADMIN).permissions) > 100


def test_preview_lists_the_technicians_menu(app, world, as_user):
    from app.workflows.job_roles import preview_of_roles

    sm = app.appbuilder.sm
    with app.test_request_context():
        preview = preview_of_roles([sm.find_role(P.ROLE_TECHNICIAN)])
    entries = {entry for group in preview.menu for entry in group.entries}
    assert {"Work orders", "My work", "Units", "Estates"} <= entries
    assert not entries & {"Compensation claims", "Approval queue", "Audit log", "Staff",
                          "Job roles", "Department queue", "List Users"}
    documents = {doc.label: doc.actions for doc in preview.documents}
    assert "Work orders: accept the job" in documents["Work orders"]
    assert "Work orders: dispatch" not in documents["Work orders"]
    assert "Compensation claims" not in documents
    admin = as_user("admin")
    page = text(admin.get(f"/jobroles/show/{role_id(app, P.ROLE_TECHNICIAN)}"))
    assert "Work orders: accept the job" in page and "Units" in page
    fragment = text(admin.get(f"/staff/preview?roles={role_id(app, P.ROLE_TECHNICIAN)}"))
    assert "My work" in fragment and "Approval queue" not in fragment


def test_fab_security_pages_are_out_of_the_menu_but_reachable(app, world, as_user):
    admin = as_user("admin")
    home = text(admin.get("/"))
    assert "/users/list/" not in home and "/roles/list/" not in home
    assert "/staff/" in home and "/jobroles/" in home
    for path in ("/users/list/", "/roles/list/", "/staffprofileview/list/", "/staff/",
                 "/jobroles/", "/staff/add", f"/staff/edit/{world.user_admin}",
                 f"/jobroles/permissions/{role_id(app, P.ROLE_ADMIN)}"):
        assert admin.get(path).status_code == 200, path
    roles_page = text(admin.get("/jobroles/"))
    assert 'href="/users/list/"' in roles_page and 'href="/roles/list/"' in roles_page
    assert admin.get("/staff/edit/999999").status_code == 404
    assert admin.get("/jobroles/show/999999").status_code == 404
