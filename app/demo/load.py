"""Loading the organisation, units, residents and staff: idempotent, admin edits kept."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.company import (
    BRANCHES,
    COMPANY_HOTLINE,
    COMPANY_NAME,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    ESTATES,
    OFFICES,
    SEED,
    USERS,
    BuildingPlan,
    EstateSpec,
    People,
)
from app.models import (
    Branch,
    Building,
    CalendarDay,
    Company,
    Department,
    Estate,
    Office,
    Resident,
    StaffProfile,
    Unit,
    WorkOrder,
)
from app.models.org import DEPARTMENT_KINDS, REGIONS
from app.models.settings import seed_settings
from app.workflows.calendar import seed_calendar
from app.workflows.deadlines import seed_policies
from app.workflows.registry import document_types

# --- loading -------------------------------------------------------------------------------

@dataclass
class Load:
    session: Session
    today: date
    plans: dict[str, list[BuildingPlan]] = field(default_factory=dict)
    added: Counter = field(default_factory=Counter)
    branches: dict[str, Branch] = field(default_factory=dict)
    offices: dict[str, Office] = field(default_factory=dict)
    estates: dict[str, Estate] = field(default_factory=dict)
    departments: dict[tuple[str, str], Department] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    kept_users: list[str] = field(default_factory=list)  # existing non-demo accounts
    notes: list[str] = field(default_factory=list)
    work_orders: list[WorkOrder] = field(default_factory=list)

    def get_or_add(self, model: type, key: dict[str, Any], **values: Any) -> Any:
        """The row matching `key`, or a new one with `key` and `values` (existing rows are
        left as an admin may have edited them)."""
        row = self.session.scalar(select(model).filter_by(**key))
        if row is None:
            row = model(**key, **values)
            self.session.add(row)
            self.added[model.__name__] += 1
        return row



def _seed_reference_data(load: Load) -> None:
    """Settings, deadline policies and the working-day calendar of this year and the next,
    for a region whose calendar has no day in the current year (`flask calendar seed`
    normally fills every supported year first)."""
    session = load.session
    load.added["Setting"] += seed_settings(session)
    load.added["DeadlinePolicy"] += seed_policies(session)
    for document in document_types().values():  # each type's reference data
        for seed in document.seeds:
            load.added[f"{document.doc_type} reference data"] += seed(session)
    year = load.today.year
    for region in REGIONS:
        known = session.scalar(select(CalendarDay.id).where(
            CalendarDay.region == region,
            CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))).limit(1))
        if known is None:
            result = seed_calendar(session, [region], years=[year, year + 1])
            load.added["CalendarDay"] += int(result[region]["inserted"])


def _organisation(load: Load) -> None:
    """Company → branches → offices → estates, and each office's departments (R-ORG-1/2)."""
    session = load.session
    company = load.get_or_add(Company, {"name": COMPANY_NAME}, hotline=COMPANY_HOTLINE)
    session.flush()
    for key, name in BRANCHES.items():
        load.branches[key] = load.get_or_add(Branch, {"company_id": company.id, "name": name})
    session.flush()
    for spec in OFFICES:
        load.offices[spec.key] = load.get_or_add(
            Office, {"branch_id": load.branches[spec.branch].id, "name": spec.name},
            phone=spec.phone)
    session.flush()
    for spec in OFFICES:
        office = load.offices[spec.key]
        have: dict[str, list[Department]] = {}
        for department in session.scalars(select(Department).where(
                Department.office_id == office.id).order_by(Department.id)):
            have.setdefault(department.kind, []).append(department)
        for kind in DEPARTMENT_KINDS:
            # Admins may have added more departments of a kind (an electricians' team):
            # the demo's people belong to the one with the demo's name, else the first.
            same = have.get(kind, [])
            department = next((d for d in same if d.name == spec.departments[kind]),
                              same[0] if same else None)
            if department is None:
                department = Department(office_id=office.id, kind=kind,
                                        name=spec.departments[kind])
                session.add(department)
                load.added["Department"] += 1
            load.departments[(spec.key, kind)] = department
    for spec in ESTATES:
        estate = session.scalar(select(Estate).where(Estate.code == spec.code))
        if estate is None:
            # Households: one per flat; in a shopping centre, one per shop.
            estate = Estate(office_id=load.offices[spec.office].id, code=spec.code,
                            name=spec.name, kind=spec.kind, region=spec.region,
                            script=spec.script, address=spec.address,
                            move_in_date=spec.move_in(load.today),
                            household_count=sum(len(b.units) for b in load.plans[spec.code]))
            session.add(estate)
            load.added["Estate"] += 1
        load.estates[spec.code] = estate
    session.flush()


