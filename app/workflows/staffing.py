"""Who holds role X here: the one answer every workflow, deadline and choice list asks.

A person holds roles (FAB roles, what they may do) and a staff profile (where: departments,
estates, whole offices). "Here" is a department, an office, or an estate's departments of
one kind. Inactive accounts never hold anything.
"""
from __future__ import annotations

from typing import Any, Iterable

from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.models import Department, StaffProfile
from app.models.staff import profile_departments, profile_estates, profile_offices


def _with_roles(roles: Iterable[str]) -> Select:
    return (select(User.id)
            .join(assoc_user_role, assoc_user_role.c.user_id == User.id)
            .join(Role, Role.id == assoc_user_role.c.role_id)
            .where(Role.name.in_(list(roles)), User.active.is_(True)))


def in_department(session: Session, roles: Iterable[str], department_id: int) -> list[int]:
    """Holders of `roles` whose profile lists the department."""
    query = (_with_roles(roles)
             .join(StaffProfile, StaffProfile.user_id == User.id)
             .join(profile_departments, profile_departments.c.profile_id == StaffProfile.id)
             .where(profile_departments.c.department_id == department_id))
    return sorted(set(session.scalars(query)))


def directing_office(session: Session, roles: Iterable[str], office_id: int) -> list[int]:
    """Holders of `roles` whose profile lists the whole office (directors)."""
    query = (_with_roles(roles)
             .join(StaffProfile, StaffProfile.user_id == User.id)
             .join(profile_offices, profile_offices.c.profile_id == StaffProfile.id)
             .where(profile_offices.c.office_id == office_id))
    return sorted(set(session.scalars(query)))


def anywhere(session: Session, roles: Iterable[str]) -> list[int]:
    """Holders of `roles` wherever they work (the general manager)."""
    return sorted(set(session.scalars(_with_roles(roles))))


def on_estate(session: Session, estate: Any, department_kind: str,
              roles: Iterable[str]) -> dict[int, str]:
    """{user id: "name (login)"} of holders of `roles` in a `department_kind` department of the
    estate's office who work on this estate (their profile lists it, or lists no estate
    at all), ordered by name. Two queries, whatever the number of people."""
    query = (select(User, StaffProfile.id)
             .join(assoc_user_role, assoc_user_role.c.user_id == User.id)
             .join(Role, Role.id == assoc_user_role.c.role_id)
             .join(StaffProfile, StaffProfile.user_id == User.id)
             .join(profile_departments, profile_departments.c.profile_id == StaffProfile.id)
             .join(Department, Department.id == profile_departments.c.department_id)
             .where(Role.name.in_(list(roles)), User.active.is_(True),
                    Department.kind == department_kind,
                    Department.office_id == estate.office_id)
             .order_by(User.first_name, User.last_name))
    rows = session.execute(query).unique().all()
    profiles = {profile_id for _user, profile_id in rows}
    estates_of: dict[int, set[int]] = {}
    if profiles:
        for profile_id, estate_id in session.execute(
                select(profile_estates.c.profile_id, profile_estates.c.estate_id)
                .where(profile_estates.c.profile_id.in_(profiles))):
            estates_of.setdefault(profile_id, set()).add(estate_id)
    people: dict[int, str] = {}
    for user, profile_id in rows:
        covered = estates_of.get(profile_id)
        if not covered or estate.id in covered:
            # Name and login: two colleagues called 陳嘉欣 are told apart.
            people[user.id] = f"{user.get_full_name()} ({user.username})"
    return people
