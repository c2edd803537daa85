"""Full-text search: an index of `search_text` on assignments, decisions, meetings, activities, KPIs and use
cases, instead of LIKE '%…%' over whole tables.

SQLite: an FTS5 table `<table>_fts` (external content, tokenizer unicode61 with diacritics kept so that
å, ä and ö stay letters of their own) and three triggers that keep it in step on every INSERT, UPDATE and
DELETE; existing rows are indexed by FTS5's 'rebuild'. PostgreSQL: a generated column `search_vector`
(to_tsvector with the Swedish configuration; adding it computes it for existing rows, rewriting each table
under a lock for the while – seconds at 100,000 rows) and a GIN index on it.

Reviewed by hand. The statements are written out here rather than imported from the app
(app.core.fulltext), so that this migration stays what it was when the app's copy changes; a test checks
that a migrated database and one the models create hold the same objects. A later migration that rebuilds
one of these tables on SQLite (a batch operation that copies, drops and renames it) drops its triggers with
it and must create them again.

Revision ID: 2957325c7518
Revises: 4d08cba805a2
Create Date: 2026-11-30 17:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '2957325c7518'
down_revision = '4d08cba805a2'
branch_labels = None
depends_on = None

TABLES = ("assignments", "decisions", "meetings", "activities", "kpis", "use_cases")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgresql:
            op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                       f"GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig, search_text)) STORED")
            op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")
            continue
        fts = f"{table}_fts"
        remove = f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
        add = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='id', "
                   f"tokenize='unicode61 remove_diacritics 0')")
        op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END")
        op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END")
        op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE OF id, search_text ON {table} BEGIN {remove} {add} END")
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgresql:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
            continue
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{event}")
        op.execute(f"DROP TABLE IF EXISTS {table}_fts")
