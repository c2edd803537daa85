"""A group's meetings by date: (group_id, starts_on, id, archived_at). The competence centre's meeting
figures chose the date index instead and read every group's meetings of the months asked for; with this
one they read the centre's own. It replaces the single-column index on group_id, which it begins with.

Reviewed by hand.

Revision ID: b2e9d4a6c3f1
Revises: 5d1f8a2c7e40
Create Date: 2026-11-30 23:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b2e9d4a6c3f1'
down_revision = '5d1f8a2c7e40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_group_date', ['group_id', 'starts_on', 'id', 'archived_at'], unique=False)
        batch_op.drop_index('ix_meetings_group_id')


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_group_id', ['group_id'], unique=False)
        batch_op.drop_index('ix_meetings_group_date')
