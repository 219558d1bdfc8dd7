"""Demo contractor work permits (R-FD-3) at 翠湖花园 and 海濱花園: at each, one request handed
out within 30 minutes, one on its way now, and one that ran late and was escalated by the
deadline engine. Acted by each estate's own people through the workflow engine, in the
estate's script; the workers' photos are small silhouettes drawn here."""
from __future__ import annotations

import io
import random
from datetime import datetime, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.demo.company import SEED
from app.demo.desk import Desk, _demo_documents
from app.demo.load import Load
from app.models.org import Estate
from app.models.work_permit import WorkPermit, WorkPermitWorker
from app.workflows import deadlines

# Per estate: who asks, takes the fee, vets, stamps and hands out, laminates; the requests.
PEOPLE = {
    "SZ-CHHY": ("eng_head", "cashier", "guard", "agent", "clerk"),
    "HK-HBHY": ("eng_head_hk", "cashier_hk", "guard_hk", "agent_hk", "clerk_hk"),
}
REQUESTS = {
    "SZ-CHHY": (
        ("深圳市安建装饰工程有限公司", "刘建国", "13926541180", "3 栋 1502 室内装修水电改造",
         "20.00", (("王建军", "440304198805123016"), ("陈志明", "44142419920317281X"))),
        ("深圳市通达电梯工程有限公司", "黄永强", "13580093342", "1 栋、2 栋电梯年检保养",
         "10.00", (("林海涛", "350583199011204517"),)),
        ("深圳市绿源园林绿化有限公司", "谢春华", "13798812265", "中心花园绿化修剪",
         "30.00", (("张桂芳", "452226197912063828"), ("李卫东", "430524198502117613"),
                   ("周国平", "360121198808301215"))),
    ),
    "HK-HBHY": (
        ("利達工程有限公司", "鄭國輝", "91234567", "第二座 12 樓 B 室裝修",
         "30.00", (("陳志強", "K123456(3)"), ("黃大文", "Y654321(8)"))),
        ("港興升降機有限公司", "李家明", "92345678", "第一座升降機定期保養",
         "15.00", (("何俊傑", "A234567(1)"),)),
        ("綠茵園藝有限公司", "吳美華", "93456789", "平台花園修剪",
         "45.00", (("梁振華", "C345678(2)"), ("蔡淑儀", "D456789(5)"), ("劉德明", "E567890(4)"))),
    ),
}


def silhouette(name: str) -> bytes:
    """A passport-style photo: a grey head and shoulders on a plain pastel background."""
    rng = random.Random(f"{SEED}-worker-{name}")
    image = Image.new("RGB", (90, 120), (rng.randint(190, 235), rng.randint(205, 240), 245))
    draw = ImageDraw.Draw(image)
    tone = rng.randint(55, 95)
    draw.ellipse((27, 16, 63, 58), fill=(tone, tone, tone + 10))
    draw.ellipse((10, 62, 80, 150), fill=(tone, tone, tone + 10))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def demo_work_permits(load: Load) -> None:
    session = load.session
    _demo_documents(load, "contractor work permits",
                    lambda: session.scalar(select(WorkPermit.id).limit(1)) is None,
                    _permits, (WorkPermit, WorkPermitWorker))


def _permits(desk: Desk) -> None:
    estates = {e.code: e for e in desk.session.scalars(select(Estate))}
    for code, requests in REQUESTS.items():
        estate = estates.get(code)
        if estate is None:
            continue
        done, going, late = requests
        _handed_out(desk, estate, code, done, desk.day(3, 9, 5))
        _on_its_way(desk, estate, code, going, desk.ago(minutes=12))
        _late(desk, estate, code, late, desk.ago(hours=3))


def _requested(desk: Desk, estate: Estate, code: str, spec: tuple, at: datetime) -> WorkPermit:
    company, person, phone, work, fee, workers = spec
    head = PEOPLE[code][0]
    permit = desk.create(WorkPermit(estate=estate, company=company, person_in_charge=person,
                                    person_in_charge_phone=phone, work=work, fee=fee),
                         head, at - timedelta(minutes=6))
    for index, (name, number) in enumerate(workers):
        photo = silhouette(name)
        permit.workers.append(WorkPermitWorker(
            name="", id_number="", photo_filename=f"photo-{index + 1}.png",
            photo_content_type="image/png", photo_size=len(photo), photo_data=photo,
            added_at=at))
        desk.step(permit, "add_worker", head, at - timedelta(minutes=5 - index),
                  worker_name=name, id_number=number)
    desk.step(permit, "submit", head, at)
    return permit


def _handed_out(desk: Desk, estate: Estate, code: str, spec: tuple, at: datetime) -> None:
    """Done in 26 minutes: the deadline met."""
    _head, cashier, guard, agent, clerk = PEOPLE[code]
    permit = _requested(desk, estate, code, spec, at)
    desk.step(permit, "take_fee", cashier, at + timedelta(minutes=4),
              receipt_number="SJ-" + at.strftime("%m%d") + "-0107")
    desk.step(permit, "vet", guard, at + timedelta(minutes=11),
              valid_until=(at + timedelta(days=30)).date())
    desk.step(permit, "stamp", agent, at + timedelta(minutes=15))
    desk.step(permit, "laminate", clerk, at + timedelta(minutes=22))
    desk.step(permit, "hand_out", agent, at + timedelta(minutes=26), handed_to=spec[1])


def _on_its_way(desk: Desk, estate: Estate, code: str, spec: tuple, at: datetime) -> None:
    """Submitted minutes ago; Finance has taken the fee, Security has it now."""
    permit = _requested(desk, estate, code, spec, at)
    desk.step(permit, "take_fee", PEOPLE[code][1], at + timedelta(minutes=5),
              receipt_number="SJ-" + at.strftime("%m%d") + "-0215")


def _late(desk: Desk, estate: Estate, code: str, spec: tuple, at: datetime) -> None:
    """Vetted, then left waiting for the stamp: the deadline engine escalated it to the
    requesting department's head and the office director."""
    _head, cashier, guard, _agent, _clerk = PEOPLE[code]
    permit = _requested(desk, estate, code, spec, at)
    desk.step(permit, "take_fee", cashier, at + timedelta(minutes=8),
              receipt_number="SJ-" + at.strftime("%m%d") + "-0188")
    desk.step(permit, "vet", guard, at + timedelta(minutes=25),
              valid_until=(at + timedelta(days=14)).date())
    desk.session.flush()
    result = deadlines.TickResult()
    for timer in deadlines.open_timers(desk.session, permit):
        deadlines.process_timer(desk.session, timer, desk.now, result)
