"""The demo company of `flask demo load`: the estates the rules need (R-ORG-1, R-ORG-2,
R-RES-1; household sizes on both sides of R-SV-3's five-year line), a load that only tops
up, demo work orders in several states (R-WO-1, R-WO-7), the customer-service register of
every kind and source (R-CS-1..6), complaints of every class with a collective proposal
(R-CP-1..7), compensation claims on each approval route with their evidence (R-CO-1..5),
the director's daily sign-off (R-CP-6), and every demo login working through the real
login form inside its own scope (R-ORG-4), the approval queues included.

The demo is loaded once, inside a rolled-back transaction, for the tests of
TestTheLoadedDemo (each in a savepoint of it, rolled back after the test), on top of the
small test organisation of tests/world.py (whose `admin` and `gm` accounts already exist
and must keep their password).
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, or_, select

from app.demo import DEMO_PASSWORD, ESTATES, USERS, load_demo
from app.models import (
    ApprovalRule,
    AuditLog,
    Branch,
    Building,
    CalendarDay,
    CollectiveCase,
    Company,
    CompensationClaim,
    CompensationEvidence,
    Complaint,
    DeadlinePolicy,
    DeadlineTimer,
    Department,
    Escalation,
    Estate,
    FormCounter,
    Notification,
    Office,
    RegisterSignOff,
    Resident,
    Revisit,
    ServiceRecord,
    Setting,
    StaffProfile,
    Unit,
    WorkflowHistory,
    WorkOrder,
)
from app.models.base import local_now
from app.models.complaint import CONTACT_SOURCES, collective_members
from app.models.org import DEPARTMENT_KINDS
from app.models.service_record import RECORD_KINDS
from app.models.staff import (
    profile_branches,
    profile_departments,
    profile_estates,
    profile_offices,
)
from app.security import permissions as P
from tests.conftest import rolled_back_connection, session_on
from tests.helpers import login
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
    "technician_hk": {HK}, "guard": FIRST_OFFICE, "cashier": FIRST_OFFICE,
    "clerk": FIRST_OFFICE, "guard2": {MALL}, "cashier2": {MALL}, "clerk2": {MALL},
    "guard_hk": {HK}, "cashier_hk": {HK}, "clerk_hk": {HK},
    "electrician2": {MALL}, "mkt_manager2": {MALL}, "cs_manager_hk": {HK},
}
# Characters written differently in Simplified Chinese: none may appear in the HK estate.
SIMPLIFIED_ONLY = set("陈黄张刘郑罗杨冯谢叶邓许苏卢谭关温区吴伟华国杰丽宝凤乐颖诗强辉锦")
TRADITIONAL_ONLY = set("陳黃張劉鄭羅楊馮謝葉鄧許蘇盧譚關溫區吳偉華國傑麗寶鳳樂穎詩強輝錦")
# More characters written differently in the two scripts, common in service texts.
SIMPLIFIED_TEXT = SIMPLIFIED_ONLY | set("请时维处几于这们应间楼户单厅环门开关没问题业务时报")
TRADITIONAL_TEXT = TRADITIONAL_ONLY | set("請時維處幾於這們應間樓戶單廳環門開關沒問題業務時報")


def load(app) -> list[str]:
    with app.app_context():
        return load_demo()


@pytest.fixture(scope="class")
def shared_connection(app):
    """The connection the tests of a class share (see `db_session` in tests/conftest.py):
    inside a transaction rolled back after the class, each test in a savepoint of it."""
    with rolled_back_connection(app) as connection:
        yield connection


@pytest.fixture(scope="class")
def demo(app, shared_connection) -> list[str]:
    """The demo, loaded once for the tests of a class, inside their shared transaction
    (load_demo commits: that only ends a savepoint of it)."""
    with session_on(app, shared_connection):
        return load(app)


def open_outer_transaction(db_session) -> None:
    connection = db_session.get_bind()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("UPDATE app_setting SET id = id WHERE 1 = 0")
        assert connection.connection.dbapi_connection.in_transaction


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


# --- what is loaded, checked from every side ------------------------------------------

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


def users(app) -> dict[str, User]:
    return {u.username: u for u in app.appbuilder.session.scalars(select(User).where(
        User.username.in_([s.username for s in USERS])))}


def code_of(app, estate_id: int) -> str:
    return {e.id: c for c, e in estates(app).items()}.get(estate_id, "?")


def one(rows: list, what: str):
    assert len(rows) == 1, f"{what}: {len(rows)} found"
    return rows[0]


def check_register_entries(app) -> None:
    """R-CS-1..6: every kind and every source; an inquiry dispatched with a reply deadline;
    a handling plan submitted and the customer told; a suggestion answered on the spot and
    closed into the revisit scope; one entry turned into a work order, one into a
    complaint."""
    session = app.appbuilder.session
    people = users(app)
    records = session.scalars(select(ServiceRecord).order_by(ServiceRecord.id)).all()
    assert {r.kind for r in records} == set(RECORD_KINDS)
    assert {r.source for r in records} == set(CONTACT_SOURCES)
    assert all(re.fullmatch(r"CS-\d{4}-\d{6}", r.number) for r in records)
    assert all(code_of(app, r.estate_id) in DEMO_ESTATES for r in records)

    inquiry = one([r for r in records if r.kind == "inquiry"], "inquiry")
    assert inquiry.state == "dispatched" and code_of(app, inquiry.estate_id) == HK
    assert inquiry.department.kind == "engineering" and inquiry.liaison_note
    assert inquiry.reply_due_at > local_now() > inquiry.dispatched_at

    planned = one([r for r in records if r.state == "customer_told"], "plan told")
    assert planned.kind == "service_request" and planned.source == "letter"
    assert planned.plan_method and planned.plan_schedule and planned.plan_commitment
    assert planned.plan_submitted_by_id == people["eng_head"].id
    assert planned.dispatched_at < planned.plan_submitted_at < planned.customer_told_at
    assert planned.committed_at > local_now()

    suggestion = one([r for r in records if r.kind == "suggestion"], "suggestion")
    assert suggestion.state == "closed" and suggestion.reply and suggestion.closed_at
    assert suggestion.handled_by_id == people["agent"].id
    revisit = session.scalar(select(Revisit).where(Revisit.service_record_id == suggestion.id))
    assert revisit is not None and revisit.state == "due"

    to_repair = one([r for r in records if r.work_order_id], "turned into a work order")
    assert to_repair.state == "converted"
    assert to_repair.work_order.state == "registered"
    assert to_repair.work_order.description == to_repair.content
    to_complaint = one([r for r in records if r.complaint_id], "turned into a complaint")
    assert to_complaint.state == "converted" and to_complaint.kind == "complaint"
    assert to_complaint.complaint.state == "registered"
    assert to_complaint.complaint.description == to_complaint.content

    referred = one([r for r in records if r.source == "higher_authority"], "referral")
    assert referred.state == "dispatched" and code_of(app, referred.estate_id) == MALL
    history = session.scalars(select(WorkflowHistory.username).where(
        WorkflowHistory.doc_type == "service_record")).all()
    assert {"agent", "agent_hk", "agent2", "eng_head"} <= set(history)


def check_complaints(app) -> None:
    """R-CP-1..7: a general complaint being handled, a major one (criterion d) in the
    general manager's hands, a no-responsibility one explained and closed, an assist one
    forwarded to the developer, one resolved with its revisit due; five households of
    翠湖花园 on the lifts within the window, proposed as one collective case."""
    session = app.appbuilder.session
    people = users(app)
    found = estates(app)
    complaints = session.scalars(select(Complaint).where(
        Complaint.estate_id.in_([e.id for e in found.values()]))).all()
    assert all(re.fullmatch(r"CP-\d{4}-\d{6}", c.number) for c in complaints)
    assert all(c.complainant_name and c.complainant_phone and c.event_place and c.subject
               and c.customer_request and (c.immediate_reply or c.agreed_reply_at)
               for c in complaints)  # R-CP-1, R-CP-2

    handled = [c for c in complaints if c.state == "in_progress"
               and c.complaint_class == "general"]
    assert handled and any(c.handler_id == people["eng_head"].id for c in handled)

    major = one([c for c in complaints if c.complaint_class == "major"], "major")
    assert major.state == "with_gm" and major.major_criteria == "d"
    assert major.gm_received_at and major.gm_received_by.roles[0].name == P.ROLE_GM

    unfounded = one([c for c in complaints if c.complaint_class == "no_responsibility"],
                    "no-responsibility")
    assert unfounded.state == "closed" and unfounded.reply and unfounded.replied_at

    assist = [c for c in complaints if c.complaint_class == "assist" and c.developer_caused]
    forwarded = [c for c in assist if c.state == "with_developer"]
    assert forwarded and all(c.forwarded_to_developer_at for c in forwarded)
    assert any(c.developer_followup for c in forwarded)

    resolved = one([c for c in complaints if c.state == "resolved"], "resolved")
    revisit = session.scalar(select(Revisit).where(Revisit.complaint_id == resolved.id))
    assert revisit.state == "due" and revisit.due_at > local_now()
    assert revisit.assignee_id == people["cs_supervisor"].id

    case = one(session.scalars(select(CollectiveCase)).all(), "collective case")
    assert case.state == "proposed" and case.estate_id == found[OLD].id
    assert case.matter == "lifts" and case.household_count == 5
    members = case.complaints
    assert len({c.unit_id for c in members}) == 5
    assert {c.matter for c in members} == {"lifts"} and {c.state for c in members} == {
        "registered"}
    received = [c.received_at for c in members]
    assert max(received) - min(received) <= timedelta(hours=48)
    assert not any(c.collective for c in members)  # the supervisor has not confirmed yet


def evidence_is_valid(item: CompensationEvidence) -> bool:
    from app.uploads import sniff as _sniff

    return item.size == len(item.data) and _sniff(item.data) == item.content_type


def check_compensation_claims(app) -> None:
    """R-CO-1..5, each on its complaint and with its evidence: company-liable 6,800.00
    approved by the CS centre manager alone and paid; company-liable 15,000.00 reviewed by
    the manager and awaiting the deputy general manager; contractor-liable 23,500.00 with
    the written acknowledgement, under the manager's review; developer-related forwarded;
    a house exchange awaiting the quality station."""
    session = app.appbuilder.session
    people = users(app)
    claims = session.scalars(select(CompensationClaim)).all()
    assert len(claims) == 5
    by_amount = {c.amount: c for c in claims if c.kind == "compensation"}

    paid = by_amount[Decimal("6800.00")]
    assert (paid.liability, paid.state) == ("company", "paid")
    assert paid.reviewed_by_id is None and paid.approved_by_id == people["cs_manager"].id
    assert paid.paid_amount == Decimal("6800.00") and paid.paid_at
    assert paid.payment_recorded_by_id == people["cs_supervisor"].id
    assert paid.complaint.state == "closed"  # its revisit found the customer satisfied

    waiting = by_amount[Decimal("15000.00")]
    assert (waiting.liability, waiting.state) == ("company", "awaiting_approval")
    assert waiting.reviewed_by_id == people["cs_manager"].id
    assert waiting.approver_role == P.ROLE_DEPUTY_GM and waiting.approved_by_id is None

    contractor = by_amount[Decimal("23500.00")]
    assert (contractor.liability, contractor.state) == ("contractor", "under_review")
    assert contractor.reviewer_role == P.ROLE_CS_CENTRE_MANAGER
    assert contractor.approver_role == P.ROLE_DEPUTY_GM
    assert contractor.contractor_name and contractor.contractor_amount == Decimal("23500.00")
    assert contractor.acknowledged_by == "contractor"
    assert contractor.acknowledged_by_name and contractor.acknowledged_at
    assert {"evidence", "acknowledgement"} <= {e.kind for e in contractor.evidence}

    developer = one([c for c in claims if c.liability == "developer"
                     and c.kind == "compensation"], "developer claim")
    assert developer.state == "forwarded_to_developer" and developer.forwarded_to_developer_at
    assert developer.complaint.developer_caused

    exchange = one([c for c in claims if c.kind == "house_exchange"], "house exchange")
    assert exchange.state == "awaiting_quality_station"

    for claim in claims:
        assert re.fullmatch(r"CO-\d{4}-\d{6}", claim.number)
        assert claim.raised_by_id == people["agent"].id and claim.submitted_at
        assert claim.estate_id == claim.complaint.estate_id
        assert claim.evidence and all(evidence_is_valid(e) for e in claim.evidence)
        assert claim.department.kind == "customer_service"
    types = {e.content_type for c in claims for e in c.evidence}
    assert types == {"image/png", "application/pdf"}


def check_sign_offs(app) -> None:
    """R-CP-6: the director signed off the complaint register of most past days, each the
    next morning with that day's count; a day or two of the last week are still waiting."""
    from app.views.complaint import RegisterSignOffView

    session = app.appbuilder.session
    office = estates(app)[OLD].office
    director = users(app)["director"]
    today = local_now().date()
    shown = [today - timedelta(days=n) for n in range(1, RegisterSignOffView.days_shown)]
    rows = {s.day: s for s in session.scalars(select(RegisterSignOff).where(
        RegisterSignOff.office_id == office.id))}
    last_week = shown[:7]
    unsigned = [d for d in last_week if d not in rows]
    assert 1 <= len(unsigned) <= 2 and len(rows) >= len(shown) - 2
    assert all(d in rows for d in shown if d not in unsigned)
    received = session.scalars(select(Complaint.received_at).join(Estate).where(
        Estate.office_id == office.id)).all()
    for day, row in rows.items():
        assert row.signed_by_id == director.id and row.signed_at.date() == day + timedelta(1)
        assert row.complaint_count == sum(1 for r in received if r.date() == day)
    assert any(row.complaint_count for row in rows.values())


