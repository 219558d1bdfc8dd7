"""Monthly communication reports (R-CS-7): every management level files one a month; the
office director summarises the office's, Quality the company's; leadership records a
decision on every suggestion — rejected, act now, act later — and "act now" opens an
improvement action the deadline engine watches. Acted through the REST API by the world's
people; office B never sees office A's."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select

from app import clock
from app.models.communication import (
    CommunicationReport,
    CommunicationSummary,
    ImprovementAction,
)
from app.workflows.deadlines import tick_in_session
from tests.helpers import history_names, put_versioned, transition

REPORTS = "/api/v1/communication_report/"
SUMMARIES = "/api/v1/communication_summary/"
ACTIONS = "/api/v1/improvement_action/"
report_step = partial(transition, base=REPORTS)
summary_step = partial(transition, base=SUMMARIES)
action_step = partial(transition, base=ACTIONS)
NOW = datetime(2026, 12, 3, 9, 0)
MONTH = "2026-11"


def file_report(api, expect: int = 201, **extra):
    body = {"month": MONTH, "customers_contacted": 12, "ways": "上门走访、业主座谈会",
            "opinions": "业主反映地下车库照明不足，夜间出入不安全。",
            "suggestions_text": "地下车库增加照明\n夜间增加一次巡逻", **extra}
    response = api.post(REPORTS, json=body)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def decide(api, pk: int, suggestion: int, decision: str, expect: int = 200, **data):
    return summary_step(api, pk, "decide", {"suggestion": str(suggestion),
                                            "decision": decision, **data}, expect=expect)


def test_one_report_a_person_a_month_at_the_level_of_their_role(world, api_as, seeded):
    supervisor, director = api_as("supervisor_a"), api_as("director_a")
    with clock.using(clock.FrozenClock(NOW)):
        file_report(api_as("tech_a"), expect=403)  # not a management level
        for bad in ({"month": "2026-13"}, {"month": "十一月"}, {"month": "2027-01"},
                    {"customers_contacted": -1}, {"opinions": " "}):
            refused = file_report(supervisor, expect=400, **bad)
            assert set(refused.json["errors"]) <= {"month", "customers_contacted",
                                                   "opinions"}, refused.json
        pk = file_report(supervisor).json["id"]
        again = file_report(supervisor, expect=400)
        assert "month" in again.json["errors"]
        report = seeded.get(CommunicationReport, pk)
        assert report.level == "supervisor" and report.office_id == world.office_a
        assert report.author_id == world.user_supervisor_a
        assert report.number.startswith("CR-")
        head_pk = file_report(api_as("head_a")).json["id"]
        assert seeded.get(CommunicationReport, head_pk).level == "department"
        director_pk = file_report(director).json["id"]
        assert seeded.get(CommunicationReport, director_pk).level == "office"

        report_step(director, pk, "file", expect=400)  # only its author files it
        report_step(api_as("lead_a"), pk, "file", expect=404, version=1)  # a colleague's report
        report_step(supervisor, pk, "file")
        report_step(supervisor, pk, "return", comment="x", expect=403)
        report_step(director, pk, "return", expect=400)  # a reason is required
        report_step(director, pk, "return", comment="请补充业主座谈会的意见")
        assert put_versioned(supervisor, f"{REPORTS}{pk}", {
            "opinions": "业主反映地下车库照明不足；座谈会上提出增加充电桩。"}).status_code == 200
        report_step(supervisor, pk, "file")
        report_step(supervisor, pk, "summarise", expect=403)  # only by the summary
    seeded.expire_all()
    assert history_names(seeded, "communication_report", pk) == [
        "create", "file", "return", "file"]
    # Who reads which report: the author and the office's director; the department
    # level (which Quality summarises) also Quality; never office B.
    assert api_as("director_b").get(f"{REPORTS}{pk}").status_code == 404
    assert api_as("quality_a").get(f"{REPORTS}{pk}").status_code == 404
    assert api_as("quality_a").get(f"{REPORTS}{head_pk}").status_code == 200
    assert api_as("quality_b").get(f"{REPORTS}{head_pk}").status_code == 404
    assert api_as("director_a").get(f"{REPORTS}{pk}").status_code == 200


def office_summary(world, api_as, seeded) -> tuple[int, list[int]]:
    """Two reports filed in office A and one in B; director A's summary submitted."""
    director = api_as("director_a")
    with clock.using(clock.FrozenClock(NOW)):
        for who in ("supervisor_a", "officer_a", "supervisor_b"):
            pk = file_report(api_as(who)).json["id"]
            report_step(api_as(who), pk, "file")
        late = file_report(api_as("lead_a"), suggestions_text="更换二期水泵").json["id"]
        response = director.post(SUMMARIES, json={
            "month": MONTH, "analysis": "本月业主意见集中在车库照明和夜间安全。",
            "proposals": "车库照明纳入下季度改造计划"})
        assert response.status_code == 201, response.get_data(as_text=True)
        pk = response.json["id"]
        assert director.post(SUMMARIES, json={"month": MONTH, "analysis": "x"}
                             ).status_code == 400  # one a month
        summary = seeded.get(CommunicationSummary, pk)
        assert summary.kind == "office" and summary.office_id == world.office_a
        assert len(summary.reports) == 2  # office B's report is not office A's
        report_step(api_as("lead_a"), late, "file")  # filed after the summary was begun
        summary_step(api_as("quality_a"), pk, "submit", expect=400)  # not its author
        summary_step(director, pk, "submit")
    seeded.expire_all()
    summary = seeded.get(CommunicationSummary, pk)
    assert summary.state == "awaiting_decision" and len(summary.reports) == 3
    assert {r.state for r in summary.reports} == {"summarised"}
    texts = [s.text for s in summary.suggestions]
    # Each report's lines, the late report's, and the director's own.
    assert texts.count("地下车库增加照明") == 2 and "更换二期水泵" in texts
    assert "车库照明纳入下季度改造计划" in texts and len(texts) == 6
    return pk, [s.id for s in summary.suggestions]


