"""Demo company for trying the product: `flask demo load`.

One management company with the shape RULES.md describes (R-ORG-1): 深圳市华居物业管理有限公司
with a Shenzhen and a Hong Kong branch, three management offices and four estates:

* 翠湖花园: residential, moved in over 5 years ago, 1,200 households (R-SV-3 ≥ 15 % sample);
* 翠湖·悦府: residential, moved in about 2 years ago, 280 households (R-SV-3 ≥ 30 %);
* 华居汇购物中心: a shopping centre whose shops are let to 专柜 / brand tenants (R-RES-1);
* 海濱花園: a Hong Kong estate written in Traditional Chinese (region hong_kong, zh_Hant).

Every office has the departments of R-ORG-2, named as its staff say them. Units carry floors
and areas; residents are owners, tenants and family members (R-RES-1) with realistic names
and mainland (11 digits) or Hong Kong (8 digits) mobiles, generated from fixed seeds so that
every load produces the same people. One user per role of R-ORG-3 (plus a second technician
and a Hong Kong one, so that dispatch offers a choice) works where a staff profile says
(R-ORG-4). A handful of repair work orders in different states (R-WO-1..7), entries of the
customer-service register of every kind and source (R-CS-1..6), complaints of every class
with a collective proposal (R-CP-1..7), compensation claims on each approval route with
their evidence files (R-CO-1..5), the office director's daily sign-off of the complaint
register (R-CP-6) and notices to residents in two editions (R-CS-8) fill the queues and
pages. They are created through the workflow engine,
acting as the demo users who would take each step, in the estate's script (Traditional
Chinese in Hong Kong).

Loading is idempotent: it only adds what is missing (looked up by name, code, username,
unit number), keeps whatever an admin changed, never touches the password of an existing
account, and creates each kind of demo document (work orders, register entries, complaints,
compensation claims, sign-offs) only in a database without any. Everything is written in
one transaction, committed at the end; a kind whose steps the engine refuses is left out
and the summary says why.

No model uses Flask-AppBuilder's AuditMixin (they use TimestampMixin; who changed what is in
the audit log), so nothing needs a user in `g.user`; the audit log records the load as
"system".
"""
from __future__ import annotations

import unicodedata
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.communication import demo_communication
from app.demo.company import (
    COMPANY_HOTLINE,
    COMPANY_NAME,
    DEMO_PASSWORD,
    ESTATE_BY_CODE,
    ESTATES,
    OFFICE_BY_KEY,
    OFFICES,
    USERS,
    UserSpec,
)
from app.demo.front_gate import demo_front_gate
from app.demo.load import (
    Load,
    _organisation,
    _seed_reference_data,
    _staff,
    _units_and_residents,
)
from app.demo.notices import demo_notices
from app.demo.repairs import _demo_work_orders
from app.demo.resident_passes import demo_resident_passes
from app.demo.revisits import demo_revisits
from app.demo.service import _demo_desk, _signed_days
from app.demo.subscriptions import demo_subscriptions
from app.demo.surveys import demo_surveys
from app.demo.work_permits import demo_work_permits
from app.models import (
    Building,
    CollectiveCase,
    CompensationClaim,
    Complaint,
    RegisterSignOff,
    Resident,
    ServiceRecord,
    Survey,
    Unit,
    WorkOrder,
)
from app.models.base import local_now
from app.security import permissions as P

__all__ = ["DEMO_PASSWORD", "ESTATES", "USERS", "load_demo"]


def load_demo() -> list[str]:
    """Load or top up the demo data; return a summary and the table of demo logins."""
    session: Session = current_app.appbuilder.session
    today = local_now().date()
    load = Load(session, today, {spec.code: spec.plan(spec, today) for spec in ESTATES})
    try:
        _seed_reference_data(load)
        _organisation(load)
        for spec in ESTATES:
            _units_and_residents(load, spec)
        _staff(load)
        _demo_work_orders(load)
        _demo_desk(load)
        demo_surveys(load)
        demo_revisits(load)
        demo_notices(load)
        demo_subscriptions(load)
        demo_communication(load)
        demo_front_gate(load)
        demo_resident_passes(load)
        demo_work_permits(load)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return _summary(load)



