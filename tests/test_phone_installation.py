"""Telephone installation for shopping-centre tenants (R-FD-6), through the REST API as the
people of tests/world.py, whose estate A is made a shopping centre here.

Path A: the bureau application recorded (308 paid there, not to us), 1,000 for materials
and labour to Finance, copies and receipt to the electricians, the bureau's line (promised
within a month), installation about two days later. Path B: the department manager signs
the application, General Affairs files it, 1,300 (300 + 1,000) to Finance, the receipt to
General Affairs, installation. The amounts are settings; each step belongs to its path and
its department; late lines and installations escalate through the deadline engine."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import select, update

from app import clock as product_clock
from app.clock import FrozenClock
from app.models import Estate, Setting
from app.models.phone_installation import PhoneInstallation
from app.models.workflow import DeadlinePolicy, DeadlineTimer, Escalation, Notification
from app.workflows.deadlines import tick_in_session
from tests.helpers import history_names, pdf_text, transition

API = "/api/v1/phone_installation/"
NOW = datetime(2026, 6, 10, 10, 0)  # a Wednesday
take = partial(transition, base=API)


@pytest.fixture
def frozen():
    """The product's clock stands still at NOW for registration, steps and deadlines."""
    clock = FrozenClock(NOW)
    token = product_clock.install(clock)
    yield clock
    product_clock.uninstall(token)


@pytest.fixture
def mall(frozen, world, seeded):
    """Estate A as a shopping centre (tests/world.py's estates are residential)."""
    seeded.execute(update(Estate).where(Estate.id == world.estate_a)
                   .values(kind="shopping_centre"))
    seeded.commit()
    return seeded


def register(api, world, path: str = "bureau", expect: int = 201, **extra):
    payload = {"estate": world.estate_a, "unit": world.unit_a, "path": path, "tenant": "恒鑫黄金专柜", "contact": "陈丽",
               "contact_phone": "13812345678", **extra}
    response = api.post(API, json=payload)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def timers(session, pk: int) -> dict[str, DeadlineTimer]:
    session.expire_all()
    return {t.policy.key: t for t in session.scalars(
        select(DeadlineTimer).join(DeadlinePolicy)
        .where(DeadlineTimer.doc_type == "phone_installation", DeadlineTimer.doc_id == pk))}


def bureau_path_to_line(api_as, world, pk: int) -> None:
    agent = api_as("agent_a")
    take(agent, pk, "record_bureau_application", {
        "bureau_applied_at": "2026-06-09 15:00", "bureau_receipt": "电信 0609-118",
        "form_copy": True})
    take(api_as("cashier_a"), pk, "take_fee", {"amount_paid": "1000",
                                               "receipt_number": "CW-0610-07"})
    take(api_as("tech_a"), pk, "hand_to_electricians")


def test_path_a_the_bureau_then_finance_then_the_electricians(world, api_as, mall):
    agent = api_as("agent_a")
    register(api_as("tech_a"), world, expect=403)
    pk = register(agent, world).json["id"]
    doc = mall.get(PhoneInstallation, pk)
    assert doc.number.startswith("TEL-") and doc.state == "registered"
    assert doc.department_id == world.marketing_a  # the tenants' department
    assert (doc.bureau_fee, doc.materials_fee, doc.fee_due, doc.initial_fee) == (
        Decimal("308.00"), Decimal("1000.00"), Decimal("1000.00"), None)

    take(agent, pk, "sign_application", expect=403)  # not the agent's step anyway
    take(api_as("marketing_a"), pk, "sign_application", expect=400)  # the other path's
    take(api_as("cashier_a"), pk, "take_fee", {"amount_paid": "1000", "receipt_number": "x"},
         expect=409)  # the bureau first
    take(agent, pk, "record_bureau_application", {
        "bureau_applied_at": "2026-06-09 15:00", "bureau_receipt": "电信 0609-118"},
         expect=400)  # the copy handed to the department
    take(agent, pk, "record_bureau_application", {
        "bureau_applied_at": "2026-06-09 15:00", "bureau_receipt": "电信 0609-118",
        "form_copy": True})
    take(agent, pk, "take_fee", {"amount_paid": "1000", "receipt_number": "x"}, expect=403)
    take(api_as("clerk_a"), pk, "take_fee", {"amount_paid": "1000", "receipt_number": "x"},
         expect=403)
    wrong = take(api_as("cashier_a"), pk, "take_fee",
                 {"amount_paid": "1308", "receipt_number": "CW-1"}, expect=400).json
    assert "1,000.00 yuan" in wrong["message"]  # the 308 is paid at the bureau, not here
    take(api_as("cashier_a"), pk, "take_fee", {"amount_paid": "1000.00",
                                               "receipt_number": "CW-0610-07"})
    take(api_as("clerk_a"), pk, "file_receipt", expect=400)  # path B's clerk step
    take(api_as("marketing_a"), pk, "hand_to_electricians", expect=400)  # not an electrician
    take(api_as("tech_a"), pk, "hand_to_electricians")
    take(api_as("tech_a"), pk, "install", expect=409)  # the bureau's line first
    take(api_as("head_a"), pk, "line_arrived")
    take(api_as("tech_a"), pk, "install")
    mall.expire_all()
    doc = mall.get(PhoneInstallation, pk)
    assert doc.state == "installed" and doc.installed_by_id == world.user_tech_a
    assert doc.amount_paid == Decimal("1000.00") and doc.received_by_id == world.user_cashier_a
    assert doc.bureau_receipt == "电信 0609-118" and doc.bureau_applied_at == datetime(
        2026, 6, 9, 15, 0)
    assert history_names(mall, "phone_installation", pk) == [
        "create", "record_bureau_application", "take_fee", "hand_to_electricians",
        "line_arrived", "install"]
    assert {k: t.status for k, t in timers(mall, pk).items()} == {
        "phone.bureau_line": "met", "phone.installation": "met"}


