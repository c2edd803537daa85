"""Default configuration. instance/config.py and environment variables override it."""

import os


class Config:
    SECRET_KEY = None  # required outside debug and tests: instance/config.py or env SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # set in create_app: DATABASE_URL or SQLite in instance/
    SQLALCHEMY_ENGINE_OPTIONS = {}  # a database server's connections are checked before use (create_app)
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = {"sv": "Svenska", "en": "English"}
    PER_PAGE = 25
    # Pieces of HTML kept by each worker, by the values they show (a list's rows, its filter form, the menu).
    FRAGMENT_CACHE_SIZE = 4096
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still save

    # Cookies: HttpOnly and SameSite always; Secure whenever the request came over https
    # (app.core.security decides per request, so False here means "follow the request").
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # Sign-in sessions are records on the server (app.auth.sessions); these bound them.
    SESSION_IDLE_MINUTES = 8 * 60
    SESSION_MAX_HOURS = 7 * 24
    REMEMBER_DAYS = 14  # "remember me": off by default, at most 30 days
    # Flask-Login's own remember cookie is never set (remembering is the session's own lifetime);
    # these keep it harmless should anything ask for it.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"  # and its duration follows REMEMBER_DAYS (app.auth.sessions)

    # https behind a load balancer: how many proxies in front of the app set X-Forwarded-*.
    TRUSTED_PROXIES = 0
    HSTS_SECONDS = 365 * 24 * 3600

    # Sign-in throttle, counted in the database so that every worker and server sees the same counts.
    SIGNIN_WINDOW_MINUTES = 15
    SIGNIN_MAX_FAILURES_PER_ACCOUNT = 10
    SIGNIN_MAX_FAILURES_PER_ADDRESS = 50
    # API rate limit per token (Flask-Limiter): memory:// per process, redis://host:6379 shared.
    API_RATE_LIMIT = "600 per minute"
    API_REFUSED_RATE_LIMIT = "30 per minute"  # answers 401 (bad or revoked tokens) per address
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Security events also go to this file (None: only the database and the process log).
    SECURITY_LOG_FILE = "security.log"  # relative to instance/
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_LINK_HOURS = 72  # one-time links for new accounts and resets
    API_TOKEN_MAX_DAYS = 366
    BASE_URL = "http://127.0.0.1:5000"  # for links printed by the command line
    LOG_FORMAT = "text"  # or "json": one JSON object a line, with the request id
    # The worker's queue: SQLite under instance/ by default; redis://host:6379/0 for several app servers.
    HUEY_URL = ""
    # Documents: where files are stored (None: instance/files) and how large one may be.
    FILES_DIR = None
    MAX_UPLOAD_MB = 50
    OUTBOX_MAX_ATTEMPTS = 8  # after that a message is "failed" until someone resends it
    # Calendars: the domain in every event's UID (keep it once chosen: calendars match events by UID), and
    # how long a meeting with a start time is shown (the register has no end time).
    CALENDAR_UID_DOMAIN = "styrregister"
    CALENDAR_MEETING_HOURS = 2


# Settings the environment may give, with their type; the environment wins over instance/config.py.
ENVIRONMENT_SETTINGS = {
    "SECRET_KEY": str, "MAIL_SERVER": str, "MAIL_PORT": int, "MAIL_FROM": str, "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str, "MAIL_USE_TLS": bool, "TRUSTED_PROXIES": int, "SESSION_IDLE_MINUTES": int,
    "SESSION_MAX_HOURS": int, "REMEMBER_DAYS": int, "SIGNIN_WINDOW_MINUTES": int,
    "SIGNIN_MAX_FAILURES_PER_ACCOUNT": int, "SIGNIN_MAX_FAILURES_PER_ADDRESS": int, "API_RATE_LIMIT": str,
    "API_REFUSED_RATE_LIMIT": str,
    "RATELIMIT_STORAGE_URI": str, "SECURITY_LOG_FILE": str, "BASE_URL": str, "HSTS_SECONDS": int, "LOG_FORMAT": str,
    "HUEY_URL": str, "OUTBOX_MAX_ATTEMPTS": int, "FILES_DIR": str, "MAX_UPLOAD_MB": int,
    "CALENDAR_UID_DOMAIN": str, "CALENDAR_MEETING_HOURS": int, "FRAGMENT_CACHE_SIZE": int,
}


def environment_overrides(environ=os.environ) -> dict:
    values = {}
    for name, kind in ENVIRONMENT_SETTINGS.items():
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        if kind is bool:
            values[name] = raw.strip().lower() in ("1", "true", "yes", "on")
        elif kind is int:
            try:
                values[name] = int(raw)
            except ValueError:
                raise RuntimeError(f"{name} must be a whole number, not {raw!r}") from None
        else:
            values[name] = raw
    return values


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "app.db")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
