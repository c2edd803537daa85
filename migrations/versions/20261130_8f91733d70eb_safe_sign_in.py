"""Safe sign-in: server-side sign-in sessions, one-time password links, the security log (also what
the sign-in throttle counts), API tokens that expire, and accounts that are audited records
(version, who changed them, deactivation as archiving).

Reviewed by hand. Existing rows: deactivated accounts become archived at the time of the upgrade;
every account gets version 1 and its creation time as last update; API tokens issued before get
a year from their creation. Cookies from before the upgrade name no server-side session, so every
user signs in once more. The downgrade brings back is_active_account and last_login_at (from the
sessions) before dropping the new tables.

Revision ID: 8f91733d70eb
Revises: 5e1f0c2a9b47
Create Date: 2026-11-30 10:01:34.952885

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f91733d70eb'
down_revision = '5e1f0c2a9b47'
branch_labels = None
depends_on = None


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _as_datetime(value):
    # SQLite hands back text, PostgreSQL a datetime.
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def upgrade():
    op.create_table('password_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('for_new_account', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_password_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_links_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_links_token_hash'))
    )
    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_links_user_id'), ['user_id'], unique=False)

    op.create_table('security_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.Enum('sign_in_failed', 'locked_out', 'sign_in_blocked', 'signed_in', 'signed_out', 'session_ended', 'password_confirm_failed', 'password_confirmed', 'password_changed', 'password_link_used', 'password_link_refused', 'unlocked', name='security_event_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('username_key', sa.String(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_security_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_events'))
    )
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.create_index('ix_security_events_address_created_at', ['address', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_security_events_username_key_created_at', ['username_key', 'created_at'], unique=False)

    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('end_reason', sa.Enum('signed_out', 'ended_by_user', 'ended_by_admin', 'password_changed', 'password_reset', 'deactivated', 'rights_changed', 'idle', 'expired', name='session_end_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_user_sessions_key_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_user_sessions_user_id_ended_at', ['user_id', 'ended_at'], unique=False)

    conn = op.get_bind()
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
    for token_id, created_at in conn.execute(sa.text("SELECT id, created_at FROM api_tokens")).all():
        conn.execute(sa.text("UPDATE api_tokens SET expires_at = :at WHERE id = :id"),
                     {"at": _as_datetime(created_at) + timedelta(days=365), "id": token_id})
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('archived_by_id', sa.Integer(), nullable=True))
    conn.execute(sa.text("UPDATE users SET updated_at = created_at, version = 1"))
    conn.execute(sa.text("UPDATE users SET archived_at = :now WHERE is_active_account = :no"),
                 {"now": _now(), "no": False})
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column('version', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_updated_by_id_users'), 'users', ['updated_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_users_created_by_id_users'), 'users', ['created_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_users_archived_by_id_users'), 'users', ['archived_by_id'], ['id'])
        batch_op.drop_column('is_active_account')
        batch_op.drop_column('last_login_at')



def downgrade():
    conn = op.get_bind()
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('is_active_account', sa.Boolean(), nullable=True))
    conn.execute(sa.text("UPDATE users SET is_active_account = (archived_at IS NULL), last_login_at = "
                         "(SELECT max(s.created_at) FROM user_sessions s WHERE s.user_id = users.id)"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('is_active_account', existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_users_archived_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_users_created_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_users_updated_by_id_users'), type_='foreignkey')
        batch_op.drop_column('archived_by_id')
        batch_op.drop_column('updated_by_id')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('version')
        batch_op.drop_column('archived_at')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('password_changed_at')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_user_sessions_user_id_ended_at')

    op.drop_table('user_sessions')
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.drop_index('ix_security_events_username_key_created_at')
        batch_op.drop_index(batch_op.f('ix_security_events_created_at'))
        batch_op.drop_index('ix_security_events_address_created_at')

    op.drop_table('security_events')
    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_links_user_id'))

    op.drop_table('password_links')
