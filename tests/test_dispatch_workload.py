"""The dispatch form of a repair (R-WO-2) shows the fault, place and urgency, and beside the
technician choice each offered person's open work orders, overdue ones and nearest
deadline (app/workflows/workload.py): right for a seeded situation, scoped, and counted in
queries that do not grow with the number of technicians."""
from __future__ import annotations

import re
from datetime import timedelta
from functools import partial

from flask import current_app
from sqlalchemy import event, select

from app.models import DeadlineTimer, Department, StaffProfile, WorkOrder
from app.models.base import local_now
from app.security import permissions as P
from app.security.scope import SYSTEM_SCOPE, Scope
from app.workflows.workload import technician_workload
from tests.helpers import transition
from tests.test_work_orders import register
from tests.world import PASSWORD

API = "/api/v1/work_order/"
take = partial(transition, base=API)


def workload_rows(page: str) -> dict[int, tuple[str, str, str]]:
    """user id -> (open, overdue, next deadline) as the form's table shows them."""
    table = page.split('id="workload"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr data-user="(\d+)".*?class="workload-open">(\d+)</td>\s*'
                      r'<td class="workload-overdue">(\d+)</td>\s*'
                      r'<td class="workload-next">([^<]*)</td>', table, re.S)
    return {int(u): (o, d, n.strip()) for u, o, d, n in rows}


def seed_situation(api_as, world, session) -> dict[str, int]:
    agent = api_as("agent_a")
    first, second, gone, waiting = (register(agent, world, description=f"Fault {i}")
                                    for i in range(4))
    take(agent, first, "dispatch", {"technician_id": world.user_tech_a})
    take(agent, second, "dispatch", {"technician_id": world.user_tech_a})
    take(agent, gone, "dispatch", {"technician_id": world.user_tech2_a})
    take(agent, gone, "cancel", {"cancel_reason": "Resident fixed it"})
    # The second job's "ready" deadline has passed.
    timer = session.scalar(select(DeadlineTimer).where(
        DeadlineTimer.doc_type == "work_order", DeadlineTimer.doc_id == second,
        DeadlineTimer.status == "armed"))
    timer.due_at = local_now() - timedelta(minutes=5)
    session.commit()
    return {"first": first, "second": second, "gone": gone, "waiting": waiting}


def test_each_technician_open_overdue_and_next_deadline(app, world, api_as, as_user,
                                                        seeded):
    docs = seed_situation(api_as, world, seeded)
    first_due = seeded.scalar(select(DeadlineTimer.due_at).where(
        DeadlineTimer.doc_type == "work_order", DeadlineTimer.doc_id == docs["first"],
        DeadlineTimer.status == "armed"))

    response = as_user("agent_a").get(
        f"/workorderview/transition/dispatch?ids={docs['waiting']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = workload_rows(page)
    # The same people the choice offers: technicians and the repair lead of estate A.
    assert set(rows) == {world.user_tech_a, world.user_tech2_a, world.user_lead_a}
    assert rows[world.user_tech_a] == ("2", "1", first_due.strftime("%Y-%m-%d %H:%M"))
    assert rows[world.user_tech2_a] == ("0", "0", "")  # the cancelled job is not open
    assert rows[world.user_lead_a] == ("0", "0", "")
    # The fault, the place and the urgency of the order being dispatched.
    items = page.split('id="transition-items"', 1)[1].split("</table>", 1)[0]
    assert "Fault 3" in items and "Plumbing" in items and "A-1501" in items
    assert "Emergency" in items and "<td style=\"white-space: pre-line\">No</td>" in items


def test_counts_follow_the_dispatchers_scope(app, world, api_as, seeded):
    docs = seed_situation(api_as, world, seeded)
    people = {world.user_tech_a: "Tech A"}
    with app.test_request_context():
        everyone = technician_workload(seeded, people, local_now(), SYSTEM_SCOPE)
        nobody = technician_workload(seeded, people, local_now(), Scope(user_id=0))
    assert (everyone[0].open_count, everyone[0].overdue_count) == (2, 1)
    assert (nobody[0].open_count, nobody[0].overdue_count, nobody[0].next_due_at) == (
        0, 0, None)
    assert docs["waiting"] not in {docs["first"], docs["second"]}


def _technician(session, world, username: str) -> int:
    sm = current_app.appbuilder.sm
    user = sm.add_user(username, username.title(), "Extra", f"{username}@test.example",
                       [sm.find_role(P.ROLE_TECHNICIAN)], PASSWORD)
    assert user, username
    session.add(StaffProfile(user_id=user.id, job_title="Technician",
                             departments=[session.get(Department, world.eng_a)]))
    return user.id


def test_queries_do_not_grow_with_the_number_of_technicians(app, world, api_as, as_user,
                                                            seeded):
    docs = seed_situation(api_as, world, seeded)
    client = as_user("agent_a")
    url = f"/workorderview/transition/dispatch?ids={docs['waiting']}"
    statements: list[str] = []
    connection = seeded.get_bind()

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    def queries() -> int:
        statements.clear()
        event.listen(connection, "before_cursor_execute", count)
        try:
            response = client.get(url)
        finally:
            event.remove(connection, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(statements)

    client.get(url)  # warm: whatever a first request reads once
    few = queries()
    with app.app_context():
        extra = [_technician(seeded, world, f"extra_tech_{i}") for i in range(6)]
        orders = [register(api_as("agent_a"), world) for _ in extra]
        for user_id, order in zip(extra, orders):
            take(api_as("agent_a"), order, "dispatch", {"technician_id": user_id})
        seeded.commit()
    client.get(url)  # new staff profiles: the first request after them reads access again
    many = queries()
    rows = workload_rows(client.get(url).get_data(as_text=True))
    assert all(rows[user_id][0] == "1" for user_id in extra)
    assert many == few, (few, many)
    assert seeded.scalar(select(WorkOrder.technician_id).where(
        WorkOrder.id == orders[0])) == extra[0]
