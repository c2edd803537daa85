"""Competence centre: recommendations, work packages, activities and updates, KPIs with targets and
measurements, problem areas, use cases with a versioned priority list, region stances and maturity.

Reviewed by hand: tables only, no data; enums are check constraints (portable), as elsewhere.

Revision ID: 7c5f683b1f52
Revises: 873db94be073
Create Date: 2026-11-22 15:43:35.498309

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c5f683b1f52'
down_revision = '873db94be073'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('problem_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_problem_areas_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_problem_areas_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_problem_areas_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_areas')),
    sa.UniqueConstraint('code', name=op.f('uq_problem_areas_code'))
    )
    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('area', sa.String(length=200), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_recommendations_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_recommendations_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_recommendations_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
    sa.UniqueConstraint('code', name=op.f('uq_recommendations_code'))
    )
    op.create_table('use_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('steps_text', sa.Text(), nullable=False),
    sa.Column('legal_status', sa.Enum('not_started', 'ongoing', 'done_no_obstacle', 'done_obstacle', name='legal_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('legal_note', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_use_cases_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_use_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_use_cases_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_use_cases')),
    sa.UniqueConstraint('code', name=op.f('uq_use_cases_code'))
    )
    op.create_table('work_packages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner', sa.Enum('competence_centre', 'digitaliseringsnatverket', name='work_package_owner', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_work_packages_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_work_packages_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_work_packages_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_packages')),
    sa.UniqueConstraint('code', name=op.f('uq_work_packages_code'))
    )
    op.create_table('kpis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_package_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=300), nullable=False),
    sa.Column('measure', sa.Enum('number', 'percentage', 'milestone', name='kpi_measure', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('baseline_date', sa.Date(), nullable=False),
    sa.Column('derivation', sa.Enum('meetings_regions', 'meetings_authorities', 'use_cases_prioritised', 'staffing', 'regions_positive', name='kpi_derivation', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_kpis_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_kpis_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_kpis_updated_by_id_users')),
    sa.ForeignKeyConstraint(['work_package_id'], ['work_packages.id'], name=op.f('fk_kpis_work_package_id_work_packages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpis')),
    sa.UniqueConstraint('code', name=op.f('uq_kpis_code'))
    )
    with op.batch_alter_table('kpis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpis_work_package_id'), ['work_package_id'], unique=False)

    op.create_table('maturity_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.Enum('data_quality', 'data_governance', 'technical_platform', 'organisation', name='maturity_area', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_maturity_assessments_level_1_to_4')),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_maturity_assessments_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_maturity_assessments_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_maturity_assessments_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_maturity_assessments_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maturity_assessments'))
    )
    with op.batch_alter_table('maturity_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maturity_assessments_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('region_stances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('stance', sa.Enum('positive', 'neutral', 'negative', name='stance', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_region_stances_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_region_stances_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_region_stances_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_region_stances_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region_stances'))
    )
    with op.batch_alter_table('region_stances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_stances_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('use_case_problem_areas',
    sa.Column('use_case_id', sa.Integer(), nullable=False),
    sa.Column('problem_area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['problem_area_id'], ['problem_areas.id'], name=op.f('fk_use_case_problem_areas_problem_area_id_problem_areas')),
    sa.ForeignKeyConstraint(['use_case_id'], ['use_cases.id'], name=op.f('fk_use_case_problem_areas_use_case_id_use_cases')),
    sa.PrimaryKeyConstraint('use_case_id', 'problem_area_id', name=op.f('pk_use_case_problem_areas'))
    )
    op.create_table('work_package_recommendations',
    sa.Column('work_package_id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_work_package_recommendations_recommendation_id_recommendations')),
    sa.ForeignKeyConstraint(['work_package_id'], ['work_packages.id'], name=op.f('fk_work_package_recommendations_work_package_id_work_packages')),
    sa.PrimaryKeyConstraint('work_package_id', 'recommendation_id', name=op.f('pk_work_package_recommendations'))
    )
    op.create_table('kpi_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('number', 'percentage', 'range', 'milestone', name='target_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('comparison', sa.String(length=2), nullable=True),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('low', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('high', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_kpi_targets_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_kpi_targets_created_by_id_users')),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpis.id'], name=op.f('fk_kpi_targets_kpi_id_kpis')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_kpi_targets_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_targets')),
    sa.UniqueConstraint('kpi_id', 'months', name='uq_kpi_targets_kpi_months')
    )
    with op.batch_alter_table('kpi_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_targets_kpi_id'), ['kpi_id'], unique=False)

    op.create_table('kpi_measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('milestone_reached', sa.Boolean(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_kpi_measurements_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_kpi_measurements_created_by_id_users')),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpis.id'], name=op.f('fk_kpi_measurements_kpi_id_kpis')),
    sa.ForeignKeyConstraint(['target_id'], ['kpi_targets.id'], name=op.f('fk_kpi_measurements_target_id_kpi_targets')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_kpi_measurements_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_measurements'))
    )
    with op.batch_alter_table('kpi_measurements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_measurements_kpi_id'), ['kpi_id'], unique=False)

    op.create_table('use_case_priority_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_use_case_priority_versions_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_use_case_priority_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_use_case_priority_versions_decision_id_decisions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_use_case_priority_versions_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_use_case_priority_versions')),
    sa.UniqueConstraint('number', name='uq_use_case_priority_versions_number')
    )
    with op.batch_alter_table('use_case_priority_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_use_case_priority_versions_adopted_on'), ['adopted_on'], unique=False)

    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_package_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('responsible_group_id', sa.Integer(), nullable=True),
    sa.Column('responsible_person_id', sa.Integer(), nullable=True),
    sa.Column('responsible', sa.String(length=300), nullable=False),
    sa.Column('start_quarter', sa.String(length=7), nullable=True),
    sa.Column('end_quarter', sa.String(length=7), nullable=True),
    sa.Column('open_ended', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('not_started', 'ongoing', 'done', 'paused', 'cancelled', name='activity_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('plan_note', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('end_quarter IS NULL OR start_quarter IS NULL OR end_quarter >= start_quarter', name=op.f('ck_activities_quarters_in_order')),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_activities_archived_by_id_users')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_activities_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_activities_created_by_id_users')),
    sa.ForeignKeyConstraint(['responsible_group_id'], ['groups.id'], name=op.f('fk_activities_responsible_group_id_groups')),
    sa.ForeignKeyConstraint(['responsible_person_id'], ['people.id'], name=op.f('fk_activities_responsible_person_id_people')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_activities_updated_by_id_users')),
    sa.ForeignKeyConstraint(['work_package_id'], ['work_packages.id'], name=op.f('fk_activities_work_package_id_work_packages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('code', name=op.f('uq_activities_code'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_work_package_id'), ['work_package_id'], unique=False)

    op.create_table('use_case_priority_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('use_case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['use_case_id'], ['use_cases.id'], name=op.f('fk_use_case_priority_entries_use_case_id_use_cases')),
    sa.ForeignKeyConstraint(['version_id'], ['use_case_priority_versions.id'], name=op.f('fk_use_case_priority_entries_version_id_use_case_priority_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_use_case_priority_entries')),
    sa.UniqueConstraint('version_id', 'use_case_id', name='uq_use_case_priority_entries_case')
    )
    with op.batch_alter_table('use_case_priority_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_use_case_priority_entries_version_id'), ['version_id'], unique=False)

    op.create_table('activity_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('traffic_light', sa.Enum('on_track', 'at_risk', 'off_track', name='traffic_light', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_updates_activity_id_activities')),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_activity_updates_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_activity_updates_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_activity_updates_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_updates'))
    )
    with op.batch_alter_table('activity_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_updates_activity_id'), ['activity_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('activity_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_updates_activity_id'))

    op.drop_table('activity_updates')
    with op.batch_alter_table('use_case_priority_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_use_case_priority_entries_version_id'))

    op.drop_table('use_case_priority_entries')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_work_package_id'))
        batch_op.drop_index(batch_op.f('ix_activities_assignment_id'))

    op.drop_table('activities')
    with op.batch_alter_table('use_case_priority_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_use_case_priority_versions_adopted_on'))

    op.drop_table('use_case_priority_versions')
    with op.batch_alter_table('kpi_measurements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_measurements_kpi_id'))

    op.drop_table('kpi_measurements')
    with op.batch_alter_table('kpi_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_targets_kpi_id'))

    op.drop_table('kpi_targets')
    op.drop_table('work_package_recommendations')
    op.drop_table('use_case_problem_areas')
    with op.batch_alter_table('region_stances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_stances_organisation_id'))

    op.drop_table('region_stances')
    with op.batch_alter_table('maturity_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maturity_assessments_organisation_id'))

    op.drop_table('maturity_assessments')
    with op.batch_alter_table('kpis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpis_work_package_id'))

    op.drop_table('kpis')
    op.drop_table('work_packages')
    op.drop_table('use_cases')
    op.drop_table('recommendations')
    op.drop_table('problem_areas')
    # ### end Alembic commands ###
