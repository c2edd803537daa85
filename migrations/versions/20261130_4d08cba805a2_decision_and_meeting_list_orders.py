"""Indexes behind the decision and meeting lists' orders, and sort keys for undated decisions.

- decisions.decided_sort: the decision date, 9999-12-31 when there is none, so that "newest first,
  undated first" is one index order on SQLite and PostgreSQL alike (they put NULLs at opposite ends),
  and decisions.execute_sort likewise for the date by which a decision is to be carried out (the
  dashboards list those awaiting execution, earliest first, undated last);
- decisions awaiting execution counted in all and per group from covering indexes (the latter
  replacing the single-column index on group_id);
- decisions and meetings: one index per order offered (the list's and the API's by id), each holding
  the filters the list applies by default, so any page and its count read index entries only;
- meetings.last_day: the meeting's last day (ends_on, or starts_on for a one-day meeting), indexed:
  "upcoming" is one index range, last_day >= today.

Data carried over: decided_sort and execute_sort computed for every existing decision, last_day for
every meeting.

Reviewed by hand: server default only while adding the NOT NULL column, the data step, the downgrade.

Revision ID: 4d08cba805a2
Revises: f809f5998134
Create Date: 2026-11-30 17:36:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d08cba805a2'
down_revision = 'f809f5998134'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_sort', sa.Date(), nullable=False, server_default='9999-12-31'))
        batch_op.add_column(sa.Column('execute_sort', sa.Date(), nullable=False, server_default='9999-12-31'))
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.alter_column('decided_sort', server_default=None)
        batch_op.alter_column('execute_sort', server_default=None)
    op.execute("UPDATE decisions SET decided_sort = decided_on WHERE decided_on IS NOT NULL")
    op.execute("UPDATE decisions SET execute_sort = execute_by WHERE execute_by IS NOT NULL")
    op.create_index('ix_decisions_execution', 'decisions',
                    ['execute_sort', 'execution_status', 'state', 'archived_at', 'group_id'])
    op.create_index('ix_decisions_awaiting', 'decisions', ['execution_status', 'state', 'archived_at', 'group_id'])
    op.create_index('ix_decisions_group', 'decisions', ['group_id', 'execution_status', 'state', 'archived_at'])
    op.drop_index('ix_decisions_group_id', table_name='decisions')
    op.create_index('ix_decisions_id_order', 'decisions', ['id', 'archived_at'])
    op.create_index('ix_decisions_list_order', 'decisions', ['decided_sort', 'id', 'archived_at'])
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_day', sa.Date(), nullable=False, server_default='0001-01-01'))
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.alter_column('last_day', server_default=None)
    op.execute("UPDATE meetings SET last_day = COALESCE(ends_on, starts_on)")
    op.create_index('ix_meetings_upcoming', 'meetings', ['last_day', 'archived_at', 'group_id'])
    op.create_index('ix_meetings_id_order', 'meetings', ['id', 'archived_at'])
    op.create_index('ix_meetings_list_order', 'meetings', ['starts_on', 'id', 'last_day', 'archived_at'])


def downgrade():
    op.drop_index('ix_meetings_list_order', table_name='meetings')
    op.drop_index('ix_meetings_id_order', table_name='meetings')
    op.drop_index('ix_meetings_upcoming', table_name='meetings')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('last_day')
    op.drop_index('ix_decisions_list_order', table_name='decisions')
    op.drop_index('ix_decisions_id_order', table_name='decisions')
    op.drop_index('ix_decisions_execution', table_name='decisions')
    op.create_index('ix_decisions_group_id', 'decisions', ['group_id'])
    op.drop_index('ix_decisions_group', table_name='decisions')
    op.drop_index('ix_decisions_awaiting', table_name='decisions')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('execute_sort')
        batch_op.drop_column('decided_sort')
