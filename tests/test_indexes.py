"""Fast at scale by construction: every foreign key can be followed by an index.

The lists, queues, row scope and joins read by foreign keys; a foreign key whose column
leads no index (or primary key, or unique constraint) makes each of them scan its table.
Flask-AppBuilder's own tables (ab_*) are its business and small."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint


def _leading_columns(table) -> set[str]:
    """Columns that start an index, the primary key or a unique constraint of `table`."""
    leading = {index.columns.values()[0].name for index in table.indexes}
    for constraint in table.constraints:
        if isinstance(constraint, (PrimaryKeyConstraint, UniqueConstraint)) \
                and constraint.columns:
            leading.add(constraint.columns.values()[0].name)
    leading |= {column.name for column in table.columns if column.unique or column.index}
    return leading


def test_every_foreign_key_is_indexed(app):
    unindexed = sorted(
        f"{table.name}.{fk.parent.name}"
        for table in Model.metadata.sorted_tables if not table.name.startswith("ab_")
        for fk in table.foreign_keys if fk.parent.name not in _leading_columns(table))
    assert not unindexed, f"foreign keys without an index: {unindexed}"


def test_the_check_sees_a_missing_index():
    """The test above can fail: a table with an unindexed foreign key is reported."""
    from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

    metadata = MetaData()
    Table("parent", metadata, Column("id", Integer, primary_key=True))
    child = Table("child", metadata, Column("id", Integer, primary_key=True),
                  Column("parent_id", Integer, ForeignKey("parent.id")))
    assert "parent_id" not in _leading_columns(child)
    child.append_constraint(UniqueConstraint("parent_id", "id"))
    assert "parent_id" in _leading_columns(child)


def test_every_list_is_sorted_by_an_indexed_column(app):
    """A list's default order is read from an index (newest first without sorting the
    table); the notifications' is (user_id, at): each person reads their own."""
    unsorted = []
    for view in app.appbuilder.baseviews:
        order = getattr(view, "base_order", None)
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if not order or model is None or not hasattr(model, "__table__"):
            continue
        table = model.__table__
        column = order[0]
        if column not in table.columns:
            continue  # ordered by a property or a relation: not a column of its own
        indexed = {c.name for index in table.indexes for c in index.columns}
        indexed |= {c.name for c in table.primary_key.columns}
        indexed |= {c.name for constraint in table.constraints
                    if isinstance(constraint, UniqueConstraint) for c in constraint.columns}
        indexed |= {c.name for c in table.columns if c.index or c.unique}
        if column not in indexed:
            unsorted.append(f"{type(view).__name__}: {table.name}.{column}")
    assert not unsorted, f"default orders without an index: {sorted(unsorted)}"
