"""Kept counts for the dashboards (app.core.tallies): per group and in all (scope 0), assignments by
status and latest light, by due date while open and by requested-report date while reportable, and
decisions awaiting execution by the date to execute by. Filled here from the rows as they are, with the
same criteria as the tallies' declarations (app.assignments.queries, app.decisions.queries); from then
on the operations keep them and `flask maintenance recompute` rebuilds them.

Reviewed by hand.

Revision ID: 7c3e5a1d9b20
Revises: 4b7d2e9c1a58
Create Date: 2026-11-30 20:15:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c3e5a1d9b20'
down_revision = '4b7d2e9c1a58'
branch_labels = None
depends_on = None

REPORTABLE = "'commissioned', 'in_progress', 'paused', 'delivered'"
# kind -> (table, scope column, key expression, criteria)
KINDS = {
    "assignments.state": ("assignments", "principal_group_id",
                          "CAST(status AS VARCHAR) || '|' || COALESCE(CAST(latest_light AS VARCHAR), '')",
                          "archived_at IS NULL"),
    "assignments.overdue": ("assignments", "principal_group_id", "CAST(open_due_on AS VARCHAR)",
                            "archived_at IS NULL"),
    "assignments.report_due": ("assignments", "principal_group_id", "CAST(next_report_due_on AS VARCHAR)",
                               f"archived_at IS NULL AND status IN ({REPORTABLE})"),
    "decisions.awaiting": ("decisions", "group_id", "CAST(execute_sort AS VARCHAR)",
                           "archived_at IS NULL AND state = 'taken' AND execution_status IN ('not_started', "
                           "'in_progress')"),
}


def upgrade():
    op.create_table(
        'tallies',
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('scope_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'scope_id', 'key', name=op.f('pk_tallies')),
    )
    for kind, (table, scope, key, where) in KINDS.items():
        rows = f"SELECT {scope} AS scope_id, {key} AS k FROM {table} WHERE {where} AND {key} IS NOT NULL"
        op.execute(f"INSERT INTO tallies (kind, scope_id, key, n) SELECT '{kind}', scope_id, k, COUNT(*) "
                   f"FROM ({rows}) AS r GROUP BY scope_id, k")
        op.execute(f"INSERT INTO tallies (kind, scope_id, key, n) SELECT '{kind}', 0, k, COUNT(*) "
                   f"FROM ({rows}) AS r GROUP BY k")


def downgrade():
    op.drop_table('tallies')
