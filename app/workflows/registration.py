"""Checks every registration shares (work orders, register entries, complaints): where the
matter is (estate, unit, resident, all consistent and inside the registering person's
scope, R-ORG-4) and which of their departments registers it."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Department, StaffProfile
from app.models.staff import profile_departments
from app.security.actor import Actor
from app.security.scope import is_in_scope


def check_place(doc: Any, actor: Actor) -> dict[str, str]:
    """Complete the estate and unit from what was given and say what does not fit."""
    errors: dict[str, str] = {}
    if doc.resident is not None and doc.unit is None:
        doc.unit = doc.resident.unit
    if doc.estate is None and doc.unit is not None:
        doc.estate = doc.unit.estate
    if doc.estate is None:
        errors["estate"] = _("This field is required.")
    elif not actor.is_system and not is_in_scope(doc.estate, actor.scope):
        errors["estate"] = _("This estate is outside your departments and estates.")
    elif doc.unit is not None and doc.unit.estate is not doc.estate:
        errors["unit"] = _("This unit is not in the chosen estate.")
    if doc.resident is not None and doc.unit is not None and doc.resident.unit is not doc.unit:
        errors["resident"] = _("This resident does not live in the chosen unit.")
    return errors


def registering_department(session: Session, actor: Actor, office_id: int) -> int | None:
    """The registering person's department in the estate's office, Customer Service first."""
    if actor.user_id is None:
        return None
    rows = session.execute(
        select(Department.id, Department.kind)
        .join(profile_departments, profile_departments.c.department_id == Department.id)
        .join(StaffProfile, StaffProfile.id == profile_departments.c.profile_id)
        .where(StaffProfile.user_id == actor.user_id,
               Department.office_id == office_id)).all()
    ranked = sorted(rows, key=lambda row: (row.kind != "customer_service", row.id))
    return ranked[0].id if ranked else None
