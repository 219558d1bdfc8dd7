"""notices to residents: drafted, approved, published with the hotline, every edition kept

Revision ID: d9_notices
Revises: d8_background_jobs

R-CS-8: what a management office publishes to an estate's residents. Each edition points
at the one it replaced. Every foreign key is indexed, and so is the list's default order.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd9_notices'
down_revision = 'd8_background_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('hotline', sa.String(length=40), nullable=True),
    sa.Column('edition', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('replaced_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['org_department.id'], ),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['estate_id'], ['org_estate.id'], ),
    sa.ForeignKeyConstraint(['previous_id'], ['notice.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_created', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_approved_by_id'), ['approved_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_drafted_by_id'), ['drafted_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_previous_id'), ['previous_id'], unique=False)


def downgrade():
    op.drop_table('notice')
