"""Initial schema: users and the change log; the structure register (organisations, groups,
relations, NPO hosting, people, memberships, declarations of interests); the governance core
(assignments with phases, transitions, status reports and reporting rounds; decisions with links
and dispatch; meetings with agenda, attendance, conflicts and minutes revisions; priorities).

Reviewed by hand: users.person_id -> people is added after both tables exist (they refer to
each other), and downgrade drops it first.

Revision ID: b21cf1397433
Revises: 
Create Date: 2026-11-22 13:53:15.578106

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b21cf1397433'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.Enum('admin', 'secretariat', 'competence_centre', 'reader', name='user_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('is_active_account', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('person_id', name=op.f('uq_users_person_id')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('change_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('create', 'update', 'archive', 'restore', name='change_action', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_change_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log'))
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index('ix_change_log_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('healthcare_region', 'region', 'authority', 'association', 'company', 'university', 'municipality', 'other', name='organisation_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('healthcare_region_id', sa.Integer(), nullable=True),
    sa.Column('population_millions', sa.Double(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.Column('seed_key', sa.String(length=120), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=60), nullable=True),
    sa.Column('name_sort', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_organisations_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_organisations_created_by_id_users')),
    sa.ForeignKeyConstraint(['healthcare_region_id'], ['organisations.id'], name=op.f('fk_organisations_healthcare_region_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_organisations_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name='uq_organisations_name'),
    sa.UniqueConstraint('seed_key', name=op.f('uq_organisations_seed_key'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_name_sort'), ['name_sort'], unique=False)

    op.create_table('reporting_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_reporting_rounds_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reporting_rounds_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_reporting_rounds_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_rounds'))
    )
    op.create_table('groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('SKS', 'NSG', 'NPO', 'NAG', 'RPO', 'RSG', 'RAG', 'LPO', 'LSG', 'SOR', 'RPT', 'REFERENCE_GROUP', 'STEERING_GROUP', 'MANAGEMENT_GROUP', 'BOARD', 'DIRECTORS_GROUP', 'NETWORK', 'SECRETARIAT', 'FOCUS_AREA', 'WORKING_GROUP', 'COMPETENCE_CENTRE', 'OTHER', name='group_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('level', sa.Enum('national', 'healthcare_regional', 'regional', 'local', name='group_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('healthcare_region_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('focus_area_id', sa.Integer(), nullable=True),
    sa.Column('mandate', sa.Text(), nullable=False),
    sa.Column('formed_on', sa.Date(), nullable=True),
    sa.Column('wound_up_on', sa.Date(), nullable=True),
    sa.Column('proposed', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.Column('seed_key', sa.String(length=120), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=60), nullable=True),
    sa.Column('name_sort', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_groups_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_groups_created_by_id_users')),
    sa.ForeignKeyConstraint(['focus_area_id'], ['groups.id'], name=op.f('fk_groups_focus_area_id_groups')),
    sa.ForeignKeyConstraint(['healthcare_region_id'], ['organisations.id'], name=op.f('fk_groups_healthcare_region_id_organisations')),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_groups_region_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_groups_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups')),
    sa.UniqueConstraint('seed_key', name=op.f('uq_groups_seed_key'))
    )
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groups_healthcare_region_id'), ['healthcare_region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_groups_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_groups_name_sort'), ['name_sort'], unique=False)
        batch_op.create_index(batch_op.f('ix_groups_type'), ['type'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=60), nullable=True),
    sa.Column('name_sort', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_people_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_people_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_people_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_people_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_name_sort'), ['name_sort'], unique=False)

    op.create_table('group_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('steering_group_of', 'committee_to', 'gives_input_to', 'nominates_to', 'mirrors', 'part_of', name='relation_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source_doc', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('source_id <> target_id', name=op.f('ck_group_relations_not_self')),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_group_relations_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_group_relations_created_by_id_users')),
    sa.ForeignKeyConstraint(['source_id'], ['groups.id'], name=op.f('fk_group_relations_source_id_groups')),
    sa.ForeignKeyConstraint(['target_id'], ['groups.id'], name=op.f('fk_group_relations_target_id_groups')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_group_relations_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_relations'))
    )
    with op.batch_alter_table('group_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_relations_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_relations_target_id'), ['target_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.String(length=5), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('is_digital', sa.Boolean(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('minutes_approved_by', sa.String(length=300), nullable=False),
    sa.Column('minutes_approved_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.Column('seed_key', sa.String(length=120), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_meetings_ends_after_start')),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_meetings_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_meetings_group_id_groups')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_meetings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('seed_key', name=op.f('uq_meetings_seed_key'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_starts_on'), ['starts_on'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('chair', 'vice_chair', 'member', 'substitute', 'secretary', 'process_leader', 'co_opted', 'patient_representative', name='member_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('representing_id', sa.Integer(), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=True),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_memberships_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_memberships_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_memberships_group_id_groups')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_memberships_person_id_people')),
    sa.ForeignKeyConstraint(['representing_id'], ['organisations.id'], name=op.f('fk_memberships_representing_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_memberships_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_person_id'), ['person_id'], unique=False)

    op.create_table('npo_hostings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('npo_id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'dormant', name='hosting_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_npo_hostings_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_npo_hostings_created_by_id_users')),
    sa.ForeignKeyConstraint(['host_id'], ['organisations.id'], name=op.f('fk_npo_hostings_host_id_organisations')),
    sa.ForeignKeyConstraint(['npo_id'], ['groups.id'], name=op.f('fk_npo_hostings_npo_id_groups')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_npo_hostings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_npo_hostings'))
    )
    with op.batch_alter_table('npo_hostings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_npo_hostings_host_id'), ['host_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_npo_hostings_npo_id'), ['npo_id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('representing_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('present', 'absent', 'substitute', name='attendance_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('substitute_for_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attendance_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_attendance_person_id_people')),
    sa.ForeignKeyConstraint(['representing_id'], ['organisations.id'], name=op.f('fk_attendance_representing_id_organisations')),
    sa.ForeignKeyConstraint(['substitute_for_id'], ['people.id'], name=op.f('fk_attendance_substitute_for_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('meeting_id', 'person_id', name='uq_attendance_person')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_person_id'), ['person_id'], unique=False)

    op.create_table('conflict_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('interests', sa.Text(), nullable=False),
    sa.Column('assessed_by', sa.String(length=200), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('no_conflict', 'manageable', 'disqualified', name='conflict_outcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('assessment_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_conflict_declarations_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_conflict_declarations_created_by_id_users')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_conflict_declarations_membership_id_memberships')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_conflict_declarations_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declarations'))
    )
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_declarations_membership_id'), ['membership_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('by_delegation', sa.Boolean(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('registry_number', sa.String(length=60), nullable=True),
    sa.Column('issuing_organisation_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('decision', 'endorsement', 'referral', 'information', name='decision_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('state', sa.Enum('proposed', 'taken', 'withdrawn', name='decision_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('executor', sa.String(length=300), nullable=False),
    sa.Column('execute_by', sa.Date(), nullable=True),
    sa.Column('execution_status', sa.Enum('not_started', 'in_progress', 'done', 'not_applicable', name='execution_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('execution_note', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.Column('seed_key', sa.String(length=120), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_decisions_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_decisions_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_decisions_group_id_groups')),
    sa.ForeignKeyConstraint(['issuing_organisation_id'], ['organisations.id'], name=op.f('fk_decisions_issuing_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_decisions_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_decisions_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('issuing_organisation_id', 'registry_number', name='uq_decisions_registry'),
    sa.UniqueConstraint('seed_key', name=op.f('uq_decisions_seed_key'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_decided_on'), ['decided_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_execution_status'), ['execution_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('minutes_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.String(length=300), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_revisions_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_minutes_revisions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_revisions')),
    sa.UniqueConstraint('meeting_id', 'number', name='uq_minutes_revisions')
    )
    with op.batch_alter_table('minutes_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_revisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('principal_group_id', sa.Integer(), nullable=False),
    sa.Column('recipient_group_id', sa.Integer(), nullable=False),
    sa.Column('mandate', sa.Text(), nullable=False),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('deliverables', sa.Text(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'commissioned', 'in_progress', 'paused', 'delivered', 'accepted', 'closed', 'cancelled', name='assignment_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('given_by_decision_id', sa.Integer(), nullable=True),
    sa.Column('closed_by_decision_id', sa.Integer(), nullable=True),
    sa.Column('next_report_due_on', sa.Date(), nullable=True),
    sa.Column('report_requested_at', sa.DateTime(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.Column('seed_key', sa.String(length=120), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.CheckConstraint('due_on IS NULL OR start_on IS NULL OR due_on >= start_on', name=op.f('ck_assignments_due_after_start')),
    sa.CheckConstraint('principal_group_id <> recipient_group_id', name=op.f('ck_assignments_principal_not_recipient')),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_assignments_archived_by_id_users')),
    sa.ForeignKeyConstraint(['closed_by_decision_id'], ['decisions.id'], name=op.f('fk_assignments_closed_by_decision_id_decisions')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assignments_created_by_id_users')),
    sa.ForeignKeyConstraint(['given_by_decision_id'], ['decisions.id'], name=op.f('fk_assignments_given_by_decision_id_decisions')),
    sa.ForeignKeyConstraint(['parent_id'], ['assignments.id'], name=op.f('fk_assignments_parent_id_assignments')),
    sa.ForeignKeyConstraint(['principal_group_id'], ['groups.id'], name=op.f('fk_assignments_principal_group_id_groups')),
    sa.ForeignKeyConstraint(['recipient_group_id'], ['groups.id'], name=op.f('fk_assignments_recipient_group_id_groups')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_assignments_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('seed_key', name=op.f('uq_assignments_seed_key'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_next_report_due_on'), ['next_report_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_principal_group_id'), ['principal_group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_recipient_group_id'), ['recipient_group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_status'), ['status'], unique=False)

    op.create_table('decision_dispatches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=300), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('to_send', 'sent', 'failed', name='dispatch_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_decision_dispatches_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_dispatches_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_dispatches'))
    )
    with op.batch_alter_table('decision_dispatches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_dispatches_decision_id'), ['decision_id'], unique=False)

    op.create_table('priority_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from', name=op.f('ck_priority_lists_period_in_order')),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_priority_lists_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_priority_lists_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_priority_lists_decision_id_decisions')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_priority_lists_group_id_groups')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_priority_lists_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_lists'))
    )
    with op.batch_alter_table('priority_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_lists_group_id'), ['group_id'], unique=False)

    op.create_table('assignment_phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('is_checkpoint', sa.Boolean(), nullable=False),
    sa.Column('is_optional', sa.Boolean(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_assignment_phases_archived_by_id_users')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_phases_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assignment_phases_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_assignment_phases_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_phases'))
    )
    with op.batch_alter_table('assignment_phases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_phases_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('assignment_programme_areas',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_programme_areas_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_assignment_programme_areas_group_id_groups')),
    sa.PrimaryKeyConstraint('assignment_id', 'group_id', name=op.f('pk_assignment_programme_areas'))
    )
    op.create_table('assignment_reporters',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_reporters_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_assignment_reporters_person_id_people')),
    sa.PrimaryKeyConstraint('assignment_id', 'person_id', name=op.f('pk_assignment_reporters'))
    )
    op.create_table('assignment_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('draft', 'commissioned', 'in_progress', 'paused', 'delivered', 'accepted', 'closed', 'cancelled', name='transition_from_status', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_status', sa.Enum('draft', 'commissioned', 'in_progress', 'paused', 'delivered', 'accepted', 'closed', 'cancelled', name='transition_to_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_transitions_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assignment_transitions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_transitions'))
    )
    with op.batch_alter_table('assignment_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_transitions_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('decision_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('effect', sa.Enum('gives', 'changes', 'accepts', 'closes', name='link_effect', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_decision_links_archived_by_id_users')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_decision_links_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_decision_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_links_decision_id_decisions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_decision_links_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_links')),
    sa.UniqueConstraint('decision_id', 'assignment_id', 'effect', name='uq_decision_links')
    )
    with op.batch_alter_table('decision_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_links_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_links_decision_id'), ['decision_id'], unique=False)

    op.create_table('priority_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_list_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('input_from_group_id', sa.Integer(), nullable=True),
    sa.Column('input_from', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_priority_items_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_priority_items_created_by_id_users')),
    sa.ForeignKeyConstraint(['input_from_group_id'], ['groups.id'], name=op.f('fk_priority_items_input_from_group_id_groups')),
    sa.ForeignKeyConstraint(['priority_list_id'], ['priority_lists.id'], name=op.f('fk_priority_items_priority_list_id_priority_lists')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_priority_items_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_items'))
    )
    with op.batch_alter_table('priority_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_items_priority_list_id'), ['priority_list_id'], unique=False)

    op.create_table('status_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('traffic_light', sa.Enum('on_track', 'at_risk', 'off_track', name='traffic_light', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('needs_from_principal', sa.Text(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_status_reports_archived_by_id_users')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_status_reports_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['corrects_id'], ['status_reports.id'], name=op.f('fk_status_reports_corrects_id_status_reports')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_status_reports_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_status_reports_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_reports'))
    )
    with op.batch_alter_table('status_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_reports_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('status_report_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_agenda_items_archived_by_id_users')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_agenda_items_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_agenda_items_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_agenda_items_decision_id_decisions')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['status_report_id'], ['status_reports.id'], name=op.f('fk_agenda_items_status_report_id_status_reports')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_agenda_items_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('assignment_priorities',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('priority_item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_priorities_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['priority_item_id'], ['priority_items.id'], name=op.f('fk_assignment_priorities_priority_item_id_priority_items')),
    sa.PrimaryKeyConstraint('assignment_id', 'priority_item_id', name=op.f('pk_assignment_priorities'))
    )
    op.create_table('report_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['status_reports.id'], name=op.f('fk_report_requests_answered_by_id_status_reports')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_report_requests_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_report_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['reporting_rounds.id'], name=op.f('fk_report_requests_round_id_reporting_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_requests'))
    )
    with op.batch_alter_table('report_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_requests_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_requests_round_id'), ['round_id'], unique=False)

    op.create_table('agenda_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_agenda_conflicts_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_agenda_conflicts_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_conflicts')),
    sa.UniqueConstraint('agenda_item_id', 'person_id', name='uq_agenda_conflicts')
    )
    with op.batch_alter_table('agenda_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_conflicts_agenda_item_id'), ['agenda_item_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_users_person_id_people'), 'people', ['person_id'], ['id'])



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_person_id_people'), type_='foreignkey')

    with op.batch_alter_table('agenda_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_conflicts_agenda_item_id'))

    op.drop_table('agenda_conflicts')
    with op.batch_alter_table('report_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_requests_round_id'))
        batch_op.drop_index(batch_op.f('ix_report_requests_assignment_id'))

    op.drop_table('report_requests')
    op.drop_table('assignment_priorities')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_meeting_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('status_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_reports_assignment_id'))

    op.drop_table('status_reports')
    with op.batch_alter_table('priority_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_items_priority_list_id'))

    op.drop_table('priority_items')
    with op.batch_alter_table('decision_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_links_decision_id'))
        batch_op.drop_index(batch_op.f('ix_decision_links_assignment_id'))

    op.drop_table('decision_links')
    with op.batch_alter_table('assignment_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_transitions_assignment_id'))

    op.drop_table('assignment_transitions')
    op.drop_table('assignment_reporters')
    op.drop_table('assignment_programme_areas')
    with op.batch_alter_table('assignment_phases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_phases_assignment_id'))

    op.drop_table('assignment_phases')
    with op.batch_alter_table('priority_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_lists_group_id'))

    op.drop_table('priority_lists')
    with op.batch_alter_table('decision_dispatches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_dispatches_decision_id'))

    op.drop_table('decision_dispatches')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_status'))
        batch_op.drop_index(batch_op.f('ix_assignments_recipient_group_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_principal_group_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_parent_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_next_report_due_on'))
        batch_op.drop_index(batch_op.f('ix_assignments_due_on'))

    op.drop_table('assignments')
    with op.batch_alter_table('minutes_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_revisions_meeting_id'))

    op.drop_table('minutes_revisions')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_group_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_execution_status'))
        batch_op.drop_index(batch_op.f('ix_decisions_decided_on'))

    op.drop_table('decisions')
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_membership_id'))

    op.drop_table('conflict_declarations')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_person_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_meeting_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('npo_hostings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_npo_hostings_npo_id'))
        batch_op.drop_index(batch_op.f('ix_npo_hostings_host_id'))

    op.drop_table('npo_hostings')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_person_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_group_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_starts_on'))
        batch_op.drop_index(batch_op.f('ix_meetings_group_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('group_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_relations_target_id'))
        batch_op.drop_index(batch_op.f('ix_group_relations_source_id'))

    op.drop_table('group_relations')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_name_sort'))

    op.drop_table('people')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_groups_type'))
        batch_op.drop_index(batch_op.f('ix_groups_name_sort'))
        batch_op.drop_index(batch_op.f('ix_groups_level'))
        batch_op.drop_index(batch_op.f('ix_groups_healthcare_region_id'))

    op.drop_table('groups')
    op.drop_table('reporting_rounds')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_name_sort'))

    op.drop_table('organisations')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_entity')

    op.drop_table('change_log')
    op.drop_table('users')
