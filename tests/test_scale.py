"""What keeps the governance pages fast at national scale: the assignments' kept state (true after
every operation, rebuilt by `flask maintenance recompute`), list orders each served by an index,
capped counts, and SQLite query plans that never scan a large table whole."""

import re
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.assignments import operations as assignment_ops
from app.assignments.models import OPEN_STATUSES, Assignment, AssignmentStatus, TrafficLight
from app.assignments.queries import SORTS, apply_filters, kept_state_differences, kept_total
from app.auth import operations as auth_ops
from app.auth.models import Role
from app.core import operations as core_ops
from app.core import pagination, tallies
from app.core.audit import history_for
from app.decisions import operations as decision_ops
from app.decisions.models import ExecutionStatus
from app.extensions import db
from app.groups.models import GroupType, RelationKind
from tests import factories as f
from tests import gov_factories as g
from tests.conftest import make_user

TODAY = date.today()


def _kept(a: Assignment) -> tuple:
    db.session.expire_all()
    a = db.session.get(Assignment, a.id)
    return a.latest_light, a.latest_reported_on, a.open_due_on


def test_the_operations_keep_the_state_that_recomputing_gives(app):
    w = g.world()
    a = assignment_ops.create_assignment(dict(
        title="Kept", principal_group_id=w.principal.id, recipient_group_id=w.recipient.id,
        status=AssignmentStatus.COMMISSIONED, due_on=TODAY - timedelta(days=1)), None)
    db.session.commit()
    steps = [
        ("created open and past due", lambda: None, (None, None, TODAY - timedelta(days=1))),
        ("started", lambda: assignment_ops.transition(a, AssignmentStatus.IN_PROGRESS, None),
         (None, None, TODAY - timedelta(days=1))),
        ("reported", lambda: assignment_ops.file_report(a, dict(reported_on=TODAY - timedelta(days=5),
                                                                 traffic_light=TrafficLight.AT_RISK), None),
         (TrafficLight.AT_RISK, TODAY - timedelta(days=5), TODAY - timedelta(days=1))),
        # A report dated earlier than the newest one does not become the latest.
        ("backdated report", lambda: assignment_ops.file_report(a, dict(reported_on=TODAY - timedelta(days=9),
                                                                         traffic_light=TrafficLight.OFF_TRACK), None),
         (TrafficLight.AT_RISK, TODAY - timedelta(days=5), TODAY - timedelta(days=1))),
        ("same-day report", lambda: assignment_ops.file_report(a, dict(reported_on=TODAY - timedelta(days=5),
                                                                        traffic_light=TrafficLight.ON_TRACK), None),
         (TrafficLight.ON_TRACK, TODAY - timedelta(days=5), TODAY - timedelta(days=1))),
        ("due date moved", lambda: assignment_ops.update_assignment(a, dict(
            title=a.title, principal_group_id=a.principal_group_id, recipient_group_id=a.recipient_group_id,
            due_on=TODAY + timedelta(days=30)), None),
         (TrafficLight.ON_TRACK, TODAY - timedelta(days=5), TODAY + timedelta(days=30))),
        ("report requested", lambda: assignment_ops.request_report(a, TODAY + timedelta(days=3), None),
         (TrafficLight.ON_TRACK, TODAY - timedelta(days=5), TODAY + timedelta(days=30))),
        ("paused", lambda: assignment_ops.transition(a, AssignmentStatus.PAUSED, None),
         (TrafficLight.ON_TRACK, TODAY - timedelta(days=5), TODAY + timedelta(days=30))),
        ("resumed and delivered", lambda: (assignment_ops.transition(a, AssignmentStatus.IN_PROGRESS, None),
                                           assignment_ops.transition(a, AssignmentStatus.DELIVERED, None)),
         (TrafficLight.ON_TRACK, TODAY - timedelta(days=5), None)),
        ("accepted", lambda: assignment_ops.transition(a, AssignmentStatus.ACCEPTED, None),
         (TrafficLight.ON_TRACK, TODAY - timedelta(days=5), None)),
        ("given by another group", lambda: assignment_ops.update_assignment(a, dict(
            title=a.title, principal_group_id=w.steering.id, recipient_group_id=a.recipient_group_id,
            due_on=a.due_on), None),
         (TrafficLight.ON_TRACK, TODAY - timedelta(days=5), None)),
        ("archived", lambda: core_ops.archive(a, None), (TrafficLight.ON_TRACK, TODAY - timedelta(days=5), None)),
        ("restored", lambda: core_ops.restore(a, None), (TrafficLight.ON_TRACK, TODAY - timedelta(days=5), None)),
    ]
    for name, step, expected in steps:
        step()
        db.session.commit()
        assert _kept(a) == expected, name
        assert kept_state_differences() == [], name
        assert _tally_differences() == {}, name
        a = db.session.get(Assignment, a.id)
    # The counts followed: the assignment is counted under its new principal, no longer the old one.
    accepted = f"{AssignmentStatus.ACCEPTED.value}|{TrafficLight.ON_TRACK.value}"
    assert tallies.counts("assignments.state", [w.steering.id]) == {accepted: 1}
    assert tallies.counts("assignments.state", [w.principal.id]) == {}


