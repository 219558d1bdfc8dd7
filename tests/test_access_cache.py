"""Access answers (permissions, the public role, row scope, signed-out credentials) are
remembered by each process and dropped by any write that changes them, in this process at
once and in every other one through the `access_epoch` row (app/security/access_cache.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, text, update

from app.models import AccessEpoch, Estate, StaffProfile, WorkOrder
from app.models.staff import profile_departments
from app.security import access_cache
from tests.test_request_overhead import statements

API = "/api/v1/work_order/"
NOW = datetime(2026, 9, 29, 10, 0)


def _epoch(session) -> int:
    return session.scalar(select(AccessEpoch.version).where(AccessEpoch.id == 1))


def _order(session, world) -> int:
    session.execute(insert(WorkOrder).values(
        number="WO-AC-00001", state="dispatched", estate_id=world.estate_a,
        unit_id=world.unit_a, department_id=world.eng_a, technician_id=world.user_tech_a,
        description="Leaking pipe", reported_at=NOW, category="other"))
    session.commit()
    return session.scalar(select(WorkOrder.id).where(WorkOrder.number == "WO-AC-00001"))


def _raw(session, sql: str) -> None:
    """A write as another process makes it, committed: on the database, unseen by this
    process's statement listener (straight through the DBAPI cursor)."""
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()
    session.commit()


def test_a_repeated_request_asks_nothing_about_access(app, seeded, world, api_as):
    head = api_as("head_a")
    assert head.get(API).status_code == 200
    with statements(app) as sent:
        assert head.get(API).status_code == 200
    asked = " ".join(sent).lower()
    # The epoch, then the person and the page: no permission, scope or sign-out lookups.
    assert "access_epoch" in asked
    for table in ("ab_permission_view_role", "staff_profile", "revoked_credential"):
        assert table not in asked, table


def test_a_permission_removed_applies_to_the_next_request(app, seeded, world, api_as):
    head = api_as("head_a")
    assert head.get(API).status_code == 200
    sm = app.appbuilder.sm
    with app.app_context():
        role = sm.find_user(username="head_a").roles[0]
        role.permissions = [pv for pv in role.permissions
                            if not (pv.permission.name == "can_read"
                                    and pv.view_menu.name == "WorkOrder")]
        seeded.commit()
    assert head.get(API).status_code == 403


def test_a_department_taken_away_hides_its_rows_at_once(app, seeded, world, api_as):
    pk = _order(seeded, world)
    head = api_as("head_a")
    assert head.get(f"{API}{pk}").status_code == 200
    profile = seeded.scalar(select(StaffProfile).where(
        StaffProfile.user_id == world.user_head_a))
    profile.departments = []
    seeded.commit()
    assert head.get(f"{API}{pk}").status_code == 404


def test_another_process_change_is_seen_through_the_epoch(app, seeded, world, api_as):
    pk = _order(seeded, world)
    head = api_as("head_a")
    assert head.get(f"{API}{pk}").status_code == 200
    profile_id = seeded.scalar(select(StaffProfile.id).where(
        StaffProfile.user_id == world.user_head_a))
    _raw(seeded, f"DELETE FROM staff_profile_department WHERE profile_id = {profile_id}")
    # Without the epoch this process still answers from memory…
    assert head.get(f"{API}{pk}").status_code == 200
    # …and the other process's listener changes the epoch with its write.
    _raw(seeded, "UPDATE access_epoch SET version = version + 7 WHERE id = 1")
    assert head.get(f"{API}{pk}").status_code == 404


def test_signing_out_a_token_refuses_it_on_the_next_request(app, seeded, world, api_as):
    head = api_as("head_a")
    assert head.get(API).status_code == 200
    assert head.post("/api/v1/security/logout").status_code in (200, 204)
    assert head.get(API).status_code == 401


def test_every_kind_of_write_to_access_tables_changes_the_epoch(app, seeded, world):
    start = _epoch(seeded)
    # An ORM flush of a collection (the staff profile's departments)…
    profile = seeded.scalar(select(StaffProfile).where(
        StaffProfile.user_id == world.user_tech_a))
    profile.departments = []
    seeded.flush()
    after_orm = _epoch(seeded)
    assert after_orm != start
    # …a Core statement…
    seeded.execute(insert(profile_departments).values(profile_id=profile.id,
                                                      department_id=world.eng_a))
    after_core = _epoch(seeded)
    assert after_core != after_orm
    # …and plain SQL moving an estate to another office.
    seeded.execute(text("UPDATE org_estate SET office_id = :o WHERE id = :e"),
                   {"o": world.office_b, "e": world.estate_a})
    assert _epoch(seeded) != after_core


def test_writes_that_change_no_access_leave_the_epoch(app, seeded, world):
    start = _epoch(seeded)
    sm = app.appbuilder.sm
    seeded.execute(update(sm.user_model).where(sm.user_model.id == world.user_head_a)
                   .values(last_login=NOW, login_count=3))
    seeded.execute(update(Estate).where(Estate.id == world.estate_a).values(name="Renamed"))
    seeded.execute(delete(WorkOrder).where(WorkOrder.number == "none"))
    assert _epoch(seeded) == start


def test_an_answer_of_a_rolled_back_change_is_never_reused(app, seeded, world, api_as):
    """The new value is random: a transaction that changed access and rolled back leaves
    no number a later change could hit again."""
    values = set()
    for _ in range(5):
        nested = seeded.begin_nested()
        seeded.execute(update(StaffProfile).where(StaffProfile.user_id == world.user_tech_a)
                       .values(job_title="Technician"))
        values.add(_epoch(seeded))
        nested.rollback()
    assert len(values) == 5


def test_statements_recognised(app):
    changes = access_cache._changes_access
    assert changes("INSERT INTO ab_user_role (user_id, role_id) VALUES (?, ?)")
    assert changes('UPDATE "ab_user" SET active=%(active)s WHERE ab_user.id = %(id)s')
    assert changes("DELETE FROM staff_profile_estate WHERE profile_id = 1")
    assert changes("UPDATE org_department SET office_id = 3 WHERE id = 2")
    assert not changes("UPDATE ab_user SET last_login=?, login_count=? WHERE ab_user.id = ?")
    assert not changes("UPDATE org_estate SET name = 'x' WHERE id = 2")
    assert not changes("SELECT * FROM ab_user_role")
    assert not changes("INSERT INTO work_order (number) VALUES ('x')")
