"""Cutting a printed document between its sheets for layout on several processes
(app/printing/parallel.py); the end-to-end check is in tests/test_survey_print.py."""
from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

from app.printing.parallel import join_pdfs, sheet_count, split_sheets

HEAD = '<!DOCTYPE html>\n<html lang="zh-CN">\n<head><title>t</title></head>\n<body>\n'


def document(sheets: int, style_in: int | None = None) -> str:
    body = "".join(
        f'<section class="sheet{" sv-q" if n % 2 else ""}" data-n="{n}">page {n}</section>\n'
        + ("<style>.sv-q { color: red; }</style>\n" if n == style_in else "")
        for n in range(1, sheets + 1))
    return f"{HEAD}{body}</body>\n</html>\n"


def test_sheets_go_in_order_to_runs_of_even_length_with_every_stylesheet() -> None:
    html = document(5, style_in=5)
    parts = split_sheets(html, 2)
    assert [sheet_count(p) for p in parts] == [3, 2]
    for part in parts:
        assert part.startswith(HEAD.rstrip()) and part.endswith("</body>\n</html>\n")
        assert part.count("<style>.sv-q { color: red; }</style>") == 1
    order = [int(n) for p in parts for n in p.split('data-n="')[1:] for n in [n.split('"')[0]]]
    assert order == [1, 2, 3, 4, 5]


def test_nothing_to_cut_leaves_the_document_whole() -> None:
    assert split_sheets(document(1), 4) == [document(1)]
    assert split_sheets(document(6), 1) == [document(6)]
    assert split_sheets("<p>no sheets</p>", 2) == ["<p>no sheets</p>"]
    assert len(split_sheets(document(3), 8)) == 3  # never an empty run


def _pdf(pages: int, width: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=width, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_parts_are_joined_in_order() -> None:
    joined = PdfReader(io.BytesIO(join_pdfs([_pdf(2, 100), _pdf(1, 200), _pdf(3, 300)])))
    assert [int(p.mediabox.width) for p in joined.pages] == [100, 100, 200, 300, 300, 300]
    single = _pdf(1, 50)
    assert join_pdfs([single]) is single