def _tally_differences() -> dict:
    return {kind: wrong for kind in tallies.SPECS if (wrong := tallies.differences(kind))}


def test_the_decisions_awaiting_execution_are_kept_counted_per_group_and_date(app):
    w = g.world()
    late = g.decision(w.principal, execute_by=TODAY - timedelta(days=3))
    g.decision(w.principal, title="Utan datum")
    g.decision(w.steering, title="Senare", execute_by=TODAY + timedelta(days=10))
    kind = "decisions.awaiting"
    assert tallies.total(kind, before=TODAY.isoformat()) == 1
    assert tallies.total(kind, [w.principal.id]) == 2
    assert tallies.total(kind, None, less=[w.principal.id]) == 1
    assert tallies.total(kind, [w.principal.id, w.steering.id], less=[w.steering.id]) == 2
    decision_ops.update_decision(late, dict(title=late.title, text=late.text, kind=late.kind, group_id=late.group_id,
                                            state=late.state, decided_on=late.decided_on, execute_by=late.execute_by,
                                            execution_status=ExecutionStatus.DONE), None)
    db.session.commit()
    assert tallies.total(kind, before=TODAY.isoformat()) == 0
    assert _tally_differences() == {}


def test_keeping_the_state_moves_no_version_and_writes_no_history(app):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    version = a.version
    g.report(a, TrafficLight.OFF_TRACK)
    db.session.expire_all()
    a = db.session.get(Assignment, a.id)
    assert (a.latest_light, a.latest_reported_on) == (TrafficLight.OFF_TRACK, TODAY)
    assert (a.report_sort, a.report_desc_sort) == (TODAY, TODAY)
    assert a.version == version  # the chair's open edit form is not made stale by a report
    assignment_ops.transition(a, AssignmentStatus.PAUSED, None)  # moves the status key, not the history
    db.session.commit()
    fields = {field for entry in history_for(a) for field in (entry.changes or {})}
    assert fields and not fields & {"latest_light", "latest_reported_on", "open_due_on", "title_sort", "due_sort",
                                    "status_sort", "report_sort", "report_desc_sort"}


def test_recompute_repairs_kept_state_and_check_reports_it(runner):
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    g.report(a, TrafficLight.AT_RISK)
    db.session.execute(sa.update(Assignment.__table__).where(Assignment.id == a.id)
                       .values(latest_light=None, latest_reported_on=None, open_due_on=date(2000, 1, 1)))
    db.session.commit()
    assert {d[1] for d in kept_state_differences()} == {"latest_light", "latest_reported_on", "open_due_on"}

    check = runner.invoke(args=["maintenance", "recompute", "--check"])
    assert check.exit_code == 1 and "1 assignment(s) and" in check.output
    fix = runner.invoke(args=["maintenance", "recompute"])
    assert fix.exit_code == 0 and "1 assignment(s) and" in fix.output
    assert kept_state_differences() == [] and _tally_differences() == {}
    assert _kept(a)[0] == TrafficLight.AT_RISK
    again = runner.invoke(args=["maintenance", "recompute", "--check"])
    assert again.exit_code == 0 and "0 assignment(s) and 0 tally count(s) differ" in again.output


