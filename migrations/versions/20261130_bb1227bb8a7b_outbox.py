"""The outbox: every e-mail the register sends, written in the same transaction as the change that causes
it and delivered by the worker, with its status, attempts and the reason of the last failure.

Reviewed by hand: a new table, no data to carry over.

Revision ID: bb1227bb8a7b
Revises: 3d6e1b2a7c41
Create Date: 2026-11-30 12:26:05.501845

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bb1227bb8a7b'
down_revision = '3d6e1b2a7c41'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sending', 'retrying', 'sent', 'failed', name='outbox_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('resent_by_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=60), nullable=False),
    sa.Column('purpose_id', sa.Integer(), nullable=True),
    sa.Column('about_type', sa.String(length=60), nullable=False),
    sa.Column('about_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_outbox_created_by_id_users')),
    sa.ForeignKeyConstraint(['resent_by_id'], ['users.id'], name=op.f('fk_outbox_resent_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_outbox_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_created_at'))

    op.drop_table('outbox')
