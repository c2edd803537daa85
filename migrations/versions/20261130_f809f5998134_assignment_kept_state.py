"""Assignments keep their current state and a Swedish sort key for their title.

- assignments.latest_light / latest_reported_on: the newest active status report's traffic light and
  date (newest date, then the later filed), kept by the operations when reports are filed;
- assignments.open_due_on: the due date while the assignment is open (commissioned, in progress,
  paused), else NULL, so "overdue" is one index range;
- assignments.title_sort: the title's Swedish sort key (as people's and groups' name_sort), and
  assignments.due_sort: the due date, 9999-12-31 when there is none (undated last on every database);
- one index per order the assignment list offers, holding the order and its default filters (status,
  archived); the dashboards' figures in one pass over one index, and their overdue and unreported
  lists in date order, each index holding the steering scope (the principal), and the principal's
  assignments with what the figures count; these replace the single-column indexes on
  next_report_due_on and principal_group_id.

Data carried over: every existing assignment gets its kept state computed here in SQL (the same
rule as app.assignments.queries.kept_state_columns, written out so that this migration does not
change when the application does) and its title key by the application's own sort function.
Not written to the change log: these are derived fields, never shown in a history.

Reviewed by hand: server default only while adding the NOT NULL column, the data steps, the downgrade.

Revision ID: f809f5998134
Revises: 9f999b2947b6
Create Date: 2026-11-30 16:20:44.791663

"""
from alembic import op
import sqlalchemy as sa

from app.core.sorting import swedish_key


# revision identifiers, used by Alembic.
revision = 'f809f5998134'
down_revision = '9f999b2947b6'
branch_labels = None
depends_on = None

NEWEST_REPORT = ("(SELECT r.id FROM status_reports r WHERE r.assignment_id = assignments.id AND r.archived_at IS NULL"
                 " ORDER BY r.reported_on DESC, r.id DESC LIMIT 1)")


# One per order the list offers, holding its default filters; the dashboards' figures in one pass and
# their overdue and unreported lists, holding the steering scope (see Assignment.__table_args__).
INDEXES = {
    'ix_assignments_due_order': ['due_sort', 'id', 'status', 'archived_at', 'principal_group_id'],
    'ix_assignments_title_order': ['title_sort', 'id', 'status', 'archived_at'],
    'ix_assignments_id_order': ['id', 'status', 'archived_at'],
    'ix_assignments_dashboard': ['status', 'latest_light', 'archived_at', 'principal_group_id', 'open_due_on',
                                 'next_report_due_on'],
    'ix_assignments_overdue': ['open_due_on', 'archived_at', 'principal_group_id'],
    'ix_assignments_report_due': ['next_report_due_on', 'archived_at', 'principal_group_id', 'status'],
    'ix_assignments_principal': ['principal_group_id', 'status', 'latest_light', 'archived_at', 'open_due_on',
                                 'next_report_due_on'],
}


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_sort', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('due_sort', sa.Date(), nullable=False, server_default='9999-12-31'))
        batch_op.add_column(sa.Column('latest_light', sa.Enum('on_track', 'at_risk', 'off_track', name='latest_light', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('latest_reported_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('open_due_on', sa.Date(), nullable=True))
        batch_op.drop_index('ix_assignments_next_report_due_on')
        batch_op.drop_index('ix_assignments_principal_group_id')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.alter_column('title_sort', server_default=None)
        batch_op.alter_column('due_sort', server_default=None)

    conn = op.get_bind()
    conn.execute(sa.text(
        f"UPDATE assignments SET"
        f" latest_light = (SELECT traffic_light FROM status_reports WHERE id = {NEWEST_REPORT}),"
        f" latest_reported_on = (SELECT reported_on FROM status_reports WHERE id = {NEWEST_REPORT}),"
        " open_due_on = CASE WHEN status IN ('commissioned', 'in_progress', 'paused') THEN due_on END,"
        " due_sort = COALESCE(due_on, '9999-12-31')"))
    for assignment_id, title in conn.execute(sa.text("SELECT id, title FROM assignments")).all():
        conn.execute(sa.text("UPDATE assignments SET title_sort = :key WHERE id = :id"),
                     {"key": swedish_key(title), "id": assignment_id})
    for name, columns in INDEXES.items():
        op.create_index(name, 'assignments', columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='assignments')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_next_report_due_on', ['next_report_due_on'], unique=False)
        batch_op.create_index('ix_assignments_principal_group_id', ['principal_group_id'], unique=False)
        batch_op.drop_column('open_due_on')
        batch_op.drop_column('latest_reported_on')
        batch_op.drop_constraint('latest_light', type_='check')
        batch_op.drop_column('latest_light')
        batch_op.drop_column('due_sort')
        batch_op.drop_column('title_sort')
