"""Choices loaded on demand: the one place a form, a list filter or the API asks "which
units / residents / colleagues may I pick, matching what I typed?".

No page renders every unit, resident or colleague: a field asks this module for one page of
matches at a time, narrowed by what the person typed and by the fields it depends on
(estate → building → unit → resident). Every answer goes through the one row scope
(`app.security.scope.apply_scope`), so nothing outside the person's departments and estates
is ever offered, whatever they type. A resident is found by phone only by people who may see
phones: for everyone else the phone is neither searched nor shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Callable, Iterable

from flask import current_app
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Building, Department, Estate, Resident, StaffProfile, Unit
from app.models.staff import profile_departments
from app.security import permissions as P
from app.security import privacy
from app.security.scope import apply_scope, current_scope

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 60
MAX_TOKENS = 4


@dataclass(frozen=True)
class Choice:
    id: int
    text: str


@dataclass(frozen=True)
class ChoicePage:
    results: list[Choice]
    more: bool


def _tokens(text: str) -> list[str]:
    """What the person typed, as at most a few words, with LIKE's wildcards made literal."""
    cleaned = (text or "").strip()[:MAX_QUERY_LENGTH]
    words = [w for w in cleaned.replace("·", " ").split() if w][:MAX_TOKENS]
    return [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]


def _contains(column: Any, word: str) -> Any:
    return column.ilike(f"%{word}%", escape="\\")


def _starts(column: Any, word: str) -> Any:
    return column.ilike(f"{word}%", escape="\\")


def _int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@dataclass(frozen=True)
class ChoiceSource:
    """One kind of thing a field can point at, and how people find it."""

    kind: str
    model: type
    permission: P.Perm  # who may ask at all (read access to the thing)
    query: Callable[[list[str], dict[str, int]], Any]  # select(model) narrowed
    label: Callable[[Session, list[Any]], dict[int, str]]  # one query per page at most
    parents: tuple[str, ...] = field(default_factory=tuple)


# --- the sources ------------------------------------------------------------------------
def _estate_query(words: list[str], parents: dict[str, int]) -> Any:
    query = select(Estate).order_by(Estate.name, Estate.id)
    for word in words:
        query = query.where(or_(_contains(Estate.name, word), _starts(Estate.code, word)))
    return query


def _estate_labels(_session: Session, rows: list[Any]) -> dict[int, str]:
    return {e.id: e.name for e in rows}


def _building_query(words: list[str], parents: dict[str, int]) -> Any:
    query = select(Building).order_by(Building.name, Building.id)
    if "estate" in parents:
        query = query.where(Building.estate_id == parents["estate"])
    for word in words:
        query = query.where(_contains(Building.name, word))
    return query


def _building_labels(session: Session, rows: list[Any]) -> dict[int, str]:
    estates = _names(session, Estate, {b.estate_id for b in rows})
    return {b.id: f"{estates.get(b.estate_id, '')} {b.name}".strip() for b in rows}


def _unit_query(words: list[str], parents: dict[str, int]) -> Any:
    query = (select(Unit).join(Building, Building.id == Unit.building_id)
             .order_by(Building.name, Unit.number, Unit.id))
    if "building" in parents:
        query = query.where(Unit.building_id == parents["building"])
    if "estate" in parents:
        query = query.where(Building.estate_id == parents["estate"])
    for word in words:
        # "7栋 1201", "1201" or "7栋": each word matches the building or the unit number.
        query = query.where(or_(_contains(Unit.number, word), _contains(Building.name, word)))
    return query


def _unit_labels(session: Session, rows: list[Any]) -> dict[int, str]:
    buildings = {b.id: b for b in session.scalars(
        select(Building).where(Building.id.in_({u.building_id for u in rows})))}
    estates = _names(session, Estate, {b.estate_id for b in buildings.values()})
    labels = {}
    for unit in rows:
        building = buildings.get(unit.building_id)
        where = f"{estates.get(building.estate_id, '')} {building.name}" if building else ""
        labels[unit.id] = f"{where} {unit.number}".strip()
    return labels