def check_scripts_of_the_documents(app) -> None:
    """Documents of the Hong Kong estate are written in Traditional Chinese, the others in
    Simplified."""
    session = app.appbuilder.session
    found = estates(app)
    texts: dict[bool, str] = {True: "", False: ""}
    for model, columns in ((ServiceRecord, ("content", "liaison_note", "reply")),
                           (Complaint, ("description", "event_place", "subject",
                                        "customer_request", "immediate_reply", "reply",
                                        "class_reason", "result"))):
        for row in session.scalars(select(model).where(
                model.estate_id.in_([e.id for e in found.values()]))):
            hong_kong = row.estate_id == found[HK].id
            texts[hong_kong] += "".join(getattr(row, c) or "" for c in columns)
    assert texts[True] and TRADITIONAL_TEXT & set(texts[True])
    assert not SIMPLIFIED_TEXT & set(texts[True]), SIMPLIFIED_TEXT & set(texts[True])
    assert SIMPLIFIED_TEXT & set(texts[False])
    assert not TRADITIONAL_TEXT & set(texts[False]), TRADITIONAL_TEXT & set(texts[False])


# --- idempotent: a second load adds nothing, a load tops up what is missing -------------------

def snapshot(app) -> dict[str, int]:
    tables = [Company, Branch, Office, Estate, Building, Unit, Department, Resident,
              StaffProfile, User, WorkOrder, Revisit, WorkflowHistory, DeadlineTimer,
              DeadlinePolicy, Setting, CalendarDay, FormCounter, AuditLog,
              profile_departments, profile_estates, profile_offices, profile_branches,
              ServiceRecord, Complaint, CollectiveCase, collective_members,
              CompensationClaim, CompensationEvidence, ApprovalRule, RegisterSignOff,
              Notification, Escalation]
    session = app.appbuilder.session
    counts = {getattr(t, "__tablename__", None) or t.name:
              session.scalar(select(func.count()).select_from(t)) for t in tables}
    counts["numbers issued"] = session.scalar(select(func.sum(FormCounter.last)))
    return counts


