"""`make bench` in small: the same runner (bench/run.py) on a fresh database with the demo data – and
`flask seed --scale` with a tiny N where that command exists –, both apps under gunicorn, one connection
and a second a page. What is checked is the machinery, not the figures: every page of the benchmark is in
the result with numbers, answered 200 throughout, and the workers' memory was read.

On PostgreSQL (DATABASE_URL, as in CI) the benchmark gets a database of its own beside the suite's."""

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import run as bench_run
from bench.run import Targets, pages, seed_has_scale

ROOT = Path(__file__).parents[1]
TINY_SCALE = 50


def _bench_database(database_url: str, tmp_path: Path) -> str:
    """A database for the benchmark alone: SQLite in tmp_path, or an empty `<suite's database>_bench` on the
    suite's PostgreSQL server."""
    if not database_url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'bench.db'}"
    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/") + "_bench"
    engine = sa.create_engine(urllib.parse.urlunsplit(parts._replace(path="/postgres")), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/" + name))


def test_the_benchmark_runs_every_page_and_writes_its_result(database_url, tmp_path):
    if shutil.which("wrk") is None:
        pytest.fail("wrk is not installed, and the benchmark runs on it: `apt-get install wrk` (.ci/run installs it)")
    scale = TINY_SCALE if seed_has_scale() else 0
    env = dict(os.environ, BENCH_DB=_bench_database(database_url, tmp_path), BENCH_SCALE=str(scale),
               BENCH_DURATION="1", BENCH_WARMUP="0", BENCH_CONNECTIONS="1", BENCH_HIGH_CONNECTIONS="2",
               BENCH_WORKERS="2", BENCH_RESULTS=str(tmp_path / "results"), BENCH_WORKDIR=str(tmp_path / "work"))
    for name in ("BENCH_FRESH", "BENCH_ONLY", "BENCH_SORTS", "BENCH_STRICT", "DATABASE_URL"):
        env.pop(name, None)
    run = subprocess.run([sys.executable, "-m", "bench.run"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    [path] = (tmp_path / "results").glob("*.json")
    assert path.name.endswith(f"-{'postgresql' if database_url.startswith('postgresql') else 'sqlite'}-{scale}.json")
    result = json.loads(path.read_text())

    assert result["ok"] and result["database"]["scale"] == scale and result["database"]["rows"]["assignments"] > 0
    assert result["machine"]["cpus"] and result["machine"]["wrk"].startswith("wrk")
    targets = Targets(**result["targets"])
    expected = {(p.name, c) for p in pages(targets) for c in ([1, 2] if p.high else [1])}
    assert {(r["page"], r["connections"]) for r in result["pages"]} == expected
    assert {"hello", "assignments", "assignments-deep", "assignment-most-reports", "steering-top-group",
            "api-assignments"} <= {name for name, _c in expected}
    for row in result["pages"]:
        assert row["problems"] == [] and row["status_after"] == 200, row
        assert set(row["statuses"]) == {"200"}, row  # the server's own log: every answer was 200
        assert row["requests"] > 0 and row["rps"] > 0, row
        assert all(isinstance(row["latency_ms"][p], float | int) for p in ("p50", "p90", "p99")), row
        assert row["share_of_hello"] is not None
    assert [r["goal"]["goal"] for r in result["pages"] if r["page"] == "steering-top-group"] == ["p90 <= 100 ms"]
    assert any(r["goal"] and "of hello" in r["goal"]["goal"] for r in result["pages"] if r["page"] == "assignments")
    for server in ("app", "hello"):
        for moment in ("before", "after"):
            memory = result["memory"][server][moment]
            assert memory["count"] == 2 and memory["max_rss_mb"] > 0
    assert "p90 ms" in run.stdout and "x hello" in run.stdout  # the table was printed


@pytest.fixture
def fake_flask(monkeypatch):
    """The benchmark's `flask …` steps recorded instead of run; `db upgrade` makes a table."""
    calls = []

    def flask(args, env, quiet=False):
        calls.append(" ".join(args))
        if args == ["db", "upgrade"]:
            url = env["DATABASE_URL"]
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE IF NOT EXISTS assignments (id INTEGER PRIMARY KEY)"))
            engine.dispose()
        return ""

    monkeypatch.setattr(bench_run, "flask", flask)
    monkeypatch.setattr(bench_run, "seed_has_scale", lambda: True)
    return calls


def _settings(tmp_path, *args):
    return bench_run.parse_settings(["--db", f"sqlite:///{tmp_path / 'b.db'}", "--workdir", str(tmp_path),
                                     *args], environ={})


def test_a_generated_database_is_reused_at_the_same_scale_and_generated_again_otherwise(tmp_path, fake_flask):
    s = _settings(tmp_path, "--scale", "50")
    db = bench_run.Database(s.db, s.workdir)
    env = {"DATABASE_URL": db.url}
    assert bench_run.prepare_database(s, db, env)["reused"] is False
    assert fake_flask == ["db upgrade", "seed --demo", "seed --scale 50"]
    assert json.loads((tmp_path / "b.db.json").read_text())["state"] == "ready"
    fake_flask.clear()
    assert bench_run.prepare_database(s, db, env)["reused"] is True
    assert fake_flask == ["db upgrade"]  # migrated, not seeded again
    fake_flask.clear()
    bench_run.prepare_database(_settings(tmp_path, "--scale", "60"), db, env)
    assert fake_flask == ["db upgrade", "seed --demo", "seed --scale 60"]
    fake_flask.clear()
    bench_run.prepare_database(_settings(tmp_path, "--scale", "60", "--fresh"), db, env)
    assert fake_flask == ["db upgrade", "seed --demo", "seed --scale 60"]


def test_a_database_the_benchmark_did_not_generate_is_left_alone(tmp_path, fake_flask):
    s = _settings(tmp_path, "--scale", "0", "--fresh")
    db = bench_run.Database(s.db, s.workdir)
    engine = sa.create_engine(db.url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE precious (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(bench_run.BenchError, match="not generated by the benchmark"):
        bench_run.prepare_database(s, db, {"DATABASE_URL": db.url})
    assert fake_flask == [] and "precious" in sa.inspect(sa.create_engine(db.url)).get_table_names()


def test_scale_without_the_scale_seed_says_what_to_do(tmp_path, fake_flask, monkeypatch):
    monkeypatch.setattr(bench_run, "seed_has_scale", lambda: False)
    s = _settings(tmp_path, "--scale", "100")
    with pytest.raises(bench_run.BenchError, match="BENCH_SCALE=0"):
        bench_run.prepare_database(s, bench_run.Database(s.db, s.workdir), {})


def test_the_deep_page_runs_in_every_order_the_list_offers():
    page = """<table><tr><th><a href="/assignments/?status=open&amp;sort=due">Klart</a></th>
        <th><a href="?sort=-due&amp;page=2">Klart</a></th><th><a href="/assignments/?sort=title">Titel</a></th>
        <th><a href="/decisions/?sort=date">x</a></th>
        <th><a href="/assignments/?sort=due">again</a></th></tr></table>"""
    sorts = bench_run.offered_sorts(page)
    assert sorts == ["due", "-due", "title"]
    targets = Targets(list_pages=4000, ordinary_assignment={"id": 1}, busiest_assignment={"id": 2},
                      top_group={"id": 3}, sorts=sorts)
    deep = {p.name: p.path for p in pages(targets) if p.name.startswith("assignments-deep")}
    assert deep == {"assignments-deep": "/assignments/?page=4000",
                    "assignments-deep:due": "/assignments/?sort=due&page=4000",
                    "assignments-deep:-due": "/assignments/?sort=-due&page=4000",
                    "assignments-deep:title": "/assignments/?sort=title&page=4000"}


def test_the_deep_page_runs_in_each_order_of_the_real_list(app, login_as):
    """The benchmark takes its orders from the list's own headers: every order the list has (the status and
    latest-report orders too) gets a deep page, without a list of them to keep in step here."""
    from app.assignments.queries import SORTS
    from app.auth.models import Role

    sorts = bench_run.offered_sorts(login_as(Role.SECRETARIAT).get("/assignments/").get_data(as_text=True))
    assert {s.lstrip("-") for s in sorts} == set(SORTS)
    targets = Targets(list_pages=4000, ordinary_assignment={"id": 1}, busiest_assignment={"id": 2},
                      top_group={"id": 3}, sorts=sorts)
    deep = {p.name: p.path for p in pages(targets) if p.name.startswith("assignments-deep")}
    assert deep["assignments-deep:status"] == "/assignments/?sort=status&page=4000"
    assert deep["assignments-deep:-report"] == "/assignments/?sort=-report&page=4000"  # the newest report first
