"""Printable forms (R-PR): what a paper form is, and where to find the forms of a type.

A form (`PrintForm`, declared with its type in app/workflows/registry.py) is an HTML template under app/templates/print/, its title (an English message id)
and optional extra values computed from the record. Each document type lists its forms in
its declaration (app/workflows/<type>.py); the registry fills in the type and the endpoint
of the record's detail page, which the QR code points to so that a paper copy can be
verified.
"""
from __future__ import annotations

from typing import Iterator, Mapping

from flask_babel import gettext as _gettext

from app.printing.errors import UnknownForm
from app.workflows.registry import PrintForm, all_print_forms


class _DeclaredForms(Mapping[str, PrintForm]):
    """key -> form of every declared document type, read from the registry when asked."""

    @staticmethod
    def _forms() -> dict[str, PrintForm]:
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
