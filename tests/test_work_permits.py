"""Contractor work permits (R-FD-3): a department submits its contractor's staff (ID number,
photo, company, person in charge) and the fee; Finance takes the fee and issues blank
permits, Security vets and fills them (or refuses), Customer Service stamps, Administration
laminates and Customer Service hands them out, each step by its own department of the
estate's office, the whole chain within 30 minutes (escalated by the tick when late). ID
numbers are masked like phones for those without the right to read them."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy import select

from app import clock
from app.models import DeadlinePolicy, DeadlineTimer, Notification
from app.models.work_permit import WorkPermit
from app.workflows.deadlines import tick_in_session
from tests.helpers import (
    PNG,
    csrf_token,
    history_names,
    pdf_text,
    transition,
    version_of,
)

PERMITS = "/api/v1/work_permit/"
take = partial(transition, base=PERMITS)
ID_A = "440301199001011234"
ID_B = "A123456(7)"
MASKED_A = "440***********1234"
START = datetime(2026, 9, 29, 10, 0)
VALID = (max(date.today(), START.date()) + timedelta(days=60)).isoformat()


def portrait(shade: int) -> bytes:
    """A small passport-like photo: a silhouette on a plain background."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (90, 120), (shade, 200, 230))
    draw = ImageDraw.Draw(image)
    draw.ellipse((28, 18, 62, 56), fill=(60, 60, 70))
    draw.ellipse((12, 60, 78, 140), fill=(60, 60, 70))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def request_permit(api, world, expect: int = 201, **extra):
    payload = {"estate": world.estate_a, "company": "深圳市安建装饰工程有限公司",
               "person_in_charge": "刘建国", "person_in_charge_phone": "13722223333",
               "work": "15 楼 A-1501 室内装修", "fee": "20.00", **extra}
    response = api.post(PERMITS, json=payload)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def add_worker(api, pk: int, name: str, id_number: str, photo: bytes = PNG,
               filename: str = "photo.png", expect: int = 201):
    response = api.post(f"{PERMITS}{pk}/workers", data={
        "worker_name": name, "id_number": id_number, "version": str(version_of(api, f"{PERMITS}{pk}")),
        "photo": (io.BytesIO(photo), filename)}, content_type="multipart/form-data")
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def submitted(api_as, world, workers=(("王建军", ID_A), ("李小龙", ID_B))) -> int:
    head = api_as("head_a")
    pk = request_permit(head, world).json["id"]
    for index, (name, number) in enumerate(workers):
        add_worker(head, pk, name, number, photo=portrait(120 + 40 * index))
    take(head, pk, "submit")
    return pk


def through(api_as, pk: int, until: str | None = None) -> None:
    """The chain after submission, each step by its department, up to `until`."""
    steps = (("take_fee", "cashier_a", {"receipt_number": "SJ-0001234"}),
             ("vet", "guard_a", {"valid_until": VALID}), ("stamp", "agent_a", None),
             ("laminate", "clerk_a", None), ("hand_out", "agent_a", {"handed_to": "刘建国"}))
    for name, who, data in steps:
        if name == until:
            return
        take(api_as(who), pk, name, data)


def timer_of(session, pk: int) -> DeadlineTimer:
    return session.scalar(select(DeadlineTimer).join(DeadlinePolicy).where(
        DeadlineTimer.doc_type == "work_permit", DeadlineTimer.doc_id == pk,
        DeadlinePolicy.key == "fd.work_permit"))


# --- the chain ----------------------------------------------------------------------------------

