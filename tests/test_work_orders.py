"""Work orders end to end (R-WO-1..7) through the real access layer: every transition of
the work-order, revisit and rectification workflows walked by the role that may take it,
refused for the roles that may not and for people of another office, 409 on a stale
version, registration checks, photos, the form pages and the queues."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from app.models import (
    Notification,
    RectificationNotice,
    Revisit,
    WorkOrder,
    WorkOrderPhoto,
)
from app.models.base import local_now
from app.workflows.registry import registered
from tests.helpers import PNG, csrf_token, history_names, transition

API = "/api/v1/work_order/"

take = partial(transition, base=API)  # the `seeded` fixture is tests/conftest.py's


def register(api, world, **extra):
    payload = {"source": "resident_phone", "category": "plumbing", "emergency": False,
               "estate": world.estate_a, "unit": world.unit_a,
               "resident": world.resident_a, "description": "Kitchen tap drips"}
    payload.update(extra)
    response = api.post(API, json=payload)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def future(minutes: int = 120) -> str:
    return (local_now() + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")


def walk_to(api_as, world, pk, upto: str) -> None:
    """Take the work order along the usual path up to (and including) `upto`."""
    steps = [("agent_a", "dispatch", {"technician_id": world.user_tech_a}),
             ("tech_a", "accept", {}), ("tech_a", "arrive", {}),
             ("tech_a", "quote", {"labour_hours": "1.5", "materials": "Washer",
                                  "fee": "80.00", "customer_consent": True}),
             ("tech_a", "complete", {"work_done": "Replaced the washer"}),
             ("tech_a", "customer_accept", {"signed_by": "Resident A",
                                            "satisfaction": "satisfied"}),
             ("officer_a", "record_payment", {"amount_paid": "80.00",
                                              "payment_method": "wechat",
                                              "handed_to_id": world.user_officer_a})]
    for user, name, data in steps:
        take(api_as(user), pk, name, data)
        if name == upto:
            return


# --- every transition ------------------------------------------------------------------------

def test_every_transition_of_the_repair_workflows_is_walked(app, world, api_as, seeded):
    """R-WO-1..7: the happy path, the side paths and the revisit / rectification flows."""
    session = seeded
    agent, tech, lead = api_as("agent_a"), api_as("tech_a"), api_as("lead_a")
    supervisor, officer = api_as("supervisor_a"), api_as("officer_a")
    taken: set[tuple[str, str]] = set()

    def step(api, pk, name, data=None, comment=None, doc="work_order"):
        take(api, pk, name, data, comment) if doc == "work_order" else \
            _take_doc(api, doc, pk, name, data, comment)
        taken.add((doc, name))

    # Happy path with an appointment, invoice and closing.
    pk = register(agent, world, category="water_leak")
    step(supervisor, pk, "sign_repair_notice", {"notice_visit_at": future(90)})
    step(agent, pk, "tell_resident")
    step(agent, pk, "dispatch", {"technician_id": world.user_tech_a})
    step(lead, pk, "reassign", {"technician_id": world.user_tech2_a}, comment="Closer by")
    step(api_as("tech2_a"), pk, "accept")
    step(api_as("tech2_a"), pk, "agree_appointment", {"appointment_at": future(60)})
    step(api_as("tech2_a"), pk, "arrive")
    step(api_as("tech2_a"), pk, "quote", {"labour_hours": "2", "fee": "150.00",
                                          "customer_consent": "y"})
    step(api_as("tech2_a"), pk, "not_fixable", {"not_fixable_reason": "Part on order",
                                                "appointment_at": future(24 * 60)})
    step(api_as("tech2_a"), pk, "arrive")
    step(api_as("tech2_a"), pk, "quote", {"labour_hours": "2", "fee": "150.00",
                                          "customer_consent": "y"})
    step(api_as("tech2_a"), pk, "complete", {"work_done": "Pipe joint replaced"})
    step(api_as("tech2_a"), pk, "customer_accept", {"signed_by": "Resident A",
                                                    "satisfaction": "very_satisfied"})
    step(officer, pk, "record_payment", {"amount_paid": "150.00", "payment_method": "cash",
                                         "handed_to_id": world.user_officer_a})
    step(agent, pk, "issue_invoice", {"invoice_number": "INV-0001"})
    step(agent, pk, "close")
    order = session.get(WorkOrder, pk)
    assert order.state == "closed" and order.invoice_number == "INV-0001"
    names = history_names(session, "work_order", pk)
    assert names[0] == "create" and names[-1] == "close" and len(names) == 17

    # Declined by the customer, then filed; a cancelled one.
    pk2 = register(agent, world)
    walk_to(api_as, world, pk2, "arrive")
    step(tech, pk2, "decline", {"decline_reason": "Too expensive"})
    step(agent, pk2, "close")
    pk3 = register(agent, world)
    step(agent, pk3, "cancel", {"cancel_reason": "Resident fixed it"})
    assert session.get(WorkOrder, pk3).state == "cancelled"

    # The revisit the completed repair created (R-WO-7): a water leak is due in 3 days.
    completed = session.get(WorkOrder, pk).completed_at
    revisit = session.scalar(select(Revisit).where(Revisit.work_order_id == pk))
    assert revisit is not None and revisit.state == "due"
    assert revisit.due_at == completed + timedelta(days=3)
    revisit_id, assignee = revisit.id, revisit.assignee_id
    revisitor = api_as(_username(world, assignee) or "director_a")
    step(revisitor, revisit_id, "record_problem",
         {"mode": "phone", "revisitee": "Resident A", "satisfaction": "dissatisfied",
          "problem": "Still drips at night"}, doc="revisit")
    notice = session.scalar(select(RectificationNotice)
                            .where(RectificationNotice.revisit_id == revisit_id))
    assert notice is not None and notice.technician_id == world.user_tech2_a
    notice_id = notice.id
    step(api_as("tech2_a"), notice_id, "rectify", {"action_taken": "Resealed"},
         doc="rectification")
    step(revisitor, notice_id, "reject", comment="Still wet", doc="rectification")
    step(api_as("tech2_a"), notice_id, "rectify", {"action_taken": "New joint"},
         doc="rectification")
    step(revisitor, notice_id, "verify", doc="rectification")
    assert session.get(RectificationNotice, notice_id).state == "verified"

    # A second completed repair's revisit recorded as fine.
    pk4 = register(agent, world)
    walk_to(api_as, world, pk4, "complete")
    completed4 = session.get(WorkOrder, pk4).completed_at
    revisit2 = session.scalar(select(Revisit).where(Revisit.work_order_id == pk4))
    assert revisit2.due_at == completed4 + timedelta(days=7)
    revisit2_id, assignee2 = revisit2.id, revisit2.assignee_id
    step(api_as(_username(world, assignee2) or "director_a"), revisit2_id,
         "record", {"mode": "visit", "revisitee": "Resident A", "satisfaction": "satisfied",
                    "repair_checked": True, "charge_verified": True,
                    # A question answered later (R-RV-2): the revisit waits for the reply.
                    "open_question": "When is the next water-tank cleaning?",
                    "promised_reply_at": f"{completed4 + timedelta(days=9):%Y-%m-%d %H:%M}"},
         doc="revisit")
    assert session.get(Revisit, revisit2_id).state == "awaiting_reply"
    step(api_as(_username(world, assignee2) or "director_a"), revisit2_id, "reply",
         {"reply": "On the 15th; a notice will be posted."}, doc="revisit")
    assert session.get(Revisit, revisit2_id).state == "done"

    repairs = ("work_order", "revisit", "rectification")
    declared = {(doc_type, t.name) for doc_type, wf in registered().items()
                if doc_type in repairs for t in wf.transitions}
    assert declared - taken == set()


def _take_doc(api, doc, pk, name, data, comment, expect=200):
    base = {"revisit": "/api/v1/revisit/",
            "rectification": "/api/v1/rectification_notice/"}[doc]
    version = api.get(f"{base}{pk}").json["result"]["version"]
    response = api.post(f"{base}{pk}/transition/{name}",
                        json={"version": version, "data": data or {}, "comment": comment})
    assert response.status_code == expect, (name, response.get_data(as_text=True))
    return response


def _username(world, user_id) -> str | None:
    for key, value in world.ids.items():
        if key.startswith("user_") and value == user_id:
            return key[5:]
    return None


# --- refusals ------------------------------------------------------------------------------

DENIED = [
    # (transition, who tries, state to reach first, expected status)
    ("dispatch", "tech_a", None, 403),           # technicians do not dispatch
    ("dispatch", "quality_a", None, 403),
    ("accept", "agent_a", "dispatch", 403),      # the front desk does not do field work
    ("accept", "tech2_a", "dispatch", 400),      # not the technician it went to
    ("quote", "officer_a", "arrive", 403),
    ("record_payment", "agent_a", "customer_accept", 403),
    ("close", "tech_a", "record_payment", 403),
    ("cancel", "tech_a", None, 403),
    ("sign_repair_notice", "agent_a", None, 403),  # only the supervisor signs (R-WO-6)
    ("reassign", "tech_a", "dispatch", 403),
    ("dispatch", "agent_b", None, 404),          # another office: not even visible
    ("accept", "tech_b", "dispatch", 404),
    ("close", "agent_a", None, 409),             # wrong state
    ("tell_resident", "agent_a", None, 400),     # no visit time set yet (guard)
]


@pytest.mark.parametrize("name,username,before,status", DENIED,
                         ids=[f"{d[0]}-{d[1]}" for d in DENIED])
def test_transition_refused(app, world, api_as, seeded, name, username, before, status):
    pk = register(api_as("agent_a"), world)
    if before:
        walk_to(api_as, world, pk, before)
    order = seeded.get(WorkOrder, pk)
    seeded.refresh(order)
    state, version = order.state, order.version
    data = {"technician_id": world.user_tech_a}
    response = api_as(username).post(f"{API}{pk}/transition/{name}",
                                     json={"version": version, "data": data})
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json.get("message")
    seeded.expire_all()
    assert seeded.get(WorkOrder, pk).state == state
    assert seeded.get(WorkOrder, pk).version == version


def test_stale_version_is_409_and_changes_nothing(app, world, api_as, seeded):
    agent = api_as("agent_a")
    pk = register(agent, world)
    seen = agent.get(f"{API}{pk}").json["result"]["version"]
    take(agent, pk, "dispatch", {"technician_id": world.user_tech_a})
    response = api_as("lead_a").post(f"{API}{pk}/transition/reassign", json={
        "version": seen, "data": {"technician_id": world.user_tech2_a}, "comment": "x"})
    assert response.status_code == 409
    assert "Someone else changed" in response.json["message"]
    seeded.expire_all()
    assert seeded.get(WorkOrder, pk).technician_id == world.user_tech_a


def test_emergency_cannot_take_an_appointment(app, world, api_as, seeded):
    """R-WO-2: an emergency needs the technician on site, not an appointment."""
    pk = register(api_as("agent_a"), world, emergency=True, category="water_leak")
    walk_to(api_as, world, pk, "accept")
    response = take(api_as("tech_a"), pk, "agree_appointment",
                    {"appointment_at": future()}, expect=400)
    assert "15 minutes" in response.json["message"]


def test_missing_fields_are_listed(app, world, api_as, seeded):
    pk = register(api_as("agent_a"), world)
    walk_to(api_as, world, pk, "arrive")
    response = take(api_as("tech_a"), pk, "quote", {"fee": "-3", "labour_hours": "x"},
                    expect=400)
    errors = response.json["errors"]
    assert set(errors) == {"fee", "labour_hours", "customer_consent"}


def test_transitions_endpoint_says_what_each_person_may_do(app, world, api_as, seeded):
    pk = register(api_as("agent_a"), world)
    names = {t["name"] for t in api_as("agent_a").get(f"{API}{pk}/transitions")
             .json["result"]}
    assert {"dispatch", "cancel"} <= names and "accept" not in names
    assert api_as("tech_a").get(f"{API}{pk}/transitions").json["result"] == []
    assert api_as("agent_b").get(f"{API}{pk}/transitions").status_code == 404
    dispatch = next(t for t in api_as("agent_a").get(f"{API}{pk}/transitions")
                    .json["result"] if t["name"] == "dispatch")
    choices = dispatch["fields"][0]["choices"]
    assert str(world.user_tech_a) in choices and str(world.user_tech_b) not in choices
    history = api_as("agent_a").get(f"{API}{pk}/history").json["result"]
    assert [h["transition"] for h in history] == ["create"]


# --- registration ------------------------------------------------------------------------------

def test_registration_numbers_and_checks(app, world, api_as, seeded):
    agent = api_as("agent_a")
    first, second = register(agent, world), register(agent, world)
    n1, n2 = (seeded.get(WorkOrder, pk).number for pk in (first, second))
    year = local_now().year
    assert n1.startswith(f"WO-{year}-") and int(n2[-6:]) == int(n1[-6:]) + 1
    order = seeded.get(WorkOrder, first)
    assert order.registering_department_id == world.cs_a
    assert order.registered_by_id == world.user_agent_a
    assert order.contact_name == "Resident A"
    # Another office's unit, a resident of another unit, no description: 400 with reasons.
    bad = agent.post(API, json={"source": "staff", "category": "plumbing",
                                "estate": world.estate_a, "unit": world.unit_b,
                                "description": "x"})
    assert bad.status_code == 400
    bad = agent.post(API, json={"source": "staff", "category": "plumbing",
                                "estate": world.estate_a, "unit": world.unit2_a,
                                "resident": world.resident_a, "description": "x"})
    assert bad.status_code == 400 and "resident" in bad.json["errors"]
    bad = agent.post(API, json={"source": "staff", "category": "nonsense",
                                "estate": world.estate_a, "description": "x"})
    assert bad.status_code == 400 and "nonsense" in bad.json["message"]
    bad = agent.post(API, json={"source": "staff", "category": "plumbing",
                                "estate": world.estate_a, "description": " "})
    assert bad.status_code == 400 and "description" in bad.json["errors"]


def test_emergency_arms_the_on_site_deadline(app, world, api_as, seeded):
    from app.models import DeadlineTimer

    pk = register(api_as("agent_a"), world, emergency=True)
    order = seeded.get(WorkOrder, pk)
    timer = seeded.scalar(select(DeadlineTimer).where(DeadlineTimer.doc_id == pk,
                                                      DeadlineTimer.doc_type == "work_order"))
    assert timer.due_at == order.reported_at + timedelta(minutes=15)
    timer_id = timer.id
    walk_to(api_as, world, pk, "arrive")
    assert seeded.get(DeadlineTimer, timer_id).status == "met"



def _form(world, **extra):
    data = {"source": "resident_visit", "category": "electrical", "estate": world.estate_a,
            "unit": world.unit_a, "resident": world.resident_a,
            "description": "No power in the kitchen", "contact_name": "",
            "contact_phone": "", "location": "", "reported_at": ""}
    data.update(extra)
    return data


def test_register_through_the_form_with_a_photo(app, world, as_user, seeded):
    client = as_user("agent_a")
    data = _form(world, csrf_token=csrf_token(client, "/workorderview/add"),
                 photo_files=(io.BytesIO(PNG), "fault.png"))
    response = client.post("/workorderview/add", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    order = seeded.scalar(select(WorkOrder).order_by(WorkOrder.id.desc()))
    assert order.description == "No power in the kitchen" and order.state == "registered"
    photo = order.photos[0]
    assert photo.content_type == "image/png" and photo.size == len(PNG)
    shown = client.get(f"/workorderview/photo/{photo.id}")
    assert shown.status_code == 200 and shown.data == PNG
    assert as_user("agent_b").get(f"/workorderview/photo/{photo.id}").status_code == 404
    page = client.get(f"/workorderview/show/{order.id}").get_data(as_text=True)
    assert order.number in page and 'id="history"' in page


def test_a_fake_photo_is_refused_and_the_input_kept(app, world, as_user, seeded):
    client = as_user("agent_a")
    before = seeded.scalar(select(func.count(WorkOrder.id)))
    data = _form(world, csrf_token=csrf_token(client, "/workorderview/add"),
                 description="Door lock jammed",
                 photo_files=(io.BytesIO(b"<script>alert(1)</script>"), "lock.png"))
    response = client.post("/workorderview/add", data=data,
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Door lock jammed" in page and "is not a JPEG, PNG or WebP image" in page
    assert seeded.scalar(select(func.count(WorkOrder.id))) == before
    assert seeded.scalar(select(func.count(WorkOrderPhoto.id))) == 0


# --- the pages ---------------------------------------------------------------------------------

def test_action_opens_the_form_and_the_form_applies(app, world, as_user, api_as, seeded):
    pk = register(api_as("agent_a"), world)
    client = as_user("agent_a")
    token = csrf_token(client, f"/workorderview/show/{pk}")
    opened = client.post(f"/workorderview/action/dispatch/{pk}", data={"csrf_token": token})
    assert opened.status_code == 302 and "/transition/dispatch" in opened.location
    form = client.get(opened.location)
    assert form.status_code == 200 and 'name="version_' in form.get_data(as_text=True)
    seeded.expire_all()
    assert seeded.get(WorkOrder, pk).state == "registered"  # GET changed nothing
    # A wrong value keeps the input and says why; then the right one goes through.
    bad = client.post(f"/workorderview/transition/dispatch?ids={pk}", data={
        "csrf_token": token, f"version_{pk}": "1", "technician_id": str(world.user_tech_b),
        "comment": "Urgent please"})
    assert bad.status_code == 400 and "Urgent please" in bad.get_data(as_text=True)
    done = client.post(f"/workorderview/transition/dispatch?ids={pk}", data={
        "csrf_token": token, f"version_{pk}": "1", "technician_id": str(world.user_tech_a)})
    assert done.status_code == 302
    seeded.expire_all()
    assert seeded.get(WorkOrder, pk).state == "dispatched"
    # The stale form (version 1) is refused now.
    stale = client.post(f"/workorderview/transition/cancel?ids={pk}", data={
        "csrf_token": token, f"version_{pk}": "1", "cancel_reason": "x"})
    assert stale.status_code == 409
    # Out of scope: the form page of another office's order is a 404.
    assert as_user("agent_b").get(f"/workorderview/transition/cancel?ids={pk}") \
        .status_code == 404


def test_batch_action_over_several_rows(app, world, as_user, api_as, seeded):
    agent = api_as("agent_a")
    pks = [register(agent, world), register(agent, world)]
    client = as_user("agent_a")
    token = csrf_token(client, "/workorderview/list/")
    opened = client.post("/workorderview/action_post", data={
        "csrf_token": token, "action": "dispatch", "rowid": [str(p) for p in pks]})
    assert opened.status_code == 302
    versions = {f"version_{p}": "1" for p in pks}
    done = client.post(f"/workorderview/transition/dispatch?ids={pks[0]},{pks[1]}",
                       data={"csrf_token": token, "technician_id": str(world.user_tech_a),
                             **versions})
    assert done.status_code == 302
    seeded.expire_all()
    assert {seeded.get(WorkOrder, p).state for p in pks} == {"dispatched"}


# --- queues and notifications -------------------------------------------------------------------

def test_queues(app, world, as_user, api_as, seeded):
    agent = api_as("agent_a")
    waiting = register(agent, world)
    dispatched = register(agent, world)
    walk_to(api_as, world, dispatched, "dispatch")
    mine = as_user("tech_a").get("/queue/mine").get_data(as_text=True)
    number = seeded.get(WorkOrder, dispatched).number
    assert number in mine and seeded.get(WorkOrder, waiting).number not in mine
    agent_queue = as_user("agent_a").get("/queue/mine").get_data(as_text=True)
    assert seeded.get(WorkOrder, waiting).number in agent_queue
    head = as_user("head_a").get("/queue/department").get_data(as_text=True)
    assert number in head
    assert as_user("agent_a").get("/queue/department").status_code == 403
    other = as_user("tech_b").get("/queue/mine").get_data(as_text=True)
    assert number not in other
    filtered = as_user("head_a").get("/queue/department?category=electrical")
    assert number not in filtered.get_data(as_text=True)


def test_overdue_and_escalated_come_first_and_notify(app, world, as_user, api_as, seeded):
    from app.workflows.deadlines import tick_in_session

    agent = api_as("agent_a")
    late = register(agent, world, emergency=True)
    reported = seeded.get(WorkOrder, late).reported_at
    walk_to(api_as, world, late, "dispatch")
    result = tick_in_session(seeded, reported + timedelta(minutes=40))
    seeded.commit()
    calm = register(agent, world)  # due sooner than nothing, but never escalated
    walk_to(api_as, world, calm, "dispatch")
    number, calm_number = (seeded.get(WorkOrder, pk).number for pk in (late, calm))
    assert result.escalations >= 1
    page = as_user("tech_a").get("/queue/mine").get_data(as_text=True)
    assert page.index(number) < page.index(calm_number)
    notes = [n.id for n in seeded.scalars(select(Notification).where(
        Notification.user_id == world.user_head_a))]
    assert notes, "the department head hears of the breach"
    listing = as_user("head_a").get("/notificationview/list/").get_data(as_text=True)
    assert number in listing
    assert number not in as_user("agent_b").get("/notificationview/list/") \
        .get_data(as_text=True)
    opened = as_user("head_a").get(f"/notificationview/open/{notes[0]}")
    assert opened.status_code == 302 and f"/workorderview/show/{late}" in opened.location
    assert as_user("tech_b").get(f"/notificationview/open/{notes[0]}").status_code == 404


def test_people_of_another_office_are_not_offered_in_filters(app, world, as_user, seeded):
    """R-ORG-4: the technician filter and related choices list this office's people only."""
    agent = as_user("agent_a")
    page = agent.get("/workorderview/list/").get_data(as_text=True)
    assert "Tech_B" not in page and "/choices/user" in page  # people come as one types

    def offered(client) -> str:
        return " ".join(c["text"] for c in client.get("/choices/user?q=tech").json["results"])

    assert "Tech_A" in offered(agent) and "Tech_B" not in offered(agent)
    assert "Tech_B" in offered(as_user("gm"))


