"""Demo monthly communication reports (R-CS-7) of 翠湖管理处: the month before last filed,
summarised by the director and decided by the deputy general manager (one improvement
action done and verified, one later, one rejected); last month's reports being filed, and
Quality's summary of the department heads' reports waiting for leadership. Acted by the
demo's own people through the workflow engine."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.demo.desk import Desk, _demo_documents
from app.demo.load import Load
from app.models.communication import (
    CommunicationReport,
    CommunicationSummary,
    ImprovementAction,
)

# (login, customers talked with, how, what they said, suggestions one a line)
EARLIER = (
    ("cs_supervisor", 46, "前台接待、电话回访、业主座谈会",
     "业主普遍反映地下车库照明不足，夜间出入不安全；部分业主希望增加电动车充电桩。",
     "地下车库增加照明\n增设电动车充电桩"),
    ("property_officer", 58, "上门走访",
     "3栋、5栋业主反映楼道堆放杂物未及时清理；老年业主希望增加休息座椅。",
     "楼道杂物每周集中清理一次"),
    ("repair_lead", 21, "维修回访",
     "业主对维修响应速度满意，但希望维修后清理现场更彻底。",
     "维修完工后增加现场清洁检查"),
)
LATER = (
    ("cs_supervisor", 39, "前台接待、电话回访",
     "业主对车库新增照明表示满意；有业主反映快递柜容量不足。", "增加一组快递柜"),
    ("property_officer", 44, "上门走访",
     "部分业主反映冬季热水供应不稳定。", ""),
)
HEADS = (("eng_head", 12, "部门走访、业主委员会会议",
          "业主委员会希望公布二次供水水箱清洗记录。", "每季度在公告栏公布水箱清洗记录"),)


def demo_communication(load: Load) -> None:
    session = load.session
    _demo_documents(load, "monthly communication reports",
                    lambda: session.scalar(select(CommunicationReport.id).limit(1)) is None,
                    _communication, (CommunicationReport, CommunicationSummary,
                                     ImprovementAction))


def _month(when: datetime) -> str:
    return f"{when:%Y-%m}"


def _file(desk: Desk, rows, month: str, when: datetime) -> list[CommunicationReport]:
    reports = []
    for offset, (login, contacted, ways, opinions, suggestions) in enumerate(rows):
        report = desk.create(CommunicationReport(
            month=month, customers_contacted=contacted, ways=ways, opinions=opinions,
            suggestions_text=suggestions), login, when + timedelta(minutes=20 * offset))
        desk.step(report, "file", login, when + timedelta(minutes=20 * offset + 10))
        reports.append(report)
    return reports


def _communication(desk: Desk) -> None:
    last_month_start = (desk.now.replace(day=1) - timedelta(days=1)).replace(day=1)
    earlier = _month(last_month_start - timedelta(days=1))
    first = datetime.combine(last_month_start.date(), datetime.min.time())
    _file(desk, EARLIER, earlier, first + timedelta(days=1, hours=9))
    summary = desk.create(CommunicationSummary(
        month=earlier, analysis="本月业主意见集中在地下车库照明和夜间安全，其次是楼道环境。",
        proposals="车库照明改造纳入本季度工程计划"), "director", first + timedelta(days=3, hours=9))
    desk.step(summary, "submit", "director", first + timedelta(days=3, hours=11))
    decided = first + timedelta(days=5, hours=10)
    engineering = desk.load.departments[("cuihu", "engineering")].id
    choices = {s.text: s for s in summary.suggestions}
    desk.step(summary, "decide", "deputy_gm", decided, suggestion=str(
        choices["地下车库增加照明"].id), decision="act_now", department=str(engineering),
        due_date=(decided + timedelta(days=10)).date(), note="先改造B区，再推广到全车库")
    desk.step(summary, "decide", "deputy_gm", decided + timedelta(minutes=5), suggestion=str(
        choices["增设电动车充电桩"].id), decision="act_later",
        reconsider_on=(decided + timedelta(days=90)).date(), note="待供电增容方案确定后再议")
    for text in ("楼道杂物每周集中清理一次", "维修完工后增加现场清洁检查",
                 "车库照明改造纳入本季度工程计划"):
        desk.step(summary, "decide", "deputy_gm", decided + timedelta(minutes=10),
                  suggestion=str(choices[text].id), decision="rejected",
                  note="已有相关规定，由管理处督促执行即可")
    desk.step(summary, "conclude", "deputy_gm", decided + timedelta(minutes=15))
    action = desk.session.scalar(select(ImprovementAction)
                                 .where(ImprovementAction.summary_id == summary.id))
    desk.step(action, "done", "repair_lead", decided + timedelta(days=7, hours=6),
              measure="B区车库新增节能灯40盏，照度检测合格")
    desk.step(action, "verify", "director", decided + timedelta(days=8))
    # Last month: reports coming in now, Quality's summary of the heads' waiting.
    month = _month(last_month_start)
    start = desk.ago(hours=3)
    _file(desk, LATER, month, start)
    _file(desk, HEADS, month, start + timedelta(hours=1))
    company = desk.create(CommunicationSummary(
        month=month, analysis="各部门负责人本月与业主委员会沟通两次，意见集中在二次供水。"),
        "quality", start + timedelta(hours=2))
    desk.step(company, "submit", "quality", start + timedelta(hours=2, minutes=30))
