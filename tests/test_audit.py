"""Audit log: every create, update and delete with who, when, table, row, old and new
values; readable by admins and quality officers; nobody can change it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import AuditLog, Resident
from app.models.audit import AuditLogImmutable
from tests.conftest import csrf_token


def entries(app, table: str, row_id: int) -> list[AuditLog]:
    return list(app.appbuilder.session.scalars(
        select(AuditLog).where(AuditLog.table_name == table, AuditLog.row_id == str(row_id))
        .order_by(AuditLog.id)))


def test_create_update_delete_are_recorded_with_user_and_values(app, world, api_as):
    api = api_as("matrix_a")
    created = api.post("/api/v1/resident/", json={"unit": world.unit_a, "name": "王小明",
                                                  "relation": "tenant", "phone": "13511112222"})
    assert created.status_code == 201
    pk = created.json["id"]
    assert api.put(f"/api/v1/resident/{pk}", json={"phone": "13633334444"}).status_code == 200
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
        "csrf_token": csrf_token(admin, "/resetmypassword/form"),
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
    api_as("matrix_a").put(f"/api/v1/resident/{world.resident_a}", json={"notes": "x"})
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
        "csrf_token": csrf_token(agent, "/resetmypassword/form"), "unit": world.unit_a,
        "name": "Resident A", "relation": "owner", "phone": "13812345679"})
    assert response.status_code == 302
    assert app.appbuilder.session.get(Resident, world.resident_a).phone == "13812345679"
    assert entries(app, "resident", world.resident_a)[-1].changes == {
        "phone": ["13812345678", "13812345679"]}


def test_files_are_logged_by_size_not_content(app, world, db_session):
    """A photo or an evidence file is recorded in the audit log as its size only."""
    from sqlalchemy import select

    from app.models import AuditLog, WorkOrder, WorkOrderPhoto
    from app.models.base import local_now, utcnow
    from app.security.actor import Actor
    from app.workflows import engine

    order = WorkOrder(estate_id=world.estate_a, description="Broken tile", category="other")
    engine.create(order, actor=Actor.system(), session=db_session, commit=False)
    db_session.add(WorkOrderPhoto(work_order=order, filename="tile.png",
                                  content_type="image/png", size=2048, data=b"\x89" * 2048,
                                  uploaded_at=utcnow()))
    db_session.flush()
    row = db_session.scalar(select(AuditLog).where(AuditLog.table_name == "work_order_photo"))
    assert row.changes["data"] == [None, "<2048 bytes>"]
    assert local_now()
