"""Demo work orders in every stage (R-WO-1..7), taken through the engine by the desk."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.demo.desk import Desk
from app.demo.load import Load, _caller, _unit
from app.models import Revisit, WorkOrder
from app.workflows.engine import WorkflowError

# --- demo work orders (R-WO-1..7) -----------------------------------------------------------

def _demo_work_orders(load: Load) -> None:
    """A few repairs in different states so that every queue has something in it: an
    emergency leak just reported, jobs dispatched, accepted with an appointment, done and
    awaiting the customer's signature (its revisit is due, R-WO-7), and one closed after
    payment with its revisit recorded. Created through the workflow engine, acting as the
    people who would do each step, and only in a database that has no work orders yet.

    When a step is refused (an admin changed the demo accounts' roles or profiles), the
    work orders are left out and the summary says why; the rest of the demo still loads.
    """
    session = load.session
    if session.scalar(select(func.count(WorkOrder.id))):
        return
    try:
        with session.begin_nested():
            _register_work_orders(load)
    except WorkflowError as error:
        load.work_orders.clear()
        details = "; ".join(f"{k}: {v}" for k, v in error.errors.items())
        load.notes.append(f"Demo work orders left out: {error.message} {details}".strip())
        return
    load.added["WorkOrder"] += len(load.work_orders)


def _register_work_orders(load: Load) -> None:
    desk = Desk(load)  # the one way the demo acts as its people
    session = load.session
    users = load.users
    ago, t = desk.ago, desk.now

    def register(by: str, when: datetime, **values: Any) -> WorkOrder:
        doc = WorkOrder(**values)
        if doc.unit is not None and doc.resident is None:
            doc.resident = _caller(doc.unit)
        desk.create(doc, by, when)
        load.work_orders.append(doc)
        return doc

    def step(doc: Any, name: str, by: str, when: datetime, **data: Any) -> None:
        desk.step(doc, name, by, when, **data)

    cuihu = load.estates["SZ-CHHY"]
    yuefu = load.estates["SZ-CHYF"]

    # 1. Emergency: a burst hose, reported a few minutes ago; on site within 15 minutes.
    register("agent", ago(minutes=4), estate=cuihu, unit=_unit(load, "SZ-CHHY", "3栋", "1502"),
             source="resident_phone", category="water_leak", emergency=True,
             reported_at=ago(minutes=6),
             description="厨房水槽下方进水软管爆裂，水已漫到客厅，楼下1402天花板开始滴水。"
                         "业主已关闭入户总阀，请立即派人。")

    # 2. A public-area fault reported by the property officer on the rounds, not yet sent.
    register("property_officer", ago(minutes=50), estate=cuihu, source="staff",
             category="public_area", location="12栋一楼电梯厅", reported_at=ago(minutes=55),
             description="12栋一楼电梯厅两盏筒灯不亮，晚间照明不足。")

    # 3. Dispatched to the second technician a few minutes ago, not accepted yet.
    doc = register("agent", ago(minutes=20), estate=cuihu,
                   unit=_unit(load, "SZ-CHHY", "5栋", "803"), source="resident_phone",
                   category="plumbing", reported_at=ago(minutes=22),
                   description="卫生间马桶水箱进水阀损坏，水箱一直流水不停。")
    step(doc, "dispatch", "agent", ago(minutes=6), technician_id=users["technician2"].id)

    # 4. Accepted, appointment agreed for tomorrow morning (non-emergency, R-WO-2).
    doc = register("agent", ago(hours=20), estate=yuefu,
                   unit=_unit(load, "SZ-CHYF", "2栋", "1204"), source="resident_phone",
                   category="electrical", reported_at=ago(hours=20, minutes=3),
                   description="客厅两个墙插没电，配电箱空气开关未跳闸，需上门检查线路。")
    step(doc, "dispatch", "agent", ago(hours=19, minutes=55),
         technician_id=users["technician"].id)
    step(doc, "accept", "technician", ago(hours=19, minutes=50))
    appointment = (t + timedelta(days=1)).replace(hour=10, minute=0, second=0)
    step(doc, "agree_appointment", "technician", ago(hours=19, minutes=45),
         appointment_at=appointment)

    # 5. Done a few hours ago, waiting for the customer's signature; its revisit is due.
    doc = register("agent", ago(hours=5), estate=cuihu,
                   unit=_unit(load, "SZ-CHHY", "8栋", "2001"), source="resident_visit",
                   category="doors_windows", reported_at=ago(hours=5, minutes=5),
                   description="阳台推拉门滑轮磨损，门推拉困难并有异响。")
    step(doc, "dispatch", "agent", ago(hours=4, minutes=55),
         technician_id=users["technician"].id)
    step(doc, "accept", "technician", ago(hours=4, minutes=50))
    step(doc, "arrive", "technician", ago(hours=4, minutes=20))
    step(doc, "quote", "technician", ago(hours=4, minutes=10), labour_hours="1.0",
         materials="推拉门滑轮 ×4", fee="60.00", customer_consent=True)
    step(doc, "complete", "technician", ago(hours=3, minutes=20),
         work_done="更换推拉门上下滑轮4个，调整门扇及限位，推拉顺畅无异响。")

    # 6. Closed three days ago: paid by WeChat, money handed to the property officer,
    #    and its revisit already made by phone (R-WO-5, R-WO-7).
    doc = register("agent", ago(days=3, hours=6), estate=cuihu,
                   unit=_unit(load, "SZ-CHHY", "1栋", "602"), source="resident_phone",
                   category="plumbing", reported_at=ago(days=3, hours=6, minutes=2),
                   description="卫生间地漏堵塞，洗澡时积水严重。")
    step(doc, "dispatch", "agent", ago(days=3, hours=5, minutes=58),
         technician_id=users["technician"].id)
    step(doc, "accept", "technician", ago(days=3, hours=5, minutes=52))
    step(doc, "arrive", "technician", ago(days=3, hours=5, minutes=30))
    step(doc, "quote", "technician", ago(days=3, hours=5, minutes=25), labour_hours="0.5",
         materials="", fee="80.00", customer_consent=True)
    step(doc, "complete", "technician", ago(days=3, hours=4, minutes=50),
         work_done="拆开地漏清理毛发及杂物，疏通下水管，试水排水通畅。")
    signer = doc.resident.name if doc.resident is not None else "业主"
    step(doc, "customer_accept", "technician", ago(days=3, hours=4, minutes=45),
         signed_by=signer, satisfaction="very_satisfied", customer_remarks="师傅很细心。")
    step(doc, "record_payment", "technician", ago(days=3, hours=4, minutes=44),
         amount_paid="80.00", payment_method="wechat",
         handed_to_id=users["property_officer"].id)
    step(doc, "close", "agent", ago(days=3, hours=2))
    revisit = session.scalar(select(Revisit).where(Revisit.work_order_id == doc.id))
    if revisit is not None:
        by = next((name for name, user in users.items() if user.id == revisit.assignee_id),
                  "system")  # nobody to assign: the system records it
        step(revisit, "record", by, ago(days=1, hours=3), mode="phone",
             revisitee=signer, repair_checked=True, charge_verified=True,
             satisfaction="satisfied", feedback="师傅准时上门，处理干净利落，收费清楚。")

    # 7. Hong Kong: a leak from the flat above, accepted by the estate's technician.
    hk = load.estates["HK-HBHY"]
    doc = register("agent_hk", ago(minutes=48), estate=hk,
                   unit=_unit(load, "HK-HBHY", "第2座", "15樓C室"), source="resident_phone",
                   category="water_leak", reported_at=ago(minutes=50),
                   description="浴室天花板滲水，懷疑樓上單位去水喉管滲漏，需上門檢查。")
    step(doc, "dispatch", "agent_hk", ago(minutes=40),
         technician_id=users["technician_hk"].id)
    step(doc, "accept", "technician_hk", ago(minutes=36))

    # 8. Shopping centre: loose floor tiles in the atrium, just registered.
    register("agent2", ago(minutes=12), estate=load.estates["SZ-HJH"], source="staff",
             category="public_area", location="L2 中庭自动扶梯旁", reported_at=ago(minutes=15),
             description="L2中庭自动扶梯旁两块地砖松动翘起，已摆放警示牌，需尽快修复。")