def _units_and_residents(load: Load, spec: EstateSpec) -> None:
    """Buildings, units and residents of one estate; only what is missing is added.

    A unit is topped up with its planned residents only when it has none at all, so people
    an admin moved out or edited stay as they are.
    """
    session = load.session
    estate = load.estates[spec.code]
    plan = load.plans[spec.code]
    buildings = {b.name: b for b in session.scalars(
        select(Building).where(Building.estate_id == estate.id))}
    for b in plan:
        if b.name not in buildings:
            building = Building(estate_id=estate.id, name=b.name, floors=b.floors)
            session.add(building)
            buildings[b.name] = building
            load.added["Building"] += 1
    session.flush()
    units = {(row.building_id, row.number): row.id for row in session.execute(
        select(Unit.building_id, Unit.number, Unit.id).join(Building)
        .where(Building.estate_id == estate.id))}
    with_residents = set(session.scalars(
        select(Resident.unit_id).join(Unit).join(Building)
        .where(Building.estate_id == estate.id).distinct()))
    new_rows: list[Any] = []
    for b in plan:
        building = buildings[b.name]
        for u in b.units:
            unit_id = units.get((building.id, u.number))
            if unit_id is None:
                unit = Unit(building_id=building.id, number=u.number, floor=u.floor,
                            area_m2=u.area_m2, occupied=u.occupied)
                new_rows.append(unit)
                new_rows.extend(Resident(unit=unit, **r) for r in u.residents)
            elif unit_id not in with_residents:
                new_rows.extend(Resident(unit_id=unit_id, **r) for r in u.residents)
    session.add_all(new_rows)
    session.flush()
    for row in new_rows:
        load.added[type(row).__name__] += 1


def _staff(load: Load) -> None:
    """One account per role with its staff profile (R-ORG-3, R-ORG-4). Existing accounts
    keep their password and roles; a missing profile is added."""
    sm = current_app.appbuilder.sm
    session = load.session
    for spec in USERS:
        user = sm.find_user(username=spec.username)
        if user is None:
            role = sm.find_role(spec.role)
            if role is None:
                raise click.ClickException(
                    f"The role {spec.role!r} does not exist yet: run `flask roles sync` "
                    f"before `flask demo load`.")
            user = sm.add_user(spec.username, spec.first_name, spec.last_name,
                               f"{spec.username}@{DEMO_EMAIL_DOMAIN}", [role],
                               DEMO_PASSWORD, commit=False)
            if not user:  # Flask-AppBuilder logged why and rolled the session back
                raise click.ClickException(f"Could not create the demo user {spec.username}.")
            load.added["User"] += 1
        elif not (user.email or "").endswith("@" + DEMO_EMAIL_DOMAIN):
            load.kept_users.append(spec.username)  # not a demo account: its own password
        load.users[spec.username] = user
        if session.scalar(select(StaffProfile.id).where(StaffProfile.user_id == user.id)):
            continue
        rng = random.Random(f"{SEED}-staff-{spec.username}")
        region = "hong_kong" if spec.username.endswith("_hk") else "mainland"
        session.add(StaffProfile(
            user_id=user.id, job_title=spec.job_title,
            phone=People(rng, region, set()).phone(),
            departments=[load.departments[d] for d in spec.departments],
            estates=[load.estates[e] for e in spec.estates],
            offices=[load.offices[o] for o in spec.offices],
            branches=[load.branches[b] for b in spec.branches]))
        load.added["StaffProfile"] += 1
    session.flush()


def _unit(load: Load, code: str, building: str, number: str) -> Unit:
    return load.session.scalar(
        select(Unit).join(Building)
        .where(Building.estate_id == load.estates[code].id, Building.name == building,
               Unit.number == number))


def _caller(unit: Unit) -> Resident | None:
    """Who would call about this flat: the tenant if it is let, else the owner."""
    order = {"tenant": 0, "shop_tenant": 0, "owner": 1, "family": 2}
    people = sorted(unit.residents, key=lambda r: (order.get(r.relation, 3), r.id))
    return people[0] if people else None
