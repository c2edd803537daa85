"""The competence centre's pages through real HTTP requests, across its sub-packages: who may read and
who may change what, odd input, what the pages cost in queries, and the start page, follow-up and search."""

import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from app.assignments.models import TrafficLight
from app.auth.models import Role
from app.competence.kpis.models import KpiMeasure, KpiMeasurement
from app.competence.kpis.targets import TargetKind
from app.competence.plan.models import Activity, ActivityStatus, ActivityUpdate
from app.competence.regions.models import MaturityArea, MaturityAssessment, RegionStance, Stance
from app.competence.usecases.models import UseCase
from app.competence.usecases.operations import adopt_priority_list
from app.core import operations as ops
from app.extensions import db
from app.meetings.models import Attendance, Meeting
from app.people.models import MemberRole
from tests import factories as f
from tests.competence.conftest import TODAY
from tests.conftest import inline_problems

PAGES = ["/competence/", "/competence/work-packages", "/competence/work-packages/{package}",
         "/competence/activities", "/competence/activities/{late}", "/competence/timeline", "/competence/kpis",
         "/competence/kpis/{count}", "/competence/kpis/{meetings}", "/competence/kpis/{meetings}/records",
         "/competence/use-cases", "/competence/regions/stances", "/competence/regions/maturity",
         "/competence/report", "/competence/report?months=12"]


def _url(template, w):
    return template.format(package=w.package.id, late=w.late.id, count=w.count.id, meetings=w.meetings.id,
                           staffing=w.staffing.id)


