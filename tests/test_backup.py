"""`flask backup create` and `flask backup restore`: a restored backup holds every row of every table
as it was and every document's file, a backup taken while writers run is a consistent snapshot, and
what cannot be restored safely is refused. On SQLite, and on PostgreSQL with pg_dump when the suite
runs there."""

import hashlib
import io
import os
import tarfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app import create_app
from app.auth.models import Role
from app.core import backup
from app.core import operations as ops
from app.core.audit import ChangeLog
from app.core.storage import file_store
from app.documents import operations as document_ops
from app.documents.models import DocumentVersion
from app.extensions import db
from app.groups.models import Group, GroupType, Level
from seed.loader import run_seed
from seed.pdf import text_pdf
from tests import gov_factories as g
from tests.conftest import Browser, make_user


@pytest.fixture
def target(shared_app, tmp_path, security_log_file):
    """An app on a new, empty database of the same kind as the suite's (where a backup is restored)."""
    url = shared_app.config["SQLALCHEMY_DATABASE_URI"]
    name = None
    if url.startswith("sqlite"):
        target_url = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        name = f"restore_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        target_url = sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": target_url,
                      "SECURITY_LOG_FILE": str(security_log_file), "FILES_DIR": str(tmp_path / "restored-files")})
    yield app
    with app.app_context():
        db.engine.dispose()
    if name:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name}"))
        admin.dispose()