def _resident_query(words: list[str], parents: dict[str, int]) -> Any:
    query = select(Resident).order_by(Resident.name, Resident.id)
    if "unit" in parents:
        query = query.where(Resident.unit_id == parents["unit"])
    elif "building" in parents or "estate" in parents:
        units = select(Unit.id).join(Building, Building.id == Unit.building_id)
        if "building" in parents:
            units = units.where(Unit.building_id == parents["building"])
        if "estate" in parents:
            units = units.where(Building.estate_id == parents["estate"])
        query = query.where(Resident.unit_id.in_(units))
    by_phone = "phone" not in privacy.hidden_columns(Resident)
    for word in words:
        matches = [_contains(Resident.name, word)]
        if by_phone and word.replace("-", "").replace("+", "").isdigit() and len(word) >= 3:
            matches.append(_contains(Resident.phone, word))
        query = query.where(or_(*matches))
    return query


def _resident_labels(session: Session, rows: list[Any]) -> dict[int, str]:
    units = _unit_labels(session, list(session.scalars(
        select(Unit).where(Unit.id.in_({r.unit_id for r in rows})))))
    labels = {}
    for resident in rows:
        parts = [resident.name, units.get(resident.unit_id, ""), str(resident.relation_label)]
        phone = privacy.reveal_column(Resident, "phone", resident.phone)
        if phone:
            parts.append(str(phone))
        labels[resident.id] = " · ".join(p for p in parts if p)
    return labels


def _user_query(words: list[str], parents: dict[str, int]) -> Any:
    query = (select(User).where(User.active.is_(True))
             .order_by(User.first_name, User.last_name, User.id))
    if "department" in parents:
        query = query.where(User.id.in_(
            select(StaffProfile.user_id)
            .join(profile_departments, profile_departments.c.profile_id == StaffProfile.id)
            .where(profile_departments.c.department_id == parents["department"])))
    for word in words:
        query = query.where(or_(_contains(User.first_name, word),
                                _contains(User.last_name, word),
                                _starts(User.username, word)))
    return query


def _user_labels(session: Session, rows: list[Any]) -> dict[int, str]:
    """Name, login and departments: two colleagues called 陳嘉欣 are told apart."""
    departments: dict[int, list[str]] = {}
    ids = [u.id for u in rows]
    if ids:
        for user_id, name in session.execute(
                select(StaffProfile.user_id, Department.name)
                .join(profile_departments, profile_departments.c.profile_id == StaffProfile.id)
                .join(Department, Department.id == profile_departments.c.department_id)
                .where(StaffProfile.user_id.in_(ids))
                .order_by(Department.name)):
            departments.setdefault(user_id, []).append(name)
    return {u.id: person_label(u, departments.get(u.id, [])) for u in rows}


def person_label(user: Any, departments: Iterable[str] = ()) -> str:
    name = " ".join(p for p in (user.first_name, user.last_name) if p) or user.username
    where = "、".join(departments)
    return f"{name} ({user.username})" + (f" · {where}" if where else "")