def test_leadership_decides_on_every_suggestion_and_act_now_opens_work(world, api_as,
                                                                         seeded):
    pk, suggestions = office_summary(world, api_as, seeded)
    deputy, director = api_as("deputy"), api_as("director_a")
    first, second, third, *rest = suggestions
    with clock.using(clock.FrozenClock(NOW + timedelta(days=1))):
        decide(director, pk, first, "rejected", note="x", expect=403)  # leadership only
        decide(deputy, pk, first, "rejected", expect=400)  # why?
        decide(deputy, pk, first, "act_now", expect=400)  # who and by when?
        decide(deputy, pk, first, "act_now", department=str(world.eng_a),
               due_date="2026-11-01", expect=400)  # not in the past
        decide(deputy, pk, first, "act_later", reconsider_on="2026-12-01", expect=400)
        decide(deputy, pk, first, "maybe", expect=400)
        decide(deputy, pk, 999999, "rejected", note="x", expect=400)
        decide(deputy, pk, first, "act_now", department=str(world.eng_a),
               due_date="2026-12-20", note="先在B区试点")
        decide(deputy, pk, first, "rejected", note="x", expect=400)  # decided already
        decide(deputy, pk, second, "act_later", reconsider_on="2027-03-01")
        summary_step(deputy, pk, "conclude", expect=400)  # four still wait
        decide(api_as("gm"), pk, third, "rejected", note="已列入物业费预算外项目，暂不采纳")
        for suggestion in rest:
            decide(deputy, pk, suggestion, "rejected", note="与第一条重复")
        summary_step(director, pk, "conclude", expect=403)
        summary_step(deputy, pk, "conclude")
    seeded.expire_all()
    summary = seeded.get(CommunicationSummary, pk)
    assert summary.state == "decided" and summary.decided_by_id == world.user_deputy
    decided = {s.id: s for s in summary.suggestions}
    assert all(s.decision for s in decided.values())
    assert decided[second].reconsider_on.isoformat() == "2027-03-01"
    actions = list(seeded.scalars(select(ImprovementAction)))
    assert len(actions) == 1  # only "act now" opens work
    action = actions[0]
    assert action.suggestion_id == first and action.department_id == world.eng_a
    assert action.due_at == datetime(2026, 12, 20, 23, 59) and action.state == "open"
    assert "地下车库增加照明" in action.task and "先在B区试点" in action.task
    assert history_names(seeded, "communication_summary", pk) == [
        "create", "submit", *["decide"] * 6, "conclude"]


