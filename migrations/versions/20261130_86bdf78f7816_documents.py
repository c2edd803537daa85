"""Documents on records: a document belongs to exactly one meeting, agenda item, decision, assignment, status
report or group, and has numbered versions, each a file stored by its content (SHA-256) under FILES_DIR.

Reviewed by hand: new tables, no data to carry over.

Revision ID: 86bdf78f7816
Revises: bb1227bb8a7b
Create Date: 2026-11-30 12:41:15.749481

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '86bdf78f7816'
down_revision = 'bb1227bb8a7b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('underlag', 'kallelse', 'protokoll', 'bilaga', 'leverans', 'rapport', 'annat', name='document_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('status_report_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(CASE WHEN meeting_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN agenda_item_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN decision_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN assignment_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN status_report_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN group_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_documents_one_owner')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_documents_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'], name=op.f('fk_documents_archived_by_id_users')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_documents_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_documents_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_documents_decision_id_decisions')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_documents_group_id_groups')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_documents_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['status_report_id'], ['status_reports.id'], name=op.f('fk_documents_status_report_id_status_reports')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_documents_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_status_report_id'), ['status_report_id'], unique=False)

    op.create_table('document_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_versions_document_id_documents')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_document_versions_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_versions')),
    sa.UniqueConstraint('document_id', 'number', name='uq_document_versions_document_number')
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_versions_sha256'), ['sha256'], unique=False)



def downgrade():
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_versions_document_id'))

    op.drop_table('document_versions')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_status_report_id'))
        batch_op.drop_index(batch_op.f('ix_documents_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_documents_group_id'))
        batch_op.drop_index(batch_op.f('ix_documents_decision_id'))
        batch_op.drop_index(batch_op.f('ix_documents_assignment_id'))
        batch_op.drop_index(batch_op.f('ix_documents_agenda_item_id'))

    op.drop_table('documents')
