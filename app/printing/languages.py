"""Print languages: bilingual labels from the gettext catalogs, and the form's script (R-PR).

A printed form carries every label in two languages at once, whatever the language of the
person's screen: labels are English message ids, translated here through the project's
compiled catalogs (translations/<locale>/LC_MESSAGES/messages.mo) loaded per locale and
cached, never through the request's locale.

Free text (descriptions, names, remarks) is printed as typed, converted to the form's
script with OpenCC when the config switch PRINT_CONVERT_SCRIPT is on (default), so that a
Traditional form does not mix in Simplified characters typed at a mainland front desk.
"""
from __future__ import annotations

import gettext as _gettext
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping

from babel import support
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.printing.errors import UnknownLanguage

# The print languages and their names in their own language (shown in language pickers).
LANGUAGES: dict[str, str] = {"en": "English", "zh_Hans": "简体中文", "zh_Hant": "繁體中文"}
CHINESE = ("zh_Hans", "zh_Hant")
# HTML lang tags. zh-Hans / zh-Hant made the fallback pick the Japanese face (STACK.md):
# the region tags select the Chinese glyph forms.
LANG_TAGS = {"en": "en", "zh_Hans": "zh-CN", "zh_Hant": "zh-TW"}
# OpenCC conversions into each script.
OPENCC_INTO = {"zh_Hans": "t2s", "zh_Hant": "s2t"}


def validate_languages(lang: str | None, second: str | None = "en") -> tuple[str, ...]:
    """The distinct print languages, first one first: ``("zh_Hans", "en")``.

    `second` may be None or "" for a form in one language; the same language twice prints
    once. Raises UnknownLanguage (translated message) for any other code (R-PR).
    """
    for code in (lang, second or lang):
        if not isinstance(code, str) or code not in LANGUAGES:
            raise UnknownLanguage(_(
                "Unknown print language “%(code)s”. Choose one of: %(choices)s.",
                code=code if isinstance(code, str) else "", choices=", ".join(LANGUAGES)))
    return (lang,) if not second or second == lang else (lang, second)


def form_script(languages: Iterable[str], estate: Any = None) -> str:
    """The script a form is printed in: the first language if it is Chinese, else the
    second if it is Chinese, else the estate's default script (Simplified if unset)."""
    for code in languages:
        if code in CHINESE:
            return code
    script = getattr(estate, "script", None)
    return script if script in CHINESE else "zh_Hans"


# --- catalogs ----------------------------------------------------------------------------

_catalog_lock = threading.Lock()
_catalogs: dict[tuple[tuple[str, ...], str], _gettext.NullTranslations] = {}


def translation_directories() -> tuple[str, ...]:
    """Absolute catalog directories of the app (config BABEL_TRANSLATION_DIRECTORIES,
    ';'-separated, later ones win as in Flask-Babel)."""
    raw = current_app.config.get("BABEL_TRANSLATION_DIRECTORIES") or "translations"
    dirs = []
    for entry in str(raw).split(";"):
        entry = entry.strip()
        if entry:
            path = entry if os.path.isabs(entry) else os.path.join(current_app.root_path, entry)
            dirs.append(os.path.normpath(path))
    return tuple(dirs)


def catalog(locale: str) -> _gettext.NullTranslations:
    """The merged catalog of `locale`, loaded once per process.

    Only folders named exactly like the locale are read: Flask-AppBuilder's own directory
    holds `zh` (Simplified) only, which gettext's fallback would otherwise serve for
    zh_Hant (STACK.md, Locales). English is the source language: message ids print as is.
    """
    dirs = translation_directories()
    key = (dirs, locale)
    found = _catalogs.get(key)
    if found is not None:
        return found
    with _catalog_lock:
        found = _catalogs.get(key)
        if found is None:
            found = _load_catalog(dirs, locale)
            _catalogs[key] = found
    return found