# --- summary --------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _works_at(spec: UserSpec) -> str:
    if spec.role in (P.ROLE_ADMIN, P.ROLE_GM, P.ROLE_DEPUTY_GM):
        return "every estate and department"
    if spec.offices:
        offices = [OFFICE_BY_KEY[o] for o in spec.offices]
        estates = [e.name for e in ESTATES if e.office in spec.offices]
        return "、".join(o.name for o in offices) + f" (whole office: {'、'.join(estates)})"
    departments = "、".join(
        f"{OFFICE_BY_KEY[o].name} {OFFICE_BY_KEY[o].departments[k]}" for o, k in spec.departments)
    estates = "、".join(ESTATE_BY_CODE[c].name for c in spec.estates)
    return f"{departments} · {estates}"


def _summary(load: Load) -> list[str]:
    session = load.session
    added = sum(load.added.values())
    lines = [f"{COMPANY_NAME} (service hotline {COMPANY_HOTLINE})"]
    for spec in ESTATES:
        estate = load.estates[spec.code]
        buildings = session.scalar(select(func.count(Building.id))
                                   .where(Building.estate_id == estate.id))
        units = session.scalar(select(func.count(Unit.id)).join(Building)
                               .where(Building.estate_id == estate.id))
        residents = session.scalar(select(func.count(Resident.id)).join(Unit).join(Building)
                                   .where(Building.estate_id == estate.id))
        moved_in = estate.move_in_date.isoformat() if estate.move_in_date else "?"
        lines.append(f"  {_pad(estate.name, 16)} {spec.code:8} {estate.kind:15} "
                     f"moved in {moved_in}  {estate.household_count:>5} households  "
                     f"{buildings:>3} buildings  {units:>5} units  {residents:>5} residents")

    for label, model in (("Work orders", WorkOrder), ("Register entries", ServiceRecord),
                         ("Complaints", Complaint), ("Collective cases", CollectiveCase),
                         ("Compensation claims", CompensationClaim),
                         ("Satisfaction surveys", Survey)):
        states = session.execute(select(model.state, func.count(model.id))
                                 .group_by(model.state).order_by(model.state)).all()
        total = sum(n for _state, n in states)
        lines.append(f"  {label}: {total}" + (
            " (" + ", ".join(f"{state} {n}" for state, n in states) + ")" if states else ""))
    lines.extend(_sign_off_lines(load))
    lines.extend(load.notes)
    if added:
        parts = ", ".join(f"{n} {name}" for name, n in sorted(load.added.items()) if n)
        lines.append(f"Added {parts}.")
    else:
        lines.append("Nothing to add: the demo data is complete.")
    lines.append("")
    lines.append(f"Demo logins (shared password: {DEMO_PASSWORD})")
    rows = [("username", "role", "works at", "password")]
    for spec in USERS:
        password = "(existing account, own password kept)" \
            if spec.username in load.kept_users else DEMO_PASSWORD
        rows.append((spec.username, spec.role, _works_at(spec), password))
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        lines.append("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3]))
                     + "  " + row[3])
    return lines


def _sign_off_lines(load: Load) -> list[str]:
    """Per office whose director signs off: the past days still waiting (R-CP-6)."""
    session = load.session
    days = [load.today - timedelta(days=n) for n in _signed_days()]
    lines = []
    for spec in OFFICES:
        office = load.offices[spec.key]
        signed = set(session.scalars(select(RegisterSignOff.day).where(
            RegisterSignOff.office_id == office.id, RegisterSignOff.day.in_(days))))
        if not signed:
            continue
        waiting = [d.isoformat() for d in days if d not in signed]
        lines.append(f"  Complaint register of {office.name}: {len(signed)} of the last "
                     f"{len(days)} days signed off" + (
                         f"; not yet: {', '.join(waiting[:5])}" +
                         (f" and {len(waiting) - 5} more" if len(waiting) > 5 else "")
                         if waiting else ""))
    return lines
