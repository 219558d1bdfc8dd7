"""The demo company of `flask demo load`: the estates the rules need (R-ORG-1, R-ORG-2,
R-RES-1; household sizes on both sides of R-SV-3's five-year line), a load that only tops
up, demo work orders in several states (R-WO-1, R-WO-7), and every demo login working
through the real login form inside its own scope (R-ORG-4).

Each test loads the demo inside the test's rolled-back transaction, on top of the small
test organisation of tests/world.py (whose `admin` and `gm` accounts already exist and
must keep their password).
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD, ESTATES, USERS, load_demo
from app.models import (AuditLog, Branch, Building, CalendarDay, Company, DeadlinePolicy,
                        DeadlineTimer, Department, Estate, FormCounter, Office, Resident,
                        Revisit, Setting, StaffProfile, Unit, WorkflowHistory, WorkOrder)
from app.models.org import DEPARTMENT_KINDS
from app.models.staff import (profile_branches, profile_departments, profile_estates,
                              profile_offices)
from tests.conftest import login
from tests.world import PASSWORD as WORLD_PASSWORD

OLD, NEW, MALL, HK = "SZ-CHHY", "SZ-CHYF", "SZ-HJH", "HK-HBHY"
DEMO_ESTATES = {OLD, NEW, MALL, HK}
FIRST_OFFICE = {OLD, NEW}
SEES_ALL = {"admin", "gm", "deputy_gm"}
# Which demo estates each demo user must see, and (except for the see-all roles) nothing else.
EXPECTED_ESTATES = {
    "admin": DEMO_ESTATES, "gm": DEMO_ESTATES, "deputy_gm": DEMO_ESTATES,
    "director": FIRST_OFFICE, "agent": FIRST_OFFICE, "cs_supervisor": FIRST_OFFICE,
    "cs_manager": FIRST_OFFICE, "eng_head": FIRST_OFFICE, "repair_lead": FIRST_OFFICE,
    "technician": FIRST_OFFICE, "technician2": {OLD}, "property_officer": FIRST_OFFICE,
    "quality": FIRST_OFFICE, "agent2": {MALL}, "agent_hk": {HK}, "eng_head_hk": {HK},
    "technician_hk": {HK},
}
# Characters written differently in Simplified Chinese: none may appear in the HK estate.
SIMPLIFIED_ONLY = set("陈黄张刘郑罗杨冯谢叶邓许苏卢谭关温区吴伟华国杰丽宝凤乐颖诗强辉锦")
TRADITIONAL_ONLY = set("陳黃張劉鄭羅楊馮謝葉鄧許蘇盧譚關溫區吳偉華國傑麗寶鳳樂穎詩強輝錦")


def load(app) -> list[str]:
    with app.app_context():
        return load_demo()


@pytest.fixture
def demo(app, db_session) -> list[str]:
    """The demo, loaded inside this test's transaction.

    load_demo commits. On SQLite, pysqlite sends no BEGIN for the test's outer transaction
    until the first data change, so the session's SAVEPOINT would become the outermost
    transaction and that commit would really commit, leaking the demo into later tests.
    A change that matches no row makes pysqlite open the outer transaction first.
    """
    connection = db_session.get_bind()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("UPDATE app_setting SET id = id WHERE 1 = 0")
        assert connection.connection.dbapi_connection.in_transaction
    return load(app)


def estates(app) -> dict[str, Estate]:
    session = app.appbuilder.session
    return {e.code: e for e in session.scalars(select(Estate).where(
        Estate.code.in_(DEMO_ESTATES)))}


def count(app, model, *where) -> int:
    return app.appbuilder.session.scalar(select(func.count()).select_from(model).where(*where))


def residents_of(app, estate: Estate) -> list[Resident]:
    return list(app.appbuilder.session.scalars(
        select(Resident).join(Unit).join(Building).where(Building.estate_id == estate.id)))


def units_of(app, estate: Estate) -> int:
    return count(app, Unit, Unit.building_id.in_(
        select(Building.id).where(Building.estate_id == estate.id)))


def years_since(day: date) -> float:
    return (date.today() - day).days / 365.25


# --- what is loaded (one load, checked from every side) ------------------------------------

def test_loaded_demo_matches_the_rules(app, demo):
    check_estate_sizes_and_ages(app, demo)
    check_hong_kong_is_traditional(app)
    check_shopping_centre(app)
    check_departments(app)
    check_staff_profiles(app)
    check_work_orders(app)


def check_estate_sizes_and_ages(app, demo: list[str]) -> None:
    """R-ORG-1 / R-SV-3: one estate moved in over 5 years ago with about 1,200 households,
    one moved in about 2 years ago with about 280; units and residents to match."""
    found = estates(app)
    assert set(found) == DEMO_ESTATES
    old, new = found[OLD], found[NEW]
    assert years_since(old.move_in_date) > 5 and 1150 <= old.household_count <= 1250
    assert 1 <= years_since(new.move_in_date) < 3 and 250 <= new.household_count <= 310
    for estate in (old, new):
        assert estate.kind == "residential" and estate.region == "mainland"
        assert abs(units_of(app, estate) - estate.household_count) <= 10
        people = residents_of(app, estate)
        assert len(people) >= estate.household_count * 0.95
        assert {"owner", "tenant", "family"} <= {r.relation for r in people}
        phones = [r.phone for r in people if r.phone]
        assert phones and all(re.fullmatch(r"1[358]\d{9}", p) for p in phones)
        assert all(2 <= len(r.name) <= 4 for r in people)
        moved_in = [r.move_in_date for r in people if r.move_in_date]
        assert moved_in and min(moved_in) >= estate.move_in_date
    units = app.appbuilder.session.scalars(select(Unit).join(Building).where(
        Building.estate_id == old.id).limit(50)).all()
    assert all(u.floor and u.area_m2 for u in units)
    lines = "\n".join(demo)
    assert "翠湖花园" in lines and "1200 households" in lines


def check_hong_kong_is_traditional(app) -> None:
    hk = estates(app)[HK]
    assert (hk.region, hk.script, hk.name) == ("hong_kong", "zh_Hant", "海濱花園")
    buildings = app.appbuilder.session.scalars(
        select(Building.name).where(Building.estate_id == hk.id)).all()
    assert buildings and all(re.fullmatch(r"第\d+座", b) for b in buildings)
    people = residents_of(app, hk)
    text = "".join(r.name for r in people)
    assert people and not SIMPLIFIED_ONLY & set(text)
    assert TRADITIONAL_ONLY & set(text)
    assert all(re.fullmatch(r"[569]\d{7}", r.phone) for r in people if r.phone)
    departments = app.appbuilder.session.scalars(
        select(Department).where(Department.office_id == hk.office_id)).all()
    names = {d.kind: d.name for d in departments}
    assert names["engineering"] == "機電部" and names["customer_service"] == "客服部"
    assert not SIMPLIFIED_ONLY & set("".join(names.values()))


def check_shopping_centre(app) -> None:
    """R-RES-1: shopping-centre tenants (厂家 / 专柜) are residents of a shop unit."""
    mall = estates(app)[MALL]
    assert mall.kind == "shopping_centre"
    tenants = residents_of(app, mall)
    assert len(tenants) >= 30
    assert {r.relation for r in tenants} == {"shop_tenant"}
    assert all(r.company_name for r in tenants)
    assert any("专柜" in r.company_name for r in tenants)


def check_departments(app) -> None:
    session = app.appbuilder.session
    offices = {e.office_id for e in estates(app).values()}
    assert len(offices) == 3
    for office_id in offices:
        kinds = set(session.scalars(select(Department.kind)
                                    .where(Department.office_id == office_id)))
        assert kinds == set(DEPARTMENT_KINDS)
    company = session.scalar(select(Company).join(Branch).join(Office)
                             .where(Office.id.in_(offices)).limit(1))
    assert company.hotline.startswith("400")
    assert count(app, Branch, Branch.company_id == company.id) == 2


def check_staff_profiles(app) -> None:
    session = app.appbuilder.session
    by_name = {u.username: u for u in session.scalars(select(User).where(
        User.username.in_([s.username for s in USERS])))}
    director = session.scalar(select(StaffProfile).where(
        StaffProfile.user_id == by_name["director"].id))
    assert [o.name for o in director.offices] == ["翠湖管理处"]
    agent = session.scalar(select(StaffProfile).where(StaffProfile.user_id == by_name["agent"].id))
    assert [d.kind for d in agent.departments] == ["customer_service"]
    assert {e.code for e in agent.estates} == FIRST_OFFICE
    technicians = [s for s in USERS if s.role == "Technician"]
    assert len(technicians) >= 3  # dispatch has a choice, in Hong Kong too


def check_work_orders(app) -> None:
    """R-WO-1..7: an emergency leak just registered, dispatched, accepted with an
    appointment, completed (its revisit is due) and closed (its revisit done)."""
    session = app.appbuilder.session
    orders = session.scalars(select(WorkOrder).order_by(WorkOrder.id)).all()
    states = {o.state for o in orders}
    assert {"registered", "dispatched", "appointment_agreed", "completed", "closed"} <= states
    assert all(re.fullmatch(r"WO-\d{4}-\d{6}", o.number) for o in orders)
    leak = [o for o in orders if o.emergency and o.category == "water_leak"]
    assert leak and leak[0].state == "registered" and leak[0].contact_phone
    for order in orders:
        if order.state in ("completed", "closed"):
            revisit = session.scalar(select(Revisit).where(Revisit.work_order_id == order.id))
            assert revisit is not None
            assert revisit.state == ("done" if order.state == "closed" else "due")
    closed = next(o for o in orders if o.state == "closed")
    assert closed.amount_paid and closed.handed_to_id and closed.signed_by
    assert count(app, WorkflowHistory, WorkflowHistory.doc_type == "work_order") > len(orders)


def test_the_data_is_reproducible():
    """Fixed seeds: planning an estate twice gives the same people and phones."""
    today = date(2026, 11, 24)
    for spec in ESTATES:
        first, second = spec.plan(spec, today), spec.plan(spec, today)
        assert first == second



# --- idempotent: a second load adds nothing, a load tops up what is missing -------------------

def snapshot(app) -> dict[str, int]:
    tables = [Company, Branch, Office, Estate, Building, Unit, Department, Resident,
              StaffProfile, User, WorkOrder, Revisit, WorkflowHistory, DeadlineTimer,
              DeadlinePolicy, Setting, CalendarDay, FormCounter, AuditLog,
              profile_departments, profile_estates, profile_offices, profile_branches]
    session = app.appbuilder.session
    counts = {getattr(t, "__tablename__", None) or t.name:
              session.scalar(select(func.count()).select_from(t)) for t in tables}
    counts["numbers issued"] = session.scalar(select(func.sum(FormCounter.last)))
    return counts


def test_second_load_adds_nothing_and_a_later_load_tops_up(app, demo):
    before = snapshot(app)
    assert before["resident"] > 2000 and before["work_order"] >= 5
    again = load(app)
    assert snapshot(app) == before  # the audit log too: nothing was even updated
    assert any("Nothing to add" in line for line in again)

    # An admin deletes the residents of one flat: the next load puts the same people back.
    session = app.appbuilder.session
    hk = estates(app)[HK]
    unit_id = session.scalar(select(Unit.id).join(Building)
                             .where(Building.estate_id == hk.id).order_by(Unit.id).limit(1))

    def people() -> list[tuple]:
        return sorted(session.execute(select(Resident.name, Resident.relation, Resident.phone)
                                      .where(Resident.unit_id == unit_id)).all())

    gone = people()
    assert gone
    session.execute(Resident.__table__.delete().where(Resident.unit_id == unit_id))
    session.flush()
    lines = load(app)
    assert people() == gone
    after = snapshot(app)
    assert after["resident"] == before["resident"]
    assert after["work_order"] == before["work_order"]
    assert any(line.startswith("Added") and "Resident" in line for line in lines)


# --- logins and scope (R-ORG-4) -------------------------------------------------------------

def test_every_demo_user_logs_in_and_sees_only_their_estates(app, demo, world):
    assert {u.username for u in USERS} == set(EXPECTED_ESTATES)
    for spec in USERS:
        # tests/world.py already made `admin` and `gm`: the load must keep their password.
        existing = f"user_{spec.username}" in world.ids
        client = app.test_client()
        response = login(client, spec.username, WORLD_PASSWORD if existing else DEMO_PASSWORD)
        assert response.status_code == 302, spec.username
        assert "/login" not in response.headers["Location"], f"{spec.username} cannot log in"
        response = client.get("/api/v1/estate/?q=(page_size:100)")
        assert response.status_code == 200, spec.username
        seen = {row["code"] for row in response.json["result"]}
        expected = EXPECTED_ESTATES[spec.username]
        if spec.username in SEES_ALL:
            assert expected <= seen, spec.username
        else:
            assert seen == expected, spec.username
    table = "\n".join(demo)
    for spec in USERS:
        assert re.search(rf"^\s+{spec.username}\s", table, re.M), spec.username
    assert "own password kept" in table  # the pre-existing admin and gm
