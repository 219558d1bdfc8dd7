"""Resident passes 業戶證 (R-FD-2): household members taken from Sales before move-in by an
all-or-nothing import with a report of every rejected row; 3 free passes per member, 50 for
each further pass (both settings), paid to Finance whose receipt is recorded before the
passes are handed over; the sign-off sheet signed at move-in; pass numbers unique in the
estate; lost passes replaced at a charge, passes returned at move-out. Seen by the
estate's office only."""
from __future__ import annotations

import io
import re
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import func, select, update

from app.models import Estate, HouseholdPass, PassCard, Resident, Setting, Unit
from app.workflows import household_import
from app.workflows.resident_pass import charged_passes, pass_fee
from tests.helpers import csrf_token, history_names, pdf_text, transition

PASSES = "/api/v1/household_pass/"
IMPORT = "/household-import/"
take = partial(transition, base=PASSES)
HEADING = "estate,building,unit,name,relation,phone,id number\n"


def csv_file(*rows: str, heading: str = HEADING) -> bytes:
    return (heading + "".join(f"{row}\n" for row in rows)).encode("utf-8")


def upload(page, data: bytes, filename: str = "households.csv", estate: str = ""):
    token = csrf_token(page, IMPORT)
    return page.post(IMPORT, data={"csrf_token": token, "estate": estate,
                                   "file": (io.BytesIO(data), filename)},
                     content_type="multipart/form-data")


def residents_of(session, unit_id: int) -> list[Resident]:
    session.expire_all()
    return list(session.scalars(select(Resident).where(Resident.unit_id == unit_id)
                                .order_by(Resident.id)))


def household(as_user, seeded, world, *members: str) -> list[Resident]:
    """Members of the empty unit A-1502 reported by Sales, imported as the agent."""
    rows = [f"EST-A,Block A1,A-1502,{name},{relation},13800138000,"
            for name, relation in (m.split(":") for m in members)]
    response = upload(as_user("agent_a"), csv_file(*rows))
    assert response.status_code == 200, response.get_data(as_text=True)
    return residents_of(seeded, world.unit2_a)


def open_passes(api, unit_id: int, expect: int = 201):
    response = api.post(PASSES, json={"unit": unit_id})
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def doc(session, pk: int) -> HouseholdPass:
    session.expire_all()
    return session.get(HouseholdPass, pk)


# --- the rule's numbers ------------------------------------------------------------------------

def test_three_free_passes_per_member_and_50_for_each_further_one():
    # 2 members asking for 8 passes (4 each): 2 charged, 100 yuan.
    assert charged_passes({"wife": 4, "husband": 4}, 3) == 2
    assert pass_fee({"wife": 4, "husband": 4}, 3, Decimal(50)) == Decimal("100.00")
    # The free passes are each member's own: 5 + 1 still pays for 2.
    assert charged_passes({"wife": 5, "son": 1}, 3) == 2
    assert pass_fee({"a": 3, "b": 3, "c": 2}, 3, Decimal(50)) == 0


