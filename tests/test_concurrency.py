"""Form numbers and deadline escalations under real parallel processes, on SQLite and on
PostgreSQL (STACK.md "Concurrency").

Every office registers repairs at the same time, and `flask sla tick` runs every minute
from cron on every application host. These checks start real processes against a
scratch database of their own (tests/scratch_db.py) and release them together:

* form numbers (R-PR: every printed form carries one; R-WO-1 repair forms) stay unique
  and gap-free;
* every deadline warning and every escalation level (R-WO-2, R-WO-7) happens exactly once,
  with exactly one notification per person and level, however many ticks run at once.

The SQLite variant always runs; the PostgreSQL one when DATABASE_URL names a PostgreSQL
database (CI runs the suite a second time that way).
"""
from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from tests.scratch_db import (
    ScratchDatabase,
    allocate_worker,
    create_worker,
    is_postgresql,
    postgresql_scratch_url,
    run_parallel,
    tick_worker,
)

pytestmark = pytest.mark.slow

WRITERS, PER_WRITER = 8, 50
TICKERS = 4


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def scratch(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "postgresql":
        base = os.environ.get("DATABASE_URL", "")
        if not is_postgresql(base):
            pytest.skip("DATABASE_URL does not name a PostgreSQL database; run with e.g. "
                        "DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test")
        # One scratch database per test run (the pid), so that two runs on one server
        # never drop each other's database.
        url = postgresql_scratch_url(base, f"conc_{os.getpid()}")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('concurrency')}/scratch.db"
    database = ScratchDatabase.create(url)
    try:
        yield database
    finally:
        database.drop()


def _errors(reports: list[dict]) -> list[str]:
    return [error for report in reports for error in report["errors"]]


def _interleaved(reports: list[dict]) -> int:
    """How many writers got numbers that are not one contiguous block: proof that the
    writers really overlapped instead of running one after the other."""
    count = 0
    for report in reports:
        values = sorted(int(n.rsplit("-", 1)[1]) for n in report["numbers"])
        if values and values[-1] - values[0] + 1 != len(values):
            count += 1
    return count


# --- form numbers ----------------------------------------------------------------------------

def test_form_numbers_from_eight_parallel_writers(scratch: ScratchDatabase):
    """8 processes × 50 numbers, each in its own committed transaction: 400 numbers, unique
    and gap-free from 1, no writer fails (R-PR, R-WO-1; "max(number)+1" lost up to 92 %)."""
    from app.models.workflow import FormCounter

    reports = run_parallel(allocate_worker,
                           [(scratch.url, "TST", 2026, PER_WRITER)] * WRITERS)
    assert not _errors(reports), _errors(reports)[:3]
    numbers = [n for report in reports for n in report["numbers"]]
    assert len(numbers) == WRITERS * PER_WRITER
    assert sorted(numbers) == [f"TST-2026-{i:06d}" for i in range(1, WRITERS * PER_WRITER + 1)]
    assert _interleaved(reports) >= 2, "the writers did not overlap"
    with scratch.app.app_context():
        session = scratch.app.appbuilder.session
        last = session.scalar(select(FormCounter.last).where(FormCounter.prefix == "TST",
                                                             FormCounter.year == 2026))
        session.remove()
    assert last == WRITERS * PER_WRITER


