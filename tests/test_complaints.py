"""Complaints end to end (R-CP-1..9, R-RES-2) through the real access layer: registration
checks, every transition of the complaint and collective workflows, each class's deadline
and escalation with frozen time on the estate's calendar, collective detection, the
automatic upgrade after a month, the revisit closing or reopening, scope, privacy, the
director's daily sign-off and the printed forms."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.models import (
    CollectiveCase,
    Company,
    Complaint,
    DeadlineTimer,
    Notification,
    RegisterSignOff,
    Revisit,
    Unit,
)
from app.models.base import local_now
from app.security.actor import Actor
from app.workflows import engine
from app.workflows.deadlines import tick_in_session
from app.workflows.registry import registered
from tests.helpers import csrf_token, transition

API = "/api/v1/complaint/"

take = partial(transition, base=API)  # the `seeded` fixture is tests/conftest.py's


def payload(world, **extra):
    data = {"source": "phone", "estate": world.estate_a, "unit": world.unit_a,
            "resident": world.resident_a, "complainant_name": "Resident A",
            "complainant_phone": "13812345678",
            "event_time": (local_now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S"),
            "event_place": "Lift lobby, block A1", "subject": "Night security guard",
            "matter": "security", "description": "The guard let a stranger in at 2 am.",
            "customer_request": "An apology and stricter checks",
            "immediate_reply": "We apologise and will look into it today."}
    data.update(extra)
    return data


def register(api, world, **extra) -> int:
    response = api.post(API, json=payload(world, **extra))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


GENERAL = {"complaint_class": "general", "class_reason": "The guard broke the rules"}
MAJOR = {"complaint_class": "major", "class_reason": "Reported by the newspaper",
         "major_criteria": "d"}


# --- registration (R-CP-1, R-CP-2) ---------------------------------------------------------

@pytest.mark.parametrize("field", ["complainant_name", "complainant_phone", "event_place",
                                   "subject", "description", "customer_request"])
def test_every_r_cp_1_field_is_required(app, world, api_as, seeded, field):
    response = api_as("agent_a").post(API, json=payload(world, **{field: "  "},
                                                        resident=None))
    assert response.status_code == 400
    assert field in response.json["errors"]


def test_reply_now_or_agree_a_time(app, world, api_as, seeded):
    agent = api_as("agent_a")
    none = agent.post(API, json=payload(world, immediate_reply=""))
    assert none.status_code == 400 and "agreed_reply_at" in none.json["errors"]
    later = (local_now() + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M:%S")
    pk = register(agent, world, immediate_reply="", agreed_reply_at=later)
    complaint = seeded.get(Complaint, pk)
    assert complaint.replied_at is None
    timer = seeded.scalar(select(DeadlineTimer).where(DeadlineTimer.doc_type == "complaint",
                                                      DeadlineTimer.doc_id == pk))
    assert timer.due_at == complaint.agreed_reply_at
    timer_id = timer.id
    take(agent, pk, "reply", {"reply": "The guard was retrained"})
    assert seeded.get(DeadlineTimer, timer_id).status == "met"
    future_event = agent.post(API, json=payload(world, event_time=(
        local_now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")))
    assert future_event.status_code == 400 and "event_time" in future_event.json["errors"]
    other_office = agent.post(API, json=payload(world, estate=world.estate_b, unit=None,
                                                resident=None))
    assert other_office.status_code == 400


# --- every transition -------------------------------------------------------------------------

def test_every_transition_of_the_complaint_workflows_is_walked(app, world, api_as, seeded):
    agent, supervisor, head = api_as("agent_a"), api_as("supervisor_a"), api_as("head_a")
    gm = api_as("gm")
    taken: set[tuple[str, str]] = set()

    def step(api, pk, name, data=None, comment=None, doc="complaint"):
        base = API if doc == "complaint" else "/api/v1/collective_case/"
        take(api, pk, name, data, comment, base=base)
        taken.add((doc, name))

    # Major: transfer, classify, the GM receives it, handled, resolved, revisit, closed.
    pk = register(agent, world)
    step(agent, pk, "transfer", {"department_id": world.eng_a,
                                 "handler_id": world.user_head_a})
    step(supervisor, pk, "commit_site_visit",
         {"site_visit_at": (local_now() + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")})
    step(agent, pk, "tell_resident")
    step(supervisor, pk, "classify", MAJOR)
    step(gm, pk, "receive_as_gm")
    step(head, pk, "start_handling")
    step(agent, pk, "reply", {"reply": "A new guard is on the night shift"})
    step(supervisor, pk, "reclassify", {**MAJOR, "major_criteria": "b,d"},
         comment="A resident was hurt as well")
    step(head, pk, "resolve", {"result": "Guard replaced; access cards checked nightly"})
    resolved_at = seeded.get(Complaint, pk).resolved_at
    revisit = seeded.scalar(select(Revisit).where(Revisit.complaint_id == pk))
    revisit_id, due_at = revisit.id, revisit.due_at
    assert due_at == resolved_at + timedelta(days=2)
    take(api_as("supervisor_a"), revisit_id, "record_problem",
         {"mode": "phone", "revisitee": "Resident A", "satisfaction": "dissatisfied",
          "problem": "Still strangers at night"}, base="/api/v1/revisit/")
    complaint = seeded.get(Complaint, pk)
    assert complaint.state == "in_progress" and complaint.reopened_count == 1  # R-CP-7
    step(head, pk, "resolve", {"result": "Gate locked at midnight"})
    second = seeded.scalar(select(Revisit.id).where(Revisit.complaint_id == pk,
                                                    Revisit.id != revisit_id))
    take(api_as("supervisor_a"), second, "record",
         {"mode": "visit", "revisitee": "Resident A", "satisfaction": "satisfied"},
         base="/api/v1/revisit/")
    assert seeded.get(Complaint, pk).state == "closed"
    step(supervisor, pk, "reopen", comment="Complained again the next day")
    step(head, pk, "resolve", {"result": "Camera installed"})
    step(supervisor, pk, "close")

    # No-responsibility: explained, then closed as such.
    pk2 = register(agent, world, immediate_reply="", agreed_reply_at=(
        local_now() + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S"))
    seeded.expire_all()
    step(supervisor, pk2, "classify", {"complaint_class": "no_responsibility",
                                       "class_reason": "The visitor was invited"})
    step(agent, pk2, "reply", {"reply": "The visitor was a guest of your neighbour"})
    step(supervisor, pk2, "close_unfounded")

    # Assist, caused by the developer: forwarded and followed up.
    pk3 = register(agent, world, matter="building_quality", subject="Developer")
    step(supervisor, pk3, "classify", {"complaint_class": "assist", "class_reason": "Leak",
                                       "assist_scope": "inside", "developer_caused": "y"})
    step(supervisor, pk3, "forward_to_developer")
    step(agent, pk3, "record_developer_followup", {"developer_followup": "Repair booked"})

    # A general complaint unresolved after a month is upgraded by the system (R-CP-4 c).
    pk4 = register(agent, world)
    step(supervisor, pk4, "classify", GENERAL)
    complaint = seeded.get(Complaint, pk4)
    complaint.received_at = local_now() - timedelta(days=40)
    seeded.commit()
    from app.workflows.complaint import upgrade_unresolved

    assert upgrade_unresolved(seeded, local_now()) == 1
    seeded.commit()
    complaint = seeded.get(Complaint, pk4)
    assert complaint.complaint_class == "major" and "c" in complaint.major_criteria
    taken.add(("complaint", "upgrade"))

    # Collective: five households on one matter; one proposal confirmed, one dismissed.
    case_id = _five_households(seeded, world, api_as)
    step(supervisor, case_id, "confirm", doc="collective_case")
    members = seeded.get(CollectiveCase, case_id).complaints
    assert {c.complaint_class for c in members} == {"major"}
    assert all(c.collective and "e" in c.major_criteria for c in members)
    case2 = _five_households(seeded, world, api_as, matter="parking")
    step(supervisor, case2, "dismiss", comment="Five separate parking disputes",
         doc="collective_case")

    declared = {(doc_type, t.name) for doc_type, wf in registered().items()
                if doc_type in ("complaint", "collective_case") for t in wf.transitions}
    assert declared - taken == set()


_UNIT_NUMBERS = iter(range(100, 100000))


def _units(session, world, estate_key: str, n: int) -> list[int]:
    building = world.building_a if estate_key == "a" else world.building_b
    units = [Unit(building_id=building, number=f"{estate_key.upper()}-{next(_UNIT_NUMBERS)}")
             for _ in range(n)]
    session.add_all(units)
    session.commit()
    return [u.id for u in units]


def _five_households(session, world, api_as, matter="lifts") -> int:
    agent = api_as("agent_a")
    for unit_id in _units(session, world, "a", 5):
        register(agent, world, unit=unit_id, resident=None, matter=matter,
                 complainant_name="Neighbour", subject="Lift 2")
    case = session.scalar(select(CollectiveCase).where(CollectiveCase.matter == matter,
                                                       CollectiveCase.state == "proposed"))
    assert case is not None and case.household_count == 5
    return case.id


# --- collective detection (R-CP-4 e) ---------------------------------------------------------

def _complaint(session, world, estate: str, unit_id: int, when: datetime, matter="lifts"):
    doc = Complaint(estate_id=getattr(world, f"estate_{estate}"), unit_id=unit_id,
                    complainant_name="N", complainant_phone="13800000000",
                    event_time=when - timedelta(hours=1), event_place="Lobby",
                    subject="Lift", matter=matter, description="Stuck",
                    customer_request="Repair", immediate_reply="Sorry", received_at=when)
    engine.create(doc, actor=Actor.system(), session=session, now=when)
    return doc


def _cases(session) -> int:
    return session.scalar(select(func.count(CollectiveCase.id))) or 0


def test_four_households_are_not_collective(app, world, seeded):
    now = local_now()
    for unit_id in _units(seeded, world, "a", 4):
        _complaint(seeded, world, "a", unit_id, now)
    assert _cases(seeded) == 0


def test_five_households_are_proposed_once(app, world, seeded):
    now = local_now()
    units = _units(seeded, world, "a", 6)
    for unit_id in units[:5]:
        _complaint(seeded, world, "a", unit_id, now)
    assert _cases(seeded) == 1
    _complaint(seeded, world, "a", units[5], now)  # a sixth joins the open proposal
    case = seeded.scalar(select(CollectiveCase))
    assert _cases(seeded) == 1 and case.household_count == 6 and len(case.complaints) == 6


def test_one_household_complaining_five_times_is_not_collective(app, world, seeded):
    now = local_now()
    for _ in range(5):
        _complaint(seeded, world, "a", world.unit_a, now)
    assert _cases(seeded) == 0


def test_five_households_of_two_estates_are_not_collective(app, world, seeded):
    now = local_now()
    for unit_id in _units(seeded, world, "a", 3):
        _complaint(seeded, world, "a", unit_id, now)
    for unit_id in _units(seeded, world, "b", 2):
        _complaint(seeded, world, "b", unit_id, now)
    assert _cases(seeded) == 0


def test_outside_the_window_is_not_the_same_time(app, world, seeded):
    now = local_now()
    units = _units(seeded, world, "a", 5)
    _complaint(seeded, world, "a", units[0], now - timedelta(hours=72))
    for unit_id in units[1:]:
        _complaint(seeded, world, "a", unit_id, now)
    assert _cases(seeded) == 0


# --- deadlines per class, with frozen time (R-CP-5) -------------------------------------------

def _classified(session, world, cls: dict, received: datetime, **extra) -> Complaint:
    doc = Complaint(estate_id=world.estate_a, unit_id=world.unit_a, complainant_name="R",
                    complainant_phone="13800000000", event_time=received - timedelta(hours=1),
                    event_place="Lobby", subject="Cleaner", matter="cleaning",
                    description="Rubbish left", customer_request="Clean it",
                    immediate_reply="Sorry", received_at=received, **extra)
    supervisor = Actor.for_user(_user(session, world.user_supervisor_a))
    engine.create(doc, actor=Actor.for_user(_user(session, world.user_agent_a)),
                  session=session, now=received)
    engine.apply(doc, "classify", cls, actor=supervisor, session=session, now=received)
    session.commit()  # the request context's teardown would drop uncommitted work
    return doc


def _user(session, user_id):
    from flask_appbuilder.security.sqla.models import User

    return session.get(User, user_id)


def _due(session, doc, key: str) -> datetime:
    from app.models import DeadlinePolicy

    return session.scalar(select(DeadlineTimer.due_at).join(DeadlinePolicy).where(
        DeadlineTimer.doc_type == "complaint", DeadlineTimer.doc_id == doc.id,
        DeadlinePolicy.key.like(f"{key}%"), DeadlineTimer.status == "armed"))


RECEIVED = datetime(2026, 9, 30, 16, 0)  # the afternoon before the National Day holiday


@pytest.mark.parametrize("cls,key,due", [
    (MAJOR, "cp.major", datetime(2026, 9, 30, 23, 59, 59)),
    (GENERAL, "cp.general", datetime(2026, 10, 2, 16, 0)),
    ({"complaint_class": "no_responsibility", "class_reason": "Not ours"},
     "cp.no_responsibility", datetime(2026, 9, 30, 23, 59, 59)),
    ({"complaint_class": "assist", "class_reason": "Street", "assist_scope": "inside"},
     "cp.assist_inside", datetime(2026, 9, 30, 23, 59, 59)),
    ({"complaint_class": "assist", "class_reason": "Street", "assist_scope": "outside"},
     "cp.assist_outside", datetime(2026, 10, 3, 16, 0)),
])
def test_deadline_of_each_class(app, world, seeded, cls, key, due):
    with app.test_request_context():
        doc = _classified(seeded, world, cls, RECEIVED)
        assert _due(seeded, doc, key) == due


def test_general_by_the_customers_date(app, world, seeded):
    wanted = datetime(2026, 10, 12, 12, 0)
    with app.test_request_context():
        doc = _classified(seeded, world, GENERAL, RECEIVED, customer_requested_by=wanted)
        assert _due(seeded, doc, "cp.general") == wanted


def test_vanke_preset_counts_working_hours_across_national_day(app, world, seeded):
    """RULES.md §5 preset: response within 8 working hours, on the mainland calendar:
    2 h on Wed 30 Sep (16:00–18:00), nothing from 1 to 7 Oct (National Day), 3 h on Thu
    8 Oct morning and 3 h after lunch (13:30–16:30)."""
    import chinese_calendar

    assert not chinese_calendar.is_workday(datetime(2026, 10, 7).date())
    assert chinese_calendar.is_workday(datetime(2026, 10, 8).date())
    company = seeded.scalar(select(Company))
    company.complaint_policy = "vanke"
    seeded.flush()
    with app.test_request_context():
        doc = _classified(seeded, world, GENERAL, RECEIVED)
        assert _due(seeded, doc, "cp.general") == datetime(2026, 10, 8, 16, 30)


def test_major_reaches_the_general_manager_and_escalates(app, world, seeded, as_user):
    with app.test_request_context():
        doc = _classified(seeded, world, MAJOR, RECEIVED)
        number = doc.number
        seeded.commit()
    mine = as_user("gm").get("/queue/mine").get_data(as_text=True)
    assert number in mine  # in the general manager's queue the same day
    result = tick_in_session(seeded, datetime(2026, 10, 1, 0, 0, 1))
    assert result.escalations == 1
    notes = seeded.scalars(select(Notification).where(Notification.doc_type == "complaint"))
    assert {n.user_id for n in notes if n.level == 1} == {world.user_gm}
    assert tick_in_session(seeded, datetime(2026, 10, 1, 0, 5)).escalations == 0


def test_general_escalates_level_by_level(app, world, seeded):
    with app.test_request_context():
        doc_id = _classified(seeded, world, GENERAL, RECEIVED).id
    due = datetime(2026, 10, 2, 16, 0)
    assert tick_in_session(seeded, due - timedelta(hours=13)).warnings == 0
    assert tick_in_session(seeded, due - timedelta(hours=12)).warnings == 1  # 75 % of 48 h
    levels = []
    for minutes in (0, 240, 480):
        result = tick_in_session(seeded, due + timedelta(minutes=minutes))
        levels.append(result.escalations)
    assert levels == [1, 1, 1]
    targets = {n.level: n.user_id for n in seeded.scalars(
        select(Notification).where(Notification.doc_id == doc_id, Notification.level > 0))}
    assert targets[1] == world.user_manager_a  # head of the responsible department (CS A)
    assert targets[2] == world.user_director_a
    assert targets[3] == world.user_gm


# --- refusals, scope and privacy (R-ORG-4, R-RES-2) ---------------------------------------------

DENIED = [("classify", "agent_a", GENERAL, 403), ("classify", "tech_a", GENERAL, 404),
          ("classify", "supervisor_b", GENERAL, 404), ("receive_as_gm", "gm", {}, 409),
          ("close", "supervisor_a", {}, 409), ("commit_site_visit", "agent_a",
                                                {"site_visit_at": "2030-01-01 10:00"}, 403)]


@pytest.mark.parametrize("name,username,data,status", DENIED,
                         ids=[f"{d[0]}-{d[1]}" for d in DENIED])
def test_transition_refused(app, world, api_as, seeded, name, username, data, status):
    pk = register(api_as("agent_a"), world)
    response = api_as(username).post(f"{API}{pk}/transition/{name}",
                                     json={"version": 1, "data": data})
    assert response.status_code == status, response.get_data(as_text=True)
    seeded.expire_all()
    assert seeded.get(Complaint, pk).state == "registered"


def test_a_major_needs_a_criterion_and_a_stale_form_is_409(app, world, api_as, seeded):
    pk = register(api_as("agent_a"), world)
    bad = take(api_as("supervisor_a"), pk, "classify", {**MAJOR, "major_criteria": ""},
               expect=400)
    assert "criteria a to e" in bad.json["message"] and "R-CP" not in bad.json["message"]
    take(api_as("supervisor_a"), pk, "classify", GENERAL)
    stale = api_as("supervisor_a").post(f"{API}{pk}/transition/reclassify", json={
        "version": 1, "data": MAJOR, "comment": "x"})
    assert stale.status_code == 409


def test_scope_matrix_for_complaints(app, world, api_as, as_user, seeded):
    pk = register(api_as("agent_a"), world)
    other = api_as("agent_b")
    for url in (f"{API}{pk}", f"{API}{pk}/transitions", f"{API}{pk}/history",
                f"{API}{pk}/pdf"):
        assert other.get(url).status_code == 404, url
    assert api_as("supervisor_b").put(f"{API}{pk}", json={"subject": "x"}).status_code == 404
    assert other.post(f"{API}{pk}/transition/reply", json={
        "version": 1, "data": {"reply": "x"}}).status_code == 404
    listed = {c["id"] for c in other.get(API).json["result"]}
    assert pk not in listed
    info = other.get(f"{API}_info?q=(keys:!(add_columns))").json
    estates = next(c for c in info["add_columns"] if c["name"] == "estate")["values"]
    assert world.estate_a not in {v["id"] for v in estates}
    posted = other.post(API, json=payload(world, estate=world.estate_b, unit=world.unit_a,
                                          resident=None))
    assert posted.status_code == 400
    browser = as_user("agent_b")
    assert browser.get(f"/complaintview/show/{pk}").status_code == 404
    assert as_user("supervisor_b").get(f"/complaintview/edit/{pk}").status_code == 404
    assert browser.get(f"/complaintview/transition/reply?ids={pk}").status_code == 404
    assert browser.get(f"/complaintview/print/{pk}").status_code == 404
    supervisor = as_user("supervisor_b")
    token = csrf_token(supervisor, "/complaintview/add")
    assert supervisor.post(f"/complaintview/action/classify/{pk}",
                           data={"csrf_token": token}).status_code == 404
    number = seeded.get(Complaint, pk).number
    assert number not in browser.get("/complaintview/list/").get_data(as_text=True)
    assert number not in browser.get("/complaintview/export/").get_data(as_text=True)
    seeded.expire_all()
    assert seeded.get(Complaint, pk).version == 1


def test_complainant_phone_is_masked_for_roles_that_do_not_need_it(app, world, api_as,
                                                                   as_user, seeded):
    pk = register(api_as("agent_a"), world)
    assert api_as("agent_a").get(f"{API}{pk}").json["result"]["complainant_phone"] \
        == "13812345678"
    quality = api_as("quality_a").get(f"{API}{pk}").json["result"]["complainant_phone"]
    assert quality == "138****5678"
    page = as_user("quality_a").get(f"/complaintview/show/{pk}").get_data(as_text=True)
    assert "13812345678" not in page and "138****5678" in page
    export = as_user("quality_a").get("/complaintview/export/").get_data(as_text=True)
    assert "13812345678" not in export


# --- the director's daily sign-off (R-CP-6) ------------------------------------------------------

def test_director_signs_off_each_day(app, world, api_as, as_user, seeded):
    register(api_as("agent_a"), world)
    director = as_user("director_a")
    page = director.get("/complaint-signoff/").get_data(as_text=True)
    assert 'id="signoff-waiting"' in page
    yesterday = (local_now() - timedelta(days=1)).date().isoformat()
    token = csrf_token(director, "/complaint-signoff/")
    signed = director.post("/complaint-signoff/sign", data={
        "csrf_token": token, "office_id": world.office_a, "day": yesterday})
    assert signed.status_code == 302
    assert seeded.scalar(select(func.count(RegisterSignOff.id))) == 1
    again = director.post("/complaint-signoff/sign", data={
        "csrf_token": token, "office_id": world.office_a, "day": yesterday})
    assert again.status_code == 302
    assert seeded.scalar(select(func.count(RegisterSignOff.id))) == 1
    other = as_user("director_b")
    assert other.post("/complaint-signoff/sign", data={
        "csrf_token": csrf_token(other, "/complaint-signoff/"), "office_id": world.office_a,
        "day": yesterday}).status_code == 404
    agent = as_user("agent_a")
    assert agent.get("/complaint-signoff/").status_code == 403
    tomorrow = (local_now() + timedelta(days=1)).date().isoformat()
    director.post("/complaint-signoff/sign", data={
        "csrf_token": token, "office_id": world.office_a, "day": tomorrow})
    assert seeded.scalar(select(func.count(RegisterSignOff.id))) == 1


# --- printed forms -------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["complaint_register", "complaint_transfer_slip",
                                  "complaint_revisit_slip"])
def test_complaint_forms_print_in_two_languages(app, world, api_as, seeded, form):
    pk = register(api_as("agent_a"), world)
    response = api_as("agent_a").get(f"{API}{pk}/pdf?form={form}&lang=zh_Hant&second=en")
    assert response.status_code == 200, response.get_data(as_text=True)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Complainant" in text and seeded.get(Complaint, pk).number in text
    from babel.support import Translations

    from config import BASE_DIR

    traditional = Translations.load(str(BASE_DIR / "translations"), ["zh_Hant"]) \
        .gettext("Complainant")
    if traditional != "Complainant":
        assert traditional in text


# --- statistics (R-CP-8, R-RV-4) ------------------------------------------------------------------

def test_monthly_statistics_per_office(app, world, api_as, as_user, seeded):
    from app.security.scope import SYSTEM_SCOPE
    from app.workflows.complaint_report import Period, complaint_statistics

    agent, supervisor = api_as("agent_a"), api_as("supervisor_a")
    general = register(agent, world)
    take(supervisor, general, "classify", GENERAL)
    take(supervisor, general, "resolve", {"result": "Guard retrained"})
    revisit = seeded.scalar(select(Revisit.id).where(Revisit.complaint_id == general))
    take(api_as("supervisor_a"), revisit, "record", {
        "mode": "phone", "revisitee": "Resident A", "satisfaction": "satisfied"},
        base="/api/v1/revisit/")
    major = register(agent, world)
    take(supervisor, major, "classify", MAJOR)
    register(agent, world)  # not classified yet
    now = local_now()
    rows = {r.name: r for r in complaint_statistics(
        seeded, SYSTEM_SCOPE, Period.parse(f"{now.year}-{now.month:02d}"))}
    office_a = rows["Office A"]
    assert office_a.total == 3 and rows["Office B"].total == 0
    assert office_a.by_class == {"general": 1, "major": 1, "unclassified": 1}
    assert office_a.processing_rate == Decimal("33.3")
    assert office_a.revisit_rate == Decimal("100.0") and office_a.revisit_on_target
    assert office_a.timeliness_rate == Decimal("100.0")  # the general one, resolved in time
    assert office_a.valid_rate == Decimal("100.00") and not office_a.valid_on_target  # 2 of 2
    page = as_user("director_a").get(f"/complaint-report/?period={now.year}-{now.month:02d}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Office A" in text and "Office B" not in text
    quarter = as_user("quality_a").get(f"/complaint-report/?period={now.year}-Q4")
    assert quarter.status_code == 200 and "Test Branch" in quarter.get_data(as_text=True)
    assert as_user("agent_a").get("/complaint-report/").status_code == 403
    bad = as_user("director_a").get("/complaint-report/?period=last+month")
    assert bad.status_code == 200 and "2026-Q4" in bad.get_data(as_text=True)


@pytest.mark.parametrize("text,start,end,quarterly", [
    ("2026-11", "2026-11-01", "2026-12-01", False), ("2026-12", "2026-12-01", "2027-01-01", False),
    ("2026-q4", "2026-10-01", "2027-01-01", True), ("2026-Q1", "2026-01-01", "2026-04-01", True)])
def test_report_periods(text, start, end, quarterly):
    from app.workflows.complaint_report import Period

    period = Period.parse(text)
    assert (period.start.isoformat(), period.end.isoformat(), period.quarterly) == (
        start, end, quarterly)


def test_admin_chooses_the_companys_complaint_procedure(app, world, as_user, seeded):
    """RULES.md §5: the presets are selectable per company, in the UI, without code."""
    company = seeded.scalar(select(Company))
    company_id = company.id
    admin = as_user("admin")
    from tests.helpers import edit_form_token

    hidden = edit_form_token(admin, f"/companyview/edit/{company_id}")
    response = admin.post(f"/companyview/edit/{company_id}", data={
        **hidden, "name": "Test Property Co", "hotline": "400-000-0000",
        "complaint_policy": "vanke"})
    assert response.status_code == 302
    seeded.expire_all()
    assert seeded.get(Company, company_id).complaint_policy == "vanke"
    with app.test_request_context():
        doc = _classified(seeded, world, GENERAL, RECEIVED)
        assert _due(seeded, doc, "cp.general") == datetime(2026, 10, 8, 16, 30)
