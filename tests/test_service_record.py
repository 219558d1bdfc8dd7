"""The customer-service register end to end (顾客服务信息登记表, R-CS-1..6) through the real
access layer: every transition walked by the role that may take it, refused for the roles
that may not and for people of another office, 409 on a stale version; registration
checks (R-CS-1, R-CS-2); the inquiry reply time and the 2-working-day handling plan on the
estate's calendar (R-CS-3, R-CS-4); a missed commitment escalated to the office director,
then the general manager, with frozen time (R-CS-5); one click into a work order or a
complaint keeping the link (R-CS-1); closing into the revisit scope (R-CS-6); the scope
matrix of the register (R-ORG-4); and the two bilingual printed forms (R-PR).

The product's one clock is frozen (`clock`): transitions happen at `clock.now`, so
the deadlines below are concrete dates of the 2026 mainland calendar.
"""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from functools import partial

import chinese_calendar
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app import clock as product_clock
from app.clock import FrozenClock
from app.models import Complaint, Revisit, ServiceRecord, WorkflowHistory
from app.models.workflow import DeadlinePolicy, DeadlineTimer, Escalation, Notification
from app.workflows.registry import registered
from tests.helpers import (
    FONT,
    assert_every_character_has_a_glyph,
    csrf_token,
    embedded_families,
    history_names,
    pdf_text,
    transition,
)

API = "/api/v1/service_record/"
VIEW = "/servicerecordview"
REFUSED = {400, 403, 404}
WEDNESDAY = datetime(2026, 6, 10, 10, 0)  # an ordinary working Wednesday

take = partial(transition, base=API)


class Clock:
    """The product's one clock (app.clock), frozen at a local time and moved by tests."""

    def __init__(self, now: datetime) -> None:
        self.frozen = FrozenClock(now)

    @property
    def now(self) -> datetime:
        return self.frozen.now()

    def at(self, when: datetime) -> "Clock":
        self.frozen.set(when)
        return self

    def later(self, **delta) -> "Clock":
        self.frozen.move(**delta)
        return self


@pytest.fixture
def clock():
    """Time stands still for the whole product (registration, transitions, deadlines)."""
    frozen = Clock(WEDNESDAY)
    token = product_clock.install(frozen.frozen)
    yield frozen
    product_clock.uninstall(token)


@pytest.fixture
def seeded(clock, seeded):
    """tests/conftest.py's reference data, seeded with the clock already frozen."""
    return seeded


# --- helpers -----------------------------------------------------------------------------------

def register(api, world, **extra) -> int:
    payload = {"kind": "service_request", "source": "phone", "estate": world.estate_a,
               "unit": world.unit_a, "resident": world.resident_a,
               "content": "The corridor light on floor 15 has been out for two days."}
    payload.update(extra)
    response = api.post(API, json=payload)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def dispatch_data(world, clock, **extra) -> dict:
    data = {"department_id": world.eng_a,
            "liaison_note": "Please replace the corridor light and tell us when."}
    data.update(extra)
    return data


def plan_data(clock, committed: datetime | None = None) -> dict:
    committed = committed or clock.now + timedelta(days=2)
    return {"plan_method": "Replace the fitting", "plan_schedule": "Part arrives Friday",
            "plan_commitment": "Light working by Friday evening",
            "committed_at": stamp(committed)}


def complaint_data(clock) -> dict:
    return {"event_time": stamp(clock.now - timedelta(hours=3)),
            "event_place": "Lobby of Block A1", "subject": "Security guard on duty",
            "matter": "staff", "customer_request": "An apology from the guard",
            "agreed_reply_at": stamp(clock.now + timedelta(hours=4))}


def timers(session, pk: int) -> dict[str, DeadlineTimer]:
    rows = session.scalars(select(DeadlineTimer).where(
        DeadlineTimer.doc_type == "service_record", DeadlineTimer.doc_id == pk)
        .order_by(DeadlineTimer.id))
    return {t.policy.key: t for t in rows}


def fresh(session, pk: int) -> ServiceRecord:
    session.expire_all()
    return session.get(ServiceRecord, pk)


# --- every transition ------------------------------------------------------------------------

def test_every_transition_of_the_register_is_walked(app, world, api_as, seeded, clock):
    """R-CS-1..6: dispatch with a liaison slip, plan, customer told, urge, answer, close;
    an answer on the spot; one click into a work order and into a complaint."""
    session = seeded
    agent, head, tech = api_as("agent_a"), api_as("head_a"), api_as("tech_a")
    taken: set[str] = set()

    def step(api, pk, name, data=None, comment=None):
        take(api, pk, name, data, comment)
        taken.add(name)

    # The long way: a department plans, the customer is told, the agent urges (R-CS-2..5).
    pk = register(agent, world)
    step(agent, pk, "dispatch", dispatch_data(world, clock, department_id=world.marketing_a))
    clock.later(hours=1)
    step(agent, pk, "redispatch", dispatch_data(world, clock), comment="Engineering's job")
    clock.later(hours=2)
    step(head, pk, "submit_plan", plan_data(clock))
    step(agent, pk, "tell_customer")
    clock.later(hours=30)
    step(agent, pk, "urge", {"urged_person": "Head of Engineering A"})
    step(tech, pk, "handle", {"reply": "Fitting replaced, light works."})
    step(agent, pk, "close")
    record = fresh(session, pk)
    assert record.state == "closed" and record.urge_count == 1
    assert record.department_id == world.eng_a
    assert record.plan_submitted_by_id == world.user_head_a
    assert record.handled_by_id == world.user_tech_a
    assert history_names(session, "service_record", pk) == ["create", "dispatch", "redispatch", "submit_plan",
                                          "tell_customer", "urge", "handle", "close"]

    # Answered at once by the front desk (R-CS-3: only what the agent cannot answer goes on).
    quick = register(agent, world, kind="inquiry", source="visit",
                     content="When is the water-tank cleaning?")
    step(agent, quick, "answer_on_spot", {"reply": "Saturday morning, 9 to 12."})
    assert fresh(session, quick).state == "handled"

    # One click into a work order (from recorded) and a complaint (from dispatched), R-CS-1.
    repair = register(agent, world)
    step(agent, repair, "to_work_order", {"category": "electrical"})
    grievance = register(agent, world, kind="complaint")
    take(agent, grievance, "dispatch", dispatch_data(world, clock))
    step(agent, grievance, "to_complaint", complaint_data(clock))
    assert fresh(session, repair).state == "converted"
    assert fresh(session, grievance).state == "converted"

    declared = {t.name for t in registered()["service_record"].transitions}
    assert declared - taken == set()


