"""Audit log: every create, update and delete with who, when, table, row, old and new
values, plus sign-ins, sign-outs and exports with the client's address; scoped like every
table (R-ORG-4), private values masked for viewers who may not see them (R-RES-2), each
entry a sentence in the reader's language and local time; nobody can change it."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select

from app.models import AuditLog, Resident
from app.models.audit import AuditLogImmutable
from tests.helpers import csrf_token, edit_form_token, login
from tests.helpers import put_versioned as put
from tests.world import PASSWORD


def entries(app, table: str, row_id: int) -> list[AuditLog]:
    return list(app.appbuilder.session.scalars(
        select(AuditLog).where(AuditLog.table_name == table, AuditLog.row_id == str(row_id))
        .order_by(AuditLog.id)))


def events(app, action: str) -> list[AuditLog]:
    return list(app.appbuilder.session.scalars(
        select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_create_update_delete_are_recorded_with_user_and_values(app, world, api_as):
    api = api_as("matrix_a")
    created = api.post("/api/v1/resident/", json={"unit": world.unit_a, "name": "王小明",
                                                  "relation": "tenant", "phone": "13511112222"})
    assert created.status_code == 201
    pk = created.json["id"]
    assert put(api, f"/api/v1/resident/{pk}", {"phone": "13633334444"}).status_code == 200
    assert api.delete(f"/api/v1/resident/{pk}").status_code == 200

    log = entries(app, "resident", pk)
    assert [e.action for e in log] == ["create", "update", "delete"]
    assert all(e.username == "matrix_a" and e.user_id == world.user_matrix_a for e in log)
    assert log[0].changes["name"] == [None, "王小明"]
    assert log[1].changes == {"phone": ["13511112222", "13633334444"]}
    assert log[2].changes["name"] == ["王小明", None]


def test_many_to_many_changes_are_recorded(app, world, as_user):
    admin = as_user("admin")
    from app.models import StaffProfile

    profile = app.appbuilder.session.scalar(
        select(StaffProfile).where(StaffProfile.user_id == world.user_agent_a))
    response = admin.post(f"/staffprofileview/edit/{profile.id}", data={
        **edit_form_token(admin, f"/staffprofileview/edit/{profile.id}"),
        "user": world.user_agent_a, "job_title": "Senior agent",
        "departments": [world.cs_a, world.eng_a], "estates": [world.estate_a]})
    assert response.status_code == 302
    change: dict = {}
    for entry in entries(app, "staff_profile", profile.id)[1:]:  # after the world's create
        assert entry.action == "update" and entry.username == "admin"
        change.update(entry.changes)
    assert change["job_title"][1] == "Senior agent"
    assert len(change["departments"][1]) == 2


def test_password_hashes_never_reach_the_log(app, world, as_user):
    agent = as_user("agent_a")
    agent.post("/resetmypassword/form", data={
        "password": "A-much-better-passphrase", "conf_password": "A-much-better-passphrase",
        "csrf_token": csrf_token(agent, "/resetmypassword/form")})
    for entry in entries(app, "ab_user", world.user_agent_a):
        assert "password" not in entry.changes


def test_log_rows_cannot_be_changed_or_deleted(app, world, api_as):
    put(api_as("matrix_a"), f"/api/v1/resident/{world.resident_a}", {"notes": "x"})
    session = app.appbuilder.session
    entry = entries(app, "resident", world.resident_a)[-1]
    entry.username = "someone else"
    with pytest.raises(AuditLogImmutable):
        session.flush()
    session.rollback()
    entry = entries(app, "resident", world.resident_a)[-1]
    session.delete(entry)
    with pytest.raises(AuditLogImmutable):
        session.flush()
    session.rollback()


def test_audit_pages_are_read_only_and_restricted(world, as_user):
    quality = as_user("quality_a")
    assert quality.get("/auditlogview/list/").status_code == 200
    assert quality.get("/auditlogview/add").status_code in (403, 404, 302)
    assert quality.get("/auditlogview/edit/1").status_code in (403, 404, 302)
    token = csrf_token(quality, "/resetmypassword/form")
    assert quality.post("/auditlogview/delete/1", data={"csrf_token": token}).status_code in (
        403, 404, 302, 405)
    agent = as_user("agent_a")
    assert agent.get("/auditlogview/list/").status_code in (302, 403)


def test_resident_edit_through_form_is_logged(app, world, as_user):
    agent = as_user("agent_a")
    response = agent.post(f"/residentview/edit/{world.resident_a}", data={
        **edit_form_token(agent, f"/residentview/edit/{world.resident_a}"), "unit": world.unit_a,
        "name": "Resident A", "relation": "owner", "phone": "13812345679"})
    assert response.status_code == 302
    assert app.appbuilder.session.get(Resident, world.resident_a).phone == "13812345679"
    assert entries(app, "resident", world.resident_a)[-1].changes == {
        "phone": ["13812345678", "13812345679"]}


def test_files_are_logged_by_size_not_content(app, world, db_session):
    """A photo or an evidence file is recorded in the audit log as its size only."""
    from sqlalchemy import select

    from app.models import AuditLog, WorkOrder, WorkOrderPhoto
    from app.models.base import local_now
    from app.security.actor import Actor
    from app.workflows import engine

    order = WorkOrder(estate_id=world.estate_a, description="Broken tile", category="other")
    engine.create(order, actor=Actor.system(), session=db_session)
    db_session.add(WorkOrderPhoto(work_order=order, filename="tile.png",
                                  content_type="image/png", size=2048, data=b"\x89" * 2048,
                                  uploaded_at=local_now()))
    db_session.flush()
    row = db_session.scalar(select(AuditLog).where(AuditLog.table_name == "work_order_photo"))
    assert row.changes["data"] == [None, "<2048 bytes>"]
    assert local_now()


# --- scope and masking (R-ORG-4, R-RES-2) ------------------------------------------------------

def change_phone(app, api_as, world, side: str, phone: str) -> int:
    """Change a resident's phone through the API; the id of the audit entry it wrote."""
    resident = getattr(world, f"resident_{side}")
    response = put(api_as(f"matrix_{side}"), f"/api/v1/resident/{resident}", {"phone": phone})
    assert response.status_code == 200, response.get_data(as_text=True)
    return entries(app, "resident", resident)[-1].id