def test_a_household_from_sales_to_move_out(world, api_as, as_user, seeded):
    """Every transition walked: opened with the free passes, more asked for and paid,
    handed over at move-in against the signed sheet, a pass lost and replaced, one taken
    back, a member Sales missed, and the passes returned at move-out."""
    wife, husband = household(as_user, seeded, world, "王丽:配偶", "陈建国:业主")
    assert (wife.source, wife.kinship, wife.relation) == ("sales", "配偶", "family")
    assert husband.relation == "owner" and wife.move_in_date is None
    wife, husband = wife.id, husband.id
    agent, cashier = api_as("agent_a"), api_as("cashier_a")
    open_passes(api_as("tech_a"), world.unit2_a, expect=403)
    pk = open_passes(agent, world.unit2_a).json["id"]
    passes = doc(seeded, pk)
    assert passes.number.startswith("RP-") and passes.state == "draft"
    assert (passes.free_count, passes.charged_count, passes.amount) == (6, 0, 0)
    assert {c.resident_id for c in passes.cards} == {wife, husband}
    open_passes(agent, world.unit2_a, expect=400)  # one open document per household

    # 2 members asking for 8 passes: 2 charged, 100 yuan.
    take(agent, pk, "add_passes", {"member": str(wife), "count": 1})
    take(agent, pk, "add_passes", {"member": str(husband), "count": 1})
    take(agent, pk, "add_passes", {"member": str(wife), "count": 21}, expect=400)
    take(agent, pk, "add_passes", {"member": "999999", "count": 1}, expect=400)
    passes = doc(seeded, pk)
    assert (passes.free_count, passes.charged_count) == (6, 2)
    assert passes.amount == Decimal("100.00") and passes.amount_text == "100.00 yuan"
    numbers = [c.number for c in passes.cards]
    assert len(set(numbers)) == 8 and all(n.startswith("EST-A-") for n in numbers)

    take(agent, pk, "ready")
    take(agent, pk, "issue", {"signed_by": "陈建国", "signed": True}, expect=400)  # unpaid
    take(agent, pk, "record_payment", {"receipt_number": "SJ-0001"}, expect=403)
    take(api_as("cashier_b"), pk, "record_payment", {"receipt_number": "x"}, expect=404,
         version=3)
    take(cashier, pk, "record_payment", {"receipt_number": ""}, expect=400)
    take(cashier, pk, "record_payment", {"receipt_number": "SJ-0001"})
    take(cashier, pk, "record_payment", {"receipt_number": "SJ-0002"}, expect=400)  # nothing due
    take(agent, pk, "issue", {"signed_by": "陈建国", "signed": False}, expect=400)
    take(agent, pk, "issue", {"signed_by": "陈建国", "signed": True})
    passes = doc(seeded, pk)
    assert passes.state == "issued" and passes.signed_by == "陈建国"
    assert {c.state for c in passes.cards} == {"issued"}
    assert {c.receipt_number for c in passes.cards if c.charged} == {"SJ-0001"}
    assert all(m.move_in_date == passes.issued_at.date()
               for m in residents_of(seeded, world.unit2_a))
    assert seeded.get(Unit, world.unit2_a).occupied

    # A lost pass is replaced by a charged one, paid before it is handed over.
    lost = passes.cards[0]
    take(agent, pk, "report_lost", {"card": str(lost.id), "replace": True})
    take(agent, pk, "hand_over", expect=400)  # not paid yet
    take(cashier, pk, "record_payment", {"receipt_number": "SJ-0007"})
    take(agent, pk, "hand_over")
    take(agent, pk, "hand_over", expect=400)  # nothing left to hand over
    passes = doc(seeded, pk)
    replacement = passes.cards[-1]
    assert seeded.get(PassCard, lost.id).state == "lost"
    assert replacement.replaces_id == lost.id and replacement.charged
    assert (replacement.fee, replacement.receipt_number, replacement.state) == (
        Decimal("50.00"), "SJ-0007", "issued")
    take(agent, pk, "report_lost", {"card": str(lost.id)}, expect=400)  # not held any more

    # A pass taken back; a member Sales missed pays for every pass.
    take(agent, pk, "return_pass", {"card": str(passes.cards[1].id)})
    son = {"member_name": "陈小明", "relation": "family", "kinship": "子女", "passes": 2}
    take(agent, pk, "add_member", {**son, "phone": "12345"}, expect=400)
    for too_long in ({"member_name": "陈" * 101}, {"kinship": "子" * 21}):
        refused = take(agent, pk, "add_member", {**son, **too_long}, expect=400)
        assert "At most" in refused.json["message"]  # said, not lost at saving
    take(agent, pk, "add_member", {**son, "phone": ""})
    passes = doc(seeded, pk)
    son = [c for c in passes.cards if c.resident.name == "陈小明"]
    assert len(son) == 2 and all(c.charged and c.fee == Decimal("50.00") for c in son)
    assert son[0].resident.source == "move_in"
    assert passes.amount == Decimal("250.00")

    take(agent, pk, "move_out")
    passes = doc(seeded, pk)
    states = {c.number: c.state for c in passes.cards}
    assert passes.state == "closed" and states[lost.number] == "lost"
    assert states[passes.cards[1].number] == "returned"
    assert {states[c.number] for c in son} == {"void"}  # made, never handed over
    assert sum(1 for s in states.values() if s == "returned") == 8
    assert all(m.move_out_date for m in residents_of(seeded, world.unit2_a))
    assert not seeded.get(Unit, world.unit2_a).occupied
    take(agent, pk, "add_passes", {"member": str(wife), "count": 1}, expect=409)
    assert history_names(seeded, "household_pass", pk) == [
        "create", "add_passes", "add_passes", "ready", "record_payment", "issue",
        "report_lost", "record_payment", "hand_over", "return_pass", "add_member",
        "move_out"]


