"""The competence centre's pages through real HTTP requests: who may do what, bad input, the
timeline, KPI pages, the use-case priority list, regions, and the follow-up report (HTML and XLSX)."""

import re
from datetime import date, timedelta
from decimal import Decimal as D
from io import BytesIO

import pytest
import sqlalchemy as sa

from app.assignments.models import AssignmentStatus, TrafficLight
from app.auth.models import Role
from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.targets import TargetKind
from app.competence.plan.models import Activity, ActivityStatus, ActivityUpdate, WorkPackage, WorkPackageOwner
from app.competence.quarters import Quarter
from app.competence.regions.models import MaturityArea, MaturityAssessment, RegionStance, Stance
from app.competence.usecases.models import UseCase, UseCasePriorityVersion
from app.competence.usecases.operations import adopt_priority_list
from app.core import operations as ops
from app.extensions import db
from app.groups.models import GroupType
from app.meetings.models import Attendance, AttendanceStatus, Meeting
from app.people.models import MemberRole
from tests import factories as f
from tests.conftest import inline_problems

BASELINE = date(2025, 6, 30)
TODAY = date.today()


class World:
    """A work package with activities, a numeric, a percentage, a milestone and a derived KPI."""

    def __init__(self):
        self.hr = f.healthcare_region()
        self.region = f.region(self.hr)
        self.centre = f.group("Kompetenscentrum", GroupType.COMPETENCE_CENTRE, seed_key="group:kompetenscentrum")
        self.package = ops.create(WorkPackage(), None, code="A", title="Data governance",
                                  owner=WorkPackageOwner.COMPETENCE_CENTRE)
        past = Quarter.of(TODAY - timedelta(days=200))
        self.late = self.activity("A.1", start=past.key, end=past.key, status=ActivityStatus.ONGOING)
        self.done = self.activity("A.2", start=past.key, end=past.key, status=ActivityStatus.DONE)
        self.unplanned = self.activity("A.3")
        self.count = self.kpi("KPI-1", KpiMeasure.NUMBER, [(6, TargetKind.NUMBER, ">", D(25), "> 25"),
                                                            (12, TargetKind.NUMBER, ">", D(50), "> 50")])
        self.share = self.kpi("KPI-2", KpiMeasure.PERCENTAGE, [(6, TargetKind.PERCENTAGE, ">", D(70), "> 70 %")])
        self.pilot = self.kpi("KPI-3", KpiMeasure.MILESTONE, [(6, TargetKind.MILESTONE, None, None, "Pilot igång")])
        self.meetings = self.kpi("KPI-4", KpiMeasure.NUMBER, [(6, TargetKind.NUMBER, ">", D(0), "> 0")],
                                 derivation=KpiDerivation.MEETINGS_REGIONS)
        self.staffing = self.kpi("KPI-5", KpiMeasure.NUMBER, [(6, TargetKind.NUMBER, ">=", D(3), "3 pers")],
                                 derivation=KpiDerivation.STAFFING)
        self.adopted = date(2025, 9, 1)
        db.session.commit()

    def activity(self, code, start=None, end=None, status=ActivityStatus.NOT_STARTED, **values):
        values = {"area": f"Område {code}", "text": "Text"} | values
        return ops.create(Activity(), None, code=code, work_package_id=self.package.id, start_quarter=start,
                          end_quarter=end, status=status, **values)

    def kpi(self, code, measure, targets, derivation=None):
        kpi = ops.create(Kpi(), None, code=code, work_package_id=self.package.id, indicator=f"Indikator {code}",
                         measure=measure, baseline_date=BASELINE, derivation=derivation)
        for months, kind, comparison, value, text in targets:
            ops.create(KpiTarget(), None, kpi_id=kpi.id, months=months, kind=kind, comparison=comparison,
                       value=value, text=text)
        return kpi

    def region_meeting(self, day, person=None):
        person = person or f.person(f"Deltagare {day}")
        meeting = ops.create(Meeting(), None, group_id=self.centre.id, title=f"Förankring {day}", starts_on=day)
        db.session.add(Attendance(meeting_id=meeting.id, person_id=person.id, representing_id=self.region.id,
                                  status=AttendanceStatus.PRESENT))
        db.session.commit()
        return meeting


@pytest.fixture
def world(app):
    return World()


@pytest.fixture
def centre_staff(login_as):
    return login_as(Role.COMPETENCE_CENTRE)


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