def entry_by_id(app, pk: int) -> AuditLog:
    return app.appbuilder.session.get(AuditLog, pk)


def grant(app, role_name: str, permission: tuple[str, str]) -> None:
    """Give a built-in role one more permission, for this test only (rolled back)."""
    sm = app.appbuilder.sm
    with app.test_request_context():
        role = sm.find_role(role_name)
        role.permissions.append(sm.find_permission_view_menu(*permission))
        app.appbuilder.session.commit()


def test_quality_reads_phones_masked_in_list_detail_and_export(app, world, api_as, as_user):

    pk = change_phone(app, api_as, world, "a", "13911112222")
    # Stored as it was: masking is for reading.
    assert entry_by_id(app, pk).changes == {"phone": ["13812345678", "13911112222"]}
    quality = as_user("quality_a")  # Quality exports the audit log by default

    listed = text(quality.get("/auditlogview/list/"))
    shown = text(quality.get(f"/auditlogview/show/{pk}"))
    exported = text(quality.get("/auditlogview/export/"))
    for page in (listed, shown, exported):
        assert "138****5678" in page and "139****2222" in page
        assert "13812345678" not in page and "13911112222" not in page
    assert "Phone 138****5678 → 139****2222" in listed
    # The admin may see phones: the same entry reads in full for them.
    assert "Phone 13812345678 → 13911112222" in text(
        as_user("admin").get(f"/auditlogview/show/{pk}"))


def test_the_audit_list_offers_no_filter_on_the_changes(world, as_user):
    quality = as_user("quality_a")
    page = text(quality.get("/auditlogview/list/"))
    assert "_flt_0_changes" not in page and '"changes"' not in page
    # A filter on the changes named in the address is ignored, not applied.
    assert quality.get("/auditlogview/list/?_flt_2_changes=138").status_code == 200
    assert quality.get("/auditlogview/list/?_flt_0_username=matrix").status_code == 200


def test_quality_sees_only_rows_of_their_own_estates(app, world, api_as, as_user):
    mine = change_phone(app, api_as, world, "a", "13800000001")
    theirs = change_phone(app, api_as, world, "b", "13900000002")
    # Resident -> unit -> building -> estate, found when the change was written.
    assert entry_by_id(app, mine).estate_id == world.estate_a
    assert entry_by_id(app, theirs).estate_id == world.estate_b
    quality = as_user("quality_a")
    listed = text(quality.get("/auditlogview/list/"))
    assert "Resident A" in listed and "Resident B" not in listed
    assert quality.get(f"/auditlogview/show/{mine}").status_code == 200
    assert quality.get(f"/auditlogview/show/{theirs}").status_code in (302, 404)
    everything = text(as_user("admin").get("/auditlogview/list/"))
    assert "Resident A" in everything and "Resident B" in everything


