"""Deadline (SLA) engine: deadlines on the working-day calendar, warnings, breaches and the
escalation chain, with frozen time (R-WO-2, R-WO-7, R-CS-4, R-CP-5).

Every tick here is `tick_in_session(session, now)` with an explicit `now`, inside the
test's rolled-back transaction. The cron entry point `flask sla tick` opens its own
connection, so its test runs on a scratch database of its own (tests/scratch_db.py).

The 2026 National Day arrangement the expectations rest on, as chinesecalendar 1.11 has it
(and as the State Council published it): 1–7 October off, Thursday 8 October a working
day, make-up working days Sunday 20 September and Saturday 10 October.
"""
from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest
from flask import Flask
from sqlalchemy import select

from app.models import Estate, WorkOrder
from app.models.workflow import DeadlinePolicy, DeadlineTimer, Escalation, Notification
from app.security import permissions as P
from app.security.actor import Actor
from app.workflows import deadlines, engine, sla_commands
from app.workflows.calendar import CalendarUnknownYear, seed_calendar
from tests.world import World

CHAIN = "handler,department_head,office_director,general_manager"
# key, amount, unit, warn share, escalation step (minutes)
TEST_POLICIES = (
    ("test.one_working_day", 1, "working_days", 0.5, 60),
    ("test.two_working_days", 2, "working_days", 0.5, 60),
    ("test.three_working_days", 3, "working_days", 0.5, 60),
    ("test.eight_working_hours", 8, "working_hours", 0.75, 60),
    ("test.sixteen_working_hours", 16, "working_hours", 0.75, 60),
    ("test.twenty_four_working_hours", 24, "working_hours", 0.75, 60),
    ("test.quarter_hour", 15, "minutes", 0.6, 10),
)
EVE_OF_NATIONAL_DAY = datetime(2026, 9, 30, 17, 0)  # Wednesday, one hour before closing
MAINLAND_PERIODS = ((time(9), time(12)), (time(13, 30), time(18)))


@pytest.fixture
def session(app: Flask, world: World):
    """The test's session with the default policies, the test policies and the 2026
    mainland calendar (estates A and B are mainland estates)."""
    with app.app_context():
        s = app.appbuilder.session
        deadlines.seed_policies(s)
        seed_calendar(s, regions=("mainland",), years=[2026])
        for key, amount, unit, share, step in TEST_POLICIES:
            s.add(DeadlinePolicy(key=key, doc_type="work_order", name=key, rule="R-WO-2",
                                 amount=amount, unit=unit, warn_share=share,
                                 escalation_chain=CHAIN, escalation_step_minutes=step))
        s.flush()
        yield s


def new_work_order(session, world: World, at: datetime, *,
                   emergency: bool = False) -> WorkOrder:
    """A repair reported at `at` in estate A for Engineering A, registered through the
    workflow engine."""
    doc = WorkOrder(estate=session.get(Estate, world.estate_a), description="水管漏水",
                    category="plumbing", source="resident_phone", reported_at=at,
                    emergency=emergency, department_id=world.eng_a)
    return engine.create(doc, actor=Actor.system(), session=session, now=at)


def arm(session, world: World, key: str, start: datetime) -> DeadlineTimer:
    """Deadline `key` from `start` on a new repair, handled by technician A."""
    doc = new_work_order(session, world, start)
    timer = deadlines.arm(session, doc, key, start, world.user_tech_a)
    session.flush()
    return timer


def notifications(session, timer: DeadlineTimer) -> list[tuple[int, str, int]]:
    """(user, kind, level) of every notification about `timer`, in order."""
    return [(n.user_id, n.kind, n.level) for n in session.scalars(
        select(Notification).where(Notification.timer_id == timer.id)
        .order_by(Notification.level, Notification.user_id))]


def escalations(session, timer: DeadlineTimer) -> list[tuple[int, str, list[int]]]:
    return [(e.level, e.target, e.notified_user_ids) for e in session.scalars(
        select(Escalation).where(Escalation.timer_id == timer.id).order_by(Escalation.level))]


def counts(result: deadlines.TickResult) -> tuple[int, int, int, int]:
    return result.checked, result.warnings, result.escalations, result.notifications


# --- reference arithmetic straight from chinesecalendar -------------------------------------