def test_path_b_the_department_manager_general_affairs_and_1300(world, api_as, mall):
    agent, clerk, cashier = api_as("agent_a"), api_as("clerk_a"), api_as("cashier_a")
    pk = register(agent, world, path="centre").json["id"]
    doc = mall.get(PhoneInstallation, pk)
    assert (doc.bureau_fee, doc.initial_fee, doc.materials_fee, doc.fee_due) == (
        None, Decimal("300.00"), Decimal("1000.00"), Decimal("1300.00"))

    take(agent, pk, "record_bureau_application", {
        "bureau_applied_at": "2026-06-09 15:00", "bureau_receipt": "x", "form_copy": True},
         expect=400)  # path A's step
    take(api_as("head_a"), pk, "sign_application", expect=400)  # not the tenant's department
    take(api_as("marketing_a"), pk, "sign_application")
    take(api_as("guard_a"), pk, "file_application", expect=403, version=2)
    take(clerk, pk, "file_application")
    refused = take(cashier, pk, "take_fee", {"amount_paid": "1000", "receipt_number": "CW-2"},
                   expect=400).json
    assert "1,300.00 yuan" in refused["message"]
    take(cashier, pk, "take_fee", {"amount_paid": "1300", "receipt_number": "CW-0610-08"})
    take(api_as("tech_a"), pk, "hand_to_electricians", expect=400)  # path A's step
    take(clerk, pk, "file_receipt")
    take(api_as("tech_a"), pk, "install")
    mall.expire_all()
    doc = mall.get(PhoneInstallation, pk)
    assert doc.state == "installed" and doc.application_signed_by_id == world.user_marketing_a
    assert doc.filed_at and doc.receipt_filed_at and doc.line_ready_at
    assert history_names(mall, "phone_installation", pk) == [
        "create", "sign_application", "file_application", "take_fee", "file_receipt",
        "install"]
    assert {k: t.status for k, t in timers(mall, pk).items()} == {
        "phone.installation": "met"}


def test_a_changed_setting_changes_the_fees_of_new_registrations(world, api_as, mall):
    agent = api_as("agent_a")
    before = register(agent, world, path="centre").json["id"]
    for key, value in (("phone.materials_labour_fee", "1200"),
                       ("phone.centre_initial_fee", "350"),
                       ("phone.bureau_initial_fee", "318")):
        mall.execute(update(Setting).where(Setting.key == key).values(value=Decimal(value)))
    mall.commit()
    ids = register(agent, world, path="centre").json["id"], register(agent, world).json["id"]
    mall.expire_all()
    centre, bureau = (mall.get(PhoneInstallation, pk) for pk in ids)
    assert centre.fee_due == Decimal("1550.00") and centre.initial_fee == Decimal("350.00")
    assert (bureau.fee_due, bureau.bureau_fee) == (Decimal("1200.00"), Decimal("318.00"))
    # What a tenant was told stays: the earlier registration keeps 1,300.
    assert mall.get(PhoneInstallation, before).fee_due == Decimal("1300.00")


def test_only_shopping_centres_take_telephone_installation(world, api_as, seeded):
    refused = register(api_as("agent_a"), world, expect=400).json
    assert "shopping centre" in refused["errors"]["estate"]
    assert register(api_as("agent_a"), world, expect=400, path="satellite").status_code == 400


