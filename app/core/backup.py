"""`flask backup create [PATH]` and `flask backup restore PATH --yes`: a consistent snapshot of the
whole register – the database and the documents' files – taken while the app serves and writes, and its
return into an empty database.

A backup is one tar file: `manifest.json`, the database (`database.sqlite3` or `database.pgdump`) and
`files/` as the file store holds them. SQLite uses its online backup API (pages copied under a read
transaction, so writers carry on); PostgreSQL uses pg_dump (custom format, one consistent snapshot).
The files are copied after the database: a file is stored before the row that names it is committed,
and none is ever changed or removed, so every file the snapshot names is there (a few newer ones may
come along, unnamed and harmless). A backup is restored into the same kind of database it was taken
from; each file is checked against its name (its SHA-256) on the way back.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core.storage import file_store
from app.extensions import db

backup_cli = AppGroup("backup", help="Back up the database and files, or restore a backup into an empty database.")

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
DATABASE_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FORMAT = 1


class BackupError(click.ClickException):
    pass


def _url() -> sa.engine.URL:
    return db.engine.url


def _libpq_url(url: sa.engine.URL) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def default_path() -> Path:
    folder = Path(current_app.instance_path) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"styrregister-{datetime.now():%Y%m%d-%H%M%S}.tar"


def _dump_database(kind: str, url: sa.engine.URL, path: Path) -> None:
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


def create(path: Path | None = None) -> Path:
    url = _url()
    kind = url.get_backend_name()
    path = Path(path) if path else default_path()
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name.")
    store = file_store()
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        database = Path(work) / DATABASE_NAMES.get(kind, "database")
        _dump_database(kind, url, database)
        files = list(store.all_files())  # after the database snapshot: see the module's note
        manifest = {"format": FORMAT, "database": kind, "created": datetime.now().isoformat(timespec="seconds"),
                    "files": len(files), "bytes": sum(p.stat().st_size for _sha, p in files)}
        partial = Path(work) / "backup.tar"
        with tarfile.open(partial, "w") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
            tar.add(database, arcname=database.name)
            for sha256, stored in files:
                tar.add(stored, arcname=f"files/{sha256[:2]}/{sha256[2:4]}/{sha256}")
        os.chmod(partial, 0o600)  # the register's contents: readable by the service account only
        os.replace(partial, path)  # whole or not at all
    return path


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


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


def restore(path: Path) -> dict:
    """Restore the backup `path`: its database into the configured (empty) one, its files into the file
    store. Also takes a bare database file of the earlier format. Returns what was restored."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No file {path}.")
    if not tarfile.is_tarfile(path):
        _restore_database(path)  # a backup of the database alone (before files were kept)
        return {"files": 0}
    with tarfile.open(path, "r") as tar, tempfile.TemporaryDirectory() as work:
        members = {m.name: m for m in tar.getmembers()}
        names = [n for n in DATABASE_NAMES.values() if n in members and members[n].isfile()]
        if "manifest.json" not in members or len(names) != 1:
            raise BackupError(f"{path} is not a backup this command made (no manifest or no database in it).")
        database = Path(work) / names[0]
        with tar.extractfile(members[names[0]]) as source, open(database, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        _check_target(database)
        # The files first: a restored database never names a file that is not there.
        restored = _restore_files(tar, [m for name, m in members.items() if name.startswith("files/")])
        _restore_database(database)
    return {"files": restored}


def _restore_files(tar: tarfile.TarFile, members: list[tarfile.TarInfo]) -> int:
    """Each file into the store under the SHA-256 of its bytes, which must be its name in the backup."""
    store = file_store()
    count = 0
    for member in members:
        name = member.name.rsplit("/", 1)[-1]
        if not member.isfile() or member.name != f"files/{name[:2]}/{name[2:4]}/{name}":
            raise BackupError(f"Unexpected entry {member.name!r} in the backup's files.")
        with tar.extractfile(member) as source:
            stored = store.save(source, max(member.size, 1))
        if stored.sha256 != name:
            raise BackupError(f"The backup's file {member.name} does not hold what its name says (damaged backup).")
        count += 1
    return count


def _check_target(path: Path) -> str:
    """The kind of the database backup `path`, if the configured database can take it."""
    kind, url = _kind_of(path), _url()
    if kind != url.get_backend_name():
        raise BackupError(f"{path.name} is a {kind} backup; the configured database is {url.get_backend_name()}. "
                          "Restore it into the same kind of database it was taken from.")
    existing = _tables_in_target()
    if existing:
        raise BackupError(f"The configured database is not empty ({len(existing)} tables, e.g. {existing[0]}). "
                          "Restore into a new SQLite file or an empty PostgreSQL database.")
    return kind


def _restore_database(path: Path) -> None:
    kind, url = _check_target(path), _url()
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
    """Write a consistent backup of the database and files to PATH (default: instance/backups/, dated)."""
    made = create(path)
    click.echo(f"Backup written to {made} ({made.stat().st_size:,} bytes).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Really write the backup into the configured database.")
def restore_command(path: Path, yes: bool) -> None:
    """Load the backup PATH into the configured database, which must be empty, and its files into the store."""
    if not yes:
        raise BackupError("Add --yes to restore into the configured database "
                          f"({_url().render_as_string(hide_password=True)}).")
    restored = restore(path)
    click.echo(f"Restored {path} into {_url().render_as_string(hide_password=True)}, "
               f"with {restored['files']} files into {file_store().root}.")