# --- refusals --------------------------------------------------------------------------------

def _valid_data(world, clock) -> dict:
    """A value for every field of every transition, so that only the refusal counts."""
    return {**dispatch_data(world, clock), **plan_data(clock), **complaint_data(clock),
            "reply": "Done", "urged_person": "Someone", "category": "electrical"}


BEFORE = {
    None: [],
    "dispatch": [("agent_a", "dispatch")],
    "submit_plan": [("agent_a", "dispatch"), ("head_a", "submit_plan")],
    "handle": [("agent_a", "dispatch"), ("tech_a", "handle")],
}
DENIED = [
    # (transition, who tries, how far the entry went first, expected status)
    ("dispatch", "quality_a", None, 403),           # Quality reads the register only
    ("dispatch", "officer_a", None, 403),
    ("submit_plan", "agent_a", "dispatch", 403),     # the front desk does not plan
    ("submit_plan", "supervisor_a", "dispatch", 403),
    ("handle", "agent_a", "dispatch", 403),
    ("tell_customer", "head_a", "submit_plan", 403),  # the agent tells the customer
    ("urge", "tech_a", "dispatch", 403),
    ("close", "head_a", "handle", 403),
    ("to_work_order", "head_a", "dispatch", 403),
    ("to_complaint", "tech_a", "dispatch", 403),
    ("submit_plan", "head_a", None, 404),           # not dispatched: not Engineering's
    ("submit_plan", "marketing_a", "dispatch", 404),  # another department of the office
    ("dispatch", "agent_b", None, 404),             # another office: not even visible
    ("submit_plan", "head_b", "dispatch", 404),
    ("urge", "director_b", "dispatch", 404),
    ("close", "agent_a", None, 409),                # wrong state
    ("tell_customer", "agent_a", "dispatch", 409),
    ("to_complaint", "agent_a", "handle", 409),     # handled entries are not converted
]


@pytest.mark.parametrize("name,username,before,status", DENIED,
                         ids=[f"{d[0]}-{d[1]}" for d in DENIED])
def test_transition_refused(app, world, api_as, seeded, clock, name, username, before,
                            status):
    pk = register(api_as("agent_a"), world)
    for who, step in BEFORE[before]:
        take(api_as(who), pk, step, _valid_data(world, clock))
    record = fresh(seeded, pk)
    state, version = record.state, record.version
    response = api_as(username).post(f"{API}{pk}/transition/{name}", json={
        "version": version, "data": _valid_data(world, clock)})
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json.get("message")
    record = fresh(seeded, pk)
    assert (record.state, record.version) == (state, version)


def test_stale_version_is_409_and_changes_nothing(app, world, api_as, seeded, clock):
    agent = api_as("agent_a")
    pk = register(agent, world)
    seen = agent.get(f"{API}{pk}").json["result"]["version"]
    take(agent, pk, "dispatch", dispatch_data(world, clock))
    response = api_as("supervisor_a").post(f"{API}{pk}/transition/urge", json={
        "version": seen, "data": {"urged_person": "Head of Engineering A"}})
    assert response.status_code == 409
    assert "Someone else changed" in response.json["message"]
    assert fresh(seeded, pk).urge_count == 0


def test_only_the_handling_department_plans_and_answers(app, world, api_as, seeded, clock):
    """Seeing an entry as its registering department is not handling it: the plan and the
    answer come from the department it was dispatched to (R-CS-4)."""
    pk = register(api_as("agent_a"), world)
    take(api_as("agent_a"), pk, "dispatch", dispatch_data(world, clock,
                                                         department_id=world.marketing_a))
    record = fresh(seeded, pk)
    record.registering_department_id = world.eng_a  # e.g. raised by an engineer
    seeded.commit()
    refused = take(api_as("head_a"), pk, "submit_plan", plan_data(clock), expect=400)
    assert "dispatched to" in refused.json["message"]
    take(api_as("marketing_a"), pk, "submit_plan", plan_data(clock))


def test_transitions_endpoint_says_what_each_person_may_do(app, world, api_as, seeded,
                                                           clock):
    pk = register(api_as("agent_a"), world)
    names = {t["name"] for t in api_as("agent_a").get(f"{API}{pk}/transitions")
             .json["result"]}
    assert names == {"answer_on_spot", "dispatch", "to_work_order", "to_complaint"}
    assert api_as("agent_b").get(f"{API}{pk}/transitions").status_code == 404
    dispatch = next(t for t in api_as("agent_a").get(f"{API}{pk}/transitions")
                    .json["result"] if t["name"] == "dispatch")
    choices = dispatch["fields"][0]["choices"]
    assert {str(world.cs_a), str(world.eng_a), str(world.marketing_a)} <= set(choices)
    assert str(world.eng_b) not in choices
    take(api_as("agent_a"), pk, "dispatch", dispatch_data(world, clock))
    assert {t["name"] for t in api_as("head_a").get(f"{API}{pk}/transitions")
            .json["result"]} == {"submit_plan", "handle"}