# --- logins and scope (R-ORG-4) -------------------------------------------------------------

DOCUMENT_APIS = ("work_order", "revisit", "service_record", "complaint", "collective_case",
                 "compensation")


def estate_id(row: dict) -> int | None:
    estate = row.get("estate")
    return estate.get("id") if isinstance(estate, dict) else row.get("estate.id")


def documents_seen(client) -> dict[str, list[dict]]:
    """The rows of each document API this client may list (a 403 lists nothing)."""
    seen = {}
    for resource in DOCUMENT_APIS:
        response = client.get(f"/api/v1/{resource}/?q=(page_size:100)")
        assert response.status_code in (200, 403), (resource, response.status_code)
        if response.status_code == 200:
            seen[resource] = response.json["result"]
    return seen


# --- the approval queues (R-CO-2, R-CO-3) ---------------------------------------------------

def api_login(app, username: str):
    response = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": DEMO_PASSWORD, "provider": "db", "refresh": False})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.json['access_token']}"}


# --- the tests of one load (the `demo` fixture) -------------------------------------------

class TestTheLoadedDemo:
    """One load of the demo for all of these tests; each works in a savepoint of it,
    rolled back after the test, so each sees the demo exactly as loaded."""

    def test_loaded_demo_matches_the_rules(self, app, demo):
        check_estate_sizes_and_ages(app, demo)
        check_hong_kong_is_traditional(app)
        check_shopping_centre(app)
        check_departments(app)
        check_staff_profiles(app)
        check_work_orders(app)
        check_register_entries(app)
        check_complaints(app)
        check_compensation_claims(app)
        check_sign_offs(app)
        check_scripts_of_the_documents(app)
        lines = "\n".join(demo)
        for label in ("Register entries: 6", "Complaints:", "Collective cases: 1 (proposed 1)",
                      "Compensation claims: 5", "Complaint register of 翠湖管理处"):
            assert label in lines, label
        assert "left out" not in lines


    def test_second_load_adds_nothing_and_a_later_load_tops_up(self, app, demo):
        before = snapshot(app)
        assert before["resident"] > 2000 and before["work_order"] >= 5
        assert before["service_record"] >= 6 and before["complaint"] >= 15
        assert before["compensation_claim"] == 5 and before["compensation_evidence"] >= 5
        assert before["collective_case"] == 1 and before["complaint_register_signoff"] >= 5
        again = load(app)
        assert snapshot(app) == before  # the audit log too: nothing was even updated
        assert any("Nothing to add" in line for line in again)

        # An admin deletes the residents of one flat: the next load puts the same people back.
        session = app.appbuilder.session
        hk = estates(app)[HK]
        # A flat none of whose people a document names (mail, passes…): only they go.
        named = select(Resident.unit_id).where(or_(*(
            Resident.id.in_(select(fk.parent)) for table in Resident.metadata.tables.values()
            for fk in table.foreign_keys if fk.column is Resident.__table__.c.id)))
        unit_id = session.scalar(select(Unit.id).join(Building)
                                 .where(Building.estate_id == hk.id,
                                        Unit.id.in_(select(Resident.unit_id)),
                                        Unit.id.not_in(named))
                                 .order_by(Unit.id).limit(1))

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
        for table in ("work_order", "service_record", "complaint", "compensation_claim",
                      "complaint_register_signoff", "numbers issued"):
            assert after[table] == before[table], table
        assert any(line.startswith("Added") and "Resident" in line for line in lines)


    def test_every_demo_user_logs_in_and_sees_only_their_estates(self, app, demo, world):
        """R-ORG-4, for the estates and for every kind of demo document."""
        assert {u.username for u in USERS} == set(EXPECTED_ESTATES)
        ids = {code: e.id for code, e in estates(app).items()}
        seen_docs: dict[str, dict[str, list[dict]]] = {}
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
            for resource, rows in documents_seen(client).items():
                seen_docs.setdefault(spec.username, {})[resource] = rows
                if spec.username not in SEES_ALL:
                    allowed = {ids[code] for code in expected}
                    outside = [r["number"] for r in rows if estate_id(r) not in allowed]
                    assert not outside, (spec.username, resource, outside)
        # Each desk has its own work in front of it.
        assert len(seen_docs["agent"]["complaint"]) >= 10
        assert seen_docs["agent"]["compensation"] and seen_docs["cs_manager"]["collective_case"]
        assert len(seen_docs["agent_hk"]["service_record"]) == 1
        assert len(seen_docs["agent2"]["service_record"]) == 1
        assert seen_docs["eng_head"]["complaint"] and seen_docs["eng_head"]["service_record"]
        assert not seen_docs["technician_hk"].get("compensation")
        table = "\n".join(demo)
        for spec in USERS:
            assert re.search(rf"^\s+{spec.username}\s", table, re.M), spec.username
        assert "own password kept" in table  # the pre-existing admin and gm


    def test_the_15000_claim_waits_in_the_deputy_general_managers_queue(self, app, demo):
        """The claim the CS centre manager reviewed is in the deputy general manager's approval
        queue (and not in the manager's); the 23,500 one waits for the manager's review. The
        deputy general manager approves it through the API, as in a demonstration."""
        session = app.appbuilder.session
        claims = {c.amount: c for c in session.scalars(select(CompensationClaim))}
        waiting, review, paid = (claims[Decimal(a)] for a in ("15000.00", "23500.00", "6800.00"))
        pages = {}
        for username in ("deputy_gm", "cs_manager"):
            client = app.test_client()
            response = login(client, username, DEMO_PASSWORD)
            assert response.status_code == 302 and "/login" not in response.headers["Location"]
            page = client.get("/approvals/")
            assert page.status_code == 200, username
            pages[username] = page.get_data(as_text=True)
        assert waiting.number in pages["deputy_gm"]
        assert review.number not in pages["deputy_gm"] and paid.number not in pages["deputy_gm"]
        assert review.number in pages["cs_manager"]
        assert waiting.number not in pages["cs_manager"]  # the manager reviewed it

        headers = api_login(app, "deputy_gm")
        client = app.test_client()
        pk = waiting.id
        current = client.get(f"/api/v1/compensation/{pk}", headers=headers)
        assert current.status_code == 200
        response = client.post(f"/api/v1/compensation/{pk}/transition/approve", headers=headers,
                               json={"version": current.json["result"]["version"], "data": {}})
        assert response.status_code == 200, response.get_data(as_text=True)
        session.expire_all()
        claim = session.get(CompensationClaim, pk)
        assert claim.state == "approved" and claim.approved_by.username == "deputy_gm"


    def test_the_register_sign_off_page_lists_the_days_still_waiting(self, app, demo):
        from app.views.complaint import RegisterSignOffView

        client = app.test_client()
        assert login(client, "director", DEMO_PASSWORD).status_code == 302
        page = client.get("/complaint-signoff/").get_data(as_text=True)
        office = estates(app)[OLD].office
        signed = set(app.appbuilder.session.scalars(select(RegisterSignOff.day).where(
            RegisterSignOff.office_id == office.id)))
        today = local_now().date()
        waiting = [today - timedelta(days=n) for n in range(1, RegisterSignOffView.days_shown)
                   if today - timedelta(days=n) not in signed]
        assert 1 <= len(waiting) <= 2
        assert re.search(rf'id="signoff-waiting">[^<]*\b{len(waiting)}\b', page)