def test_rows_that_belong_nowhere_are_for_unrestricted_readers(app, world, as_user):
    """A change to a role belongs to no estate: admins see it, quality officers do not."""
    with app.test_request_context():
        role = app.appbuilder.sm.find_role("Scope matrix tester")
        role.name = "Scope matrix testers"
        app.appbuilder.session.commit()
        role_id = role.id
    entry = entries(app, "ab_role", role_id)[-1]
    assert (entry.estate_id, entry.department_id, entry.office_id) == (None, None, None)
    pk = entry.id
    assert as_user("admin").get(f"/auditlogview/show/{pk}").status_code == 200
    assert as_user("quality_a").get(f"/auditlogview/show/{pk}").status_code in (302, 404)


# --- events: sign-in, sign-out, export ------------------------------------------------------------

def test_sign_ins_failures_and_sign_outs_are_recorded_with_the_address(app, world, client):
    token = csrf_token(client)
    refused = client.post("/login/", data={"username": "director_a", "password": "wrong",
                                           "csrf_token": token},
                          environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert refused.status_code in (200, 302)
    failed = events(app, "login_failed")[-1]
    assert (failed.username, failed.user_id, failed.client_addr) == (
        "director_a", None, "10.0.0.5")
    assert "wrong" not in str(failed.changes)  # the password tried is never kept

    accepted = client.post("/login/", data={"username": "director_a", "password": PASSWORD,
                                            "csrf_token": csrf_token(client)},
                           environ_base={"REMOTE_ADDR": "10.0.0.6"})
    assert accepted.status_code == 302
    signed_in = events(app, "login")[-1]
    assert (signed_in.user_id, signed_in.client_addr) == (world.user_director_a, "10.0.0.6")

    client.get("/logout/", environ_base={"REMOTE_ADDR": "10.0.0.6"})
    signed_out = events(app, "logout")[-1]
    assert (signed_out.user_id, signed_out.client_addr) == (world.user_director_a, "10.0.0.6")

    admin = app.test_client()
    assert login(admin, "admin").status_code == 302
    listed = text(admin.get("/auditlogview/list/"))
    assert "Someone failed to sign in as director_a from 10.0.0.5" in listed
    assert "Director_A Test signed in from 10.0.0.6" in listed
    assert "Director_A Test signed out" in listed


def test_api_sign_in_is_recorded(app, world, api_as):
    before = len(events(app, "login"))
    api_as("quality_a")
    assert len(events(app, "login")) == before + 1
    assert events(app, "login")[-1].user_id == world.user_quality_a


def test_an_export_is_recorded(app, world, as_user):
    agent = as_user("agent_a")
    exported = text(agent.get("/residentview/export/"))
    rows = len(list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))) - 1
    entry = events(app, "export")[-1]
    assert (entry.user_id, entry.table_name, entry.changes["rows"]) == (
        world.user_agent_a, "resident", rows)
    assert entry.client_addr
    listed = text(as_user("admin").get("/auditlogview/list/"))
    noun = "1 row" if rows == 1 else f"{rows} rows"
    assert f"Agent_A Test exported Residents (CSV, {noun})" in listed
    workbook = agent.get("/residentview/export/?format=xlsx")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"  # a zip: xlsx
    assert events(app, "export")[-1].changes["format"] == "xlsx"
    listed = text(as_user("admin").get("/auditlogview/list/"))
    assert f"Agent_A Test exported Residents (Excel, {noun})" in listed


# --- who may do what ---------------------------------------------------------------------------

def test_role_permission_change_through_the_role_page_is_recorded(app, world, as_user):
    from app.security import permissions as P

    sm = app.appbuilder.sm
    with app.test_request_context():
        role = sm.find_role(P.ROLE_QUALITY_OFFICER)
        role_id, export_id = role.id, sm.find_permission_view_menu(P.DELETE, P.RESIDENT).id
        kept = [pv.id for pv in role.permissions]
    assert export_id not in kept
    admin = as_user("admin")
    response = admin.post(f"/roles/edit/{role_id}", data={
        **edit_form_token(admin, f"/roles/edit/{role_id}", versioned=False),
        "name": P.ROLE_QUALITY_OFFICER,
        "permissions": kept + [export_id]})
    assert response.status_code == 302
    entry = entries(app, "ab_role", role_id)[-1]
    assert entry.action == "update" and entry.user_id == world.user_admin
    old, new = entry.changes["permissions"]
    assert len(new) == len(old) + 1 and any("delete on Resident" in p for p in new)
    shown = text(admin.get(f"/auditlogview/show/{entry.id}"))
    assert "added can delete on Resident" in shown


