"""Confirmations of list actions that say what will be done, and to how many rows.

`counted(one, several)` is what an `@action` passes as its confirmation. FAB shows it as
`one` wherever one row is acted on (the detail page); the list page
(templates/lists/list.html) takes `several`, whose `%(count)d` the page fills in with the
number of rows checked when the action is chosen. Both texts are translated in Python, in
the reader's language, when the page is rendered.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


class CountedConfirmation:
    """An action's confirmation for one row and for several (`%(count)d` in `several`)."""

    def __init__(self, one: Any, several: Any) -> None:
        msgid = getattr(several, "_args", (several,))[0]  # a lazy string's message id
        if "%(count)d" not in str(msgid):
            raise ValueError(f"{msgid!r}: a confirmation for several rows says how many "
                             "with %(count)d")
        self.one = one
        self.several = several

    def __str__(self) -> str:
        return str(self.one)

    def __html__(self) -> Markup:
        # FAB writes the confirmation into a JavaScript string on the detail page.
        return escape(str(self.one))

    def __bool__(self) -> bool:
        return True

    def texts(self) -> dict[str, str]:
        """Both texts in the current language, for the list page's script."""
        return {"one": str(self.one), "several": str(self.several)}


def counted(one: Any, several: Any) -> CountedConfirmation:
    return CountedConfirmation(one, several)
