"""Serving in production: SQLite set up as a server's database, a health check that asks the
database, request ids in headers, on the error page and in JSON log lines, gunicorn's committed
configuration, and `make serve`."""

import json
import logging
import secrets
import subprocess
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db

ROOT = Path(__file__).parents[1]


def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings; PostgreSQL enforces foreign keys and has no such settings")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_row_pointing_at_nothing_is_refused(app):
    """Foreign keys hold on SQLite as on PostgreSQL."""
    with pytest.raises(sa.exc.IntegrityError):
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) "
                                 "VALUES (987654, 'x', 'y', '2026-01-01', '2027-01-01')"))


def test_health_asks_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_health_says_so_when_the_database_is_gone(security_log_file):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SECURITY_LOG_FILE": str(security_log_file),
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/health")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


def test_every_answer_carries_a_request_id(client):
    first, second = client.get("/login"), client.get("/login")
    assert len(first.headers["X-Request-Id"]) == 32 and first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    # One given by a proxy in front is kept, so that its log and ours can be matched; nonsense is not.
    assert client.get("/login", headers={"X-Request-Id": "lb-1234abcd"}).headers["X-Request-Id"] == "lb-1234abcd"
    assert client.get("/login", headers={"X-Request-Id": "a b\tc"}).headers["X-Request-Id"] != "a b\tc"
    with client.get("/static/app.css") as response:
        assert response.headers["X-Request-Id"]


@pytest.fixture
def failing_app(shared_app, security_log_file):
    """A production-like app (not testing: errors are answered, not raised) with a route that fails."""
    app = create_app({"SECRET_KEY": secrets.token_hex(32), "SECURITY_LOG_FILE": str(security_log_file),
                      "SQLALCHEMY_DATABASE_URI": shared_app.config["SQLALCHEMY_DATABASE_URI"],
                      "LOG_FORMAT": "json"})

    @app.route("/health/fails")  # public, so that no sign-in is needed to reach it
    def fails():
        raise RuntimeError("a bug in the app")

    yield app
    for name in (app.logger.name, "styrregister"):  # the handlers this app added to shared loggers
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if not getattr(h, "_styrregister", False)]
    with app.app_context():
        db.engine.dispose()


def test_the_error_page_shows_the_request_id_and_the_log_has_it_as_json(failing_app, capfd):
    from app import PUBLIC_ENDPOINTS

    PUBLIC_ENDPOINTS.add("fails")  # the test route is reachable without signing in
    try:
        response = failing_app.test_client().get("/health/fails", headers={"X-Request-Id": "support-ticket-42"})
    finally:
        PUBLIC_ENDPOINTS.discard("fails")
    assert response.status_code == 500
    assert "support-ticket-42" in response.get_data(as_text=True)
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    [error] = [entry for entry in lines if entry["level"] == "ERROR"]
    assert error["request_id"] == "support-ticket-42" and error["path"] == "/health/fails"
    assert "RuntimeError: a bug in the app" in error["exception"]


def test_gunicorn_trusts_no_forwarded_header_by_itself(gunicorn):
    """With TRUSTED_PROXIES = 0 an X-Forwarded-Proto from 127.0.0.1 must not make the app think it is
    on https (gunicorn's own default would)."""
    base, _log, *_ = gunicorn
    request = urllib.request.Request(base + "/login", headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert "Strict-Transport-Security" not in response.headers
        assert "Secure" not in response.headers["Set-Cookie"]
        assert response.headers["X-Request-Id"]


def test_make_serve_runs_gunicorn_with_the_committed_configuration():
    plan = subprocess.run(["make", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "flask db upgrade" in plan and "gunicorn -c gunicorn.conf.py 'app:create_app()'" in plan
    assert "huey_consumer app.worker.huey" in plan  # the worker beside it
    run = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "huey_consumer app.worker.huey" in run and "flask run" in run
    config = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)
    assert config["forwarded_allow_ips"] == "" and config["secure_scheme_headers"] == {}
    assert 1 <= config["workers"] <= 8 and config["timeout"] >= 30
