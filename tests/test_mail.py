"""Mail for residents (R-FD-5): the gate guard brings a batch and signs for their count, the
centre counts face to face and signs (different counts: nothing signed until they agree);
each piece is registered for its unit and handed over only against the personal signature
of the addressee or a member of the household — on the tablet (a PNG) or on the printed
signing list. Staff never sign for a resident, however it is tried. Pieces left waiting
are reminded once, after the configured number of days. Seen by the estate's office only.
"""
from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select

from app import clock
from app.models import Notification, Resident, Setting, WorkflowHistory
from app.models.mail import MailBatch, MailItem
from app.workflows.mail import remind_uncollected
from tests.helpers import (
    PNG,
    csrf_token,
    history_names,
    pdf_text,
    transition,
    version_of,
)

BATCHES, ITEMS = "/api/v1/mail_batch/", "/api/v1/mail_item/"
take_batch = partial(transition, base=BATCHES)
take = partial(transition, base=ITEMS)
SIGNATURE = "data:image/png;base64," + base64.b64encode(PNG).decode()
STAFF_NEVER = "Staff never sign for a resident"


def flat(text: str) -> str:
    return "".join(text.split())


def bring(api, world, count: int = 3, expect: int = 201, **extra):
    response = api.post(BATCHES, json={"estate": world.estate_a, "source": "post_office",
                                       "carrier": "同和投递局", "guard_count": count, **extra})
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def received_batch(api_as, world, count: int = 3) -> int:
    pk = bring(api_as("guard_a"), world, count).json["id"]
    take_batch(api_as("agent_a"), pk, "count_and_sign", {"centre_count": count})
    return pk


def register(api, world, batch: int, expect: int = 201, **extra):
    payload = {"batch": batch, "unit": world.unit_a, "addressee": world.resident_a,
               "kind": "registered", "tracking_number": "XA123456789CN", **extra}
    response = api.post(ITEMS, json=payload)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def test_both_count_and_sign_and_a_different_count_signs_nothing(world, api_as, seeded):
    guard, agent = api_as("guard_a"), api_as("agent_a")
    bring(agent, world, expect=403)  # the gate brings the mail
    with clock.using(clock.FrozenClock(datetime(2026, 6, 1, 10, 0))) as moving:
        pk = bring(guard, world, 12).json["id"]
        take_batch(guard, pk, "count_and_sign", {"centre_count": 12}, expect=403)
        moving.move(minutes=3)
        refused = take_batch(agent, pk, "count_and_sign", {"centre_count": 11}, expect=400)
        assert "11" in refused.json["message"] and "12" in refused.json["message"]
        take_batch(agent, pk, "recount", {"guard_count": 11}, expect=403)  # the gate's own
        take_batch(guard, pk, "recount", {"guard_count": 11})
        take_batch(agent, pk, "count_and_sign", {"centre_count": 11})
    seeded.expire_all()
    batch = seeded.get(MailBatch, pk)
    assert batch.number.startswith("MB-") and batch.state == "received"
    assert (batch.guard_count, batch.centre_count) == (11, 11)
    assert batch.brought_by_id == world.user_guard_a
    assert batch.received_by_id == world.user_agent_a
    assert batch.brought_at == datetime(2026, 6, 1, 10, 0)
    assert batch.received_at == datetime(2026, 6, 1, 10, 3)
    assert history_names(seeded, "mail_batch", pk) == ["create", "recount", "count_and_sign"]

    # Nobody signs for both sides, not even an administrator.
    admin = api_as("admin")
    both = bring(admin, world, 2).json["id"]
    take_batch(admin, both, "count_and_sign", {"centre_count": 2}, expect=400)
    take_batch(guard, both, "cancel", expect=400)  # with a reason
    take_batch(guard, both, "cancel", comment="登记错误")
    seeded.expire_all()
    assert seeded.get(MailBatch, both).state == "cancelled"