def test_the_improvement_action_done_verified_and_escalated_when_late(world, api_as, as_user,
                                                                       seeded):
    pk, suggestions = office_summary(world, api_as, seeded)
    deputy, director, lead = api_as("deputy"), api_as("director_a"), api_as("lead_a")
    with clock.using(clock.FrozenClock(NOW + timedelta(days=1))):
        decide(deputy, pk, suggestions[0], "act_now", department=str(world.eng_a),
               due_date="2026-12-10")
    action_id = seeded.scalar(select(ImprovementAction.id))
    # The department that acts sees it (its head in the queue); another department and
    # office B do not.
    assert api_as("head_a").get(f"{ACTIONS}{action_id}").status_code == 200
    assert api_as("supervisor_a").get(f"{ACTIONS}{action_id}").status_code == 404
    assert api_as("director_b").get(f"{ACTIONS}{action_id}").status_code == 404
    assert api_as("head_a").post(ACTIONS, json={"task": "x"}).status_code in (403, 405)
    queue = as_user("head_a").get("/queue/department")
    assert queue.status_code == 200 and "IA-" in queue.get_data(as_text=True)
    # Late: escalated to the engineering head on the tick after the due time.
    result = tick_in_session(seeded, datetime(2026, 12, 11, 0, 5))
    assert result.escalations >= 1
    with clock.using(clock.FrozenClock(datetime(2026, 12, 11, 10, 0))):
        action_step(lead, action_id, "done", expect=400)  # what was done?
        action_step(lead, action_id, "done", {"measure": "车库新增节能灯40盏"})
        action_step(lead, action_id, "verify", expect=403)
        action_step(director, action_id, "reopen", expect=400)
        action_step(director, action_id, "reopen", comment="B区照明仍不足")
        action_step(lead, action_id, "done", {"measure": "B区再增加节能灯12盏"})
        action_step(director, action_id, "verify")
    seeded.expire_all()
    action = seeded.get(ImprovementAction, action_id)
    assert action.state == "verified" and action.verified_by_id == world.user_director_a
    assert history_names(seeded, "improvement_action", action_id) == [
        "create", "done", "reopen", "done", "verify"]


def test_quality_summarises_the_company_levels(world, api_as, as_user, seeded):
    """Department heads' (and leaders') reports go to Quality's company summary, not the
    office's; a summary with nothing to decide cannot go to leadership."""
    quality = api_as("quality_a")
    with clock.using(clock.FrozenClock(NOW)):
        head = file_report(api_as("head_a"), suggestions_text="").json["id"]
        report_step(api_as("head_a"), head, "file")
        response = quality.post(SUMMARIES, json={"month": MONTH, "analysis": "各部门本月沟通情况良好。"})
        assert response.status_code == 201, response.get_data(as_text=True)
        pk = response.json["id"]
        summary = seeded.get(CommunicationSummary, pk)
        assert summary.kind == "company" and summary.office_id is None
        assert [r.id for r in summary.reports] == [head]
        summary_step(quality, pk, "submit", expect=400)  # nothing for leadership to decide
        assert put_versioned(quality, f"{SUMMARIES}{pk}",
                             {"proposals": "建立部门负责人每月走访制度"}).status_code == 200
        summary_step(quality, pk, "submit")
        summary_step(api_as("deputy"), pk, "return", comment="请附上各部门走访次数")
        summary_step(quality, pk, "submit")
    seeded.expire_all()
    summary = seeded.get(CommunicationSummary, pk)
    assert [s.text for s in summary.suggestions] == ["建立部门负责人每月走访制度"]
    suggestion = summary.suggestions[0].id
    assert api_as("director_a").get(f"{SUMMARIES}{pk}").status_code == 200
    # The company's summary is read everywhere, each reader seeing only their reports.
    number = seeded.get(CommunicationReport, head).number
    for user, shown in (("quality_a", True), ("director_b", False)):
        page = as_user(user).get(f"/communicationsummaryview/show/{pk}")
        assert page.status_code == 200 and (number in page.get_data(as_text=True)) == shown
    # Acted on in another office: Quality, who wrote the summary, still verifies it.
    with clock.using(clock.FrozenClock(NOW + timedelta(days=1))):
        decide(api_as("deputy"), pk, suggestion, "act_now",
               department=str(world.eng_b), due_date="2026-12-31")
        action = seeded.scalar(select(ImprovementAction.id))
        action_step(api_as("lead_b"), action, "done", {"measure": "已建立走访制度"})
        action_step(api_as("director_a"), action, "verify", expect=404, version=1)
        action_step(quality, action, "verify")


def test_the_summary_page_lists_reports_and_decisions(world, api_as, as_user, seeded):
    pk, suggestions = office_summary(world, api_as, seeded)
    with clock.using(clock.FrozenClock(NOW + timedelta(days=1))):
        decide(api_as("deputy"), pk, suggestions[0], "act_later",
               reconsider_on="2027-02-01")
    page = as_user("director_a").get(f"/communicationsummaryview/show/{pk}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "地下车库增加照明" in html and "2027-02-01" in html
    assert api_as("director_b").get(f"{SUMMARIES}{pk}").status_code == 404
    listing = as_user("supervisor_a").get("/communicationreportview/list/")
    assert listing.status_code == 200
