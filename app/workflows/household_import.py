"""Household members from Sales before move-in (R-FD-2): a spreadsheet (xlsx or CSV) with
one member per row is checked row by row and stored only when every row is right.

All or nothing: a file with a bad row stores none of its rows, and the report lists every
bad row with its column and the reason, so the service centre corrects the file and
uploads it again; a household is never half imported (nor a member imported twice when
the corrected file comes back). Only units of the importer's estates are taken. Rows are
read one at a time (xlsx in openpyxl's read-only mode) and a file of more than MAX_ROWS
members is refused whole. Never commits: the page that called it does.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.org import Building, Estate, Unit
from app.models.resident import RELATIONS, Resident
from app.security.scope import Scope
from app.workflows.household_checks import (
    clean_id_number,
    clean_phone,
    id_number_problem,
    phone_problem,
)

MAX_ROWS = 5000
COLUMNS = {
    "estate": _l("Estate"), "building": _l("Building"), "unit": _l("Unit number"),
    "name": _l("Member name"), "relation": _l("Relation"), "phone": _l("Phone"),
    "id_number": _l("ID number"),
}
REQUIRED = ("building", "unit", "name")
# Headings as Sales writes them, in three languages (compared without spaces and case).
HEADINGS = {
    "estate": ("estate", "estatecode", "estatename", "屋苑", "屋苑編號", "小区", "小区编号",
               "楼盘", "项目", "樓盤", "項目"),
    "building": ("building", "栋", "楼栋", "栋号", "座", "樓座", "座數", "大廈", "楼座"),
    "unit": ("unit", "unitnumber", "房号", "房號", "单元", "单元号", "單位", "室"),
    "name": ("name", "membername", "姓名", "成员姓名", "成員姓名", "家庭成员", "家庭成員"),
    "relation": ("relation", "relationship", "关系", "關係", "与业主关系", "與業主關係"),
    "phone": ("phone", "mobile", "电话", "電話", "手机", "手機", "联系电话", "聯絡電話"),
    "id_number": ("idnumber", "id", "身份证号", "身份证号码", "身份證號碼", "证件号码",
                  "證件號碼"),
}
# Relations as Sales writes them: the owner, or a member of the owner's family.
KINSHIP_OWNER = ("本人", "户主", "戶主", "业主", "業主")
KINSHIP_FAMILY = ("配偶", "妻子", "丈夫", "夫", "妻", "子女", "儿子", "女儿", "兒子", "女兒",
                  "父亲", "母亲", "父親", "母親", "父母", "祖父", "祖母", "外祖父", "外祖母",
                  "孙子", "孙女", "孫子", "孫女", "兄弟", "姐妹", "家属", "家屬", "亲属", "親屬")
_BINARY = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\x00\x00")
_OLD_EXCEL = b"\xd0\xcf\x11\xe0"
_SQUEEZE = re.compile(r"[\s*:：()（）_\-]")


@dataclass(frozen=True)
class Rejection:
    row: int  # as the spreadsheet numbers it: the heading is row 1
    column: str
    reason: str


@dataclass
class ImportReport:
    """What the page shows: the file's problem, or each bad row; how many were stored."""
    rows: int = 0
    stored: int = 0
    file_error: str | None = None
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.file_error is None and not self.rejected


class FileRefused(Exception):
    """The file as a whole cannot be read; str() is the translated reason."""


@dataclass
class _Row:
    number: int
    values: dict[str, str]
    unit_id: int | None = None
    relation: str = "family"
    kinship: str | None = None


# --- reading -----------------------------------------------------------------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileRefused(_("This file is not a spreadsheet: upload an Excel (.xlsx) or "
                            "CSV file.")) from None
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield [_text(v) for v in row]
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in Chinese saves CSV in GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(_("This file is not a spreadsheet: upload an Excel (.xlsx) or "
                            "CSV file."))
    if "\x00" in text:
        raise FileRefused(_("This file is not a spreadsheet: upload an Excel (.xlsx) or "
                            "CSV file."))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for row in csv.reader(io.StringIO(text), dialect):
        yield [_text(v) for v in row]


