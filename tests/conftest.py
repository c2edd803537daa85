"""Fixtures: an app on a fresh database (SQLite file, or PostgreSQL when DATABASE_URL is set),
a client, and signed-in clients per role."""

import contextvars
import email
import email.policy
import os
import re
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from app import create_app
from app.auth.models import Role, User
from app.core import fulltext
from app.extensions import db

PASSWORD = "test-password-1"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith(
            "postgresql://") else url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production: its own app context, `g` and
    database session, not the test's. The test's session is expired afterwards so that what the
    test reads next comes from the database."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def security_log_file(tmp_path_factory):
    return tmp_path_factory.mktemp("log") / "security.log"


@pytest.fixture(scope="session")
def files_dir(tmp_path_factory):
    """Where the suite's documents are stored (content-addressed, so tests never collide)."""
    return tmp_path_factory.mktemp("files")


@pytest.fixture(scope="session")
def huey_url(tmp_path_factory) -> str:
    """The worker's queue for the run: nothing consumes it unless a test starts a worker; tests deliver
    the outbox by calling the worker's own functions."""
    return f"sqlite:///{tmp_path_factory.mktemp('queue') / 'huey.db'}"


@pytest.fixture(scope="session")
def shared_app(database_url, security_log_file, huey_url, files_dir):
    # One app for the run: building it (routes, compiled templates) costs more than most tests.
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": True,
        "SECURITY_LOG_FILE": str(security_log_file),
        "HUEY_URL": huey_url,
        "FILES_DIR": str(files_dir),
    })
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(shared_app):
    """The app with an empty database and an app context for the test's own reads and writes."""
    with shared_app.app_context():
        _empty_schema()
        yield shared_app
        db.session.remove()


_schema_fresh = False


def _empty_schema() -> None:
    """The models' schema with no rows. Emptying tables is much faster than recreating them;
    the schema is rebuilt once per run (a database kept from an earlier run may hold older columns
    or constraints under the same table names) and when a test (the migration tests) left it different."""
    global _schema_fresh
    expected = {t.name for t in db.metadata.sorted_tables}
    # SQLite's full-text tables come and go with the tables they index.
    present = {name for name in sa.inspect(db.engine).get_table_names() if fulltext.include_name(name, "table", {})}
    if present != expected or not _schema_fresh:
        _schema_fresh = True
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        return
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            names = ", ".join(t.name for t in db.metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        from app.core.audit import SQLITE_APPEND_ONLY

        with db.engine.connect() as conn:
            # The change log refuses DELETE (a trigger); the test's clean-up lifts that for a moment, and
            # foreign keys too (accounts and people refer to each other) – on this connection only.
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
            conn.commit()
            conn.execute(sa.text("DROP TRIGGER IF EXISTS change_log_no_delete"))
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            conn.execute(sa.text(SQLITE_APPEND_ONLY[1]))
            conn.commit()
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")
            conn.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(username: str, role: Role = Role.READER, person=None) -> User:
    user = User(username=username, display_name=username.title(), role=role,
                person_id=person.id if person else None)
    # Few hash rounds: the production cost would make every sign-in in the suite slow.
    user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    db.session.add(user)
    db.session.commit()
    return user


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# What a Content-Security-Policy without 'unsafe-inline' would block in a page.
INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event handler attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def inline_problems(html: str) -> list[str]:
    return [what for pattern, what in INLINE if pattern.search(html)]


class Browser:
    """A test client that signs in and posts forms with their CSRF token, like a person would."""

    def __init__(self, client):
        self.client = client

    def csrf(self, url: str) -> str:
        html = self.client.get(url).get_data(as_text=True)
        match = CSRF_RE.search(html)
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def login(self, username: str, password: str = PASSWORD):
        token = self.csrf("/login")
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": token})

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict | None = None, form_url: str | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(form_url or url))
        return self.client.post(url, data=data, **kw)


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def login_as(app):
    """login_as(role) -> a Browser signed in as a new user with that role."""
    def _login(role: Role = Role.SECRETARIAT, person=None, username: str | None = None) -> Browser:
        user = make_user(username or f"{role.value}-{person.id if person else 'x'}", role, person)
        b = Browser(app.test_client())
        response = b.login(user.username)
        assert response.status_code == 302
        b.user = user
        return b
    return _login


class SMTPTestServer(socketserver.ThreadingTCPServer):
    """Just enough SMTP to receive messages, on 127.0.0.1 and a free port."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int = 0):
        super().__init__(("127.0.0.1", port), _SMTPHandler)
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.port = self.server_address[1]


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 localhost test SMTP")
        sender, recipients = None, []
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif command.upper().startswith("MAIL FROM:"):
                sender, recipients = command[10:].strip(" <>"), []
                self.reply("250 OK")
            elif command.upper().startswith("RCPT TO:"):
                recipients.append(command[8:].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                self.server.messages.append((sender, recipients, message))
                self.reply("250 OK")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class RunningSMTPServer:
    """An SMTP test server that can be stopped and started again on the same port."""

    def __init__(self, port: int = 0):
        self.server = SMTPTestServer(port)
        self.port = self.server.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def messages(self):
        return self.server.messages

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def mail(app, monkeypatch):
    """A real SMTP server on a port of its own, configured as the register's mail server."""
    server = RunningSMTPServer(free_port())
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    yield server
    server.stop()


@pytest.fixture
def smtp_server():
    server = RunningSMTPServer()
    try:
        yield server
    finally:
        server.stop()


# --- The app served by gunicorn, as in production -------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served(NamedTuple):
    base: str
    access_log: Path
    pid: int  # gunicorn's master process
    files_dir: Path

    def worker_pids(self) -> list[int]:
        return [int(p) for p in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()]


@pytest.fixture
def gunicorn(app, database_url, tmp_path, request):
    """The app under gunicorn with the committed gunicorn.conf.py, on the test database; yields its
    base URL and its access log. `request.param`: (workers, max requests per worker; 0 = no limit).
    By default two workers, each replaced by a fresh process after a few requests: a count kept in a
    worker's memory would start again in every new process. Documents are stored in its own files
    directory."""
    workers, max_requests = getattr(request, "param", (2, 4))
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="g" + os.urandom(32).hex(),
               SECURITY_LOG_FILE=str(tmp_path / "security.log"), FILES_DIR=str(tmp_path / "files"),
               HUEY_URL=f"sqlite:///{tmp_path / 'huey.db'}")
    env.pop("FLASK_DEBUG", None)
    root = Path(__file__).parents[1]
    errors = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", str(workers),
         "--max-requests", str(max_requests), "--max-requests-jitter", "0", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(tmp_path / "access.log"), "--access-logformat", "%(p)s %(r)s %(s)s",
         "--error-logfile", str(errors), "app:create_app()"], cwd=root, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/health", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(errors.read_text()[-3000:]) from None
            time.sleep(0.2)
    yield Served(base, tmp_path / "access.log", process.pid, tmp_path / "files")
    process.terminate()
    process.wait(timeout=20)