def test_user_role_assignment_is_recorded_on_the_user(app, world):
    from app.security import permissions as P

    sm = app.appbuilder.sm
    with app.test_request_context():
        quality = sm.find_role(P.ROLE_QUALITY_OFFICER)
        role_id = quality.id
        role_entries = len(entries(app, "ab_role", role_id))
        user = sm.get_user_by_id(world.user_agent_a)
        user.roles = user.roles + [quality]
        app.appbuilder.session.commit()
    entry = entries(app, "ab_user", world.user_agent_a)[-1]
    old, new = entry.changes["roles"]
    assert any(r.startswith(P.ROLE_QUALITY_OFFICER) for r in new)
    assert not any(r.startswith(P.ROLE_QUALITY_OFFICER) for r in old)
    # Once, on the user's side, not again as the role's member list.
    assert len(entries(app, "ab_role", role_id)) == role_entries


# --- readable: sentences, local time, names, steps ---------------------------------------------

def test_an_entry_reads_in_chinese_with_local_time_and_the_family_name_first(
        app, world, api_as, as_user):
    """Stored at 06:05 UTC, read at 14:05 in Shanghai; 李晓燕, not "晓燕 李"; labels and
    words of the zh_Hans catalog; the phone masked for the quality officer."""
    session = app.appbuilder.session
    with app.test_request_context():
        user = app.appbuilder.sm.get_user_by_id(world.user_matrix_a)
        user.first_name, user.last_name = "晓燕", "李"
        session.commit()
    from app import clock

    with clock.using(clock.FrozenClock(datetime(2026, 11, 30, 14, 5, 30))):
        pk = change_phone(app, api_as, world, "a", "13911112222")
    # Stored as the estates' wall-clock time, like every other time of the product.
    assert entry_by_id(app, pk).at == datetime(2026, 11, 30, 14, 5, 30)

    quality = as_user("quality_a")
    listed = text(quality.get("/auditlogview/list/?_l_=zh_Hans"))
    assert "2026-11-30 14:05 李晓燕 修改了 业户 Resident A：电话 138****5678 → 139****2222" \
        in listed
    assert "changed" not in listed
    shown = text(quality.get(f"/auditlogview/show/{pk}?_l_=zh_Hant"))
    assert "2026-11-30 14:05 李晓燕 修改了 業戶 Resident A：電話 138****5678 → 139****2222" \
        in shown


def test_a_workflow_step_reads_as_the_step_taken(app, world, db_session, as_user):
    from app.models import WorkOrder
    from app.security.actor import Actor
    from app.workflows import engine

    with app.test_request_context():
        order = WorkOrder(estate_id=world.estate_a, description="Leaking tap",
                          category="other")
        engine.create(order, actor=Actor.system(), session=db_session)
        engine.apply(order, "dispatch", {"technician_id": world.user_tech_a},
                     actor=Actor.system(), session=db_session)
        db_session.commit()
        number = order.number
    step = db_session.scalars(select(AuditLog).where(
        AuditLog.table_name == "workflow_history").order_by(AuditLog.id.desc())).first()
    assert step.estate_id == world.estate_a  # found through the step's document
    assert step.record_name == number

    listed = text(as_user("admin").get("/auditlogview/list/"))
    assert f"The system registered Work order {number}" in listed
    assert f"The system took the step &#39;Dispatch&#39; on Work order {number}: " \
           f"Technician: Tech_A Test" in listed


def test_a_phone_inside_a_steps_data_is_masked(app, world, as_user):
    """A register entry turned into a complaint carries the complainant's phone in the
    step's data: masked for the quality officer there too."""
    from app.models.base import local_now

    session = app.appbuilder.session
    step = AuditLog(at=local_now(), username="agent_a", user_id=world.user_agent_a,
                    action="create", table_name="workflow_history", row_id="999999",
                    record_name="SR-2026-000009", estate_id=world.estate_a, changes={
                        "doc_type": [None, "service_record"], "doc_id": [None, 9],
                        "transition": [None, "to_complaint"],
                        "from_state": [None, "recorded"], "to_state": [None, "converted"],
                        "data": [None, {"complainant_phone": "13612345678",
                                        "subject": "Lift"}]})
    session.add(step)
    session.commit()
    pk = step.id
    quality = as_user("quality_a")
    listed, shown = text(quality.get("/auditlogview/list/")), text(
        quality.get(f"/auditlogview/show/{pk}"))
    for page in (listed, shown):
        assert "136****5678" in page and "13612345678" not in page
    assert "Turn into a complaint" in listed and "Complainant&#39;s phone: 136****5678" \
        in listed


def test_a_stored_file_reads_as_its_size(app):
    """Photos, scans and signatures are logged by their size, and read so in any language."""
    from flask_babel import force_locale

    from app.views.audit import value_text
    with app.test_request_context():
        assert value_text(None, "signature_png", "<20480 bytes>") == "a file of 20,480 bytes"
        with force_locale("zh_Hans"):
            assert value_text(None, "photo", "<512 bytes>") == "文件（512 字节）"