def test_the_competence_centre_records_a_measurement_and_who_entered_it(world, centre_staff):
    response = centre_staff.post(f"/competence/kpis/{world.count.id}/measurements",
                                 {"measured_on": "2025-12-01", "value": "30", "comment": "Räknat", "source": "Lista"},
                                 form_url=f"/competence/kpis/{world.count.id}")
    assert response.status_code == 302
    stored = db.session.scalar(sa.select(KpiMeasurement))
    assert stored.value == D(30) and stored.created_by_id == centre_staff.user.id
    html = centre_staff.get(f"/competence/kpis/{world.count.id}").get_data(as_text=True)
    assert "Uppnått" in html and centre_staff.user.display_name in html


@pytest.mark.parametrize("kpi_attr,data,message", [
    ("count", {"measured_on": "2025-01-01", "value": "30"}, "Mätdatum kan inte ligga före baslinjen"),
    ("share", {"measured_on": "2025-12-01", "value": "120"}, "En andel kan inte vara mer än 100 %"),
    ("count", {"measured_on": "2025-12-01", "value": "", "milestone_reached": "yes"},
     "Måttet följs upp med ett tal, inte med en milstolpe"),
    ("pilot", {"measured_on": "2025-12-01", "value": "3"}, "Måttet följs upp med milstolpar"),
    ("count", {"measured_on": "2025-12-01", "value": "tjugo"}, "Ange ett tal"),
    ("count", {"measured_on": "31/12", "value": "30"}, "datum"),
])
def test_bad_measurements_are_refused_with_the_input_kept(world, centre_staff, kpi_attr, data, message):
    kpi = getattr(world, kpi_attr)
    response = centre_staff.post(f"/competence/kpis/{kpi.id}/measurements", data | {"comment": "Min kommentar"},
                                 form_url=f"/competence/kpis/{kpi.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message.lower() in html.lower()
    assert "Min kommentar" in html  # what the user typed is kept
    assert db.session.scalar(sa.select(sa.func.count(KpiMeasurement.id))) == 0


def test_a_derived_kpi_takes_no_typed_measurement_and_links_to_its_records(world, centre_staff):
    meeting = world.region_meeting(date(2025, 9, 1))
    response = centre_staff.post(f"/competence/kpis/{world.meetings.id}/measurements",
                                 {"measured_on": "2025-12-01", "value": "3"}, form_url="/competence/")
    assert response.status_code == 422
    assert "räknas fram ur registret" in response.get_data(as_text=True)
    html = centre_staff.get(f"/competence/kpis/{world.meetings.id}").get_data(as_text=True)
    assert "minst en närvarande deltagare" in html  # the rule is shown
    records = centre_staff.get(f"/competence/kpis/{world.meetings.id}/records?on=2025-12-31").get_data(as_text=True)
    assert f"/meetings/{meeting.id}" in records and "<strong>1</strong>" in records
    before = centre_staff.get(f"/competence/kpis/{world.meetings.id}/records?on=2025-08-01").get_data(as_text=True)
    assert f"/meetings/{meeting.id}" not in before and "<strong>0</strong>" in before


def test_an_activity_ending_before_it_starts_is_refused_and_the_form_keeps_the_input(world, centre_staff):
    url = f"/competence/activities/{world.unplanned.id}/edit"
    form = centre_staff.get(url).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)
    data = {"version": version, "code": "A.3", "work_package_id": world.package.id, "area": "Nytt område",
            "text": "Text", "start_quarter": "2026-Q2", "end_quarter": "K1 2026", "status": "ongoing"}
    response = centre_staff.post(url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Aktiviteten kan inte sluta (K1 2026) innan den börjar (K2 2026)" in html
    assert 'value="Nytt område"' in html and 'value="K1 2026"' in html
    db.session.expire_all()
    assert db.session.get(Activity, world.unplanned.id).start_quarter is None
    response = centre_staff.post(url, data | {"end_quarter": "K3 2026"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Activity, world.unplanned.id)
    assert (saved.start_quarter, saved.end_quarter, saved.area) == ("2026-Q2", "2026-Q3", "Nytt område")


def test_two_people_editing_an_activity_do_not_overwrite_each_other(world, centre_staff, login_as):
    other = login_as(Role.COMPETENCE_CENTRE, username="kollega")
    url = f"/competence/activities/{world.unplanned.id}/edit"
    base = {"code": "A.3", "work_package_id": world.package.id, "text": "Text", "status": "not_started"}
    version = re.search(r'name="version"[^>]*value="(\d+)"', centre_staff.get(url).get_data(as_text=True)).group(1)
    assert other.post(url, base | {"version": version, "area": "Kollegans ändring"}).status_code == 302
    response = centre_staff.post(url, base | {"version": version, "area": "Min ändring"})
    assert response.status_code == 200 and "Någon annan har ändrat posten" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Activity, world.unplanned.id).area == "Kollegans ändring"


def test_progress_updates_and_status_from_a_linked_assignment(world, centre_staff):
    response = centre_staff.post(f"/competence/activities/{world.late.id}/updates",
                                 {"reported_on": TODAY.isoformat(), "traffic_light": "at_risk",
                                  "progress": "Väntar på pilotregionen."},
                                 form_url=f"/competence/activities/{world.late.id}")
    assert response.status_code == 302
    update = db.session.scalar(sa.select(ActivityUpdate))
    assert update.progress == "Väntar på pilotregionen." and update.created_by_id == centre_staff.user.id
    assignment = f.assignment(f.group("NSG Hälsodata test"), world.centre, "Pilotuppdrag",
                              status=AssignmentStatus.DELIVERED)
    ops.update(world.late, None, {"assignment_id": assignment.id})
    db.session.commit()
    html = centre_staff.get(f"/competence/activities/{world.late.id}").get_data(as_text=True)
    assert "Klar" in html and "från uppdraget" in html and "Pilotuppdrag" in html
    assert "Risk för avvikelse" in html
    late = centre_staff.get("/competence/activities?late=1").get_data(as_text=True)
    assert "A.1" not in late  # done through the assignment, so no longer late


def test_the_timeline_marks_today_late_activities_and_has_a_table(world, centre_staff):
    html = centre_staff.get("/competence/timeline").get_data(as_text=True)
    today_quarter = Quarter.of(TODAY)
    assert f"{today_quarter.label}<br><strong>Idag</strong>" in html
    assert Quarter(2026, 3).label in html  # the plan's horizon, July 2026, is always shown
    row = html[html.index(f"/competence/activities/{world.late.id}"):]
    row = row[:row.index("</tr>")]
    assert "Försenad" in row and "bar-late" in row
    done_row = html[html.index(f"/competence/activities/{world.done.id}"):]
    assert "Försenad" not in done_row[:done_row.index("</tr>")]
    assert 'id="plan-table"' in html and "ej planerad" in html


def test_kpi_page_shows_actual_against_target_at_each_checkpoint(world, centre_staff):
    ops.create(KpiMeasurement(), None, kpi_id=world.count.id, measured_on=date(2025, 12, 1), value=D(20))
    db.session.commit()
    html = centre_staff.get(f"/competence/kpis/{world.count.id}").get_data(as_text=True)
    six = html[html.index("6 månader"):]
    six = six[:six.index("</tr>")]
    assert "&gt; 25" in six and "20" in six and "Inte uppnått" in six
    assert "<svg" in html and 'role="img"' in html  # the chart, with a text alternative
    assert html.count('class="point"') == 1


def test_a_new_version_of_the_use_case_priority_list(world, centre_staff):
    cases = [ops.create(UseCase(), None, code=c, title=f"Fall {c}") for c in "ABC"]
    db.session.commit()
    url = "/competence/use-cases/priorities/new"
    bad = centre_staff.post(url, {"adopted_on": "2025-10-01", f"place-{cases[0].id}": "1",
                                  f"place-{cases[1].id}": "1", f"place-{cases[2].id}": "x"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Platsen 1 är redan given" in html and "Ange en plats som ett heltal" in html
    assert f'name="place-{cases[2].id}" value="x"' in html
    assert db.session.scalar(sa.select(sa.func.count(UseCasePriorityVersion.id))) == 0
    ok = centre_staff.post(url, {"adopted_on": "2025-10-01", f"place-{cases[2].id}": "1",
                                 f"place-{cases[0].id}": "2"})
    assert ok.status_code == 302
    version = db.session.scalar(sa.select(UseCasePriorityVersion))
    assert version.number == 1 and [e.use_case.code for e in version.entries] == ["C", "A"]
    # The form for the next version starts from this order.
    form = centre_staff.get(url).get_data(as_text=True)
    assert f'name="place-{cases[2].id}" value="1"' in form
    page = centre_staff.get("/competence/use-cases").get_data(as_text=True)
    assert "Version 1" in page


def test_region_stances_and_maturity(world, centre_staff):
    authority = ops.create(type(world.region)(), None, name="Myndigheten", kind=world.region.kind.AUTHORITY)
    db.session.commit()
    refused = centre_staff.post("/competence/regions/stances",
                                {"organisation_id": authority.id, "stance": "positive", "recorded_on": "2025-10-01"})
    assert refused.status_code == 422
    saved = centre_staff.post("/competence/regions/stances",
                              {"organisation_id": world.region.id, "stance": "positive", "recorded_on": "2025-10-01",
                               "source": "Dialogmöte"})
    assert saved.status_code == 302
    html = centre_staff.get("/competence/regions/stances").get_data(as_text=True)
    assert "100 %" in html and "Dialogmöte" in html  # the only region is positive
    bad_level = centre_staff.post("/competence/regions/maturity", {"organisation_id": world.region.id,
                                                                   "area": "data_quality", "level": "5",
                                                                   "assessed_on": "2025-03-01"})
    assert bad_level.status_code == 422
    for area in MaturityArea:
        assert centre_staff.post("/competence/regions/maturity", {
            "organisation_id": world.region.id, "area": area.value, "level": "1",
            "assessed_on": "2025-03-01"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(MaturityAssessment.id))) == 4
    world.region_meeting(date(2025, 9, 1))
    world.region_meeting(date(2025, 10, 1))
    html = centre_staff.get("/competence/regions/maturity").get_data(as_text=True)
    anchoring = html[html.index('id="anchor-heading"'):]
    assert world.region.name in anchoring and "<td>2</td>" in anchoring  # two meetings with the less mature region


def test_the_follow_up_report_prints_and_downloads_as_xlsx(world, centre_staff):
    from openpyxl import load_workbook

    ops.create(KpiMeasurement(), None, kpi_id=world.count.id, measured_on=date(2025, 12, 1), value=D(30))
    db.session.commit()
    html = centre_staff.get("/competence/report?months=6").get_data(as_text=True)
    assert "Avstämningsdag: 31 dec. 2025" in html
    row = html[html.index("KPI-1"):]
    assert "Uppnått" in row[:row.index("</tr>")]
    response = centre_staff.get("/competence/report?months=6&format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(response.data))
    rows = {r[0]: r for r in book["Indikatorer"].iter_rows(min_row=4, values_only=True)}
    assert rows["KPI-1"][3] == "> 25" and rows["KPI-1"][4] == "30" and rows["KPI-1"][6] == "Uppnått"
    assert rows["KPI-2"][6] == ("Mätning saknas" if TODAY > date(2025, 12, 31) else "Inte aktuellt än")
    activities = {r[0]: r for r in book["Aktiviteter"].iter_rows(min_row=4, values_only=True)}
    assert activities["A.1"][5] == "Ja" and activities["A.2"][5] == "Nej"
    assert centre_staff.get("/competence/report?months=7").status_code == 404


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


def test_a_target_is_revised_with_its_history_and_bad_targets_are_refused(world, centre_staff, login_as):
    ops.create(KpiMeasurement(), None, kpi_id=world.count.id, measured_on=date(2025, 12, 1), value=D(20))
    db.session.commit()
    url = f"/competence/kpis/{world.count.id}/targets/6"
    version = re.search(r'name="version"[^>]*value="(\d+)"', centre_staff.get(url).get_data(as_text=True)).group(1)
    for data, message in [({"kind": "milestone", "text": "Klart"}, "välj en typ av mål som passar"),
                          ({"kind": "number", "comparison": "", "value": "5", "text": "5"}, "Välj en jämförelse"),
                          ({"kind": "range", "low": "4", "high": "2", "text": "4–2"}, "Intervallets slut"),
                          ({"kind": "number", "comparison": ">", "value": "", "text": "mål"}, "Ange målvärdet")]:
        response = centre_staff.post(url, data | {"version": version})
        assert response.status_code == 200 and message in response.get_data(as_text=True), data
    response = centre_staff.post(url, {"version": version, "kind": "number", "comparison": ">", "value": "15",
                                       "text": "> 15"})
    assert response.status_code == 302
    html = centre_staff.get(f"/competence/kpis/{world.count.id}").get_data(as_text=True)
    six = html[html.index("6 månader"):]
    assert "&gt; 15" in six[:six.index("</tr>")] and "Uppnått" in six[:six.index("</tr>")]
    history = centre_staff.get(url).get_data(as_text=True)
    assert "&gt; 25" in history and "&gt; 15" in history  # the earlier target is in the change log
    # A checkpoint without a target can be given one; percentages stay within 0–100.
    share_url = f"/competence/kpis/{world.share.id}/targets/12"
    assert "En andel ligger mellan 0 och 100" in centre_staff.post(share_url, {
        "kind": "percentage", "comparison": ">", "value": "120", "text": "x"}).get_data(as_text=True)
    assert centre_staff.post(share_url, {"kind": "percentage", "comparison": ">", "value": "80",
                                         "text": "> 80 %"}).status_code == 302
    assert db.session.scalar(sa.select(KpiTarget).where(KpiTarget.kpi_id == world.share.id,
                                                        KpiTarget.months == 12)).value == D(80)
    assert login_as(Role.SECRETARIAT).get(url).status_code == 403
    assert centre_staff.get(f"/competence/kpis/{world.count.id}/targets/18").status_code == 404


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


def test_review_fixes_priority_versions_cannot_be_dated_ahead_and_can_be_archived(world, centre_staff):
    case = ops.create(UseCase(), None, code="A", title="Fall A")
    db.session.commit()
    url = "/competence/use-cases/priorities/new"
    future = (TODAY + timedelta(days=30)).isoformat()
    html = centre_staff.post(url, {"adopted_on": future, f"place-{case.id}": "1"}).get_data(as_text=True)
    assert "En version kan inte fastställas i framtiden" in html
    assert centre_staff.post(url, {"adopted_on": "2025-10-01", f"place-{case.id}": "1"}).status_code == 302
    version = db.session.scalar(sa.select(UseCasePriorityVersion))
    page = f"/competence/use-cases/priorities/{version.id}"
    assert centre_staff.post(f"{page}/archive", {"do": "archive"}, form_url=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(UseCasePriorityVersion, version.id).is_archived
    assert "Ingen prioriterad lista är fastställd ännu" in centre_staff.get("/competence/use-cases") \
        .get_data(as_text=True)


def test_review_fixes_progress_update_errors_keep_the_text(world, centre_staff):
    url = f"/competence/activities/{world.late.id}"
    response = centre_staff.post(f"{url}/updates", {"reported_on": "2030-01-01", "traffic_light": "on_track",
                                                    "progress": "Mitt långa utkast"}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "En lägesrapport kan inte dateras i framtiden" in html and "Mitt långa utkast" in html
    assert db.session.scalar(sa.select(sa.func.count(ActivityUpdate.id))) == 0


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


def test_review_fixes_user_text_in_the_xlsx_is_never_a_formula(world, centre_staff):
    from openpyxl import load_workbook

    world.activity("A.9", area='=HYPERLINK("http://evil.example","klicka")')
    db.session.commit()
    book = load_workbook(BytesIO(centre_staff.get("/competence/report?months=6&format=xlsx").data))
    cells = [c for row in book["Aktiviteter"].iter_rows(min_row=4) for c in row if c.value and
             str(c.value).startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_review_fixes_a_milestone_kpi_says_which_milestone_its_latest_value_is(world, centre_staff):
    target = world.pilot.targets[0]
    ops.create(KpiMeasurement(), None, kpi_id=world.pilot.id, measured_on=date(2025, 11, 1), target_id=target.id,
               milestone_reached=True)
    db.session.commit()
    html = centre_staff.get("/competence/kpis").get_data(as_text=True)
    row = html[html.index("KPI-3"):]
    assert "Pilot igång: Nådd" in row[:row.index("</tr>")]


def test_review_fixes_the_centres_own_staff_do_not_count_as_region_representatives(world):
    from app.competence.kpis.derived import values_on

    staff = f.person("Medarbetare Regionsson", organisation_id=world.region.id)
    f.membership(world.centre, staff, start=date(2025, 1, 1))
    guest = f.person("Gäst Regionsdotter", organisation_id=world.region.id)
    internal = ops.create(Meeting(), None, group_id=world.centre.id, title="Internt", starts_on=date(2025, 9, 1))
    visit = ops.create(Meeting(), None, group_id=world.centre.id, title="Besök", starts_on=date(2025, 9, 2))
    db.session.add(Attendance(meeting_id=internal.id, person_id=staff.id, status=AttendanceStatus.PRESENT))
    db.session.add(Attendance(meeting_id=visit.id, person_id=guest.id, status=AttendanceStatus.PRESENT))
    db.session.commit()
    on = date(2025, 12, 31)
    assert values_on(KpiDerivation.MEETINGS_REGIONS, BASELINE, [on])[on] == 1  # the visit, not the internal one
    # Staff who explicitly represent their region at a meeting do count.
    db.session.execute(sa.update(Attendance).where(Attendance.meeting_id == internal.id)
                       .values(representing_id=world.region.id))
    db.session.commit()
    assert values_on(KpiDerivation.MEETINGS_REGIONS, BASELINE, [on])[on] == 2


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


def test_a_priority_version_records_its_ranking_in_its_history(world, centre_staff):
    a, b = (ops.create(UseCase(), None, code=c, title=f"Fall {c}") for c in "AB")
    db.session.commit()
    centre_staff.post("/competence/use-cases/priorities/new", {"adopted_on": "2025-10-01", f"place-{b.id}": "1",
                                                                f"place-{a.id}": "2"})
    version = db.session.scalar(sa.select(UseCasePriorityVersion))
    html = centre_staff.get(f"/competence/use-cases/priorities/{version.id}").get_data(as_text=True)
    history = html[html.index('id="history-heading"'):]
    assert "Prioriterade användningsfall" in history and "1. B, 2. A" in history


def test_a_new_activity_from_its_work_package(world, centre_staff):
    page = centre_staff.get(f"/competence/work-packages/{world.package.id}").get_data(as_text=True)
    assert f"/competence/activities/new?work_package={world.package.id}" in page
    form = centre_staff.get(f"/competence/activities/new?work_package={world.package.id}").get_data(as_text=True)
    assert f'<option selected value="{world.package.id}">' in form
    assert re.search(r'<input[^>]*name="code"[^>]*value="A.4"', form)  # the next free code is suggested
    data = {"code": "A.6", "work_package_id": world.package.id, "area": "Utvärdering", "text": "Utvärdera piloten",
            "start_quarter": "K1 2027", "open_ended": "y", "status": "not_started",
            "responsible_group_id": world.centre.id}
    assert centre_staff.post("/competence/activities/new", data).status_code == 302
    made = db.session.scalar(sa.select(Activity).where(Activity.code == "A.6"))
    assert (made.start_quarter, made.open_ended, made.responsible_group_id) == ("2027-Q1", True, world.centre.id)
    again = centre_staff.post("/competence/activities/new", data | {"area": "Dubblett"}).get_data(as_text=True)
    assert "Det finns redan en aktivitet med det id:t" in again and 'value="Dubblett"' in again


def test_activity_codes_sort_as_numbers(world, centre_staff):
    world.activity("A.10")
    db.session.commit()
    html = centre_staff.get("/competence/activities").get_data(as_text=True)
    assert html.index(">A.3</a>") < html.index(">A.10</a>")


def test_a_new_kpi_is_created_given_targets_and_archived(world, centre_staff, login_as):
    assert login_as(Role.SECRETARIAT).get("/competence/kpis/new").status_code == 403
    data = {"code": "KPI-D6", "work_package_id": world.package.id, "indicator": "Andel regioner med datakatalog",
            "measure": "number", "derivation": "regions_positive", "baseline_date": "2025-06-30"}
    html = centre_staff.post("/competence/kpis/new", data).get_data(as_text=True)
    assert "räknas som Andel (%)" in html and 'value="Andel regioner med datakatalog"' in html
    html = centre_staff.post("/competence/kpis/new", data | {"code": "KPI-1", "measure": "percentage"}) \
        .get_data(as_text=True)
    assert "Det finns redan en indikator med det id:t" in html
    response = centre_staff.post("/competence/kpis/new", data | {"measure": "percentage"})
    assert response.status_code == 302
    kpi = db.session.scalar(sa.select(Kpi).where(Kpi.code == "KPI-D6"))
    assert kpi.derivation == KpiDerivation.REGIONS_POSITIVE and kpi.created_by_id == centre_staff.user.id
    assert centre_staff.post(f"/competence/kpis/{kpi.id}/targets/12", {
        "kind": "percentage", "comparison": ">=", "value": "50", "text": "Hälften"}).status_code == 302
    page = f"/competence/kpis/{kpi.id}"
    assert centre_staff.post(f"{page}/archive", {"do": "archive"}, form_url=page).status_code == 302
    assert f"/competence/kpis/{kpi.id}\"" not in centre_staff.get("/competence/kpis").get_data(as_text=True)
    archived = centre_staff.get(page).get_data(as_text=True)
    assert "Arkiverad" in archived and "Hälften" in archived  # still readable, with its target


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
