"""`run_seed()` loads report 002's follow-up plan (seed/data/competence.yaml) once and leaves edits alone;
with demo=True the dashboards show the statuses seed/competence_demo.py promises."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.status import follow_up, load_kpis
from app.competence.kpis.targets import TargetKind, TargetStatus, checkpoint
from app.competence.plan.models import Activity, ActivityStatus, Recommendation, WorkPackage, WorkPackageOwner
from app.competence.regions.models import MaturityAssessment, RegionStance
from app.competence.usecases.models import ProblemArea, UseCase, UseCasePriorityEntry, UseCasePriorityVersion
from app.core import operations as ops
from app.core.audit import ChangeLog
from app.extensions import db
from app.groups.models import Group
from seed.loader import run_seed

DATA = yaml.safe_load((Path(__file__).parents[2] / "seed" / "data" / "competence.yaml").read_text("utf-8"))
BASELINE = date(2025, 6, 30)
COMPETENCE_TABLES = (Recommendation, WorkPackage, Activity, Kpi, KpiTarget, KpiMeasurement, ProblemArea, UseCase,
                     UseCasePriorityVersion, UseCasePriorityEntry, RegionStance, MaturityAssessment)
D = Decimal


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def by_code(model, code: str):
    return db.session.scalars(sa.select(model).where(model.code == code)).one()


def table_counts() -> dict[str, int]:
    return {model.__tablename__: count(model) for model in COMPETENCE_TABLES + (ChangeLog,)}


def dec(value):
    return None if value is None else D(str(value))


@pytest.fixture
def seeded(app):
    created = run_seed()
    db.session.expire_all()
    return created


def test_seed_loads_the_recommendations_and_work_packages(seeded):
    assert count(Recommendation) == 11 == seeded["recommendations"]
    assert set(db.session.scalars(sa.select(Recommendation.code))) == {
        "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "3.1", "4.1", "4.2", "5.1", "5.2"}
    assert by_code(Recommendation, "5.1").text == "Ett regiongemensamt Kompetenscentrum för vårddata ska etableras"
    packages = {p.code: p for p in db.session.scalars(sa.select(WorkPackage))}
    assert sorted(packages) == ["A", "B", "C", "D"]
    assert {code: [r.code for r in p.recommendations] for code, p in packages.items()} == {
        "A": ["2.1", "2.2", "2.3", "2.4"], "B": ["4.1"], "C": ["4.2"], "D": ["1.1", "1.2", "3.1", "5.1", "5.2"]}
    assert {code: p.owner for code, p in packages.items()} == {
        "A": WorkPackageOwner.COMPETENCE_CENTRE, "B": WorkPackageOwner.DIGITALISERINGSNATVERKET,
        "C": WorkPackageOwner.DIGITALISERINGSNATVERKET, "D": WorkPackageOwner.COMPETENCE_CENTRE}
    assert packages["B"].title == "Vårddatahubb - demonstration och kravställning"


def test_seed_loads_the_23_activities_of_tables_18_to_21(seeded):
    activities = db.session.scalars(sa.select(Activity).order_by(Activity.id)).all()
    expected = [f"{wp}.{n}" for wp, last in (("A", 5), ("B", 7), ("C", 5), ("D", 6)) for n in range(1, last + 1)]
    assert [a.code for a in activities] == expected and seeded["activities"] == 23
    centre = db.session.scalars(sa.select(Group).where(Group.seed_key == "group:kompetenscentrum")).one()
    for activity in activities:
        assert activity.work_package.code == activity.code[0]
        # A and D are the competence centre's (§3.2.2); B and C name no one.
        assert activity.responsible_group_id == (centre.id if activity.code[0] in "AD" else None)
        assert activity.responsible == ""
        # Figure 6 is an image: no quarters; ongoing only where the table says so.
        assert (activity.start_quarter, activity.end_quarter) == (None, None)
        assert activity.open_ended == (activity.code in ("B.5", "D.2", "D.6"))
        assert activity.status == ActivityStatus.NOT_STARTED and activity.assignment_id is None
        assert activity.source.startswith("002 Table")
    a4 = by_code(Activity, "A.4")
    assert a4.area == "Genomförande av pilot" and a4.text.count("\n") == 1
    assert by_code(Activity, "D.1").purpose.startswith("För att möjliggöra det fortsatta arbetet")


def test_seed_loads_the_kpis_with_exactly_the_targets_of_the_seed_file(seeded):
    kpis = {k.code: k for k in db.session.scalars(sa.select(Kpi))}
    assert sorted(kpis) == sorted(item["code"] for item in DATA["kpis"]) and len(kpis) == 11
    for item in DATA["kpis"]:
        kpi = kpis[item["code"]]
        assert kpi.baseline_date == BASELINE and kpi.work_package.code == item["work_package"]
        assert kpi.derivation == (KpiDerivation(item["derivable"]) if item["derivable"] else None)
        stored = [(t.months, t.kind, t.comparison, t.value, t.low, t.high, t.text) for t in kpi.targets]
        assert stored == [(t["months"], TargetKind(t["kind"]), t.get("comparison"), dec(t.get("value")),
                           dec(t.get("low")), dec(t.get("high")), str(t["text"])) for t in item["targets"]]
    assert count(KpiTarget) == sum(len(item["targets"]) for item in DATA["kpis"]) == seeded["KPI targets"]

    d3 = kpis["KPI-D3"]
    assert [(t.months, t.kind, t.comparison, t.value) for t in d3.targets] == [
        (6, TargetKind.NUMBER, ">", D(25)), (12, TargetKind.NUMBER, ">", D(50)), (24, TargetKind.NUMBER, ">", D(100))]
    assert d3.measure == KpiMeasure.NUMBER and d3.derivation == KpiDerivation.MEETINGS_REGIONS
    [a1] = kpis["KPI-A1"].targets
    assert (a1.months, a1.kind, a1.low, a1.high) == (6, TargetKind.RANGE, D(1), D(2))
    assert (a1.comparison, a1.value) == (None, None)
    assert kpis["KPI-A1"].measure == KpiMeasure.NUMBER and not kpis["KPI-A1"].is_derived
    d5 = kpis["KPI-D5"]
    assert d5.measure == KpiMeasure.PERCENTAGE and d5.derivation == KpiDerivation.REGIONS_POSITIVE
    assert [(t.kind, t.comparison, t.value) for t in d5.targets] == [
        (TargetKind.PERCENTAGE, ">", D(70)), (TargetKind.PERCENTAGE, ">", D(80)), (TargetKind.PERCENTAGE, ">", D(90))]
    assert [(t.months, t.value) for t in kpis["KPI-D1"].targets] == [(6, D(3)), (12, D(3)), (24, D(10))]
    assert [t.value for t in kpis["KPI-D2"].targets] == [D(5), D(10), D(15)]
    assert [t.text for t in kpis["KPI-A2"].targets] == ["Pilot igång", "Pilot avslutad"]
    assert {c for c, k in kpis.items() if k.measure == KpiMeasure.MILESTONE} == {
        "KPI-A2", "KPI-A3", "KPI-B1", "KPI-B2", "KPI-C1"}
    assert {c for c, k in kpis.items() if k.is_derived} == {"KPI-D1", "KPI-D2", "KPI-D3", "KPI-D4", "KPI-D5"}


def test_seed_loads_problem_areas_and_use_cases_with_their_steps(seeded):
    assert [p.code for p in db.session.scalars(sa.select(ProblemArea).order_by(ProblemArea.code))] == [
        f"P{n}" for n in range(1, 9)]
    assert by_code(ProblemArea, "P4").title == "Data mellan regioner är inte jämförbar"
    cases = {u.code: u for u in db.session.scalars(sa.select(UseCase))}
    assert sorted(cases) == ["A", "B", "C", "D"]
    for item in DATA["use_cases"]:
        assert cases[item["code"]].title == item["title"]
        assert cases[item["code"]].steps == [s.strip() for s in item["steps"]]
    assert [len(cases[c].steps) for c in "ABCD"] == [3, 2, 3, 6]
    assert cases["D"].steps[0] == "Definiera hälsoärendet och standardisera kodverk (t.ex. höftfraktur)"


def test_the_seed_proper_invents_nothing(seeded):
    # Measurements, the priority list, stances and maturity levels are not in the report as text.
    for model in (KpiMeasurement, UseCasePriorityVersion, UseCasePriorityEntry, RegionStance, MaturityAssessment):
        assert count(model) == 0, model.__tablename__


def test_running_the_seed_twice_adds_nothing(seeded):
    before = table_counts()
    assert run_seed() == {}
    assert table_counts() == before


def test_edits_in_the_app_survive_a_reseed(seeded):
    activity = by_code(Activity, "A.3")
    ops.update(activity, None, {"area": "Minsta möjliga DG & DM", "start_quarter": "2025-Q4"})
    d3 = by_code(Kpi, "KPI-D3")
    six = next(t for t in d3.targets if t.months == 6)
    ops.update(six, None, {"value": D(30), "text": ">30"})
    ops.archive(next(t for t in d3.targets if t.months == 24), None)
    ops.update(by_code(UseCase, "B"), None, {"title": "Väntetider i alla regioner", "steps_text": "Ett steg"})
    ops.update(by_code(Recommendation, "1.1"), None, {"text": "Omformulerad rekommendation"})
    ops.update(by_code(WorkPackage, "C"), None, {"owner": WorkPackageOwner.COMPETENCE_CENTRE})
    db.session.commit()
    before = table_counts()

    assert run_seed() == {}
    db.session.expire_all()
    assert table_counts() == before
    activity = by_code(Activity, "A.3")
    assert (activity.area, activity.start_quarter) == ("Minsta möjliga DG & DM", "2025-Q4")
    d3 = by_code(Kpi, "KPI-D3")
    assert [(t.months, t.value, t.text, t.is_archived) for t in d3.targets] == [
        (6, D(30), ">30", False), (12, D(50), ">50", False), (24, D(100), ">100", True)]  # not re-created
    assert by_code(UseCase, "B").steps == ["Ett steg"]
    assert by_code(Recommendation, "1.1").text == "Omformulerad rekommendation"
    assert by_code(WorkPackage, "C").owner == WorkPackageOwner.COMPETENCE_CENTRE


# --- The demo ----------------------------------------------------------------------------------------------

MET, NOT_MET, NO_MEASUREMENT, NOT_YET_DUE = (TargetStatus.MET, TargetStatus.NOT_MET, TargetStatus.NO_MEASUREMENT,
                                             TargetStatus.NOT_YET_DUE)

# What seed/competence_demo.py says each dashboard shows once a checkpoint has passed, and the value the
# derived KPIs have there (None: a typed KPI). A checkpoint missing here has no target.
DEMO_PROMISES = {
    "KPI-A1": {6: (MET, None)},                          # 2 regions chosen: within 1–2
    "KPI-A2": {6: (MET, None), 12: (NOT_MET, None)},     # pilot running, not finished
    "KPI-A3": {6: (MET, None), 12: (NO_MEASUREMENT, None)},
    "KPI-B1": {6: (NOT_MET, None)},
    "KPI-B2": {6: (MET, None), 12: (MET, None)},
    "KPI-C1": {6: (MET, None), 12: (NOT_MET, None)},
    "KPI-D1": {6: (MET, D(3)), 12: (MET, D(3)), 24: (NOT_MET, D(3))},        # three members of the centre
    "KPI-D2": {6: (NOT_MET, D(4)), 12: (NOT_MET, D(6)), 24: (NOT_MET, D(6))},  # list versions of 4, then 6
    "KPI-D3": {6: (MET, D(28)), 12: (NOT_MET, D(44)), 24: (NOT_MET, D(52))},  # > 25, > 50, > 100
    "KPI-D4": {6: (NOT_MET, D(4)), 12: (MET, D(12)), 24: (NOT_MET, D(15))},   # > 5, > 10, > 20
    "KPI-D5": {6: (MET, D("76.2")), 12: (NOT_MET, D("76.2")), 24: (NOT_MET, D("85.7"))},  # 16, 16, 18 of 21
}
# The demo's last dated record (the last region meeting); from then on the derived values stand still.
DEMO_COMPLETE = date(2026, 11, 10)


@pytest.fixture
def demo(app):
    run_seed(demo=True)
    db.session.expire_all()
    return {r.kpi.code: r for r in follow_up(load_kpis())}


def test_the_demo_dashboards_show_what_the_demo_promises(demo):
    today = date.today()
    assert sorted(demo) == sorted(DEMO_PROMISES)
    for code, promises in DEMO_PROMISES.items():
        for months in (6, 12, 24):
            result = demo[code].at(months)
            assert result.due == checkpoint(BASELINE, months)
            if months not in promises:
                assert result.target is None and result.status is None, (code, months)
                continue
            status, value = promises[months]
            if today >= result.due:
                assert result.status == status, (code, months, result.status)
                if value is not None:
                    assert result.actual.value == value, (code, months, result.actual)
            else:
                assert result.status == NOT_YET_DUE, (code, months)
                if value is not None and today >= DEMO_COMPLETE:
                    # The value is there already, and falls short of the target.
                    assert result.actual.value == value and result.met_today is False, (code, months)


def test_the_demo_shows_met_missed_and_upcoming_targets(demo):
    # The statuses the demo's comments name, read as of each checkpoint.
    today = date.today()
    six, twelve, twenty_four = (checkpoint(BASELINE, m) for m in (6, 12, 24))
    if today >= twelve:
        assert (demo["KPI-D3"].at(6).status, demo["KPI-D3"].at(12).status) == (MET, NOT_MET)
        assert (demo["KPI-D4"].at(6).status, demo["KPI-D4"].at(12).status) == (NOT_MET, MET)
        assert (demo["KPI-D5"].at(6).status, demo["KPI-D5"].at(12).status) == (MET, NOT_MET)
        assert demo["KPI-A3"].at(12).status == NO_MEASUREMENT
    if today < twenty_four:
        assert {r.at(24).status for r in demo.values() if r.at(24).target} == {NOT_YET_DUE}
    assert today < six or {r.at(6).status for r in demo.values()} >= {MET, NOT_MET}


def test_the_demo_plan_is_applied_and_activity_d3_follows_its_assignment(demo):
    today = date.today()
    activities = {a.code: a for a in db.session.scalars(sa.select(Activity))}
    assert all(a.start_quarter for a in activities.values())
    assert {c for c, a in activities.items() if a.open_ended} == {"B.5", "D.2", "D.6"}
    assert all(activities[c].end_quarter is None for c in ("B.5", "D.2", "D.6"))
    d3 = activities["D.3"]
    assert d3.assignment is not None and d3.effective_status == ActivityStatus.ONGOING
    assert not activities["A.1"].is_late(today)  # done
    if today > date(2026, 6, 30):
        assert activities["A.4"].is_late(today)  # ongoing, planned to end in 2026-Q2


def test_running_the_demo_twice_adds_nothing(demo):
    before = table_counts()
    assert run_seed(demo=True) == {}
    assert table_counts() == before


def test_the_dashboards_target_figures_link_to_those_targets(demo, login_as):
    """Each "targets met / not met / without a measurement at N months" figure links to the list of
    exactly those targets: the KPI list narrowed to that status at that checkpoint."""
    import re

    from app.auth.models import Role

    browser = login_as(Role.READER)
    html = browser.get("/competence/").get_data(as_text=True)
    figure = r'<a href="(/competence/kpis\?months=(\d+)&amp;status=(\w+))"><span class="figure">(\d+)</span>'
    figures = re.findall(figure, html)
    if not figures:  # before the first checkpoint there is nothing to count yet
        assert date.today() < checkpoint(BASELINE, 6)
        return
    assert {status for *_, status, _n in figures} == {"met", "not_met", "no_measurement"}
    for url, months, status, shown in figures:
        listed = browser.get(url.replace("&amp;", "&")).get_data(as_text=True)
        codes = re.findall(r'<th scope="row"><a href="/competence/kpis/\d+">([^<]+)</a>', listed)
        expected = sorted(code for code, r in demo.items() if r.at(int(months)).status == TargetStatus(status))
        assert sorted(codes) == expected and len(codes) == int(shown), (url, codes)
    assert browser.get("/competence/kpis?months=12").status_code == 400  # a checkpoint needs its status
    assert browser.get("/competence/kpis?months=7&status=met").status_code == 400