@pytest.mark.parametrize("role", [Role.READER, Role.SECRETARIAT, Role.COMPETENCE_CENTRE])
def test_everyone_signed_in_reads_every_page(world, login_as, role):
    browser = login_as(role)
    for template in PAGES:
        response = browser.get(_url(template, world))
        assert response.status_code == 200, template
        assert inline_problems(response.get_data(as_text=True)) == [], template  # charts and bars too


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    response = client.get("/competence/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


EDIT_PAGES = ["/competence/work-packages/{package}/edit", "/competence/activities/{late}/edit",
              "/competence/activities/new", "/competence/use-cases/new", "/competence/use-cases/priorities/new"]


@pytest.mark.parametrize("role", [Role.READER, Role.SECRETARIAT])
def test_only_the_competence_centre_maintains_the_follow_up(world, login_as, role):
    browser = login_as(role)
    for template in EDIT_PAGES:
        assert browser.get(_url(template, world)).status_code == 403, template
    token = browser.csrf("/competence/")  # any page with a form carries a token (sign-out)
    posts = {f"/competence/kpis/{world.count.id}/measurements": {"measured_on": "2025-12-01", "value": "30"},
             f"/competence/activities/{world.late.id}/updates": {"reported_on": TODAY.isoformat(),
                                                                  "traffic_light": "on_track", "progress": "x"},
             "/competence/regions/stances": {"organisation_id": world.region.id, "stance": "positive",
                                             "recorded_on": TODAY.isoformat()},
             "/competence/regions/maturity": {"organisation_id": world.region.id, "area": "data_quality",
                                              "level": "2", "assessed_on": TODAY.isoformat()}}
    for url, data in posts.items():
        assert browser.client.post(url, data=data | {"csrf_token": token}).status_code == 403, url
    assert db.session.scalar(sa.select(sa.func.count(KpiMeasurement.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(RegionStance.id))) == 0
    # Reading pages offers no edit buttons to them.
    html = browser.get(f"/competence/activities/{world.late.id}").get_data(as_text=True)
    assert "/edit" not in html and "Ny lägesrapport" not in html


def test_a_chair_of_another_group_cannot_edit_either(world, login_as):
    chair = f.person("Ordförande Exempel")
    f.membership(f.group("NSG Annan"), chair, MemberRole.CHAIR)
    browser = login_as(Role.READER, person=chair)
    assert browser.get(f"/competence/activities/{world.late.id}/edit").status_code == 403


def _populate(world, n):
    for i in range(n):
        activity = world.activity(f"X.{n}.{i}", start="2025-Q3", end="2025-Q4", status=ActivityStatus.ONGOING)
        ops.create(ActivityUpdate(), None, activity_id=activity.id, reported_on=date(2025, 10, 1),
                   traffic_light=TrafficLight.ON_TRACK)
        kpi = world.kpi(f"K-{n}-{i}", KpiMeasure.NUMBER, [(6, TargetKind.NUMBER, ">", D(1), "> 1")])
        ops.create(KpiMeasurement(), None, kpi_id=kpi.id, measured_on=date(2025, 11, 1), value=D(i))
        person = f.person(f"Medarbetare {n}-{i}")
        f.membership(world.centre, person)
        world.region_meeting(date(2025, 8, 1) + timedelta(days=i))
        ops.create(RegionStance(), None, organisation_id=world.region.id, stance=Stance.POSITIVE,
                   recorded_on=date(2025, 9, 1) + timedelta(days=i))
        ops.create(MaturityAssessment(), None, organisation_id=world.region.id, area=MaturityArea.DATA_QUALITY,
                   level=1 + i % 4, assessed_on=date(2025, 3, 1) + timedelta(days=i))
        use_case = ops.create(UseCase(), None, code=f"U-{n}-{i}", title="Fall")
        world.adopted += timedelta(days=1)
        adopt_priority_list([use_case.id], {"adopted_on": world.adopted}, None)
    db.session.commit()


COUNTED = ["/competence/", "/competence/work-packages", "/competence/activities", "/competence/timeline",
           "/competence/kpis", "/competence/report?months=6", "/competence/report?months=12&format=xlsx",
           "/competence/use-cases", "/competence/regions/stances", "/competence/regions/maturity",
           "/competence/kpis/{meetings}", "/competence/kpis/{meetings}/records", "/competence/activities/{late}",
           "/competence/kpis/{staffing}/records", "/competence/kpis/{count}"]


def test_dashboards_and_the_report_cost_the_same_queries_with_few_or_many_records(world, centre_staff):
    from tests.test_query_counts import queries_for

    _populate(world, 10)
    few = {url: queries_for(centre_staff, _url(url, world)) for url in COUNTED}
    _populate(world, 120)
    many = {url: queries_for(centre_staff, _url(url, world)) for url in COUNTED}
    assert few == many


def test_a_steering_group_of_the_centre_is_pointed_to_its_follow_up(world, login_as):
    steering = f.group("NSG Hälsodata test")
    f.relation(steering, world.centre)
    html = login_as(Role.READER).get(f"/followup/groups/{steering.id}").get_data(as_text=True)
    assert "Gruppen styr Kompetenscentrum" in html and "/competence/report" in html
    other = f.group("NSG Annan")
    assert "Gruppen styr Kompetenscentrum" not in login_as(Role.READER, username="r2").get(
        f"/followup/groups/{other.id}").get_data(as_text=True)


def test_review_fixes_odd_input_is_refused_not_a_500(world, centre_staff):
    url = f"/competence/activities/{world.unplanned.id}/edit"
    version = re.search(r'name="version"[^>]*value="(\d+)"', centre_staff.get(url).get_data(as_text=True)).group(1)
    base = {"version": version, "code": "A.3", "work_package_id": world.package.id, "area": "Område",
            "text": "Text", "status": "ongoing"}
    for quarter in ("9999-Q4", "0001-Q1", "2199-Q1"):
        html = centre_staff.post(url, base | {"start_quarter": quarter}).get_data(as_text=True)
        assert "Ange kvartalet som till exempel 2025-Q3" in html and f'value="{quarter}"' in html
    assert centre_staff.get("/competence/timeline").status_code == 200
    # Values: absurdly large, more than two decimals; a date typed wrong says so.
    kpi_url = f"/competence/kpis/{world.count.id}/measurements"
    for value, message in (("1e400", "Ange ett tal mellan"), ("1,234", "Ange högst 2 decimaler")):
        response = centre_staff.post(kpi_url, {"measured_on": "2025-12-01", "value": value},
                                     form_url=f"/competence/kpis/{world.count.id}")
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    response = centre_staff.post(kpi_url, {"measured_on": "2025-13-45", "value": "3"},
                                 form_url=f"/competence/kpis/{world.count.id}")
    assert "Ange ett giltigt datum som ÅÅÅÅ-MM-DD" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(KpiMeasurement.id))) == 0
    # A baseline far away would make every KPI page compute centuries of months.
    edit = f"/competence/kpis/{world.meetings.id}/edit"
    kpi_version = re.search(r'name="version"[^>]*value="(\d+)"',
                            centre_staff.get(edit).get_data(as_text=True)).group(1)
    for day in ("0001-01-01", "9999-12-31"):
        html = centre_staff.post(edit, {"version": kpi_version, "indicator": "X", "baseline_date": day}) \
            .get_data(as_text=True)
        assert "Ange en baslinje mellan" in html
    assert centre_staff.get("/competence/").status_code == 200


def test_review_fixes_archived_records_take_no_changes(world, centre_staff):
    ops.archive(world.count, None)
    ops.archive(world.unplanned, None)
    db.session.commit()
    # Archived records are read and restored, not changed: the answer says so.
    response = centre_staff.post(f"/competence/kpis/{world.count.id}/measurements",
                                 {"measured_on": "2025-12-01", "value": "3"}, form_url="/competence/")
    assert response.status_code == 403 and "Posten är arkiverad" in response.get_data(as_text=True)
    url = f"/competence/activities/{world.unplanned.id}/edit"
    response = centre_staff.post(url, {"version": "1", "code": "A.3", "work_package_id": world.package.id,
                                       "area": "Ändrat", "text": "Text", "status": "ongoing"}, form_url="/competence/")
    assert response.status_code == 403 and "Posten är arkiverad" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(KpiMeasurement.id))) == 0


