"""Complaint queues never hide an item, and one caller is one household (R-CP-2, R-CP-4 e,
R-CP-5, R-CS-5), through the real access layer with frozen time:

* a registered complaint nobody classifies escalates up the chain;
* a proposed collective case nobody decides reaches the general manager; deciding meets it;
* the same caller five times is one household, five callers without a unit are five;
* escalations show as a navbar badge for the person they reach, and a department head
  hears of his department's overdue work order.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import event, select

from app import clock
from app.models import (
    CollectiveCase,
    Complaint,
    DeadlinePolicy,
    DeadlineTimer,
    Notification,
    Unit,
    WorkOrder,
)
from app.security.actor import Actor
from app.workflows import engine
from app.workflows.complaint import household_of, normalised_phone
from app.workflows.deadlines import tick_in_session
from tests.helpers import transition

API = "/api/v1/complaint/"
take = partial(transition, base=API)

# Tuesday 29 September 2026, a working day (working hours 9:00-12:00, 13:30-18:00).
REGISTERED = datetime(2026, 9, 29, 10, 0)


def payload(world, now: datetime, **extra) -> dict:
    data = {"source": "phone", "estate": world.estate_a, "unit": world.unit_a,
            "resident": world.resident_a, "complainant_name": "Resident A",
            "complainant_phone": "13812345678",
            "event_time": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S"),
            "event_place": "Lift lobby, block A1", "subject": "Lift 2 stuck",
            "matter": "lifts", "description": "Lift 2 stopped between floors.",
            "customer_request": "Repair it today",
            "immediate_reply": "We apologise; Engineering is on the way."}
    data.update(extra)
    return data


def register(api, world, now: datetime, **extra) -> int:
    with clock.using(clock.FrozenClock(now)):
        response = api.post(API, json=payload(world, now, **extra))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def timer_of(session, doc_type: str, doc_id: int, key: str) -> DeadlineTimer:
    return session.scalar(select(DeadlineTimer).join(DeadlinePolicy).where(
        DeadlineTimer.doc_type == doc_type, DeadlineTimer.doc_id == doc_id,
        DeadlinePolicy.key == key))


def heard(session, doc_type: str, doc_id: int) -> dict[int, set[int]]:
    """{escalation level: user ids notified}."""
    levels: dict[int, set[int]] = {}
    for note in session.scalars(select(Notification).where(
            Notification.doc_type == doc_type, Notification.doc_id == doc_id)):
        levels.setdefault(note.level, set()).add(note.user_id)
    return levels


_UNIT_NUMBERS = iter(range(700, 100000))


def new_units(session, world, n: int) -> list[int]:
    units = [Unit(building_id=world.building_a, number=f"A-{next(_UNIT_NUMBERS)}")
             for _ in range(n)]
    session.add_all(units)
    session.commit()
    return [u.id for u in units]


# --- every open complaint has a next deadline (R-CP-2, R-CP-5, R-CS-5) -------------------------

def test_an_unclassified_complaint_escalates_up_the_chain(app, world, api_as, as_user,
                                                         seeded):
    agent = api_as("agent_a")
    pk = register(agent, world, REGISTERED)
    number = seeded.get(Complaint, pk).number
    supervisor = as_user("supervisor_a")  # who classifies it: the item is in his queue, due
    with clock.using(clock.FrozenClock(datetime(2026, 9, 29, 11, 0))):
        assert number not in supervisor.get("/queue/mine?due=overdue").get_data(as_text=True)
        assert number in supervisor.get("/queue/mine?due=today").get_data(as_text=True)
    with clock.using(clock.FrozenClock(datetime(2026, 9, 29, 12, 30))):
        assert number in supervisor.get("/queue/mine?due=overdue").get_data(as_text=True)
    timer = timer_of(seeded, "complaint", pk, "cp.unclassified")
    assert timer is not None and timer.status == "armed"
    assert timer.due_at == datetime(2026, 9, 29, 12, 0)  # 2 working hours
    assert tick_in_session(seeded, datetime(2026, 9, 29, 11, 59)).escalations == 0
    assert tick_in_session(seeded, datetime(2026, 9, 29, 12, 0)).escalations == 1
    assert tick_in_session(seeded, datetime(2026, 9, 29, 13, 0)).escalations == 1
    assert tick_in_session(seeded, datetime(2026, 9, 29, 14, 0)).escalations == 1
    seeded.commit()
    levels = heard(seeded, "complaint", pk)
    # Customer service A's head (its CS centre manager), the office director, the GM.
    assert levels[1] == {world.user_manager_a}
    assert levels[2] == {world.user_director_a}
    assert levels[3] == {world.user_gm}
    assert tick_in_session(seeded, datetime(2026, 9, 30, 9, 0)).escalations == 0  # once


def test_classifying_meets_the_classification_deadline(app, world, api_as, seeded):
    pk = register(api_as("agent_a"), world, REGISTERED)
    with clock.using(clock.FrozenClock(REGISTERED + timedelta(minutes=30))):
        take(api_as("supervisor_a"), pk, "classify",
             {"complaint_class": "general", "class_reason": "Lift maintenance overdue"})
    seeded.expire_all()
    assert timer_of(seeded, "complaint", pk, "cp.unclassified").status == "met"
    assert timer_of(seeded, "complaint", pk, "cp.general").status == "armed"
    tick_in_session(seeded, datetime(2026, 9, 29, 14, 0))
    assert heard(seeded, "complaint", pk) == {}


def test_the_classification_deadline_is_an_editable_policy(app, world, api_as, seeded):
    policy = seeded.scalar(select(DeadlinePolicy).where(DeadlinePolicy.key == "cp.unclassified"))
    assert (policy.amount, policy.unit, policy.rule) == (2, "working_hours", "R-CP-2")
    policy.amount = 1
    seeded.commit()
    pk = register(api_as("agent_a"), world, REGISTERED)
    assert timer_of(seeded, "complaint", pk, "cp.unclassified").due_at == \
        datetime(2026, 9, 29, 11, 0)


# --- a proposed collective case reaches the general manager (R-CP-4 e, R-CP-5) ---------------

def _five_households(session, world, api_as, now: datetime) -> int:
    agent = api_as("agent_a")
    for unit_id in new_units(session, world, 5):
        register(agent, world, now, unit=unit_id, resident=None, complainant_name="Neighbour",
                 complainant_phone=f"1390000{unit_id:04d}")
    case = session.scalar(select(CollectiveCase).where(CollectiveCase.state == "proposed"))
    assert case is not None and case.household_count == 5
    return case.id


def test_an_unconfirmed_collective_proposal_reaches_the_general_manager(app, world, api_as,
                                                                       as_user, seeded):
    case_id = _five_households(seeded, world, api_as, REGISTERED)
    timer = timer_of(seeded, "collective_case", case_id, "cp.collective_decision")
    assert timer.status == "armed" and timer.due_at == REGISTERED + timedelta(hours=2)
    tick_in_session(seeded, REGISTERED + timedelta(hours=2, minutes=59))
    assert world.user_gm not in set().union(*heard(seeded, "collective_case", case_id).values())
    tick_in_session(seeded, REGISTERED + timedelta(hours=3))
    seeded.commit()
    levels = heard(seeded, "collective_case", case_id)
    assert levels[1] == {world.user_manager_a}
    assert levels[2] == {world.user_director_a}
    assert levels[3] == {world.user_gm}
    # The general manager's notification opens the case.
    note = seeded.scalar(select(Notification.id).where(
        Notification.user_id == world.user_gm, Notification.doc_type == "collective_case"))
    gm = as_user("gm")
    case_number = seeded.get(CollectiveCase, case_id).number
    assert case_number in gm.get("/notificationview/list/").get_data(as_text=True)
    opened = gm.get(f"/notificationview/open/{note}")
    assert opened.status_code == 302 and str(case_id) in opened.location


def test_confirming_or_dismissing_meets_the_collective_deadline(app, world, api_as, seeded):
    case_id = _five_households(seeded, world, api_as, REGISTERED)
    with clock.using(clock.FrozenClock(REGISTERED + timedelta(hours=1))):
        take(api_as("supervisor_a"), case_id, "confirm", base="/api/v1/collective_case/")
    seeded.expire_all()
    assert timer_of(seeded, "collective_case", case_id, "cp.collective_decision").status == "met"
    case = seeded.get(CollectiveCase, case_id)
    for complaint in case.complaints:  # classified as major by the confirmation
        assert timer_of(seeded, "complaint", complaint.id, "cp.unclassified").status == "met"
    tick_in_session(seeded, REGISTERED + timedelta(hours=5))
    assert heard(seeded, "collective_case", case_id) == {}

    later = REGISTERED + timedelta(days=1)
    second = _five_households(seeded, world, api_as, later)
    with clock.using(clock.FrozenClock(later + timedelta(minutes=10))):
        take(api_as("supervisor_a"), second, "dismiss", comment="Five separate lift faults",
             base="/api/v1/collective_case/")
    seeded.expire_all()
    assert timer_of(seeded, "collective_case", second, "cp.collective_decision").status == "met"


# --- one caller is one household (R-CP-4 e) ------------------------------------------------------

def _without_unit(session, world, phone: str, name: str, when: datetime,
                  unit_id: int | None = None) -> Complaint:
    doc = Complaint(estate_id=world.estate_a, unit_id=unit_id, complainant_name=name,
                    complainant_phone=phone, event_time=when - timedelta(hours=1),
                    event_place="Car park", subject="Barrier", matter="parking",
                    description="The barrier does not open", customer_request="Fix it",
                    immediate_reply="Sorry", received_at=when)
    engine.create(doc, actor=Actor.system(), session=session, now=when)
    return doc


def _cases(session) -> list[CollectiveCase]:
    return list(session.scalars(select(CollectiveCase)))


def test_the_same_caller_five_times_is_one_household(app, world, seeded):
    for phone in ("13800001111", "138 0000 1111", "138-0000-1111", "(138) 0000-1111",
                  "13800001111"):
        _without_unit(seeded, world, phone, "Mr Wang", REGISTERED)
    assert _cases(seeded) == []


def test_a_caller_who_once_named_a_unit_is_that_household(app, world, seeded):
    _without_unit(seeded, world, "13800002222", "Ms Li", REGISTERED, unit_id=world.unit2_a)
    for _ in range(4):
        _without_unit(seeded, world, "138 0000 2222", "Ms Li", REGISTERED)
    assert _cases(seeded) == []


def test_five_callers_without_units_are_five_households(app, world, seeded):
    for n in range(5):
        _without_unit(seeded, world, f"1380000300{n}", f"Caller {n}", REGISTERED)
    cases = _cases(seeded)
    assert len(cases) == 1 and cases[0].household_count == 5


def test_household_key_falls_back_to_the_name():
    def complaint(unit_id, phone, name, pk=1):
        return Complaint(id=pk, unit_id=unit_id, complainant_phone=phone,
                         complainant_name=name)

    assert normalised_phone("+86 138-1234 5678") == "8613812345678"
    assert household_of(complaint(7, "1", "A"), {}) == "unit:7"
    assert household_of(complaint(None, "138 1234", "A"), {"1381234": 9}) == "unit:9"
    assert household_of(complaint(None, "138 1234", "A"), {}) == "phone:1381234"
    assert household_of(complaint(None, "", "  Wang  Wei "), {}) == \
        household_of(complaint(None, None, "wang wei"), {}) == "name:wang wei"
    assert household_of(complaint(None, "", " ", pk=5), {}) == "complaint:5"


# --- escalations reach their people and show as a navbar badge (R-CS-5) ------------------------

BADGE = re.compile(r'id="notification-badge"[^>]*>\s*(\d+)\s*<')


def _badge(client) -> int | None:
    page = client.get("/queue/mine")
    assert page.status_code == 200
    found = BADGE.search(page.get_data(as_text=True))
    return int(found.group(1)) if found else None


def test_the_navbar_badge_counts_unread_notifications(app, world, api_as, as_user, seeded):
    pk = register(api_as("agent_a"), world, REGISTERED)
    tick_in_session(seeded, datetime(2026, 9, 29, 14, 0))
    seeded.commit()
    assert heard(seeded, "complaint", pk)[1] == {world.user_manager_a}
    manager = as_user("manager_a")
    unread = len(list(seeded.scalars(select(Notification).where(
        Notification.user_id == world.user_manager_a, Notification.read_at.is_(None)))))
    assert unread >= 1 and _badge(manager) == unread
    page = manager.get("/queue/mine").get_data(as_text=True)
    assert 'href="/notificationview/list/"' in page
    assert _badge(as_user("agent_b")) is None  # nothing escalated to her: no badge
    assert 'id="notification-menu"' in as_user("agent_b").get("/queue/mine") \
        .get_data(as_text=True)
    for note in seeded.scalars(select(Notification).where(
            Notification.user_id == world.user_manager_a)):
        note.read_at = REGISTERED
    seeded.commit()
    assert _badge(manager) is None  # all read


def test_the_badge_is_one_count_query_per_page(app, world, api_as, as_user, seeded):
    from app.extensions import db

    register(api_as("agent_a"), world, REGISTERED)
    tick_in_session(seeded, datetime(2026, 9, 29, 14, 0))
    seeded.commit()
    manager = as_user("manager_a")
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if re.search(r"\bFROM notification\b", statement, re.IGNORECASE):
            statements.append(statement)

    with app.app_context():
        bind = db.engine
    event.listen(bind, "before_cursor_execute", record)
    try:
        assert _badge(manager) >= 1
    finally:
        event.remove(bind, "before_cursor_execute", record)
    assert len(statements) == 1 and "count(" in statements[0].lower()


def test_a_department_head_hears_of_his_departments_overdue_work_order(app, world, api_as,
                                                                      as_user, seeded):
    agent = api_as("agent_a")
    with clock.using(clock.FrozenClock(REGISTERED)):
        response = agent.post("/api/v1/work_order/", json={
            "source": "resident_phone", "category": "plumbing", "emergency": False,
            "estate": world.estate_a, "unit": world.unit_a, "resident": world.resident_a,
            "description": "Kitchen tap drips"})
        assert response.status_code == 201, response.get_data(as_text=True)
        pk = response.json["id"]
        transition(agent, pk, "dispatch", {"technician_id": world.user_tech_a},
                   base="/api/v1/work_order/")
    order = seeded.get(WorkOrder, pk)
    number = order.number
    assert order.department_id == world.eng_a
    # wo.ready: 10 minutes after dispatch, then one level every 10 minutes.
    tick_in_session(seeded, REGISTERED + timedelta(minutes=40))
    seeded.commit()
    levels = heard(seeded, "work_order", pk)
    assert world.user_head_a in levels[2]
    assert seeded.scalar(select(Notification.id).where(
        Notification.user_id == world.user_head_a, Notification.doc_id == pk,
        Notification.doc_type == "work_order")) is not None
    head = as_user("head_a")
    listing = head.get("/notificationview/list/").get_data(as_text=True)
    assert number in listing
    assert _badge(head) >= 1
