"""The change log becomes append-only in the database: triggers refuse UPDATE and DELETE on it, on
SQLite and on PostgreSQL.

Reviewed by hand. The statements are written out here rather than imported from the app, so that
this migration stays what it was when the app's own copy changes. A later migration that must
rewrite the log (a data repair) drops these triggers, does its work and creates them again in the
same migration, and says why.

Revision ID: 3d6e1b2a7c41
Revises: 8f91733d70eb
Create Date: 2026-11-30 11:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3d6e1b2a7c41'
down_revision = '8f91733d70eb'
branch_labels = None
depends_on = None

MESSAGE = "change_log is append-only"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$")
        op.execute("CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log "
                   "FOR EACH ROW EXECUTE FUNCTION change_log_append_only()")
    else:
        op.execute(f"CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
        op.execute(f"CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS change_log_append_only ON change_log")
        op.execute("DROP FUNCTION IF EXISTS change_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS change_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS change_log_no_delete")
