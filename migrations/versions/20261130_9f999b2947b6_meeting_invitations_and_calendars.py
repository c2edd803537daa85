"""Meeting invitations and calendars: who was invited to a meeting and how they answered
(meeting_invitations), each meeting's calendar state – its iCalendar SEQUENCE and whether it is cancelled
(meeting_notices) –, each user's calendar-feed key generation (calendar_feed_keys), and the member a
substitute stands in for (memberships.substitute_for_id).

Reviewed by hand: three new tables and one nullable column; no data to carry over (no invitation was ever
sent, every substitute starts untied).

Revision ID: 9f999b2947b6
Revises: 7a8ed20a96df
Create Date: 2026-11-30 13:27:12.088513

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f999b2947b6'
down_revision = '7a8ed20a96df'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feed_keys',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('reset_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feed_keys_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feed_keys'))
    )
    op.create_table('meeting_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('is_substitute', sa.Boolean(), nullable=False),
    sa.Column('substitute_for_id', sa.Integer(), nullable=True),
    sa.Column('called_in_at', sa.DateTime(), nullable=True),
    sa.Column('answer', sa.Enum('pending', 'attending', 'absent', name='invitation_answer', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_via', sa.Enum('link', 'app', 'secretariat', name='invitation_answered_via', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_invitations_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_meeting_invitations_person_id_people')),
    sa.ForeignKeyConstraint(['substitute_for_id'], ['people.id'], name=op.f('fk_meeting_invitations_substitute_for_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_invitations')),
    sa.UniqueConstraint('meeting_id', 'person_id', name='uq_meeting_invitations_person')
    )
    with op.batch_alter_table('meeting_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_invitations_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_invitations_person_id'), ['person_id'], unique=False)

    op.create_table('meeting_notices',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_notices_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_meeting_notices'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('substitute_for_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_memberships_substitute_for_id'), ['substitute_for_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_memberships_substitute_for_id_memberships'), 'memberships', ['substitute_for_id'], ['id'])



def downgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_memberships_substitute_for_id_memberships'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_memberships_substitute_for_id'))
        batch_op.drop_column('substitute_for_id')

    op.drop_table('meeting_notices')
    with op.batch_alter_table('meeting_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_invitations_person_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_invitations_meeting_id'))

    op.drop_table('meeting_invitations')
    op.drop_table('calendar_feed_keys')
