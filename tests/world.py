"""A small organisation for tests: two offices (A, B), each with one estate, two
departments, a building, units and residents, and users acting in each role.

Everything a test of scope needs is "A sees A, never B"; names say which side they are on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from app.models import (
    Branch,
    Building,
    Company,
    Department,
    Estate,
    Office,
    Resident,
    StaffProfile,
    Unit,
)
from app.security import permissions as P

PASSWORD = "Test-Password-2026"


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        try:
            return self.ids[name]
        except KeyError as exc:  # pragma: no cover - typo in a test
            raise AttributeError(name) from exc


# A role holding every permission on the organisation resources but not "see all":
# with it, whatever a user cannot reach is hidden by scope alone, not by permissions.
MATRIX_ROLE = "Scope matrix tester"
MATRIX_PERMISSIONS = (
    P.can(P.READ, *P.ORG_RESOURCES, P.RESIDENT, P.STAFF_PROFILE)
    | P.can(P.CREATE, *P.ORG_RESOURCES, P.RESIDENT)
    | P.can(P.EDIT, *P.ORG_RESOURCES, P.RESIDENT)
    | P.can(P.DELETE, *P.ORG_RESOURCES, P.RESIDENT)
    | P.can(P.EXPORT, *P.ORG_RESOURCES, P.RESIDENT)
    | {P.MOVE_OUT_RESIDENT, P.SEE_FULL_PHONE} | P.SELF_SERVICE | P.can(P.READ, P.CHOICES)
)


def _user(sm, username: str, roles: list[str]):
    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(username, username.title(), "Test", f"{username}@test.example",
                           [sm.find_role(r) for r in roles], PASSWORD)
    assert user, f"could not create {username}"
    return user


def build_world() -> World:
    """Create the test organisation once per session (committed; tests roll back)."""
    sm = current_app.appbuilder.sm
    session = current_app.appbuilder.session
    w = World()

    role = sm.find_role(MATRIX_ROLE) or sm.add_role(MATRIX_ROLE)
    role.permissions = [sm.add_permission_view_menu(a, r) for a, r in sorted(MATRIX_PERMISSIONS)]

    company = Company(name="Test Property Co", hotline="400-000-0000")
    branch = Branch(company=company, name="Test Branch")
    session.add_all([company, branch])
    for side in ("a", "b"):
        office = Office(branch=branch, name=f"Office {side.upper()}")
        estate = Estate(office=office, code=f"EST-{side.upper()}", name=f"Estate {side.upper()}",
                        kind="residential", region="mainland", script="zh_Hans",
                        move_in_date=date(2015, 6, 1), household_count=2)
        building = Building(estate=estate, name=f"Block {side.upper()}1", floors=20)
        unit = Unit(building=building, number=f"{side.upper()}-1501", floor=15)
        unit2 = Unit(building=building, number=f"{side.upper()}-1502", floor=15)
        cs = Department(office=office, kind="customer_service", name=f"CS {side.upper()}")
        eng = Department(office=office, kind="engineering", name=f"Engineering {side.upper()}")
        marketing = Department(office=office, kind="marketing",
                               name=f"Marketing {side.upper()}")
        security = Department(office=office, kind="security", name=f"Security {side.upper()}")
        finance = Department(office=office, kind="finance", name=f"Finance {side.upper()}")
        administration = Department(office=office, kind="administration",
                                    name=f"Administration {side.upper()}")
        resident = Resident(unit=unit, name=f"Resident {side.upper()}", relation="owner",
                            phone="13812345678" if side == "a" else "13987654321")
        session.add_all([office, estate, building, unit, unit2, cs, eng, marketing, security,
                         finance, administration, resident])
        session.flush()
        w.ids.update({f"office_{side}": office.id, f"estate_{side}": estate.id,
                      f"building_{side}": building.id, f"unit_{side}": unit.id,
                      f"unit2_{side}": unit2.id, f"cs_{side}": cs.id, f"eng_{side}": eng.id,
                      f"marketing_{side}": marketing.id, f"security_{side}": security.id,
                      f"finance_{side}": finance.id,
                      f"administration_{side}": administration.id,
                      f"resident_{side}": resident.id})

        def profile(username: str, roles: list[str], **where) -> None:
            user = _user(sm, username, roles)
            session.add(StaffProfile(user=user, job_title=roles[0], **where))
            w.ids[f"user_{username}"] = user.id

        profile(f"agent_{side}", [P.ROLE_FRONT_DESK_AGENT], departments=[cs], estates=[estate])
        profile(f"head_{side}", [P.ROLE_DEPARTMENT_HEAD], departments=[eng], estates=[estate])
        profile(f"tech_{side}", [P.ROLE_TECHNICIAN], departments=[eng], estates=[estate])
        profile(f"director_{side}", [P.ROLE_OFFICE_DIRECTOR], offices=[office])
        profile(f"quality_{side}", [P.ROLE_QUALITY_OFFICER], departments=[cs], estates=[estate])
        profile(f"supervisor_{side}", [P.ROLE_CS_SUPERVISOR], departments=[cs],
                estates=[estate])
        profile(f"lead_{side}", [P.ROLE_REPAIR_LEAD], departments=[eng], estates=[estate])
        profile(f"tech2_{side}", [P.ROLE_TECHNICIAN], departments=[eng], estates=[estate])
        profile(f"officer_{side}", [P.ROLE_PROPERTY_OFFICER], departments=[cs],
                estates=[estate])
        profile(f"manager_{side}", [P.ROLE_CS_CENTRE_MANAGER], departments=[cs],
                estates=[estate])
        profile(f"marketing_{side}", [P.ROLE_DEPARTMENT_HEAD], departments=[marketing],
                estates=[estate])
        profile(f"guard_{side}", [P.ROLE_GATE_GUARD], departments=[security],
                estates=[estate])
        profile(f"cashier_{side}", [P.ROLE_FINANCE_CLERK], departments=[finance],
                estates=[estate])
        profile(f"clerk_{side}", [P.ROLE_ADMIN_CLERK], departments=[administration],
                estates=[estate])
        profile(f"matrix_{side}", [MATRIX_ROLE], offices=[office])
    for username, roles in (("gm", [P.ROLE_GM]), ("deputy", [P.ROLE_DEPUTY_GM]),
                            ("admin", [P.ROLE_ADMIN]), ("nobody", [P.ROLE_FRONT_DESK_AGENT])):
        w.ids[f"user_{username}"] = _user(sm, username, roles).id
    session.commit()
    return w
