"""working-day calendar, working hours per region, admin alerts

Revision ID: c1_calendar
Revises: 4bb380c69478
Create Date: 2026-11-24 01:00:00

The working hours of both regions are inserted here (defaults admins may edit); the
calendar days themselves come from `flask calendar seed`.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c1_calendar"
down_revision = "4bb380c69478"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region", "day", name="uq_calendar_day_region_day"),
    )
    settings = op.create_table(
        "calendar_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=20), nullable=False),
        sa.Column("working_periods", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region", name="uq_calendar_settings_region"),
    )
    op.create_table(
        "admin_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("uq_admin_alert_open", "admin_alert", ["kind", "message"], unique=True,
                    sqlite_where=sa.text("NOT resolved"),
                    postgresql_where=sa.text("NOT resolved"))

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(settings, [
        {"region": "mainland", "working_periods": "09:00-12:00,13:30-18:00",
         "created_at": now, "updated_at": now},
        {"region": "hong_kong", "working_periods": "09:00-13:00,14:00-18:00",
         "created_at": now, "updated_at": now},
    ])


def downgrade():
    op.drop_index("uq_admin_alert_open", table_name="admin_alert")
    op.drop_table("admin_alert")
    op.drop_table("calendar_settings")
    op.drop_table("calendar_day")
