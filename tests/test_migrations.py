"""`flask db upgrade` on an empty database yields exactly the schema the models declare."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db


def _empty_database():
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_matches_models_and_downgrade_removes_everything(app):
    _empty_database()
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"

    downgrade(revision="base")
    remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()


def test_migrated_database_accepts_the_seed(app, runner):
    _empty_database()
    upgrade()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "groups" in result.output
