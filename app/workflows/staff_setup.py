"""Setting up a colleague in one step (R-ORG-3, R-ORG-4): the sign-in account, the job
roles and where the person works, written together in the request's unit of work.

Admins used to need four screens (department, role, user, staff profile). Here one call
creates or updates the FAB user and its staff profile; the request commits. Whoever acts
without the whole company in scope may only hand out the departments, estates and offices
of their own scope, and never the Admin role or a role that sees every estate. Places the
editor cannot see are kept as they were when they edit a colleague.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest
from werkzeug.security import generate_password_hash

from app.models import Branch, Department, Estate, Office, StaffProfile
from app.security import permissions as P
from app.security.passwords import password_problem
from app.security.scope import Scope, apply_scope, current_scope

PLACEHOLDER_DOMAIN = "staff.invalid"  # RFC 2606: never delivered
LOGIN_PATTERN = re.compile(r"^[\w.@+-]{2,64}$")
PUBLIC_ROLE = "Public"


class StaffRefused(BadRequest):
    """Input that cannot be saved; `errors` maps each form field to its reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(description=_("Nothing was saved: correct the marked fields."))
        self.errors = errors


@dataclass
class StaffData:
    """What the staff screen posts, already parsed (ids as ints)."""

    username: str = ""
    first_name: str = ""
    last_name: str = ""
    password: str = ""
    email: str = ""
    active: bool = True
    job_title: str = ""
    phone: str = ""
    role_ids: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    estate_ids: list[int] = field(default_factory=list)
    office_ids: list[int] = field(default_factory=list)
    branch_ids: list[int] = field(default_factory=list)


def _sm() -> Any:
    return current_app.appbuilder.sm


def is_placeholder_email(email: str | None) -> bool:
    return bool(email) and email.lower().endswith("@" + PLACEHOLDER_DOMAIN)


def shown_email(user: Any) -> str:
    """The email as the person typed it: nothing when we generated a placeholder."""
    return "" if is_placeholder_email(user.email) else (user.email or "")


def _placeholder_email(session: Any, username: str, user_id: int | None) -> str:
    """FAB's User.email is unique and not null: a generated, undeliverable address."""
    user_model = _sm().user_model
    local = re.sub(r"[^a-z0-9._-]", "-", username.lower()) or "staff"
    candidate, n = f"{local}@{PLACEHOLDER_DOMAIN}", 1
    while True:
        owner = session.scalar(select(user_model.id).where(
            func.lower(user_model.email) == candidate))
        if owner is None or owner == user_id:
            return candidate
        n += 1
        candidate = f"{local}-{n}@{PLACEHOLDER_DOMAIN}"


# --- what the editor may hand out ------------------------------------------------------------

@dataclass
class Choices:
    """What one editor may assign (ids -> labels), already limited to their scope."""

    roles: dict[int, Any]
    departments: dict[int, str]
    estates: dict[int, str]
    offices: dict[int, str]
    branches: dict[int, str]


def _assignable_roles(session: Any, scope: Scope) -> list[Any]:
    sm = _sm()
    roles = list(session.scalars(select(sm.role_model).order_by(sm.role_model.name)))
    roles = [r for r in roles if r.name != PUBLIC_ROLE]
    if scope.unrestricted:
        return roles
    admin = current_app.config["AUTH_ROLE_ADMIN"]
    see_all = P.SEE_ALL_SCOPE
    return [r for r in roles if r.name != admin and not any(
        pv.permission and pv.view_menu and (pv.permission.name, pv.view_menu.name) == see_all
        for pv in r.permissions)]


def choices(session: Any, scope: Scope | None = None) -> Choices:
    scope = scope or current_scope()
    departments = session.scalars(apply_scope(session.query(Department), Department, scope)
                                  .order_by(Department.office_id, Department.name).statement)
    estates = session.scalars(apply_scope(session.query(Estate), Estate, scope)
                              .order_by(Estate.code).statement)
    if scope.unrestricted:
        offices = session.scalars(select(Office).order_by(Office.name))
        branches = list(session.scalars(select(Branch).order_by(Branch.name)))
    else:
        offices = session.scalars(select(Office).where(
            Office.id.in_(scope.managed_office_ids)).order_by(Office.name))
        branches = []
    return Choices(
        roles={r.id: r for r in _assignable_roles(session, scope)},
        departments={d.id: str(d) for d in departments},
        estates={e.id: str(e) for e in estates},
        offices={o.id: str(o) for o in offices},
        branches={b.id: str(b) for b in branches},
    )


# --- create and update -----------------------------------------------------------------------

def _find_login(session: Any, username: str) -> Any:
    user_model = _sm().user_model
    return session.scalar(select(user_model).where(
        func.lower(user_model.username) == username.lower()))