def _load_catalog(dirs: tuple[str, ...], locale: str) -> _gettext.NullTranslations:
    merged: support.Translations | None = None
    for directory in dirs:
        if not os.path.isfile(os.path.join(directory, locale, "LC_MESSAGES", "messages.mo")):
            continue
        loaded = support.Translations.load(directory, [locale])
        if not isinstance(loaded, support.Translations):
            continue
        if merged is None:
            merged = loaded
        else:
            merged.merge(loaded)
    return merged if merged is not None else support.NullTranslations()


def clear_catalogs() -> None:
    """Forget loaded catalogs (after `bin/i18n compile`, and in tests)."""
    with _catalog_lock:
        _catalogs.clear()


def translate(msgid: str, locale: str, **variables: Any) -> str:
    text = catalog(locale).gettext(msgid)
    return text % variables if variables else text


def msgid_of(label: Any) -> str:
    """The English message id behind a lazy label of the models (`_l("Water leak")`), so
    that it can be translated into any print language, not only the request's."""
    args = getattr(label, "_args", None)  # flask_babel.speaklater.LazyString
    if isinstance(args, tuple) and args and isinstance(args[0], str):
        return args[0]
    return str(label)


# --- bilingual labels --------------------------------------------------------------------

@dataclass(frozen=True)
class Label:
    """One label in up to two languages: `parts` is ((language, text), ...).

    Rendered in a template it is the first language with the second below it; `.first`,
    `.second` and `.inline` ("小区 / Estate") serve other layouts. Only a part in the other
    Chinese script than the sheet's carries a lang attribute (it needs the other font);
    everything else inherits the sheet's font, which keeps the pages light to lay out.
    """

    parts: tuple[tuple[str, str], ...]
    script: str | None = None  # the sheet's script: the first Chinese print language

    def _tag(self, lang: str) -> Markup:
        if lang in CHINESE and lang != self.script:
            return Markup(' lang="{0}"').format(LANG_TAGS[lang])
        return Markup("")

    @property
    def first(self) -> Markup:
        lang, text = self.parts[0]
        tag = self._tag(lang)
        return Markup("<span{0}>{1}</span>").format(tag, text) if tag else escape(text)

    @property
    def second(self) -> Markup:
        if len(self.parts) < 2:
            return Markup("")
        lang, text = self.parts[1]
        return Markup('<span class="l2"{0}>{1}</span>').format(self._tag(lang), text)

    @property
    def inline(self) -> Markup:
        pieces = []
        for lang, text in self.parts:
            tag = self._tag(lang)
            pieces.append(Markup("<span{0}>{1}</span>").format(tag, text) if tag
                          else escape(text))
        return Markup(" / ").join(pieces)

    def __html__(self) -> str:
        return str(self.first + self.second)

    def __str__(self) -> str:
        return " / ".join(text for _lang, text in self.parts)


class Bilingual:
    """The `_` of the print templates: `{{ _("Estate") }}` gives the label in every print
    language. It is named `_` so that `bin/i18n extract` finds the message ids in the
    templates like any other."""

    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = languages
        self.script = next((code for code in languages if code in CHINESE), None)

    def __call__(self, msgid: Any, **variables: Any) -> Label:
        msgid = msgid_of(msgid)
        parts: list[tuple[str, str]] = []
        for lang in self.languages:
            text = translate(msgid, lang, **variables)
            if all(text != seen for _lang, seen in parts):  # untranslated: print once
                parts.append((lang, text))
        return Label(tuple(parts), self.script)

    def choice(self, choices: Mapping[str, Any], code: str | None) -> Markup:
        """A stored choice code (category, source, satisfaction…) through the model's
        label dict, inline in both languages; an unknown code prints as stored."""
        if code is None or code == "":
            return Markup("")
        label = choices.get(code)
        if label is None:
            return escape(code)
        return self(label).inline


# --- script of free text -----------------------------------------------------------------

@lru_cache(maxsize=None)
def _converter(config: str):
    from opencc import OpenCC  # opencc-python-reimplemented

    return OpenCC(config)


def convert_script(text: str, script: str) -> str:
    """`text` in `script` (zh_Hans / zh_Hant); other text is returned unchanged."""
    if not text or script not in OPENCC_INTO:
        return text
    return _converter(OPENCC_INTO[script]).convert(text)
