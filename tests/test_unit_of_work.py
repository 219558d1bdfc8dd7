"""One unit of work: the engine never commits; a request commits once at its end, or
leaves nothing behind."""
from __future__ import annotations

from app.models import WorkflowHistory, WorkOrder
from app.security.actor import Actor
from app.workflows import engine
from tests.helpers import csrf_token
from tests.test_work_orders import register


def test_the_engine_never_commits(app, world, api_as, seeded):
    pk = register(api_as("agent_a"), world)
    session = app.appbuilder.session
    order = session.get(WorkOrder, pk)
    engine.apply(order, "cancel", {"cancel_reason": "Duplicate"}, actor=Actor.system(),
                 session=session)
    assert order.state == "cancelled"
    session.rollback()  # what the caller does when anything after the step fails
    session.expire_all()
    assert session.get(WorkOrder, pk).state == "registered"
    assert session.query(WorkflowHistory).filter_by(doc_type="work_order", doc_id=pk,
                                                    transition="cancel").count() == 0


def test_a_batch_step_is_all_or_nothing(app, world, api_as, as_user, seeded):
    agent = api_as("agent_a")
    first, second = register(agent, world), register(agent, world)
    supervisor = as_user("supervisor_a")
    token = csrf_token(supervisor, f"/workorderview/transition/cancel?ids={first},{second}")
    response = supervisor.post(
        f"/workorderview/transition/cancel?ids={first},{second}",
        data={"csrf_token": token, "cancel_reason": "Duplicate", f"version_{first}": "1",
              f"version_{second}": "7"})  # the second was seen at a version it never had
    assert response.status_code == 409
    assert "Nothing was done for the other selected records" in response.get_data(as_text=True)
    session = app.appbuilder.session
    session.expire_all()
    assert {session.get(WorkOrder, pk).state for pk in (first, second)} == {"registered"}


def test_a_request_commits_what_it_did(app, world, api_as, seeded):
    agent = api_as("agent_a")
    pk = register(agent, world)
    response = agent.post(f"/api/v1/work_order/{pk}/transition/cancel",
                          json={"version": 1, "data": {"cancel_reason": "Duplicate"}})
    assert response.status_code == 200, response.get_data(as_text=True)
    session = app.appbuilder.session
    session.rollback()  # nothing is left uncommitted by the request
    session.expire_all()
    assert session.get(WorkOrder, pk).state == "cancelled"
