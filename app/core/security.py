"""What keeps a deployed register safe whatever the area: the secret key, https behind a proxy,
cookies and the security headers on every response (pages, API, static files, downloads).

The headers are a few lines written here rather than Flask-Talisman: Talisman trusts
`X-Forwarded-Proto` from anyone and sets the cookie's Secure flag once for the whole app, while
we follow `TRUSTED_PROXIES` and decide Secure per request.
"""

import math
import secrets
import string

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

# Placeholders that must never sign a production cookie (instance/config.example.py, old defaults).
KNOWN_WEAK_KEYS = {"dev-only-not-secret", "change-me-to-a-long-random-string", "change-me", "secret", "test"}
MIN_KEY_BYTES = 32
MIN_DISTINCT_CHARACTERS = 12
# A random key holds no run this long of consecutive characters ("0123456789", "abcdefghij"):
# for a hex key the odds of one are about 1 in 10^11.
MAX_SEQUENCE = 9
BASE64_CHARACTERS = set(string.ascii_letters + string.digits + "+/=-_")

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb"))


class WeakSecretKey(RuntimeError):
    pass


def secret_key_problem(key) -> str | None:
    """Why `key` may not sign production sessions, or None when it is strong enough."""
    if not key:
        return "SECRET_KEY is not set"
    raw = key.encode() if isinstance(key, str) else bytes(key)
    if _entropy_bits(key) < MIN_KEY_BYTES * 8:
        return (f"SECRET_KEY carries about {_entropy_bits(key)} random bits; at least {MIN_KEY_BYTES} random bytes "
                f"are needed (64 hex or 43 base64 characters)")
    if (key.decode(errors="replace") if isinstance(key, bytes) else key) in KNOWN_WEAK_KEYS:
        return "SECRET_KEY is a known placeholder"
    if len(set(raw)) < MIN_DISTINCT_CHARACTERS:
        return "SECRET_KEY repeats a few characters; it must be random"
    if _longest_run(raw) > MAX_SEQUENCE:
        return "SECRET_KEY holds a run of consecutive characters; it must be random"
    return None


def _entropy_bits(key) -> int:
    """At most how many random bits a key of this length and alphabet can carry: 4 a character in
    hex, 6 in base64, about 6.5 in printable text, 8 a byte in raw bytes."""
    if isinstance(key, bytes):
        return len(key) * 8
    if all(c in string.hexdigits for c in key):
        per_character = 4.0
    elif all(c in BASE64_CHARACTERS for c in key):
        per_character = 6.0
    else:
        per_character = math.log2(94)
    return int(len(key) * per_character)


def _longest_run(raw: bytes) -> int:
    longest = run = 1
    step = 0
    for a, b in zip(raw, raw[1:], strict=False):
        if b - a in (1, -1) and (run == 1 or b - a == step):
            run, step = run + 1, b - a
        else:
            run, step = (2, b - a) if b - a in (1, -1) else (1, 0)
        longest = max(longest, run)
    return longest


def check_secret_key(app: Flask) -> None:
    """Outside debug and testing, refuse to start without a strong key. Debug is what Flask's own
    config says (FLASK_DEBUG read by Flask, or `flask run --debug`), never an environment string
    read here: "0", "false" and "" all mean production."""
    problem = secret_key_problem(app.config.get("SECRET_KEY"))
    if problem is None:
        return
    if app.debug or app.testing:
        if not app.config.get("SECRET_KEY"):
            # A fresh random key per start: a debug server's cookies cannot be forged from the source.
            app.config["SECRET_KEY"] = secrets.token_hex(MIN_KEY_BYTES)
        return
    raise WeakSecretKey(
        f"{problem}. Put a strong key in instance/config.py or the SECRET_KEY environment variable, e.g. "
        "python3 -c 'import secrets; print(secrets.token_hex(32))' (see README, Security).")


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over https (directly or through a
    trusted proxy), so the same deployment works on http://127.0.0.1 and behind TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def register(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Only as many X-Forwarded-* hops as there are proxies we run; anything further is the client's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies, x_prefix=proxies)
    app.session_interface = SessionInterface()

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"  # frame-ancestors for browsers without CSP 2
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.is_secure:
            headers["Strict-Transport-Security"] = f"max-age={int(app.config['HSTS_SECONDS'])}; includeSubDomains"
        if request.endpoint != "static" and "Cache-Control" not in headers and _signed_in():
            # Register data must not stay in a shared hospital computer's cache after sign-out.
            headers["Cache-Control"] = "no-store"
        return response


def _signed_in() -> bool:
    from flask_login import current_user

    return bool(current_user and current_user.is_authenticated)