def reference_working_days(start: datetime, amount: int) -> datetime:
    """Same clock time on the `amount`-th working day after `start` (a working day)."""
    assert chinese_calendar.is_workday(start.date())
    day = start.date()
    while amount:
        day += timedelta(days=1)
        amount -= chinese_calendar.is_workday(day)
    return datetime.combine(day, start.time())


def reference_working_hours(start: datetime, hours: int) -> datetime:
    """Walk minute by minute, counting only minutes inside the mainland working hours of
    a working day; a deadline reached at closing time is closing time."""
    remaining, cursor = hours * 60, start
    while True:
        clock = cursor.time()
        if chinese_calendar.is_workday(cursor.date()) and any(
                begin <= clock < end for begin, end in MAINLAND_PERIODS):
            remaining -= 1
        cursor += timedelta(minutes=1)
        if remaining == 0:
            return cursor


# --- the calendar the deadlines rest on -----------------------------------------------------

def test_national_day_2026_in_chinesecalendar():
    """R-CS-4 and the R-CP-5 presets count working days: the 2026 holiday is 1–7 October
    (8 October is a working day), with make-up working days on Sunday 20 September and
    Saturday 10 October."""
    assert [d for d in range(1, 12) if not chinese_calendar.is_workday(date(2026, 10, d))] \
        == [1, 2, 3, 4, 5, 6, 7, 11]
    assert chinese_calendar.is_workday(date(2026, 9, 20))   # Sunday, 调休上班
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # Saturday, 调休上班
    assert not chinese_calendar.is_workday(date(2026, 9, 27))  # Mid-Autumn break


# --- arming ---------------------------------------------------------------------------------

def test_working_day_deadlines_over_national_day(session, world):
    """Working-day deadlines armed the evening before National Day (R-CS-4 "within 2
    working days"): the week off does not count, the make-up Saturday
    does. The deadline is stored on the timer with its warning time."""
    start = EVE_OF_NATIONAL_DAY
    two = arm(session, world, "test.two_working_days", start)
    assert two.due_at == datetime(2026, 10, 9, 17, 0) == reference_working_days(start, 2)
    three = arm(session, world, "test.three_working_days", start)
    # The third working day is the make-up Saturday.
    assert three.due_at == datetime(2026, 10, 10, 17, 0) == reference_working_days(start, 3)
    # The make-up Sunday before the holiday is a working day too.
    friday = datetime(2026, 9, 18, 16, 0)
    one = arm(session, world, "test.one_working_day", friday)
    assert one.due_at == datetime(2026, 9, 20, 16, 0) == reference_working_days(friday, 1)
    # Reported during the holiday: the clock starts when the office opens on 8 October.
    holiday = arm(session, world, "test.two_working_days", datetime(2026, 10, 3, 15, 0))
    assert holiday.due_at == datetime(2026, 10, 10, 9, 0)

    w = world
    assert two.policy.key == "test.two_working_days"
    assert (two.doc_type, two.estate_id, two.department_id, two.handler_user_id) == (
        "work_order", w.estate_a, w.eng_a, w.user_tech_a)
    assert session.get(WorkOrder, two.doc_id).number.startswith("WO-2026-")
    assert (two.status, two.level, two.started_at) == ("armed", 0, start)
    # Warned when half of the *working* time has passed (15 working hours in all: 1 h on
    # 30 Sep, 7.5 h on 8 Oct, 6.5 h on 9 Oct), not in the middle of the holiday.
    assert two.warn_at == datetime(2026, 10, 8, 17, 0)
    assert two.next_check_at == two.warn_at
    assert two.warned_at is None and two.breached_at is None and two.closed_at is None


def test_working_hour_deadlines_over_national_day(session, world):
    """Working-hour deadlines (the "8 working hours" of the R-CP-5 presets): only
    09:00–12:00 and 13:30–18:00 of working days count."""
    start = EVE_OF_NATIONAL_DAY
    eight = arm(session, world, "test.eight_working_hours", start)
    # 1 h on 30 Sep, 3 h in the morning of 8 Oct, 4 h from 13:30.
    assert eight.due_at == datetime(2026, 10, 8, 17, 30) == reference_working_hours(start, 8)
    sixteen = arm(session, world, "test.sixteen_working_hours", start)
    # Ends exactly at closing time on 9 Oct: closing time, not next opening.
    assert sixteen.due_at == datetime(2026, 10, 9, 18, 0) == reference_working_hours(start, 16)
    twenty_four = arm(session, world, "test.twenty_four_working_hours", start)
    # 7.5 h on the make-up Saturday, Sunday off, the last half hour on Monday 12 Oct.
    assert twenty_four.due_at == datetime(2026, 10, 12, 9, 30) == reference_working_hours(
        start, 24)


