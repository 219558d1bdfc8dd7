"""resident passes: household members from Sales, a household's passes with numbers per estate

Revision ID: e2_resident_passes
Revises: e3_visitors_and_mail

R-FD-2: residents reported by Sales before move-in carry where they came from, their
relation in the family and an optional ID number; a household's pass document and each
pass with its number, unique in the estate. Every foreign key is indexed, and so is the
list's default order.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e2_resident_passes'
down_revision = 'e3_visitors_and_mail'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('kinship', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('id_number', sa.String(length=40), nullable=True))

    op.create_table('household_pass',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('free_per_member', sa.Integer(), nullable=False),
    sa.Column('fee_each', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('receipt_number', sa.String(length=40), nullable=True),
    sa.Column('prepared_by_id', sa.Integer(), nullable=True),
    sa.Column('ready_at', sa.DateTime(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('signed_by', sa.String(length=100), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['org_estate.id'], ),
    sa.ForeignKeyConstraint(['issued_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['prepared_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('household_pass', schema=None) as batch_op:
        batch_op.create_index('ix_household_pass_created', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_pass_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_pass_issued_by_id'), ['issued_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_pass_prepared_by_id'), ['prepared_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_pass_unit_id'), ['unit_id'], unique=False)

    op.create_table('pass_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_pass_id', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('charged', sa.Boolean(), nullable=False),
    sa.Column('fee', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('receipt_number', sa.String(length=40), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('made_at', sa.DateTime(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.Column('lost_at', sa.DateTime(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['org_estate.id'], ),
    sa.ForeignKeyConstraint(['household_pass_id'], ['household_pass.id'], ),
    sa.ForeignKeyConstraint(['replaces_id'], ['pass_card.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('estate_id', 'number', name='uq_pass_card_number')
    )
    with op.batch_alter_table('pass_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pass_card_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pass_card_household_pass_id'), ['household_pass_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pass_card_replaces_id'), ['replaces_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pass_card_resident_id'), ['resident_id'], unique=False)


def downgrade():
    op.drop_table('pass_card')
    op.drop_table('household_pass')
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('id_number')
        batch_op.drop_column('kinship')
        batch_op.drop_column('source')

