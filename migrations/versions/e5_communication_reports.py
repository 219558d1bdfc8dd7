"""monthly communication reports, their summaries, leadership's decisions, improvement actions

Revision ID: e5_communication_reports
Revises: e0_estate_currency

R-CS-7: one report a person a month at every management level; the office director and
Quality summarise them; leadership decides on every suggestion, and "act now" opens an
improvement action. Every foreign key is indexed, and so is each list's default order.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5_communication_reports'
down_revision = 'e0_estate_currency'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('communication_summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('analysis', sa.Text(), nullable=False),
    sa.Column('proposals', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['office_id'], ['org_office.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('communication_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_communication_summary_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_summary_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index('ix_communication_summary_month', ['month', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_summary_office_id'), ['office_id'], unique=False)

    op.create_table('communication_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('customers_contacted', sa.Integer(), nullable=False),
    sa.Column('ways', sa.String(length=200), nullable=True),
    sa.Column('opinions', sa.Text(), nullable=False),
    sa.Column('suggestions_text', sa.Text(), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=True),
    sa.Column('summary_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['org_department.id'], ),
    sa.ForeignKeyConstraint(['office_id'], ['org_office.id'], ),
    sa.ForeignKeyConstraint(['summary_id'], ['communication_summary.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('author_id', 'month', name='uq_communication_report_author_month'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('communication_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_communication_report_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_report_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_communication_report_month', ['month', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_report_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_report_summary_id'), ['summary_id'], unique=False)

    op.create_table('communication_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('reconsider_on', sa.Date(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['org_department.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['communication_report.id'], ),
    sa.ForeignKeyConstraint(['summary_id'], ['communication_summary.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('communication_suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_communication_suggestion_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_suggestion_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_suggestion_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_suggestion_summary_id'), ['summary_id'], unique=False)

    op.create_table('improvement_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('task', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['org_department.id'], ),
    sa.ForeignKeyConstraint(['done_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['suggestion_id'], ['communication_suggestion.id'], ),
    sa.ForeignKeyConstraint(['summary_id'], ['communication_summary.id'], ),
    sa.ForeignKeyConstraint(['verified_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('improvement_action', schema=None) as batch_op:
        batch_op.create_index('ix_improvement_action_created', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_action_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_action_done_by_id'), ['done_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_action_suggestion_id'), ['suggestion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_action_summary_id'), ['summary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_action_verified_by_id'), ['verified_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('improvement_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_improvement_action_verified_by_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_action_summary_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_action_suggestion_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_action_done_by_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_action_department_id'))
        batch_op.drop_index('ix_improvement_action_created')

    op.drop_table('improvement_action')
    with op.batch_alter_table('communication_suggestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communication_suggestion_summary_id'))
        batch_op.drop_index(batch_op.f('ix_communication_suggestion_report_id'))
        batch_op.drop_index(batch_op.f('ix_communication_suggestion_department_id'))
        batch_op.drop_index(batch_op.f('ix_communication_suggestion_decided_by_id'))

    op.drop_table('communication_suggestion')
    with op.batch_alter_table('communication_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communication_report_summary_id'))
        batch_op.drop_index(batch_op.f('ix_communication_report_office_id'))
        batch_op.drop_index('ix_communication_report_month')
        batch_op.drop_index(batch_op.f('ix_communication_report_department_id'))
        batch_op.drop_index(batch_op.f('ix_communication_report_author_id'))

    op.drop_table('communication_report')
    with op.batch_alter_table('communication_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communication_summary_office_id'))
        batch_op.drop_index('ix_communication_summary_month')
        batch_op.drop_index(batch_op.f('ix_communication_summary_decided_by_id'))
        batch_op.drop_index(batch_op.f('ix_communication_summary_author_id'))

    op.drop_table('communication_summary')
