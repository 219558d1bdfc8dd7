"""Demo newspaper subscriptions (R-FD-4) and tenants' telephone installations (R-FD-6):
at 翠湖花园 one subscription running and one cancelled in writing, at 海濱花園 one running
in Hong Kong dollars and Traditional Chinese; at 华居汇购物中心 one line installed on each
path and one waiting for the telecom bureau. Acted by the demo's own people through the
workflow engine."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from app.demo.desk import Desk, _demo_documents
from app.demo.load import Load
from app.models import Building, Estate, Resident, Unit
from app.models.newspaper import NewspaperSubscription
from app.models.phone_installation import PhoneInstallation


def demo_subscriptions(load: Load) -> None:
    session = load.session
    _demo_documents(load, "newspaper subscriptions",
                    lambda: session.scalar(select(NewspaperSubscription.id).limit(1)) is None,
                    _newspapers, (NewspaperSubscription,))
    _demo_documents(load, "telephone installations",
                    lambda: session.scalar(select(PhoneInstallation.id).limit(1)) is None,
                    _phones, (PhoneInstallation,))


def _residents(desk: Desk, estate: Estate, count: int, **where) -> list[Resident]:
    query = (select(Resident).join(Unit, Unit.id == Resident.unit_id)
             .join(Building, Building.id == Unit.building_id)
             .where(Building.estate_id == estate.id, Resident.move_out_date.is_(None))
             .where(*(getattr(Resident, k) == v for k, v in where.items()))
             .order_by(Resident.id).limit(count))
    return list(desk.session.scalars(query))


def _subscribe(desk: Desk, estate: Estate, resident: Resident, title: str, start: date,
               months: int, supplier: str, price: str, reference: str, by: str,
               manager: str, days_ago: int) -> NewspaperSubscription:
    """A subscription from the request to the register, over a few days."""
    doc = desk.create(NewspaperSubscription(estate=estate, unit=resident.unit,
                                            resident=resident, title=title,
                                            starts_on=start, months=months),
                      by, desk.day(days_ago, 9, 20))
    desk.step(doc, "check_supplier", by, desk.day(days_ago, 10), supplier=supplier,
              unit_price=price)
    desk.step(doc, "confirm", by, desk.day(days_ago - 1, 15), signed=True)
    desk.step(doc, "submit_requisition", by, desk.day(days_ago - 1, 15, 30))
    desk.step(doc, "approve_requisition", manager, desk.day(days_ago - 2, 9, 10))
    desk.step(doc, "order", by, desk.day(days_ago - 2, 14), order_reference=reference)
    desk.step(doc, "register", by, desk.day(days_ago - 2, 16))
    return doc


def _newspapers(desk: Desk) -> None:
    estates = {e.code: e for e in desk.session.scalars(select(Estate))}
    month = desk.now.date().replace(day=1)
    home = estates.get("SZ-CHHY")
    if home is not None:
        first, second = _residents(desk, home, 2)
        _subscribe(desk, home, first, "南方都市报", month, 6, "南山区邮政局", "45.00",
                   "邮订字第 0381 号", "agent", "cs_manager", 12)
        cancelled = _subscribe(desk, home, second, "读者（半月刊）",
                               month - relativedelta(months=2), 12, "南山区邮政局", "10.00",
                               "邮订字第 0214 号", "agent", "cs_manager", 70)
        stop = month + relativedelta(months=1)
        desk.step(cancelled, "record_cancellation", "agent", desk.day(6, 10),
                  cancel_from=stop, signed=True, comment="业主出租房屋，下月起停订")
        desk.step(cancelled, "notify_supplier", "agent", desk.day(6, 11),
                  supplier_notified_on=desk.day(6, 11).date(),
                  supplier_notice_reference="传真 CHHY-退订-0603")
        desk.step(cancelled, "mark_register", "agent", desk.day(6, 11, 30))
    hk = estates.get("HK-HBHY")
    if hk is not None:
        (reader,) = _residents(desk, hk, 1)
        _subscribe(desk, hk, reader, "明報", month + relativedelta(months=1), 3,
                   "北角報刊代理", "150.00", "傳真 HB-0912", "agent_hk", "cs_manager_hk", 8)


def _phones(desk: Desk) -> None:
    mall = desk.session.scalar(select(Estate).where(Estate.code == "SZ-HJH"))
    if mall is None:
        return
    tenants = _residents(desk, mall, 3, relation="shop_tenant")
    if len(tenants) < 3:
        return
    installed, centre, waiting = tenants

    def register(tenant: Resident, path: str, days_ago: int) -> PhoneInstallation:
        return desk.create(PhoneInstallation(
            estate=mall, unit=tenant.unit, path=path,
            tenant=tenant.company_name or tenant.name, contact=tenant.name,
            contact_phone=tenant.phone), "agent2", desk.day(days_ago, 10))

    line = register(installed, "bureau", 40)
    desk.step(line, "record_bureau_application", "agent2", desk.day(40, 11),
              bureau_applied_at=desk.day(41, 15), bureau_receipt="电信初装 0418-2231",
              form_copy=True)
    desk.step(line, "take_fee", "cashier2", desk.day(40, 14), amount_paid=line.fee_due,
              receipt_number="HJH-CW-0418-011")
    desk.step(line, "hand_to_electricians", "electrician2", desk.day(39, 9))
    desk.step(line, "line_arrived", "electrician2", desk.day(16, 10))
    desk.step(line, "install", "electrician2", desk.day(15, 15))

    bought = register(centre, "centre", 9)
    desk.step(bought, "sign_application", "mkt_manager2", desk.day(9, 14))
    desk.step(bought, "file_application", "clerk2", desk.day(8, 9, 30))
    desk.step(bought, "take_fee", "cashier2", desk.day(8, 10), amount_paid=bought.fee_due,
              receipt_number="HJH-CW-0507-004")
    desk.step(bought, "file_receipt", "clerk2", desk.day(8, 10, 30))
    desk.step(bought, "install", "electrician2", desk.day(7, 16))

    pending = register(waiting, "bureau", 12)
    desk.step(pending, "record_bureau_application", "agent2", desk.day(12, 11),
              bureau_applied_at=desk.day(13, 16), bureau_receipt="电信初装 0605-0872",
              form_copy=True)
    desk.step(pending, "take_fee", "cashier2", desk.day(12, 15),
              amount_paid=pending.fee_due, receipt_number="HJH-CW-0605-019")
    desk.step(pending, "hand_to_electricians", "electrician2", desk.day(11, 9, 30))


__all__ = ["demo_subscriptions"]
