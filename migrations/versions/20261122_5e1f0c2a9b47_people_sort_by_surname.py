"""People sort by surname: recompute people.name_sort ("Kim Kanslisson" sorts as "Kanslisson Kim").

Reviewed by hand: data only, no schema change. The key is computed by the application's own
function, so that existing rows sort exactly as new ones will.

Revision ID: 5e1f0c2a9b47
Revises: 7163530cbc8f
Create Date: 2026-11-22 17:05:00

"""
from alembic import op
import sqlalchemy as sa

from app.core.sorting import person_sort_key, swedish_key


# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b47'
down_revision = '7163530cbc8f'
branch_labels = None
depends_on = None


def _recompute(key) -> None:
    conn = op.get_bind()
    for person_id, name in conn.execute(sa.text("SELECT id, name FROM people")).all():
        conn.execute(sa.text("UPDATE people SET name_sort = :key WHERE id = :id"), {"key": key(name), "id": person_id})


def upgrade():
    _recompute(person_sort_key)


def downgrade():
    _recompute(swedish_key)
