"""Upcoming meetings are read in date order from today on – or from the first day of a meeting of several
days begun before today and still going on, found through this index on the last and first days of such
meetings – instead of walking past every meeting ever held.

Reviewed by hand: an index only, no data.

Revision ID: 7e3b9d1c4a58
Revises: c5d1f7a3e926
Create Date: 2026-12-01 02:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7e3b9d1c4a58'
down_revision = 'c5d1f7a3e926'
branch_labels = None
depends_on = None


def upgrade():
    # Partial: only meetings of several days have a last day of their own, and the planner, seeing how
    # few they are, reads them here rather than walking every earlier meeting in date order.
    op.create_index('ix_meetings_ongoing', 'meetings', ['ends_on', 'starts_on'],
                    sqlite_where=sa.text("ends_on IS NOT NULL"), postgresql_where=sa.text("ends_on IS NOT NULL"))
    if op.get_bind().dialect.name == "sqlite":
        # The planner's statistics for the new index now, not at the next nightly refresh.
        op.execute("ANALYZE meetings")


def downgrade():
    op.drop_index('ix_meetings_ongoing', table_name='meetings')