def test_registration_checks(world, api_as, mall):
    agent = api_as("agent_a")
    assert register(agent, world, expect=400, tenant=" ").json["errors"]["tenant"]
    assert register(agent, world, expect=400, unit=world.unit_b).status_code == 400
    pk = register(agent, world).json["id"]
    take(agent, pk, "withdraw", expect=400)  # a reason
    take(agent, pk, "withdraw", comment="商户改用自带手机")
    mall.expire_all()
    assert mall.get(PhoneInstallation, pk).state == "withdrawn"


def test_a_late_line_and_a_late_installation_escalate(world, api_as, mall, frozen):
    """The bureau promised its line within a month of the application (R-FD-6): the desk
    is warned, then the tenant's department manager and the office director hear of it;
    the line met, the electricians' two days run and escalate in turn."""
    pk = register(api_as("agent_a"), world).json["id"]
    bureau_path_to_line(api_as, world, pk)
    line = timers(mall, pk)["phone.bureau_line"]
    assert line.started_at == datetime(2026, 6, 9, 15, 0)
    assert line.due_at == datetime(2026, 7, 9, 15, 0)  # 30 calendar days
    assert tick_in_session(mall, line.due_at - timedelta(minutes=1)).escalations == 0
    result = tick_in_session(mall, line.due_at + timedelta(days=1, minutes=1))
    mall.commit()
    assert result.escalations == 2
    levels = [(e.level, e.target) for e in mall.scalars(
        select(Escalation).where(Escalation.timer_id == line.id).order_by(Escalation.level))]
    assert levels == [(0, "handler"), (1, "handler"), (2, "department_head")]
    heard = set(mall.scalars(select(Notification.user_id).where(
        Notification.timer_id == line.id)))
    assert heard == {world.user_agent_a, world.user_marketing_a}

    frozen.set(datetime(2026, 7, 11, 9, 0))
    take(api_as("tech_a"), pk, "line_arrived")
    install = timers(mall, pk)
    assert install["phone.bureau_line"].status == "met"
    timer = install["phone.installation"]
    assert timer.due_at == datetime(2026, 7, 13, 9, 0)  # about two days
    result = tick_in_session(mall, timer.due_at + timedelta(minutes=1))
    mall.commit()
    assert (timer.id, 1) in result.levels
    take(api_as("tech_a"), pk, "install")
    assert timers(mall, pk)["phone.installation"].status == "met"


def test_scope_and_permissions(world, api_as, mall):
    pk = register(api_as("agent_a"), world).json["id"]
    for user, status in {"agent_a": 200, "cashier_a": 200, "clerk_a": 200, "tech_a": 200,
                         "director_a": 200, "agent_b": 404, "cashier_b": 404,
                         "guard_a": 403}.items():
        assert api_as(user).get(f"{API}{pk}").status_code == status, user
    register(api_as("agent_b"), world, expect=400)  # not an estate of theirs
    take(api_as("agent_b"), pk, "withdraw", comment="x", expect=404, version=1)
    take(api_as("cashier_a"), pk, "withdraw", comment="x", expect=403)
    # The contact's phone is masked for those who may not see phones.
    assert api_as("cashier_a").get(f"{API}{pk}").json["result"]["contact_phone"] != \
        "13812345678"
    assert api_as("agent_a").get(f"{API}{pk}").json["result"]["contact_phone"] == \
        "13812345678"


def flat(text: str) -> str:
    return "".join(text.split())


def test_the_registration_form_prints_the_fees_of_its_path(world, api_as, mall):
    agent = api_as("agent_a")
    bureau = register(agent, world).json["id"]
    bureau_path_to_line(api_as, world, bureau)
    centre = register(agent, world, path="centre").json["id"]
    text = flat("".join(pdf_text(agent.get(
        f"{API}{bureau}/pdf?form=phone_installation&lang=zh_Hans&second=en").data)))
    assert "电话安装业务登记表" in text and "Telephoneinstallationregistrationform" in text
    assert "308.00元" in text and "1,000.00元" in text and "CW-0610-07" in text
    assert "电信0609-118" in text and "恒鑫黄金专柜" in text
    text = flat("".join(pdf_text(agent.get(
        f"{API}{centre}/pdf?form=phone_installation&lang=zh_Hans&second=en").data)))
    assert "1,300.00元" in text and "300.00元" in text and "308.00" not in text
    mall.execute(update(Estate).where(Estate.id == world.estate_a).values(currency="HKD"))
    mall.commit()
    text = flat("".join(pdf_text(agent.get(
        f"{API}{centre}/pdf?form=phone_installation&lang=zh_Hant&second=en").data)))
    assert "1,300.00港元" in text and "300.00港元" in text and "1,300.00元" not in text
