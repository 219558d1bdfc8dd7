"""survey follow-up: open letters, corrective actions, revisits of corrective actions

Revision ID: d6_survey_follow_up
Revises: d5_routine_revisits

Concentrated issues of a survey get an open letter to residents (R-SV-8); unsatisfied
items become corrective actions, and a corrected one a targeted revisit (R-SV-9). Every
foreign key is indexed.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd6_survey_follow_up'
down_revision = 'd5_routine_revisits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_open_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('issues', sa.Text(), nullable=True),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('posted_at', sa.DateTime(), nullable=True),
    sa.Column('sent_to_quality_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('survey_open_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_open_letter_approved_by_id'), ['approved_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_open_letter_drafted_by_id'), ['drafted_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_open_letter_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_corrective_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=40), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('registering_department_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('unsatisfied', sa.Integer(), nullable=True),
    sa.Column('rate', sa.String(length=40), nullable=True),
    sa.Column('issue', sa.Text(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=True),
    sa.Column('corrected_at', sa.DateTime(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['org_department.id'], ),
    sa.ForeignKeyConstraint(['estate_id'], ['org_estate.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['raised_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['registering_department_id'], ['org_department.id'], ),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['verified_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('survey_corrective_action', schema=None) as batch_op:
        for column in ('department_id', 'estate_id', 'owner_id', 'raised_by_id',
                       'registering_department_id', 'survey_id', 'unit_id',
                       'verified_by_id'):
            batch_op.create_index(batch_op.f(f'ix_survey_corrective_action_{column}'),
                                  [column], unique=False)

    with op.batch_alter_table('revisit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrective_action_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_revisit_corrective_action_id',
                                    'survey_corrective_action', ['corrective_action_id'],
                                    ['id'])
        batch_op.create_index(batch_op.f('ix_revisit_corrective_action_id'),
                              ['corrective_action_id'], unique=False)

    # The report's comparisons read the latest scored survey per office in a year.
    op.create_index('ix_survey_state_period', 'survey', ['state', 'period_start'])


def downgrade():
    op.drop_index('ix_survey_state_period', table_name='survey')
    with op.batch_alter_table('revisit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisit_corrective_action_id'))
        batch_op.drop_constraint('fk_revisit_corrective_action_id', type_='foreignkey')
        batch_op.drop_column('corrective_action_id')

    with op.batch_alter_table('survey_corrective_action', schema=None) as batch_op:
        for column in ('department_id', 'estate_id', 'owner_id', 'raised_by_id',
                       'registering_department_id', 'survey_id', 'unit_id',
                       'verified_by_id'):
            batch_op.drop_index(batch_op.f(f'ix_survey_corrective_action_{column}'))
    op.drop_table('survey_corrective_action')
    with op.batch_alter_table('survey_open_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_open_letter_survey_id'))
        batch_op.drop_index(batch_op.f('ix_survey_open_letter_drafted_by_id'))
        batch_op.drop_index(batch_op.f('ix_survey_open_letter_approved_by_id'))
    op.drop_table('survey_open_letter')
