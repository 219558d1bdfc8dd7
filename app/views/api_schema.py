"""The REST API's marshmallow schemas, with relation fields and integer columns bounded.

Flask-AppBuilder builds each API's load schemas with marshmallow-sqlalchemy, whose relation
field takes anything: an object, a float or an id that does not exist becomes a *new*
related row (`Related._deserialize` instantiates the model with whatever keys it got),
which then failed at INSERT (500) or, worse, slipped past scope and permission checks that
only look at stored rows. Integer columns took any integer, and SQLite / PostgreSQL failed
on the ones that do not fit the column (500).

Here, relation fields accept only the id of an existing row (an integer, or a string of
digits), anything else is a 400 naming the field; integer fields carry the range of their
column type (SMALLINT, INTEGER, BIGINT), which marshmallow checks (422, like every other
field error) and which the OpenAPI description shows as minimum/maximum.
"""
from __future__ import annotations

from typing import Any, Optional

from flask_appbuilder.api.convert import Model2SchemaConverter, TreeNode
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from marshmallow import fields as ma_fields
from marshmallow import validate
from marshmallow.fields import Field
from marshmallow_sqlalchemy import field_for
from marshmallow_sqlalchemy.fields import Related
from sqlalchemy import inspect as sa_inspect
from werkzeug.exceptions import BadRequest

from app.security.input_guard import integer_bits


def _fits(column_type: Any, value: int) -> bool:
    bits = integer_bits(column_type)
    return bits is None or -(2**bits) <= value < 2**bits


class RelationValueError(BadRequest):
    """A relation field given something other than the id of an existing row (400).

    Raised from inside the schema load, so that no related row is ever made up; the API's
    error handling turns `errors` into per-field messages."""

    def __init__(self, field: str, message: str) -> None:
        self.errors = {field: message}
        super().__init__(description=message)


class ExistingRelated(Related):
    """A many-to-one or many-to-many value: the id of an existing row, nothing else."""

    def _deserialize(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if len(self.related_keys) != 1 or self.columns:
            return super()._deserialize(value, *args, **kwargs)
        name = self.name or ""
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RelationValueError(name, _("%(field)s must be the id (a whole number) of "
                                             "an existing record.", field=name))
        key_type = sa_inspect(self.related_model).primary_key[0].type
        found = self.session.get(self.related_model, value) if _fits(key_type, value) else None
        if found is None:
            raise RelationValueError(name, _("There is no record with id %(id)s for "
                                             "%(field)s.", id=value, field=name))
        return found


class ColumnRange(validate.Range):
    """The range of an integer column type, with a translated message."""

    def _format_error(self, value: Any, message: str) -> str:
        return _("Enter a whole number between %(min)s and %(max)s.",
                 min=self.min, max=self.max)


def integer_range(column_type: Any) -> Optional[ColumnRange]:
    bits = integer_bits(column_type)
    return None if bits is None else ColumnRange(min=-(2**bits), max=2**bits - 1)


class BoundedSchemaConverter(Model2SchemaConverter):
    """FAB's schema converter with bounded relation and integer fields."""

    def _column2relation(self, datamodel: SQLAInterface, column: TreeNode,
                         nested: bool = False,
                         parent_schema_name: Optional[str] = None) -> Field:
        field = super()._column2relation(datamodel, column, nested=nested,
                                         parent_schema_name=parent_schema_name)
        if nested:
            return field  # a dump-only nested schema (list and show)
        bounded = field_for(datamodel.obj, column.name, field_class=ExistingRelated)
        bounded.required = field.required
        bounded.unique = getattr(field, "unique", False)
        return bounded

    def _column2field(self, datamodel: SQLAInterface, column: TreeNode,
                      nested: bool = True,
                      parent_schema_name: Optional[str] = None) -> Field:
        field = super()._column2field(datamodel, column, nested=nested,
                                      parent_schema_name=parent_schema_name)
        if isinstance(field, ma_fields.Integer) and not field.dump_only:
            sql_column = datamodel.list_columns.get(column.name)
            bounds = integer_range(getattr(sql_column, "type", None))
            if bounds is not None:
                field.validators.append(bounds)
        return field


__all__ = ["BoundedSchemaConverter", "ExistingRelated", "RelationValueError"]