def test_recompute_repairs_a_wrong_tally_and_check_names_it(runner):
    w = g.world()
    g.assignment(w.principal, w.recipient, due_on=TODAY - timedelta(days=2))
    table = tallies.Tally.__table__
    db.session.execute(sa.update(table).where(table.c.kind == "assignments.overdue", table.c.scope_id == 0)
                       .values(n=table.c.n + 5))
    db.session.commit()
    check = runner.invoke(args=["maintenance", "recompute", "--check"])
    day = (TODAY - timedelta(days=2)).isoformat()
    assert check.exit_code == 1 and f"tally assignments.overdue group all {day}: 6, should be 1" in check.output
    assert "0 assignment(s) and 1 tally count(s) differ" in check.output
    fix = runner.invoke(args=["maintenance", "recompute"])
    assert fix.exit_code == 0 and "0 assignment(s) and 1 tally count(s) corrected" in fix.output
    assert _tally_differences() == {}
    assert tallies.total("assignments.overdue", before=TODAY.isoformat()) == 1


# Lists: every offered order, both directions, sorted as promised (Swedish order for titles,
# undated last), headers that sort, and unknown orders refused.

def _titles(browser, url):
    html = browser.get(url).get_data(as_text=True)
    return re.findall(r'<a href="/assignments/\d+">([^<]+)</a>', html)


def test_every_sort_order_sorts_the_list(app, login_as):
    nsg, nag = f.group("NSG Sort"), f.group("NAG Sort", GroupType.NAG)
    for title, due in (("Öppen fråga", date(2031, 1, 1)), ("Zeta", None), ("Ärende", date(2030, 6, 1)),
                       ("alfa", date(2032, 1, 1)), ("Beta", date(2030, 1, 1))):
        f.assignment(nsg, nag, title, due_on=due)
    b = login_as(Role.READER)
    assert set(SORTS) == {"due", "title", "status", "report"}
    assert _titles(b, "/assignments/") == ["Beta", "Ärende", "Öppen fråga", "alfa", "Zeta"]
    assert _titles(b, "/assignments/?sort=-due") == ["Zeta", "alfa", "Öppen fråga", "Ärende", "Beta"]
    assert _titles(b, "/assignments/?sort=title") == ["alfa", "Beta", "Zeta", "Ärende", "Öppen fråga"]
    assert _titles(b, "/assignments/?sort=-title") == ["Öppen fråga", "Ärende", "Zeta", "Beta", "alfa"]

    html = b.get("/assignments/?sort=title").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and 'href="/assignments/?sort=-title"' in html
    assert 'href="/assignments/?sort=due"' in html
    assert b.get("/assignments/?sort=bogus").status_code == 400


