"""Job-role templates (R-ORG-3): the built-in roles are templates an admin clones under a
new name and refines by area, without reading FAB's raw permission names.

Menu entries are not chosen by hand: a role gets a menu entry exactly when it may read
what the entry opens (the rule of `flask roles sync`, app/security/roles.py). The preview
says what a person holding some roles will see: the menu and the actions on each document
type. Nothing here commits; the request does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest

from app.security import permissions as P
from app.security.role_labels import grouped, menu_labels, permission_labels
from app.security.roles import _menus_for
from app.workflows.registry import document_types, menu_items


class RoleRefused(BadRequest):
    """A clone or an edit that cannot be saved; `errors` maps form fields to reasons."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(description=" ".join(errors.values()))
        self.errors = errors


def _sm() -> Any:
    return current_app.appbuilder.sm


def is_admin_role(role: Any) -> bool:
    return role.name == current_app.config["AUTH_ROLE_ADMIN"]


def role_perms(role: Any) -> set[P.Perm]:
    return {(pv.permission.name, pv.view_menu.name) for pv in role.permissions
            if pv.permission is not None and pv.view_menu is not None}


# --- which menu entry opens what -----------------------------------------------------------

def menu_openers() -> dict[str, tuple[P.Perm, str]]:
    """Menu name -> (the permission that opens what it shows, its category): the product's
    own table, the document types' declarations, then any other entry of the menu from
    the view it opens (its default page's permission)."""
    menus = {**{k: (v, P.MENU_CATEGORY_OF[k]) for k, v in P.MENU_ITEMS.items()},
             **menu_items()}
    for category in current_app.appbuilder.menu.get_list():
        for item in category.childs:
            view = getattr(item, "baseview", None)
            if item.name in menus or view is None or item.name == "-":
                continue
            method = view.default_view
            action = getattr(view, "method_permission_name", {}).get(method, method)
            menus[item.name] = ((f"can_{action}", view.class_permission_name), category.name)
    return menus


def with_menus(perms: set[P.Perm], current: set[P.Perm] = frozenset()) -> set[P.Perm]:
    """`perms` without hand-picked menu entries, plus the entries they open. Menu
    permissions on entries nobody can derive (none known) are kept as they were."""
    menus = menu_openers()
    managed = set(menus) | {category for _needed, category in menus.values()}
    kept = {p for p in current if p[0] == P.MENU and p[1] not in managed}
    plain = {p for p in perms if p[0] != P.MENU}
    return plain | _menus_for(plain, menus) | kept


# --- what the role page lists ----------------------------------------------------------------

def permission_choices() -> list[Any]:
    """Every permission there is, except menu entries, as (id, label) grouped by area."""
    sm = _sm()
    pvs = [pv for pv in sm.session.scalars(select(sm.permissionview_model))
           if pv.permission is not None and pv.view_menu is not None
           and pv.permission.name != P.MENU]
    labels = permission_labels((pv.permission.name, pv.view_menu.name) for pv in pvs)
    return grouped((pv.id, labels[(pv.permission.name, pv.view_menu.name)]) for pv in pvs)


def set_permissions(role: Any, permission_ids: Iterable[int]) -> None:
    """Give `role` exactly the chosen permissions, with the menu entries they open."""
    if is_admin_role(role):
        raise RoleRefused({"permissions": _("The Admin role always holds every permission.")})
    sm = _sm()
    ids = {int(i) for i in permission_ids}
    chosen = {(pv.permission.name, pv.view_menu.name) for pv in sm.session.scalars(
        select(sm.permissionview_model).where(sm.permissionview_model.id.in_(ids)))}
    if len(chosen) != len(ids):
        raise RoleRefused({"permissions": _("Some of the chosen permissions no longer exist. "
                                            "Reload the page and choose again.")})
    wanted = with_menus(chosen, role_perms(role))
    role.permissions = [pv for pv in (sm.find_permission_view_menu(a, r)
                                      for a, r in sorted(wanted)) if pv is not None]


def clone_role(template: Any, name: str) -> Any:
    """A new role named `name` holding the permissions of `template`."""
    name = (name or "").strip()
    sm = _sm()
    if not name:
        raise RoleRefused({"name": _("Give the new role a name.")})
    if len(name) > 64:
        raise RoleRefused({"name": _("Use at most %(n)d characters.", n=64)})
    role_model = sm.role_model
    taken = sm.session.scalar(select(role_model).where(
        func.lower(role_model.name) == name.lower()))
    if taken is not None:
        raise RoleRefused({"name": _("A role with this name already exists.")})
    role = role_model(name=name)
    role.permissions = list(template.permissions)
    sm.session.add(role)
    sm.session.flush()
    return role


# --- preview ----------------------------------------------------------------------------------

@dataclass
class MenuGroup:
    label: str
    entries: list[str] = field(default_factory=list)


@dataclass
class DocumentActions:
    label: str
    actions: list[str] = field(default_factory=list)


@dataclass
class Preview:
    menu: list[MenuGroup]
    documents: list[DocumentActions]
    sees_everything: bool = False


def perms_of_roles(roles: Iterable[Any]) -> tuple[set[P.Perm], bool]:
    """The union of the roles' permissions, and whether one of them is Admin."""
    perms: set[P.Perm] = set()
    admin = False
    for role in roles:
        admin = admin or is_admin_role(role)
        perms |= role_perms(role)
    return perms, admin


def preview(perms: set[P.Perm], admin: bool = False) -> Preview:
    """What a person holding `perms` sees: the menu (as FAB shows it: an entry needs its
    menu permission) and, per document type, the actions on it."""
    labels = menu_labels()
    groups = []
    for category in current_app.appbuilder.menu.get_list():
        if not (admin or (P.MENU, category.name) in perms):
            continue
        children = [c for c in category.childs if c and c.name != "-"]
        if not children:
            groups.append(MenuGroup(str(labels.get(category.name, category.name))))
            continue
        entries = [str(c.label) for c in children if admin or (P.MENU, c.name) in perms]
        if entries:
            groups.append(MenuGroup(str(category.label), entries))
    documents = []
    for document in document_types().values():
        on_type = {p for p in perms if p[1] == document.resource} if not admin else {
            p for p in _all_perms() if p[1] == document.resource}
        if not on_type:
            continue
        read = permission_labels(sorted(on_type))
        label = document.menu.label if document.menu else document.label
        documents.append(DocumentActions(str(label), [read[p].text for p in sorted(
            on_type, key=lambda p: (p[0] not in ("can_read", "can_create"), read[p].text))]))
    return Preview(groups, documents, admin)


def _all_perms() -> set[P.Perm]:
    sm = _sm()
    return {(pv.permission.name, pv.view_menu.name)
            for pv in sm.session.scalars(select(sm.permissionview_model))
            if pv.permission is not None and pv.view_menu is not None}


def preview_of_roles(roles: Iterable[Any]) -> Preview:
    perms, admin = perms_of_roles(roles)
    return preview(perms, admin)
