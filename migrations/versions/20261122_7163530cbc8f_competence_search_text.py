"""Search text for activities, KPIs and use cases, so that the search page finds them.

Reviewed by hand: the column is added with an empty default, filled from the records' own text
(case-folded, as app.core.sorting.search_text does), then the database default is dropped again,
as the models set the value themselves.

Revision ID: 7163530cbc8f
Revises: 7c5f683b1f52
Create Date: 2026-11-22 16:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7163530cbc8f'
down_revision = '7c5f683b1f52'
branch_labels = None
depends_on = None

# table -> the columns whose text is searched (the models' __search_fields__ at this revision)
FIELDS = {
    "activities": ("code", "area", "text", "purpose", "responsible"),
    "kpis": ("code", "indicator", "note"),
    "use_cases": ("code", "title", "description", "steps_text", "legal_note"),
}


def upgrade():
    conn = op.get_bind()
    for table, fields in FIELDS.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
        rows = conn.execute(sa.text(f"SELECT id, {', '.join(fields)} FROM {table}")).all()
        for row in rows:
            text = " ".join(str(part).casefold() for part in row[1:] if part)
            conn.execute(sa.text(f"UPDATE {table} SET search_text = :text WHERE id = :id"), {"text": text, "id": row[0]})
        with op.batch_alter_table(table) as batch:
            batch.alter_column('search_text', server_default=None)


def downgrade():
    for table in reversed(list(FIELDS)):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('search_text')