# --- registration (R-CS-1, R-CS-2) ---------------------------------------------------------

def test_registration_numbers_fills_and_checks(app, world, api_as, seeded, clock):
    agent = api_as("agent_a")
    first, second = register(agent, world), register(agent, world)
    n1, n2 = (seeded.get(ServiceRecord, pk).number for pk in (first, second))
    assert n1.startswith("CS-2026-") and int(n2[-6:]) == int(n1[-6:]) + 1
    record = seeded.get(ServiceRecord, first)
    assert (record.state, record.received_at) == ("recorded", WEDNESDAY)
    assert record.received_by_id == world.user_agent_a
    assert record.registering_department_id == world.cs_a
    assert (record.contact_name, record.contact_phone) == ("Resident A", "13812345678")
    assert history_names(seeded, "service_record", first) == ["create"]

    def refused(**payload):
        body = {"kind": "service_request", "source": "phone", "estate": world.estate_a,
                "content": "x", **payload}
        response = agent.post(API, json=body)
        assert response.status_code == 400, response.get_data(as_text=True)
        return response.json

    before = seeded.scalar(select(func.count(ServiceRecord.id)))
    assert "outside your departments" in refused(unit=world.unit_b)["message"]  # office B
    assert "resident" in refused(unit=world.unit2_a, resident=world.resident_a)["errors"]
    assert "nonsense" in refused(kind="nonsense")["message"]
    assert "fax" in refused(source="fax")["message"]
    assert "content" in refused(content="  ")["errors"]
    # An urgent matter may be relayed orally, but it is still recorded (R-CS-2).
    assert "relayed_orally" in refused(relayed_orally=True)["errors"]
    assert seeded.scalar(select(func.count(ServiceRecord.id))) == before
    urgent = register(agent, world, urgent=True, relayed_orally=True)
    assert seeded.get(ServiceRecord, urgent).relayed_orally is True