def test_the_list_sorts_by_lifecycle_and_by_latest_report_with_the_unreported_last(app, login_as):
    nsg, nag = f.group("NSG Läge"), f.group("NAG Läge", GroupType.NAG)
    rows = [("Pausat", AssignmentStatus.PAUSED, date(2030, 1, 1), date(2026, 3, 1)),
            ("Levererat", AssignmentStatus.DELIVERED, None, None),
            ("Beställt sent", AssignmentStatus.COMMISSIONED, date(2031, 1, 1), date(2026, 5, 1)),
            ("Utkast", AssignmentStatus.DRAFT, None, None),
            ("Pågår", AssignmentStatus.IN_PROGRESS, None, date(2026, 1, 1)),
            ("Avbrutet", AssignmentStatus.CANCELLED, None, None),
            ("Beställt tidigt", AssignmentStatus.COMMISSIONED, date(2030, 1, 1), None)]
    for title, status, due, reported_on in rows:
        a = f.assignment(nsg, nag, title, status=status, due_on=due)
        if reported_on:
            g.report(a, TrafficLight.ON_TRACK, reported_on=reported_on)
    b = login_as(Role.READER)
    every = "/assignments/?status=&archived=1"
    # The lifecycle, not the alphabet; within a status the soonest due first.
    assert _titles(b, f"{every}&sort=status") == ["Utkast", "Beställt tidigt", "Beställt sent", "Pågår", "Pausat",
                                                   "Levererat", "Avbrutet"]
    assert _titles(b, f"{every}&sort=-status") == ["Avbrutet", "Levererat", "Pausat", "Pågår", "Beställt sent",
                                                    "Beställt tidigt", "Utkast"]
    # The unreported last both ways (on SQLite, which sorts NULL first, as on PostgreSQL, which sorts it last).
    assert _titles(b, f"{every}&sort=-report")[:3] == ["Beställt sent", "Pausat", "Pågår"]
    assert _titles(b, f"{every}&sort=report")[:3] == ["Pågår", "Pausat", "Beställt sent"]
    for order in ("report", "-report"):
        assert set(_titles(b, f"{every}&sort={order}")[3:]) == {"Levererat", "Utkast", "Avbrutet", "Beställt tidigt"}

    # The header offers the newest report first, then the oldest; status in lifecycle order first.
    html = b.get("/assignments/").get_data(as_text=True)
    assert 'href="/assignments/?sort=-report"' in html and 'href="/assignments/?sort=status"' in html
    html = b.get("/assignments/?sort=-report").get_data(as_text=True)
    assert 'aria-sort="descending"' in html and 'href="/assignments/?sort=report"' in html
    html = b.get("/assignments/?sort=report").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and 'href="/assignments/?sort=-report"' in html


