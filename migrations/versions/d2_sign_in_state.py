"""Sign-in state kept on the server: throttled addresses, revoked sessions and tokens.

Revision ID: d2_sign_in_state
Revises: d1_audit_readable
"""
import sqlalchemy as sa
from alembic import op

revision = "d2_sign_in_state"
down_revision = "d1_audit_readable"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("username", sa.String(256), primary_key=True),
        sa.Column("client_addr", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "revoked_credential",
        sa.Column("token_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_revoked_credential_user_id", "revoked_credential", ["user_id"])
    op.create_index("ix_revoked_credential_expires_at", "revoked_credential", ["expires_at"])


def downgrade() -> None:
    op.drop_table("revoked_credential")
    op.drop_table("login_failure")