def test_register_through_the_form_and_dispatch_through_the_page(app, world, as_user,
                                                                 seeded, clock):
    """The pages: the add form registers through the engine; a transition's form applies
    it, keeps the input on a refusal and offers only the office's departments."""
    client = as_user("agent_a")
    token = csrf_token(client, f"{VIEW}/add")
    add = client.get(f"{VIEW}/add").get_data(as_text=True)
    assert 'value="inquiry"' in add and 'value="higher_authority"' in add
    response = client.post(f"{VIEW}/add", data={
        "csrf_token": token, "kind": "inquiry", "source": "visit", "estate": world.estate_a,
        "unit": world.unit_a, "resident": world.resident_a, "contact_name": "",
        "contact_phone": "", "content": "Can I renovate my balcony?", "received_at": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    record = seeded.scalar(select(ServiceRecord).order_by(ServiceRecord.id.desc()))
    pk = record.id
    assert record.kind == "inquiry" and f"/show/{pk}" in response.location
    page = client.get(f"{VIEW}/show/{pk}").get_data(as_text=True)
    assert record.number in page and 'id="history"' in page and "138****" not in page

    form = client.get(f"{VIEW}/transition/dispatch?ids={pk}")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and f'value="{world.eng_a}"' in html
    assert f'value="{world.eng_b}"' not in html
    # An inquiry leaves with a reply time (R-CS-3): without one the form says so.
    bad = client.post(f"{VIEW}/transition/dispatch?ids={pk}", data={
        "csrf_token": token, f"version_{pk}": "1", "department_id": str(world.eng_a),
        "liaison_note": "Please advise on balcony rules"})
    assert bad.status_code == 400 and "Please advise on balcony rules" in \
        bad.get_data(as_text=True) and "must answer this inquiry" in bad.get_data(as_text=True)
    done = client.post(f"{VIEW}/transition/dispatch?ids={pk}", data={
        "csrf_token": token, f"version_{pk}": "1", "department_id": str(world.eng_a),
        "liaison_note": "Please advise on balcony rules",
        "reply_due_at": stamp(clock.now + timedelta(days=1)).replace(" ", "T")})
    assert done.status_code == 302
    assert fresh(seeded, pk).state == "dispatched"


def test_phone_is_masked_for_roles_that_do_not_need_it(app, world, api_as, seeded, clock):
    """R-RES-2: the front desk sees the contact's phone, Quality sees it masked."""
    pk = register(api_as("agent_a"), world)
    assert api_as("agent_a").get(f"{API}{pk}").json["result"]["contact_phone"] == \
        "13812345678"
    masked = api_as("quality_a").get(f"{API}{pk}").json["result"]["contact_phone"]
    assert masked != "13812345678" and masked.endswith("5678")


# --- deadlines (R-CS-3, R-CS-4, R-CS-5) ---------------------------------------------------------

def reference_working_days(start: datetime, amount: int) -> datetime:
    """Same clock time on the `amount`-th working day after `start`, straight from
    chinesecalendar (a start on a day off counts from 09:00 of the next working day)."""
    day, clock_time = start.date(), start.time()
    if not chinese_calendar.is_workday(day):
        while not chinese_calendar.is_workday(day):
            day += timedelta(days=1)
        clock_time = datetime.min.replace(hour=9).time()
    while amount:
        day += timedelta(days=1)
        amount -= chinese_calendar.is_workday(day)
    return datetime.combine(day, clock_time)


@pytest.mark.parametrize("dispatched,plan_due", [
    # Wednesday before National Day: 1–7 October off, Thursday 8 and Friday 9 count.
    (datetime(2026, 9, 30, 16, 0), datetime(2026, 10, 9, 16, 0)),
    # Friday 9 October: the make-up Saturday 10 October is a working day.
    (datetime(2026, 10, 9, 16, 0), datetime(2026, 10, 12, 16, 0)),
    # During the holiday: the clock starts when the office opens on 8 October.
    (datetime(2026, 10, 3, 15, 0), datetime(2026, 10, 10, 9, 0)),
], ids=["eve-of-national-day", "before-make-up-saturday", "during-the-holiday"])
def test_reply_time_and_handling_plan_on_the_estates_calendar(
        app, world, api_as, seeded, clock, dispatched, plan_due):
    """R-CS-3: the inquiry's reply time is the one the agent set. R-CS-4: the handling
    plan is due 2 working days after the dispatch on the estate's (mainland) calendar;
    the plan meets it, the answer meets the reply time."""
    assert chinese_calendar.is_workday(date(2026, 10, 8))  # not part of the holiday
    assert plan_due == reference_working_days(dispatched, 2)
    clock.at(dispatched - timedelta(minutes=20))
    agent = api_as("agent_a")
    pk = register(agent, world, kind="inquiry",
                  content="Which day is the lift of Block A1 inspected?")
    reply_due = dispatched + timedelta(days=1, hours=2)
    clock.at(dispatched)
    take(agent, pk, "dispatch", dispatch_data(world, clock, reply_due_at=stamp(reply_due)))
    armed = timers(seeded, pk)
    assert set(armed) == {"cs.reply", "cs.handling_plan"}
    assert armed["cs.reply"].due_at == reply_due
    assert armed["cs.handling_plan"].due_at == plan_due
    assert armed["cs.handling_plan"].started_at == dispatched
    assert {t.department_id for t in armed.values()} == {world.eng_a}
    assert {t.handler_user_id for t in armed.values()} == {world.user_agent_a}

    clock.later(hours=2)
    take(api_as("head_a"), pk, "submit_plan", plan_data(clock))
    states = {k: t.status for k, t in timers(seeded, pk).items()}
    assert states == {"cs.reply": "armed", "cs.handling_plan": "met"}
    take(api_as("tech_a"), pk, "handle", {"reply": "The 20th, from 9 to 11."})
    assert {t.status for t in timers(seeded, pk).values()} == {"met"}


def test_an_answer_meets_the_plan_deadline_and_a_late_inquiry_escalates(
        app, world, api_as, seeded, clock):
    """No plan is needed when the department answers within 2 working days (R-CS-4); an
    inquiry not answered by the reply time goes to the department head (R-CS-3, R-CS-5)."""
    from app.workflows.deadlines import tick_in_session

    agent = api_as("agent_a")
    answered = register(agent, world)
    take(agent, answered, "dispatch", dispatch_data(world, clock))
    take(api_as("tech_a"), answered, "handle", {"reply": "Done the same day."})
    assert timers(seeded, answered)["cs.handling_plan"].status == "met"

    late = register(agent, world, kind="inquiry", content="Parking fee for a second car?")
    due = clock.now + timedelta(hours=4)
    take(agent, late, "dispatch", dispatch_data(world, clock, reply_due_at=stamp(due)))
    tick_in_session(seeded, due - timedelta(minutes=20))  # the agent is warned first
    result = tick_in_session(seeded, due + timedelta(minutes=1))
    seeded.commit()
    timer = timers(seeded, late)["cs.reply"]
    assert timer.level == 1 and result.escalations == 1
    assert [(e.level, e.target) for e in seeded.scalars(
        select(Escalation).where(Escalation.timer_id == timer.id))] == [
        (0, "handler"), (1, "department_head")]
    heard = set(seeded.scalars(select(Notification.user_id).where(
        Notification.timer_id == timer.id)))
    assert heard == {world.user_agent_a, world.user_head_a}


def test_missed_commitment_is_escalated_to_the_director_then_the_gm(
        app, world, api_as, seeded, clock):
    """R-CS-5: the agent tracks the commitment the department made (armed when the
    customer was told); before it is due the agent is warned, a missed one is escalated to
    the office director, then to the general manager, each exactly once; the agent urges
    the responsible person; the answer stops the clock."""
    from app.workflows.deadlines import tick_in_session

    agent = api_as("agent_a")
    pk = register(agent, world)
    take(agent, pk, "dispatch", dispatch_data(world, clock))
    committed = datetime(2026, 6, 12, 17, 0)  # Friday
    clock.later(hours=1)
    take(api_as("head_a"), pk, "submit_plan", plan_data(clock, committed))
    clock.later(minutes=30)
    take(agent, pk, "tell_customer")
    record = fresh(seeded, pk)
    assert record.customer_told_at == clock.now and record.committed_at == committed
    timer = timers(seeded, pk)["cs.commitment"]
    timer_id, step = timer.id, timedelta(minutes=timer.policy.escalation_step_minutes)
    assert timer.due_at == committed and timer.status == "armed"
    assert timer.policy.escalation_chain == "office_director,general_manager"

    def heard(level: int) -> set[int]:
        return set(seeded.scalars(select(Notification.user_id).where(
            Notification.timer_id == timer_id, Notification.level == level)))

    tick_in_session(seeded, committed - timedelta(minutes=30))
    seeded.commit()  # a request ends by closing the session: keep what the tick wrote
    assert heard(0) == {world.user_agent_a}  # the agent is warned first
    tick_in_session(seeded, committed + timedelta(minutes=1))
    seeded.commit()
    assert heard(1) == {world.user_director_a} and heard(2) == set()
    assert world.user_director_b not in heard(1)
    # Urged with the responsible person after the miss (R-CS-5).
    clock.at(committed + timedelta(minutes=10))
    take(agent, pk, "urge", {"urged_person": "Head of Engineering A"})
    record = fresh(seeded, pk)
    assert (record.urge_count, record.last_urged_at) == (1, clock.now)
    tick_in_session(seeded, committed + step + timedelta(minutes=1))
    seeded.commit()
    assert heard(2) == {world.user_gm}
    again = tick_in_session(seeded, committed + 3 * step)
    assert again.notifications == 0
    levels = [(e.level, e.target) for e in seeded.scalars(
        select(Escalation).where(Escalation.timer_id == timer_id).order_by(Escalation.level))]
    assert levels == [(0, "handler"), (1, "office_director"), (2, "general_manager")]
    take(api_as("head_a"), pk, "handle", {"reply": "Fitted on Monday, apologised."})
    assert seeded.get(DeadlineTimer, timer_id).status == "met"


def test_redispatch_gives_the_new_department_its_own_two_working_days(
        app, world, api_as, seeded, clock):
    """A liaison slip sent to the wrong department is sent on with a reason; the plan
    deadline restarts for the new department (R-CS-4), the inquiry's reply time stays the
    one promised (R-CS-3), and the first department no longer sees the entry."""
    agent = api_as("agent_a")
    pk = register(agent, world, kind="inquiry", content="Who cleans the roof drains?")
    reply_due = datetime(2026, 6, 15, 12, 0)
    take(agent, pk, "dispatch", dispatch_data(world, clock, department_id=world.marketing_a,
                                              reply_due_at=stamp(reply_due)))
    same = take(agent, pk, "redispatch", dispatch_data(world, clock,
                                                       department_id=world.marketing_a),
                comment="x", expect=400)
    assert "already" in same.json["message"]
    assert take(agent, pk, "redispatch", dispatch_data(world, clock),
                expect=400).json["errors"] == {"comment": "This field is required."}
    clock.at(datetime(2026, 6, 11, 9, 30))  # Thursday
    take(agent, pk, "redispatch", dispatch_data(world, clock), comment="Environment's job")
    rows = seeded.scalars(select(DeadlineTimer).where(
        DeadlineTimer.doc_type == "service_record", DeadlineTimer.doc_id == pk)
        .order_by(DeadlineTimer.id)).all()
    summary = [(t.policy.key, t.status, t.due_at) for t in rows]
    assert summary == [
        ("cs.reply", "cancelled", reply_due),
        ("cs.handling_plan", "cancelled", datetime(2026, 6, 12, 10, 0)),
        ("cs.reply", "armed", reply_due),
        ("cs.handling_plan", "armed", datetime(2026, 6, 15, 9, 30)),
    ]
    assert {t.department_id for t in rows if t.status == "armed"} == {world.eng_a}
    assert api_as("marketing_a").get(f"{API}{pk}").status_code == 404
    assert api_as("head_a").get(f"{API}{pk}").status_code == 200


def test_default_policies_are_declared(app, seeded):
    policies = {p.key: p for p in seeded.scalars(select(DeadlinePolicy).where(
        DeadlinePolicy.key.in_(["cs.reply", "cs.handling_plan", "cs.commitment",
                                "revisit.service"])))}
    plan = policies["cs.handling_plan"]
    assert (plan.amount, plan.unit, plan.rule) == (2, "working_days", "R-CS-4")
    assert policies["cs.commitment"].rule == "R-CS-5"
    assert policies["revisit.service"].doc_type == "revisit"


# --- conversion (R-CS-1) and closing (R-CS-6) --------------------------------------------------

def test_turned_into_a_work_order_keeps_the_link(app, world, api_as, as_user, seeded, clock):
    agent = api_as("agent_a")
    received = clock.now
    pk = register(agent, world, urgent=True, content="Water pouring from the ceiling")
    clock.later(minutes=5)
    take(agent, pk, "to_work_order", {"category": "water_leak", "location": "Kitchen"})
    record = fresh(seeded, pk)
    order = record.work_order
    assert record.state == "converted" and order is not None
    assert order.number.startswith("WO-2026-") and order.state == "registered"
    assert (order.estate_id, order.unit_id, order.resident_id) == (
        world.estate_a, world.unit_a, world.resident_a)
    assert order.description == "Water pouring from the ceiling"
    assert (order.contact_name, order.contact_phone) == ("Resident A", "13812345678")
    assert order.category == "water_leak" and order.location == "Kitchen"
    assert order.source == "resident_phone" and order.reported_at == received
    assert order.emergency is True  # an urgent entry becomes an emergency repair
    assert order.registering_department_id == world.cs_a
    assert order.service_records == [record]
    # The emergency deadline runs from the call (R-WO-2); the register entry's are closed.
    on_site = seeded.scalar(select(DeadlineTimer).where(
        DeadlineTimer.doc_type == "work_order", DeadlineTimer.doc_id == order.id))
    assert on_site.due_at == received + timedelta(minutes=15)
    created = seeded.scalar(select(WorkflowHistory).where(
        WorkflowHistory.doc_type == "work_order", WorkflowHistory.doc_id == order.id))
    assert created.data == {"service_record": record.number}
    order_id, order_number = order.id, order.number
    assert api_as("agent_a").get(f"/api/v1/work_order/{order_id}").status_code == 200
    show = api_as("agent_a").get(f"{API}{pk}").json["result"]
    assert show["work_order"] == {"id": order_id, "number": order_number}
    page = as_user("agent_a").get(f"{VIEW}/show/{pk}").get_data(as_text=True)
    assert f"/workorderview/show/{order_id}" in page and order_number in page


def test_turned_into_a_complaint_keeps_the_link(app, world, api_as, seeded, clock):
    """The complaint registration's own checks apply (R-CP-1, R-CP-2): what is missing is
    asked for and listed; nothing is created until it is complete."""
    agent = api_as("agent_a")
    pk = register(agent, world, kind="complaint", source="visit",
                  content="The guard was rude to my mother at the gate.")
    take(agent, pk, "dispatch", dispatch_data(world, clock))
    before = seeded.scalar(select(func.count(Complaint.id)))
    missing = take(agent, pk, "to_complaint", {}, expect=400).json["errors"]
    assert {"event_time", "event_place", "subject", "customer_request"} <= set(missing)
    no_reply = {k: v for k, v in complaint_data(clock).items() if k != "agreed_reply_at"}
    error = take(agent, pk, "to_complaint", no_reply, expect=400).json
    assert "agreed_reply_at" in error["errors"]
    assert fresh(seeded, pk).state == "dispatched"
    assert seeded.scalar(select(func.count(Complaint.id))) == before

    take(agent, pk, "to_complaint", complaint_data(clock))
    record = fresh(seeded, pk)
    complaint = record.complaint
    assert record.state == "converted" and complaint.number.startswith("CP-2026-")
    assert complaint.state == "registered" and complaint.service_records == [record]
    assert complaint.description == "The guard was rude to my mother at the gate."
    assert (complaint.complainant_name, complaint.complainant_phone) == (
        "Resident A", "13812345678")
    assert complaint.source == "visit" and complaint.matter == "staff"
    assert complaint.received_at == record.received_at
    assert complaint.received_by_id == world.user_agent_a
    assert complaint.registering_department_id == world.cs_a
    assert complaint.agreed_reply_at == clock.now.replace(second=0) + timedelta(hours=4)
    # The register entry's deadlines end; the complaint's reply time runs (R-CP-2).
    assert {t.status for t in timers(seeded, pk).values()} == {"cancelled"}
    reply = seeded.scalar(select(DeadlineTimer).where(
        DeadlineTimer.doc_type == "complaint", DeadlineTimer.doc_id == complaint.id))
    assert reply.due_at == complaint.agreed_reply_at
    expected = {"id": complaint.id, "number": complaint.number}
    assert agent.get(f"{API}{pk}").json["result"]["complaint"] == expected


def test_closing_creates_the_revisit(app, world, api_as, as_user, seeded, clock):
    """R-CS-6: every handled entry enters the revisit scope; the CS supervisor of the
    estate records it."""
    agent = api_as("agent_a")
    pk = register(agent, world, kind="suggestion", content="More bicycle racks, please.")
    take(agent, pk, "answer_on_spot", {"reply": "Passed on to the office director."})
    clock.later(hours=1)
    take(agent, pk, "close")
    record = fresh(seeded, pk)
    assert record.closed_at == clock.now
    revisit = seeded.scalar(select(Revisit).where(Revisit.service_record_id == pk))
    assert revisit is not None and revisit.state == "due"
    assert revisit.due_at == clock.now + timedelta(days=7)
    assert revisit.assignee_id == world.user_supervisor_a
    assert revisit.department_id == world.cs_a and revisit.estate_id == world.estate_a
    assert record.revisits == [revisit]
    revisit_id, revisit_number = revisit.id, revisit.number
    page = as_user("agent_a").get(f"{VIEW}/show/{pk}").get_data(as_text=True)
    assert revisit_number in page
    supervisor = api_as("supervisor_a")
    version = supervisor.get(f"/api/v1/revisit/{revisit_id}").json["result"]["version"]
    done = supervisor.post(f"/api/v1/revisit/{revisit_id}/transition/record", json={
        "version": version, "data": {"mode": "phone", "revisitee": "Resident A",
                                     "satisfaction": "satisfied"}})
    assert done.status_code == 200, done.get_data(as_text=True)


def test_queues(app, world, as_user, api_as, seeded, clock):
    """The agent's "My work" holds what waits for the front desk; Engineering's holds what
    was dispatched to it (R-CS-5: every open item is tracked)."""
    agent = api_as("agent_a")
    waiting, dispatched = register(agent, world), register(agent, world)
    take(agent, dispatched, "dispatch", dispatch_data(world, clock))
    numbers = {pk: seeded.get(ServiceRecord, pk).number for pk in (waiting, dispatched)}
    mine = as_user("agent_a").get("/queue/mine").get_data(as_text=True)
    assert numbers[waiting] in mine and numbers[dispatched] in mine
    head = as_user("head_a").get("/queue/mine").get_data(as_text=True)
    assert numbers[dispatched] in head and numbers[waiting] not in head
    department = as_user("head_a").get("/queue/department").get_data(as_text=True)
    assert numbers[dispatched] in department
    other = as_user("agent_b").get("/queue/mine").get_data(as_text=True)
    assert numbers[waiting] not in other


# --- scope matrix (R-ORG-4) ---------------------------------------------------------------------

@pytest.fixture
def rows(world, api_as, seeded, clock):
    """One entry of each office, dispatched to its Engineering department."""
    a = register(api_as("agent_a"), world)
    b = register(api_as("agent_b"), world, estate=world.estate_b, unit=world.unit_b,
                 resident=world.resident_b, content="Office B's private matter")
    take(api_as("agent_b"), b, "dispatch", dispatch_data(world, clock,
                                                        department_id=world.eng_b))
    return {"a": a, "b": b, "b_number": seeded.get(ServiceRecord, b).number,
            "a_number": seeded.get(ServiceRecord, a).number}


def snapshot(session, pk: int) -> tuple:
    record = fresh(session, pk)
    return tuple(getattr(record, c.key) for c in ServiceRecord.__mapper__.column_attrs)


def test_scope_list_show_edit_delete_export(app, world, as_user, seeded, rows):
    ui = as_user("supervisor_a")  # may edit and export the register
    listing = ui.get(f"{VIEW}/list/").get_data(as_text=True)
    assert rows["a_number"] in listing and rows["b_number"] not in listing
    assert ui.get(f"{VIEW}/edit/{rows['a']}").status_code == 200
    options = ui.get(f"{VIEW}/print_options?ids={rows['a']}").get_data(as_text=True)
    assert 'value="service_register"' in options and 'value="liaison_slip"' in options
    exported = ui.get(f"{VIEW}/export/").get_data(as_text=True)
    assert rows["a_number"] in exported and rows["b_number"] not in exported
    before = snapshot(seeded, rows["b"])
    pk = rows["b"]
    assert ui.get(f"{VIEW}/show/{pk}").status_code in REFUSED
    assert ui.get(f"{VIEW}/edit/{pk}").status_code in REFUSED
    token = csrf_token(ui, f"{VIEW}/list/")
    assert ui.post(f"{VIEW}/edit/{pk}", data={
        "csrf_token": token, "content": "hijacked", "contact_name": "x",
        "contact_phone": "1"}).status_code in REFUSED
    assert ui.post(f"{VIEW}/delete/{pk}", data={"csrf_token": token}).status_code in REFUSED
    assert ui.get(f"{VIEW}/print/{pk}").status_code in REFUSED
    assert snapshot(seeded, pk) == before


def test_scope_transitions_and_actions(app, world, as_user, api_as, seeded, rows, clock):
    ui = as_user("agent_a")
    token = csrf_token(ui, f"{VIEW}/list/")
    pk = rows["b"]
    before = snapshot(seeded, pk)
    assert ui.post(f"{VIEW}/action/urge/{pk}", data={"csrf_token": token}).status_code \
        in REFUSED
    assert ui.post(f"{VIEW}/action_post", data={
        "csrf_token": token, "action": "urge",
        "rowid": [str(rows["a"]), str(pk)]}).status_code in REFUSED
    assert ui.get(f"{VIEW}/transition/urge?ids={pk}").status_code == 404
    assert ui.post(f"{VIEW}/transition/urge?ids={pk}", data={
        "csrf_token": token, f"version_{pk}": "2",
        "urged_person": "x"}).status_code == 404
    api = api_as("agent_a")
    for path in ("transitions", "history", "pdf"):
        assert api.get(f"{API}{pk}/{path}").status_code == 404, path
    assert api.post(f"{API}{pk}/transition/urge", json={
        "version": 2, "data": {"urged_person": "x"}}).status_code == 404
    assert snapshot(seeded, pk) == before
    # Dispatching one's own entry to another office's department is not a valid choice.
    response = api.post(f"{API}{rows['a']}/transition/dispatch", json={
        "version": 1, "data": dispatch_data(world, clock, department_id=world.eng_b)})
    assert response.status_code == 400 and "department_id" in response.json["errors"]
    assert fresh(seeded, rows["a"]).state == "recorded"


def test_scope_api_get_put_delete(app, world, api_as, seeded, rows):
    api = api_as("supervisor_a")
    pk = rows["b"]
    before = snapshot(seeded, pk)
    assert api.get(f"{API}{pk}").status_code in REFUSED
    assert api.put(f"{API}{pk}", json={"content": "hijacked"}).status_code in REFUSED
    assert api.delete(f"{API}{pk}").status_code in REFUSED
    listing = api.get(f"{API}?q=(page_size:100)").json["result"]
    ids = {row["id"] for row in listing}
    assert rows["a"] in ids and pk not in ids
    assert snapshot(seeded, pk) == before
    # Moving one's own entry to office B: the estate is not editable at all.
    mine = rows["a"]
    from tests.helpers import put_versioned

    moved = put_versioned(api, f"{API}{mine}", {"estate": world.estate_b})
    assert moved.status_code in (400, 422)  # an unknown field for this API
    assert fresh(seeded, mine).estate_id == world.estate_a
    edited = put_versioned(api, f"{API}{mine}", {"content": "Corrected by the supervisor"})
    assert edited.status_code == 200, edited.get_data(as_text=True)


@pytest.mark.parametrize("field,other", [("estate", "estate_b"), ("unit", "unit_b"),
                                         ("resident", "resident_b")])
def test_scope_posted_foreign_keys_refused(app, world, api_as, as_user, seeded, clock,
                                           field, other):
    before = seeded.scalar(select(func.count(ServiceRecord.id)))
    payload = {"kind": "inquiry", "source": "phone", "estate": world.estate_a,
               "content": "x", field: getattr(world, other)}
    if field == "resident":
        payload["unit"] = world.unit_a
    response = api_as("agent_a").post(API, json=payload)
    assert response.status_code == 400, response.get_data(as_text=True)
    ui = as_user("agent_a")
    form = ui.post(f"{VIEW}/add", data={"csrf_token": csrf_token(ui, f"{VIEW}/add"),
                                        "received_at": "", **{k: str(v) for k, v in
                                                               payload.items()}})
    assert form.status_code in REFUSED
    assert seeded.scalar(select(func.count(ServiceRecord.id))) == before


def test_scope_related_choices_in_the_form_and_the_api(app, world, as_user, api_as, seeded):
    page = as_user("agent_a").get(f"{VIEW}/add").get_data(as_text=True)
    for name in ("estate", "unit", "resident"):
        assert f'value="{getattr(world, name + "_a")}"' in page, name
    info = api_as("agent_a").get(f"{API}_info?q=(keys:!(add_columns))")
    assert info.status_code == 200
    columns = {c["name"]: c for c in info.json["add_columns"]}
    for name in ("estate", "unit", "resident"):
        choice_ids = {v["id"] for v in columns[name]["values"]}
        assert getattr(world, f"{name}_a") in choice_ids, name
        assert getattr(world, f"{name}_b") not in choice_ids, name
    estate_select = page.split('name="estate"', 1)[1].split("</select>", 1)[0]
    assert f'value="{world.estate_b}"' not in estate_select


# --- printing (R-PR) ---------------------------------------------------------------------------

TITLES = {"Customer-service information register": ("顾客服务信息登记表", "顧客服務信息登記表"),
          "Internal liaison slip": ("内部联络单", "內部聯絡單"),
          "Inquiry": ("咨询", "諮詢")}
LABELS = {"zh_Hans": ("小区", "单元", "电话"), "zh_Hant": ("屋苑", "單位", "電話"),
          "en": ("Estate", "Unit", "Phone")}


@pytest.fixture
def titles_catalog(app, tmp_path, monkeypatch):
    """The forms' titles in a catalog of the test's own, appended to the app's catalogs
    (later directories win), so the checks hold before the titles are translated."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from app.printing.languages import clear_catalogs

    for index, locale in enumerate(("zh_Hans", "zh_Hant")):
        catalog = Catalog()
        for msgid, translations in TITLES.items():
            catalog.add(msgid, translations[index])
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with open(folder / "messages.mo", "wb") as handle:
            write_mo(handle, catalog)
    directories = app.config["BABEL_TRANSLATION_DIRECTORIES"] + ";" + str(tmp_path)
    monkeypatch.setitem(app.config, "BABEL_TRANSLATION_DIRECTORIES", directories)
    clear_catalogs()
    yield
    clear_catalogs()


def printed(pdf: bytes) -> tuple[str, int, tuple[int, int]]:
    """The text of every page, the number of pages, the first page's size in mm."""
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    size = (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72))
    pages = pdf_text(pdf)
    return "".join(pages), len(pages), size


@pytest.mark.parametrize("form_key", ["service_register", "liaison_slip"])
@pytest.mark.parametrize("lang,second", [("zh_Hans", "en"), ("zh_Hant", "en"),
                                         ("zh_Hans", "zh_Hant")])
def test_both_forms_print_both_languages(app, world, api_as, as_user, seeded, clock,
                                         titles_catalog, form_key, lang, second):
    """The register 顾客服务信息登记表 and the internal liaison slip 内部联络单: one A4 page,
    every label in both languages, the entry's data, the reply time and the plan deadline,
    the sending agent; out of scope is a 404."""
    agent = api_as("agent_a")
    pk = register(agent, world, kind="inquiry")
    take(agent, pk, "dispatch", dispatch_data(
        world, clock, reply_due_at=stamp(datetime(2026, 6, 11, 15, 30))))
    record = fresh(seeded, pk)
    response = as_user("agent_a").get(
        f"{VIEW}/print/{pk}?form={form_key}&lang={lang}&second={second}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    text, pages, size = printed(response.data)
    assert pages == 1 and size == (210, 297)
    # One font family per script, named explicitly, and no character without a glyph.
    assert embedded_families(response.data) == {FONT[c] for c in (lang, second) if c in FONT}
    assert_every_character_has_a_glyph(response.data)
    for code in (lang, second):
        for label in LABELS[code]:
            assert label in text, (label, form_key)
    title = {"service_register": "Customer-service information register",
             "liaison_slip": "Internal liaison slip"}[form_key]
    index = {"zh_Hans": 0, "zh_Hant": 1}
    for code in (lang, second):
        expected = title if code == "en" else TITLES[title][index[code]]
        assert expected in text, (expected, form_key)
    assert record.number in text and "Estate A" in text and "Engineering A" in text
    assert "2026-06-11 15:30" in text  # the reply time the agent set (R-CS-3)
    assert "2026-06-12 10:00" in text  # the handling plan, 2 working days (R-CS-4)
    if form_key == "liaison_slip":
        assert "Agent_A Test" in text  # the sending agent signs (R-CS-2)
    else:
        assert TITLES["Inquiry"][index[lang]] in text  # the kind, through RECORD_KINDS
    assert as_user("agent_b").get(f"{VIEW}/print/{pk}?form={form_key}").status_code == 404
    assert api_as("agent_b").get(f"{API}{pk}/pdf?form={form_key}").status_code == 404
    api_pdf = agent.get(f"{API}{pk}/pdf?form={form_key}&lang={lang}&second={second}")
    assert api_pdf.status_code == 200 and api_pdf.data.startswith(b"%PDF")
