"""The assignment list sorts by status and by latest report, each order from an index.

- assignments.status_sort: the status's place in the lifecycle (draft, commissioned, in progress,
  paused, delivered, accepted, closed, cancelled), set by the model from the status like due_sort;
- assignments.report_sort / report_desc_sort: the kept latest report's date, 9999-12-31 and
  0001-01-01 without a report, so that the unreported come last whether read ascending or
  descending (SQLite sorts NULL first, PostgreSQL last); kept with latest_reported_on;
- one index per order, holding the list's default filters (status, archived) as the others do.

Data carried over: every existing assignment gets its keys here in SQL (the lifecycle written out, so
that this migration does not change when the application does). Not written to the change log:
derived fields, never shown in a history.

Reviewed by hand: columns added in place (no table rebuild), the data step, the downgrade.

Revision ID: 8a4c2e6f1b93
Revises: b2e9d4a6c3f1
Create Date: 2026-11-30 23:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a4c2e6f1b93'
down_revision = 'b2e9d4a6c3f1'
branch_labels = None
depends_on = None

LIFECYCLE = ('draft', 'commissioned', 'in_progress', 'paused', 'delivered', 'accepted', 'closed', 'cancelled')

INDEXES = {
    'ix_assignments_status_order': ['status_sort', 'due_sort', 'id', 'status', 'archived_at'],
    'ix_assignments_report_order': ['report_sort', 'id', 'status', 'archived_at'],
    'ix_assignments_report_desc_order': ['report_desc_sort', 'id', 'status', 'archived_at'],
}


def upgrade():
    # Plain ADD COLUMN, no batch: rebuilding the table on SQLite would drop its full-text triggers, and
    # the server defaults stay (the models declare them) so that neither database rewrites the table.
    op.add_column('assignments', sa.Column('status_sort', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('assignments', sa.Column('report_sort', sa.Date(), nullable=False, server_default='9999-12-31'))
    op.add_column('assignments', sa.Column('report_desc_sort', sa.Date(), nullable=False,
                                           server_default='0001-01-01'))

    positions = " ".join(f"WHEN '{status}' THEN {position}" for position, status in enumerate(LIFECYCLE))
    op.get_bind().execute(sa.text(
        f"UPDATE assignments SET status_sort = CASE status {positions} END,"
        " report_sort = COALESCE(latest_reported_on, '9999-12-31'),"
        " report_desc_sort = COALESCE(latest_reported_on, '0001-01-01')"))
    for name, columns in INDEXES.items():
        op.create_index(name, 'assignments', columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='assignments')
    # SQLite drops a column in place (3.35+), keeping the table's triggers.
    for column in ('report_desc_sort', 'report_sort', 'status_sort'):
        op.drop_column('assignments', column)
