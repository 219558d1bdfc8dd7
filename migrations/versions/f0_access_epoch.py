"""one row that changes with every write to roles, permissions, accounts, staff profiles,
the organisation or signed-out credentials

Revision ID: f0_access_epoch
Revises: e4_newspapers_and_phones

Processes remember who may do and see what while this value stays the same
(app/security/access_cache.py). It starts at a random value, so databases built apart
(a restored backup, a copy) never share one by chance.
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f0_access_epoch'
down_revision = 'e4_newspapers_and_phones'
branch_labels = None
depends_on = None


def upgrade():
    epoch = op.create_table(
        'access_epoch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.bulk_insert(epoch, [{'id': 1, 'version': secrets.randbits(62)}])


def downgrade():
    op.drop_table('access_epoch')
