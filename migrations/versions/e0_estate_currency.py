"""money of an estate: yuan on the mainland, Hong Kong dollars in Hong Kong

Revision ID: e0_estate_currency
Revises: d9_notices

Fees and payments of the front desk (passes, permits, telephone installation) are in the
estate's currency; existing Hong Kong estates get Hong Kong dollars.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e0_estate_currency'
down_revision = 'd9_notices'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('org_estate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=False,
                                      server_default='CNY'))
    op.execute("UPDATE org_estate SET currency = 'HKD' WHERE region = 'hong_kong'")


def downgrade():
    with op.batch_alter_table('org_estate', schema=None) as batch_op:
        batch_op.drop_column('currency')