def test_cancel_before_move_in(world, api_as, seeded):
    agent = api_as("agent_a")
    pk = open_passes(agent, world.unit_a).json["id"]  # the owner already on record
    assert doc(seeded, pk).free_count == 3
    take(agent, pk, "cancel", expect=400)  # a reason is required
    take(agent, pk, "cancel", comment="业主改期入住")
    passes = doc(seeded, pk)
    assert passes.state == "cancelled" and {c.state for c in passes.cards} == {"void"}
    open_passes(agent, world.unit_a)  # the household can start again


def test_a_changed_setting_changes_the_fee_and_hong_kong_reads_in_dollars(
        world, api_as, seeded):
    seeded.execute(update(Setting).where(Setting.key == "pass.free_per_member").values(value=2))
    seeded.execute(update(Setting).where(Setting.key == "pass.extra_fee").values(value=80))
    seeded.execute(update(Estate).where(Estate.id == world.estate_a).values(currency="HKD"))
    seeded.commit()
    agent = api_as("agent_a")
    pk = open_passes(agent, world.unit_a).json["id"]
    owner = str(world.resident_a)
    take(agent, pk, "add_passes", {"member": owner, "count": 2})
    passes = doc(seeded, pk)
    assert (passes.free_per_member, passes.fee_each) == (2, Decimal("80.00"))
    assert (passes.free_count, passes.charged_count, passes.amount) == (2, 2, Decimal(160))
    shown = agent.get(f"{PASSES}{pk}").json["result"]
    assert shown["amount_text"] == "160.00 Hong Kong dollars"
    # A document keeps the numbers it was opened with.
    seeded.execute(update(Setting).where(Setting.key == "pass.extra_fee").values(value=50))
    seeded.commit()
    take(agent, pk, "add_passes", {"member": owner, "count": 1})
    assert doc(seeded, pk).amount == Decimal("240.00")
    pdf = agent.get(f"{PASSES}{pk}/pdf?form=resident_pass_sheet&lang=zh_Hant&second=en")
    assert pdf.status_code == 200, pdf.get_data(as_text=True)
    text = "".join("".join(pdf_text(pdf.data)).split())
    assert "240.00港元" in text  # the amount with the unit of the estate's money


