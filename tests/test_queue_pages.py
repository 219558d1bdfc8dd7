"""A queue of thousands is ordered and paginated in the database: overdue first, then
escalated, then the soonest due, then what has no deadline; every item reachable page by
page, none hidden by a cut-off."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert, select

from app.models import DeadlinePolicy, DeadlineTimer, WorkOrder
from app.security.actor import Actor
from app.workflows.queues import DEPARTMENT, PAGE_SIZE, queue

NOW = datetime(2026, 9, 29, 10, 0)
COUNT = 5000


def _fill(session, world) -> dict[int, tuple]:
    """COUNT open work orders of Engineering A; most with a deadline, some escalated."""
    rnd = random.Random(7)
    session.execute(insert(WorkOrder), [{
        "number": f"WO-Q-{i:05d}", "state": "dispatched", "estate_id": world.estate_a,
        "department_id": world.eng_a, "description": f"Queued job {i}",
        "reported_at": NOW - timedelta(days=3), "category": "other"}
        for i in range(COUNT)])
    ids = list(session.scalars(select(WorkOrder.id).where(WorkOrder.number.like("WO-Q-%"))))
    policy = session.scalar(select(DeadlinePolicy.id))
    timers, expected = [], {}
    for doc_id in ids:
        if rnd.random() < 0.1:
            expected[doc_id] = (None, 0)
            continue
        due = NOW + timedelta(minutes=rnd.randint(-3000, 30000))
        level = 1 if (due < NOW and rnd.random() < 0.3) else 0
        expected[doc_id] = (due, level)
        timers.append({"policy_id": policy, "doc_type": "work_order", "doc_id": doc_id,
                       "estate_id": world.estate_a, "department_id": world.eng_a,
                       "started_at": NOW - timedelta(days=3), "due_at": due,
                       "warn_at": due, "status": "armed", "level": level})
    session.execute(insert(DeadlineTimer), timers)
    session.commit()
    return expected


def _key(doc_id: int, due: datetime | None, level: int) -> tuple:
    return (not (due is not None and due < NOW), level == 0, due is None,
            due or datetime.max, doc_id)


def _actor(username_id: int) -> Actor:
    return Actor.for_user(current_app.appbuilder.sm.get_user_by_id(username_id))


def test_five_thousand_items_in_due_order_page_by_page(app, seeded, world):
    expected = _fill(seeded, world)
    with app.test_request_context():
        _walk(seeded, _actor(world.user_head_a), expected)


def _walk(seeded, actor: Actor, expected: dict) -> None:
    seen: list[int] = []
    offset = 0
    while True:
        rows = queue(seeded, actor, DEPARTMENT, NOW, doc_type="work_order", offset=offset,
                     limit=PAGE_SIZE)
        seen += [r.doc.id for r in rows if r.doc.number.startswith("WO-Q-")]
        if len(rows) < PAGE_SIZE:
            break
        offset += PAGE_SIZE
    assert len(seen) == COUNT == len(set(seen))  # every item, once: none hidden
    wanted = sorted(expected, key=lambda i: _key(i, *expected[i]))
    assert seen == wanted
    first = queue(seeded, actor, DEPARTMENT, NOW, doc_type="work_order", limit=PAGE_SIZE)
    assert all(r.overdue for r in first)  # overdue first
    assert first[0].level > 0  # escalated overdue items lead


def test_due_filters_run_in_the_database(app, seeded, world):
    expected = _fill(seeded, world)
    with app.test_request_context():
        _filtered(seeded, _actor(world.user_head_a), expected)


def _filtered(seeded, actor: Actor, expected: dict) -> None:
    overdue = queue(seeded, actor, DEPARTMENT, NOW, doc_type="work_order", due="overdue",
                    limit=COUNT)
    assert {r.doc.id for r in overdue if r.doc.number.startswith("WO-Q-")} == {
        i for i, (due, _level) in expected.items() if due is not None and due < NOW}
    escalated = queue(seeded, actor, DEPARTMENT, NOW, doc_type="work_order",
                      due="escalated", limit=COUNT)
    assert {r.doc.id for r in escalated if r.doc.number.startswith("WO-Q-")} == {
        i for i, (_due, level) in expected.items() if level > 0}


def test_the_queue_page_has_next_and_previous(seeded, world, as_user):
    _fill(seeded, world)
    head = as_user("head_a")
    first = head.get("/queue/department?type=work_order").get_data(as_text=True)
    assert "page=2" in first and first.count("WO-Q-") == PAGE_SIZE
    second = head.get("/queue/department?type=work_order&page=2").get_data(as_text=True)
    assert "page=1" in second and "page=3" in second
    assert head.get("/queue/department?page=abc").status_code == 200
    other = as_user("head_b").get("/queue/department").get_data(as_text=True)
    assert "WO-Q-" not in other  # another office's queue never shows them
