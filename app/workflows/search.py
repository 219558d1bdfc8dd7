"""The navbar's one search box: document numbers, units, residents and phones, grouped.

Staff answer the phone with one question: "which record is this?". This service reads the
query the way they type it (a form number "WO-2026-000123", a unit "7栋 1201", a
resident's name, a phone number) and returns a few hits per kind, newest documents first,
each capped with a "more" flag.

Every read goes through the one row scope (`apply_scope`, R-ORG-4) and a group is only
searched when the person may read its kind at all. Phone columns are searched only where
the person sees phones in full (`privacy.hidden_columns`, R-RES-2): for a viewer who sees
them masked, a phone-looking query never touches a phone column, so the search cannot be
used to confirm a number digit by digit. Lookups are prefix or equality matches on
indexed columns where the schema has one, each bounded by LIMIT, so they behave the same
on SQLite and PostgreSQL.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy.orm import Session

from app.models import Building, Estate, Resident, Unit
from app.security import permissions as P
from app.security import privacy
from app.security.scope import apply_scope
from app.workflows.registry import DocumentType, document_types

MIN_LENGTH = 2
MAX_LENGTH = 64
GROUP_LIMIT = 10

# Statuses of a search, for the page to say why it shows nothing.
OK = "ok"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"

_LIKE_ESCAPE = "\\"
# "WO-2026-000123", "wo2026", "CP-": a form number or the start of one.
_NUMBER = re.compile(r"^[A-Z]{1,4}(?:-?[0-9][0-9-]*|-)?$")
# "2026-000123": a form number without its prefix.
_YEAR_AND_SEQUENCE = re.compile(r"^[0-9]{4}-[0-9-]*$")
# "138 1234 5678", "+852 9123-4567": digits with the separators people type.
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]*$")
MIN_PHONE_DIGITS = 4
# "7栋1201": a building's name ends in one of these; the unit number follows.
_BUILDING_AND_UNIT = re.compile(r"^(.*?[栋棟座幢楼樓])\s*([0-9A-Za-z][0-9A-Za-z\-]*)$")


@dataclass(frozen=True)
class Hit:
    """One record found: what it is (kind and primary key, for its detail page), how it
    reads, and a few facts to tell it from its neighbours."""

    kind: str
    pk: int
    label: str
    details: tuple[str, ...] = ()


@dataclass
class Group:
    """The hits of one kind. `list_filter` (column, value, exact) names the filter of the
    kind's list that shows all of them, when one filter does (exact: equal, else starts
    with)."""

    kind: str
    title: Any
    hits: list[Hit] = field(default_factory=list)
    more: bool = False
    list_filter: tuple[str, str, bool] | None = None


@dataclass
class Results:
    query: str
    status: str = OK
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(g.hits) for g in self.groups)


@dataclass(frozen=True)
class Query:
    """The ways one typed string can be read; each is None when it cannot be that."""

    text: str
    numbers: tuple[str, ...] = ()  # prefixes of form numbers, upper case
    unit_number: str | None = None
    place: str | None = None  # what precedes the unit number: building, estate and building
    name: str | None = None
    phone: str | None = None  # digits only


def normalise(raw: str | None) -> str:
    """NFKC (full-width digits and letters become ASCII), control characters dropped,
    whitespace collapsed."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())


def parse(text: str, prefixes: Iterable[str]) -> Query:
    """Read `text` (normalised) every way it can be meant."""
    compact = text.replace(" ", "").upper()
    numbers: list[str] = []
    if _NUMBER.match(compact):
        letters = re.match(r"^[A-Z]+", compact).group(0)
        rest = compact[len(letters):].lstrip("-")
        if letters in prefixes:
            numbers.append(f"{letters}-{rest}" if rest or compact.endswith("-") else letters)
        elif not rest:
            numbers.extend(p for p in prefixes if p.startswith(letters))
    elif _YEAR_AND_SEQUENCE.match(compact):
        numbers.extend(f"{p}-{compact}" for p in prefixes)

    unit_number = place = None
    tokens = text.split(" ")
    joined = _BUILDING_AND_UNIT.match(tokens[-1])
    if joined and joined.group(1):
        tokens = tokens[:-1] + [joined.group(1), joined.group(2)]
    if any(ch.isdigit() for ch in tokens[-1]):
        unit_number = tokens[-1]
        place = " ".join(tokens[:-1]) or None

    name = text if not any(ch.isdigit() for ch in text) else None
    phone = None
    if _PHONE.match(text):
        digits = re.sub(r"[^0-9]", "", text)
        if len(digits) >= MIN_PHONE_DIGITS:
            phone = digits
    return Query(text=text, numbers=tuple(dict.fromkeys(numbers)), unit_number=unit_number,
                 place=place, name=name, phone=phone)


def like_prefix(value: str) -> str:
    """A LIKE pattern matching values that start with `value`, wildcards taken literally."""
    escaped = (value.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2)
               .replace("%", _LIKE_ESCAPE + "%").replace("_", _LIKE_ESCAPE + "_"))
    return escaped + "%"


def _starts_with(column: Any, value: str) -> Any:
    return column.like(like_prefix(value), escape=_LIKE_ESCAPE)


def _capped(query: Any, limit: int) -> tuple[list[Any], bool]:
    rows = query.limit(limit + 1).all()
    return rows[:limit], len(rows) > limit


