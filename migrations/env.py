"""Alembic environment: runs inside the Flask app (flask db …), on the app's database."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from app.core import fulltext

config = context.config
# Under pytest the app already configured logging; don't let alembic.ini replace it.
if config.config_file_name and not current_app.testing:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    # Don't write an empty revision when autogenerate finds no change.
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    # The full-text index's tables, column and index are not in the models: autogenerate must not drop them.
    conf_args.setdefault("include_name", fulltext.include_name)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild tables (copy, drop, rename): with foreign keys enforced, dropping a
            # table that others refer to would fail or cascade. Off for the migration, checked after it.
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()  # ends the transaction the statement began, so that Alembic begins its own
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()
            if problems:
                raise RuntimeError(f"the migration left rows that refer to missing rows: {problems[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
