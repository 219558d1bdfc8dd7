"""Chinese fonts for printed forms (R-PR, STACK.md "WeasyPrint and Chinese fonts").

Without a CJK font WeasyPrint prints every Chinese character as an empty box, with no
error and no warning. So each script names its font family explicitly (config
PRINT_FONTS, default Noto Sans CJK SC / TC from the Debian package fonts-noto-cjk), the
family is looked up in fontconfig, the same library WeasyPrint draws with, before the
first form is printed, and a missing family stops the print with a clear, translated
message instead of boxes. A family once found is remembered for the life of the process;
a missing one is looked up again on the next print, so installing the package is enough.

One FontConfiguration per thread is reused for every print: fonts are parsed once, not
per form.
"""
from __future__ import annotations

import logging
import threading
from typing import Iterable

import weasyprint.text.ffi as text_ffi
from flask import current_app
from flask_babel import gettext as _
from weasyprint.text.ffi import ffi, fontconfig
from weasyprint.text.fonts import FontConfiguration

from app.printing.errors import FontMissing

log = logging.getLogger(__name__)

DEFAULT_FONTS = {"zh_Hans": "Noto Sans CJK SC", "zh_Hant": "Noto Sans CJK TC"}
FONT_PACKAGE = "fonts-noto-cjk"

_found: set[str] = set()
_found_lock = threading.Lock()
_local = threading.local()
_subset_warned = False


def fonts() -> dict[str, str]:
    """Script -> font family (config PRINT_FONTS overrides the defaults per script)."""
    configured = current_app.config.get("PRINT_FONTS") or {}
    return {**DEFAULT_FONTS, **configured}


def family_installed(family: str) -> bool:
    """True when fontconfig resolves `family` to a font of that very family (fontconfig
    always answers with *some* font: a fallback does not count)."""
    config = fontconfig.FcInitLoadConfigAndFonts()
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        if match == ffi.NULL:
            return False
        try:
            value = ffi.new("FcChar8 **")
            index = 0
            wanted = family.casefold()
            while fontconfig.FcPatternGetString(match, b"family", index, value) == \
                    fontconfig.FcResultMatch:
                if ffi.string(value[0]).decode("utf-8", "replace").casefold() == wanted:
                    return True
                index += 1
            return False
        finally:
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)


def ensure_fonts(families: Iterable[str]) -> None:
    """Raise FontMissing (translated) unless every family is installed."""
    missing = []
    for family in sorted(set(families)):
        if family in _found:
            continue
        if family_installed(family):
            with _found_lock:
                _found.add(family)
        else:
            missing.append(family)
    if missing:
        log.error("print font(s) missing: %s (install %s)", ", ".join(missing), FONT_PACKAGE)
        _local.__dict__.pop("font_config", None)  # see fonts installed meanwhile next time
        raise FontMissing(_(
            "Chinese cannot be printed: the font %(fonts)s is not installed on the server, "
            "so Chinese characters would print as empty boxes. Please ask the system "
            "administrator to install the package %(package)s (bin/setup does it).",
            fonts=", ".join(f"“{f}”" for f in missing), package=FONT_PACKAGE))
    _warn_without_subsetting()


def forget_fonts() -> None:
    """Look every family up again on the next print (tests; after installing fonts)."""
    with _found_lock:
        _found.clear()
    _local.__dict__.pop("font_config", None)


def font_config():
    """This thread's WeasyPrint FontConfiguration, created once and reused."""
    config = getattr(_local, "font_config", None)
    if config is None:

        config = _local.font_config = FontConfiguration()
    return config


def _warn_without_subsetting() -> None:
    """Without libharfbuzz-subset0 every print takes 14–15 s (STACK.md): say so once."""
    global _subset_warned
    if _subset_warned:
        return
    _subset_warned = True
    if getattr(text_ffi, "harfbuzz_subset", None) is None:
        log.warning("libharfbuzz-subset0 is not installed: each printed form with Chinese "
                    "text takes seconds instead of milliseconds (apt-get install "
                    "libharfbuzz-subset0)")