def test_pieces_are_registered_from_a_counted_batch_up_to_its_count(world, api_as, seeded):
    guard, agent = api_as("guard_a"), api_as("agent_a")
    waiting = bring(guard, world, 2).json["id"]
    register(agent, world, waiting, expect=400)  # not signed for by the centre yet
    pk = received_batch(api_as, world, 2)
    register(guard, world, pk, expect=403)  # the centre registers the pieces
    first = register(agent, world, pk).json["id"]
    item = seeded.get(MailItem, first)
    assert item.number.startswith("ML-") and item.state == "waiting"
    assert item.addressee_name == "Resident A" and item.estate_id == world.estate_a
    register(agent, world, pk, addressee=None, addressee_name="陈先生", kind="parcel")
    register(agent, world, pk, expect=400)  # both pieces counted are registered
    register(agent, world, pk, expect=400, unit=world.unit_b)
    other = register(agent, world, received_batch(api_as, world, 1), expect=400,
                     unit=world.unit2_a)  # Resident A lives in A-1501, not A-1502
    assert "addressee" in other.json["errors"]


def test_the_addressee_signs_on_the_tablet(world, api_as, as_user, seeded):
    agent = api_as("agent_a")
    pk = register(agent, world, received_batch(api_as, world)).json["id"]
    take(api_as("guard_a"), pk, "collect", {"collector": str(world.resident_a),
                                            "signed_on": "tablet", "signature": SIGNATURE},
         expect=403)
    with clock.using(clock.FrozenClock(datetime(2026, 6, 2, 18, 30))):
        take(agent, pk, "collect", {"collector": str(world.resident_a), "signed_on": "tablet",
                                    "signature": SIGNATURE})
    seeded.expire_all()
    item = seeded.get(MailItem, pk)
    assert item.state == "collected" and item.collector_id == world.resident_a
    assert item.collector_name == "Resident A" and item.signature_png == PNG
    assert item.collected_at == datetime(2026, 6, 2, 18, 30)
    assert item.handed_over_by_id == world.user_agent_a
    row = seeded.scalar(select(WorkflowHistory).where(WorkflowHistory.doc_type == "mail_item",
                                                      WorkflowHistory.transition == "collect",
                                                      WorkflowHistory.doc_id == pk))
    assert "base64" not in str(row.data) and row.data["signature"] == "已在平板电脑签名板上签名。"
    page = as_user("agent_a")
    image = page.get(f"/mailitemview/signature/{pk}")
    assert image.status_code == 200 and image.data == PNG
    assert image.headers["Content-Security-Policy"].startswith("sandbox")
    assert as_user("agent_b").get(f"/mailitemview/signature/{pk}").status_code == 404
    assert 'id="collector-signature"' in page.get(f"/mailitemview/show/{pk}").get_data(
        as_text=True)


def test_a_household_member_signs_on_the_printed_list(world, api_as, seeded):
    member = Resident(unit_id=world.unit_a, name="陈小红", relation="family")
    seeded.add(member)
    seeded.commit()
    member_id = member.id
    agent = api_as("agent_a")
    batch = received_batch(api_as, world)
    pk = register(agent, world, batch).json["id"]
    take(agent, pk, "collect", {"collector": "陈 小红", "signed_on": "paper"}, expect=400)
    take(agent, pk, "collect", {"collector": "陈小红", "signed_on": "paper",
                                "paper_sheet": f"签收表 {seeded.get(MailBatch, batch).number}"})
    seeded.expire_all()
    item = seeded.get(MailItem, pk)
    assert item.collector_id == member_id and item.signed_on == "paper"
    assert item.signature_png is None and item.paper_sheet.startswith("签收表")