def test_the_sign_off_sheet_in_two_languages(world, api_as, as_user, seeded):
    household(as_user, seeded, world, "王丽:配偶", "陈建国:业主")
    agent = api_as("agent_a")
    pk = open_passes(agent, world.unit2_a).json["id"]
    wife = residents_of(seeded, world.unit2_a)[0].id
    take(agent, pk, "add_passes", {"member": str(wife), "count": 2})
    take(api_as("cashier_a"), pk, "record_payment", {"receipt_number": "SJ-0042"})
    response = agent.get(f"{PASSES}{pk}/pdf?form=resident_pass_sheet&lang=zh_Hans&second=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join("".join(pdf_text(response.data)).split())
    for chinese, english in (("业户证签收单", "Residentpasssign-offsheet"),
                             ("单据编号", "Formnumber"), ("收据编号", "Receiptnumber"),
                             ("业户签名", "Resident'ssignature")):
        assert chinese in text and english in text, english
    passes = doc(seeded, pk)
    assert all(card.number in text for card in passes.cards)
    assert "王丽" in text and "SJ-0042" in text and "100.00元" in text


# --- the import from Sales ---------------------------------------------------------------------

def test_an_import_with_bad_rows_reports_each_and_stores_none(world, as_user, seeded):
    before = seeded.scalar(select(func.count(Resident.id)))
    bad = csv_file(
        "EST-A,Block A1,A-1502,王丽,配偶,13800138000,",          # row 2: good
        "EST-A,Block A1,A-9999,李四,子女,,",                     # 3: unknown unit
        "EST-B,Block B1,B-1502,张三,业主,,",                     # 4: another office's estate
        "EST-A,Block A1,A-1502,,子女,,",                         # 5: no name
        "EST-A,Block A1,A-1502,陈明,子女,12345,",                # 6: bad phone
        "EST-A,Block A1,A-1502,王丽,配偶,,",                     # 7: duplicate of row 2
        "EST-A,Block A1,A-1502,陈红,邻居,,",                     # 8: unknown relation
        "EST-A,Block A1,A-1502,陈亮,子女,,110101199003071234",  # 9: wrong check digit
        "NOPE,Block A1,A-1502,陈军,子女,,",                      # 10: unknown estate
        "EST-A,Block A1,A-1501,Resident A,业主,,",               # 11: already on record
    )
    response = upload(as_user("agent_a"), bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    report = page[page.index('id="import-rejections"'):]
    rows = [int(r) for r in re.findall(r"<tr><td>(\d+)</td>", report)]
    assert rows == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    for reason in ("No such unit", "outside the estates you work for", "Missing",
                   "Not a phone number", "Duplicate row", "on row 2", "Unknown relation",
                   "wrong last character", "No estate has this code",
                   "Already a member of this household", "Nothing was stored"):
        assert reason in page, reason
    assert seeded.scalar(select(func.count(Resident.id))) == before

    for data, reason in ((b"\x89PNG\r\n\x1a\n....", "not a spreadsheet"),
                         (b"\xd0\xcf\x11\xe0....", "old Excel file"),
                         (b"", "empty"),
                         ("姓名,电话\n王丽,13800138000\n".encode(), "missing")):
        response = upload(as_user("agent_a"), data)
        assert response.status_code == 400 and reason in response.get_data(as_text=True)
    assert seeded.scalar(select(func.count(Resident.id))) == before


def test_a_clean_import_stores_every_member_from_xlsx_or_csv(world, as_user, seeded):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "姓名", "关系", "手机", "身份证号码"])
    sheet.append(["Block A1", "A-1502", "王丽", "配偶", 13800138000, "11010519491231002X"])
    sheet.append(["Block A1", "A-1502", "陈建国", "本人", "+86 139 1234 5678", None])
    sheet.append(["Block A1", "A-1502", "陈小明", "子女", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    page = as_user("agent_a")
    estate = str(world.estate_a)  # the estate chosen on the form: no estate column
    response = upload(page, buffer.getvalue(), "售楼部.xlsx", estate=estate)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "3 household members stored" in response.get_data(as_text=True)
    members = residents_of(seeded, world.unit2_a)
    assert [(m.name, m.relation, m.phone, m.source) for m in members] == [
        ("王丽", "family", "13800138000", "sales"), ("陈建国", "owner", "+8613912345678", "sales"),
        ("陈小明", "family", None, "sales")]
    assert members[0].id_number == "11010519491231002X"
    # The same file again: every member is already there, nothing is stored twice.
    again = upload(page, buffer.getvalue(), "售楼部.xlsx", estate=estate)
    assert again.status_code == 400 and "Already a member" in again.get_data(as_text=True)
    # GBK CSV as Excel saves it in Chinese.
    gbk = "小区,楼栋,房号,姓名\nEST-A,Block A1,A-1501,陈芳\n".encode("gb18030")
    assert upload(page, gbk).status_code == 200
    assert [m.name for m in residents_of(seeded, world.unit_a)][-1] == "陈芳"
    template = page.get(f"{IMPORT}template.csv")
    assert template.status_code == 200 and b"Member name" in template.data


def test_too_many_rows_are_refused_whole(world, as_user, seeded, monkeypatch):
    monkeypatch.setattr(household_import, "MAX_ROWS", 2)
    rows = [f"EST-A,Block A1,A-1502,成员{n},子女,," for n in range(3)]
    response = upload(as_user("agent_a"), csv_file(*rows))
    assert response.status_code == 400
    assert "more than 2 members" in response.get_data(as_text=True)
    assert residents_of(seeded, world.unit2_a) == []


def test_id_numbers_of_household_members_are_masked_as_id_numbers(world, as_user, seeded):
    """Those who see phones do not see ID numbers for that: a technician reads it masked,
    the front desk in full (R-RES-2)."""
    resident = seeded.get(Resident, world.resident_a)
    resident.id_number = "440301199001011234"
    seeded.commit()
    url = f"/residentview/show/{world.resident_a}"
    assert "440301199001011234" in as_user("agent_a").get(url).get_data(as_text=True)
    page = as_user("tech_a").get(url)
    assert page.status_code == 200 and "440301199001011234" not in page.get_data(as_text=True)


def test_the_import_report_reads_in_chinese(world, as_user, seeded):
    page = as_user("agent_a")
    page.get("/lang/zh_Hans")
    response = upload(page, csv_file("EST-A,Block A1,A-9999,李四,子女,12345,",
                                     "EST-B,Block B1,B-1502,张三,业主,,"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    report = html[html.index('id="import-report"'):html.index("</table>",
                                                               html.index('id="import-report"'))]
    for chinese in ("没有这个单元", "不是电话号码", "不在您负责的小区", "未保存任何", "文件中的行", "原因"):
        assert chinese in report, chinese
    assert "No such unit" not in report and "Nothing was stored" not in report


# --- scope and permissions ---------------------------------------------------------------------

def test_only_the_estates_office_sees_and_acts(world, api_as, as_user, seeded):
    pk = open_passes(api_as("agent_a"), world.unit_a).json["id"]
    for user, status in {"agent_a": 200, "cashier_a": 200, "guard_a": 200, "director_a": 200,
                         "agent_b": 404, "cashier_b": 404, "director_b": 404}.items():
        assert api_as(user).get(f"{PASSES}{pk}").status_code == status, user
    take(api_as("agent_b"), pk, "ready", expect=404, version=1)
    # Changed by its steps only: no edit page or PUT, not even for an admin.
    assert as_user("admin").get(f"/householdpassview/edit/{pk}").status_code == 404
    assert api_as("admin").put(f"{PASSES}{pk}", json={"state": "issued"}).status_code in (
        404, 405)
    take(api_as("guard_a"), pk, "ready", expect=403)
    open_passes(api_as("agent_b"), world.unit_a, expect=400)  # a unit of another office
    assert as_user("tech_a").get(IMPORT).status_code == 403
    assert as_user("agent_a").get(IMPORT).status_code == 200
    # Office B's agent cannot import into office A's estates.
    response = upload(as_user("agent_b"), csv_file("EST-A,Block A1,A-1502,王丽,配偶,,"))
    assert response.status_code == 400
    assert "outside the estates you work for" in response.get_data(as_text=True)
    assert residents_of(seeded, world.unit2_a) == []


@pytest.mark.parametrize("user", ["agent_a"])
def test_the_pages(world, api_as, as_user, seeded, user):
    pk = open_passes(api_as(user), world.unit_a).json["id"]
    page = as_user(user)
    page.get("/lang/zh_Hans")
    listed = page.get("/householdpassview/list/").get_data(as_text=True)
    assert doc(seeded, pk).number in listed and "业户证" in listed
    shown = page.get(f"/householdpassview/show/{pk}").get_data(as_text=True)
    assert "EST-A-" in shown and "免费" in shown and "Resident A" in shown


def test_a_pass_is_found_by_its_number_in_the_estates_office(world, api_as, as_user, seeded):
    """The gate checks a pass shown to it; the desk finds whose a found pass is. Office B
    never sees office A's passes."""
    agent = api_as("agent_a")
    pk = open_passes(agent, world.unit_a).json["id"]
    take(agent, pk, "add_passes", {"member": str(world.resident_a), "count": 2})
    number, card = doc(seeded, pk).cards[0].number, doc(seeded, pk).cards[0].id
    for user in ("guard_a", "agent_a"):
        page = as_user(user).get(f"/passcardview/list/?_flt_0_number={number}")
        assert page.status_code == 200, user
        assert f"/passcardview/show/{card}" in page.get_data(as_text=True), user
    other = as_user("guard_b").get(f"/passcardview/list/?_flt_0_number={number}")
    assert other.status_code == 200
    assert f"/passcardview/show/{card}" not in other.get_data(as_text=True)
    assert as_user("guard_b").get(f"/passcardview/show/{card}").status_code == 404
    assert as_user("tech_a").get("/passcardview/list/").status_code in (302, 403)
    assert as_user("agent_a").get(f"/passcardview/edit/{card}").status_code in (302, 403, 404)
