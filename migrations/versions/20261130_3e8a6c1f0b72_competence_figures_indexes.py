"""Indexes for the competence centre's figures read by the database: a KPI's latest measurement on or
before a day, a region's latest stance and latest maturity level per area on a day (each one step back
from the day in its index), every stance registration newest first, and progress updates newest first
(an activity's, and all). The single-column indexes on kpi_id, organisation_id and activity_id are
dropped: the new ones begin with them.

Reviewed by hand.

Revision ID: 3e8a6c1f0b72
Revises: 7c3e5a1d9b20
Create Date: 2026-11-30 20:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3e8a6c1f0b72'
down_revision = '7c3e5a1d9b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kpi_measurements', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_measurements_latest',
                              ['kpi_id', 'measured_on', 'id', 'archived_at', 'target_id'], unique=False)
        batch_op.drop_index('ix_kpi_measurements_kpi_id')
    with op.batch_alter_table('region_stances', schema=None) as batch_op:
        batch_op.create_index('ix_region_stances_latest',
                              ['organisation_id', 'recorded_on', 'id', 'archived_at', 'stance'], unique=False)
        batch_op.create_index('ix_region_stances_list_order', ['recorded_on', 'id', 'archived_at'], unique=False)
        batch_op.drop_index('ix_region_stances_organisation_id')
    with op.batch_alter_table('maturity_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_maturity_assessments_latest',
                              ['organisation_id', 'area', 'assessed_on', 'id', 'archived_at'], unique=False)
        batch_op.drop_index('ix_maturity_assessments_organisation_id')
    with op.batch_alter_table('activity_updates', schema=None) as batch_op:
        batch_op.create_index('ix_activity_updates_activity', ['activity_id', 'reported_on', 'id', 'archived_at'],
                              unique=False)
        batch_op.create_index('ix_activity_updates_recent', ['reported_on', 'id', 'archived_at'], unique=False)
        batch_op.drop_index('ix_activity_updates_activity_id')


def downgrade():
    with op.batch_alter_table('activity_updates', schema=None) as batch_op:
        batch_op.create_index('ix_activity_updates_activity_id', ['activity_id'], unique=False)
        batch_op.drop_index('ix_activity_updates_recent')
        batch_op.drop_index('ix_activity_updates_activity')
    with op.batch_alter_table('maturity_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_maturity_assessments_organisation_id', ['organisation_id'], unique=False)
        batch_op.drop_index('ix_maturity_assessments_latest')
    with op.batch_alter_table('region_stances', schema=None) as batch_op:
        batch_op.create_index('ix_region_stances_organisation_id', ['organisation_id'], unique=False)
        batch_op.drop_index('ix_region_stances_list_order')
        batch_op.drop_index('ix_region_stances_latest')
    with op.batch_alter_table('kpi_measurements', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_measurements_kpi_id', ['kpi_id'], unique=False)
        batch_op.drop_index('ix_kpi_measurements_latest')
