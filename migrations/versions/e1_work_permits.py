"""contractor work permits: the department's request, its workers with ID numbers and
photos, and each step's time and person

Revision ID: e1_work_permits
Revises: e2_resident_passes

R-FD-3: Finance takes the fee, Security vets and fills the permits, Customer Service
stamps, Administration laminates, Customer Service hands them out. Every foreign key is
indexed, and so is the list's default order.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1_work_permits'
down_revision = 'e2_resident_passes'
branch_labels = None
depends_on = None

USERS = ('requested_by_id', 'fee_taken_by_id', 'vetted_by_id', 'stamped_by_id',
         'laminated_by_id', 'handed_out_by_id')


def upgrade():
    op.create_table('work_permit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('person_in_charge', sa.String(length=100), nullable=False),
    sa.Column('person_in_charge_phone', sa.String(length=40), nullable=True),
    sa.Column('work', sa.String(length=200), nullable=True),
    sa.Column('fee', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('receipt_number', sa.String(length=40), nullable=True),
    sa.Column('blank_permits', sa.Integer(), nullable=True),
    sa.Column('fee_taken_at', sa.DateTime(), nullable=True),
    sa.Column('fee_taken_by_id', sa.Integer(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('vetted_at', sa.DateTime(), nullable=True),
    sa.Column('vetted_by_id', sa.Integer(), nullable=True),
    sa.Column('refused_at', sa.DateTime(), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=True),
    sa.Column('stamped_at', sa.DateTime(), nullable=True),
    sa.Column('stamped_by_id', sa.Integer(), nullable=True),
    sa.Column('laminated_at', sa.DateTime(), nullable=True),
    sa.Column('laminated_by_id', sa.Integer(), nullable=True),
    sa.Column('handed_to', sa.String(length=100), nullable=True),
    sa.Column('handed_out_at', sa.DateTime(), nullable=True),
    sa.Column('handed_out_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['org_estate.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['org_department.id'], ),
    *[sa.ForeignKeyConstraint([column], ['ab_user.id'], ) for column in USERS],
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('work_permit', schema=None) as batch_op:
        batch_op.create_index('ix_work_permit_created', ['created_at', 'id'], unique=False)
        for column in ('estate_id', 'department_id', *USERS):
            batch_op.create_index(f'ix_work_permit_{column}', [column], unique=False)

    op.create_table('work_permit_worker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('permit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id_number', sa.String(length=30), nullable=False),
    sa.Column('card_number', sa.String(length=30), nullable=True),
    sa.Column('photo_filename', sa.String(length=200), nullable=False),
    sa.Column('photo_content_type', sa.String(length=40), nullable=False),
    sa.Column('photo_size', sa.Integer(), nullable=False),
    sa.Column('photo_data', sa.LargeBinary(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['permit_id'], ['work_permit.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['added_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('work_permit_worker', schema=None) as batch_op:
        batch_op.create_index('ix_work_permit_worker_permit_id', ['permit_id'], unique=False)
        batch_op.create_index('ix_work_permit_worker_added_by_id', ['added_by_id'],
                              unique=False)


def downgrade():
    op.drop_table('work_permit_worker')
    op.drop_table('work_permit')
