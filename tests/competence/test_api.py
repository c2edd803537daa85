"""The API's competence-centre part: work packages, activities and KPIs with their follow-up,
read over HTTP with a bearer token or a session, described in the OpenAPI document."""

import re
from datetime import date, timedelta
from decimal import Decimal

import jsonschema
import pytest
import sqlalchemy as sa

from app.assignments.models import AssignmentStatus, TrafficLight
from app.auth import operations as auth_ops
from app.auth.models import Role
from app.competence.kpis import operations as kpi_ops
from app.competence.kpis.derived import COMPETENCE_CENTRE_KEY
from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.targets import TargetKind, add_months
from app.competence.plan import operations as plan_ops
from app.competence.plan.models import Activity, ActivityStatus, Recommendation, WorkPackage, WorkPackageOwner
from app.competence.quarters import Quarter
from app.core import operations as ops
from app.extensions import db
from app.groups.models import Group, GroupType
from tests import factories as f
from tests.conftest import make_user

TODAY = date.today()
THIS_QUARTER = Quarter.of(TODAY)
LAST_QUARTER = Quarter.of(THIS_QUARTER.first_day - timedelta(days=1))
LISTS = ["/api/v1/work-packages", "/api/v1/activities", "/api/v1/kpis"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token(app):
    _record, value = auth_ops.issue_token(make_user("powerbi", Role.READER), None, "Power BI")
    db.session.commit()
    return value


@pytest.fixture
def get(client, token):
    """get(url) -> the JSON of a 200 response read with a bearer token."""
    def _get(url: str):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
        return response.json
    return _get


def work_package(code: str, owner=WorkPackageOwner.COMPETENCE_CENTRE, recommendations=()) -> WorkPackage:
    wp = ops.create(WorkPackage(), None, code=code, title=f"Paket {code}", owner=owner, purpose=f"Syfte {code}")
    wp.recommendations = list(recommendations)
    db.session.commit()
    return wp


def existing_or_new_package(code: str) -> WorkPackage:
    return db.session.scalar(sa.select(WorkPackage).where(WorkPackage.code == code)) or work_package(code)


def centre_group():
    """The group the derived KPIs count (staffing, meetings)."""
    return (db.session.scalar(sa.select(Group).where(Group.seed_key == COMPETENCE_CENTRE_KEY))
            or f.group("Kompetenscentrum", GroupType.NAG, seed_key=COMPETENCE_CENTRE_KEY))


def activity(wp: WorkPackage, code: str, status=ActivityStatus.ONGOING, end: Quarter | None = LAST_QUARTER,
             **values) -> Activity:
    a = plan_ops.create_activity({
        "code": code, "work_package_id": wp.id, "area": f"Område {code}", "status": status,
        "start_quarter": values.pop("start_quarter", "2024-Q1"), "end_quarter": end.key if end else None,
        **values}, None)
    db.session.commit()
    return a


def kpi(wp: WorkPackage, code: str, baseline: date, targets: list[dict], measure=KpiMeasure.NUMBER,
        derivation=None) -> Kpi:
    k = ops.create(Kpi(), None, code=code, work_package_id=wp.id, indicator=f"Indikator {code}", measure=measure,
                   baseline_date=baseline, derivation=derivation)
    for t in targets:
        ops.create(KpiTarget(), None, kpi_id=k.id, text=t.pop("text", ""), **t)
    db.session.commit()
    return k


def measure(k: Kpi, user, measured_on: date, value=None, months=None, reached=None, **values):
    target_id = next(t.id for t in k.targets if t.months == months) if months else None
    m = kpi_ops.add_measurement(k, {"measured_on": measured_on, "value": None if value is None else
                                           Decimal(value), "target_id": target_id, "milestone_reached": reached,
                                           **values}, user)
    db.session.commit()
    return m


def by(items: list[dict], key: str = "code") -> dict:
    return {item[key]: item for item in items}


# --- Authentication and reading rights

@pytest.mark.parametrize("url", LISTS + [u + "/1" for u in LISTS])
def test_needs_authentication(client, app, url):
    assert client.get(url).status_code == 401
    assert client.get(url).json["error"] == "authentication required"
    assert client.get(url, headers=bearer("not-a-token")).status_code == 401


@pytest.mark.parametrize("url", LISTS)
def test_every_role_reads_with_a_session_and_a_token_works(client, login_as, token, url):
    work_package("A")
    assert client.get(url, headers=bearer(token)).status_code == 200
    for role in (Role.READER, Role.COMPETENCE_CENTRE, Role.SECRETARIAT):
        response = login_as(role).get(url)
        assert response.status_code == 200 and response.json["page"] == 1, role
    assert client.post(url, headers=bearer(token), json={}).status_code == 405


# --- Work packages

def test_work_packages_carry_owner_recommendations_and_activities_per_effective_status(get, app):
    recs = [ops.create(Recommendation(), None, code=c, text=f"Rekommendation {c}") for c in ("2.2", "2.1", "2.3")]
    ops.archive(recs[2], None)
    a = work_package("A", recommendations=recs)
    b = work_package("B", WorkPackageOwner.DIGITALISERINGSNATVERKET)
    gone = work_package("Z")
    ops.archive(gone, None)
    nsg, centre = f.group("NSG Data"), f.group("Kompetenscentrum", GroupType.NAG)
    running = f.assignment(nsg, centre, "Juridisk utredning", status=AssignmentStatus.IN_PROGRESS)
    closed = f.assignment(nsg, centre, "Klar utredning", status=AssignmentStatus.CLOSED)
    activity(a, "A.1", ActivityStatus.DONE)
    activity(a, "A.2", ActivityStatus.ONGOING)  # late: its end quarter is over
    activity(a, "A.3", ActivityStatus.NOT_STARTED, assignment_id=running.id)  # counts as ongoing, late
    activity(a, "A.4", ActivityStatus.ONGOING, assignment_id=closed.id)  # counts as done
    activity(a, "A.5", ActivityStatus.PAUSED, end=THIS_QUARTER)
    ops.archive(activity(a, "A.6", ActivityStatus.CANCELLED), None)  # archived: not counted
    activity(b, "B.1", ActivityStatus.CANCELLED)
    db.session.commit()

    data = get("/api/v1/work-packages")
    assert data["total"] == 2 and [i["code"] for i in data["items"]] == ["A", "B"]
    item = by(data["items"])["A"]
    assert item["owner"] == {"value": "competence_centre", "label": "Kompetenscentrum"}
    assert item["title"] == "Paket A" and item["purpose"] == "Syfte A"
    assert item["recommendations"] == [{"id": recs[1].id, "code": "2.1", "text": "Rekommendation 2.1"},
                                       {"id": recs[0].id, "code": "2.2", "text": "Rekommendation 2.2"}]
    assert item["activity_counts"] == {"not_started": 0, "ongoing": 2, "done": 2, "paused": 1, "cancelled": 0}
    assert item["late_activities"] == 2
    b_item = by(data["items"])["B"]
    assert b_item["owner"]["value"] == "digitaliseringsnatverket"
    assert b_item["activity_counts"]["cancelled"] == 1 and sum(b_item["activity_counts"].values()) == 1
    assert b_item["late_activities"] == 0 and b_item["recommendations"] == []

    assert {i["code"] for i in get("/api/v1/work-packages?archived=1")["items"]} == {"A", "B", "Z"}
    one = get(f"/api/v1/work-packages/{a.id}")
    assert one == item
    assert get(f"/api/v1/work-packages/{gone.id}")["archived"] is True


def test_unknown_records_are_404(client, token, app):
    for url in ("/api/v1/work-packages/999", "/api/v1/activities/999", "/api/v1/kpis/999"):
        assert client.get(url, headers=bearer(token)).status_code == 404, url
    assert client.get("/api/v1/kpis/A", headers=bearer(token)).status_code == 404


# --- Activities

@pytest.fixture
def plan(app):
    """Two packages of activities whose status and lateness differ in every way the rules know."""
    a, b = work_package("A"), work_package("B")
    nsg, centre = f.group("NSG Data"), centre_group()
    running = f.assignment(nsg, centre, "Pågående uppdrag", status=AssignmentStatus.IN_PROGRESS)
    closed = f.assignment(nsg, centre, "Avslutat uppdrag", status=AssignmentStatus.CLOSED)
    person = f.person("Ansvarig Andersson")
    return {
        "a": a, "b": b, "running": running, "person": person, "centre": centre,
        "A.1": activity(a, "A.1", ActivityStatus.ONGOING, start_quarter="2024-Q2",
                        responsible_group_id=centre.id, responsible_person_id=person.id, responsible="och regionerna"),
        "A.2": activity(a, "A.2", ActivityStatus.DONE),  # over but done: not late
        "A.3": activity(a, "A.3", ActivityStatus.DONE, assignment_id=running.id),  # assignment runs: ongoing, late
        "A.4": activity(a, "A.4", ActivityStatus.ONGOING, assignment_id=closed.id),  # assignment closed: done
        "A.5": activity(a, "A.5", ActivityStatus.ONGOING, end=THIS_QUARTER),  # ends this quarter: not late yet
        "B.1": activity(b, "B.1", ActivityStatus.ONGOING, end=None, open_ended=True),  # open-ended: never late
        "B.2": activity(b, "B.2", ActivityStatus.PAUSED),  # paused past its end: late
        "B.3": activity(b, "B.3", ActivityStatus.NOT_STARTED, end=None),  # no plan: not late
        # Older data past today's form rules: open-ended with an end quarter counts as open-ended.
        "B.4": _committed(ops.create(Activity(), None, code="B.4", work_package_id=b.id, end_quarter=LAST_QUARTER.key,
                                     open_ended=True, status=ActivityStatus.ONGOING)),
    }


def _committed(record):
    db.session.commit()
    return record


def test_activity_filters_use_the_effective_status_and_lateness(get, plan):
    def codes(query=""):
        return [i["code"] for i in get("/api/v1/activities" + query)["items"]]

    assert codes() == ["A.1", "A.2", "A.3", "A.4", "A.5", "B.1", "B.2", "B.3", "B.4"]
    assert codes("?work_package=B") == ["B.1", "B.2", "B.3", "B.4"]
    assert codes(f"?work_package_id={plan['a'].id}") == ["A.1", "A.2", "A.3", "A.4", "A.5"]
    assert codes("?work_package=X") == []
    assert codes("?status=ongoing") == ["A.1", "A.3", "A.5", "B.1", "B.4"]
    assert codes("?status=done") == ["A.2", "A.4"]
    assert codes("?status=paused&work_package=B") == ["B.2"]
    assert codes("?late=1") == ["A.1", "A.3", "B.2"]
    assert codes("?late=1&status=ongoing&work_package=A") == ["A.1", "A.3"]
    # The list's late flag and the filter agree with the model's own rule.
    items = get("/api/v1/activities")["items"]
    assert {i["code"] for i in items if i["late"]} == {
        a.code for a in db.session.scalars(sa.select(Activity)) if a.is_late(TODAY)}
    assert {i["code"]: i["effective_status"] for i in items}["A.3"] == "ongoing"

    ops.archive(plan["A.1"], None)
    db.session.commit()
    assert "A.1" not in codes("?late=1") and "A.1" in codes("?late=1&archived=1")


def test_activities_are_in_the_same_order_in_the_api_as_on_the_pages(get, login_as, app):
    """Numbers in a code sort as numbers in both, page by page: A.2 before A.10 (as text, A.10 came first)."""
    a = work_package("A")
    for code in ("A.10", "A.2", "A.1"):
        activity(a, code)
    assert [i["code"] for i in get("/api/v1/activities")["items"]] == ["A.1", "A.2", "A.10"]
    assert [i["code"] for i in get("/api/v1/activities?per_page=2&page=2")["items"]] == ["A.10"]
    html = login_as(Role.READER).get("/competence/activities").get_data(as_text=True)
    assert html.index(">A.1</a>") < html.index(">A.2</a>") < html.index(">A.10</a>")


def test_the_search_the_api_and_the_pages_share_the_activity_order(get, login_as, app, monkeypatch):
    """One order in SQL everywhere, the same on SQLite and PostgreSQL: numbers as numbers, a code before its
    continuations, codes that read alike ("A.01", "A.1") by the code as written."""
    a, b = work_package("A"), work_package("B")
    for code in ("A.10", "B.1", "A.2", "A.9", "A.1", "A.2.1", "A.01"):
        activity(b if code.startswith("B") else a, code, area="Gemensamt arbete")
    expected = ["A.01", "A.1", "A.2", "A.2.1", "A.9", "A.10", "B.1"]

    paged = [i["code"] for n in (1, 2, 3) for i in get(f"/api/v1/activities?per_page=3&page={n}")["items"]]
    assert paged == expected
    reader = login_as(Role.READER)
    page = reader.get("/competence/activities").get_data(as_text=True)
    assert re.findall(r">([AB]\.[\d.]+)</a>", page) == expected

    def searched(query):
        html = reader.get(f"/search/?q={query}&kind=activities").get_data(as_text=True)
        return re.findall(r'/competence/activities/\d+">([AB]\.[\d.]+) ', html)

    # Ranked: equally good matches in activity order (A.2.1, a word longer, ranks apart).
    assert [c for c in searched("gemensamt") if c != "A.2.1"] == [c for c in expected if c != "A.2.1"]
    # Past the ranked hits the activity order alone decides.
    monkeypatch.setattr("app.search.views.RANKED_UP_TO", 1)
    assert searched("gemensamt") == expected


def test_a_bad_status_is_refused(client, token, plan):
    assert client.get("/api/v1/activities?status=klar", headers=bearer(token)).status_code == 400


def test_activity_page_and_paging(get, plan):
    page = get("/api/v1/activities?per_page=3&page=2")
    assert (page["total"], page["pages"], page["page"], [i["code"] for i in page["items"]]) == (
        9, 3, 2, ["A.4", "A.5", "B.1"])

    one = get(f"/api/v1/activities/{plan['A.1'].id}")
    assert one["work_package"] == {"id": plan["a"].id, "code": "A", "title": "Paket A"}
    assert one["responsible"] == {
        "group": {"id": plan["centre"].id, "name": "Kompetenscentrum"},
        "person": {"id": plan["person"].id, "name": "Ansvarig Andersson"}, "text": "och regionerna",
        "display": "Kompetenscentrum, Ansvarig Andersson, och regionerna"}
    assert (one["start_quarter"], one["starts_on"]) == ("2024-Q2", "2024-04-01")
    assert (one["end_quarter"], one["ends_on"]) == (LAST_QUARTER.key, LAST_QUARTER.last_day.isoformat())
    assert one["open_ended"] is False and one["late"] is True and one["assignment_id"] is None
    assert one["updates"] == [] and one["latest_traffic_light"] is None

    linked = get(f"/api/v1/activities/{plan['A.3'].id}")
    assert linked["assignment_id"] == plan["running"].id
    assert (linked["status"], linked["effective_status"], linked["late"]) == ("done", "ongoing", True)
    open_ended = get(f"/api/v1/activities/{plan['B.1'].id}")
    assert (open_ended["open_ended"], open_ended["end_quarter"], open_ended["ends_on"]) == (True, None, None)
    assert open_ended["late"] is False


def test_activity_carries_its_progress_updates_newest_first(get, plan):
    filer = make_user("rapportor", Role.COMPETENCE_CENTRE)
    a = plan["B.2"]
    for days, light, text in ((40, TrafficLight.ON_TRACK, "Start"), (5, TrafficLight.OFF_TRACK, "Försenat"),
                              (20, TrafficLight.AT_RISK, "Risk")):
        plan_ops.add_activity_update(a, {"reported_on": TODAY - timedelta(days=days), "traffic_light": light,
                                               "progress": text}, filer)
    withdrawn = plan_ops.add_activity_update(a, {"reported_on": TODAY, "traffic_light": TrafficLight.ON_TRACK,
                                                       "progress": "Fel"}, filer)
    ops.archive(withdrawn, None)
    db.session.commit()

    one = get(f"/api/v1/activities/{a.id}")
    assert [(u["reported_on"], u["traffic_light"], u["progress"], u["filed_by"]) for u in one["updates"]] == [
        ((TODAY - timedelta(days=5)).isoformat(), "off_track", "Försenat", "Rapportor"),
        ((TODAY - timedelta(days=20)).isoformat(), "at_risk", "Risk", "Rapportor"),
        ((TODAY - timedelta(days=40)).isoformat(), "on_track", "Start", "Rapportor")]
    assert one["latest_traffic_light"] == "off_track"
    listed = by(get("/api/v1/activities?work_package=B")["items"])["B.2"]
    assert (listed["latest_traffic_light"], listed["latest_update_on"]) == (
        "off_track", (TODAY - timedelta(days=5)).isoformat())
    assert "updates" not in listed


def test_an_activitys_updates_page_newest_first_past_the_newest_the_activity_carries(get, client, token, plan):
    """The activity carries its newest 20 updates; /updates pages through all of them, newest first (of one
    day's, the later filed first), without the archived ones, in pages that neither repeat nor skip."""
    a = plan["B.2"]
    made = []
    for i in range(45):
        made.append(plan_ops.add_activity_update(a, {"reported_on": TODAY - timedelta(days=i // 2),
                                                     "traffic_light": TrafficLight.ON_TRACK,
                                                     "progress": f"Steg {i}"}, None))
    ops.archive(made[3], None)
    db.session.commit()
    newest_first = [u.id for u in sorted((u for u in made if u is not made[3]),
                                         key=lambda u: (u.reported_on, u.id), reverse=True)]

    one = get(f"/api/v1/activities/{a.id}")
    assert [u["id"] for u in one["updates"]] == newest_first[:20]
    assert one["latest_update_on"] == TODAY.isoformat() and one["updates"][0]["progress"] == "Steg 1"
    pages = [get(f"/api/v1/activities/{a.id}/updates?per_page=20&page={n}") for n in (1, 2, 3)]
    assert [p["items"] == pages[0]["items"] for p in pages] == [True, False, False]
    assert [u["id"] for p in pages for u in p["items"]] == newest_first
    assert pages[0]["items"] == one["updates"]
    assert [(p["total"], p["has_next"]) for p in pages] == [(44, True), (44, True), (44, False)]
    assert get(one["updates_next"])["items"] == pages[1]["items"]
    assert len(get(f"/api/v1/activities/{a.id}/updates")["items"]) == 44  # 50 a page by default

    # Bounded like any list; refused without a token; 404 for an activity that does not exist.
    assert client.get(f"/api/v1/activities/{a.id}/updates?per_page=500", headers=bearer(token)).status_code == 400
    assert client.get(f"/api/v1/activities/{a.id}/updates").status_code == 401
    assert client.get("/api/v1/activities/999999/updates", headers=bearer(token)).status_code == 404
    assert get(f"/api/v1/activities/{plan['A.1'].id}/updates")["items"] == []


# --- KPIs

BASELINE = add_months(TODAY, -13)  # 6 and 12 months have passed, 24 months lie ahead


@pytest.fixture
def kpis(app):
    a, d = existing_or_new_package("A"), work_package("D")
    user = make_user("matare", Role.COMPETENCE_CENTRE)
    cp6, cp12 = add_months(BASELINE, 6), add_months(BASELINE, 12)
    number = kpi(a, "KPI-A1", BASELINE, [
        {"months": 6, "kind": TargetKind.NUMBER, "comparison": ">", "value": Decimal(25), "text": "> 25"},
        {"months": 12, "kind": TargetKind.NUMBER, "comparison": ">", "value": Decimal(40), "text": "> 40"},
        {"months": 24, "kind": TargetKind.NUMBER, "comparison": ">=", "value": Decimal(50), "text": ">= 50"}])
    measure(number, user, BASELINE + timedelta(days=60), 30, comment="Första", source="Enkät")
    measure(number, user, cp12 - timedelta(days=10), "35.5")
    ops.archive(measure(number, user, cp12 - timedelta(days=1), 99), None)  # withdrawn: must not count
    measure(number, user, TODAY, 55)
    milestone = kpi(a, "KPI-A2", BASELINE, [{"months": 6, "kind": TargetKind.MILESTONE, "text": "Pilot igång"},
                                            {"months": 12, "kind": TargetKind.MILESTONE, "text": "Pilot klar"}],
                    measure=KpiMeasure.MILESTONE)
    measure(milestone, user, cp6 - timedelta(days=3), months=6, reached=True)
    # The centre's staff: one member from before the baseline, a second from after the 6-month checkpoint.
    centre = centre_group()
    f.membership(centre, f.person("Första Medarbetare"), start=BASELINE - timedelta(days=30))
    f.membership(centre, f.person("Andra Medarbetare"), start=cp6 + timedelta(days=1))
    staffing = kpi(d, "KPI-D1", BASELINE, [
        {"months": 6, "kind": TargetKind.NUMBER, "comparison": ">=", "value": Decimal(1), "text": "1 person"},
        {"months": 12, "kind": TargetKind.NUMBER, "comparison": ">=", "value": Decimal(3), "text": "3 personer"},
        {"months": 24, "kind": TargetKind.RANGE, "low": Decimal(2), "high": Decimal(4), "text": "2–4 personer"}],
        derivation=KpiDerivation.STAFFING)
    return {"number": number, "milestone": milestone, "staffing": staffing, "cp6": cp6, "cp12": cp12, "d": d}


def checkpoint(item: dict, months: int) -> dict:
    return next(c for c in item["checkpoints"] if c["months"] == months)


def test_kpi_status_at_each_checkpoint_comes_from_the_measurements(get, kpis):
    data = get("/api/v1/kpis")
    assert [i["code"] for i in data["items"]] == ["KPI-A1", "KPI-A2", "KPI-D1"]
    item = by(data["items"])["KPI-A1"]
    assert (item["measure"], item["baseline_date"], item["derived"], item["derivation"],
            item["derivation_rule"]) == ("number", BASELINE.isoformat(), False, None, None)
    six, twelve, later = checkpoint(item, 6), checkpoint(item, 12), checkpoint(item, 24)
    assert six["due_on"] == kpis["cp6"].isoformat()
    assert six["target"] == {"id": six["target"]["id"], "months": 6, "kind": "number", "comparison": ">",
                             "value": 25, "low": None, "high": None, "text": "> 25"}
    assert (six["status"], six["actual"]["value"]) == ("met", 30)
    # The latest value on or before the checkpoint decides (the archived 99 does not count).
    assert (twelve["status"], twelve["actual"]) == (
        "not_met", {"measured_on": (kpis["cp12"] - timedelta(days=10)).isoformat(), "value": 35.5,
                    "milestone_reached": None})
    assert (later["status"], later["actual"]["value"], later["met_today"]) == ("not_yet_due", 55, True)
    assert item["current"] == {"measured_on": TODAY.isoformat(), "value": 55, "milestone_reached": None}

    milestone = by(data["items"])["KPI-A2"]
    assert checkpoint(milestone, 6)["status"] == "met"
    assert checkpoint(milestone, 6)["actual"]["milestone_reached"] is True
    assert checkpoint(milestone, 12)["status"] == "no_measurement" and checkpoint(milestone, 12)["actual"] is None
    assert checkpoint(milestone, 24) == {"months": 24, "due_on": add_months(BASELINE, 24).isoformat(),
                                         "target": None, "status": None, "actual": None, "met_today": None}


def test_derived_kpi_is_counted_from_the_register(get, kpis):
    item = get(f"/api/v1/kpis/{kpis['staffing'].id}")
    assert item["derived"] is True and item["derivation"] == "staffing"
    assert item["derivation_rule"].startswith("Antal personer med ett medlemskap i gruppen Kompetenscentrum")
    assert (checkpoint(item, 6)["status"], checkpoint(item, 6)["actual"]["value"]) == ("met", 1)
    assert (checkpoint(item, 12)["status"], checkpoint(item, 12)["actual"]["value"]) == ("not_met", 2)
    assert (checkpoint(item, 24)["status"], checkpoint(item, 24)["met_today"]) == ("not_yet_due", True)
    assert checkpoint(item, 24)["target"]["kind"] == "range" and checkpoint(item, 24)["target"]["low"] == 2
    assert item["current"] == {"measured_on": TODAY.isoformat(), "value": 2, "milestone_reached": None}
    # No entered measurements: the computed series instead, one value per month end up to today.
    assert item["measurements"] == []
    series = item["series"]
    assert series[-1] == item["current"] and all(p["value"] in (1, 2) for p in series)
    assert [p["measured_on"] for p in series] == sorted(p["measured_on"] for p in series)
    by_day = {p["measured_on"]: p["value"] for p in series}
    assert by_day[kpis["cp6"].isoformat()] == 1 and by_day[kpis["cp12"].isoformat()] == 2
    assert len(series) >= 14


def test_kpi_page_lists_the_measurements_with_who_entered_them(get, kpis):
    item = get(f"/api/v1/kpis/{kpis['number'].id}")
    rows = [(m["measured_on"], m["value"], m["comment"], m["source"], m["entered_by"], m["target_months"])
            for m in item["measurements"]]
    assert rows == [(TODAY.isoformat(), 55, "", "", "Matare", None),
                    ((kpis["cp12"] - timedelta(days=10)).isoformat(), 35.5, "", "", "Matare", None),
                    ((BASELINE + timedelta(days=60)).isoformat(), 30, "Första", "Enkät", "Matare", None)]
    assert item["measurements_next"] is None
    assert [p["value"] for p in item["series"]] == [30, 35.5, 55]
    milestone = get(f"/api/v1/kpis/{kpis['milestone'].id}")
    assert [(m["target_months"], m["milestone_reached"], m["value"]) for m in milestone["measurements"]] == [
        (6, True, None)]
    assert "measurements" not in by(get("/api/v1/kpis")["items"])["KPI-A1"]


def test_a_kpis_measurements_page_newest_first_past_the_newest_the_kpi_carries(get, client, token, kpis):
    k = kpis["number"]
    user = make_user("inmatare", Role.COMPETENCE_CENTRE)
    for i in range(30):
        measure(k, user, BASELINE + timedelta(days=100 + i), i)
    expected = [m.id for m in db.session.scalars(sa.select(KpiMeasurement).where(
        KpiMeasurement.kpi_id == k.id, KpiMeasurement.archived_at.is_(None))
        .order_by(KpiMeasurement.measured_on.desc(), KpiMeasurement.id.desc()))]
    assert len(expected) == 33

    one = get(f"/api/v1/kpis/{k.id}")
    assert [m["id"] for m in one["measurements"]] == expected[:20]
    assert one["measurements"][0]["measured_on"] == TODAY.isoformat()
    first, rest = get(f"/api/v1/kpis/{k.id}/measurements?per_page=20"), get(one["measurements_next"])
    assert first["items"] == one["measurements"]
    assert [m["id"] for m in first["items"] + rest["items"]] == expected
    assert (first["total"], first["has_next"], rest["has_next"]) == (33, True, False)
    # A derived KPI has no entered measurements: an empty list, not an error.
    assert get(f"/api/v1/kpis/{kpis['staffing'].id}/measurements")["items"] == []
    assert client.get(f"/api/v1/kpis/{k.id}/measurements").status_code == 401
    assert client.get("/api/v1/kpis/999999/measurements", headers=bearer(token)).status_code == 404


def test_kpi_filters(get, kpis):
    def codes(query):
        return [i["code"] for i in get("/api/v1/kpis" + query)["items"]]

    assert codes("?work_package=D") == ["KPI-D1"]
    assert codes(f"?work_package_id={kpis['d'].id}") == ["KPI-D1"]
    assert codes("?derived=1") == ["KPI-D1"]
    assert codes("?derived=0") == ["KPI-A1", "KPI-A2"]
    ops.archive(kpis["milestone"], None)
    db.session.commit()
    assert codes("?derived=0") == ["KPI-A1"] and codes("?derived=0&archived=1") == ["KPI-A1", "KPI-A2"]


# --- The OpenAPI document describes what the endpoints return

def _schema_validator(spec: dict, name: str):
    root = {"components": spec["components"], "$ref": f"#/components/schemas/{name}"}
    return jsonschema.Draft202012Validator(root)


def _documented_properties(spec: dict, name: str) -> set[str]:
    schema = spec["components"]["schemas"][name]
    parts = schema.get("allOf", [schema])
    names = set()
    for part in parts:
        if "$ref" in part:
            names |= _documented_properties(spec, part["$ref"].rsplit("/", 1)[1])
        else:
            names |= set(part["properties"])
    return names


def test_openapi_describes_the_competence_endpoints_and_their_answers(get, client, plan, kpis):
    spec = client.get("/api/v1/openapi.json").json
    for path, detail in (("/work-packages", "WorkPackage"), ("/activities", "ActivityDetail"),
                         ("/kpis", "KpiDetail")):
        assert path in spec["paths"] and path + "/{id}" in spec["paths"]
        ok = spec["paths"][path + "/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": f"#/components/schemas/{detail}"}
    for path, item in (("/activities/{id}/updates", "ActivityUpdate"), ("/kpis/{id}/measurements", "KpiMeasurement")):
        ok = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok["properties"]["items"]["items"] == {"$ref": f"#/components/schemas/{item}"}
    names = {p["name"] for p in spec["paths"]["/activities"]["get"]["parameters"]}
    assert {"work_package", "work_package_id", "status", "late", "page", "per_page"} <= names

    plan_ops.add_activity_update(plan["A.1"], {"reported_on": TODAY, "traffic_light": TrafficLight.AT_RISK,
                                                     "progress": "x"}, None)
    db.session.commit()
    for url, list_schema, detail_schema, record_id in (
            ("/api/v1/work-packages", "WorkPackage", "WorkPackage", plan["a"].id),
            ("/api/v1/activities", "Activity", "ActivityDetail", plan["A.1"].id),
            ("/api/v1/kpis", "Kpi", "KpiDetail", kpis["staffing"].id),
            ("/api/v1/kpis", "Kpi", "KpiDetail", kpis["number"].id),
            ("/api/v1/kpis", "Kpi", "KpiDetail", kpis["milestone"].id)):
        items = get(url)["items"]
        assert items
        for item in items:
            _schema_validator(spec, list_schema).validate(item)
            assert set(item) == _documented_properties(spec, list_schema), url
        one = get(f"{url}/{record_id}")
        _schema_validator(spec, detail_schema).validate(one)
        assert set(one) == _documented_properties(spec, detail_schema), url
    for url, schema in ((f"/api/v1/activities/{plan['A.1'].id}/updates", "ActivityUpdate"),
                        (f"/api/v1/kpis/{kpis['number'].id}/measurements", "KpiMeasurement")):
        rows = get(url)["items"]
        assert rows
        for row in rows:
            _schema_validator(spec, schema).validate(row)
            assert set(row) == _documented_properties(spec, schema), url
    # The validator does look: a wrong type is caught.
    with pytest.raises(jsonschema.ValidationError):
        _schema_validator(spec, "Kpi").validate({**items[0], "checkpoints": [{"months": 7}]})


# --- Query counts do not grow with the data

def populate(n: int, tag: str, user, nsg, centre) -> None:
    """n work packages with recommendations, activities (with assignment, responsible and updates)
    and KPIs (typed with measurements, milestone, and derived ones sharing a baseline)."""
    for i in range(n):
        rec = ops.create(Recommendation(), None, code=f"{tag}.{i}", text=f"Rekommendation {tag} {i}")
        wp = work_package(f"{tag}{i}", recommendations=[rec])
        person = f.person(f"Person {tag} {i}")
        assignment = f.assignment(nsg, centre, f"Uppdrag {tag} {i}")
        group = f.group(f"NAG {tag} {i}", GroupType.NAG)
        a = activity(wp, f"{tag}{i}.1", responsible_group_id=group.id, responsible_person_id=person.id,
                     assignment_id=assignment.id)
        activity(wp, f"{tag}{i}.2", ActivityStatus.DONE, end=THIS_QUARTER)
        plan_ops.add_activity_update(a, {"reported_on": TODAY, "traffic_light": TrafficLight.AT_RISK}, user)
        number = kpi(wp, f"KPI-{tag}{i}", BASELINE, [
            {"months": 6, "kind": TargetKind.NUMBER, "comparison": ">", "value": Decimal(1)},
            {"months": 24, "kind": TargetKind.PERCENTAGE, "comparison": ">", "value": Decimal(50)}])
        measure(number, user, BASELINE + timedelta(days=30), 2)
        measure(number, user, TODAY, 60)
        milestone = kpi(wp, f"KPI-{tag}{i}M", BASELINE, [{"months": 6, "kind": TargetKind.MILESTONE}],
                        measure=KpiMeasure.MILESTONE)
        measure(milestone, user, BASELINE + timedelta(days=30), months=6, reached=True)
        derivation = list(KpiDerivation)[i % len(KpiDerivation)]
        kpi(wp, f"KPI-{tag}{i}D", BASELINE, [{"months": 12, "kind": TargetKind.NUMBER, "comparison": ">",
                                              "value": Decimal(1)}], derivation=derivation)


def queries_for(client, token, url: str) -> int:
    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url, headers=bearer(token))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200, url
    return count


COUNTED = ["/api/v1/work-packages?per_page=200", "/api/v1/activities?per_page=200",
           "/api/v1/activities?per_page=200&late=1&status=ongoing", "/api/v1/kpis?per_page=200"]


def test_query_count_of_the_lists_does_not_grow(client, token, app):
    user = make_user("matare", Role.COMPETENCE_CENTRE)
    nsg, centre = f.group("NSG Data"), centre_group()
    populate(10, "F", user, nsg, centre)
    assert [len(client.get(url, headers=bearer(token)).json["items"]) for url in COUNTED] == [10, 20, 10, 30]
    few = [queries_for(client, token, url) for url in COUNTED]
    populate(40, "M", user, nsg, centre)
    assert [len(client.get(url, headers=bearer(token)).json["items"]) for url in COUNTED] == [50, 100, 50, 150]
    many = [queries_for(client, token, url) for url in COUNTED]
    grown = [(url, n, m) for url, n, m in zip(COUNTED, few, many, strict=True) if m > n]
    assert not grown, f"(url, queries with 10 packages, with 50): {grown}"


def test_kpi_page_query_count_does_not_grow_with_measurements(client, token, app):
    user = make_user("matare", Role.COMPETENCE_CENTRE)
    wp = work_package("A")
    k = kpi(wp, "KPI-A1", BASELINE, [{"months": 6, "kind": TargetKind.NUMBER, "comparison": ">",
                                      "value": Decimal(1)}])
    a = activity(wp, "A.1")
    for i in range(3):
        measure(k, user, BASELINE + timedelta(days=i), i)
        plan_ops.add_activity_update(a, {"reported_on": TODAY, "traffic_light": TrafficLight.AT_RISK}, user)
    db.session.commit()
    urls = [f"/api/v1/kpis/{k.id}", f"/api/v1/activities/{a.id}"]
    few = [queries_for(client, token, url) for url in urls]
    for i in range(40):
        other = make_user(f"rapportor{i}", Role.COMPETENCE_CENTRE)  # each entered by someone else
        measure(k, other, BASELINE + timedelta(days=10 + i), i, comment=str(i))
        plan_ops.add_activity_update(a, {"reported_on": TODAY, "traffic_light": TrafficLight.ON_TRACK}, other)
    db.session.commit()
    many = [queries_for(client, token, url) for url in urls]
    # The newest 20 of each, and where the rest continue.
    kpi_data, activity_data = (client.get(url, headers=bearer(token)).json for url in urls)
    assert len(kpi_data["measurements"]) == 20 and len(activity_data["updates"]) == 20
    assert kpi_data["measurements_next"] == f"/api/v1/kpis/{k.id}/measurements?page=2&per_page=20"
    assert activity_data["updates_next"] == f"/api/v1/activities/{a.id}/updates?page=2&per_page=20"
    assert all(m <= n for m, n in zip(many, few, strict=True)), (few, many)