def test_every_step_by_its_own_department(world, api_as, seeded):
    head, cashier, guard = api_as("head_a"), api_as("cashier_a"), api_as("guard_a")
    agent, clerk = api_as("agent_a"), api_as("clerk_a")
    request_permit(api_as("tech_a"), world, expect=403)
    refused = request_permit(head, world, expect=400, fee="0").json
    assert "fee" in refused["errors"]
    pk = request_permit(head, world).json["id"]
    permit = seeded.get(WorkPermit, pk)
    assert permit.number.startswith("WP-") and permit.state == "draft"
    assert permit.department_id == world.eng_a  # the requesting department is recorded
    assert permit.requested_by_id == world.user_head_a

    take(head, pk, "submit", expect=400)  # no worker yet
    add_worker(head, pk, "王建军", ID_A)
    add_worker(head, pk, "王建军", ID_A, expect=400)  # the same person twice
    add_worker(head, pk, "无证人员", "12", expect=400)  # not an ID number
    add_worker(head, pk, "李小龙", ID_B)
    add_worker(cashier, pk, "张三", "440301199202021111", expect=403)
    second = seeded.get(WorkPermit, pk).workers[1]
    take(head, pk, "remove_worker", {"worker": str(second.id)})
    add_worker(head, pk, "李小龙", ID_B)
    take(head, pk, "submit")
    take(head, pk, "submit", expect=409)

    take(guard, pk, "take_fee", {"receipt_number": "x"}, expect=403)  # Security's not Finance
    take(api_as("cashier_b"), pk, "take_fee", {"receipt_number": "x"}, expect=404, version=9)
    take(cashier, pk, "take_fee", expect=400)  # the receipt number is required
    take(cashier, pk, "take_fee", {"receipt_number": "SJ-0001234"})
    seeded.expire_all()
    assert seeded.get(WorkPermit, pk).blank_permits == 2  # one blank permit per worker

    take(cashier, pk, "vet", {"valid_until": VALID}, expect=403)  # Finance cannot vet
    take(guard, pk, "vet", {"valid_until": "2020-01-01"}, expect=400)
    take(guard, pk, "vet", {"valid_until": VALID})
    take(clerk, pk, "stamp", expect=403)
    # The office director holds the front desk's steps, but stamping is Customer Service's.
    refusal = take(api_as("director_a"), pk, "stamp", expect=400).json["message"]
    assert "Customer Service" in refusal
    take(agent, pk, "stamp")
    take(agent, pk, "laminate", expect=403)
    take(clerk, pk, "laminate")
    take(guard, pk, "hand_out", {"handed_to": "刘建国"}, expect=403)
    take(agent, pk, "hand_out", expect=400)  # to whom
    take(agent, pk, "hand_out", {"handed_to": "刘建国"})

    seeded.expire_all()
    permit = seeded.get(WorkPermit, pk)
    assert permit.state == "handed_out" and permit.handed_to == "刘建国"
    assert permit.fee_taken_by_id == world.user_cashier_a
    assert permit.vetted_by_id == world.user_guard_a
    assert permit.stamped_by_id == world.user_agent_a
    assert permit.laminated_by_id == world.user_clerk_a
    assert permit.handed_out_by_id == world.user_agent_a
    stamped = [permit.submitted_at, permit.fee_taken_at, permit.vetted_at, permit.stamped_at,
               permit.laminated_at, permit.handed_out_at]
    assert all(stamped) and stamped == sorted(stamped)
    assert [w.card_number for w in permit.workers] == [f"{permit.number}-01",
                                                      f"{permit.number}-02"]
    assert history_names(seeded, "work_permit", pk) == [
        "create", "add_worker", "add_worker", "remove_worker", "add_worker", "submit",
        "take_fee", "vet", "stamp", "laminate", "hand_out"]


def test_security_refuses_with_a_reason_and_requests_are_cancelled(world, api_as, seeded):
    pk = submitted(api_as, world)
    through(api_as, pk, until="vet")
    guard = api_as("guard_a")
    take(guard, pk, "refuse", expect=400)  # a reason is required
    take(guard, pk, "refuse", comment="身份证与本人不符")
    seeded.expire_all()
    permit = seeded.get(WorkPermit, pk)
    assert permit.state == "refused" and permit.refusal_reason == "身份证与本人不符"
    assert timer_of(seeded, pk).status == "cancelled"
    take(api_as("agent_a"), pk, "stamp", expect=409)

    head = api_as("head_a")
    draft = request_permit(head, world).json["id"]
    take(head, draft, "cancel", expect=400)
    take(head, draft, "cancel", comment="施工推迟")
    waiting = submitted(api_as, world)
    take(head, waiting, "cancel", comment="施工单位更换")
    seeded.expire_all()
    assert seeded.get(WorkPermit, draft).state == "cancelled"
    assert timer_of(seeded, waiting).status == "cancelled"


def test_another_office_sees_nothing(world, api_as, as_user, seeded):
    pk = submitted(api_as, world)
    worker = seeded.get(WorkPermit, pk).workers[0].id
    for user in ("agent_b", "cashier_b", "guard_b", "director_b"):
        api = api_as(user)
        assert api.get(f"{PERMITS}{pk}").status_code == 404
        assert api.get(f"{PERMITS}{pk}/workers").status_code == 404
        assert api.get(f"{PERMITS}{pk}/workers/{worker}/photo").status_code == 404
        assert pk not in [r["id"] for r in api.get(PERMITS).json["result"]]
    take(api_as("cashier_b"), pk, "take_fee", {"receipt_number": "x"}, expect=404,
         version=1)
    page = as_user("agent_b")
    assert page.get(f"/workpermitview/show/{pk}").status_code == 404
    assert page.get(f"/workpermitview/photo/{worker}").status_code == 404
    assert as_user("agent_a").get(f"/workpermitview/photo/{worker}").status_code == 200


