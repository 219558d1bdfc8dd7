"""What one page costs the database does not grow with its rows: a list page reads its rows'
units, buildings, estates and technicians with the rows, and a user's permissions are read
once per request, however many menu entries, buttons and row actions ask."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Iterator

from sqlalchemy import event, insert

from app.extensions import db
from app.models import Building, Unit, WorkOrder

NOW = datetime(2026, 9, 29, 10, 0)


@contextmanager
def statements(app) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # noqa: ARG001
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_orders(session, world, first: int, count: int) -> None:
    """Orders of Engineering A, each on a unit of its own in a building of its own, the
    technicians taking turns: a list that loaded them row by row would show it."""
    technicians = (world.user_tech_a, world.user_tech2_a)
    for i in range(first, first + count):
        building = Building(estate_id=world.estate_a, name=f"Overhead {i}", floors=30)
        unit = Unit(building=building, number=f"{i:04d}", floor=1)
        session.add_all([building, unit])
        session.flush()
        session.execute(insert(WorkOrder).values(
            number=f"WO-O-{i:05d}", state="dispatched", estate_id=world.estate_a,
            unit_id=unit.id, department_id=world.eng_a, technician_id=technicians[i % 2],
            description=f"Job {i}", reported_at=NOW - timedelta(minutes=i), category="other"))
    session.commit()


def page_statements(app, client, path: str) -> list[str]:
    client.get(path)  # the first request of a session may load what later ones reuse
    with statements(app) as sent:
        answer = client.get(path)
    assert answer.status_code == 200
    return list(sent)


def test_a_list_page_costs_the_same_with_3_rows_as_with_25(app, seeded, world, as_user):
    head = as_user("head_a")
    add_orders(seeded, world, 0, 3)
    few = page_statements(app, head, "/workorderview/list/")
    add_orders(seeded, world, 3, 30)
    many = page_statements(app, head, "/workorderview/list/")
    body = head.get("/workorderview/list/").get_data(as_text=True)
    assert body.count("WO-O-") >= 25 and "Overhead 24" in body  # newest first
    assert len(many) == len(few), "rows loaded one by one:\n" + "\n".join(
        s[:120] for s in many if s not in few)
    assert len(many) <= 25


def test_permissions_are_read_once_per_request(app, seeded, world, as_user):
    add_orders(seeded, world, 0, 5)
    for username, path in (("head_a", "/workorderview/list/"), ("agent_a", "/workorderview/add"),
                           ("head_a", "/queue/department"), ("admin", "/workorderview/list/")):
        sent = page_statements(app, as_user(username), path)
        asked = [s for s in sent if "ab_permission_view_role" in s]
        assert len(asked) <= 2, f"{path} as {username}: {len(asked)} permission queries"
