"""People's names as they are written: Chinese names family name first and without a
space (李晓燕), others given name first (Anna Wong). FAB joins first and last name with a
space, which turns 李晓燕 into "晓燕 李" in menus, dropdowns and printed forms."""
from __future__ import annotations

from typing import Any

from flask_appbuilder.security.sqla.models import User


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def full_name(user: Any) -> str:
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if _is_cjk(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip() or (user.username or "")


def install() -> None:
    """Make FAB's user model speak names this way everywhere it shows one."""
    User.get_full_name = full_name