def test_revisit_shares_count_the_whole_local_month(app, world, api_as, seeded):
    """R-WO-7 shares over "this month" start at local midnight on the 1st, the convention of
    every stored time: revisits created at 04:00 on 1 November count in November, so the
    next one goes to the role furthest below its share (CS supervisor), not to the repair
    lead as if the month were empty; those of 31 October do not count."""

    from app.workflows.revisit import choose_revisitor

    pk = register(api_as("agent_a"), world)
    order = seeded.get(WorkOrder, pk)
    for n in range(6):
        seeded.add(Revisit(number=f"RV-T-{n}", work_order_id=pk, estate_id=world.estate_a,
                           assigned_role="repair_lead",
                           created_at=datetime(2026, 11, 1, 4, 0),
                           updated_at=datetime(2026, 11, 1, 4, 0)))
    for n in range(20):  # last month's: whatever their roles, they do not count
        seeded.add(Revisit(number=f"RV-O-{n}", work_order_id=pk, estate_id=world.estate_a,
                           assigned_role="cs_supervisor",
                           created_at=datetime(2026, 10, 31, 23, 59),
                           updated_at=datetime(2026, 10, 31, 23, 59)))
    seeded.flush()
    with app.app_context():
        role, _person = choose_revisitor(seeded, order, datetime(2026, 11, 1, 6, 0))
    assert role == "cs_supervisor"