# --- the 30 minutes (R-FD-3) ----------------------------------------------------------------------

def test_the_chain_done_within_30_minutes_meets_the_deadline(world, api_as, seeded):
    pk = submitted_at(api_as, world, START)
    seeded.expire_all()
    timer = timer_of(seeded, pk)
    assert (timer.status, timer.due_at) == ("met", START + timedelta(minutes=30))
    assert (timer.policy.amount, timer.policy.unit, timer.policy.rule) == (30, "minutes",
                                                                          "R-FD-3")
    assert seeded.get(WorkPermit, pk).handed_out_at == START + timedelta(minutes=29)
    assert tick_in_session(seeded, START + timedelta(hours=4)).escalations == 0


def submitted_at(api_as, world, start: datetime) -> int:
    """A request submitted at `start` and handed out 29 minutes later, a step every few
    minutes."""
    with clock.using(clock.FrozenClock(start)) as frozen:
        pk = submitted(api_as, world)
        for offset, name, who, data in (
                (4, "take_fee", "cashier_a", {"receipt_number": "SJ-0001235"}),
                (11, "vet", "guard_a", {"valid_until": VALID}),
                (17, "stamp", "agent_a", None), (25, "laminate", "clerk_a", None),
                (29, "hand_out", "agent_a", {"handed_to": "刘建国"})):
            frozen.set(start + timedelta(minutes=offset))
            take(api_as(who), pk, name, data)
    return pk


def test_a_chain_not_done_in_30_minutes_is_escalated(world, api_as, seeded):
    with clock.using(clock.FrozenClock(START)) as frozen:
        pk = submitted(api_as, world)
        frozen.set(START + timedelta(minutes=10))
        through(api_as, pk, until="vet")  # Finance took the fee; Security has not vetted
    assert tick_in_session(seeded, START + timedelta(minutes=19)).warnings == 0
    assert tick_in_session(seeded, START + timedelta(minutes=21)).warnings == 1
    assert tick_in_session(seeded, START + timedelta(minutes=29)).escalations == 0
    assert tick_in_session(seeded, START + timedelta(minutes=30)).escalations == 1
    assert tick_in_session(seeded, START + timedelta(minutes=40)).escalations == 1
    assert tick_in_session(seeded, START + timedelta(hours=3)).escalations == 0  # once each
    seeded.commit()
    levels: dict[int, set[int]] = {}
    for note in seeded.scalars(select(Notification).where(
            Notification.doc_type == "work_permit", Notification.doc_id == pk)):
        levels.setdefault(note.level, set()).add(note.user_id)
    assert levels[0] == {world.user_head_a}  # the person who asked hears the warning
    assert levels[1] == {world.user_head_a}  # the requesting department's head
    assert levels[2] == {world.user_director_a}  # then the office director
    assert timer_of(seeded, pk).level == 2


# --- ID numbers, photos and the printed permit ----------------------------------------------------

def test_id_numbers_are_masked_for_those_without_the_right(world, api_as, as_user, seeded):
    pk = submitted(api_as, world)
    for user in ("agent_a", "guard_a", "supervisor_a"):  # the front desk and Security
        api = api_as(user)
        assert api.get(f"{PERMITS}{pk}").json["result"]["workers"][0]["id_number"] == ID_A
        assert api.get(f"{PERMITS}{pk}/workers").json["result"][0]["id_number"] == ID_A
    for user in ("cashier_a", "clerk_a", "head_a", "quality_a"):
        api = api_as(user)
        shown = api.get(f"{PERMITS}{pk}").json["result"]["workers"][0]["id_number"]
        listed = next(r for r in api.get(PERMITS).json["result"] if r["id"] == pk)
        assert shown == MASKED_A and listed["workers"][0]["id_number"] == MASKED_A
        assert api.get(f"{PERMITS}{pk}/workers").json["result"][0]["id_number"] == MASKED_A
        history = api.get(f"{PERMITS}{pk}/history").get_data(as_text=True)
        assert ID_A not in history
    cashier = as_user("cashier_a")
    for url in (f"/workpermitview/show/{pk}", "/workpermitview/list/"):
        body = cashier.get(url).get_data(as_text=True)
        assert MASKED_A in body and ID_A not in body
    assert ID_A in as_user("guard_a").get(f"/workpermitview/show/{pk}").get_data(as_text=True)
    export = as_user("quality_a").get("/workpermitview/export/?format=csv")
    assert export.status_code == 200
    assert MASKED_A in export.get_data(as_text=True) and ID_A not in export.get_data(
        as_text=True)
    assert ID_A in as_user("supervisor_a").get(
        "/workpermitview/export/?format=csv").get_data(as_text=True)