def read_rows(data: bytes) -> Iterator[list[str]]:
    """The file's rows as text cells, whatever it is saved as; FileRefused otherwise."""
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    if data.startswith(_OLD_EXCEL):
        raise FileRefused(_("This is an old Excel file (.xls): save it as .xlsx or CSV and "
                            "upload it again."))
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith(_BINARY):
        raise FileRefused(_("This file is not a spreadsheet: upload an Excel (.xlsx) or "
                            "CSV file."))
    return _csv_rows(data)


def _heading_map(cells: list[str]) -> dict[int, str]:
    known = {_SQUEEZE.sub("", alias.lower()): key
             for key, aliases in HEADINGS.items() for alias in aliases}
    for key, label in COLUMNS.items():  # the headings of the template, in any language
        for locale in ("en", "zh_Hans", "zh_Hant"):
            with force_locale(locale):
                known.setdefault(_SQUEEZE.sub("", str(label).lower()), key)
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = known.get(_SQUEEZE.sub("", cell.lower()))
        if key and key not in found.values():
            found[index] = key
    return found


def _parse(data: bytes) -> list[_Row]:
    rows = read_rows(data)
    heading: dict[int, str] | None = None
    parsed: list[_Row] = []
    for number, cells in enumerate(rows, start=1):
        if heading is None:
            if not any(cells):
                continue
            heading = _heading_map(cells)
            missing = [str(COLUMNS[k]) for k in REQUIRED if k not in heading.values()]
            if missing:
                raise FileRefused(_("The first row must name the columns; missing: "
                                    "%(columns)s. Download the template to see them.",
                                    columns="、".join(missing)))
            continue
        if not any(cells):
            continue
        if len(parsed) >= MAX_ROWS:
            raise FileRefused(_("The file has more than %(n)d members: split it into "
                                "smaller files.", n=MAX_ROWS))
        values = {key: cells[index] if index < len(cells) else ""
                  for index, key in heading.items()}
        parsed.append(_Row(number, values))
    if heading is None:
        raise FileRefused(_("The file is empty."))
    if not parsed:
        raise FileRefused(_("The file has no member below its headings."))
    return parsed


# --- checking ---------------------------------------------------------------------------------

def _relations() -> dict[str, str]:
    known = {code: code for code in RELATIONS}
    for code, label in RELATIONS.items():
        for locale in ("en", "zh_Hans", "zh_Hant"):
            with force_locale(locale):
                known[str(label).lower()] = code
    known.update({word: "owner" for word in KINSHIP_OWNER})
    known.update({word: "family" for word in KINSHIP_FAMILY})
    return known


def _estates(session: Session, rows: list[_Row], chosen: Estate | None,
             scope: Scope, reject) -> dict[int, Estate]:
    """Row number -> its estate (the column's, else the one chosen on the form)."""
    estates = list(session.scalars(select(Estate)))
    by_key = {e.code.lower(): e for e in estates} | {e.name.lower(): e for e in estates}
    found: dict[int, Estate] = {}
    for row in rows:
        written = row.values.get("estate", "")
        estate = by_key.get(written.lower()) if written else chosen
        if estate is None:
            reject(row, "estate", _("No estate has this code or name.") if written else
                   _("Choose the estate on the form or write it in this column."))
        elif not scope.unrestricted and estate.id not in scope.estate_ids:
            reject(row, "estate", _("This unit is outside the estates you work for."))
        else:
            found[row.number] = estate
    return found


def _units(session: Session, rows: list[_Row], estates: dict[int, Estate]
           ) -> dict[tuple[int, str, str], int]:
    """(estate id, building, unit number) -> unit id, for the pairs the file names."""
    wanted = [(estates[r.number].id, r.values["building"], r.values["unit"])
              for r in rows if r.number in estates]
    if not wanted:
        return {}
    found: dict[tuple[int, str, str], int] = {}
    query = (select(Building.estate_id, Building.name, Unit.number, Unit.id).join(Unit)
             .where(Building.estate_id.in_({w[0] for w in wanted}),
                    Building.name.in_({w[1] for w in wanted}),
                    Unit.number.in_({w[2] for w in wanted})))
    for estate_id, building, number, unit_id in session.execute(query):
        found[(estate_id, building, number)] = unit_id
    return found


