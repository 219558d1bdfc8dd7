"""Routine revisits, the revisit record and the processing rate (R-RV-1..4, R-CS-6):
schedules turned into revisit tasks by the periodic job (idempotent across a quarter
boundary, director visits spread over the year and counting visited households, one forum
per quarter, new residents), the promised reply that escalates when it passes unanswered,
a problem found on a routine revisit spawning a work order, the processing rate computed
by hand, the dashboard, and scope: another office's director neither sees nor edits."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from sqlalchemy import func, select

from app import clock
from app.models import (
    DeadlinePolicy,
    DeadlineTimer,
    Escalation,
    Resident,
    Unit,
    WorkOrder,
)
from app.models.revisit import Revisit, RevisitSchedule
from app.models.settings import Setting
from app.security.actor import Actor
from app.security.scope import SYSTEM_SCOPE
from app.workflows.engine import create
from app.workflows.registry import registered
from app.workflows.revisit import plan_routine_revisits, processing_rate
from app.workflows.survey_scoring import percent
from tests.helpers import csrf_token, edit_form_token, history_names, transition

API = "/api/v1/revisit/"
take = partial(transition, base=API)
WALKED: set[str] = set()


def walk(api, pk, name, data=None, expect=200):
    response = take(api, pk, name, data, expect=expect)
    if expect == 200:
        WALKED.add(name)
    return response


def schedule(session, world, kind="officer", side="a", **extra) -> RevisitSchedule:
    item = RevisitSchedule(kind=kind, estate_id=getattr(world, f"estate_{side}"),
                           office_id=getattr(world, f"office_{side}"), **extra)
    session.add(item)
    session.commit()
    return item


def run(session, now: datetime) -> int:
    """The periodic job at `now`, committed as the tick commits it."""
    with clock.using(clock.FrozenClock(now)):
        made = plan_routine_revisits(session, now)
        session.commit()
    return made


def tasks(session, item: RevisitSchedule | int) -> list[Revisit]:
    schedule_id = item if isinstance(item, int) else item.id
    return list(session.scalars(select(Revisit).where(Revisit.schedule_id == schedule_id)
                                .order_by(Revisit.id)))


def set_setting(session, key: str, value: int) -> None:
    session.scalar(select(Setting).where(Setting.key == key)).value = Decimal(value)
    session.commit()


# --- the periodic job ------------------------------------------------------------------------

def test_area_visits_are_made_once_per_quarter_across_the_boundary(app, world, seeded):
    """R-RV-1: property officers quarterly by area; running twice creates nothing new, and
    the next quarter starts a new round, each task due at the end of its quarter."""
    item = schedule(seeded, world, "officer", person_id=world.user_officer_a)
    end_of_q1 = datetime(2026, 3, 31, 22, 0)
    assert run(seeded, end_of_q1) == 2  # Estate A's two occupied units
    assert run(seeded, end_of_q1 + timedelta(minutes=1)) == 0
    first = tasks(seeded, item)
    assert {t.period for t in first} == {"2026-Q1"}
    assert {t.unit_id for t in first} == {world.unit_a, world.unit2_a}
    assert {t.assignee_id for t in first} == {world.user_officer_a}
    assert {t.subject for t in first} == {"routine_officer"}
    assert {t.due_at for t in first} == {datetime(2026, 3, 31, 23, 59, 59)}
    assert all(t.state == "due" and t.number.startswith("RV-") for t in first)

    start_of_q2 = datetime(2026, 4, 1, 0, 1)
    assert run(seeded, start_of_q2) == 2
    assert run(seeded, start_of_q2 + timedelta(hours=3)) == 0
    second = [t for t in tasks(seeded, item) if t.period == "2026-Q2"]
    assert len(second) == 2
    # Due at the policy's 92 days or the end of the quarter, whichever is first.
    assert {t.due_at for t in second} == {datetime(2026, 6, 30, 23, 59, 59)}
    timer = seeded.scalar(select(DeadlineTimer).where(DeadlineTimer.doc_type == "revisit",
                                                      DeadlineTimer.doc_id == second[0].id))
    assert timer.status == "armed" and timer.due_at == second[0].due_at
    # Inactive schedules make nothing.
    item.active = False
    seeded.commit()
    assert run(seeded, datetime(2026, 7, 1, 9, 0)) == 0


def test_area_visits_of_some_buildings_go_to_the_least_loaded_officer(app, world, seeded):
    """An area may be some buildings of the estate; with nobody named, the estate's
    property officer with the fewest open revisits gets the tasks."""
    from app.models import Building

    other = Building(estate_id=world.estate_a, name="Block A2", floors=3)
    seeded.add(other)
    seeded.flush()
    seeded.add(Unit(building_id=other.id, number="A2-101", floor=1))
    seeded.commit()
    item = schedule(seeded, world, "officer")
    item.buildings = [other]
    seeded.commit()
    assert run(seeded, datetime(2026, 5, 4, 8, 0)) == 1
    (task,) = tasks(seeded, item)
    assert task.unit.building_id == other.id
    assert task.assignee_id == world.user_officer_a
    assert task.assigned_role == "property_officer"


def test_director_visits_are_spread_over_the_year_and_count_visited_households(
        app, world, api_as, seeded):
    """R-RV-1: 1–2 visits a year per household. Each month makes its share of the visits
    still missing; a household visited (or planned) counts; never an unbounded burst."""
    from app.models import Building

    building = seeded.get(Building, world.building_a)
    for number in range(10):
        seeded.add(Unit(building=building, number=f"A-{number:02d}", floor=1))
    seeded.commit()  # 12 households
    item_id = schedule(seeded, world, "director").id
    january = datetime(2026, 1, 2, 8, 0)
    assert run(seeded, january) == 1  # ceil(12 / 12 months)
    assert run(seeded, january + timedelta(days=20)) == 0  # same month: nothing new
    (first,) = tasks(seeded, item_id)
    assert first.unit_id == world.unit_a and first.assignee_id == world.user_director_a
    assert first.due_at == datetime(2026, 1, 31, 23, 59, 59)
    assert first.assigned_role == "office_director"
    first_id = first.id  # requests end the test's session: objects read before go stale

    # The director visits that household: it counts as visited for the year.
    director = api_as("director_a")
    with clock.using(clock.FrozenClock(datetime(2026, 1, 20, 10, 0))):
        walk(director, first_id, "record", {"mode": "visit", "revisitee": "Resident A",
                                            "satisfaction": "satisfied",
                                            "content": "Estate services in general"})
    seeded.expire_all()
    assert seeded.get(Revisit, first_id).revisitor_id == world.user_director_a

    # February: 11 missing over 11 months: one more, never the visited household.
    assert run(seeded, datetime(2026, 2, 1, 0, 1)) == 1
    february = [t for t in tasks(seeded, item_id) if t.period == "2026-02"]
    assert len(february) == 1 and february[0].unit_id != world.unit_a

    # December: the 10 still missing are due this month, made at most `batch` a run.
    set_setting(seeded, "revisit.routine_batch", 4)
    december = datetime(2026, 12, 1, 0, 1)
    assert [run(seeded, december + timedelta(minutes=m)) for m in range(4)] == [4, 4, 2, 0]
    visited = seeded.scalars(select(Revisit.unit_id).where(
        Revisit.subject == "routine_director")).all()
    assert sorted(visited) == sorted(set(visited)) and len(visited) == 12

    # Twice a year from now on: at most one task per household and month, so this month
    # only the two households not already planned in December get their second visit.
    seeded.get(RevisitSchedule, item_id).yearly_count = 2
    seeded.commit()
    assert run(seeded, datetime(2026, 12, 2, 8, 0)) == 2
    second = seeded.scalars(select(Revisit.unit_id).where(
        Revisit.period == "2026-12", Revisit.unit_id.in_([world.unit_a]))).all()
    assert second == [world.unit_a]
    assert run(seeded, datetime(2026, 12, 2, 8, 1)) == 0


def test_director_visits_twice_a_year_pick_the_least_visited(app, world, seeded):
    item = schedule(seeded, world, "director", yearly_count=2)
    # 4 visits missing over 12 months: one in January, to the first household.
    assert run(seeded, datetime(2026, 1, 5, 8, 0)) == 1
    # July: 3 missing over 6 months: one, to the household not visited yet.
    assert run(seeded, datetime(2026, 7, 1, 8, 0)) == 1
    units = [t.unit_id for t in tasks(seeded, item)]
    assert units == [world.unit_a, world.unit2_a]


def test_an_office_wide_director_schedule_covers_every_estate_of_the_office(
        app, world, seeded):
    item = RevisitSchedule(kind="director", office_id=world.office_a, yearly_count=1)
    seeded.add(item)
    seeded.commit()
    assert run(seeded, datetime(2026, 12, 3, 8, 0)) == 2
    assert {t.estate_id for t in tasks(seeded, item)} == {world.estate_a}


def test_the_forum_is_one_task_per_estate_and_quarter(app, world, seeded):
    item = schedule(seeded, world, "forum")
    assert run(seeded, datetime(2026, 5, 10, 9, 0)) == 1
    assert run(seeded, datetime(2026, 6, 30, 23, 0)) == 0
    assert run(seeded, datetime(2026, 7, 1, 0, 1)) == 1
    first, second = tasks(seeded, item)
    assert (first.period, second.period) == ("2026-Q2", "2026-Q3")
    assert first.unit_id is None and first.subject == "forum"
    assert first.assignee_id == world.user_director_a
    assert first.due_at == datetime(2026, 6, 30, 23, 59, 59)
    # The policy is admin data: a shorter one brings the deadline forward.
    seeded.scalar(select(DeadlinePolicy).where(DeadlinePolicy.key == "revisit.forum")) \
        .amount = 30
    seeded.commit()
    assert run(seeded, datetime(2026, 10, 1, 9, 0)) == 1
    assert tasks(seeded, item)[-1].due_at == datetime(2026, 10, 31, 9, 0)


def test_a_new_resident_gets_one_revisit(app, world, seeded):
    """R-RV-1: residents who moved in within the last N days (setting, 30) and have no
    new-resident revisit get one, from the Customer Service supervisor of the estate."""
    now = datetime(2026, 9, 10, 8, 0)
    newcomer = Resident(unit_id=world.unit2_a, name="New Resident", relation="tenant",
                        move_in_date=date(2026, 9, 1))
    old = Resident(unit_id=world.unit2_a, name="Earlier Resident", relation="tenant",
                   move_in_date=date(2026, 7, 1))
    seeded.add_all([newcomer, old])
    seeded.commit()
    assert run(seeded, now) == 1
    assert run(seeded, now + timedelta(days=1)) == 0
    revisit = seeded.scalar(select(Revisit).where(Revisit.subject == "new_resident"))
    assert revisit.resident_id == newcomer.id and revisit.unit_id == world.unit2_a
    assert revisit.assignee_id == world.user_supervisor_a
    assert revisit.due_at == now + timedelta(days=14)


# --- the record: a promised reply, a problem found -----------------------------------------------

def test_a_promised_reply_escalates_when_it_passes_unanswered(app, world, api_as, seeded):
    """R-RV-2: a question that cannot be answered at once gets a promised reply time; past
    it, unanswered, the revisit surfaces (warning, then escalation), until the reply."""
    from app.workflows.deadlines import tick_in_session

    item = schedule(seeded, world, "officer", person_id=world.user_officer_a)
    now = datetime(2026, 5, 4, 9, 0)
    run(seeded, now)
    task_id = tasks(seeded, item)[0].id
    officer = api_as("officer_a")
    promised = now + timedelta(days=2)
    with clock.using(clock.FrozenClock(now)):
        # Half a promise is refused with a clear message.
        refused = take(officer, task_id, "record", {
            "mode": "visit", "revisitee": "Resident A", "satisfaction": "neutral",
            "open_question": "When is the lift replaced?"}, expect=400)
        assert "promised reply" in refused.get_data(as_text=True)
        walk(officer, task_id, "record", {
            "mode": "visit", "revisitee": "Resident A", "satisfaction": "neutral",
            "content": "Lift noise", "open_question": "When is the lift replaced?",
            "promised_reply_at": promised.strftime("%Y-%m-%d %H:%M")})
    seeded.expire_all()
    task = seeded.get(Revisit, task_id)
    assert task.state == "awaiting_reply" and task.promised_reply_at == promised
    reply_timer = seeded.scalar(select(DeadlineTimer).join(DeadlinePolicy).where(
        DeadlineTimer.doc_id == task.id, DeadlineTimer.doc_type == "revisit",
        DeadlinePolicy.key == "revisit.reply"))
    assert reply_timer.status == "armed" and reply_timer.due_at == promised
    timer_id = reply_timer.id
    # The routine deadline is over: the visit itself was done.
    assert seeded.scalar(select(func.count()).select_from(DeadlineTimer).join(DeadlinePolicy)
                         .where(DeadlineTimer.doc_id == task.id,
                                DeadlinePolicy.key == "revisit.routine_officer",
                                DeadlineTimer.status == "armed")) == 0
    tick_in_session(seeded, promised + timedelta(minutes=5))
    seeded.commit()
    levels = seeded.scalars(select(Escalation.level).where(
        Escalation.timer_id == timer_id)).all()
    assert 1 in levels  # escalated past the promise
    with clock.using(clock.FrozenClock(promised + timedelta(hours=1))):
        walk(officer, task_id, "reply", {"reply": "In November, told by phone"})
    seeded.expire_all()
    assert seeded.get(Revisit, task_id).state == "done"
    assert seeded.get(DeadlineTimer, timer_id).status == "met"
    assert history_names(seeded, "revisit", task_id) == ["create", "record", "reply"]


def test_a_problem_on_a_routine_revisit_spawns_a_work_order(app, world, api_as, seeded):
    """R-RV-3: no source document to reopen or rectify, so a new repair form, registered
    through the work-order workflow and linked back to the revisit."""
    item = schedule(seeded, world, "director")
    run(seeded, datetime(2026, 12, 3, 8, 0))
    task_id = tasks(seeded, item)[0].id
    forum_id = schedule(seeded, world, "forum").id
    director = api_as("director_a")
    walk(director, task_id, "record_problem", {
        "mode": "visit", "revisitee": "Resident A", "satisfaction": "dissatisfied",
        "problem": "Bathroom ceiling leaks", "category": "water_leak",
        "revisitor_id": world.user_officer_a})
    seeded.expire_all()
    task = seeded.get(Revisit, task_id)
    assert task.state == "problem_found"
    assert task.revisitor_id == world.user_officer_a  # named, not the one who recorded
    order = seeded.get(WorkOrder, task.new_work_order_id)
    assert order.state == "registered" and order.category == "water_leak"
    assert order.unit_id == world.unit_a and order.description == "Bathroom ceiling leaks"
    assert order.registered_by_id == world.user_director_a
    assert history_names(seeded, "work_order", order.id) == ["create"]
    order_id = order.id
    assert director.get(f"{API}{task_id}").json["result"]["new_work_order"]["id"] == order_id
    # A forum's problem is a public-area repair of the estate.
    run(seeded, datetime(2026, 12, 3, 9, 0))
    forum_task_id = seeded.scalar(select(Revisit.id).where(Revisit.schedule_id == forum_id))
    walk(director, forum_task_id, "record_problem", {
        "mode": "visit", "revisitee": "Residents' forum", "satisfaction": "neutral",
        "problem": "Garden lights out"})
    seeded.expire_all()
    public = seeded.get(Revisit, forum_task_id).new_work_order
    assert public.category == "public_area" and public.unit_id is None


def test_a_revisitor_outside_the_estate_is_refused(app, world, api_as, as_user, seeded):
    item = schedule(seeded, world, "officer", person_id=world.user_officer_a)
    run(seeded, datetime(2026, 5, 4, 9, 0))
    task_id = tasks(seeded, item)[0].id
    # The form offers the estate's revisitors, and the promise fields.
    form = as_user("officer_a").get(f"/revisitview/transition/record?ids={task_id}")
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert "promised_reply_at" in page and "Officer_A" in page and "Officer_B" not in page
    response = take(api_as("officer_a"), task_id, "record", {
        "mode": "phone", "revisitee": "Resident A", "satisfaction": "satisfied",
        "revisitor_id": world.user_officer_b}, expect=400)
    assert "revisitor_id" in response.get_data(as_text=True)


def test_every_revisit_transition_is_walked(app, world, api_as, seeded):
    """The walks of this module cover the whole revisit table (the rest of it, repairs and
    complaints, is walked in tests/test_work_orders.py and tests/test_complaints.py)."""
    item = schedule(seeded, world, "officer", person_id=world.user_officer_a)
    run(seeded, datetime(2026, 5, 4, 9, 0))
    plain_id = tasks(seeded, item)[0].id
    walk(api_as("officer_a"), plain_id, "record", {"mode": "phone", "revisitee": "A",
                                                   "satisfaction": "satisfied"})
    seeded.expire_all()
    assert seeded.get(Revisit, plain_id).state == "done"
    declared = {t.name for t in registered()["revisit"].transitions}
    assert declared - WALKED == set(), "run the whole module: the other tests walk the rest"


# --- the processing rate (R-RV-4) ----------------------------------------------------------------

def _revisit(session, world, side: str, due: datetime, state: str) -> Revisit:
    revisit = Revisit(subject="forum", estate_id=getattr(world, f"estate_{side}"),
                      assigned_role="office_director", due_at=due,
                      department_id=getattr(world, f"cs_{side}"))
    create(revisit, actor=Actor.system(), session=session, now=due - timedelta(days=3))
    revisit.state = state  # test data: the states the rate counts
    return revisit


def test_processing_rate_by_hand(app, world, seeded):
    """Due in November: office A 3 (one done, one problem found, one still due; one
    awaiting its reply is not processed either: 2 of 4), office B 1 done; one due in
    December is not counted. A: 2/4 = 50 %, B: 1/1 = 100 %, overall 3/5 = 60 %."""
    nov = datetime(2026, 11, 10, 12, 0)
    for side, state in (("a", "done"), ("a", "problem_found"), ("a", "due"),
                        ("a", "awaiting_reply"), ("b", "done")):
        _revisit(seeded, world, side, nov, state)
    _revisit(seeded, world, "a", datetime(2026, 12, 1, 0, 0), "done")  # next month
    _revisit(seeded, world, "a", datetime(2026, 10, 31, 23, 59, 59), "due")  # last month
    seeded.commit()
    start, end = datetime(2026, 11, 1), datetime(2026, 12, 1)
    rate = processing_rate(seeded, SYSTEM_SCOPE, start, end)
    rows = {row.name: row for row in rate.offices}
    assert (rows["Office A"].due, rows["Office A"].processed) == (4, 2)
    assert rows["Office A"].rate == Decimal("0.5")
    assert rows["Office B"].rate == Decimal(1)
    assert (rate.overall.due, rate.overall.processed) == (5, 3)
    assert rate.overall.rate == Decimal("0.6") and percent(rate.overall.rate) == "60.00 %"
    assert rate.target == Decimal(100)
    assert not rows["Office A"].on_target(rate.target) and rows["Office B"].on_target(
        rate.target)
    # Nothing due: no rate (not a division by zero), and nothing to miss.
    empty = processing_rate(seeded, SYSTEM_SCOPE, datetime(2025, 1, 1), datetime(2025, 2, 1))
    assert empty.offices == [] and empty.overall.due == 0 and empty.overall.rate is None
    assert empty.overall.on_target(empty.target) and percent(empty.overall.rate) == "—"


def test_processing_rate_on_the_dashboard_within_scope(app, world, as_user, seeded):
    nov = datetime(2026, 11, 10, 12, 0)
    for side, state in (("a", "done"), ("a", "due"), ("a", "done"), ("b", "due")):
        _revisit(seeded, world, side, nov, state)
    set_setting(seeded, "revisit.processing_target", 100)
    seeded.commit()
    with clock.using(clock.FrozenClock(datetime(2026, 11, 20, 9, 0))):
        director = as_user("director_a")
        page = director.get("/").get_data(as_text=True)
        assert 'id="dash-revisits"' in page
        section = page[page.index('id="dash-revisits"'):]
        assert "Office A" in section and "Office B" not in section
        assert "66.67 %" in section  # 2 of 3
        assert "_flt_1_due_at=2026-10-31+23%3A59%3A59" in section
        link = "/revisitview/list/?_flt_1_due_at=2026-10-31+23%3A59%3A59" \
               "&_flt_2_due_at=2026-12-01+00%3A00%3A00"
        listing = director.get(link)
        assert listing.status_code == 200
        numbers = seeded.scalars(select(Revisit.number).where(
            Revisit.estate_id == world.estate_a)).all()
        assert all(n in listing.get_data(as_text=True) for n in numbers)
        gm_page = as_user("gm").get("/").get_data(as_text=True)
        gm_section = gm_page[gm_page.index('id="dash-revisits"'):]
        assert "Office B" in gm_section and "50.00 %" in gm_section  # 2 of 4 with A+B


# --- scope and the schedule pages ----------------------------------------------------------

def test_office_directors_keep_their_own_schedules(app, world, as_user, seeded):
    director = as_user("director_a")
    form = {"csrf_token": csrf_token(director, "/revisitscheduleview/add"),
            "kind": "officer", "estate": str(world.estate_a), "yearly_count": "1",
            "active": "y", "person": str(world.user_officer_a)}
    assert director.post("/revisitscheduleview/add", data=form).status_code == 302
    item = seeded.scalar(select(RevisitSchedule).where(RevisitSchedule.kind == "officer"))
    assert item.office_id == world.office_a  # follows the estate
    item_id = item.id
    # Refusals come back with the reasons, nothing saved.
    bad = dict(form, kind="forum", estate="", yearly_count="1")
    response = director.post("/revisitscheduleview/add", data=bad)
    assert response.status_code == 400 and "This field is required." in \
        response.get_data(as_text=True)
    three = dict(form, kind="director", yearly_count="3")
    response = director.post("/revisitscheduleview/add", data=three)
    assert response.status_code == 400 and "Enter 1 or 2." in response.get_data(as_text=True)
    assert seeded.scalar(select(func.count()).select_from(RevisitSchedule)) == 1
    # Edit with the version seen.
    edit = {**edit_form_token(director, f"/revisitscheduleview/edit/{item_id}"),
            "kind": "officer", "estate": str(world.estate_a), "yearly_count": "1",
            "note": "Blocks by the lake"}
    assert director.post(f"/revisitscheduleview/edit/{item_id}", data=edit).status_code == 302
    seeded.expire_all()
    assert seeded.get(RevisitSchedule, item_id).note == "Blocks by the lake"
    # A technician may not manage schedules.
    assert as_user("tech_a").get("/revisitscheduleview/list/").status_code in (302, 403)


def test_another_office_director_neither_sees_nor_edits(app, world, as_user, api_as,
                                                         seeded):
    item = schedule(seeded, world, "officer", person_id=world.user_officer_a,
                    note="Office A area round")
    item_id = item.id
    run(seeded, datetime(2026, 5, 4, 9, 0))
    task = tasks(seeded, item)[0]
    task_id, number, version = task.id, task.number, task.version
    other = as_user("director_b")
    listing = other.get("/revisitscheduleview/list/").get_data(as_text=True)
    assert "Office A area round" not in listing and "Estate A" not in listing
    assert other.get(f"/revisitscheduleview/show/{item_id}").status_code == 404
    assert other.get(f"/revisitscheduleview/edit/{item_id}").status_code == 404
    posted = other.post(f"/revisitscheduleview/edit/{item_id}",
                        data={"csrf_token": csrf_token(other, "/revisitscheduleview/add"),
                              "kind": "officer", "estate": str(world.estate_b)})
    assert posted.status_code == 404
    # Nor plant a schedule on this office's estate.
    planted = other.post("/revisitscheduleview/add", data={
        "csrf_token": csrf_token(other, "/revisitscheduleview/add"), "kind": "forum",
        "estate": str(world.estate_a), "yearly_count": "1"})
    assert planted.status_code == 400
    seeded.expire_all()
    assert seeded.scalar(select(func.count()).select_from(RevisitSchedule)) == 1
    assert seeded.get(RevisitSchedule, item_id).estate_id == world.estate_a
    # The revisits: not in the list, not shown, not in the API, no transition.
    assert number not in other.get("/revisitview/list/").get_data(as_text=True)
    assert other.get(f"/revisitview/show/{task_id}").status_code == 404
    api = api_as("director_b")
    assert api.get(f"{API}{task_id}").status_code == 404
    assert task_id not in [r["id"] for r in api.get(API).json["result"]]
    response = api.post(f"{API}{task_id}/transition/record", json={
        "version": version, "data": {"mode": "phone", "revisitee": "x",
                                          "satisfaction": "satisfied"}})
    assert response.status_code == 404
    # Their own director sees both.
    own = as_user("director_a")
    assert own.get(f"/revisitscheduleview/show/{item_id}").status_code == 200
    assert own.get(f"/revisitview/show/{task_id}").status_code == 200
    assert number in own.get("/revisitview/list/").get_data(as_text=True)


def test_follow_up_and_repair_revisits_store_their_subject(app, world, seeded):
    """R-RV-1: `create_followup_revisit` stores its link as the subject."""
    from app.models import ServiceRecord
    from app.workflows.revisit import create_service_revisit
    from app.workflows.table import Context

    now = datetime(2026, 5, 4, 9, 0)
    record = ServiceRecord(estate_id=world.estate_a, unit_id=world.unit_a,
                           content="Parcel room hours", received_at=now)
    create(record, actor=Actor.system(), session=seeded, now=now)
    workflow = registered()["revisit"]
    ctx = Context(Actor.system(), seeded, now, {}, None, workflow.transitions[0], workflow)
    revisit = create_service_revisit(record, ctx)
    assert revisit.subject == "service_record" and revisit.service_record is record
    assert revisit.assignee_id == world.user_supervisor_a
