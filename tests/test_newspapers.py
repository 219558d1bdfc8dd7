"""Newspaper subscriptions (R-FD-4): title and period (at least one month), availability
and the monthly price checked with the supplier, the resident's signed confirmation, a
purchase requisition approved by the customer-service centre manager, ordered and
registered by unit; cancelled only with the resident's signed notice, the supplier told in
writing and the register marked. Every step through the REST API as the people of
tests/world.py; office B never sees office A's subscriptions."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from dateutil.relativedelta import relativedelta
from sqlalchemy import update

from app.models import Estate, Setting
from app.models.base import local_now
from app.models.newspaper import NewspaperSubscription
from tests.helpers import history_names, pdf_text, put_versioned, transition

API = "/api/v1/newspaper_subscription/"
take = partial(transition, base=API)
# Subscriptions start on the first of next month; three months end the day before the
# first of the fourth.
START = (local_now().date().replace(day=1) + relativedelta(months=1))
END = START + relativedelta(months=3) - timedelta(days=1)


def flat(text: str) -> str:
    return "".join(text.split())


def request(api, world, expect: int = 201, **extra):
    payload = {"estate": world.estate_a, "unit": world.unit_a, "resident": world.resident_a,
               "title": "南方都市报", "starts_on": START.isoformat(), "months": 3, **extra}
    response = api.post(API, json=payload)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def active(api_as, world) -> int:
    """A subscription taken through every step up to the register (R-FD-4)."""
    agent = api_as("agent_a")
    pk = request(agent, world).json["id"]
    take(agent, pk, "check_supplier", {"supplier": "南山邮局", "unit_price": "45.00"})
    take(agent, pk, "confirm", {"signed": True})
    take(agent, pk, "submit_requisition")
    take(api_as("manager_a"), pk, "approve_requisition")
    take(agent, pk, "order", {"order_reference": "邮订-2027-0012"})
    take(agent, pk, "register")
    return pk


def test_a_subscription_from_the_request_to_the_register(world, api_as, as_user, seeded):
    agent, manager = api_as("agent_a"), api_as("manager_a")
    request(api_as("tech_a"), world, expect=403)
    pk = request(agent, world).json["id"]
    doc = seeded.get(NewspaperSubscription, pk)
    assert doc.number.startswith("NP-") and doc.state == "requested"
    assert doc.subscriber == "Resident A"  # the resident signs
    assert doc.ends_on == END and doc.handled_by_id == world.user_agent_a

    take(agent, pk, "confirm", {"signed": True}, expect=409)  # priced first
    take(agent, pk, "check_supplier", {"supplier": "南山邮局"}, expect=400)  # the price
    take(agent, pk, "check_supplier", {"supplier": "南山邮局", "unit_price": "0"},
         expect=400)
    take(agent, pk, "check_supplier", {"supplier": "南山邮局", "unit_price": "45.50"})
    seeded.expire_all()
    doc = seeded.get(NewspaperSubscription, pk)
    assert doc.total == Decimal("136.50")  # 3 months × 45.50 a month
    assert doc.checked_by_id == world.user_agent_a and doc.checked_at is not None

    take(agent, pk, "confirm", {"signed": False}, expect=400)  # the signature is the point
    take(agent, pk, "confirm", {"signed": True})
    take(agent, pk, "submit_requisition")
    for wrong in ("agent_a", "supervisor_a", "quality_a"):
        take(api_as(wrong), pk, "approve_requisition", expect=403)
    take(api_as("manager_b"), pk, "approve_requisition", expect=404, version=4)
    take(manager, pk, "return_requisition", expect=400)  # with a reason
    take(manager, pk, "return_requisition", comment="请注明订阅期限")
    take(agent, pk, "submit_requisition")
    take(manager, pk, "approve_requisition")
    take(agent, pk, "order", expect=400)  # the supplier's receipt or fax
    take(agent, pk, "order", {"order_reference": "邮订-2027-0012"})
    take(agent, pk, "register")
    seeded.expire_all()
    doc = seeded.get(NewspaperSubscription, pk)
    assert doc.state == "active" and doc.requisition_approved_by_id == world.user_manager_a
    assert doc.order_reference == "邮订-2027-0012" and doc.registered_at is not None
    assert history_names(seeded, "newspaper_subscription", pk) == [
        "create", "check_supplier", "confirm", "submit_requisition", "return_requisition",
        "submit_requisition", "approve_requisition", "order", "register"]

    page = as_user("agent_a")
    page.get("/lang/zh_Hans")
    register = page.get("/newspaperregisterview/list/").get_data(as_text=True)
    assert "南方都市报" in register and "A-1501" in register
    assert as_user("tech_a").get("/newspaperregisterview/list/").status_code == 403
    shown = page.get(f"/newspapersubscriptionview/show/{pk}").get_data(as_text=True)
    assert "南山邮局" in shown and "136.50" in shown


def test_a_subscription_runs_at_least_one_month(world, api_as, seeded):
    agent = api_as("agent_a")
    for months in (0, -2):
        refused = request(agent, world, expect=400, months=months).json
        assert refused["errors"]["months"] == "A subscription runs at least 1 month."
    assert request(agent, world, expect=400, title=" ").json["errors"]["title"]
    pk = request(agent, world, months=1, starts_on="2027-02-15").json["id"]
    assert seeded.get(NewspaperSubscription, pk).ends_on == date(2027, 3, 14)
    edited = put_versioned(agent, f"{API}{pk}", {"months": 0})
    assert edited.status_code == 400
    assert edited.json["errors"]["months"] == "A subscription runs at least 1 month."
    assert put_versioned(agent, f"{API}{pk}", {"months": 12}).status_code == 200
    seeded.expire_all()
    assert seeded.get(NewspaperSubscription, pk).ends_on == date(2028, 2, 14)
    # A mistyped period is refused, never stored (nor a 500 for a date past year 9999).
    for months in (61, 100000):
        refused = put_versioned(agent, f"{API}{pk}", {"months": months})
        assert refused.status_code == 400
        assert refused.json["errors"]["months"] == "A subscription runs at most 60 months."
    take(agent, pk, "check_supplier", {"supplier": "南山邮局", "unit_price": "30"})
    # Priced and told to the resident: the period no longer changes.
    assert put_versioned(agent, f"{API}{pk}", {"months": 6}).status_code == 400
    # The shortest period is the admin's setting.
    seeded.execute(update(Setting).where(Setting.key == "newspaper.minimum_months")
                   .values(value=3))
    seeded.commit()
    refused = request(agent, world, expect=400, months=2).json
    assert refused["errors"]["months"] == "A subscription runs at least 3 months."
    typed = agent.post(API, json={"estate": world.estate_a, "unit": world.unit_a,
                                  "title": "x", "starts_on": "2027-01-01", "months": "abc"})
    assert typed.status_code == 422 and typed.json["message"]["months"]


def test_a_cancellation_needs_the_signed_notice_and_the_supplier_told(world, api_as,
                                                                      as_user, seeded):
    agent = api_as("agent_a")
    pk = active(api_as, world)
    stop, told = START + timedelta(days=31), START + timedelta(days=20)
    take(agent, pk, "notify_supplier", {"supplier_notified_on": told.isoformat(),
                                        "supplier_notice_reference": "传真 0201"}, expect=409)
    take(agent, pk, "mark_register", expect=409)
    take(agent, pk, "record_cancellation", {"cancel_from": stop.isoformat()}, expect=400)
    refused = take(agent, pk, "record_cancellation",
                   {"cancel_from": (END + timedelta(days=1)).isoformat(), "signed": True},
                   expect=400).json
    assert START.isoformat() in refused["message"] and END.isoformat() in refused["message"]
    take(agent, pk, "record_cancellation", {"cancel_from": stop.isoformat(), "signed": True})
    take(agent, pk, "mark_register", expect=409)  # the supplier is told first
    take(agent, pk, "notify_supplier", {"supplier_notified_on": told.isoformat()},
         expect=400)
    take(api_as("tech_a"), pk, "notify_supplier", {
        "supplier_notified_on": told.isoformat(), "supplier_notice_reference": "x"},
         expect=403, version=8)
    take(agent, pk, "notify_supplier", {"supplier_notified_on": told.isoformat(),
                                        "supplier_notice_reference": "传真 NP-0120"})
    take(agent, pk, "mark_register")
    seeded.expire_all()
    doc = seeded.get(NewspaperSubscription, pk)
    assert doc.state == "cancelled" and doc.cancel_from == stop
    assert doc.supplier_notified_on == told
    assert doc.supplier_notice_reference == "传真 NP-0120"
    assert doc.cancel_notice_signed_at and doc.register_marked_at
    assert history_names(seeded, "newspaper_subscription", pk)[-3:] == [
        "record_cancellation", "notify_supplier", "mark_register"]
    page = as_user("agent_a")
    page.get("/lang/zh_Hans")
    register = page.get("/newspaperregisterview/list/").get_data(as_text=True)
    assert doc.number in register and "已取消" in register  # the register is marked


def test_the_end_of_the_period_and_withdrawing_a_request(world, api_as, seeded):
    agent = api_as("agent_a")
    pk = active(api_as, world)
    assert END.isoformat() in take(agent, pk, "end", expect=400).json["message"]
    # Moved back behind the workflow's back: a period that is over closes.
    seeded.execute(update(NewspaperSubscription).where(NewspaperSubscription.id == pk)
                   .values(ends_on=local_now().date() - timedelta(days=1)))
    seeded.commit()
    take(agent, pk, "end")
    seeded.expire_all()
    assert seeded.get(NewspaperSubscription, pk).state == "ended"

    other = request(agent, world, title="读者").json["id"]
    take(agent, other, "check_supplier", {"supplier": "南山邮局", "unit_price": "8"})
    take(agent, other, "withdraw", expect=400)  # with a reason
    take(agent, other, "withdraw", comment="供应商无此刊物")
    seeded.expire_all()
    assert seeded.get(NewspaperSubscription, other).state == "withdrawn"
    take(agent, pk, "withdraw", comment="x", expect=409)  # registered: cancel in writing


def test_scope_and_permissions(world, api_as, seeded):
    pk = request(api_as("agent_a"), world).json["id"]
    for user, status in {"agent_a": 200, "manager_a": 200, "director_a": 200,
                         "quality_a": 200, "agent_b": 404, "director_b": 404,
                         "tech_a": 403, "guard_a": 403}.items():
        assert api_as(user).get(f"{API}{pk}").status_code == status, user
    take(api_as("agent_b"), pk, "check_supplier",
         {"supplier": "x", "unit_price": "1"}, expect=404, version=1)
    request(api_as("agent_b"), world, expect=400)  # not an estate of theirs
    request(api_as("agent_a"), world, expect=400, unit=world.unit_b)  # another estate's unit
    take(api_as("quality_a"), pk, "check_supplier",
         {"supplier": "x", "unit_price": "1"}, expect=403)


def test_the_confirmation_prints_the_total_in_the_estates_currency(world, api_as, seeded):
    pk = active(api_as, world)
    agent = api_as("agent_a")
    response = agent.get(f"{API}{pk}/pdf?form=newspaper_confirmation&lang=zh_Hans&second=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = flat("".join(pdf_text(response.data)))
    for chinese, english in (("订阅报刊确认", "Newspaper subscription confirmation"),
                             ("订阅人", "Subscriber")):
        assert chinese in text and flat(english) in text
    assert "南方都市报" in text and "南山邮局" in text
    assert "135.00元" in text and "45.00元" in text
    seeded.execute(update(Estate).where(Estate.id == world.estate_a).values(currency="HKD"))
    seeded.commit()
    hkd = flat("".join(pdf_text(agent.get(
        f"{API}{pk}/pdf?form=newspaper_confirmation&lang=zh_Hant&second=en").data)))
    assert "135.00港元" in hkd and "45.00港元" in hkd
    assert api_as("agent_b").get(f"{API}{pk}/pdf").status_code == 404