def test_work_orders_registered_by_eight_parallel_writers(scratch: ScratchDatabase):
    """The same through the workflow engine: 8 processes each register 50 repair forms
    (half of them emergencies, which also arm the 15-minute on-site deadline of R-WO-2).
    Every form is saved with its own number, the numbers continue the counter without a
    gap, and every emergency has exactly one deadline."""
    from app.models import WorkOrder
    from app.models.workflow import DeadlineTimer, FormCounter

    with scratch.app.app_context():
        session = scratch.app.appbuilder.session
        before = session.scalar(select(FormCounter.last).where(
            FormCounter.prefix == "WO", FormCounter.year == 2026)) or 0
        session.remove()

    reported = datetime(2026, 10, 8, 10, 0)
    reports = run_parallel(create_worker, [(scratch.url, scratch.world.estate_a, reported,
                                            PER_WRITER)] * WRITERS)
    assert not _errors(reports), _errors(reports)[:3]
    numbers = sorted(n for report in reports for n in report["numbers"])
    total = WRITERS * PER_WRITER
    assert numbers == [f"WO-2026-{i:06d}" for i in range(before + 1, before + total + 1)]
    assert _interleaved(reports) >= 2, "the writers did not overlap"

    with scratch.app.app_context():
        session = scratch.app.appbuilder.session
        saved = session.execute(select(WorkOrder.id, WorkOrder.number, WorkOrder.emergency)
                                .where(WorkOrder.number.in_(numbers))).all()
        timers = Counter(session.scalars(
            select(DeadlineTimer.doc_id).where(DeadlineTimer.doc_type == "work_order",
                                               DeadlineTimer.doc_id.in_([r.id for r in saved]))))
        last = session.scalar(select(FormCounter.last).where(FormCounter.prefix == "WO",
                                                             FormCounter.year == 2026))
        session.remove()
    assert sorted(r.number for r in saved) == numbers
    assert last == before + total
    emergencies = {r.id for r in saved if r.emergency}
    assert len(emergencies) == total // 2
    assert set(timers) == emergencies and set(timers.values()) == {1}


# --- deadline ticks ----------------------------------------------------------------------------

NOW = datetime(2026, 10, 8, 12, 0)
PER_GROUP = 40
# Minutes before NOW at which each group's deadline started, with the levels due at NOW
# for a 30-minute deadline, warned at half time, escalating every 10 minutes.
GROUPS = {
    "warned": (20, {0}),            # warn NOW-5, due NOW+10
    "level 1": (35, {1}),           # due NOW-5
    "levels 1-2": (45, {1, 2}),     # due NOW-15
    "levels 1-3": (55, {1, 2, 3}),  # due NOW-25
    "levels 1-4": (75, {1, 2, 3, 4}),  # due NOW-45: the whole chain
    "not yet": (0, set()),          # warn NOW+15
    "met": (75, set()),             # fulfilled in time: never escalates
}


def _arm_timers(scratch: ScratchDatabase) -> dict[int, set[int]]:
    """Work orders of estate A handled by Engineering A, each with one armed deadline;
    returns timer id -> the levels due at NOW."""
    from app.models import Estate, WorkOrder
    from app.models.workflow import DeadlinePolicy, DeadlineTimer
    from app.security.actor import Actor
    from app.workflows import deadlines, engine

    w = scratch.world
    expected: dict[int, set[int]] = {}
    with scratch.app.app_context():
        session = scratch.app.appbuilder.session
        # Nothing else may be due: other checks of this module left emergency deadlines.
        session.execute(update(DeadlineTimer).where(DeadlineTimer.status == "armed")
                        .values(status="cancelled", next_check_at=None))
        session.add(DeadlinePolicy(
            key="test.conc", doc_type="work_order", name="Parallel tick check",
            rule="R-WO-2", amount=30, unit="minutes", warn_share=0.5,
            escalation_chain="handler,department_head,office_director,general_manager",
            escalation_step_minutes=10))
        session.flush()
        estate = session.get(Estate, w.estate_a)
        for group, (minutes_before, levels) in GROUPS.items():
            for i in range(PER_GROUP):
                start = NOW - timedelta(minutes=minutes_before)
                doc = engine.create(
                    WorkOrder(estate=estate, description=f"{group} #{i}", category="plumbing",
                              source="resident_phone", reported_at=start,
                              department_id=w.eng_a, technician_id=w.user_tech_a),
                    actor=Actor.system(), session=session, now=start)
                timer = deadlines.arm(session, doc, "test.conc", start, w.user_tech_a)
                session.flush()
                if group == "met":
                    deadlines.close(session, doc, ["test.conc"], "met", start)
                expected[timer.id] = levels
        session.commit()
        session.remove()
    return expected


