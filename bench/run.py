"""`make bench`: the register under gunicorn on a generated national-scale database, page by page with
wrk, side by side with a bare Flask "Hello" app under the same gunicorn settings.

    .venv/bin/python -m bench.run [--db URL] [--scale N] [--fresh] [--duration S] [--connections N] …

Every option can also be given in the environment (BENCH_DB, BENCH_SCALE, BENCH_FRESH, BENCH_DURATION,
BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_HIGH_CONNECTIONS, …; see README, Benchmark). Steps:

1. The database: SQLite `instance/bench.db`, or BENCH_DB=postgresql://…, migrated (`flask db upgrade`),
   seeded (`flask seed --demo`) and scaled (`flask seed --scale N`). A marker beside it
   (`instance/bench.db.json`, `instance/bench-<db>@<host>-<port>.json`) records what was generated, so a
   second run with the same scale reuses it; BENCH_FRESH=1 generates it again. A database the benchmark
   did not generate is never dropped.
2. A bench account (the app's own operations, as `flask users` does) signs in through the real sign-in
   form; an API token is made for the API pages. The register and bench/hello.py are started under
   gunicorn with gunicorn.conf.py and the same overrides (workers, bind, logs; no worker recycling, so
   that the memory read at the end is the memory of the workers that served every page).
3. Every URL is asked once and must answer 200; then each page is run with wrk (a warm-up, then the
   measured run) with BENCH_CONNECTIONS and, for the assignment list and Hello, BENCH_HIGH_CONNECTIONS.
4. A table per page (req/s, p50, p90, p99, the share of Hello's req/s, the goal) and the workers' memory,
   and the whole result as JSON in bench/results/.

Exit status: 0 when every page answered 200 throughout (goals missed are reported, and fail the run only
with BENCH_STRICT=1: status 2), 1 when something did not work.
"""

import argparse
import fnmatch
import html.parser
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("latency.lua")
USERNAME = "bench"
# The goal (the "scale" issue): p90 within this at the low connection count, each page; the steering
# dashboard of the top group within its own; the assignment list at the high count at least this share
# of Hello's requests a second.
P90_GOAL_MS = 50.0
STEERING_P90_GOAL_MS = 100.0
LIST_SHARE_OF_HELLO = 0.10
# The main tables, counted into the result.
COUNTED_TABLES = ("assignments", "status_reports", "change_log", "decisions", "meetings", "agenda_items",
                  "people", "memberships", "groups", "group_relations", "organisations", "users",
                  "activity_updates", "kpi_measurements", "region_stances", "maturity_assessments")


class BenchError(Exception):
    """Something the benchmark cannot go on without; the message says what."""


# --- Settings ---------------------------------------------------------------------------------------

@dataclass
class Settings:
    db: str
    scale: int
    fresh: bool
    demo: bool
    duration: int
    warmup: int
    connections: int
    high_connections: int
    threads: int
    workers: int
    max_requests: int
    timeout: int
    only: list[str]
    sorts: list[str] | None
    results: Path
    workdir: Path
    role: str
    strict: bool
    api_rate_limit: str


def _env_flag(environ, name: str, default: bool) -> bool:
    raw = environ.get(name, "")
    return default if raw == "" else raw.strip().lower() in ("1", "true", "yes", "on")