def _names(session: Session, model: type, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


BASE_SOURCES: dict[str, ChoiceSource] = {s.kind: s for s in (
    ChoiceSource("estate", Estate, (P.READ, P.ESTATE), _estate_query, _estate_labels),
    ChoiceSource("building", Building, (P.READ, P.BUILDING), _building_query,
                 _building_labels, parents=("estate",)),
    ChoiceSource("unit", Unit, (P.READ, P.UNIT), _unit_query, _unit_labels,
                 parents=("estate", "building")),
    ChoiceSource("resident", Resident, (P.READ, P.RESIDENT), _resident_query,
                 _resident_labels, parents=("estate", "building", "unit")),
    ChoiceSource("user", User, (P.READ, P.QUEUE), _user_query, _user_labels,
                 parents=("department",)),
)}


def _document_source(doc_type: str, document: Any) -> ChoiceSource:
    """Documents of one declared type, found by their number, newest first."""
    model = document.model

    def query(words: list[str], parents: dict[str, int]) -> Any:
        found = select(model).order_by(model.id.desc())
        if "estate" in parents and hasattr(model, "estate_id"):
            found = found.where(model.estate_id == parents["estate"])
        for word in words:
            found = found.where(_contains(model.number, word))
        return found

    def labels(_session: Session, rows: list[Any]) -> dict[int, str]:
        summary = next((a for a in ("subject", "title", "description", "content")
                        if hasattr(model, a)), None)
        result = {}
        for row in rows:
            text = str(getattr(row, summary, "") or "") if summary else ""
            text = text if len(text) <= 30 else text[:29] + "…"
            result[row.id] = f"{row.number} · {text}" if text else row.number
        return result

    parents = ("estate",) if hasattr(model, "estate_id") else ()
    return ChoiceSource(doc_type, model, (P.READ, document.workflow.resource), query, labels,
                        parents=parents)


@cache
def sources() -> dict[str, ChoiceSource]:
    """Every kind a field can load on demand: the organisation, residents, staff, and each
    declared document type with a number (a claim's complaint, a revisit's work order)."""
    from app.workflows.registry import document_types

    found = dict(BASE_SOURCES)
    for doc_type, document in document_types().items():
        if hasattr(document.model, "number") and doc_type not in found:
            found[doc_type] = _document_source(doc_type, document)
    return found


def source_for(model: type) -> ChoiceSource | None:
    """The source of a related model's choices; the estates' stay a plain list (a company
    has dozens, and every other field depends on the one picked)."""
    if isinstance(model, type) and issubclass(model, User):
        return sources()["user"]
    return next((s for s in sources().values()
                 if s.model is model and s.kind != "estate"), None)


def may_ask(source: ChoiceSource) -> bool:
    return P.user_can(source.permission)


def search(kind: str, text: str = "", parents: dict[str, Any] | None = None,
           page: int = 1, page_size: int = PAGE_SIZE) -> ChoicePage:
    """One page of what the current person may pick, best match first. Unknown parents
    and junk values are ignored, never an error: the box just offers less."""
    source = sources()[kind]
    given = {name: _int(value) for name, value in (parents or {}).items()
             if name in source.parents}
    narrowed = {name: value for name, value in given.items() if value is not None}
    page = max(1, min(page, 500))
    query = apply_scope(source.query(_tokens(text), narrowed), source.model)
    session = current_app.appbuilder.session
    rows = list(session.scalars(query.limit(page_size + 1)
                                .offset((page - 1) * page_size)).unique())
    more = len(rows) > page_size
    rows = rows[:page_size]
    labels = source.label(session, rows)
    return ChoicePage([Choice(r.id, labels.get(r.id, str(r))) for r in rows], more)


def labels_for(kind: str, ids: Iterable[Any]) -> dict[int, str]:
    """Labels of the given ids the current person may see (the chosen value of a form,
    an active list filter); ids outside scope are simply absent."""
    source = sources()[kind]
    wanted = {i for i in (_int(v) for v in ids) if i is not None}
    if not wanted:
        return {}
    session = current_app.appbuilder.session
    pk = source.model.id
    rows = list(session.scalars(apply_scope(select(source.model).where(pk.in_(wanted)),
                                            source.model)).unique())
    return source.label(session, rows)


def get_in_scope(model: type, value: Any) -> Any | None:
    """The row a posted id names, or None when it does not exist or is out of scope."""
    pk = _int(value)
    if pk is None:
        return None
    session = current_app.appbuilder.session
    with session.no_autoflush:
        return session.scalars(apply_scope(select(model).where(model.id == pk),
                                           model, current_scope())).first()


__all__ = ["Choice", "ChoicePage", "get_in_scope", "labels_for", "person_label",
           "search", "source_for"]
