"""routine revisits: revisit subjects and record, routine revisit schedules

Revision ID: d5_routine_revisits
Revises: d4_surveys

Every revisit states its subject (R-RV-1) and records who revisited, what was discussed and,
for a question that could not be answered at once, the promised reply (R-RV-2). Routine
revisits come from schedules (office director household visits, property officers by area,
residents' forum) and are made once per schedule, period and unit (unique routine_key).
A problem found on a routine revisit spawns a new work order (R-RV-3).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5_routine_revisits'
down_revision = 'd4_surveys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('revisit_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=True),
    sa.Column('estate_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('yearly_count', sa.Integer(), nullable=False, server_default='1'),
    sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['org_estate.id'], ),
    sa.ForeignKeyConstraint(['office_id'], ['org_office.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('revisit_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisit_schedule_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_schedule_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_schedule_person_id'), ['person_id'], unique=False)

    op.create_table('revisit_schedule_building',
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['org_building.id'], ),
    sa.ForeignKeyConstraint(['schedule_id'], ['revisit_schedule.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('schedule_id', 'building_id')
    )
    with op.batch_alter_table('revisit_schedule_building', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisit_schedule_building_building_id'), ['building_id'], unique=False)

    with op.batch_alter_table('revisit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=20), nullable=False,
                                      server_default='repair'))
        batch_op.add_column(sa.Column('schedule_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('period', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('routine_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('resident_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revisitor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('content', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('promised_reply_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('open_question', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reply', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('replied_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('new_work_order_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_revisit_schedule_id', 'revisit_schedule',
                                    ['schedule_id'], ['id'])
        batch_op.create_foreign_key('fk_revisit_resident_id', 'resident', ['resident_id'], ['id'])
        batch_op.create_foreign_key('fk_revisit_revisitor_id', 'ab_user', ['revisitor_id'], ['id'])
        batch_op.create_foreign_key('fk_revisit_new_work_order_id', 'work_order',
                                    ['new_work_order_id'], ['id'])
        batch_op.create_unique_constraint('uq_revisit_routine_key', ['routine_key'])
        batch_op.create_index(batch_op.f('ix_revisit_schedule_id'), ['schedule_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_revisitor_id'), ['revisitor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_new_work_order_id'), ['new_work_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_due_at'), ['due_at'], unique=False)
        batch_op.create_index('ix_revisit_subject_unit', ['subject', 'unit_id'], unique=False)

    # Existing revisits follow a repair, a complaint or a register entry (R-RV-1).
    op.execute("UPDATE revisit SET subject = 'complaint' WHERE complaint_id IS NOT NULL")
    op.execute("UPDATE revisit SET subject = 'service_record' "
               "WHERE service_record_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('revisit', schema=None) as batch_op:
        batch_op.drop_index('ix_revisit_subject_unit')
        batch_op.drop_index(batch_op.f('ix_revisit_due_at'))
        batch_op.drop_index(batch_op.f('ix_revisit_new_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_revisit_revisitor_id'))
        batch_op.drop_index(batch_op.f('ix_revisit_resident_id'))
        batch_op.drop_index(batch_op.f('ix_revisit_schedule_id'))
        batch_op.drop_constraint('uq_revisit_routine_key', type_='unique')
        batch_op.drop_constraint('fk_revisit_new_work_order_id', type_='foreignkey')
        batch_op.drop_constraint('fk_revisit_revisitor_id', type_='foreignkey')
        batch_op.drop_constraint('fk_revisit_resident_id', type_='foreignkey')
        batch_op.drop_constraint('fk_revisit_schedule_id', type_='foreignkey')
        batch_op.drop_column('new_work_order_id')
        batch_op.drop_column('replied_at')
        batch_op.drop_column('reply')
        batch_op.drop_column('open_question')
        batch_op.drop_column('promised_reply_at')
        batch_op.drop_column('content')
        batch_op.drop_column('revisitor_id')
        batch_op.drop_column('resident_id')
        batch_op.drop_column('routine_key')
        batch_op.drop_column('period')
        batch_op.drop_column('schedule_id')
        batch_op.drop_column('subject')

    with op.batch_alter_table('revisit_schedule_building', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisit_schedule_building_building_id'))
    op.drop_table('revisit_schedule_building')
    with op.batch_alter_table('revisit_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisit_schedule_person_id'))
        batch_op.drop_index(batch_op.f('ix_revisit_schedule_office_id'))
        batch_op.drop_index(batch_op.f('ix_revisit_schedule_estate_id'))
    op.drop_table('revisit_schedule')
