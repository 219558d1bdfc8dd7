"""Demo visitors and mail (R-FD-1, R-FD-5) at 翠湖花园 and at 海濱花園 (in Traditional
Chinese): yesterday's visitors admitted, refused and gone, one waiting for the centre's
answer today; a batch of post counted by both, its pieces collected on the tablet or on
the printed list, and some still waiting, one of them reminded. Acted by the demo's own
guards and agents through the workflow engine."""
from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.demo.desk import Desk, _demo_documents
from app.demo.load import Load
from app.models import Building, Department, Estate, Resident, Unit
from app.models.mail import MailBatch, MailItem
from app.models.visitor import Visitor
from app.workflows.mail import remind_uncollected

# (estate code, guard, agent, words in the estate's script)
SITES = (
    ("SZ-CHHY", "guard", "agent", {
        "visitors": (("王建国", 2, "visit", "粤B3K721"), ("顺丰快递 刘师傅", 1, "delivery", None),
                     ("格力空调安装 周师傅", 2, "repair", "粤B7G215"), ("推销员 孙某", 1, "other", None)),
        "checked": "业主本人电话确认", "refused": "业主不认识来访人，拒绝来访",
        "finance": "财务部杨出纳", "carrier": "同和投递局", "paper": "签收表",
        "gone": "访客未等候，自行离开"}),
    ("HK-HBHY", "guard_hk", "agent_hk", {
        "visitors": (("黃志強", 1, "visit", None), ("順豐速運 陳先生", 1, "delivery", "LV 8321"),
                     ("煤氣公司 技術員", 2, "repair", None), ("地產經紀 林小姐", 1, "other", None)),
        "checked": "業主本人電話確認", "refused": "業主不認識來訪者，拒絕來訪",
        "finance": "財務部李小姐", "carrier": "香港郵政", "paper": "簽收表",
        "gone": "訪客未等候，自行離開"}),
)


def demo_front_gate(load: Load) -> None:
    session = load.session
    _demo_documents(load, "visitors and mail",
                    lambda: session.scalar(select(Visitor.id).limit(1)) is None
                    and session.scalar(select(MailBatch.id).limit(1)) is None,
                    _front_gate, (Visitor, MailBatch, MailItem))


def signature_png(seed: int) -> bytes:
    """A hand-drawn-looking stroke, as the tablet's signature pad would send it."""
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 26, 60 + ((i * 7 + seed) % 5 - 2) * 9) for i in range(11)]
    draw.line(points, fill=(0, 0, 0, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _residents(desk: Desk, estate: Estate, count: int) -> list[Resident]:
    return list(desk.session.scalars(
        select(Resident).join(Unit, Unit.id == Resident.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(Building.estate_id == estate.id, Resident.move_out_date.is_(None))
        .order_by(Resident.id).limit(count)))


def _front_gate(desk: Desk) -> None:
    estates = {e.code: e for e in desk.session.scalars(select(Estate))}
    for code, guard, agent, words in SITES:
        estate = estates.get(code)
        if estate is None or desk.user_id(guard) is None or desk.user_id(agent) is None:
            continue
        residents = _residents(desk, estate, 6)
        if len(residents) < 6:
            continue
        _visitors(desk, estate, guard, agent, words, residents)
        _mail(desk, estate, guard, agent, words, residents)


def _visitors(desk: Desk, estate: Estate, guard: str, agent: str, words: dict[str, Any],
              residents: list[Resident]) -> None:
    finance = desk.session.scalar(select(Department).where(
        Department.office_id == estate.office_id, Department.kind == "finance"))
    (name1, n1, p1, id1), (name2, n2, p2, id2), (name3, n3, p3, id3), (name4, n4, p4, _x) = \
        words["visitors"]
    first = desk.create(Visitor(estate=estate, visitor_name=name1, party_size=n1, purpose=p1,
                                id_or_plate=id1, unit=residents[0].unit), guard,
                        desk.day(1, 10, 5))
    desk.step(first, "clear", agent, desk.day(1, 10, 6), checked_with=words["checked"])
    desk.step(first, "admit", guard, desk.day(1, 10, 7))
    desk.step(first, "leave", guard, desk.day(1, 11, 40))
    courier = desk.create(Visitor(estate=estate, visitor_name=name2, party_size=n2,
                                  purpose=p2, id_or_plate=id2, unit=residents[1].unit),
                          guard, desk.day(1, 14, 20))
    desk.step(courier, "clear", agent, desk.day(1, 14, 21), checked_with=words["checked"])
    desk.step(courier, "admit", guard, desk.day(1, 14, 21))
    seller = desk.create(Visitor(estate=estate, visitor_name=name4, party_size=n4,
                                 purpose=p4, unit=residents[2].unit), guard,
                         desk.day(1, 16, 0))
    desk.step(seller, "decline", agent, desk.day(1, 16, 2), refusal_reason=words["refused"],
              checked_with=words["checked"])
    desk.step(seller, "turn_away", guard, desk.day(1, 16, 3))
    if finance is not None:
        business = desk.create(Visitor(estate=estate, visitor_name=name3, party_size=n3,
                                       purpose="business", id_or_plate=id3), guard,
                               desk.day(1, 9, 30))
        desk.step(business, "cancel", guard, desk.day(1, 9, 50), comment=words["gone"])
    desk.create(Visitor(estate=estate, visitor_name=name3, party_size=n3, purpose=p3,
                        id_or_plate=id3, unit=residents[3].unit), guard, desk.ago(minutes=3))


def _mail(desk: Desk, estate: Estate, guard: str, agent: str, words: dict[str, Any],
          residents: list[Resident]) -> None:
    batch = desk.create(MailBatch(estate=estate, source="post_office",
                                  carrier=words["carrier"], guard_count=5), guard,
                        desk.day(5, 9, 10))
    desk.step(batch, "count_and_sign", agent, desk.day(5, 9, 15), centre_count=5)
    kinds = ("letter", "registered", "parcel", "letter", "periodical")
    items = [desk.create(MailItem(batch=batch, unit=r.unit, addressee=r, kind=kind), agent,
                         desk.day(5, 9, 20 + i))
             for i, (r, kind) in enumerate(zip(residents[:5], kinds))]
    for i, item in enumerate(items[:2]):
        png = base64.b64encode(signature_png(i)).decode()
        desk.step(item, "collect", agent, desk.day(4, 18, 10 + i),
                  collector=str(item.addressee_id), signed_on="tablet",
                  signature=f"data:image/png;base64,{png}")
    desk.step(items[2], "collect", agent, desk.day(3, 19, 0),
              collector=str(items[2].addressee_id), signed_on="paper",
              paper_sheet=f"{words['paper']} {batch.number}")
    # The other two wait; the minute tick reminds them once they have waited long enough.
    remind_uncollected(desk.session, desk.ago(minutes=1))
    # A courier's delivery the centre has not counted yet.
    desk.create(MailBatch(estate=estate, source="courier", guard_count=2), guard,
                desk.ago(minutes=20))
