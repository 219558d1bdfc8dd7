"""Who holds role X here: the one answer every workflow, deadline and choice list asks.

A person holds roles (FAB roles, what they may do) and a staff profile (where: departments,
estates, whole offices). "Here" is a department, an office, or an estate's departments of
one kind. Inactive accounts never hold anything.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.models import Department, StaffProfile
from app.models.org import DEPARTMENT_KINDS
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


def works_in(session: Session, user_id: int | None, office_id: int, kind: str) -> bool:
    """Whether the person's profile lists a `kind` department of the office."""
    if user_id is None:
        return False
    query = (select(Department.id)
             .join(profile_departments, profile_departments.c.department_id == Department.id)
             .join(StaffProfile, StaffProfile.id == profile_departments.c.profile_id)
             .where(StaffProfile.user_id == user_id, Department.office_id == office_id,
                    Department.kind == kind)
             .limit(1))
    return session.scalar(query) is not None


def by_department(kind: str) -> Callable[[Any, Any], str | None]:
    """A workflow guard: the step belongs to the `kind` department of the document's estate's
    office (Finance takes the fee, Security vets the permit…), whatever else the person may
    do. The system and admins pass."""

    def guard(document: Any, ctx: Any) -> str | None:
        actor = ctx.actor
        if actor.is_system or actor.is_admin:
            return None
        office_id = document.estate.office_id if document.estate is not None else None
        if office_id is not None and works_in(ctx.session, actor.user_id, office_id, kind):
            return None
        return _("This step is taken by the %(department)s of the estate's office.",
                 department=str(DEPARTMENT_KINDS.get(kind, kind)))

    guard.__name__ = f"by_{kind}_department"
    return guard
