"""every stored time in one convention: the estates' wall-clock time

Revision ID: d3_local_times
Revises: d2_sign_in_state

Workflow times, deadlines and printed forms were always local time of the estates (config
TIMEZONE, default Asia/Shanghai); creation and change times, workflow history, notifications,
admin alerts, the audit log, photos and sign-in bookkeeping were naive UTC. Comparing the two
went wrong (revisit shares at the start of a month), so the UTC columns are converted to local
time here and the product writes local time everywhere from now on.
"""
import os
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "d3_local_times"
down_revision = "d2_sign_in_state"
branch_labels = None
depends_on = None

CREATED_UPDATED = (
    "org_company", "org_branch", "org_office", "org_estate", "org_building", "org_unit",
    "org_department", "resident", "staff_profile", "app_setting", "calendar_day",
    "calendar_settings", "deadline_policy", "work_order", "service_record", "complaint",
    "collective_case", "compensation_claim", "compensation_approval_rule", "revisit",
    "rectification_notice",
)
OTHER = {
    "workflow_history": ("at",),
    "notification": ("at", "read_at"),
    "admin_alert": ("at",),
    "audit_log": ("at",),
    "work_order_photo": ("uploaded_at",),
    "login_failure": ("last_failure_at", "blocked_until"),
    "revoked_credential": ("revoked_at", "expires_at"),
}


def _columns() -> list[tuple[str, str]]:
    wanted = [(t, c) for t in CREATED_UPDATED for c in ("created_at", "updated_at")]
    wanted += [(t, c) for t, cols in OTHER.items() for c in cols]
    inspector = sa.inspect(op.get_bind())
    present = {t: {c["name"] for c in inspector.get_columns(t)}
               for t in {t for t, _c in wanted} if inspector.has_table(t)}
    return [(t, c) for t, c in wanted if c in present.get(t, ())]


def _shift(to_local: bool) -> None:
    bind = op.get_bind()
    zone = os.environ.get("TIMEZONE", "Asia/Shanghai")
    for table, column in _columns():
        if bind.dialect.name == "postgresql":
            expr = (f"({column} AT TIME ZONE 'UTC') AT TIME ZONE :zone" if to_local
                    else f"({column} AT TIME ZONE :zone) AT TIME ZONE 'UTC'")
            bind.execute(sa.text(f'UPDATE "{table}" SET {column} = {expr} '
                                 f"WHERE {column} IS NOT NULL"), {"zone": zone})
        else:
            # SQLite has no zone rules: the offset of now (the estates' zones keep one
            # offset all year; Asia/Shanghai and Asia/Hong_Kong have no daylight saving).
            offset = ZoneInfo(zone).utcoffset(datetime.now())
            minutes = int(offset.total_seconds() // 60) * (1 if to_local else -1)
            bind.execute(sa.text(
                f'UPDATE "{table}" SET {column} = '
                f"strftime('%Y-%m-%d %H:%M:%S', {column}, '{minutes:+d} minutes') "
                f"|| substr({column}, 20) "  # the fraction of a second, as stored
                f"WHERE {column} IS NOT NULL"))


def upgrade() -> None:
    _shift(to_local=True)


def downgrade() -> None:
    _shift(to_local=False)