def _bulk(model, rows):
    db.session.execute(sa.insert(model), rows)


def test_the_dashboard_and_report_cost_the_same_queries_with_10_and_10000_records(world, centre_staff):
    """Rows are inserted in bulk (not through operations) so that 10,000 of each stay quick to make."""
    from tests.test_query_counts import queries_for

    def grow(total):
        have = db.session.scalar(sa.select(sa.func.count(KpiMeasurement.id)))
        new = range(have, total)
        _bulk(KpiMeasurement, [dict(kpi_id=world.count.id, measured_on=date(2025, 7, 1) + timedelta(days=i % 500),
                                    value=D(i % 90), version=1) for i in new])
        _bulk(Activity, [dict(code=f"Z.{i}", work_package_id=world.package.id, area="Bulk", text="", purpose="",
                              responsible="", plan_note="", source="", start_quarter="2025-Q3",
                              end_quarter="2025-Q4", open_ended=False, status="ongoing", version=1)
                         for i in new if i % 10 == 0])  # a tenth as many activities: each is a table row
        _bulk(RegionStance, [dict(organisation_id=world.region.id, stance="positive", source="", note="",
                                  recorded_on=date(2025, 7, 1) + timedelta(days=i % 500), version=1) for i in new])
        person = f.person(f"Bulk {total}", organisation_id=world.region.id)
        first_meeting = (db.session.scalar(sa.select(sa.func.max(Meeting.id))) or 0) + 1
        _bulk(Meeting, [dict(group_id=world.centre.id, title="", starts_on=date(2025, 7, 1) + timedelta(days=i % 500),
                             start_time="", place="", is_digital=False, minutes="", minutes_approved_by="", source="",
                             search_text="", version=1) for i in new])
        meeting_ids = db.session.scalars(sa.select(Meeting.id).where(Meeting.id >= first_meeting)).all()
        _bulk(Attendance, [dict(meeting_id=m, person_id=person.id, status="present") for m in meeting_ids])
        db.session.commit()

    grow(10)
    urls = ["/competence/", "/competence/report?months=6", "/competence/report?months=12&format=xlsx"]
    few = [queries_for(centre_staff, url) for url in urls]
    grow(10_000)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) >= 10_000
    many = [queries_for(centre_staff, url) for url in urls]
    assert few == many


def test_the_start_page_lists_competence_centre_changes_with_links(world, centre_staff):
    centre_staff.post(f"/competence/kpis/{world.count.id}/measurements", {"measured_on": "2025-12-01", "value": "30"},
                      form_url=f"/competence/kpis/{world.count.id}")
    centre_staff.post("/competence/regions/stances", {"organisation_id": world.region.id, "stance": "positive",
                                                      "recorded_on": "2025-10-01"})
    html = centre_staff.get("/").get_data(as_text=True)
    changes = html[html.index('id="changes-heading"'):]
    assert f'href="/competence/kpis/{world.count.id}">KPI-1 2025-12-01</a>' in changes
    assert 'href="/competence/regions/stances"' in changes


def test_the_search_finds_activities_kpis_and_use_cases(world, login_as):
    world.activity("A.8", area="Juridisk granskning", text="Utred ÄGARSKAP för datakatalogen",
                   responsible_group_id=world.centre.id)
    ops.create(UseCase(), None, code="E", title="Överblick av vårdplatser", steps_text="Samla ägarskapsdata")
    ops.update(world.count, None, {"note": "Räknar ägarskap i regionerna"})
    db.session.commit()
    browser = login_as(Role.READER)
    html = browser.get("/search/?q=ägarskap&kind=activities").get_data(as_text=True)
    assert "Aktiviteter (1)" in html and "Indikatorer (1)" in html and "Användningsfall (1)" in html
    assert f"/competence/activities/{db.session.scalar(sa.select(Activity.id).where(Activity.code == 'A.8'))}" in html
    kpis = browser.get("/search/?q=ägarskap&kind=kpis").get_data(as_text=True)
    assert f"/competence/kpis/{world.count.id}" in kpis
    # A group filter keeps the activities that group is responsible for, and no KPIs or use cases.
    by_group = browser.get(f"/search/?q=ägarskap&kind=activities&group={world.centre.id}").get_data(as_text=True)
    assert "Aktiviteter (1)" in by_group and "Indikatorer (0)" in by_group
    other = f.group("NSG Annan")
    assert "Aktiviteter (0)" in browser.get(f"/search/?q=ägarskap&group={other.id}").get_data(as_text=True)