def test_staff_never_sign_for_a_resident(world, api_as, seeded):
    agent = api_as("agent_a")
    pk = register(agent, world, received_batch(api_as, world)).json["id"]
    # The collector is a resident's id: staff accounts whose id is no household member's.
    household = set(seeded.scalars(select(Resident.id).where(
        Resident.unit_id == world.unit_a)))
    staff = [u for u in (world.user_agent_a, world.user_guard_a, world.user_supervisor_a,
                         world.user_director_a, world.user_manager_a) if u not in household]
    tries = [
        # A staff account's id as the collector: the agent's own, colleagues'.
        {"collector": str(staff[0]), "signed_on": "tablet", "signature": SIGNATURE},
        {"collector": str(staff[1]), "signed_on": "paper", "paper_sheet": "1"},
        # A member of staff's name or login typed as the collector.
        {"collector": "Agent_A Test", "signed_on": "tablet", "signature": SIGNATURE},
        {"collector": "supervisor_a", "signed_on": "paper", "paper_sheet": "1"},
    ]
    for data in tries:
        refused = take(agent, pk, "collect", data, expect=400)
        assert STAFF_NEVER in refused.json["message"], data
    # The resident chosen, but no signature of theirs: nothing to hand over against.
    for data in ({"collector": str(world.resident_a), "signed_on": "tablet"},
                 {"collector": str(world.resident_a), "signed_on": "tablet",
                  "signature": "data:image/png;base64,aGVsbG8="},  # not an image
                 {"collector": str(world.resident_a), "signed_on": "tablet",
                  "signature": "data:image/png;base64,!!!"},
                 {"collector": str(world.resident_a), "signed_on": "paper"},
                 {"collector": str(world.resident_a)}):
        take(agent, pk, "collect", data, expect=400)
    # Somebody who does not live in the unit (the other office's resident).
    outsider = take(agent, pk, "collect", {"collector": "Resident B", "signed_on": "paper",
                                           "paper_sheet": "1"}, expect=400)
    assert "household" in outsider.json["message"]
    seeded.expire_all()
    assert seeded.get(MailItem, pk).state == "waiting"
    assert history_names(seeded, "mail_item", pk) == ["create"]


def test_returned_to_the_sender(world, api_as, seeded):
    agent = api_as("agent_a")
    pk = register(agent, world, received_batch(api_as, world)).json["id"]
    take(agent, pk, "return_to_sender", expect=400)  # why
    take(agent, pk, "return_to_sender", comment="查无此人，退回邮局")
    take(agent, pk, "collect", {"collector": str(world.resident_a), "signed_on": "paper",
                                "paper_sheet": "1"}, expect=409)
    seeded.expire_all()
    assert seeded.get(MailItem, pk).state == "returned"


def test_uncollected_mail_is_reminded_once_after_the_threshold(world, api_as, seeded):
    agent = api_as("agent_a")
    start = datetime(2026, 6, 1, 9, 0)
    with clock.using(clock.FrozenClock(start)):
        batch = received_batch(api_as, world, 3)
        waiting = register(agent, world, batch).json["id"]
        collected = register(agent, world, batch).json["id"]
        take(agent, collected, "collect", {"collector": str(world.resident_a),
                                           "signed_on": "tablet", "signature": SIGNATURE})
    take(agent, waiting, "remind", expect=403)  # nobody reminds by hand
    take(api_as("admin"), waiting, "remind", expect=400)  # the system does, on its own
    assert remind_uncollected(seeded, start + timedelta(days=2, hours=23)) == 0  # default 3
    assert remind_uncollected(seeded, start + timedelta(days=3)) == 1
    seeded.commit()
    assert remind_uncollected(seeded, start + timedelta(days=4)) == 0  # once per piece
    assert remind_uncollected(seeded, start + timedelta(days=30)) == 0
    seeded.expire_all()
    item = seeded.get(MailItem, waiting)
    assert item.state == "waiting" and item.reminded_at == start + timedelta(days=3)
    assert history_names(seeded, "mail_item", waiting) == ["create", "remind"]
    assert seeded.get(MailItem, collected).reminded_at is None
    told = set(seeded.scalars(select(Notification.user_id).where(
        Notification.kind == "mail_uncollected", Notification.doc_id == waiting)))
    assert {world.user_agent_a, world.user_supervisor_a, world.user_manager_a} <= told
    assert world.user_agent_b not in told and world.user_guard_a not in told

    # The threshold is a setting the administrator changes.
    setting = seeded.scalar(select(Setting).where(Setting.key == "mail.remind_after_days"))
    setting.value = 5
    seeded.commit()
    with clock.using(clock.FrozenClock(start)):
        later = register(agent, world, batch).json["id"]
    assert remind_uncollected(seeded, start + timedelta(days=4, hours=23)) == 0
    assert remind_uncollected(seeded, start + timedelta(days=5)) == 1
    seeded.expire_all()
    assert seeded.get(MailItem, later).reminded_at == start + timedelta(days=5)