def search(session: Session, raw: str | None, *, limit: int = GROUP_LIMIT,
           can: Callable[[P.Perm], bool] | None = None) -> Results:
    """Grouped hits for `raw` in the current person's scope. `can` answers whether the
    person holds a permission (default: the signed-in user's)."""
    can = can or P.user_can
    text = normalise(raw)
    if len(text) < MIN_LENGTH:
        return Results(query=text, status=TOO_SHORT)
    if len(text) > MAX_LENGTH:
        return Results(query=text[:MAX_LENGTH], status=TOO_LONG)
    types = [d for d in document_types().values()
             if d.workflow.number_prefix and hasattr(d.model, "number")]
    query = parse(text, [d.workflow.number_prefix for d in types])
    results = Results(query=text)

    units = _units(session, query, limit) if can((P.READ, P.UNIT)) else None
    residents = _residents(session, query, limit) if can((P.READ, P.RESIDENT)) else None
    unit_ids = [u.pk for u in units.hits] if units else []
    resident_ids = [r.pk for r in residents.hits] if residents else []
    for document in types:
        if can((P.READ, document.resource)):
            group = _documents(session, document, query, unit_ids, resident_ids, limit)
            if group.hits:
                results.groups.append(group)
    results.groups += [g for g in (units, residents) if g is not None and g.hits]
    return results


def _place(doc: Any) -> str:
    unit = getattr(doc, "unit", None)
    if unit is not None:
        return str(unit)
    for attr in ("estate", "office"):
        value = getattr(doc, attr, None)
        if value is not None:
            return str(value)
    return ""


def _documents(session: Session, document: DocumentType, query: Query, unit_ids: list[int],
               resident_ids: list[int], limit: int) -> Group:
    """A type's documents whose number starts with the query, that concern the units or
    residents found, or (for those who see phones) whose contact phone is the number."""
    model = document.model
    prefix = document.workflow.number_prefix
    conditions = [_starts_with(model.number, n) for n in query.numbers
                  if n.split("-", 1)[0] == prefix]
    if unit_ids and hasattr(model, "unit_id"):
        conditions.append(model.unit_id.in_(unit_ids))
    if resident_ids and hasattr(model, "resident_id"):
        conditions.append(model.resident_id.in_(resident_ids))
    if query.phone:
        hidden = privacy.hidden_columns(model)
        typed = tuple(dict.fromkeys((query.phone, query.text)))  # digits, or as typed
        for column, kind in privacy.masked_columns(model).items():
            if kind == "phone" and column not in hidden:
                conditions.append(getattr(model, column).in_(typed))
    title = document.menu.label if document.menu else document.label
    group = Group(kind=document.doc_type, title=title)
    if not conditions:
        return group
    rows, group.more = _capped(apply_scope(session.query(model), model)
                               .filter(or_(*conditions)).order_by(model.id.desc()), limit)
    group.hits = [Hit(kind=document.doc_type, pk=doc.id, label=doc.number or f"#{doc.id}",
                      details=tuple(d for d in (doc.state_label, _place(doc)) if d))
                  for doc in rows]
    numbered = [n for n in query.numbers if n.split("-", 1)[0] == prefix]
    if len(numbered) == 1 and len(conditions) == 1:
        group.list_filter = ("number", numbered[0], False)
    return group


def _units(session: Session, query: Query, limit: int) -> Group:
    """Units by number ("1201"), within the building ("7栋 1201") or the estate and the
    building ("翠湖花园 7栋 1201") typed before it."""
    group = Group(kind="unit", title=_l("Units"))
    if not query.unit_number:
        return group
    spellings = {query.unit_number, query.unit_number.upper()}  # "a-1501" is "A-1501"
    q = apply_scope(session.query(Unit), Unit).filter(Unit.number.in_(spellings))
    if query.place:
        q = (q.join(Building, Unit.building_id == Building.id)
             .join(Estate, Building.estate_id == Estate.id)
             .filter(or_(_starts_with(Building.name, query.place),
                         _starts_with(Estate.name + " " + Building.name, query.place))))
    rows, group.more = _capped(q.order_by(Unit.id), limit)
    group.hits = [Hit(kind="unit", pk=u.id, label=str(u),
                      details=(_l("Floor %(floor)s", floor=u.floor),) if u.floor is not None
                      else ()) for u in rows]
    if not query.place:
        group.list_filter = ("number", query.unit_number, True)
    return group


def _residents(session: Session, query: Query, limit: int) -> Group:
    """Residents whose name starts with the query, or (for those who see phones) whose
    phone does; their phones as the person may read them."""
    group = Group(kind="resident", title=_l("Residents"))
    conditions = []
    if query.name:
        # Latin names as people write them ("chan" finds "Chan Tai Man", "CHAN Tai Man"):
        # a few spellings, each an indexed prefix match (ILIKE would scan on PostgreSQL).
        name = query.name
        spellings = dict.fromkeys((name, name[:1].upper() + name[1:], name.title(),
                                   name.upper()))
        conditions += [_starts_with(Resident.name, s) for s in spellings]
    if query.phone and "phone" not in privacy.hidden_columns(Resident):
        conditions.append(_starts_with(Resident.phone, query.phone))
    if not conditions:
        return group
    rows, group.more = _capped(apply_scope(session.query(Resident), Resident)
                               .filter(or_(*conditions)).order_by(Resident.name, Resident.id),
                               limit)
    group.hits = [Hit(kind="resident", pk=r.id, label=r.name, details=tuple(
        str(d) for d in (r.unit, r.relation_label,
                         privacy.reveal_column(Resident, "phone", r.phone),
                         _l("Moved out") if r.move_out_date else None) if d))
        for r in rows]
    if query.name:  # a name has no digits, so it never is a phone as well
        group.list_filter = ("name", query.name, False)
    return group
