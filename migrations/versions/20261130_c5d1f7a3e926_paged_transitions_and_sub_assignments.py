"""An assignment's page pages its status transitions and sub-assignments newest first, by key: each
list read through an index on its owner and id (the sub-assignments' also holding archived), which
replaces the single-column index on the owner.

Reviewed by hand: indexes only, no data.

Revision ID: c5d1f7a3e926
Revises: 8a4c2e6f1b93
Create Date: 2026-11-30 23:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c5d1f7a3e926'
down_revision = '8a4c2e6f1b93'
branch_labels = None
depends_on = None


def upgrade():
    # Plain index operations, no batch: rebuilding assignments on SQLite would drop its full-text triggers.
    op.create_index('ix_assignment_transitions_assignment', 'assignment_transitions', ['assignment_id', 'id'])
    op.drop_index('ix_assignment_transitions_assignment_id', table_name='assignment_transitions')
    op.create_index('ix_assignments_parent', 'assignments', ['parent_id', 'id', 'archived_at'])
    op.drop_index('ix_assignments_parent_id', table_name='assignments')


def downgrade():
    op.create_index('ix_assignments_parent_id', 'assignments', ['parent_id'])
    op.drop_index('ix_assignments_parent', table_name='assignments')
    op.create_index('ix_assignment_transitions_assignment_id', 'assignment_transitions', ['assignment_id'])
    op.drop_index('ix_assignment_transitions_assignment', table_name='assignment_transitions')
