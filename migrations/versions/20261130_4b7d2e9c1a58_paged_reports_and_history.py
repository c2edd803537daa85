"""Indexes that page a record's own growing lists: an assignment's status reports newest first
(assignment, date, id) and one record's change log newest first (entity type, id, time, id), which
replaces the index on entity type and id alone (its leading columns); the first likewise replaces the
index on status_reports.assignment_id.

Reviewed by hand. Only indexes: no row of the append-only change log is touched.

Revision ID: 4b7d2e9c1a58
Revises: 2957325c7518
Create Date: 2026-11-30 17:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '4b7d2e9c1a58'
down_revision = '2957325c7518'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_status_reports_assignment_reported', 'status_reports',
                    ['assignment_id', 'reported_on', 'id'], unique=False)
    op.create_index('ix_change_log_entity_time', 'change_log', ['entity_type', 'entity_id', 'created_at', 'id'],
                    unique=False)
    op.drop_index('ix_change_log_entity', table_name='change_log')
    op.drop_index('ix_status_reports_assignment_id', table_name='status_reports')


def downgrade():
    op.create_index('ix_status_reports_assignment_id', 'status_reports', ['assignment_id'], unique=False)
    op.create_index('ix_change_log_entity', 'change_log', ['entity_type', 'entity_id'], unique=False)
    op.drop_index('ix_change_log_entity_time', table_name='change_log')
    op.drop_index('ix_status_reports_assignment_reported', table_name='status_reports')
