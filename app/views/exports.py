"""List exports (xlsx and CSV): the rows of the list as the person filtered and sorted it,
within their row scope (R-ORG-4), private values masked as on the page (R-RES-2), headers
in their language. One mechanism for every list: `ScopedModelView.export` uses it.

Rows are read in pages of `CHUNK` and written as they come (the list's order plus the
primary key makes the pages stable), so an export never holds every row object at once;
`EXPORT_MAX_ROWS` bounds the file itself."""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Callable, Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMATS = {"xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx"),
           "csv": ("text/csv; charset=utf-8", "csv")}
CHUNK = 500
DEFAULT_MAX_ROWS = 50_000

# A cell starting with one of these is run as a formula by Excel (CSV injection); plain
# numbers such as -5 or +86 138… are data.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s.,*]+$")


def safe_text(value: str) -> str:
    """A value as text a spreadsheet shows and never evaluates."""
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def rows_in_pages(fetch: Callable[[int, int], list[Any]], total: int,
                  chunk: int = CHUNK) -> Iterator[Any]:
    """Every row of a query read page by page: fetch(page, page_size) -> rows."""
    page = 0
    while page * chunk < total:
        rows = fetch(page, chunk)
        if not rows:
            return
        yield from rows
        page += 1


def csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark: Excel opens Chinese text correctly only with it."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([safe_text(h) for h in header])
    for row in rows:
        writer.writerow([safe_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(title: str, header: list[str], rows: Iterable[list[str]]) -> bytes:
    """A write-only workbook (rows go to disk-backed XML as they come). Every cell is text:
    phones and form numbers keep their leading zeros and nothing is run as a formula."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))

    def cells(values: list[str]) -> list[WriteOnlyCell]:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            out.append(cell)
        return out

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel refuses sheet names longer than 31 characters or holding []:*?/\\."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip()
    return (cleaned or "Sheet")[:31]
