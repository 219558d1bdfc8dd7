"""Printable forms (R-PR): what a paper form is, and where to find the forms of a type.

A form is an HTML template under app/templates/print/, its title (an English message id)
and optional extra values computed from the record. Each document type lists its forms in
its declaration (app/workflows/<type>.py); the registry fills in the type and the endpoint
of the record's detail page, which the QR code points to so that a paper copy can be
verified.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from flask_babel import gettext as _gettext

from app.printing.errors import UnknownForm


def _(message: str) -> str:
    """Marks a title for `bin/i18n extract`; it is translated per print language when the
    form is printed, and in the user's language where a view lists the forms."""
    return message


@dataclass(frozen=True)
class PrintForm:
    key: str
    title: str  # English message id, e.g. "Repair form"
    template: str  # e.g. "print/repair_form.html"
    rules: str = ""  # rule ids of RULES.md the form serves
    # Extra template values computed from the record (e.g. a deadline's due time).
    extra: Callable[[Any], Mapping[str, Any]] | None = field(default=None, compare=False)
    doc_type: str = ""  # filled by the registry: the model's __workflow__
    endpoint: str = ""  # filled by the registry: detail page for the QR code


class _DeclaredForms(Mapping[str, PrintForm]):
    """key -> form of every declared document type, read from the registry when asked."""

    @staticmethod
    def _forms() -> dict[str, PrintForm]:
        # Imported here: the registry imports this module for PrintForm.
        from app.workflows.registry import all_print_forms

        return all_print_forms()

    def __getitem__(self, key: str) -> PrintForm:
        return self._forms()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._forms())

    def __len__(self) -> int:
        return len(self._forms())


FORMS: Mapping[str, PrintForm] = _DeclaredForms()


def forms_for(doc_type: str) -> list[PrintForm]:
    """The forms a document type prints, in the order they are offered."""
    return [form for form in FORMS.values() if form.doc_type == doc_type]


def get_form(key: str) -> PrintForm:
    form = FORMS.get(key)
    if form is None:
        raise UnknownForm(_gettext("Unknown form %(form)s.", form=key))
    return form
