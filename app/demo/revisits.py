"""Demo routine revisits (R-RV-1..3): the first office's schedules (director household
visits, the property officer's area round of one building, the quarterly residents'
forum), this quarter's tasks, new residents' revisits, and a few recorded: the forum held,
one visit with a reply promised, one that found a problem and spawned a work order. Acted
by the demo's people through the workflow engine."""
from __future__ import annotations

from sqlalchemy import select

from app.demo.desk import Desk, _demo_documents
from app.demo.load import Load
from app.models import Building, Estate, WorkOrder
from app.models.revisit import Revisit, RevisitSchedule
from app.workflows.revisit import plan_new_residents, plan_schedule


def demo_revisits(load: Load) -> None:
    session = load.session
    _demo_documents(load, "routine revisits",
                    lambda: session.scalar(select(RevisitSchedule.id).limit(1)) is None,
                    _revisits, (RevisitSchedule, Revisit, WorkOrder))


def _revisits(desk: Desk) -> None:
    session = desk.session
    officer = desk.actor("property_officer")
    estate = session.scalar(select(Estate).where(
        Estate.id.in_(officer.scope.estate_ids), Estate.kind == "residential")
        .order_by(Estate.id).limit(1))
    if estate is None:
        return
    building = session.scalar(select(Building).where(Building.estate_id == estate.id)
                              .order_by(Building.id).limit(1))
    schedules = [
        RevisitSchedule(kind="director", estate=estate, office_id=estate.office_id,
                        yearly_count=1, note="管理处主任每年走访每户一次"),
        RevisitSchedule(kind="officer", estate=estate, office_id=estate.office_id,
                        buildings=[building] if building else [],
                        person_id=desk.user_id("property_officer"), note="物管员季度走访"),
        RevisitSchedule(kind="forum", estate=estate, office_id=estate.office_id,
                        note="每季度业主座谈会"),
    ]
    session.add_all(schedules)
    session.flush()
    # The minute tick plans the director's visits and the rest of the officer's round;
    # the demo makes the forum and the round's first few tasks now.
    start = desk.ago(hours=2)
    for schedule in schedules[1:]:
        plan_schedule(session, schedule, start, batch=5)
    tasks = session.scalars(select(Revisit).where(
        Revisit.schedule_id.in_([s.id for s in schedules[1:]]))
        .order_by(Revisit.id)).all()
    forum = next((t for t in tasks if t.subject == "forum"), None)
    visits = [t for t in tasks if t.subject == "routine_officer"]
    when = desk.ago(hours=1)
    if forum is not None:
        desk.step(forum, "record", "director", when, mode="visit",
                  revisitee="业主代表 12 人", satisfaction="satisfied",
                  content="座谈会：停车位管理、绿化养护、电梯维保。")
    if visits:
        desk.step(visits[0], "record", "property_officer", when, mode="visit",
                  revisitee="业主", satisfaction="neutral", content="入户走访，了解居住情况。",
                  open_question="小区何时更换单元门禁？",
                  promised_reply_at=desk.ahead(3, 17))
    # Residents who moved in this month get their new-resident revisit (R-RV-1).
    plan_new_residents(session, start, batch=50)
    if len(visits) > 1:
        desk.step(visits[1], "record_problem", "property_officer", when, mode="visit",
                  revisitee="业主", satisfaction="dissatisfied",
                  problem="卫生间吊顶渗水，需维修。", category="water_leak")