def test_scope_and_permissions(world, api_as, seeded):
    batch = received_batch(api_as, world)
    pk = register(api_as("agent_a"), world, batch).json["id"]
    for user, status in {"agent_a": 200, "guard_a": 200, "director_a": 200,
                         "agent_b": 404, "guard_b": 404, "director_b": 404,
                         "tech_a": 403}.items():
        assert api_as(user).get(f"{ITEMS}{pk}").status_code == status, user
        assert api_as(user).get(f"{BATCHES}{batch}").status_code == status, user
    bring(api_as("guard_b"), world, expect=400)  # not their estate
    register(api_as("agent_b"), world, batch, expect=400)  # not their batch
    take(api_as("agent_b"), pk, "collect", {"collector": str(world.resident_a),
                                            "signed_on": "paper", "paper_sheet": "1"},
         expect=404, version=1)


def test_the_signing_list_and_the_uncollected_list_print(world, api_as, seeded):
    agent = api_as("agent_a")
    batch = received_batch(api_as, world)
    pk = register(agent, world, batch, addressee_name="陈大文").json["id"]
    register(agent, world, batch, addressee=None, addressee_name="李四", kind="parcel")
    signing = agent.get(f"{BATCHES}{batch}/pdf?form=mail_signing_list&lang=zh_Hans&second=en")
    assert signing.status_code == 200 and signing.mimetype == "application/pdf"
    text = flat("".join(pdf_text(signing.data)))
    for words in ("陈大文", "李四", "同和投递局", "Signatureofthecollector", "单据编号",
                  "Formnumber", "Gateguard"):
        assert words in text, words
    waiting = agent.get(f"{ITEMS}{pk}/pdf?form=uncollected_mail&lang=zh_Hant&second=en")
    assert waiting.status_code == 200
    text = flat("".join(pdf_text(waiting.data)))
    assert "陈大文" in text and "李四" in text and "Dayswaiting" in text


def test_the_collection_page_on_the_tablet(world, api_as, as_user, seeded):
    agent = api_as("agent_a")
    pk = register(agent, world, received_batch(api_as, world)).json["id"]
    page = as_user("agent_a")
    page.get("/lang/zh_Hans")
    url = f"/mailitemview/transition/collect?ids={pk}"
    form = page.get(url).get_data(as_text=True)
    assert 'id="signature-pad"' in form and "Resident A" in form
    offered = re.search(r'<select[^>]*id="collector".*?</select>', form, re.DOTALL).group(0)
    assert "Resident A" in offered and "Agent_A" not in offered  # no staff offered
    version = version_of(agent, f"{ITEMS}{pk}")
    refused = page.post(url, data={"csrf_token": csrf_token(page, url), "ids": str(pk),
                                   f"version_{pk}": str(version),
                                   "collector": "Agent_A Test", "signed_on": "tablet",
                                   "signature": SIGNATURE})
    assert refused.status_code == 400
    done = page.post(url, data={"csrf_token": csrf_token(page, url), "ids": str(pk),
                                f"version_{pk}": str(version),
                                "collector": str(world.resident_a), "signed_on": "tablet",
                                "signature": SIGNATURE})
    assert done.status_code == 302, done.get_data(as_text=True)
    seeded.expire_all()
    assert seeded.get(MailItem, pk).signature_png == PNG
