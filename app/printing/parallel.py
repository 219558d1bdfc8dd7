"""One long print job laid out on every core: the sheets of the document are split into
contiguous runs, each run becomes a PDF in its own process, and the parts are joined in
order.

WeasyPrint lays pages out on one core, about 65 ms for a survey questionnaire: 1,000
households take over a minute in one process and about half that on two. A printed
document is a sequence of independent sheets (`<section class="sheet">`, each starting a
page, no page counters), so cutting between sheets changes nothing on paper. The
stylesheets a form puts inside its sheets go with every run.

The workers are forked from the process that built the HTML and only lay out text (no
database, no request), so nothing has to be set up again in them; where fork is not
available the document is laid out in this process.
"""
from __future__ import annotations

import io
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

from pypdf import PdfWriter

SHEET = re.compile(r'<section class="sheet[\s"]')
STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I)
BODY = re.compile(r"<body\b[^>]*>", re.I)


def split_sheets(html: str, parts: int) -> list[str]:
    """`html` as at most `parts` documents holding consecutive sheets, in order; each has
    the original head and every inline stylesheet. One document when there is nothing to
    split."""
    starts = [m.start() for m in SHEET.finditer(html)]
    body = BODY.search(html)
    end = html.rfind("</body>")
    if parts < 2 or len(starts) < 2 or body is None or end < starts[-1]:
        return [html]
    head, tail = html[:body.end()], html[end:]
    styles = "".join(STYLE.findall(html[body.end():end]))
    bounds = starts + [end]
    size = -(-len(starts) // parts)  # sheets per part, rounded up
    documents = []
    for first in range(0, len(starts), size):
        last = min(first + size, len(starts))
        chunk = STYLE.sub("", html[bounds[first]:bounds[last]])
        documents.append(f"{head}{styles}{chunk}{tail}")
    return documents


def join_pdfs(parts: list[bytes]) -> bytes:
    """The parts' pages, in order, as one PDF."""
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sheet_count(html: str) -> int:
    return sum(1 for _ in SHEET.finditer(html))


def write_in_parallel(html: str, write_one: Callable[[str], bytes], processes: int) -> bytes:
    """`write_one` (HTML -> PDF) over runs of sheets in `processes` forked processes."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return write_one(html)
    documents = split_sheets(html, processes)
    if len(documents) == 1:
        return write_one(html)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(documents), mp_context=context) as pool:
        parts = list(pool.map(write_one, documents))
    return join_pdfs(parts)