def test_the_lifecycle_order_is_the_one_the_migration_writes():
    """The migration writes the existing assignments' status keys from its own copy of the lifecycle."""
    import importlib.util
    from pathlib import Path

    from app.assignments.models import STATUS_ORDER

    path = next(Path("migrations/versions").glob("*_8a4c2e6f1b93_*.py"))
    spec = importlib.util.spec_from_file_location("status_order_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert [s.value for s in sorted(STATUS_ORDER, key=STATUS_ORDER.get)] == list(migration.LIFECYCLE)


def test_pages_neither_repeat_nor_skip_and_counts_are_capped(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    nsg, nag = f.group("NSG Sida"), f.group("NAG Sida", GroupType.NAG)
    for i in range(7):
        f.assignment(nsg, nag, f"Sida {i}", due_on=date(2030, 1, 1) if i % 2 else None)
    b = login_as(Role.READER)
    seen = []
    for page in range(1, 5):
        seen += _titles(b, f"/assignments/?page={page}")
    assert sorted(seen) == sorted(f"Sida {i}" for i in range(7))
    html = b.get("/assignments/?page=2").get_data(as_text=True)
    assert "7 träffar" in html and "Sida 2 av 4" in html

    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    html = b.get(f"/assignments/?group={nag.id}&page=2").get_data(as_text=True)
    assert "5+ träffar" in html and "Sida 2<" in html and 'rel="next"' in html
    # The list as it opens (and by status, light or principal) is counted exactly from the tallies.
    html = b.get("/assignments/?page=2").get_data(as_text=True)
    assert "7 träffar" in html and "Sida 2 av 4" in html


def test_the_kept_total_is_what_the_list_counts(app):
    w = g.world()
    g.assignment(w.principal, w.recipient)
    reported = g.assignment(w.principal, w.unrelated, status=AssignmentStatus.COMMISSIONED)
    g.report(reported, TrafficLight.AT_RISK)
    g.assignment(w.steering, w.recipient, status=AssignmentStatus.DELIVERED)
    archived = g.assignment(w.steering, w.principal)
    core_ops.archive(archived, None)
    db.session.commit()
    answered = 0
    for status in ("", "open", "in_progress", "delivered", "closed"):
        for light in ("", "none", "at_risk"):
            for principal in ("", str(w.principal.id), str(w.steering.id)):
                for extra in ({}, {"q": "kunskapsstöd"}):
                    args = {"status": status, "light": light, "principal": principal, **extra}
                    stmt, filters = apply_filters(sa.select(Assignment), args)
                    kept = kept_total(filters)
                    if extra:
                        assert kept is None, args  # a filter the tallies do not hold: the list counts
                        continue
                    answered += 1
                    assert kept == pagination.count_rows(stmt), args
    assert answered == 45


def test_api_says_when_the_total_is_capped(app, client, monkeypatch):
    from tests.test_api import bearer

    nsg, nag = f.group("NSG Api"), f.group("NAG Api", GroupType.NAG)
    for i in range(4):
        f.assignment(nsg, nag, f"Api {i}")
    _record, token = auth_ops.issue_token(make_user("skala", Role.READER), None, "Skala")
    db.session.commit()
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    data = client.get(f"/api/v1/assignments?per_page=2&group={nag.id}", headers=bearer(token)).json
    assert data["total"] == 3 and data["total_exact"] is False and data["pages"] is None and data["has_next"]
    data = client.get("/api/v1/assignments?per_page=2", headers=bearer(token)).json
    assert data["total"] == 4 and data["total_exact"] is True and data["pages"] == 2  # from the tallies
    monkeypatch.setattr(pagination, "COUNT_CAP", 10_000)
    data = client.get(f"/api/v1/assignments?per_page=2&page=2&group={nag.id}", headers=bearer(token)).json
    assert data["total"] == 4 and data["total_exact"] is True and data["pages"] == 2 and not data["has_next"]
    assert [i["title"] for i in data["items"]] == ["Api 2", "Api 3"]


# Query plans: the hot queries read indexes, never a whole large table.

LARGE_TABLES = ("assignments", "status_reports", "decisions", "meetings", "change_log",
                # The competence centre's years of follow-up (`flask seed --scale` makes 10,000 of each).
                "region_stances", "kpi_measurements", "activity_updates", "maturity_assessments")
FULL_SCAN = re.compile(r"^SCAN (" + "|".join(LARGE_TABLES) + r")\b(?! USING)")


def plans_for(browser, url: str) -> list[tuple[str, list[str]]]:
    statements = []

    def collect(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", collect)
    try:
        response = browser.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", collect)
    assert response.status_code == 200, url
    out = []
    with db.engine.connect() as conn:
        for statement, parameters in statements:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            out.append((statement, [row[-1] for row in rows]))
    return out


# (url, whether a page of it must come in index order without sorting: the lists' own orders; the
# dashboards' short lists sort what their filters narrowed down).
HOT_URLS = [(u, True) for u in ("/assignments/", "/assignments/?page=40", "/api/v1/assignments",
                                "/api/v1/assignments?page=9", "/decisions/", "/decisions/?page=30",
                                "/api/v1/decisions", "/api/v1/meetings", "/meetings/?when=past&page=20",
                                "/api/v1/activities")]
HOT_URLS += [(f"/assignments/?sort={sign}{name}&page=30", True) for name in SORTS for sign in ("", "-")]
HOT_URLS += [(u, False) for u in ("/followup/", "/followup/groups/{top}", "/meetings/", "/",
                                  "/assignments/?overdue=1", "/assignments/?missing_report=1",
                                  "/assignments/?light=at_risk", "/assignments/?steered_by={top}",
                                  "/picker/assignment?q=uppdrag", "/picker/decision?q=beslut",
                                  "/picker/meeting?q=möte")]


def _newest_first_without_filter(statement: str, table: str) -> bool:
    """`ORDER BY <table>.id DESC LIMIT n` with no WHERE: SQLite lists it as a scan, but it reads n rows."""
    return " WHERE " not in statement and f"ORDER BY {table}.id DESC" in statement and "LIMIT" in statement


def _scan_problems(browser, url: str, in_index_order: bool) -> list[str]:
    problems = []
    for statement, plan in plans_for(browser, url):
        for line in plan:
            scan = FULL_SCAN.match(line)
            if scan and not _newest_first_without_filter(statement, scan.group(1)):
                problems.append(f"{line} in {plan}\n    {statement[statement.find('FROM'):][:400]}")
        if in_index_order and re.match(r"\s*SELECT \w+\.id\s+FROM", statement) and "ORDER BY" in statement:
            if any("TEMP B-TREE FOR ORDER BY" in line for line in plan):
                problems.append(f"sorts rows for a page: {plan}\n    {statement[statement.find('FROM'):][:400]}")
    return problems


def _sqlite_only():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query planner; PostgreSQL's plans depend on its statistics")


@pytest.mark.parametrize("url, in_index_order", HOT_URLS)
def test_hot_queries_scan_no_large_table(app, login_as, url, in_index_order):
    _sqlite_only()
    w = g.world()
    a = g.assignment(w.principal, w.recipient)
    for _ in range(3):
        g.report(a, TrafficLight.AT_RISK)
    b = login_as(Role.SECRETARIAT)
    problems = _scan_problems(b, url.format(top=w.principal.id), in_index_order)
    assert problems == [], "\n".join(problems)


# The competence centre's figures: what each needs of years of stances, measurements, updates and
# assessments – the latest on a day, per region, KPI or area – is read one step back in an index.
COMPETENCE_URLS = ["/competence/", "/competence/kpis", "/competence/kpis/{positive}", "/competence/kpis/{count}",
                   "/competence/kpis/{positive}/records", "/competence/regions/stances",
                   "/competence/regions/stances?page=2", "/competence/regions/maturity", "/competence/report",
                   "/competence/work-packages/{package}", "/competence/activities/{late}", "/api/v1/kpis",
                   "/api/v1/kpis/{count}", "/api/v1/kpis/{count}/measurements", "/api/v1/activities",
                   "/api/v1/activities/{late}", "/api/v1/activities/{late}/updates"]


@pytest.mark.parametrize("url", COMPETENCE_URLS)
def test_competence_figures_scan_no_large_table(app, login_as, url):
    from app.competence.kpis.models import KpiDerivation, KpiMeasure, KpiMeasurement
    from app.competence.plan.models import ActivityUpdate
    from app.competence.regions.models import MaturityArea, MaturityAssessment, RegionStance, Stance
    from tests.competence.conftest import World

    _sqlite_only()
    w = World()
    positive = w.kpi("KPI-P", KpiMeasure.PERCENTAGE, [], derivation=KpiDerivation.REGIONS_POSITIVE)
    for i in range(3):
        day = date(2025, 9, 1) + timedelta(days=i)
        core_ops.create(KpiMeasurement(), None, kpi_id=w.count.id, measured_on=day, value=i)
        core_ops.create(KpiMeasurement(), None, kpi_id=w.pilot.id, measured_on=day, target_id=w.pilot.targets[0].id,
                        milestone_reached=True)
        core_ops.create(RegionStance(), None, organisation_id=w.region.id, stance=Stance.POSITIVE, recorded_on=day)
        core_ops.create(MaturityAssessment(), None, organisation_id=w.region.id, area=MaturityArea.DATA_QUALITY,
                        level=2, assessed_on=day)
        core_ops.create(ActivityUpdate(), None, activity_id=w.late.id, reported_on=day,
                        traffic_light=TrafficLight.ON_TRACK)
    db.session.commit()
    b = login_as(Role.SECRETARIAT)
    ids = {"positive": positive.id, "count": w.count.id, "package": w.package.id, "late": w.late.id}
    problems = _scan_problems(b, url.format(**ids), False)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("url", ["/competence/", "/competence/regions/maturity", "/competence/report"])
def test_competence_meeting_figures_read_the_centres_own_meetings(app, login_as, url):
    """The centre's meeting counts are a date range within its group (ix_meetings_group_date): at 20,000
    meetings the date index alone read every group's meetings of the months asked for (7 ms, not 0.6)."""
    from tests.competence.conftest import World

    _sqlite_only()
    World()
    db.session.commit()
    lines = [line for _statement, plan in plans_for(login_as(Role.SECRETARIAT), url) for line in plan
             if re.match(r"(SEARCH|SCAN) meetings\b", line)]
    assert lines and all("ix_meetings_group_date (group_id=?" in line for line in lines), lines


@pytest.mark.parametrize("url", ["/meetings/", "/followup/groups/{top}", "/meetings/?group={top}"])
def test_upcoming_meetings_are_read_from_today_on(app, login_as, url):
    """Upcoming meetings are shown by date from the first still going on: the walk in date order starts at
    today (or at the first day of a meeting of several days begun before it), read in ix_meetings_ongoing,
    not at the first meeting ever held (1.2 ms at 20,000 meetings, and growing with the years)."""
    _sqlite_only()
    w = g.world()
    for days in (-400, -30, -2, 5, 40):
        g.meeting(w.principal, starts_on=date.today() + timedelta(days=days))
    g.meeting(w.principal, starts_on=date.today() - timedelta(days=3), ends_on=date.today() + timedelta(days=1))
    browser, url = login_as(Role.SECRETARIAT), url.format(top=w.principal.id)
    page = browser.get(url).get_data(as_text=True)
    plans = [plan for statement, plan in plans_for(browser, url) if "last_day >=" in statement]
    assert plans, "no upcoming meetings read"
    for plan in plans:
        meetings = [line for line in plan if re.match(r"(SEARCH|SCAN) meetings\b", line)]
        assert meetings and all("starts_on>?" in line for line in meetings), plan
        assert any(line.startswith("SEARCH ongoing USING COVERING INDEX ix_meetings_ongoing (ends_on>?)")
                   for line in plan), plan
    shown = {int(i) for i in re.findall(r'href="/meetings/(\d+)"', page)}
    assert len(shown) == 3  # the one going on and the two to come


def test_a_steering_group_over_most_groups_counts_what_a_direct_count_gives(app, login_as):
    """Its figures are counted as everything less the groups outside it: they must equal a direct count."""
    from app.decisions.models import Decision, DecisionState, ExecutionStatus

    top, outsider, nag = f.group("NSG Allt"), f.group("NPO Utanför", GroupType.NPO), f.group("NAG Gör", GroupType.NAG)
    parts = [f.group(f"NPO Del {i}", GroupType.NPO) for i in range(3)]
    for part in parts:
        f.relation(top, part, RelationKind.STEERING_GROUP_OF)
    for principal, light in [(parts[0], TrafficLight.AT_RISK), (parts[1], TrafficLight.OFF_TRACK),
                             (parts[2], None), (outsider, TrafficLight.AT_RISK)]:
        late = g.assignment(principal, nag, f"Sent {principal.name}", due_on=TODAY - timedelta(days=3))
        g.assignment(principal, nag, f"I tid {principal.name}", due_on=TODAY + timedelta(days=30))
        if light:
            g.report(late, light, reported_on=TODAY - timedelta(days=10))
        g.report_request(late, TODAY - timedelta(days=1))
        g.decision(principal, f"Beslut {principal.name}")
    scope = {top.id, *(p.id for p in parts)}
    in_scope = (Assignment.archived_at.is_(None), Assignment.principal_group_id.in_(scope))

    def count(*criteria) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(Assignment).where(*in_scope, *criteria))

    page = login_as(Role.READER).get(f"/followup/groups/{top.id}").get_data(as_text=True)
    shown = {label: n for label, (n, _link) in g.figures(page).items()}
    awaiting = db.session.scalar(sa.select(sa.func.count()).select_from(Decision).where(
        Decision.group_id.in_(scope), Decision.state == DecisionState.TAKEN,
        Decision.execution_status.in_((ExecutionStatus.NOT_STARTED, ExecutionStatus.IN_PROGRESS))))
    assert shown == {"pågående uppdrag": count(Assignment.status.in_(OPEN_STATUSES)),
                     "försenade": count(Assignment.due_on < TODAY, Assignment.status.in_(OPEN_STATUSES)),
                     "saknar begärd rapport": count(Assignment.next_report_due_on < TODAY),
                     "beslut väntar på genomförande": awaiting}
    assert shown == {"pågående uppdrag": 6, "försenade": 3, "saknar begärd rapport": 3,
                     "beslut väntar på genomförande": 3}
    at_risk = re.search(r"Risk för avvikelse.*?light=at_risk\">(\d+)</a>", page, re.S)
    assert at_risk and int(at_risk.group(1)) == count(Assignment.latest_light == TrafficLight.AT_RISK) == 1


def test_the_statistics_count_every_row_of_a_key(app):
    """A sampled ANALYZE says no key has more than ~1,000 rows (SQLite's analysis_limit), and the planner then
    sorts every open assignment for a dashboard's first twenty: the nightly statistics count them all."""
    from app.core.db import refresh_statistics

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's own statistics table")
    db.session.execute(sa.text("CREATE TABLE stat_probe (id INTEGER PRIMARY KEY, kind INTEGER)"))
    db.session.execute(sa.text("CREATE INDEX ix_stat_probe_kind ON stat_probe (kind)"))
    db.session.execute(sa.text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
                               "INSERT INTO stat_probe (kind) SELECT i % 2 FROM n"))
    db.session.commit()
    try:
        refresh_statistics(db.engine)
        stat = db.session.scalar(sa.text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_stat_probe_kind'"))
    finally:
        db.session.execute(sa.text("DROP TABLE stat_probe"))
        db.session.execute(sa.text("DROP TABLE IF EXISTS sqlite_stat1"))  # would steer later tests' plans
        db.session.commit()
    assert stat == "5000 2500"


def test_the_nightly_job_gives_the_planner_statistics(app):
    """The planner picks the indexes above only when it knows the tables' sizes: the worker refreshes
    the statistics every night."""
    from app.core.db import refresh_statistics

    nsg, nag = f.group("NSG Statistik"), f.group("NAG Statistik", GroupType.NAG)
    for i in range(3):
        f.assignment(nsg, nag, f"Statistik {i}")
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text("DROP TABLE IF EXISTS sqlite_stat1"))
        db.session.commit()
    refresh_statistics(db.engine)
    if db.engine.dialect.name == "sqlite":
        stats = db.session.execute(sa.text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'assignments'")).scalars().all()
        # The statistics of these few rows would steer later tests' plans (the database is shared).
        db.session.execute(sa.text("DROP TABLE sqlite_stat1"))
        db.session.commit()
        assert stats and all(s.split()[0] == "3" for s in stats)  # three rows, per index
    else:
        analysed = db.session.scalar(sa.text(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'assignments'"))
        assert analysed is not None
    names = {type(task).__name__ for task in app.extensions["huey"]._registry.periodic_tasks}
    assert "database statistics" in names


def test_two_writers_in_one_group_both_count(app):
    """Two transactions adding an assignment to one group at once: the second waits for the first's
    recount (on PostgreSQL its advisory lock, on SQLite the one writer's lock, which a transaction takes
    at its first write), so the group's count holds both."""
    import threading

    w = g.world()
    principal_id, recipient_id = w.principal.id, w.recipient.id
    db.session.commit()
    first_flushed, errors = threading.Event(), []

    def write(title, hold):
        with app.app_context():
            try:
                assignment_ops.create_assignment(dict(
                    title=title, principal_group_id=principal_id, recipient_group_id=recipient_id,
                    status=AssignmentStatus.COMMISSIONED), None)
                db.session.flush()
                if hold:
                    first_flushed.set()
                    time.sleep(0.5)  # the other writer recounts meanwhile, unless it waits
                db.session.commit()
            except Exception as error:  # reported below: a thread's exception would be lost
                errors.append(error)
                first_flushed.set()
            finally:
                db.session.remove()

    first = threading.Thread(target=write, args=("Först", True))
    first.start()
    assert first_flushed.wait(10)
    second = threading.Thread(target=write, args=("Sedan", False))
    second.start()
    first.join(10), second.join(10)
    assert errors == []
    db.session.expire_all()
    key = f"{AssignmentStatus.COMMISSIONED.value}|"
    assert tallies.counts("assignments.state", [principal_id]) == {key: 2}
    assert tallies.counts("assignments.state")[key] == 2
    assert _tally_differences() == {}
