"""Demo resident passes (R-FD-2): households moving into empty units of 翠湖·悦府 taken from
Sales by the import, one moved in with extra passes paid and a lost pass replaced, one
ready for its move-in, one with a member Sales missed; and a household of 海濱花園 whose
extra pass is paid in Hong Kong dollars. Acted by the demo's own people through the import
and the workflow engine."""
from __future__ import annotations

from sqlalchemy import exists, select

from app.demo.desk import Desk, _demo_documents
from app.demo.load import Load
from app.models.org import Building, Unit
from app.models.resident import Resident
from app.models.resident_pass import HouseholdPass
from app.workflows.engine import InvalidData
from app.workflows.household_import import import_households

# Sales' lists of the families moving in with owners already on file (the units were
# bought and left empty): (name, relation as Sales writes it, phone, ID number).
YUEFU = (
    (("钱雪梅", "配偶", "13823456782", "440305198507214427"), ("{s}一鸣", "子女", "", "")),
    (("周敏", "配偶", "13612345684", ""),),
    (("吴佳怡", "配偶", "15012345685", ""),),
)
HAIBIN = (("林美玲", "配偶", "62345678", "A123456(3)"), ("{s}樂兒", "子女", "", ""))


def demo_resident_passes(load: Load) -> None:
    session = load.session
    _demo_documents(load, "resident passes",
                    lambda: session.scalar(select(HouseholdPass.id).limit(1)) is None,
                    _passes, (HouseholdPass,))


def _empty_units(desk: Desk, code: str, count: int) -> list[Unit]:
    """Units bought and left empty (空置), their owner on file: the next move-ins."""
    estate = desk.load.estates.get(code)
    if estate is None:
        return []
    return list(desk.session.scalars(
        select(Unit).join(Building).where(
            Building.estate_id == estate.id, Unit.occupied.is_(False),
            ~exists().where(Resident.unit_id == Unit.id, Resident.source.is_not(None)))
        .order_by(Unit.id).limit(count)))


def _from_sales(desk: Desk, by: str, code: str, unit: Unit,
                members: tuple[tuple[str, str, str, str], ...]) -> tuple[Resident, Resident]:
    """The household as Sales sends it, through the import the service centre uses."""
    lines = ["屋苑,大廈,單位,姓名,關係,電話,身份證號碼" if code.startswith("HK-")
             else "小区,楼栋,房号,姓名,关系,电话,身份证号码"]
    owner = desk.session.scalar(select(Resident).where(
        Resident.unit_id == unit.id, Resident.relation == "owner").order_by(Resident.id))
    surname = owner.name[0] if owner is not None else "陈"  # children take the owner's
    lines += [f"{code},{unit.building.name},{unit.number},{name.format(s=surname)},"
              f"{relation},{phone},{number}" for name, relation, phone, number in members]
    report = import_households(desk.session, "\n".join(lines).encode("utf-8"),
                               desk.actor(by).scope)
    if not report.clean:
        raise InvalidData(f"the household of {unit.number} was refused: "
                          f"{report.file_error or report.rejected}")
    first = desk.session.scalar(select(Resident).where(
        Resident.unit_id == unit.id, Resident.source == "sales").order_by(Resident.id))
    return owner or first, first


def _passes(desk: Desk) -> None:
    moved_in, waiting, missing = (_empty_units(desk, "SZ-CHYF", 3) + [None] * 3)[:3]
    if moved_in is not None:
        owner, wife = _from_sales(desk, "agent", "SZ-CHYF", moved_in, YUEFU[0])
        doc = desk.create(HouseholdPass(unit=moved_in), "agent", desk.day(12, 9))
        desk.step(doc, "add_passes", "agent", desk.day(12, 9, 20), member=str(wife.id),
                  count=2)
        desk.step(doc, "ready", "agent", desk.day(12, 16))
        desk.step(doc, "record_payment", "cashier", desk.day(11, 10),
                  receipt_number="CW-0318")
        desk.step(doc, "issue", "agent", desk.day(10, 10, 30), signed_by=owner.name,
                  signed=True)
        lost = next(card for card in doc.cards if card.resident_id == owner.id)
        desk.step(doc, "report_lost", "agent", desk.day(3, 15), card=str(lost.id),
                  replace=True)
        desk.step(doc, "record_payment", "cashier", desk.day(3, 16),
                  receipt_number="CW-0347")
        desk.step(doc, "hand_over", "agent", desk.day(2, 9))
    if waiting is not None:
        _from_sales(desk, "agent", "SZ-CHYF", waiting, YUEFU[1])
        doc = desk.create(HouseholdPass(unit=waiting), "cs_supervisor", desk.day(2, 10))
        desk.step(doc, "ready", "cs_supervisor", desk.day(2, 15))
    if missing is not None:
        owner, _wife = _from_sales(desk, "agent", "SZ-CHYF", missing, YUEFU[2])
        doc = desk.create(HouseholdPass(unit=missing), "agent", desk.day(1, 9))
        desk.step(doc, "add_member", "agent", desk.day(1, 11),
                  member_name=f"{owner.name[0]}雨婷", relation="family", kinship="子女",
                  phone="", passes=1)
    for unit in _empty_units(desk, "HK-HBHY", 1):
        owner, _wife = _from_sales(desk, "agent_hk", "HK-HBHY", unit, HAIBIN)
        doc = desk.create(HouseholdPass(unit=unit), "agent_hk", desk.day(6, 10))
        desk.step(doc, "add_passes", "agent_hk", desk.day(6, 10, 15), member=str(owner.id),
                  count=1)
        desk.step(doc, "ready", "agent_hk", desk.day(6, 17))
        desk.step(doc, "record_payment", "cashier_hk", desk.day(5, 9, 30),
                  receipt_number="HB-R-0582")
        desk.step(doc, "issue", "agent_hk", desk.day(5, 11), signed_by=owner.name,
                  signed=True)
