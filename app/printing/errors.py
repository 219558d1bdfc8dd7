"""Errors of the printing module. Each carries the HTTP status a view answers with and a
message already translated into the user's interface language (flask_babel)."""
from __future__ import annotations


class PrintError(Exception):
    """A form cannot be printed as asked; `str(error)` is the translated message."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UnknownLanguage(PrintError):
    """A language code outside en / zh_Hans / zh_Hant (R-PR)."""


class UnknownForm(PrintError):
    """No form is registered under this key."""

    status = 404


class WrongDocument(PrintError):
    """A record of another document type than the form prints, or none at all."""


class OutOfScope(PrintError):
    """A record outside the user's departments and estates (R-ORG-4): never say which."""

    status = 404


class FontMissing(PrintError):
    """The Chinese font a form needs is not installed: without it every Chinese character
    would print as an empty box, silently. The server must be fixed, not the request."""

    status = 503


class VerificationUrlMissing(PrintError):
    """The detail page a form's QR code points to cannot be built."""

    status = 500
