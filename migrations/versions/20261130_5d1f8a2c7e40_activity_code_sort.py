"""Activities keep a sort key for their code, with an index behind the order it gives.

- activities.code_sort: the code's sort key (app.core.sorting.code_sort_key): numbers as numbers, "A.2"
  before "A.10", as plain text that SQLite and PostgreSQL order alike, so that the pages, the API's list
  and the search order activities in SQL instead of sorting every row in Python;
- ix_activities_code_order: the order (code_sort, id) with the list's default filter (archived_at).

Data carried over: every existing activity gets its key by the application's own sort function.
Not written to the change log: a derived field, never shown in a history.

Reviewed by hand: the server default stays on SQLite only, where removing it would rebuild the table and
lose its full-text triggers; the data step; the downgrade.

Revision ID: 5d1f8a2c7e40
Revises: 3e8a6c1f0b72
Create Date: 2026-11-30 23:10:00

"""
from alembic import op
import sqlalchemy as sa

from app.core.sorting import code_sort_key


# revision identifiers, used by Alembic.
revision = '5d1f8a2c7e40'
down_revision = '3e8a6c1f0b72'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('activities', sa.Column('code_sort', sa.Text(), nullable=False, server_default=''))
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql':
        op.alter_column('activities', 'code_sort', server_default=None)
    for activity_id, code in conn.execute(sa.text("SELECT id, code FROM activities")).all():
        conn.execute(sa.text("UPDATE activities SET code_sort = :key WHERE id = :id"),
                     {"key": code_sort_key(code), "id": activity_id})
    op.create_index('ix_activities_code_order', 'activities', ['code_sort', 'id', 'archived_at'])


def downgrade():
    op.drop_index('ix_activities_code_order', table_name='activities')
    # SQLite (3.35+) drops a column in place, keeping the table's triggers.
    op.drop_column('activities', 'code_sort')
