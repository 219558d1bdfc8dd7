"""Password policy: a minimum length and a blocklist of common passwords, no composition
rules (they make passwords harder to remember, not harder to guess)."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext as _


@lru_cache(maxsize=1)
def _blocklist() -> frozenset[str]:
    # 30,000 most common leaked passwords, shipped inside the zxcvbn package.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    extra = {"wuye1234", "wuyeguanli", "kefu123456", "admin12345", "password123",
             "qwertyuiop", "1234567890", "0123456789", "88888888", "66666666"}
    return frozenset(FREQUENCY_LISTS["passwords"]) | extra


def password_problem(password: str) -> str | None:
    """Why `password` is refused, translated, or None when it is acceptable."""
    minimum = current_app.config.get("PASSWORD_MIN_LENGTH", 10)
    if len(password or "") < minimum:
        return _("Use at least %(n)d characters.", n=minimum)
    lowered = password.lower()
    if lowered in _blocklist() or len(set(lowered)) <= 2:
        return _("This password is too common. Choose a less predictable one.")
    return None


def validate_password(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR hook: raise with a translated reason."""
    problem = password_problem(password)
    if problem:
        raise PasswordComplexityValidationError(problem)