def test_the_printed_permit_carries_the_photo_and_masks_per_the_printer(world, api_as,
                                                                        seeded):
    from pypdf import PdfReader

    pk = submitted(api_as, world)
    through(api_as, pk, until="laminate")
    printed = api_as("clerk_a").get(f"{PERMITS}{pk}/pdf?lang=zh_Hans&second=en")
    assert printed.status_code == 200, printed.get_data(as_text=True)
    text = "".join("".join(page.split()) for page in pdf_text(printed.data))
    number = seeded.get(WorkPermit, pk).number
    assert "王建军" in text and "李小龙" in text and f"{number}-01" in text
    assert "工作证" in text and "Contractorworkpermit" in text
    assert MASKED_A in text and ID_A not in text  # Administration reads it masked
    images = [image for page in PdfReader(io.BytesIO(printed.data)).pages
              for image in page.images]
    assert len(images) >= 3  # the QR code and one photo per worker
    full = api_as("guard_a").get(f"{PERMITS}{pk}/pdf?lang=zh_Hans&second=en")
    assert ID_A in "".join("".join(p.split()) for p in pdf_text(full.data))
    assert "20.00元" in text  # the fee in the estate's currency


def test_a_photo_that_is_not_an_image_is_refused_with_a_translated_reason(world, api_as,
                                                                          as_user, seeded):
    head = api_as("head_a")
    pk = request_permit(head, world).json["id"]
    refused = add_worker(head, pk, "王建军", ID_A, photo=b"MZ\x90\x00 not a photo",
                         filename="photo.png", expect=400).json
    assert "photo" in refused["errors"]
    missing = head.post(f"{PERMITS}{pk}/workers", data={
        "worker_name": "王建军", "id_number": ID_A, "version": "1"},
        content_type="multipart/form-data")
    assert missing.status_code == 400 and "photo" in missing.json["errors"]
    assert not seeded.get(WorkPermit, pk).workers

    page = as_user("head_a")
    page.get("/lang/zh_Hans")
    token = csrf_token(page, f"/workpermitview/show/{pk}")
    response = page.post(f"/workpermitview/worker/{pk}", data={
        "csrf_token": token, "version": "1", "worker_name": "王建军", "id_number": ID_A,
        "photo": (io.BytesIO(b"%!PS-Adobe not an image"), "工作照.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "工作照.jpg" in body and "不是" in body
    ok = page.post(f"/workpermitview/worker/{pk}", data={
        "csrf_token": token, "version": "1", "worker_name": "王建军", "id_number": ID_A,
        "photo": (io.BytesIO(PNG), "工作照.png")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    seeded.expire_all()
    assert [w.name for w in seeded.get(WorkPermit, pk).workers] == ["王建军"]


def test_the_pages_in_chinese(world, api_as, as_user, seeded):
    pk = submitted(api_as, world)
    page = as_user("agent_a")
    page.get("/lang/zh_Hans")
    listed = page.get("/workpermitview/list/").get_data(as_text=True)
    assert seeded.get(WorkPermit, pk).number in listed and "工作证" in listed
    shown = page.get(f"/workpermitview/show/{pk}").get_data(as_text=True)
    assert "深圳市安建装饰工程有限公司" in shown and "20.00 元" in shown


def test_the_demo_permits_at_both_estates(app, world, seeded):
    """Each estate's people: one request handed out in time, one on its way, one late and
    escalated; the Hong Kong one written in Traditional Chinese."""
    from app.demo import load_demo
    from app.models import Escalation, Estate

    with app.app_context():
        summary = "\n".join(load_demo())
    assert "left out" not in summary
    seeded.expire_all()
    for code, person in (("SZ-CHHY", "王建军"), ("HK-HBHY", "陳志強")):
        estate = seeded.scalar(select(Estate).where(Estate.code == code))
        permits = seeded.scalars(select(WorkPermit).where(WorkPermit.estate_id == estate.id)
                                 .order_by(WorkPermit.id)).all()
        assert [p.state for p in permits] == ["handed_out", "awaiting_vetting",
                                              "awaiting_stamp"]
        assert person in [w.name for w in permits[0].workers]
        assert all(w.photo_data[:4] == b"\x89PNG" for p in permits for w in p.workers)
        met, running, late = (timer_of(seeded, p.id) for p in permits)
        assert (met.status, running.status, late.status) == ("met", "armed", "armed")
        assert permits[0].handed_out_at - permits[0].submitted_at <= timedelta(minutes=30)
        assert late.level == 2 and seeded.scalar(select(Escalation.id).where(
            Escalation.timer_id == late.id, Escalation.level == 2)) is not None
