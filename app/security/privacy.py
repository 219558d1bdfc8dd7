"""Masked columns (R-RES-2), declared once and followed by every surface.

A model names its private columns and their kind in `masked_columns`
(``{"complainant_phone": "phone"}``). Everything that shows, exports, filters, sorts or
records a value asks this module instead of deciding for itself: list and detail pages,
the REST API, CSV exports, printed forms, workflow history, the audit log and the search
filters. A kind says which permission reveals it and how it is masked.

Roles that see a kind masked can neither filter nor sort on it: a "starts with" filter on a
masked phone would reveal it digit by digit. Finding a resident by phone is for the roles
that may see phones.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from flask import has_request_context
from flask_appbuilder import Model

from app.security import permissions as P


def mask_phone(phone: str | None) -> str:
    """138****5678: enough to confirm a caller, not enough to call."""
    if not phone:
        return ""
    digits = str(phone).strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    head = 3 if len(digits) >= 10 else 1
    return digits[:head] + "*" * (len(digits) - head - 4) + digits[-4:]


def mask_id_number(number: str | None) -> str:
    """440***********1234: the first 3 and the last 4 characters, enough to match a card
    in hand against the record, not enough to use the number."""
    if not number:
        return ""
    text = str(number).strip()
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


@dataclass(frozen=True)
class MaskKind:
    """What reveals a kind of private value, and how it reads when masked."""
    permission: P.Perm
    mask: Callable[[str | None], str]


KINDS: dict[str, MaskKind] = {
    "phone": MaskKind(P.SEE_FULL_PHONE, mask_phone),
    # Identity card numbers (contractor work permits, R-FD-3): fewer roles than phones.
    "id_number": MaskKind(P.SEE_FULL_ID_NUMBER, mask_id_number),
}


def masked_columns(model: type | Any) -> dict[str, str]:
    """{column: kind} declared by a model (or an instance's model)."""
    cls = model if isinstance(model, type) else type(model)
    return dict(getattr(cls, "masked_columns", {}) or {})


def _all_models() -> Iterable[type]:
    for mapper in Model.registry.mappers:
        yield mapper.class_


def masked_names() -> dict[str, str]:
    """Every masked column name of every model with its kind: history rows and audit
    entries carry values under these names whatever document they belong to."""
    names: dict[str, str] = {}
    for cls in _all_models():
        names.update(masked_columns(cls))
    return names


def masked_table_columns() -> dict[str, dict[str, str]]:
    """{table: {column: kind}} for the audit log, which stores rows by table name."""
    tables: dict[str, dict[str, str]] = {}
    for cls in _all_models():
        columns = masked_columns(cls)
        if columns and getattr(cls, "__tablename__", None):
            tables[cls.__tablename__] = columns
    return tables


def viewer_sees(kind: str, can: Callable[[P.Perm], bool] | None = None) -> bool:
    """Whether the person acting sees values of `kind` in full. Outside a request (CLI,
    jobs) the system sees everything; an unknown kind is always masked."""
    spec = KINDS.get(kind)
    if spec is None:
        return False
    if can is None:
        if not has_request_context():
            return True
        can = P.user_can
    return bool(can(spec.permission))


def reveal(kind: str, value: Any, can: Callable[[P.Perm], bool] | None = None) -> Any:
    """The value as the person acting may read it."""
    if value is None or value == "":
        return value
    if viewer_sees(kind, can):
        return value
    spec = KINDS.get(kind)
    return spec.mask(str(value)) if spec else "****"


def reveal_column(model: type | Any, column: str, value: Any) -> Any:
    kind = masked_columns(model).get(column.split(".")[-1])
    return value if kind is None else reveal(kind, value)


def reveal_mapping(data: Mapping[str, Any] | None, kinds: Mapping[str, str]) -> Any:
    """A copy of `data` with every key named in `kinds` revealed as the viewer may.
    Values that are [old, new] pairs (audit changes) are revealed element-wise."""
    if not isinstance(data, Mapping):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        kind = kinds.get(key)
        if kind is None:
            out[key] = value
        elif isinstance(value, (list, tuple)):
            out[key] = [reveal(kind, v) for v in value]
        else:
            out[key] = reveal(kind, value)
    return out


def hidden_columns(model: type | Any) -> set[str]:
    """Masked columns of `model` that the person acting cannot filter or sort on."""
    return {c for c, kind in masked_columns(model).items() if not viewer_sees(kind)}


def reveal_changes(table: str, changes: Mapping[str, Any] | None) -> Any:
    """An audit row's ``{column: [old, new]}`` as the viewer may read it: the table's own
    masked columns, and masked names inside nested values (a workflow step's data carries
    e.g. complainant_phone whatever the step's own table is)."""
    if not isinstance(changes, Mapping):
        return changes
    out = dict(reveal_mapping(changes, masked_table_columns().get(table, {})))
    names = masked_names()
    for key, value in out.items():
        if isinstance(value, (list, tuple)):
            out[key] = [reveal_mapping(v, names) if isinstance(v, Mapping) else v
                        for v in value]
        elif isinstance(value, Mapping):
            out[key] = reveal_mapping(value, names)
    return out