def test_arming_into_an_unknown_year_is_refused(session, world):
    """No deadline is guessed: 2027 has no calendar rows, so a working-day deadline from
    31 December 2026 raises and nothing is armed (STACK.md "Working-day calendar")."""
    doc = new_work_order(session, world, datetime(2026, 12, 31, 10, 0))
    with pytest.raises(CalendarUnknownYear):
        deadlines.arm(session, doc, "test.two_working_days", datetime(2026, 12, 31, 10, 0))
    session.flush()
    assert deadlines.open_timers(session, doc) == []


def test_policy_edits_do_not_move_an_armed_deadline(session, world):
    """A deadline someone was given stays put when an admin edits the policy later; a
    switched-off policy arms nothing."""
    timer = arm(session, world, "test.two_working_days", EVE_OF_NATIONAL_DAY)
    policy = session.scalar(select(DeadlinePolicy).where(
        DeadlinePolicy.key == "test.two_working_days"))
    policy.amount = 5
    session.flush()
    session.expire_all()
    assert session.get(DeadlineTimer, timer.id).due_at == datetime(2026, 10, 9, 17, 0)
    policy.active = False
    session.flush()
    doc = new_work_order(session, world, EVE_OF_NATIONAL_DAY)
    assert deadlines.arm(session, doc, "test.two_working_days", EVE_OF_NATIONAL_DAY) is None


# --- warning, breach, escalation ------------------------------------------------------------

def test_warning_breach_and_every_escalation_level_exactly_once(session, world):
    """R-WO-2 / R-CP-5: warned at the warning time, then on breach the chain handler →
    Engineering A's head → Office A's director → general manager, one level per hour, each
    exactly once, each with a notification to exactly the right people. Ticking again at
    the same moment, or late, adds nothing."""
    w = world
    timer = arm(session, world, "test.two_working_days", EVE_OF_NATIONAL_DAY)
    warn, due = timer.warn_at, timer.due_at
    hour = timedelta(hours=1)

    assert counts(deadlines.tick_in_session(session, warn - timedelta(seconds=1))) == (0,) * 4
    assert escalations(session, timer) == [] and notifications(session, timer) == []

    result = deadlines.tick_in_session(session, warn)
    assert counts(result) == (1, 1, 0, 1) and result.levels == [(timer.id, 0)]
    assert escalations(session, timer) == [(0, "handler", [w.user_tech_a])]
    assert notifications(session, timer) == [(w.user_tech_a, "warning", 0)]
    note = session.scalar(select(Notification).where(Notification.timer_id == timer.id))
    assert (note.doc_type, note.doc_id, note.at, note.read_at) == (
        "work_order", timer.doc_id, warn, None)
    assert (timer.warned_at, timer.next_check_at, timer.level) == (warn, due, 0)

    for now in (warn, warn + timedelta(minutes=5), due - timedelta(minutes=1)):
        assert counts(deadlines.tick_in_session(session, now)) == (0,) * 4

    steps = [  # (now, level, target, people notified)
        (due, 1, "handler", [w.user_tech_a]),
        (due + hour, 2, "department_head", [w.user_head_a]),
        (due + 2 * hour, 3, "office_director", [w.user_director_a]),
        (due + 3 * hour, 4, "general_manager", [w.user_gm]),
    ]
    for now, level, target, people in steps:
        before = len(notifications(session, timer))
        assert counts(deadlines.tick_in_session(session, now - timedelta(seconds=1))) \
            == (0,) * 4, f"level {level} came early"
        result = deadlines.tick_in_session(session, now)
        assert counts(result) == (1, 0, 1, len(people)), f"level {level}"
        assert result.levels == [(timer.id, level)]
        assert escalations(session, timer)[-1] == (level, target, people)
        assert notifications(session, timer)[before:] == [(u, "breach", level) for u in people]
        assert timer.level == level and timer.breached_at == due
        # Exactly once: the same moment again adds nothing.
        assert counts(deadlines.tick_in_session(session, now)) == (0,) * 4
    assert timer.next_check_at is None  # the chain is exhausted

    assert counts(deadlines.tick_in_session(session, due + timedelta(days=30))) == (0,) * 4
    assert [e[0] for e in escalations(session, timer)] == [0, 1, 2, 3, 4]
    assert notifications(session, timer) == [
        (w.user_tech_a, "warning", 0), (w.user_tech_a, "breach", 1),
        (w.user_head_a, "breach", 2), (w.user_director_a, "breach", 3),
        (w.user_gm, "breach", 4)]
    # Nobody of Office B heard about an Office A deadline.
    heard = {u for u, _kind, _level in notifications(session, timer)}
    assert not heard & {w.user_head_b, w.user_director_b, w.user_tech_b}


