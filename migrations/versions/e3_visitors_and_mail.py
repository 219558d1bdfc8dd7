"""visitors at the gate and mail for residents: the front desk's first two registers

Revision ID: e3_visitors_and_mail
Revises: e5_communication_reports

R-FD-1: each visitor from the guard's call to the centre until admitted, turned away or
gone, with the time of every step. R-FD-5: batches of mail counted and signed for by the
gate and the centre, and each piece until its addressee signs for it (a PNG of the
signature drawn on the tablet, or the printed signing list). Every foreign key is indexed,
and so is each list's default order.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e3_visitors_and_mail'
down_revision = 'e5_communication_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('carrier', sa.String(length=100), nullable=True),
    sa.Column('guard_count', sa.Integer(), nullable=False),
    sa.Column('brought_at', sa.DateTime(), nullable=False),
    sa.Column('brought_by_id', sa.Integer(), nullable=True),
    sa.Column('centre_count', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=True),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['brought_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['estate_id'], ['org_estate.id'], ),
    sa.ForeignKeyConstraint(['received_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('mail_batch', schema=None) as batch_op:
        batch_op.create_index('ix_mail_batch_brought', ['brought_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_batch_brought_by_id'), ['brought_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_batch_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_batch_received_by_id'), ['received_by_id'], unique=False)

    op.create_table('visitor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('visitor_name', sa.String(length=100), nullable=False),
    sa.Column('party_size', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('id_or_plate', sa.String(length=40), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('called_at', sa.DateTime(), nullable=False),
    sa.Column('called_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_with', sa.String(length=100), nullable=True),
    sa.Column('refusal_reason', sa.String(length=200), nullable=True),
    sa.Column('admitted_at', sa.DateTime(), nullable=True),
    sa.Column('turned_away_at', sa.DateTime(), nullable=True),
    sa.Column('gate_by_id', sa.Integer(), nullable=True),
    sa.Column('left_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['called_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['org_department.id'], ),
    sa.ForeignKeyConstraint(['estate_id'], ['org_estate.id'], ),
    sa.ForeignKeyConstraint(['gate_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('visitor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visitor_answered_by_id'), ['answered_by_id'], unique=False)
        batch_op.create_index('ix_visitor_called', ['called_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visitor_called_by_id'), ['called_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visitor_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_visitor_estate_called', ['estate_id', 'called_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visitor_gate_by_id'), ['gate_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visitor_unit_id'), ['unit_id'], unique=False)

    op.create_table('mail_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('addressee_id', sa.Integer(), nullable=True),
    sa.Column('addressee_name', sa.String(length=100), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('tracking_number', sa.String(length=60), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('collector_id', sa.Integer(), nullable=True),
    sa.Column('collector_name', sa.String(length=100), nullable=True),
    sa.Column('signed_on', sa.String(length=10), nullable=True),
    sa.Column('signature_png', sa.LargeBinary(), nullable=True),
    sa.Column('paper_sheet', sa.String(length=60), nullable=True),
    sa.Column('collected_at', sa.DateTime(), nullable=True),
    sa.Column('handed_over_by_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['addressee_id'], ['resident.id'], ),
    sa.ForeignKeyConstraint(['batch_id'], ['mail_batch.id'], ),
    sa.ForeignKeyConstraint(['collector_id'], ['resident.id'], ),
    sa.ForeignKeyConstraint(['estate_id'], ['org_estate.id'], ),
    sa.ForeignKeyConstraint(['handed_over_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['registered_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('mail_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_item_addressee_id'), ['addressee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_item_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_item_collector_id'), ['collector_id'], unique=False)
        batch_op.create_index('ix_mail_item_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_mail_item_estate_state', ['estate_id', 'state', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_item_handed_over_by_id'), ['handed_over_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_item_registered_by_id'), ['registered_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_item_unit_id'), ['unit_id'], unique=False)


def downgrade():
    op.drop_table('mail_item')
    op.drop_table('visitor')
    op.drop_table('mail_batch')
