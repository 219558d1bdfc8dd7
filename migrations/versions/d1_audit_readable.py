"""audit log: where each record belongs, its name, the client address; longer actions

Revision ID: d1_audit_readable
Revises: 4ba3c35b2aa7
Create Date: 2026-11-30 10:00:00

The audit log is scoped like every other table (R-ORG-4): each row carries the estate,
department and office of the record it describes. These are indexed plain integers, not
foreign keys, because audit rows are never rewritten nor allowed to block a deletion.
Rows written before this revision have no place and stay visible to admins and GMs only.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d1_audit_readable"
down_revision = "4ba3c35b2aa7"
branch_labels = None
depends_on = None

PLACE_COLUMNS = ("estate_id", "department_id", "office_id")


def upgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("action", existing_type=sa.String(length=10),
                              type_=sa.String(length=20), existing_nullable=False)
        batch_op.add_column(sa.Column("record_name", sa.String(length=200), nullable=True))
        for column in PLACE_COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("client_addr", sa.String(length=64), nullable=True))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        for column in PLACE_COLUMNS:
            batch_op.create_index(batch_op.f(f"ix_audit_log_{column}"), [column], unique=False)


def downgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        for column in reversed(PLACE_COLUMNS):
            batch_op.drop_index(batch_op.f(f"ix_audit_log_{column}"))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("client_addr")
        for column in reversed(PLACE_COLUMNS):
            batch_op.drop_column(column)
        batch_op.drop_column("record_name")
    # `action` keeps its 20 characters: rows such as "login_failed" would not fit in 10,
    # and audit rows are never rewritten.