def check_rows(session: Session, rows: list[_Row], scope: Scope, chosen: Estate | None
               ) -> list[Rejection]:
    """Every reason to refuse each row, in row order."""
    rejected: list[Rejection] = []
    bad: set[int] = set()

    def reject(row: _Row, column: str, reason: str) -> None:
        rejected.append(Rejection(row.number, str(COLUMNS[column]), reason))
        bad.add(row.number)

    relations = _relations()
    for row in rows:
        v = row.values
        for key in REQUIRED:
            if not v.get(key):
                reject(row, key, _("Missing: this column is required."))
        if len(v.get("name", "")) > 100:
            reject(row, "name", _("At most %(n)d characters.", n=100))
        written = v.get("relation", "")
        if written:
            code = relations.get(written.lower())
            if code is None:
                reject(row, "relation", _("Unknown relation: write owner, tenant or family "
                                          "member, or the family relation such as 配偶."))
            else:
                row.relation = code
                row.kinship = written if written in KINSHIP_FAMILY else None
        for column, problem in (("phone", phone_problem(v.get("phone"))),
                                ("id_number", id_number_problem(v.get("id_number")))):
            if problem:
                reject(row, column, problem)
    estates = _estates(session, rows, chosen, scope, reject)
    units = _units(session, rows, estates)
    for row in rows:
        if row.number in estates and row.values.get("building") and row.values.get("unit"):
            key = (estates[row.number].id, row.values["building"], row.values["unit"])
            row.unit_id = units.get(key)
            if row.unit_id is None:
                reject(row, "unit", _("No such unit: check the building and the unit "
                                      "number."))
    _duplicates(session, rows, reject)
    return sorted(rejected, key=lambda r: r.row)


def _duplicates(session: Session, rows: list[_Row], reject) -> None:
    """The same member of a unit twice in the file, or already in the household."""
    seen: dict[tuple[int, str], int] = {}
    unit_ids = {r.unit_id for r in rows if r.unit_id}
    existing = set(session.execute(
        select(Resident.unit_id, Resident.name).where(Resident.unit_id.in_(unit_ids),
                                                      Resident.move_out_date.is_(None)))
        .tuples()) if unit_ids else set()
    for row in rows:
        if not row.unit_id or not row.values.get("name"):
            continue
        key = (row.unit_id, row.values["name"])
        if key in seen:
            reject(row, "name", _("Duplicate row: the same member of this unit is on row "
                                  "%(row)d.", row=seen[key]))
        elif key in existing:
            reject(row, "name", _("Already a member of this household."))
        seen.setdefault(key, row.number)


# --- the import -------------------------------------------------------------------------------

def import_households(session: Session, data: bytes, scope: Scope,
                      estate: Estate | None = None) -> ImportReport:
    """Check the whole file; store its members (from Sales, not moved in yet) only when
    every row is right. Nothing is stored otherwise."""
    report = ImportReport()
    try:
        rows = _parse(data)
    except FileRefused as refused:
        report.file_error = str(refused)
        return report
    report.rows = len(rows)
    report.rejected = check_rows(session, rows, scope, estate)
    if report.rejected:
        return report
    session.add_all(Resident(
        unit_id=row.unit_id, name=row.values["name"], relation=row.relation,
        kinship=row.kinship, phone=clean_phone(row.values.get("phone")) or None,
        id_number=clean_id_number(row.values.get("id_number")) or None, source="sales")
        for row in rows)
    session.flush()
    report.stored = len(rows)
    return report


def template_csv() -> bytes:
    """The file to fill in: the headings in the reader's language and one example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(label) for label in COLUMNS.values()])
    writer.writerow(["SZ-CHYF", "1栋", "1201", "王建国", "业主", "13800138000", ""])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
