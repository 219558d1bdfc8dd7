"""An index on every foreign key, and on the default order of each document list: the
lists, queues, row scope and joins of a big database read by them
(work_order.technician_id, revisit.assignee_id, complaint.handler_id…; work orders newest
first).

Revision ID: d7_foreign_key_indexes
Revises: d6_survey_follow_up
"""
from alembic import op

revision = "d7_foreign_key_indexes"
down_revision = "d6_survey_follow_up"
branch_labels = None
depends_on = None

# (table, column): the foreign keys that had no index whose first column is theirs.
COLUMNS = (
    ("collective_case", "decided_by_id"),
    ("collective_case", "department_id"),
    ("collective_case", "estate_id"),
    ("collective_case_complaint", "complaint_id"),
    ("compensation_claim", "approved_by_id"),
    ("compensation_claim", "department_id"),
    ("compensation_claim", "estate_id"),
    ("compensation_claim", "marketing_done_by_id"),
    ("compensation_claim", "payment_recorded_by_id"),
    ("compensation_claim", "raised_by_id"),
    ("compensation_claim", "rejected_by_id"),
    ("compensation_claim", "reviewed_by_id"),
    ("compensation_claim", "service_done_by_id"),
    ("compensation_evidence", "uploaded_by_id"),
    ("complaint", "classified_by_id"),
    ("complaint", "department_id"),
    ("complaint", "gm_received_by_id"),
    ("complaint", "handler_id"),
    ("complaint", "received_by_id"),
    ("complaint", "registering_department_id"),
    ("complaint", "resident_id"),
    ("complaint", "resolved_by_id"),
    ("complaint", "subject_department_id"),
    ("complaint", "unit_id"),
    ("complaint_register_signoff", "signed_by_id"),
    ("deadline_timer", "department_id"),
    ("deadline_timer", "estate_id"),
    ("deadline_timer", "handler_user_id"),
    ("deadline_timer", "policy_id"),
    ("notification", "timer_id"),
    ("org_estate", "office_id"),
    ("rectification_notice", "department_id"),
    ("rectification_notice", "estate_id"),
    ("rectification_notice", "issued_by_id"),
    ("rectification_notice", "technician_id"),
    ("rectification_notice", "work_order_id"),
    ("revisit", "assignee_id"),
    ("revisit", "department_id"),
    ("revisit", "estate_id"),
    ("revisit", "unit_id"),
    ("service_record", "complaint_id"),
    ("service_record", "department_id"),
    ("service_record", "estate_id"),
    ("service_record", "handled_by_id"),
    ("service_record", "plan_submitted_by_id"),
    ("service_record", "received_by_id"),
    ("service_record", "registering_department_id"),
    ("service_record", "resident_id"),
    ("service_record", "unit_id"),
    ("service_record", "work_order_id"),
    ("staff_profile_branch", "branch_id"),
    ("staff_profile_department", "department_id"),
    ("staff_profile_estate", "estate_id"),
    ("staff_profile_office", "office_id"),
    ("work_order", "department_id"),
    ("work_order", "handed_to_id"),
    ("work_order", "notice_signed_by_id"),
    ("work_order", "received_by_id"),
    ("work_order", "registered_by_id"),
    ("work_order", "registering_department_id"),
    ("work_order", "resident_id"),
    ("work_order", "technician_id"),
    ("work_order", "unit_id"),
    ("work_order_photo", "uploaded_by_id"),
)


# name: (table, columns): the default order of a list (newest first, id breaking ties),
# each person's notifications.
ORDERS = {
    "ix_work_order_reported": ("work_order", ["reported_at", "id"]),
    "ix_complaint_received": ("complaint", ["received_at", "id"]),
    "ix_collective_case_detected": ("collective_case", ["detected_at", "id"]),
    "ix_rectification_notice_issued": ("rectification_notice", ["issued_at", "id"]),
    "ix_service_record_received": ("service_record", ["received_at", "id"]),
    "ix_notification_user_at": ("notification", ["user_id", "at"]),
    "ix_admin_alert_at": ("admin_alert", ["at"]),
    "ix_survey_closed": ("survey", ["closed_at"]),
    "ix_compensation_approval_rule_liability": ("compensation_approval_rule", ["liability"]),
}


def upgrade():
    for table, column in COLUMNS:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])
    for name, (table, columns) in ORDERS.items():
        op.create_index(name, table, columns)


def downgrade():
    for name, (table, _columns) in ORDERS.items():
        op.drop_index(name, table_name=table)
    for table, column in reversed(COLUMNS):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
