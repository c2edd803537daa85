"""Minutes per agenda item (§) and their approval by the chair and each named adjuster: agenda_items.minutes
holds what the minutes say under the §; minutes_approvals one row per person who approves, with the day,
when it was recorded, whether the secretariat recorded it on their behalf (historical minutes), and
when one named by mistake was taken away (the row stays).

Reviewed by hand: existing items get empty minutes text (a server default used only while adding the
column); minutes approved before this keep their "approved by" text and stay locked.

Revision ID: d2f77a988dcd
Revises: e5359547ac45
Create Date: 2026-11-30 13:24:53.383710

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2f77a988dcd'
down_revision = 'e5359547ac45'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minutes_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('chair', 'adjuster', name='approver_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('on_behalf', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_approvals_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_minutes_approvals_person_id_people')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_minutes_approvals_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_approvals')),
    sa.UniqueConstraint('meeting_id', 'person_id', name='uq_minutes_approvals')
    )
    with op.batch_alter_table('minutes_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_approvals_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.alter_column('minutes', server_default=None)



def downgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_column('minutes')

    with op.batch_alter_table('minutes_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_approvals_meeting_id'))

    op.drop_table('minutes_approvals')