def parse_settings(argv: list[str] | None = None, environ=os.environ) -> Settings:
    def env(name: str, default: str) -> str:
        return environ.get(name) or default

    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--db", default=env("BENCH_DB", "sqlite:///instance/bench.db"),
                   help="SQLite URL (relative paths from the project root) or postgresql://… (BENCH_DB)")
    p.add_argument("--scale", type=int, default=int(env("BENCH_SCALE", "100000")),
                   help="assignments for `flask seed --scale`; 0 skips it (BENCH_SCALE)")
    p.add_argument("--fresh", action="store_true", default=_env_flag(environ, "BENCH_FRESH", False),
                   help="generate the database again even when one of the same scale exists (BENCH_FRESH=1)")
    p.add_argument("--no-demo", dest="demo", action="store_false", default=_env_flag(environ, "BENCH_DEMO", True),
                   help="seed without --demo (BENCH_DEMO=0)")
    p.add_argument("--duration", type=int, default=int(env("BENCH_DURATION", "10")),
                   help="seconds each page is measured (BENCH_DURATION)")
    p.add_argument("--warmup", type=int, default=int(env("BENCH_WARMUP", "2")),
                   help="seconds of unmeasured load before each measurement, 0 for none (BENCH_WARMUP)")
    p.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", "4")),
                   help="connections for every page (BENCH_CONNECTIONS)")
    p.add_argument("--high-connections", type=int, default=int(env("BENCH_HIGH_CONNECTIONS", "20")),
                   help="connections for the assignment list and Hello's second run (BENCH_HIGH_CONNECTIONS)")
    p.add_argument("--threads", type=int, default=int(env("BENCH_THREADS", "1")),
                   help="wrk threads, at most the connections (BENCH_THREADS)")
    p.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", "4")),
                   help="gunicorn workers of each server (BENCH_WORKERS)")
    p.add_argument("--max-requests", type=int, default=int(env("BENCH_MAX_REQUESTS", "0")),
                   help="gunicorn --max-requests; 0 keeps the workers for the whole run (BENCH_MAX_REQUESTS)")
    p.add_argument("--timeout", type=int, default=int(env("BENCH_TIMEOUT", "30")),
                   help="wrk's request timeout in seconds (BENCH_TIMEOUT)")
    p.add_argument("--only", default=env("BENCH_ONLY", ""),
                   help="comma-separated page names or patterns (assignments*); Hello always runs (BENCH_ONLY)")
    p.add_argument("--sorts", default=environ.get("BENCH_SORTS"),
                   help="comma-separated sort orders of the assignment list instead of those its page "
                        "offers (BENCH_SORTS)")
    p.add_argument("--results", default=env("BENCH_RESULTS", str(ROOT / "bench" / "results")),
                   help="directory for the result's JSON (BENCH_RESULTS)")
    p.add_argument("--workdir", default=env("BENCH_WORKDIR", str(ROOT / "instance" / "bench")),
                   help="logs, security log, worker queue and files of the served app (BENCH_WORKDIR)")
    p.add_argument("--role", default=env("BENCH_ROLE", "secretariat"),
                   choices=["admin", "secretariat", "competence_centre", "reader"],
                   help="role of the bench account (BENCH_ROLE)")
    p.add_argument("--strict", action="store_true", default=_env_flag(environ, "BENCH_STRICT", False),
                   help="exit with status 2 when a goal is missed (BENCH_STRICT=1)")
    p.add_argument("--api-rate-limit", default=env("BENCH_API_RATE_LIMIT", "1000000 per minute"),
                   help="API_RATE_LIMIT of the served app, so that the limit does not decide the figures "
                        "(BENCH_API_RATE_LIMIT)")
    a = p.parse_args(argv)
    for name in ("duration", "connections", "high_connections", "threads", "workers", "timeout"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if a.scale < 0 or a.warmup < 0 or a.max_requests < 0:
        p.error("--scale, --warmup and --max-requests cannot be negative")
    sorts = None if a.sorts is None else [s.strip() for s in a.sorts.split(",") if s.strip()]
    return Settings(db=a.db, scale=a.scale, fresh=a.fresh, demo=a.demo, duration=a.duration, warmup=a.warmup,
                    connections=a.connections, high_connections=a.high_connections, threads=a.threads,
                    workers=a.workers, max_requests=a.max_requests, timeout=a.timeout,
                    only=[s.strip() for s in a.only.split(",") if s.strip()], sorts=sorts,
                    results=Path(a.results), workdir=Path(a.workdir), role=a.role, strict=a.strict,
                    api_rate_limit=a.api_rate_limit)


# --- The database -----------------------------------------------------------------------------------

class Database:
    """BENCH_DB: where it is, the marker saying what was generated in it, and making it anew."""

    def __init__(self, url: str, workdir: Path):
        for prefix in ("postgres://", "postgresql+psycopg://"):
            if url.startswith(prefix):
                url = "postgresql://" + url[len(prefix):]
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///"):])
            self.path = path if path.is_absolute() else ROOT / path
            self.url = f"sqlite:///{self.path}"
            self.dialect = "sqlite"
            self.marker = self.path.with_name(self.path.name + ".json")
            self.shown = str(self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path)
        elif url.startswith("postgresql://"):
            self.url = url
            self.dialect = "postgresql"
            parts = urllib.parse.urlsplit(url)
            self.name = parts.path.lstrip("/")
            if not self.name:
                raise BenchError(f"BENCH_DB names no database: {url}")
            self.path = None
            self.marker = workdir / f"{self.name}@{parts.hostname or 'localhost'}-{parts.port or 5432}.json"
            self.shown = urllib.parse.urlunsplit(parts._replace(
                netloc=parts.netloc.split("@")[-1] if parts.password is None else
                f"{parts.username}:***@{parts.netloc.split('@')[-1]}"))
        else:
            raise BenchError(f"BENCH_DB must be sqlite:///path or postgresql://…, not {url!r}")

    @property
    def sqlalchemy_url(self) -> str:
        return "postgresql+psycopg://" + self.url[len("postgresql://"):] if self.dialect == "postgresql" else self.url

    def _engine(self, url: str | None = None, **kw):
        import sqlalchemy as sa

        return sa.create_engine(url or self.sqlalchemy_url, **kw)

    def tables(self) -> list[str] | None:
        """The database's tables, or None when there is no database yet."""
        import sqlalchemy as sa

        if self.dialect == "sqlite":
            if not self.path.exists():
                return None
        engine = self._engine()
        try:
            return sa.inspect(engine).get_table_names()
        except sa.exc.OperationalError as err:
            if self.dialect == "postgresql" and "does not exist" in str(err):
                return None
            raise BenchError(f"cannot reach {self.shown}: {err}") from None
        finally:
            engine.dispose()

    def read_marker(self) -> dict | None:
        try:
            return json.loads(self.marker.read_text())
        except (OSError, ValueError):
            return None

    def write_marker(self, values: dict) -> None:
        self.marker.parent.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(json.dumps(values, indent=2) + "\n")

    def make_empty(self) -> None:
        """Drop the database (only called for one this benchmark generated, or one without tables) and
        make an empty one."""
        import sqlalchemy as sa

        if self.dialect == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return
        parts = urllib.parse.urlsplit(self.sqlalchemy_url)
        engine = self._engine(urllib.parse.urlunsplit(parts._replace(path="/postgres")), isolation_level="AUTOCOMMIT")
        quoted = '"' + self.name.replace('"', '""') + '"'
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
                conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
        except sa.exc.SQLAlchemyError as err:
            raise BenchError(f"cannot make {self.shown} anew (the user needs the right to create databases): "
                             f"{err}") from None
        finally:
            engine.dispose()


def flask(args: list[str], env: dict, quiet: bool = False) -> str:
    """Run `flask ARGS` in the project with the benchmark's environment. Its output is shown as it comes (a
    large seed takes minutes), or – `quiet` – only when it fails."""
    lines = []
    with subprocess.Popen([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as process:
        for line in process.stdout:
            lines.append(line)
            if not quiet:
                print(f"    {line}", end="", flush=True)
    if process.returncode:
        if quiet:
            sys.stdout.write("".join(f"    {line}" for line in lines[-30:]))
        raise BenchError(f"`flask {' '.join(args)}` failed (status {process.returncode})")
    return "".join(lines)


def seed_has_scale() -> bool:
    from seed.loader import seed_command

    return any(param.name == "scale" for param in seed_command.params)


def prepare_database(s: Settings, db: Database, env: dict) -> dict:
    """Reuse the database generated with the same settings, or generate it. Returns what was done."""
    wanted = {"scale": s.scale, "demo": s.demo}
    marker = db.read_marker()
    reason = None
    if s.fresh:
        reason = "BENCH_FRESH=1"
    elif marker is None:
        reason = "no database generated by the benchmark yet"
    elif marker.get("state") != "ready":
        reason = "the last generation did not finish"
    elif {k: marker.get(k) for k in wanted} != wanted:
        reason = f"it was generated with {marker.get('scale')=}, {marker.get('demo')=}"
    tables = db.tables()
    if reason is None and not tables:
        reason = "the database is gone or empty"
    if reason is None:
        print(f"== Database {db.shown}: reusing the one generated {marker.get('generated_at')} "
              f"(scale {s.scale}); BENCH_FRESH=1 generates it again")
        flask(["db", "upgrade"], env, quiet=True)
        return {"reused": True, **marker}
    if tables and marker is None:
        raise BenchError(f"{db.shown} holds tables but was not generated by the benchmark (no {db.marker}); "
                         "it is left alone. Point BENCH_DB at an empty or new database.")
    if s.scale and not seed_has_scale():
        raise BenchError("`flask seed --scale` does not exist in this checkout yet: run with BENCH_SCALE=0 to "
                         "bench the seed and demo data only")
    print(f"== Database {db.shown}: generating ({reason})")
    if tables is None or tables:
        db.make_empty()
    db.write_marker({**wanted, "state": "generating", "started_at": _now()})
    seconds = {}
    steps = [("migrate", ["db", "upgrade"]), ("seed", ["seed", "--demo"] if s.demo else ["seed"])]
    if s.scale:
        steps.append(("scale", ["seed", "--scale", str(s.scale)]))
    for name, args in steps:
        print(f"  flask {' '.join(args)}")
        started = time.monotonic()
        flask(args, env)
        seconds[name] = round(time.monotonic() - started, 1)
    marker = {**wanted, "state": "ready", "generated_at": _now(), "seconds": seconds}
    db.write_marker(marker)
    return {"reused": False, **marker}


# --- What to ask for: found in the data ---------------------------------------------------------------

@dataclass
class Targets:
    list_total: int = 0
    list_pages: int = 1
    per_page: int = 25
    ordinary_assignment: dict = field(default_factory=dict)
    busiest_assignment: dict = field(default_factory=dict)
    top_group: dict = field(default_factory=dict)
    derived_kpi: dict = field(default_factory=dict)
    sorts: list[str] = field(default_factory=list)


def inspect_and_set_up(s: Settings, db: Database, password: str) -> tuple[Targets, dict, str]:
    """In the app (with the served app's configuration): the records the pages show, the row counts and the
    database's version; the bench account with `password` and a fresh API token, made through the same
    operations as `flask users`. Returns the targets, facts about the database, and the token."""
    from datetime import date, timedelta

    import sqlalchemy as sa
    from werkzeug.datastructures import MultiDict

    from app import create_app

    app = create_app()  # first: it imports every model, so that the areas' modules below find each other

    from app.assignments.models import Assignment, StatusReport
    from app.assignments.queries import apply_filters, steered_group_ids
    from app.auth import operations as auth_ops
    from app.auth.models import Role, User
    from app.competence.kpis.models import Kpi, KpiDerivation
    from app.competence.kpis.status import follow_up, load_kpis
    from app.core import operations as ops
    from app.extensions import db as sqla
    from app.groups.models import Group, GroupRelation, RelationKind

    t = Targets()
    with app.app_context():
        session = sqla.session
        t.per_page = app.config["PER_PAGE"]
        stmt, _filters = apply_filters(sa.select(Assignment.id), MultiDict())
        t.list_total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
        t.list_pages = max(1, math.ceil(t.list_total / t.per_page))
        counts = session.execute(
            sa.select(Assignment.id, sa.func.count(StatusReport.id))
            .outerjoin(StatusReport, sa.and_(StatusReport.assignment_id == Assignment.id, StatusReport.active()))
            .where(Assignment.active()).group_by(Assignment.id)).all()
        if not counts:
            raise BenchError("the database has no assignments: nothing to bench")
        by_count = sorted(counts, key=lambda row: (row[1], row[0]))
        ordinary, busiest = by_count[len(by_count) // 2], max(counts, key=lambda row: (row[1], -row[0]))
        t.ordinary_assignment = {"id": ordinary[0], "reports": ordinary[1]}
        t.busiest_assignment = {"id": busiest[0], "reports": busiest[1]}
        # The group that steers the most groups, directly or through those it steers.
        sources = session.scalars(sa.select(GroupRelation.source_id).where(
            GroupRelation.kind == RelationKind.STEERING_GROUP_OF, GroupRelation.active()).distinct()).all()
        active = set(session.scalars(sa.select(Group.id).where(Group.active())))
        candidates = [g for g in sources if g in active] or sorted(active)[:1]
        if not candidates:
            raise BenchError("the database has no groups: nothing to bench")
        reach = {g: len(steered_group_ids(g)) for g in candidates}
        top_id = min(candidates, key=lambda g: (-reach[g], g))
        top = session.get(Group, top_id)
        t.top_group = {"id": top.id, "name": top.name, "steers": len(steered_group_ids(top.id)) - 1}
        # The derived KPI with the longest series on its page; of equally long ones the share of regions
        # positive, counted from the largest table (the regions' stances).
        results = follow_up(load_kpis(Kpi.derivation.is_not(None)))
        if results:
            longest = max(results, key=lambda r: (len(r.series), r.kpi.derivation == KpiDerivation.REGIONS_POSITIVE,
                                                  -r.kpi.id))
            t.derived_kpi = {"id": longest.kpi.id, "code": longest.kpi.code, "points": len(longest.series)}

        facts = {"dialect": sqla.engine.dialect.name,
                 "server_version": session.scalar(sa.text(
                     "SHOW server_version" if sqla.engine.dialect.name == "postgresql" else "SELECT sqlite_version()")),
                 "rows": {name: session.scalar(sa.select(sa.func.count()).select_from(sqla.metadata.tables[name]))
                          for name in COUNTED_TABLES if name in sqla.metadata.tables}}

        user = session.scalar(sa.select(User).where(User.username == USERNAME))
        if user is None:
            user, _secret = auth_ops.create_user({"username": USERNAME, "display_name": "Benchmark",
                                                  "role": Role(s.role)}, None, password=password)
        else:
            if not user.is_active:
                auth_ops.activate_user(user, None)
            if user.role != Role(s.role):
                auth_ops.update_user(user, {"role": Role(s.role)}, None)
            auth_ops.set_password(user, password, None)
            auth_ops.unlock(USERNAME, None)
            auth_ops.revoke_tokens(user, None)
        _token, token = auth_ops.issue_token(user, None, "benchmark", date.today() + timedelta(days=2))
        ops.commit()
        sqla.engine.dispose()
    return t, facts, token


# --- HTTP: one request without following redirects ----------------------------------------------------

def request(base: str, path: str, headers: dict | None = None, method: str = "GET", body: str | None = None):
    """(status, headers, body) of one request; a redirect is an answer, not followed."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _cookies(headers, jar: dict) -> dict:
    for value in headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(value).items():
            jar[name] = morsel.value
    return jar


def sign_in(base: str, username: str, password: str) -> str:
    """Sign in through the sign-in form (with its CSRF token); returns the Cookie header."""
    status, headers, body = request(base, "/login")
    if status != 200:
        raise BenchError(f"GET /login answered {status}")
    jar = _cookies(headers, {})
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    if not match:
        raise BenchError("the sign-in page has no CSRF token")
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": match.group(1)})
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, body = request(base, "/login", {"Cookie": cookie,
                                                     "Content-Type": "application/x-www-form-urlencoded"},
                                    "POST", form)
    if status != 302:
        raise BenchError(f"signing in answered {status}, not a redirect: {_text(body)[:300]}")
    cookie = "; ".join(f"{k}={v}" for k, v in _cookies(headers, jar).items())
    status, _headers, _body = request(base, "/", {"Cookie": cookie})
    if status != 200:
        raise BenchError(f"after signing in, / answered {status}")
    return cookie


def _text(body: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


class _SortLinks(html.parser.HTMLParser):
    """The `sort` values of the links to the assignment list on its own page."""

    def __init__(self):
        super().__init__()
        self.sorts: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if not href:
            return
        parts = urllib.parse.urlsplit(urllib.parse.urljoin("/assignments/", href))
        if parts.path.rstrip("/") == "/assignments":
            for value in urllib.parse.parse_qs(parts.query).get("sort", []):
                if value not in self.sorts:
                    self.sorts.append(value)


def offered_sorts(html_text: str) -> list[str]:
    parser = _SortLinks()
    parser.feed(html_text)
    return parser.sorts


# --- The pages -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    name: str
    path: str
    server: str = "app"  # or "hello"
    auth: str = "session"  # "token" (the API), "" (none)
    p90_goal_ms: float | None = P90_GOAL_MS  # at the (low) connection count every page runs with
    high: bool = False  # also run with the high connection count
    high_share_goal: float | None = None  # there: req/s at least this share of Hello's


def pages(t: Targets) -> list[Page]:
    """Every page benched, in order: one line each. The assignment list's deep page is run in its default
    order and in each order its page offers (a link with `sort=`), or BENCH_SORTS."""
    def deep(sort: str) -> Page:
        query = urllib.parse.urlencode({"sort": sort, "page": t.list_pages} if sort else {"page": t.list_pages})
        return Page("assignments-deep" + (f":{sort}" if sort else ""), f"/assignments/?{query}")

    return [
        Page("hello", "/", server="hello", auth="", p90_goal_ms=None, high=True),
        Page("assignments", "/assignments/", high=True, high_share_goal=LIST_SHARE_OF_HELLO),
        *(deep(sort) for sort in ["", *t.sorts]),
        Page("assignment", f"/assignments/{t.ordinary_assignment['id']}"),
        Page("assignment-most-reports", f"/assignments/{t.busiest_assignment['id']}"),
        Page("followup", "/followup/"),
        Page("steering-top-group", f"/followup/groups/{t.top_group['id']}", p90_goal_ms=STEERING_P90_GOAL_MS),
        Page("decisions", "/decisions/"),
        Page("meetings", "/meetings/"),
        Page("search", "/search/?q=analys"),
        Page("start", "/"),
        Page("api-assignments", "/api/v1/assignments", auth="token"),
        Page("api-decisions", "/api/v1/decisions", auth="token"),
        Page("api-meetings", "/api/v1/meetings", auth="token"),
        Page("competence", "/competence/"),
        Page("competence-kpis", "/competence/kpis"),
        *([Page("competence-kpi", f"/competence/kpis/{t.derived_kpi['id']}")] if t.derived_kpi else []),
        Page("competence-stances", "/competence/regions/stances"),
        Page("competence-maturity", "/competence/regions/maturity"),
        Page("competence-report", "/competence/report"),
    ]


# --- Servers ----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """An app under gunicorn with gunicorn.conf.py and the benchmark's overrides."""

    def __init__(self, name: str, target: str, s: Settings, env: dict, ready_path: str):
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.access_log = s.workdir / f"{name}-access.log"
        self.error_log = s.workdir / f"{name}-error.log"
        for log in (self.access_log, self.error_log):
            log.unlink(missing_ok=True)
        self.ready_path, self.workers = ready_path, s.workers
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", str(s.workers),
             "--max-requests", str(s.max_requests), "--bind", f"127.0.0.1:{self.port}",
             "--access-logfile", str(self.access_log), "--error-logfile", str(self.error_log), target],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._log_offset = 0

    def wait_ready(self) -> None:
        """Until it answers and all its workers are up."""
        deadline = time.monotonic() + 90
        while True:
            try:
                if request(self.base, self.ready_path)[0] == 200 and len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = self.error_log.read_text()[-3000:] if self.error_log.exists() else ""
                raise BenchError(f"gunicorn for {self.name} did not start:\n{log}")
            time.sleep(0.2)

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def memory(self) -> dict:
        """RSS (and PSS where the kernel tells it) of each worker, in MB."""
        workers = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
            worker = {"pid": pid, "rss_mb": round(rss, 1)}
            try:
                pss = re.search(r"^Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M)
                worker["pss_mb"] = round(int(pss.group(1)) / 1024, 1)
            except (OSError, AttributeError):
                pass
            workers.append(worker)
        rss = [w["rss_mb"] for w in workers]
        return {"workers": workers, "count": len(workers), "sum_rss_mb": round(sum(rss), 1),
                "max_rss_mb": max(rss, default=0)}

    def statuses_since_last(self) -> dict:
        """The answers' statuses in the access log since the last call."""
        try:
            with open(self.access_log, encoding="utf-8", errors="replace") as fh:
                fh.seek(self._log_offset)
                text = fh.read()
                self._log_offset = fh.tell()
        except OSError:
            return {}
        counts: dict[str, int] = {}
        for status in re.findall(r'" (\d{3}) ', text):
            counts[status] = counts.get(status, 0) + 1
        return counts

    def stop(self, wait: bool = True) -> None:
        """gunicorn's quick shutdown (SIGINT): nothing is left to answer."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        if wait:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- wrk --------------------------------------------------------------------------------------------

def wrk_version() -> str:
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed: `apt-get install wrk` (Debian/Ubuntu) or see "
                         "https://github.com/wg/wrk")
    result = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (result.stdout + result.stderr).splitlines()[0].strip()


def wrk(url: str, connections: int, seconds: int, headers: dict, s: Settings) -> dict:
    command = ["wrk", f"-t{min(s.threads, connections)}", f"-c{connections}", f"-d{seconds}s",
               f"--timeout={s.timeout}s", "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + s.timeout + 60)
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if result.returncode or line is None:
        raise BenchError(f"wrk failed on {url}: {result.stdout[-1000:]} {result.stderr[-1000:]}")
    return json.loads(line[len("BENCH_JSON "):])


# --- The run ----------------------------------------------------------------------------------------

def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def machine() -> dict:
    info = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}
    try:
        model = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        info["cpu"] = model.group(1).strip() if model else platform.processor()
        mem = re.search(r"^MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text(), re.M)
        info["memory_mb"] = int(mem.group(1)) // 1024
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    for package in ("flask", "werkzeug", "sqlalchemy", "gunicorn", "psycopg"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            pass
    return info


def git() -> dict:
    def out(*args) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    return {"commit": out("rev-parse", "HEAD"), "branch": out("rev-parse", "--abbrev-ref", "HEAD"),
            "dirty": bool(out("status", "--porcelain", "--untracked-files=no"))}


def _ms(us: float) -> float:
    return round(us / 1000, 2)


def measure(page: Page, connections: int, server: Server, headers: dict, s: Settings) -> dict:
    url = server.base + page.path
    if s.warmup:
        wrk(url, connections, s.warmup, headers, s)
    server.statuses_since_last()
    raw = wrk(url, connections, s.duration, headers, s)
    status_after = request(server.base, page.path, headers)[0]
    time.sleep(0.05)  # the last answers' access-log lines
    statuses = server.statuses_since_last()
    seconds = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    errors = {k: int(v) for k, v in raw["errors"].items()}
    problems = []
    if raw["requests"] == 0:
        problems.append("no request was answered")
    # gunicorn's sync workers close each connection after answering; now and then wrk writes its next
    # request into one just closed and counts a socket error. A few of those (at most 1 in 200) are
    # no failure of the page – every answer's status is checked in the access log below – anything
    # more, or any other kind of error, is.
    socket_errors = errors.get("connect", 0) + errors.get("read", 0) + errors.get("write", 0)
    others = {k: v for k, v in errors.items() if v and k not in ("connect", "read", "write")}
    if others or socket_errors > max(1, raw["requests"] // 200):
        problems.append("wrk errors: " + ", ".join(f"{k} {v}" for k, v in errors.items() if v))
    other = {k: v for k, v in statuses.items() if k != "200"}
    if other:
        problems.append("answers other than 200: " + ", ".join(f"{v}× {k}" for k, v in sorted(other.items())))
    if status_after != 200:
        problems.append(f"answered {status_after} after the run")
    return {"page": page.name, "path": page.path, "server": page.server, "connections": connections,
            "requests": int(raw["requests"]), "seconds": round(seconds, 2),
            "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
            "latency_ms": {k: _ms(latency[k]) for k in ("p50", "p75", "p90", "p99", "mean", "max")}
            if raw["requests"] else {k: None for k in ("p50", "p75", "p90", "p99", "mean", "max")},
            "errors": errors, "statuses": statuses, "status_after": status_after, "problems": problems}


def judge(row: dict, page: Page, hello_rps: dict, s: Settings) -> None:
    """The share of Hello's req/s at the same connection count, and the goal for this run."""
    hello = hello_rps.get(row["connections"])
    row["share_of_hello"] = round(row["rps"] / hello, 4) if hello else None
    goal = None
    if row["connections"] == s.connections and page.p90_goal_ms is not None:
        p90 = row["latency_ms"]["p90"]
        goal = {"goal": f"p90 <= {page.p90_goal_ms:g} ms", "passed": p90 is not None and p90 <= page.p90_goal_ms}
    elif row["connections"] == s.high_connections and page.high_share_goal is not None:
        share = row["share_of_hello"]
        goal = {"goal": f"req/s >= {page.high_share_goal:.0%} of hello",
                "passed": share is not None and share >= page.high_share_goal}
    row["goal"] = goal


def _cell(value, unit="") -> str:
    return "-" if value is None else f"{value:,.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def table(rows: list[dict]) -> str:
    head = f"{'page':<34} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'x hello':>8}  goal"
    lines = [head, "-" * (len(head) + 30)]
    for r in rows:
        lat = r["latency_ms"]
        share = "-" if r.get("share_of_hello") is None else f"{r['share_of_hello']:.3f}"
        goal = r.get("goal")
        verdict = "" if goal is None else f"{goal['goal']}: {'pass' if goal['passed'] else 'FAIL'}"
        if r["problems"]:
            verdict = (verdict + "  " if verdict else "") + "ERROR: " + "; ".join(r["problems"])
        lines.append(f"{r['page']:<34} {r['connections']:>5} {_cell(r['rps']):>9} {_cell(lat['p50']):>8} "
                     f"{_cell(lat['p90']):>8} {_cell(lat['p99']):>8} {share:>8}  {verdict}")
    return "\n".join(lines)


def memory_line(name: str, before: dict, after: dict) -> str:
    return (f"{name:<6} workers {after['count']}: RSS before sum {before['sum_rss_mb']:.0f} MB, max "
            f"{before['max_rss_mb']:.0f} MB; after sum {after['sum_rss_mb']:.0f} MB, max {after['max_rss_mb']:.0f} MB")


def memory_on_file(results: Path, dialect: str) -> dict:
    """The app workers' largest RSS after the run, per scale, in earlier results of this dialect."""
    found = {}
    for path in sorted(results.glob(f"*-{dialect}-*.json")):
        try:
            data = json.loads(path.read_text())
            found[data["database"]["scale"]] = data["memory"]["app"]["after"]["max_rss_mb"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found


def selected(page: Page, only: list[str]) -> bool:
    return not only or page.server == "hello" or any(fnmatch.fnmatchcase(page.name, p) for p in only)


def run(s: Settings) -> int:
    started, host = _now(), machine()
    host["wrk"] = wrk_version()
    if not LUA.exists():
        raise BenchError(f"{LUA} is missing")
    db = Database(s.db, s.workdir)
    s.workdir.mkdir(parents=True, exist_ok=True)
    secret_key = secrets.token_hex(32)
    env = dict(os.environ, FLASK_APP="app", DATABASE_URL=db.url, SECRET_KEY=secret_key,
               SECURITY_LOG_FILE=str(s.workdir / "security.log"), HUEY_URL=f"sqlite:///{s.workdir / 'huey.db'}",
               FILES_DIR=str(s.workdir / "files"), API_RATE_LIMIT=s.api_rate_limit)
    env.pop("FLASK_DEBUG", None)
    # The runner's own look at the database builds the app as gunicorn will: same environment.
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "SECURITY_LOG_FILE", "HUEY_URL",
                                           "FILES_DIR", "API_RATE_LIMIT")})
    os.environ.pop("FLASK_DEBUG", None)
    sys.path.insert(0, str(ROOT))

    generation = prepare_database(s, db, env)
    servers: dict[str, Server] = {}
    rows: list[dict] = []
    memory: dict = {}
    warnings: list[str] = []
    if host["load_average"][0] > (os.cpu_count() or 1) / 2:
        warnings.append(f"the machine was busy when the run began (load average {host['load_average'][0]} on "
                        f"{os.cpu_count()} CPUs): the figures are lower than on an idle machine")
    try:
        print(f"== gunicorn: {s.workers} workers each for the register and for bench/hello.py")
        servers["app"] = Server("app", "app:create_app()", s, env, "/health")
        servers["hello"] = Server("hello", "bench.hello:app", s, env, "/")
        # While they start: what to ask for, and the bench account.
        password = secrets.token_urlsafe(24)
        targets, facts, token = inspect_and_set_up(s, db, password)
        rows_ = facts["rows"]
        print(f"== {rows_.get('assignments')} assignments, {rows_.get('status_reports')} status reports, "
              f"{rows_.get('change_log')} change-log rows; the list has {targets.list_total} in "
              f"{targets.list_pages} pages; top steering group {targets.top_group['name']!r} "
              f"(steers {targets.top_group['steers']})")
        for server in servers.values():
            server.wait_ready()
        cookie = sign_in(servers["app"].base, USERNAME, password)
        auth = {"session": {"Cookie": cookie}, "token": {"Authorization": f"Bearer {token}"}, "": {}}
        status, _headers, body = request(servers["app"].base, "/assignments/", auth["session"])
        if status != 200:
            raise BenchError(f"/assignments/ answered {status}")
        targets.sorts = s.sorts if s.sorts is not None else offered_sorts(body)
        chosen = [p for p in pages(targets) if selected(p, s.only)]
        if s.only and all(p.server == "hello" for p in chosen):
            raise BenchError(f"BENCH_ONLY={','.join(s.only)} names no page; the pages are: "
                             + ", ".join(p.name for p in pages(targets)))
        print("== Every URL once (each must answer 200)")
        refused = []
        for page in chosen:
            status, _headers, body = request(servers[page.server].base, page.path, auth[page.auth])
            print(f"  {status} {page.name:<34} {page.path}")
            if status != 200:
                refused.append(f"{page.name} {page.path}: {status} {_text(body)[:200]}")
            elif page.name.startswith("assignments-deep") and targets.list_pages > 1 and (
                    'rel="prev"' not in body or 'rel="next"' in body):
                warnings.append(f"{page.path} is not the list's last page (its pager says otherwise): the count "
                                "of the list's rows in bench/run.py no longer matches the list")
        if refused:
            raise BenchError("not every URL answers 200:\n  " + "\n  ".join(refused))
        for server in servers.values():
            server.statuses_since_last()
        memory = {name: {"before": server.memory()} for name, server in servers.items()}

        runs = [(p, c) for p in chosen for c in [s.connections, *([s.high_connections] if p.high else [])]]
        print(f"== {len(runs)} runs of {s.duration} s" + (f" after {s.warmup} s of warm-up" if s.warmup else ""))
        hello_rps: dict[int, float] = {}
        for page, connections in runs:
            row = measure(page, connections, servers[page.server], auth[page.auth], s)
            if page.server == "hello":
                hello_rps[connections] = row["rps"]
            judge(row, page, hello_rps, s)
            rows.append(row)
            lat = row["latency_ms"]
            print(f"  {page.name:<34} c{connections:<3} {row['rps']:>9.1f} req/s  p90 {_cell(lat['p90'])} ms"
                  + ("  " + "; ".join(row["problems"]) if row["problems"] else ""))
        for name, server in servers.items():
            memory[name]["after"] = server.memory()
    finally:
        for server in servers.values():
            server.stop(wait=False)
        for server in servers.values():
            server.stop()

    goals = [r["goal"] for r in rows if r.get("goal")]
    result = {
        "started_at": started, "finished_at": _now(), "git": git(), "machine": host,
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(s).items() if k != "db"},
        "database": {"url": db.shown, **facts, "scale": s.scale, "demo": s.demo, "generation": generation},
        "targets": asdict(targets),
        "goals": {"p90_ms": P90_GOAL_MS, "steering_p90_ms": STEERING_P90_GOAL_MS,
                  "list_share_of_hello_at_high_connections": LIST_SHARE_OF_HELLO,
                  "all_passed": all(g["passed"] for g in goals), "missed": sum(not g["passed"] for g in goals)},
        "pages": rows, "memory": memory, "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "warnings": warnings,
        "ok": not any(r["problems"] for r in rows),
    }
    earlier = memory_on_file(s.results, db.dialect)
    s.results.mkdir(parents=True, exist_ok=True)
    out = s.results / f"{datetime.now():%Y-%m-%d-%H%M%S}-{db.dialect}-{s.scale}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    print()
    print(f"Benchmark {db.dialect} {facts['server_version']}, scale {s.scale}, {s.workers} workers, "
          f"{os.cpu_count()} CPUs, {s.duration} s a run")
    print(table(rows))
    print()
    for name in ("app", "hello"):
        if "after" in memory.get(name, {}):
            print(memory_line(name, memory[name]["before"], memory[name]["after"]))
    if earlier:
        print("app worker max RSS after earlier runs on " + db.dialect + ": "
              + ", ".join(f"scale {k}: {v:.0f} MB" for k, v in sorted(earlier.items())))
    for warning in warnings:
        print(f"warning: {warning}")
    print(f"\ngoals: {len(goals) - result['goals']['missed']} of {len(goals)} met; "
          + ("every page answered 200" if result["ok"] else "SOME PAGES FAILED (see ERROR above)"))
    print(f"result: {out}")
    if not result["ok"]:
        return 1
    return 2 if s.strict and result["goals"]["missed"] else 0


def main(argv: list[str] | None = None) -> int:
    settings = parse_settings(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it comes, also into a pipe or a file
    try:
        return run(settings)
    except BenchError as err:
        print(f"bench: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
