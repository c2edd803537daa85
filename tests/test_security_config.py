"""The app refuses to start in production without a strong secret key, whatever FLASK_DEBUG says, and
refuses session settings outside the rules. Each case builds the app as `flask run` or gunicorn
would: from the environment and an instance folder, not from a test config."""

import secrets

import pytest

from app import create_app
from app.auth.security_log import logger as security_logger
from app.core.security import WeakSecretKey

STRONG = secrets.token_hex(32)


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A production-like environment: no key anywhere, an empty instance folder of its own."""
    for name in ("SECRET_KEY", "FLASK_DEBUG", "REMEMBER_DAYS", "TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    handlers = list(security_logger.handlers)
    yield monkeypatch, tmp_path
    for handler in set(security_logger.handlers) - set(handlers):  # each app here opened its own file
        security_logger.removeHandler(handler)
        handler.close()


@pytest.mark.parametrize("debug", [None, "0", "false", "False", "", "no"])
def test_production_refuses_to_start_without_a_key(environment, debug):
    monkeypatch, instance = environment
    if debug is not None:
        monkeypatch.setenv("FLASK_DEBUG", debug)
    with pytest.raises(WeakSecretKey, match="SECRET_KEY is not set"):
        create_app(instance_path=str(instance))


@pytest.mark.parametrize("key, reason", [
    ("short-key", "at least 32"),
    ("dev-only-not-secret", "at least 32"),
    (secrets.token_hex(16), "at least 32"),               # 32 characters, but only 16 random bytes
    ("a" * 64, "random"),
    ("0123" * 16, "random"),
    ("0123456789abcdef" * 4, "consecutive"),
    ("abcdefghijklmnopqrstuvwxyz012345ABCDEFGHIJKLMNOP", "consecutive"),
])
def test_production_refuses_a_weak_key(environment, key, reason):
    monkeypatch, instance = environment
    monkeypatch.setenv("FLASK_DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(WeakSecretKey, match=reason):
        create_app(instance_path=str(instance))


def test_the_example_config_does_not_start(environment):
    """Copying instance/config.example.py without changing the key must not give a running server."""
    from pathlib import Path

    monkeypatch, instance = environment
    example = Path(__file__).parents[1] / "instance" / "config.example.py"
    (instance / "config.py").write_text(example.read_text())
    with pytest.raises(WeakSecretKey):
        create_app(instance_path=str(instance))


@pytest.mark.parametrize("key", [secrets.token_hex(32), secrets.token_urlsafe(32), secrets.token_bytes(32)])
def test_generated_keys_of_32_bytes_are_accepted(environment, key):
    monkeypatch, instance = environment
    (instance / "config.py").write_text(f"SECRET_KEY = {key!r}\n")
    assert create_app(instance_path=str(instance)).config["SECRET_KEY"] == key


def test_a_strong_key_from_the_instance_config_starts(environment):
    monkeypatch, instance = environment
    (instance / "config.py").write_text(f"SECRET_KEY = {STRONG!r}\n")
    app = create_app(instance_path=str(instance))
    assert app.config["SECRET_KEY"] == STRONG and not app.debug


def test_the_environment_key_wins_over_the_instance_config(environment):
    monkeypatch, instance = environment
    (instance / "config.py").write_text("SECRET_KEY = 'weak'\n")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    assert create_app(instance_path=str(instance)).config["SECRET_KEY"] == STRONG


@pytest.mark.parametrize("debug", ["1", "true"])
def test_debug_as_flask_reads_it_starts_with_a_random_key(environment, debug):
    monkeypatch, instance = environment
    monkeypatch.setenv("FLASK_DEBUG", debug)
    first, second = create_app(instance_path=str(instance)), create_app(instance_path=str(instance))
    assert first.debug
    # Never a constant from the source code, which anyone could use to forge a cookie.
    assert len(first.config["SECRET_KEY"]) == 64 and first.config["SECRET_KEY"] != second.config["SECRET_KEY"]


@pytest.mark.parametrize("days", ["0", "31", "365"])
def test_remember_me_longer_than_30_days_is_refused(environment, days):
    monkeypatch, instance = environment
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("REMEMBER_DAYS", days)
    with pytest.raises(RuntimeError, match="REMEMBER_DAYS"):
        create_app(instance_path=str(instance))


def test_settings_from_the_environment_are_typed(environment):
    monkeypatch, instance = environment
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    monkeypatch.setenv("REMEMBER_DAYS", "30")
    app = create_app(instance_path=str(instance))
    assert app.config["TRUSTED_PROXIES"] == 2 and app.config["PERMANENT_SESSION_LIFETIME"].days == 30
    monkeypatch.setenv("TRUSTED_PROXIES", "two")
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        create_app(instance_path=str(instance))
