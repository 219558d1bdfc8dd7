"""Uploaded files in and out: the one reader and the one download answer that work-order
photos and compensation evidence share.

In: a file is what its bytes say (magic number, then Pillow or pypdf must open it), never
what the browser or the name claims; empty, over-size and misnamed files are refused with
a message naming the file. Its name is cleaned once, here: no folders, no control
characters, a bounded length, the extension of what it really is.

Out: every stored file is answered the same way, with a Content-Disposition header that
no name can break (RFC 6266 / RFC 5987), `nosniff`, a sandboxing Content-Security-Policy
so that an uploaded file can never run script on our origin, and no caching.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from typing import Callable, Iterable
from urllib.parse import quote

from flask import Response
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
IMAGE_TYPES = frozenset({JPEG, PNG, WEBP})
MAX_NAME_LENGTH = 200  # the filename columns of work_order_photo and compensation_evidence
SANDBOX = "sandbox; default-src 'none'"

# A trailing ".xyz" counts as an extension when it starts with a letter: "scan v1.2" and
# "report.2024" have none (and get one), "x.exe" has one (and is refused unless it fits).
_EXTENSION = re.compile(r"^(?P<stem>.+?)(?P<ext>\.[A-Za-z][A-Za-z0-9]{0,7})$")
_PATH_SEPARATORS = re.compile(r"[\\/]")
_WHITESPACE = re.compile(r"\s+")
_NOT_HEADER_SAFE = re.compile(r"[^A-Za-z0-9._()+ -]+")
_RFC5987_SAFE = "!#$&+-.^_`|~"


class UploadRefused(ValueError):
    """A file the person has to change before it can be stored; `message` is translated
    and names the file, so callers show it as it is next to the upload field."""

    def __init__(self, message: str, filename: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename


@dataclass(frozen=True, slots=True)
class Upload:
    """One accepted file: its real content type, its cleaned name and its bytes."""

    filename: str
    content_type: str
    size: int
    data: bytes


# --- what a file really is ---------------------------------------------------------------

def _opens_as_image(image_format: str) -> Callable[[bytes], bool]:
    """Pillow opens the bytes as exactly this format (a magic number alone is cheap to
    fake: a header followed by anything else is not a photo)."""
    def check(data: bytes) -> bool:

        try:
            with Image.open(BytesIO(data), formats=[image_format]) as image:
                return image.format == image_format
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
                Image.DecompressionBombError):
            return False

    return check


def _opens_as_pdf(data: bytes) -> bool:
    """pypdf reads the document and finds at least one page."""
    try:
        return len(PdfReader(BytesIO(data)).pages) > 0
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on broken files: not a PDF
        return False


@dataclass(frozen=True, slots=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]
    magic: Callable[[bytes], bool]
    opens: Callable[[bytes], bool]


FILE_TYPES: dict[str, FileType] = {t.content_type: t for t in (
    FileType(JPEG, "JPEG", (".jpg", ".jpeg", ".jfif"),
             lambda d: d.startswith(b"\xff\xd8\xff"), _opens_as_image("JPEG")),
    FileType(PNG, "PNG", (".png",),
             lambda d: d.startswith(b"\x89PNG\r\n\x1a\n"), _opens_as_image("PNG")),
    FileType(WEBP, "WebP", (".webp",),
             lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP", _opens_as_image("WEBP")),
    FileType(PDF, "PDF", (".pdf",), lambda d: d.startswith(b"%PDF-"), _opens_as_pdf),
)}


def sniff(data: bytes) -> str:
    """The content type the bytes really are (one of FILE_TYPES), or "" for anything
    else, including a known magic number in front of something that does not open."""
    for file_type in FILE_TYPES.values():
        if file_type.magic(data):
            return file_type.content_type if file_type.opens(data) else ""
    return ""


# --- names -------------------------------------------------------------------------------

def _split_extension(name: str) -> tuple[str, str]:
    match = _EXTENSION.match(name)
    return (match["stem"], match["ext"]) if match else (name, "")


def _clean_characters(name: str) -> str:
    """Line breaks and other control characters become spaces; invisible format
    characters (such as the right-to-left override that hides a real extension) go."""
    kept = []
    for char in name:
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            kept.append(" ")
        elif not category.startswith("C"):
            kept.append(char)
    return _WHITESPACE.sub(" ", "".join(kept))


def safe_filename(raw: str | None, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """The last part of a posted path, without control characters or leading dots,
    trimmed to `max_length` characters with its extension kept; Chinese and other
    letters stay as typed. Never empty ("file")."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = _PATH_SEPARATORS.split(name)[-1]
    name = _clean_characters(name).strip().lstrip(".").strip()
    stem, extension = _split_extension(name)
    stem = stem.rstrip(" .") or "file"
    return stem[:max(1, max_length - len(extension))] + extension