def test_the_data_is_reproducible():
    """Fixed seeds: planning an estate twice gives the same people and phones."""
    today = date(2026, 11, 24)
    for spec in ESTATES:
        first, second = spec.plan(spec, today), spec.plan(spec, today)
        assert first == second


# --- a refused step leaves out its own kind of document only ---------------------------------

def test_a_refused_step_leaves_out_only_its_documents_and_a_later_load_adds_them(app,
                                                                                  db_session):
    """An admin took the approval permission away from the CS centre managers: the claims
    are left out (the summary says which step and why), everything else loads; once the
    permission is back, the next load adds the claims, numbered without a gap."""
    open_outer_transaction(db_session)
    session = app.appbuilder.session
    from flask_appbuilder.security.sqla.models import Role

    def manager_role() -> Role:  # each load ends the session: read the role afresh
        return session.scalar(select(Role).where(Role.name == P.ROLE_CS_CENTRE_MANAGER))

    approve = next(pv for pv in manager_role().permissions
                   if pv.permission.name == "can_approve" and pv.view_menu.name == P.COMPENSATION)
    approve_id = approve.id
    role = manager_role()
    role.permissions.remove(approve)
    session.flush()

    lines = load(app)
    note = next(line for line in lines if "left out" in line)
    assert "compensation claims" in note and "cs_manager taking approve" in note
    assert count(app, CompensationClaim) == 0
    assert count(app, CompensationEvidence) == 0
    assert count(app, ServiceRecord) == 6 and count(app, CollectiveCase) == 1
    assert count(app, RegisterSignOff) > 0
    assert count(app, Complaint, Complaint.claims.any()) == 0

    from flask_appbuilder.security.sqla.models import PermissionView

    role = manager_role()
    role.permissions.append(session.get(PermissionView, approve_id))
    session.flush()
    lines = load(app)
    assert not any("left out" in line for line in lines)
    assert any(line.startswith("Added") and "5 CompensationClaim" in line for line in lines)
    numbers = sorted(session.scalars(select(CompensationClaim.number)))
    year = local_now().year
    assert numbers == [f"CO-{year}-{n:06d}" for n in range(1, 6)]