def test_missed_ticks_catch_up_once(session, world):
    """After an outage of the cron job, the first tick raises every level that fell due
    meanwhile, once each; the warning is skipped because the deadline is already broken."""
    timer = arm(session, world, "test.quarter_hour", datetime(2026, 10, 8, 9, 0))
    result = deadlines.tick_in_session(session, datetime(2026, 10, 8, 12, 0))
    assert counts(result) == (1, 0, 4, 4)
    assert [e[0] for e in escalations(session, timer)] == [1, 2, 3, 4]
    assert counts(deadlines.tick_in_session(session, datetime(2026, 10, 8, 12, 1))) == (0,) * 4


def test_department_head_level_reaches_heads_and_centre_managers_of_the_department(
        session, world, app):
    """The department-head level goes to the active Department heads and CS centre
    managers of the timer's department, never to another department's head; the director
    level to the directors of the estate's office."""
    from app.models import Department, StaffProfile

    w = world
    sm = app.appbuilder.sm
    eng_a = session.get(Department, w.eng_a)

    def person(username: str, role: str, active: bool = True) -> int:
        user = sm.add_user(username, username, "Test", f"{username}@test.example",
                           [sm.find_role(role)], password="x" * 12, commit=False)
        user.active = active
        session.add(StaffProfile(user=user, departments=[eng_a]))
        session.flush()
        return user.id

    manager = person("centre_manager_eng_a", P.ROLE_CS_CENTRE_MANAGER)
    person("former_head_eng_a", P.ROLE_DEPARTMENT_HEAD, active=False)
    person("technician_eng_a", P.ROLE_TECHNICIAN)

    timer = arm(session, world, "test.quarter_hour", datetime(2026, 10, 8, 9, 0))
    assert deadlines.recipients(session, timer, "handler") == [w.user_tech_a]
    assert deadlines.recipients(session, timer, "department_head") == sorted(
        [w.user_head_a, manager])
    assert deadlines.recipients(session, timer, "office_director") == [w.user_director_a]
    assert deadlines.recipients(session, timer, "general_manager") == [w.user_gm]
    deadlines.tick_in_session(session, datetime(2026, 10, 8, 9, 25))
    assert escalations(session, timer)[-1] == (2, "department_head",
                                               sorted([w.user_head_a, manager]))

    # A deadline of a document without a department has nobody at that level.
    timer.department_id = None
    assert deadlines.recipients(session, timer, "department_head") == []


def test_due_timers_are_processed_in_batches(session, world):
    """A tick works through every due deadline however small its batch."""
    timers = [arm(session, world, "test.quarter_hour", datetime(2026, 10, 8, 9, i))
              for i in range(7)]
    result = deadlines.tick_in_session(session, datetime(2026, 10, 8, 9, 15), batch=2)
    assert result.checked == 7 and result.escalations == 1  # only the 09:00 one is due
    assert result.warnings == 6
    assert sorted(t for t, _level in result.levels) == sorted(t.id for t in timers)


# --- met and cancelled deadlines ------------------------------------------------------------

def dispatch(session, world, doc: WorkOrder, at: datetime) -> None:
    engine.apply(doc, "dispatch", {"technician_id": world.user_tech_a}, actor=Actor.system(),
                 session=session, now=at)


