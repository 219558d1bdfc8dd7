"""Locale selection: session choice, then Accept-Language, then English.

Babel would expand zh_TW to zh_Hant_TW and fall back to Simplified (STACK.md), so browser
tags are mapped to exactly the configured keys, and a locale left in a cookie that is no
longer configured is dropped instead of breaking every page.
"""
from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.i18n import messages_path

# The product's name (config APP_NAME) as the navbar shows it, in the reader's language.
PRODUCT_NAME = _l("Property Service Desk")
PRODUCT_NAME_ID = "Property Service Desk"  # its message id (config.py's APP_NAME)

BROWSER_TAGS = {
    "zh-cn": "zh_Hans", "zh-sg": "zh_Hans", "zh-hans": "zh_Hans", "zh-my": "zh_Hans",
    "zh": "zh_Hans",
    "zh-tw": "zh_Hant", "zh-hk": "zh_Hant", "zh-mo": "zh_Hant", "zh-hant": "zh_Hant",
}


def locale_from_accept_language(header_values: list[str], languages: dict) -> str | None:
    for tag in header_values:
        tag = tag.lower().replace("_", "-")
        if tag.startswith("zh-hant"):
            return "zh_Hant"
        if tag.startswith("zh-hans"):
            return "zh_Hans"
        if tag in BROWSER_TAGS:
            return BROWSER_TAGS[tag]
        base = tag.split("-")[0]
        if base in languages:
            return base
    return None


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    if not has_request_context():
        return default
    explicit = request.args.get("_l_")
    if explicit in languages:
        return explicit
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if chosen is not None:
        session.pop("locale", None)  # stale: configured once, not any more
    best = locale_from_accept_language(list(request.accept_languages.values()), languages)
    return best or default


# WTForms ships its messages ("This field is required.") as `zh` (Simplified) and `zh_TW`;
# looked up as zh_Hant they would fall back to Simplified, like FAB's own strings.
WTFORMS_LOCALES = {"zh_Hant": "zh_TW", "zh_Hans": "zh"}


@lru_cache(maxsize=8)
def _wtforms_catalog(locale: str):
    return support.Translations.load(messages_path(), [WTFORMS_LOCALES.get(locale, locale)],
                                     domain="wtforms")


def use_wtforms_catalog() -> None:
    """Before each request: the WTForms messages of the request's locale, in its script
    (Flask-WTF reads them from `request.wtforms_translations`)."""
    request.wtforms_translations = _wtforms_catalog(str(get_locale() or "en"))


def duration_label(minutes: int) -> str:
    """Time left or overdue as people say it: "2 d 3 h", "5 h 20 min", "12 min"."""
    minutes = abs(int(minutes))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h", d=days, h=hours)
    if hours:
        return _("%(h)d h %(m)d min", h=hours, m=mins)
    return _("%(m)d min", m=mins)
