"""Structure register: users, change log, organisations, groups, relations, NPO hosting,
people, memberships and conflict-of-interest declarations.

Reviewed by hand: users.person_id -> people is added after both tables exist (the tables refer
to each other), and downgrade drops it first.

Revision ID: 7ad01a883f76
Revises: 
Create Date: 2026-11-22 13:15:16.856468

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7ad01a883f76'
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
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=60), nullable=True),
    sa.Column('name_sort', sa.String(length=400), nullable=False),
    sa.Column('search_text', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_organisations_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_organisations_created_by_id_users')),
    sa.ForeignKeyConstraint(['healthcare_region_id'], ['organisations.id'], name=op.f('fk_organisations_healthcare_region_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_organisations_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name='uq_organisations_name')
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_name_sort'), ['name_sort'], unique=False)

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
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=60), nullable=True),
    sa.Column('name_sort', sa.String(length=400), nullable=False),
    sa.Column('search_text', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_groups_archived_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_groups_created_by_id_users')),
    sa.ForeignKeyConstraint(['focus_area_id'], ['groups.id'], name=op.f('fk_groups_focus_area_id_groups')),
    sa.ForeignKeyConstraint(['healthcare_region_id'], ['organisations.id'], name=op.f('fk_groups_healthcare_region_id_organisations')),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_groups_region_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_groups_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups'))
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
    sa.Column('name_sort', sa.String(length=400), nullable=False),
    sa.Column('search_text', sa.String(length=500), nullable=False),
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

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_users_person_id_people'), 'people', ['person_id'], ['id'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_person_id_people'), type_='foreignkey')

    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_membership_id'))

    op.drop_table('conflict_declarations')
    with op.batch_alter_table('npo_hostings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_npo_hostings_npo_id'))
        batch_op.drop_index(batch_op.f('ix_npo_hostings_host_id'))

    op.drop_table('npo_hostings')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_person_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_group_id'))

    op.drop_table('memberships')
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
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_name_sort'))

    op.drop_table('organisations')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_entity')

    op.drop_table('change_log')
    op.drop_table('users')
