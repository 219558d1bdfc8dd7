"""The built-in roles' default permissions, built from the one hierarchy and the
document types' declarations: what `flask roles sync` writes (R-ORG-3, R-ORG-4).

Kept apart from the permission names (app/security/permissions.py) because it reads the
registry of document types, while the names are read by everything below the registry.
"""
from __future__ import annotations

from typing import Iterable

from app.security import permissions as P
from app.workflows.registry import EVERY_ROLE, menu_items, registered, role_grants
from app.workflows.table import transition_grants


def role_permissions() -> dict[str, set[P.Perm]]:
    """Every built-in role's default permissions: staff basics, its own grants and the
    document types' grants, over the one hierarchy, with the menu entries they open."""
    declared = role_grants()
    direct = {role: P.OWN_GRANTS[role] | declared.get(role, set()) for role in P.ROLE_NAMES}
    menus = {**{k: (v, P.MENU_CATEGORY_OF[k]) for k, v in P.MENU_ITEMS.items()}, **menu_items()}
    result = {}
    for role, perms in P.expand_grants(direct).items():
        perms = P.STAFF | declared.get(EVERY_ROLE, set()) | perms
        result[role] = perms | _menus_for(perms, menus)
    return result


def _menus_for(perms: set[P.Perm], menus: dict[str, tuple[P.Perm, str]]) -> set[P.Perm]:
    """A role sees a menu entry exactly when it may read what the entry opens."""
    shown: set[P.Perm] = set()
    for label, (needed, category) in menus.items():
        if needed in perms:
            shown |= {(P.MENU, label), (P.MENU, category)}
    return shown


def all_declared_permissions() -> Iterable[P.Perm]:
    return sorted(set().union(*role_permissions().values()))


def transition_permissions() -> dict[str, set[P.Perm]]:
    """Per built-in role, the workflow transitions its declarations (and the roles it
    includes) grant by default."""
    return P.expand_grants(transition_grants(registered().values()))