def test_met_deadline_never_escalates(session, world):
    """R-WO-2: the technician is ready within 10 minutes of taking the job. Accepting in
    time meets the deadline (the transition declares `meets`); it is closed and never
    warns or escalates. A job nobody accepted escalates as usual; a cancelled one not."""
    at = datetime(2026, 10, 8, 14, 0)
    accepted, ignored, cancelled = (new_work_order(session, world, at) for _ in range(3))
    for doc in (accepted, ignored, cancelled):
        dispatch(session, world, doc, at)
    ready = {doc.id: deadlines.open_timers(session, doc, ["wo.ready"])[0]
             for doc in (accepted, ignored, cancelled)}
    timer = ready[accepted.id]
    assert (timer.due_at, timer.handler_user_id, timer.department_id) == (
        at + timedelta(minutes=10), world.user_tech_a, world.eng_a)

    engine.apply(accepted, "accept", actor=Actor.system(), session=session,
                 now=at + timedelta(minutes=5))
    engine.apply(cancelled, "cancel", {"cancel_reason": "Resident fixed it"},
                 actor=Actor.system(), session=session, now=at + timedelta(minutes=5))
    assert (timer.status, timer.closed_at, timer.next_check_at) == (
        "met", at + timedelta(minutes=5), None)
    assert ready[cancelled.id].status == "cancelled"

    for minutes in (7, 10, 20, 30, 40, 60 * 24):
        deadlines.tick_in_session(session, at + timedelta(minutes=minutes))
    assert escalations(session, timer) == [] and notifications(session, timer) == []
    assert escalations(session, ready[cancelled.id]) == []
    assert [e[0] for e in escalations(session, ready[ignored.id])] == [0, 1, 2, 3, 4]


def test_emergency_on_site_deadline(session, world):
    """R-WO-2: an emergency repair has the technician on site within 15 minutes of the
    call. The deadline is armed at registration from the reported time (wall-clock
    minutes: a holiday night counts), breaches at +15 minutes exactly, and arriving in
    time meets it. A non-emergency repair has no such deadline."""
    reported = datetime(2026, 10, 3, 22, 0)  # National Day holiday, at night
    late = new_work_order(session, world, reported, emergency=True)
    (timer,) = deadlines.open_timers(session, late)
    assert timer.policy.key == "wo.emergency_on_site" and timer.policy.rule == "R-WO-2"
    assert (timer.started_at, timer.due_at) == (reported, reported + timedelta(minutes=15))

    on_time = new_work_order(session, world, reported, emergency=True)
    dispatch(session, world, on_time, reported + timedelta(minutes=1))
    engine.apply(on_time, "accept", actor=Actor.system(), session=session,
                 now=reported + timedelta(minutes=2))
    engine.apply(on_time, "arrive", actor=Actor.system(), session=session,
                 now=reported + timedelta(minutes=12))
    (met,) = [t for t in session.scalars(select(DeadlineTimer).where(
        DeadlineTimer.doc_id == on_time.id, DeadlineTimer.doc_type == "work_order"))
        if t.policy.key == "wo.emergency_on_site"]
    assert (met.status, met.closed_at) == ("met", reported + timedelta(minutes=12))
    assert on_time.arrived_at == reported + timedelta(minutes=12)

    routine = new_work_order(session, world, reported)
    assert deadlines.open_timers(session, routine) == []

    deadlines.tick_in_session(session, reported + timedelta(minutes=15, seconds=-1))
    assert timer.breached_at is None and [e[0] for e in escalations(session, timer)] == [0]
    deadlines.tick_in_session(session, reported + timedelta(minutes=15))
    assert timer.breached_at == reported + timedelta(minutes=15)
    assert [e[:2] for e in escalations(session, timer)] == [(0, "handler"), (1, "handler")]
    deadlines.tick_in_session(session, reported + timedelta(hours=2))
    assert escalations(session, met) == []


def test_emergency_breach_reaches_the_dispatched_technician_and_head(session, world):
    """R-WO-2: once an emergency repair is dispatched, the technician it went to is the one
    who must be on site in 15 minutes: they are warned, they hear of the breach, and ten
    minutes later the head of their engineering department does."""
    w = world
    reported = datetime(2026, 10, 8, 10, 0)
    doc = new_work_order(session, world, reported, emergency=True)
    dispatch(session, world, doc, reported + timedelta(minutes=1))
    assert doc.department_id == w.eng_a and doc.technician_id == w.user_tech_a
    (timer,) = deadlines.open_timers(session, doc, ["wo.emergency_on_site"])
    for minutes in (11, 15, 25):
        deadlines.tick_in_session(session, reported + timedelta(minutes=minutes))
    assert escalations(session, timer) == [
        (0, "handler", [w.user_tech_a]), (1, "handler", [w.user_tech_a]),
        (2, "department_head", [w.user_head_a])]