def _ascii_fallback(name: str) -> str:
    """The plain-ASCII `filename=` for clients without RFC 5987: accents dropped, anything
    outside a header-safe set (quotes, backslashes, semicolons, CJK) replaced by "_"."""
    stem, extension = _split_extension(name)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"_+", "_", _NOT_HEADER_SAFE.sub("_", ascii_stem)).strip(" _.-")
    return (ascii_stem or "file") + extension


def content_disposition(filename: str, *, inline: bool) -> str:
    """`inline` or `attachment` with a quoted ASCII `filename` and, for any other name,
    `filename*=UTF-8''…` percent-encoded (RFC 6266 section 4.3): no name can add a
    parameter or a header."""
    name = safe_filename(filename)
    fallback = _ascii_fallback(name)
    value = f'{"inline" if inline else "attachment"}; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe=_RFC5987_SAFE)}"
    return value


# --- in ----------------------------------------------------------------------------------

def _type_names(allowed: frozenset[str]) -> str:
    return ", ".join(FILE_TYPES[t].label for t in FILE_TYPES if t in allowed)


def _not_allowed(name: str, allowed: frozenset[str]) -> str:
    """The refusal for a file of another type, in the words the pages have always used
    for the usual sets (photos; photos and PDF scans)."""
    if allowed == IMAGE_TYPES:
        return _("%(name)s is not a JPEG, PNG or WebP image.", name=name)
    if allowed == IMAGE_TYPES | {PDF}:
        return _("%(name)s is not a JPEG, PNG or WebP image or a PDF.", name=name)
    return _("%(name)s is not of an accepted type (%(types)s).", name=name,
             types=_type_names(allowed))


def _named_as(name: str, content_type: str) -> str:
    """The name with the extension of what the file really is, or UploadRefused when
    the name claims another type (a PNG called .pdf, a photo called .exe)."""
    file_type = FILE_TYPES[content_type]
    stem, extension = _split_extension(name)
    if not extension:
        return safe_filename(name + file_type.extensions[0])
    if extension.lower() not in file_type.extensions:
        raise UploadRefused(_("%(name)s is a %(kind)s file; its name must end in "
                              "%(extensions)s.", name=name, kind=file_type.label,
                              extensions=", ".join(file_type.extensions)), name)
    return name


def _read_one(upload: FileStorage, allowed: frozenset[str], max_bytes: int) -> Upload:
    name = safe_filename(upload.filename)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(_("%(name)s is larger than %(mb).1f MB.", name=name,
                              mb=max_bytes / 1024 / 1024), name)
    if not data:
        raise UploadRefused(_("%(name)s is empty.", name=name), name)
    content_type = sniff(data)
    if content_type not in allowed:
        raise UploadRefused(_not_allowed(name, allowed), name)
    return Upload(filename=_named_as(name, content_type), content_type=content_type,
                  size=len(data), data=data)


def read_uploads(files: Iterable[FileStorage | None], *, allowed_types: Iterable[str],
                 max_bytes: int, max_files: int | None = None) -> list[Upload]:
    """The posted files, each checked by its content; file inputs left empty are skipped.
    All or nothing: the first file that fails raises UploadRefused."""
    allowed = frozenset(allowed_types)
    unknown = allowed - FILE_TYPES.keys()
    if unknown:
        raise ValueError(f"no content check for {sorted(unknown)}; known: {list(FILE_TYPES)}")
    posted = [f for f in files if f is not None and f.filename]
    if max_files is not None and len(posted) > max_files:
        raise UploadRefused(_("Too many files: at most %(n)d at a time.", n=max_files))
    return [_read_one(upload, allowed, max_bytes) for upload in posted]


# --- out ---------------------------------------------------------------------------------

def download_response(data: bytes, *, content_type: str, filename: str,
                      inline: bool) -> Response:
    """A stored upload as the answer to a download: shown in the browser (`inline`) or
    saved, but never sniffed into HTML, never able to script our origin, never cached."""
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename, inline=inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["Cache-Control"] = "private, no-store"
    return response
