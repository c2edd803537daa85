"""Security headers on every kind of answer (page, API, static file, download, error), HSTS and
Secure cookies over https, ProxyFix for the configured proxies only, and pages that the
Content-Security-Policy can guard: no inline script, style or event handler anywhere."""

import re
from pathlib import Path

import pytest

from app import create_app
from app.auth.models import Role, SecurityEvent
from app.core.security import CONTENT_SECURITY_POLICY
from app.extensions import db
from tests.conftest import PASSWORD, Browser, inline_problems, make_user

ROOT = Path(__file__).parents[1]


def assert_secure_headers(response):
    h = response.headers
    csp = h["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                      "object-src 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert "camera=()" in h["Permissions-Policy"] and "geolocation=()" in h["Permissions-Policy"]
    assert h["X-Frame-Options"] == "DENY"


@pytest.fixture
def reader(login_as):
    return login_as(Role.READER)


@pytest.mark.parametrize("url, status", [
    ("/", 200),                                          # a page
    ("/api/v1/groups", 200),                             # an API answer
    ("/static/app.css", 200),                            # a static file
    ("/static/app.js", 200),
    ("/competence/report?format=xlsx", 200),             # a download
    ("/finns-inte", 404),                                # an error page
    ("/api/v1/finns-inte", 404),                         # an API error
])
def test_every_kind_of_answer_carries_the_headers(reader, url, status):
    with reader.get(url) as response:  # a static file's answer holds the file open until closed
        assert response.status_code == status
        assert_secure_headers(response)
        assert "Strict-Transport-Security" not in response.headers  # plain http: no HSTS


def test_public_answers_carry_them_too(client):
    for url in ("/login", "/health", "/api/v1/openapi.json", "/password/okand-lank"):
        assert_secure_headers(client.get(url))
    assert_secure_headers(client.get("/api/v1/groups"))  # 401


def test_download_is_an_attachment_of_its_type(reader):
    response = reader.get("/competence/report?format=xlsx")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_signed_in_pages_are_not_cached_but_static_files_may_be(reader, client):
    assert reader.get("/").headers["Cache-Control"] == "no-store"
    assert reader.get("/api/v1/groups").headers["Cache-Control"] == "no-store"
    with reader.get("/static/app.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_https_brings_hsts_and_secure_cookies(app):
    make_user("eva")
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"] and "SameSite=Lax" in response.headers["Set-Cookie"]
    assert "Secure" not in app.test_client().get("/login").headers["Set-Cookie"]


@pytest.fixture
def proxied_app(shared_app, security_log_file):
    """The same app behind one trusted proxy (a load balancer terminating TLS)."""
    app = create_app({**{k: shared_app.config[k] for k in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI")},
                      "TESTING": True, "TRUSTED_PROXIES": 1, "SECURITY_LOG_FILE": str(security_log_file)})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_behind_a_trusted_proxy_https_and_the_client_address_are_taken_from_it(app, proxied_app):
    make_user("eva")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    client = proxied_app.test_client()
    response = client.get("/login", headers=forwarded)
    assert "Strict-Transport-Security" in response.headers and "Secure" in response.headers["Set-Cookie"]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "eva", "password": "fel", "csrf_token": token}, headers=forwarded)
    db.session.expire_all()
    assert db.session.query(SecurityEvent.address).one() == ("203.0.113.9",)


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, client):
    make_user("eva")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    response = client.get("/login", headers=forwarded)
    assert "Strict-Transport-Security" not in response.headers and "Secure" not in response.headers["Set-Cookie"]
    Browser(client).login("eva", PASSWORD + "x")
    assert db.session.query(SecurityEvent.address).one() == ("127.0.0.1",)


# --- Nothing inline for the policy to block -----------------------------------------------------

def test_no_template_has_inline_script_or_style():
    templates = sorted(ROOT.glob("app/**/templates/**/*.html"))
    assert len(templates) > 50
    problems = {str(t.relative_to(ROOT)): inline_problems(t.read_text()) for t in templates}
    assert {t: p for t, p in problems.items() if p} == {}


def test_python_code_renders_no_inline_style():
    """Charts and other markup built in Python obey the same policy."""
    sources = [p for p in ROOT.glob("app/**/*.py") if "style=" in p.read_text() or "<style" in p.read_text()]
    assert [str(p.relative_to(ROOT)) for p in sources] == []


def test_the_policy_is_one_string_served_everywhere():
    assert CONTENT_SECURITY_POLICY.count("default-src") == 1