def _recipient(scratch: ScratchDatabase, level: int) -> int:
    w = scratch.world
    return {0: w.user_tech_a, 1: w.user_tech_a, 2: w.user_head_a, 3: w.user_director_a,
            4: w.user_gm}[level]


def test_escalations_exactly_once_with_four_parallel_ticks(scratch: ScratchDatabase):
    """4 `flask sla tick` processes started at the same instant over 280 deadlines in
    every stage: each due warning and escalation level exists exactly once, each with
    exactly one notification to the right person (handler, Engineering A's head, Office A's
    director, the general manager), and no two ticks both reported the same level.
    Ticking again, 4 at once, changes nothing (R-WO-2, R-WO-7)."""
    from app.models.workflow import DeadlineTimer, Escalation, Notification

    expected = _arm_timers(scratch)
    wanted = {(timer, level) for timer, levels in expected.items() for level in levels}
    assert len(wanted) == PER_GROUP * 11

    # A small batch makes the ticks claim and commit many times, interleaving their work.
    reports = run_parallel(tick_worker, [(scratch.url, NOW, 10)] * TICKERS)
    assert not _errors(reports), _errors(reports)[0]
    reported = [tuple(level) for report in reports for level in report["levels"]]
    assert len(reported) == len(set(reported)), "two ticks reported the same level"
    assert set(reported) == wanted
    assert sum(r["warnings"] for r in reports) == PER_GROUP
    assert sum(r["escalations"] for r in reports) == PER_GROUP * 10
    assert sum(r["notifications"] for r in reports) == len(wanted)

    with scratch.app.app_context():
        session = scratch.app.appbuilder.session
        rows = session.execute(select(Escalation.timer_id, Escalation.level,
                                      Escalation.target, Escalation.notified_user_ids)
                               .where(Escalation.timer_id.in_(expected))).all()
        notes = session.execute(select(Notification.timer_id, Notification.level,
                                       Notification.user_id, Notification.kind)
                                .where(Notification.timer_id.in_(expected))).all()
        timers = {t.id: t for t in session.scalars(
            select(DeadlineTimer).where(DeadlineTimer.id.in_(expected)))}
        session.expunge_all()
        session.remove()

    assert len(rows) == len(wanted) and {(r.timer_id, r.level) for r in rows} == wanted
    chain = ["handler", "handler", "department_head", "office_director", "general_manager"]
    for row in rows:
        assert row.target == chain[row.level]
        assert row.notified_user_ids == [_recipient(scratch, row.level)]
    assert len(notes) == len(wanted)
    assert Counter((n.timer_id, n.level) for n in notes) == Counter(wanted)
    for note in notes:
        assert note.user_id == _recipient(scratch, note.level)
        assert note.kind == ("warning" if note.level == 0 else "breach")
    for timer_id, levels in expected.items():
        timer = timers[timer_id]
        assert timer.level == max(levels - {0}, default=0)
        assert (timer.warned_at is not None) == (levels == {0})
        assert (timer.breached_at is not None) == bool(levels - {0})

    again = run_parallel(tick_worker, [(scratch.url, NOW, 10)] * TICKERS)
    assert not _errors(again), _errors(again)[0]
    assert sum(len(r["levels"]) + r["notifications"] + r["checked"] for r in again) == 0
    with scratch.app.app_context():
        session = scratch.app.appbuilder.session
        assert session.scalar(select(func.count(Escalation.id))
                              .where(Escalation.timer_id.in_(expected))) == len(wanted)
        assert session.scalar(select(func.count(Notification.id))
                              .where(Notification.timer_id.in_(expected))) == len(wanted)
        session.remove()
