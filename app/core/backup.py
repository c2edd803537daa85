"""`flask backup create [PATH]` and `flask backup restore PATH --yes`: a consistent snapshot of the
whole database taken while the app serves and writes, and its return into an empty database.

SQLite uses its online backup API (pages copied under a read transaction, so writers carry on);
PostgreSQL uses pg_dump and pg_restore (custom format, one consistent snapshot). A backup is
restored into the same kind of database it was taken from.
"""

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

backup_cli = AppGroup("backup", help="Back up the database, or restore a backup into an empty one.")

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(click.ClickException):
    pass


def _url() -> sa.engine.URL:
    return db.engine.url


def _libpq_url(url: sa.engine.URL) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def default_path(kind: str) -> Path:
    folder = Path(current_app.instance_path) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "sqlite3" if kind == "sqlite" else "pgdump"
    return folder / f"styrregister-{datetime.now():%Y%m%d-%H%M%S}.{suffix}"


def create(path: Path | None = None) -> Path:
    url = _url()
    kind = url.get_backend_name()
    path = Path(path) if path else default_path(kind)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name.")
    if kind == "sqlite":
        source = sqlite3.connect(url.database, timeout=30)
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
            # A backup that holds only the pages of a WAL file still to be merged is not one file.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
            source.close()
    elif kind == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path), _libpq_url(url)])
    else:
        raise BackupError(f"No backup for {kind} databases.")
    os.chmod(path, 0o600)  # the register's contents: readable by the service account only
    return path


def _kind_of(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup this command made (neither SQLite nor pg_dump's custom format).")


def _tables_in_target() -> list[str]:
    return sa.inspect(db.engine).get_table_names()


def restore(path: Path) -> None:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No file {path}.")
    kind, url = _kind_of(path), _url()
    if kind != url.get_backend_name():
        raise BackupError(f"{path} is a {kind} backup; the configured database is {url.get_backend_name()}. "
                          "Restore it into the same kind of database it was taken from.")
    existing = _tables_in_target()
    if existing:
        raise BackupError(f"The configured database is not empty ({len(existing)} tables, e.g. {existing[0]}). "
                          "Restore into a new SQLite file or an empty PostgreSQL database.")
    db.engine.dispose()  # nothing of ours holds the target open while it is written
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(url.database)
        try:
            with target:
                source.backup(target)
            problems = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
            source.close()
        if problems != "ok":
            raise BackupError(f"The restored database fails SQLite's integrity check: {problems}")
    else:
        _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq_url(url), str(path)])


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client programs are needed).")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path | None) -> None:
    """Write a consistent backup of the database to PATH (default: instance/backups/, dated)."""
    made = create(path)
    click.echo(f"Backup written to {made} ({made.stat().st_size:,} bytes).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Really write the backup into the configured database.")
def restore_command(path: Path, yes: bool) -> None:
    """Load the backup PATH into the configured database, which must be empty."""
    if not yes:
        raise BackupError("Add --yes to restore into the configured database "
                          f"({_url().render_as_string(hide_password=True)}).")
    restore(path)
    click.echo(f"Restored {path} into {_url().render_as_string(hide_password=True)}.")
