"""Demo notices to residents (R-CS-8): the paid-service fees of 翠湖花园 in their second
edition (the first replaced) and its service commitments waiting for the director's
approval. Acted by the demo's own people through the workflow engine."""
from __future__ import annotations

from sqlalchemy import select

from app.demo.desk import Desk, _demo_documents
from app.demo.load import Load
from app.models.notice import Notice
from app.models.org import Estate

FEES = ("有偿服务收费标准", "疏通下水道：50 元/次；更换水龙头：30 元/次（材料另计）。\n\n"
        "预约请致电管理处，维修人员两小时内上门。")
FEES_2 = "疏通下水道：60 元/次；更换水龙头：30 元/次（材料另计）。\n\n" \
         "预约请致电管理处，维修人员两小时内上门；紧急漏水十五分钟内到场。"
COMMITMENTS = ("物业服务承诺", "报修十五分钟内响应；投诉当日答复；每季度公布物业服务费收支情况。")


def demo_notices(load: Load) -> None:
    session = load.session
    _demo_documents(load, "notices to residents",
                    lambda: session.scalar(select(Notice.id).limit(1)) is None,
                    _notices, (Notice,))


def _notices(desk: Desk) -> None:
    session = desk.session
    estates = {e.code: e for e in session.scalars(select(Estate))}
    home = estates.get("SZ-CHHY")
    if home is not None:
        fees = desk.create(Notice(estate=home, kind="paid_services", channel="notice_board",
                                  title=FEES[0], body=FEES[1]), "cs_supervisor", desk.day(40, 9))
        desk.step(fees, "submit", "cs_supervisor", desk.day(40, 10))
        desk.step(fees, "approve", "director", desk.day(39, 11))
        desk.step(fees, "publish", "cs_supervisor", desk.day(39, 15))
        desk.step(fees, "revise", "cs_supervisor", desk.day(5, 9))
        second = fees.next_edition
        second.body = FEES_2
        desk.step(second, "submit", "cs_supervisor", desk.day(5, 10))
        desk.step(second, "approve", "director", desk.day(4, 9))
        desk.step(second, "publish", "cs_supervisor", desk.day(4, 10))
        waiting = desk.create(Notice(estate=home, kind="commitments", channel="household",
                                     title=COMMITMENTS[0], body=COMMITMENTS[1]),
                              "cs_manager", desk.day(2, 14))
        desk.step(waiting, "submit", "cs_manager", desk.day(1, 9))