def rows_of_every_table(engine) -> dict[str, list[tuple]]:
    state = {}
    with engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            state[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
    return state


def invoke(app, *args):
    """Run `flask backup …` of `app` (the CLI runs in whichever app's context is active: this one)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["backup", *args])


def test_a_restored_backup_holds_every_row_of_every_table(app, runner, target, tmp_path):
    run_seed(demo=True)
    db.session.commit()
    original = rows_of_every_table(db.engine)
    assert sum(map(len, original.values())) > 1000 and original["change_log"] and original["users"]

    path = tmp_path / "register.backup"
    result = runner.invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output and oct(os.stat(path).st_mode & 0o777) == "0o600"

    refused = invoke(target, "restore", str(path))
    assert refused.exit_code != 0 and "--yes" in refused.output
    result = invoke(target, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert rows_of_every_table(db.engine) == original
        # The restored database is a working one: append-only log, the app's own reads.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Group)) == len(original["groups"])
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM change_log"))


def test_a_backup_taken_while_writers_run_is_consistent(app, runner, target, tmp_path, shared_app):
    """Groups are written, each with its change-log row in the same transaction, while the backup runs:
    the restored database has every group with its log row and no log row without its group."""
    stop = threading.Event()
    written = []

    def writer():
        with shared_app.app_context():
            n = 0
            while not stop.is_set():
                n += 1
                ops.create(Group(), None, name=f"NAG Skrivare {n}", type=GroupType.NAG, level=Level.NATIONAL)
                db.session.commit()
                written.append(n)
            db.session.remove()

    for n in range(200):
        ops.create(Group(), None, name=f"NAG Före {n}", type=GroupType.NAG, level=Level.NATIONAL)
    db.session.commit()
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        result = runner.invoke(args=["backup", "create", str(tmp_path / "live.backup")])
        during = len(written)
        while len(written) < during + 20:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert invoke(target, "restore", str(tmp_path / "live.backup"), "--yes").exit_code == 0
    with target.app_context():
        groups = set(db.session.scalars(sa.select(Group.id)))
        logged = set(db.session.scalars(sa.select(ChangeLog.entity_id).where(ChangeLog.entity_type == "groups")))
    assert groups == logged
    assert 200 + 20 <= len(groups) < 200 + len(written)  # the writers' rows up to the snapshot, not after


def test_what_cannot_be_restored_safely_is_refused(app, runner, target, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_bytes(b"MZ\x90\x00 an executable, not a backup")
    result = invoke(target, "restore", str(not_a_backup), "--yes")
    assert result.exit_code != 0 and "not a backup" in result.output

    other_kind = tmp_path / "other.backup"
    kind = db.engine.url.get_backend_name()
    other_kind.write_bytes((b"SQLite format 3\x00" if kind == "postgresql" else b"PGDMP") + b"\x00" * 100)
    result = invoke(target, "restore", str(other_kind), "--yes")
    assert result.exit_code != 0 and "same kind of database" in result.output

    path = tmp_path / "register.backup"
    assert runner.invoke(args=["backup", "create", str(path)]).exit_code == 0
    assert runner.invoke(args=["backup", "create", str(path)]).exit_code != 0  # never overwrites a backup
    # The suite's own database is not empty: restoring into it is refused and changes nothing.
    from tests import factories as f

    f.group("NSG Finns redan")
    before = rows_of_every_table(db.engine)
    result = runner.invoke(args=["backup", "restore", str(path), "--yes"])
    assert result.exit_code != 0 and "not empty" in result.output
    assert rows_of_every_table(db.engine) == before


def test_a_backup_without_a_path_goes_to_the_instance_folder(app, runner):
    result = runner.invoke(args=["backup", "create"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.split("Backup written to ")[1].split(" (")[0])
    try:
        assert path.parent == Path(app.instance_path) / "backups" and path.stat().st_size > 0
    finally:
        path.unlink()


def _documents(count: int = 3) -> dict[int, bytes]:
    """Documents with a version each on a meeting; their version ids and bytes."""
    w = g.world()
    m = g.meeting(w.principal)
    made = {}
    for n in range(count):
        content = text_pdf(f"Underlag {n}", [f"Rad {n}"])
        document = document_ops.add_document("meeting", m, {"title": f"Underlag {n}", "kind": "underlag"},
                                             FileStorage(io.BytesIO(content), f"underlag-{n}.pdf"), None)
        db.session.commit()
        made[document.latest.id] = content
    return made


def test_a_restored_backup_brings_the_files_back(app, runner, target, tmp_path):
    made = _documents()
    make_user("kansli", Role.SECRETARIAT)
    path = tmp_path / "with-files.tar"
    assert runner.invoke(args=["backup", "create", str(path)]).exit_code == 0
    with tarfile.open(path) as tar:
        names = tar.getnames()
    in_backup = {n.rsplit("/", 1)[1] for n in names if n.startswith("files/")}
    assert "manifest.json" in names and in_backup == {sha256 for sha256, _path in file_store().all_files()}
    assert {hashlib.sha256(content).hexdigest() for content in made.values()} <= in_backup

    result = invoke(target, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert f"with {len(in_backup)} files" in result.output
    with target.app_context():
        browser = Browser(target.test_client())
        assert browser.login("kansli").status_code == 302
        for version_id, content in made.items():
            with browser.get(f"/documents/versions/{version_id}/download") as response:
                assert response.status_code == 200 and response.data == content
        assert {v.sha256 for v in db.session.scalars(sa.select(DocumentVersion))} <= {
            p.name for p in (tmp_path / "restored-files").rglob("*") if p.is_file() and p.parent.name != "incoming"}


def test_a_damaged_file_in_a_backup_is_refused(app, runner, target, tmp_path):
    _documents(1)
    path = tmp_path / "good.tar"
    assert runner.invoke(args=["backup", "create", str(path)]).exit_code == 0
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(path) as source, tarfile.open(damaged, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("files/"):
                data = data.replace(b"Underlag", b"Underlaq")
            out.addfile(member, io.BytesIO(data))
    result = invoke(target, "restore", str(damaged), "--yes")
    assert result.exit_code != 0 and "does not hold what its name says" in result.output
    with target.app_context():
        assert sa.inspect(db.engine).get_table_names() == []  # the database was not restored either


def test_a_backup_of_the_database_alone_still_restores(app, target, tmp_path):
    """Backups made before files were kept: a bare SQLite file or pg_dump archive."""
    g.world()
    path = tmp_path / "database-only"
    backup._dump_database(db.engine.url.get_backend_name(), db.engine.url, path)
    original = rows_of_every_table(db.engine)
    assert invoke(target, "restore", str(path), "--yes").exit_code == 0
    with target.app_context():
        assert rows_of_every_table(db.engine) == original