def _check(session: Any, data: StaffData, allowed: Choices, user: Any | None) -> dict:
    errors: dict[str, str] = {}
    user_id = user.id if user is not None else None
    if not data.username:
        errors["username"] = _("Enter a login.")
    elif not LOGIN_PATTERN.match(data.username):
        errors["username"] = _("A login has 2 to 64 letters, digits or . _ - @ + and no "
                               "spaces.")
    else:
        owner = _find_login(session, data.username)
        if owner is not None and owner.id != user_id:
            errors["username"] = _("This login is already taken.")
    if not data.first_name:
        errors["first_name"] = _("Enter the person's name.")
    for name, value, limit in (("first_name", data.first_name, 64),
                               ("last_name", data.last_name, 64),
                               ("job_title", data.job_title, 100), ("phone", data.phone, 40),
                               ("email", data.email, 320)):
        if len(value) > limit and name not in errors:
            errors[name] = _("Use at most %(n)d characters.", n=limit)
    if user is None and not data.password:
        errors["password"] = _("Choose a password for the first sign-in.")
    elif data.password:
        problem = password_problem(data.password)
        if problem:
            errors["password"] = problem
    if data.email and "email" not in errors:
        if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", data.email):
            errors["email"] = _("This is not an email address.")
        elif is_placeholder_email(data.email):
            errors["email"] = _("Leave the email empty if the person has none.")
        else:
            user_model = _sm().user_model
            owner = session.scalar(select(user_model.id).where(
                func.lower(user_model.email) == data.email.lower()))
            if owner is not None and owner != user_id:
                errors["email"] = _("This email address is already used by another person.")
    for name, ids, offered in (("roles", data.role_ids, allowed.roles),
                               ("departments", data.department_ids, allowed.departments),
                               ("estates", data.estate_ids, allowed.estates),
                               ("offices", data.office_ids, allowed.offices),
                               ("branches", data.branch_ids, allowed.branches)):
        if any(i not in offered for i in ids):
            errors[name] = _("Choose only from the list: some of these are outside what "
                             "you may assign.")
    return errors


def _merged(chosen: Iterable[int], current: Iterable[Any], offered: dict[int, Any],
            model: type, session: Any) -> list[Any]:
    """The chosen rows, plus those already assigned that the editor cannot see (kept)."""
    kept = [row for row in current if row.id not in offered]
    ids = sorted(set(chosen))
    rows = list(session.scalars(select(model).where(model.id.in_(ids)))) if ids else []
    return kept + rows


def ensure_single_profile(session: Any, user: Any, profile: StaffProfile | None = None
                          ) -> None:
    """A person has exactly one staff profile: refuse a second one."""
    if user is None:
        return
    user_id = getattr(user, "id", None)
    if user_id is None:
        return
    query = select(StaffProfile.id).where(StaffProfile.user_id == user_id)
    if profile is not None and profile.id is not None:
        query = query.where(StaffProfile.id != profile.id)
    with session.no_autoflush:
        if session.scalar(query) is not None:
            raise StaffRefused({"user": _("This person already has a staff profile: edit "
                                          "that one instead.")})


def profile_of(session: Any, user: Any) -> StaffProfile | None:
    return session.scalar(select(StaffProfile).where(StaffProfile.user_id == user.id))


def save_staff(session: Any, data: StaffData, user: Any | None = None,
               scope: Scope | None = None) -> Any:
    """Create (user None) or update a person: account, roles and staff profile in one
    unit of work. Raises StaffRefused with a reason per field; never commits."""
    scope = scope or current_scope()
    data.username = data.username.strip()
    data.first_name, data.last_name = data.first_name.strip(), data.last_name.strip()
    data.email, data.job_title = data.email.strip(), data.job_title.strip()
    data.phone = data.phone.strip()
    allowed = choices(session, scope)
    with session.no_autoflush:
        errors = _check(session, data, allowed, user)
    if errors:
        raise StaffRefused(errors)
    with session.no_autoflush:  # the new account is complete only at the end
        sm = _sm()
        creating = user is None
        if creating:
            user = sm.user_model()
            session.add(user)
        user.username = data.username
        user.first_name = data.first_name
        user.last_name = data.last_name
        user.active = bool(data.active)
        if data.email:
            user.email = data.email
        elif creating or not is_placeholder_email(user.email):
            user.email = _placeholder_email(session, data.username, user.id)
        if data.password:
            user.password = generate_password_hash(
                data.password,
                method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"))
        user.roles = _merged(data.role_ids, [] if creating else user.roles, allowed.roles,
                             sm.role_model, session)
        profile = None if creating else profile_of(session, user)
        if profile is None:
            ensure_single_profile(session, user)
            profile = StaffProfile(user=user)
            session.add(profile)
        profile.job_title = data.job_title or None
        profile.phone = data.phone or None
        profile.departments = _merged(data.department_ids, profile.departments,
                                      allowed.departments, Department, session)
        profile.estates = _merged(data.estate_ids, profile.estates, allowed.estates, Estate,
                                  session)
        profile.offices = _merged(data.office_ids, profile.offices, allowed.offices, Office,
                                  session)
        profile.branches = _merged(data.branch_ids, profile.branches, allowed.branches, Branch,
                                   session)
    session.flush()
    return user


def staff_in_scope(session: Any, scope: Scope | None = None, search: str = "") -> list[Any]:
    """The people the editor may see, with their profile: (user, profile or None)."""
    scope = scope or current_scope()
    user_model = _sm().user_model
    query = apply_scope(session.query(user_model), user_model, scope)
    if search:
        like = f"%{search.lower()}%"
        query = query.filter(func.lower(user_model.username).like(like)
                             | func.lower(user_model.first_name).like(like)
                             | func.lower(user_model.last_name).like(like))
    users = list(session.scalars(query.order_by(user_model.username).statement))
    profiles = {p.user_id: p for p in session.scalars(select(StaffProfile).where(
        StaffProfile.user_id.in_([u.id for u in users])))} if users else {}
    return [(u, profiles.get(u.id)) for u in users]


def user_in_scope(session: Any, user_id: int, scope: Scope | None = None) -> Any | None:
    user_model = _sm().user_model
    query = apply_scope(session.query(user_model), user_model, scope or current_scope())
    return session.scalar(query.filter(user_model.id == user_id).statement)