def test_working_time_deadline_warns_during_working_time(session, world):
    """A working-day or working-hour deadline (R-CS-4, R-CP-5 presets) warns its handler when the
    share of *working* time has passed, during working hours, not in the middle of the
    National Day week."""
    from app.workflows.calendar import WorkingCalendar

    calendar = WorkingCalendar("mainland", session)
    for key in ("test.two_working_days", "test.eight_working_hours"):
        timer = arm(session, world, key, EVE_OF_NATIONAL_DAY)
        warn = timer.warn_at
        assert calendar.is_workday(warn.date()), f"{key} warns on a day off ({warn})"
        assert any(begin <= warn.time() <= end for begin, end in calendar.periods), \
            f"{key} warns outside working hours ({warn})"


# --- the cron entry point ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory):
    """A committed database of its own: `flask sla tick` opens its own connection and
    cannot see the rolled-back test transaction."""
    from tests.scratch_db import ScratchDatabase, is_postgresql, postgresql_scratch_url

    base = os.environ.get("DATABASE_URL", "")
    url = (postgresql_scratch_url(base, f"cli_{os.getpid()}") if is_postgresql(base)
           else f"sqlite:///{tmp_path_factory.mktemp('sla-cli')}/scratch.db")
    database = ScratchDatabase.create(url)
    w = database.world
    with database.app.app_context():
        s = database.app.appbuilder.session
        for key, amount, unit, share, step in TEST_POLICIES:
            s.add(DeadlinePolicy(key=key, doc_type="work_order", name=key, rule="R-WO-2",
                                 amount=amount, unit=unit, warn_share=share,
                                 escalation_chain=CHAIN, escalation_step_minutes=step))
        s.flush()
        # Warned at 05:00 on 5 Oct, due 9 Oct 17:00.
        doc = new_work_order(s, w, EVE_OF_NATIONAL_DAY)
        deadlines.arm(s, doc, "test.two_working_days", EVE_OF_NATIONAL_DAY, w.user_tech_a)
        # Due 09:15 on 8 Oct; all four levels by 09:45.
        doc = new_work_order(s, w, datetime(2026, 10, 8, 9, 0))
        deadlines.arm(s, doc, "test.quarter_hour", datetime(2026, 10, 8, 9, 0), w.user_tech_a)
        s.commit()
        s.remove()
    try:
        yield database
    finally:
        database.drop()


def test_cli_tick_prints_the_counts(scratch):
    """The cron job's command (`sla tick`) with a pretended time: one warning, four
    escalation levels, five notifications; run again, nothing (R-WO-2)."""
    runner = scratch.app.test_cli_runner()
    result = runner.invoke(sla_commands.sla_cli, ["tick", "--now", "2026-10-08 17:30"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("checked 2, warnings 1, escalations 4, notifications 5")
    with scratch.app.app_context():
        s = scratch.app.appbuilder.session
        assert len(s.scalars(select(Escalation)).all()) == 5
        assert sorted(s.scalars(select(Notification.user_id))) == sorted(
            [scratch.world.user_tech_a] * 2 + [scratch.world.user_head_a,
                                               scratch.world.user_director_a,
                                               scratch.world.user_gm])
        s.remove()
    again = runner.invoke(sla_commands.sla_cli, ["tick", "--now", "2026-10-08 17:30"])
    assert again.exit_code == 0, again.output
    assert again.output.startswith("checked 0, warnings 0, escalations 0, notifications 0")


def test_flask_sla_tick_is_a_command_of_the_app(scratch):
    """`flask sla tick`, as cron runs it, exists on the application's command line."""
    result = scratch.app.test_cli_runner().invoke(
        args=["sla", "tick", "--now", "2026-10-08 10:05"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("checked ")


def test_tick_runs_in_a_process_without_the_app(scratch):
    """`tick(now, url=...)` takes the database URL so that a scheduler can call it without
    building the web application; it must work in such a fresh process."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("from datetime import datetime\n"
            "from app.workflows.deadlines import tick\n"
            f"r = tick(datetime(2026, 10, 8, 10, 10), url={scratch.url!r})\n"
            "print('checked', r.checked)\n")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr[-600:]
    assert done.stdout.startswith("checked ")
